//! Contacts: the people at a customer, one of them primary. Lists with
//! filters and sorting, details with follow-ups and change log, create and
//! edit with optimistic locking, transfer and delete; spreadsheets are in
//! `contact_io`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kuijing_domain::change::Diff;
use kuijing_domain::{Action, Change, ChangeAction, FieldErrors, Kind, Permission, text};
pub use kuijing_store::contacts::Contact;
use kuijing_store::contacts::{self, ContactFields};
use kuijing_store::follow_ups::FollowUp;
use kuijing_store::schema::Contacts;
use kuijing_store::{Tx, customers, departments, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::customers::FollowUpInput;
use crate::error::{Result, ServiceError};
use crate::list_filters::{ListSpec, RecordQuery, Shape, limit_of, paged, parse_sort};
use crate::selection::RecordBatch;
use crate::{App, Caller, ListPage, stale_check};
use kuijing_store::lists::Shown;

mod checks;
mod edits;

pub(crate) use checks::{created, describe};

pub(crate) const CONTACT_LIST: ListSpec<Contacts> = ListSpec {
    kind: "contacts",
    fields: &[
        ("name", Contacts::Name, Shape::Text),
        ("customer_id", Contacts::CustomerId, Shape::Choice),
        ("mobile", Contacts::PhoneKey, Shape::Phone),
        ("email", Contacts::Email, Shape::Text),
        ("post", Contacts::Post, Shape::Text),
        ("address", Contacts::Address, Shape::Text),
        ("postcode", Contacts::Postcode, Shape::Code),
        ("notes", Contacts::Notes, Shape::Text),
        ("decision_maker", Contacts::DecisionMaker, Shape::Bool),
        ("is_primary", Contacts::IsPrimary, Shape::Bool),
        ("owner_id", Contacts::OwnerId, Shape::Choice),
        ("created_at", Contacts::CreatedAt, Shape::Time),
        ("updated_at", Contacts::UpdatedAt, Shape::Time),
        ("last_follow_up_at", Contacts::LastFollowUpAt, Shape::Time),
        ("next_contact_at", Contacts::NextContactAt, Shape::Time),
    ],
    sortable: &[
        "id",
        "name",
        "customer_id",
        "mobile",
        "phone",
        "email",
        "post",
        "address",
        "postcode",
        "notes",
        "decision_maker",
        "is_primary",
        "owner_id",
        "created_at",
        "updated_at",
        "last_follow_up_at",
        "next_contact_at",
    ],
    // The filter on `mobile` matches either phone by its digits; the list
    // shows and sorts each as written.
    sort_only: &[
        ("mobile", Contacts::Mobile, Shape::Text),
        ("phone", Contacts::Phone, Shape::Text),
    ],
    shown: &[("customer_id", Shown::Customer), ("owner_id", Shown::User)],
    id: Contacts::Id,
    owner: Contacts::OwnerId,
    created: Contacts::CreatedAt,
};

/// The fields a contact list sorts by, besides its custom fields.
pub const SORTABLE: &[&str] = CONTACT_LIST.sortable;

/// A new contact, or every field of an edit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub customer_id: i64,
    pub name: String,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub post: Option<String>,
    #[serde(default)]
    pub decision_maker: bool,
    /// The customer's primary contact; the one before stops being it.
    #[serde(default)]
    pub is_primary: bool,
    pub address: Option<String>,
    /// The postal code, as text (`100`, `10048`); leading zeros are kept.
    pub postcode: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
    /// The caller when left out; an edit changes owners by transfer.
    pub owner_id: Option<i64>,
    /// The version read, for an edit: a save on a newer one answers 409 with
    /// the stored contact.
    pub version: Option<i64>,
}

/// A contact as lists show it, with its owner's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactView {
    #[serde(flatten)]
    pub contact: Contact,
    pub owner_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactDetail {
    #[serde(flatten)]
    pub view: ContactView,
    pub follow_ups: Vec<FollowUp>,
    pub change_log: Vec<LogView>,
    /// Whether the caller may edit it.
    pub can_edit: bool,
}

/// Contacts to give to a new owner.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactTransfer {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every contact that matches this filter, in the caller's scope, instead of `ids`.
    #[serde(default)]
    pub matching: Option<crate::selection::RecordMatch>,
    pub owner_id: i64,
}

fn contact(action: Action) -> Permission {
    Permission::new(Kind::Contact, action)
}

