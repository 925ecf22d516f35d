//! The choices forms offer: payment methods, people, a caller's customers
//! and a customer's contacts.

use kuijing_store::options::OptionRow;

use crate::customers::CustomerListQuery;
use crate::error::Result;
use crate::{App, Caller};

/// A record offered in a form: its id and what it is called.
pub type Choice = (i64, String);

impl App {
    /// The payment methods administrators keep, active ones only, named
    /// as the caller is shown them.
    pub async fn payment_methods(&self, caller: &Caller) -> Result<Vec<OptionRow>> {
        let mut tx = self.db.read().await?;
        let all = kuijing_store::options::of_field(&mut tx, "payment", "method_id").await?;
        Ok(caller.shown_options(all.into_iter().filter(|o| o.active).collect()))
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

    /// Customers the caller sees whose name, phone or e-mail match `text`
    /// (as the search box finds them, scoped like the list), with a second
    /// line (phone, else owner) to tell them apart; the most recently
    /// changed first when nothing is typed; and how many more match than
    /// the `limit` given.
    pub async fn customer_picks(
        &self,
        caller: &Caller,
        text: &str,
        limit: u64,
    ) -> Result<(Vec<(i64, String, Option<String>)>, u64)> {
        let text = text.trim();
        let query = CustomerListQuery {
            search: (!text.is_empty()).then(|| text.to_string()),
            sort: Some("updated_at".into()),
            descending: true,
            limit: Some(limit),
            ..CustomerListQuery::default()
        };
        let page = self.list_customers(caller, &query).await?;
        let picks: Vec<_> = page
            .items
            .into_iter()
            .map(|row| {
                let detail = row.customer.phone.clone().or(row.owner_name.clone());
                (row.customer.id, row.customer.name, detail)
            })
            .collect();
        let more = u64::try_from(page.total)
            .unwrap_or(0)
            .saturating_sub(picks.len() as u64);
        Ok((picks, more))
    }

    /// A visible customer's contacts.
    pub async fn contact_choices(&self, caller: &Caller, customer: i64) -> Result<Vec<Choice>> {
        let found = self.contacts_of_customer(caller, customer).await?;
        Ok(found
            .into_iter()
            .map(|c| (c.contact.id, c.contact.name))
            .collect())
    }
}

impl App {
    /// Every department by name, for choosing who may use a pipeline.
    pub async fn department_choices(&self) -> Result<Vec<Choice>> {
        let mut tx = self.db.read().await?;
        let org = kuijing_store::departments::org_chart(&mut tx).await?;
        let ids: Vec<i64> = org.department_ids().collect();
        let mut names = kuijing_store::departments::names(&mut tx, &ids).await?;
        names.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(names)
    }

    /// Every role by name, for approval steps decided by a role's members.
    pub async fn role_names(&self, caller: &Caller) -> Result<Vec<Choice>> {
        let mut tx = self.db.read().await?;
        Ok(kuijing_store::roles::list(&mut tx, None)
            .await?
            .into_iter()
            .map(|role| (role.id, caller.role_name(&role)))
            .collect())
    }
}
