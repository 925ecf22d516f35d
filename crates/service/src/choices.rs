//! The choices forms offer: payment methods, people, a caller's customers
//! and a customer's contacts.

use kuijing_store::options::OptionRow;

use crate::customers::CustomerListQuery;
use crate::error::Result;
use crate::{App, Caller, PageRequest};

/// A record offered in a form: its id and what it is called.
pub type Choice = (i64, String);

impl App {
    /// The payment methods administrators keep, active ones only.
    pub async fn payment_methods(&self) -> Result<Vec<OptionRow>> {
        let mut tx = self.db.read().await?;
        let all = kuijing_store::options::of_field(&mut tx, "payment", "method_id").await?;
        Ok(all.into_iter().filter(|o| o.active).collect())
    }

    /// Active users, by name: who may sign, approve or own.
    pub async fn user_choices(&self, _caller: &Caller) -> Result<Vec<Choice>> {
        let mut tx = self.db.read().await?;
        Ok(kuijing_store::users::active_names(&mut tx).await?)
    }

    /// Customers the caller may see, most recently changed first, at most
    /// `limit`; a form also accepts any other visible customer by id.
    pub async fn customer_choices(&self, caller: &Caller, limit: u64) -> Result<Vec<Choice>> {
        let query = CustomerListQuery {
            sort: Some("updated_at".into()),
            descending: true,
            limit: Some(limit),
            ..CustomerListQuery::default()
        };
        let page = self.list_customers(caller, &query).await?;
        Ok(page
            .items
            .into_iter()
            .map(|row| (row.customer.id, row.customer.name))
            .collect())
    }

    /// A visible customer's contacts.
    pub async fn contact_choices(&self, caller: &Caller, customer: i64) -> Result<Vec<Choice>> {
        let page = self
            .list_contacts(
                caller,
                None,
                Some(customer),
                PageRequest {
                    cursor: None,
                    limit: Some(PageRequest::MAX_LIMIT),
                },
            )
            .await?;
        Ok(page.items.into_iter().map(|c| (c.id, c.name)).collect())
    }
}