impl App {
    pub async fn list_contacts(
        &self,
        caller: &Caller,
        query: &RecordQuery,
    ) -> Result<ListPage<ContactView>> {
        caller.require(contact(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let defs = self.field_defs_in(&mut tx, Kind::Contact).await?;
        let store_query = self.list_narrowing(&CONTACT_LIST, (caller, &org), &defs, query)?;
        let (sort, after) = parse_sort(&CONTACT_LIST, &defs, query)?;
        let limit = limit_of(query);
        let scope = (&visibility, caller.user.id, self.today());
        let found = contacts::list(&mut tx, scope, &store_query, sort, after, limit + 1).await?;
        let total = contacts::count(&mut tx, scope, &store_query).await?;
        let (found, next_cursor) = paged(found, query, |c| c.id);
        Ok(ListPage {
            items: self.contact_views(&mut tx, found).await?,
            total,
            next_cursor,
        })
    }

    /// The contacts of one customer the caller sees, primary first: all of
    /// them, since they belong to the customer (a team member of the
    /// customer sees its contacts whoever owns them).
    pub async fn contacts_of_customer(
        &self,
        caller: &Caller,
        customer: i64,
    ) -> Result<Vec<ContactView>> {
        caller.require(contact(Action::View))?;
        let mut tx = self.db.read().await?;
        self.visible_record(&mut tx, caller, Kind::Customer, customer)
            .await?;
        let ids = kuijing_store::record_purge::contacts_of(&mut tx, &[customer]).await?;
        let everything = kuijing_domain::Visibility::everything();
        let mut found = Vec::new();
        for id in ids.into_iter().take(crate::PageRequest::MAX_LIMIT as usize) {
            found.extend(contacts::get(&mut tx, (&everything, 0, self.today()), id).await?);
        }
        let mut found = self.contact_views(&mut tx, found).await?;
        found.sort_by_key(|c| !c.contact.is_primary);
        Ok(found)
    }

    /// The contacts a customer's page shows: the first
    /// [`crate::customer_sales::SHOWN`] (the primary one first) and how many
    /// there are, the rest being on the contact list narrowed to it. Both are
    /// in the caller's contact scope, as that list, its count and its export
    /// are: seeing a customer does not show contacts whose owners are out of
    /// scope (its team members see all of them).
    pub async fn customer_contacts(
        &self,
        caller: &Caller,
        customer: i64,
    ) -> Result<crate::ListPage<ContactView>> {
        caller.require(contact(Action::View))?;
        let mut tx = self.db.read().await?;
        self.visible_record(&mut tx, caller, Kind::Customer, customer)
            .await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Contact, &org);
        let scope = (&visibility, caller.user.id, self.today());
        let (ids, total) =
            contacts::first_of_customer(&mut tx, scope, customer, crate::customer_sales::SHOWN)
                .await?;
        let mut found = Vec::new();
        for id in ids {
            found.extend(contacts::get(&mut tx, scope, id).await?);
        }
        Ok(crate::ListPage {
            items: self.contact_views(&mut tx, found).await?,
            total,
            next_cursor: None,
        })
    }

    pub async fn get_contact(&self, caller: &Caller, id: i64) -> Result<ContactDetail> {
        caller.require(contact(Action::View))?;
        let mut tx = self.db.read().await?;
        let found = self.visible_contact(&mut tx, caller, id).await?;
        let follow_ups = self.follow_ups_of(&mut tx, Kind::Contact, id).await?;
        let change_log = self
            .change_log_of(&mut tx, caller, Kind::Contact, id)
            .await?;
        let can_edit = caller.can(contact(Action::Edit))
            && self
                .writable_record(&mut tx, caller, Kind::Contact, id)
                .await
                .is_ok();
        Ok(ContactDetail {
            view: self.contact_views(&mut tx, vec![found]).await?.remove(0),
            follow_ups,
            change_log,
            can_edit,
        })
    }

    pub(crate) async fn visible_contact(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Contact> {
        let visibility = self.visibility_of(tx, caller, Kind::Contact).await?;
        contacts::get(tx, (&visibility, caller.user.id, self.today()), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    pub(crate) async fn contact_views(
        &self,
        tx: &mut Tx,
        found: Vec<Contact>,
    ) -> Result<Vec<ContactView>> {
        let owners: Vec<i64> = found.iter().filter_map(|c| c.owner_id).collect();
        let names: BTreeMap<i64, String> = users::names(tx, &owners).await?.into_iter().collect();
        Ok(found
            .into_iter()
            .map(|contact| ContactView {
                owner_name: contact.owner_id.and_then(|o| names.get(&o).cloned()),
                contact,
            })
            .collect())
    }
}
