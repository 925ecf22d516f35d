//! The search box: records of every kind the caller may see, while typing.

use kuijing_domain::{Action, Kind, Permission};
use serde::Serialize;
use utoipa::ToSchema;

use crate::customers::CustomerListQuery;
use crate::list_filters::RecordQuery;
use crate::users::UserQuery;
use crate::{App, Caller, PageRequest, Result};

/// How many hits of each kind a search shows.
const PER_KIND: u64 = 8;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: String,
    pub id: i64,
    pub title: String,
    /// A second line: phone, owner or department.
    pub detail: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// For a kind with more matches than its hits: how many more
    /// (`{"customer": 12}`), so a picker can ask for more of the name.
    pub more: std::collections::BTreeMap<String, u64>,
}

impl App {
    /// Finds records by name, phone or e-mail in each kind the caller may
    /// view, scoped exactly like the lists.
    pub async fn search(&self, caller: &Caller, text: &str) -> Result<SearchResults> {
        let text = text.trim();
        let mut hits = Vec::new();
        let mut more = std::collections::BTreeMap::new();
        let mut count_more = |kind: &str, total: i64, shown: usize| {
            let left = u64::try_from(total)
                .unwrap_or(0)
                .saturating_sub(shown as u64);
            if left > 0 {
                more.insert(kind.to_string(), left);
            }
        };
        if text.chars().count() < 1 {
            return Ok(SearchResults { hits, more });
        }
        if caller.can(Permission::new(Kind::Customer, Action::View)) {
            let query = CustomerListQuery {
                search: Some(text.to_string()),
                limit: Some(PER_KIND),
                ..CustomerListQuery::default()
            };
            let page = self.list_customers(caller, &query).await?;
            count_more("customer", page.total, page.items.len());
            for view in page.items {
                let detail = view.customer.phone.clone().or(view.owner_name.clone());
                hits.push(SearchHit {
                    kind: "customer".into(),
                    id: view.customer.id,
                    url: format!("/customers/{}", view.customer.id),
                    title: view.customer.name,
                    detail,
                });
            }
        }
        if caller.can(Permission::new(Kind::Contact, Action::View)) {
            let query = RecordQuery {
                search: Some(text.to_string()),
                limit: Some(PER_KIND),
                ..RecordQuery::default()
            };
            let page = self.list_contacts(caller, &query).await?;
            count_more("contact", page.total, page.items.len());
            for view in page.items {
                let contact = view.contact;
                hits.push(SearchHit {
                    kind: "contact".into(),
                    id: contact.id,
                    url: format!("/contacts/{}", contact.id),
                    title: contact.name,
                    detail: Some(contact.customer_name),
                });
            }
        }
        if caller.can(Permission::new(Kind::Lead, Action::View)) {
            let query = RecordQuery {
                search: Some(text.to_string()),
                view: Some("open".into()),
                limit: Some(PER_KIND),
                ..RecordQuery::default()
            };
            let page = self.list_leads(caller, &query).await?;
            count_more("lead", page.total, page.items.len());
            for view in page.items {
                let lead = view.lead;
                let detail = lead.contact_name.clone().or(lead.phone.clone());
                hits.push(SearchHit {
                    kind: "lead".into(),
                    id: lead.id,
                    url: format!("/leads/{}", lead.id),
                    title: lead.name,
                    detail,
                });
            }
        }
        if caller.can(Permission::new(Kind::User, Action::View)) {
            let query = UserQuery {
                search: Some(text.to_string()),
                ..UserQuery::default()
            };
            let page = PageRequest {
                cursor: None,
                limit: Some(PER_KIND),
                anchor: None,
            };
            let found = self.list_users(caller, &query, page).await?;
            count_more("user", found.total, found.items.len());
            for view in found.items {
                hits.push(SearchHit {
                    kind: "user".into(),
                    id: view.user.id,
                    url: format!("/users/{}", view.user.id),
                    title: view.user.name,
                    detail: view.department_name,
                });
            }
        }
        Ok(SearchResults { hits, more })
    }
}
