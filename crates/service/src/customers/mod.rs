//! Customers: lists in scope with filters and sorting, details with their
//! follow-ups, team and change log, create and edit with optimistic locking,
//! transfer (customer_transfer), delete (deletion) and duplicate hints.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::change::Diff;
use kuijing_domain::customer::{Customer, parse_website};
use kuijing_domain::fields::{self, FieldDef};
use kuijing_domain::{Action, Change, ChangeAction, FieldErrors, Kind, Permission, text};
use kuijing_store::customers::{self, CustomerFields};
use kuijing_store::follow_ups::FollowUp;

/// A follow-up as the API shows it.
pub type FollowUpView = FollowUp;

mod changes;
mod checks;
mod deletion;
mod duplicates;
mod edits;

pub use crate::customer_transfer::TransferInput;
pub(crate) use crate::customer_transfer::keep_former_owner;
pub(crate) use changes::{created, describe, describe_custom, fields_of};
pub(crate) use checks::{check_choices, custom_of, read_region};
pub use duplicates::DuplicateHint;
use kuijing_store::{Tx, departments, options, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::customer_list::CUSTOMER_LIST;
use crate::error::{Result, ServiceError};
use crate::follow_ups::Upload;
use crate::input::nullable;
use crate::list_filters::{limit_of, paged, parse_sort};
use crate::selection::CustomerMatch;
pub use crate::teams::{TeamInput, TeamView};
use crate::{App, Caller, ListPage};

/// A customer as lists show it, with the names behind its ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerView {
    #[serde(flatten)]
    pub customer: Customer,
    pub owner_name: Option<String>,
    pub level: Option<String>,
    pub industry: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerDetail {
    #[serde(flatten)]
    pub view: CustomerView,
    pub follow_ups: Vec<FollowUp>,
    pub team: Vec<TeamView>,
    pub change_log: Vec<LogView>,
    /// Whether the caller may edit it (owner in scope, or team with write).
    pub can_edit: bool,
    /// Whether the caller owns it or sees its owner through their data
    /// scope (a manager), not only as a team member: who may lock it and
    /// put it into the pool.
    pub can_manage: bool,
}

/// A new customer, or every field of an edit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The detail line of the address (street, number, floor).
    pub address: Option<String>,
    /// The postal code, as text (`100`, `10048`); leading zeros are kept.
    pub postcode: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub tax_id: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
    /// The caller when left out.
    pub owner_id: Option<i64>,
}

/// Changes to a customer; a field left out is kept, `null` clears it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    /// The version read; a save on a newer one answers 409 with the stored record.
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub level_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub industry_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub source_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub postcode: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub province: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub district: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub tax_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Custom fields given here replace those stored; others are kept.
    #[schema(value_type = Option<Object>)]
    pub custom: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub next_contact_at: Option<Option<DateTime<Utc>>>,
}

pub use crate::list_filters::FilterInput;

/// What a customer list shows.
pub type CustomerListQuery = crate::list_filters::RecordQuery;

pub use crate::follow_ups::FollowUpInput;

/// Customers a batch action is for: ticked ones, or all that match a filter.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBatch {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every customer that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<CustomerMatch>,
}

/// The fields a customer list sorts by, besides its custom fields.
pub const SORTABLE: &[&str] = CUSTOMER_LIST.sortable;

pub(crate) fn customer(action: Action) -> Permission {
    Permission::new(Kind::Customer, action)
}

impl App {
    pub async fn list_customers(
        &self,
        caller: &Caller,
        query: &CustomerListQuery,
    ) -> Result<ListPage<CustomerView>> {
        self.list_customers_in(caller, None, query).await
    }

    /// Customers in the caller's scope, or those waiting in a pool.
    pub(crate) async fn list_customers_in(
        &self,
        caller: &Caller,
        pool: Option<i64>,
        query: &CustomerListQuery,
    ) -> Result<ListPage<CustomerView>> {
        if pool.is_none() {
            caller.require(customer(Action::View))?;
        }
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let today = self.today();
        let defs = self.field_defs_in(&mut tx, Kind::Customer).await?;
        let mut store_query = self.customer_store_query(caller, &org, &defs, query)?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        store_query.pool = pool;

        let (sort, after) = parse_sort(&CUSTOMER_LIST, &defs, query)?;
        let sort = sort.in_language(&caller.language);
        let limit = limit_of(query);
        let found = customers::list(
            &mut tx,
            &visibility,
            caller.user.id,
            today,
            &store_query,
            sort,
            after,
            limit + 1,
        )
        .await?;
        let total =
            customers::count(&mut tx, &visibility, caller.user.id, today, &store_query).await?;
        let (found, next_cursor) = paged(found, query, |c| c.id);
        let items = self.customer_views((&mut tx, caller), found).await?;
        Ok(ListPage {
            items,
            total,
            next_cursor,
        })
    }

    pub async fn get_customer(&self, caller: &Caller, id: i64) -> Result<CustomerDetail> {
        caller.require(customer(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let today = self.today();
        let pools = self.pools_of(&mut tx, caller).await?;
        let found = customers::get(&mut tx, &visibility, caller.user.id, today, id, &pools)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let can_edit = caller.can(customer(Action::Edit))
            && customers::writable(&mut tx, &visibility, caller.user.id, today, id).await?;
        let can_manage = customers::owner_in_scope(&mut tx, &visibility, id).await?;
        let follow_ups = self.follow_ups_of(&mut tx, Kind::Customer, id).await?;
        let team = self.team_of(&mut tx, Kind::Customer, id).await?;
        let change_log = self
            .change_log_of(&mut tx, caller, Kind::Customer, id)
            .await?;
        let view = self
            .customer_views((&mut tx, caller), vec![found])
            .await?
            .remove(0);
        Ok(CustomerDetail {
            view,
            follow_ups,
            team,
            change_log,
            can_edit,
            can_manage,
        })
    }

    /// The options of the customer's choice fields (and the follow-up
    /// methods), by field, named as the caller is shown them.
    pub async fn customer_options(
        &self,
        caller: &Caller,
    ) -> Result<BTreeMap<String, Vec<options::OptionRow>>> {
        let mut tx = self.db.read().await?;
        let mut by_field: BTreeMap<String, Vec<options::OptionRow>> = BTreeMap::new();
        for option in caller.shown_options(options::of_kind(&mut tx, "customer").await?) {
            by_field
                .entry(option.field.clone())
                .or_default()
                .push(option);
        }
        by_field.insert(
            "method_id".into(),
            caller.shown_options(options::of_field(&mut tx, "follow_up", "method_id").await?),
        );
        Ok(by_field)
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.time_zone()).date_naive()
    }

    /// Today in the company's time zone, as a form's date field shows it.
    pub fn today_text(&self) -> String {
        self.today().to_string()
    }

    pub(crate) async fn field_defs_in(&self, tx: &mut Tx, kind: Kind) -> Result<Vec<FieldDef>> {
        Ok(kuijing_store::field_defs::of_kind(tx, kind.as_str()).await?)
    }

    /// The pools whose customers the caller may look at: those they belong
    /// to or administer (super administrators all).
    pub(crate) async fn pools_of(&self, tx: &mut Tx, caller: &Caller) -> Result<Vec<i64>> {
        Ok(self
            .visible_pools(tx, caller)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect())
    }

    /// Whether the caller sees the customer only as a member of the pool
    /// it waits in: a member reads it and claims it, and writes nothing on
    /// it (follow-ups, contacts) until they have claimed it.
    pub(crate) async fn seen_only_in_pool(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<bool> {
        let visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
        let (user, today) = (caller.user.id, self.today());
        if customers::get(tx, &visibility, user, today, id, &[])
            .await?
            .is_some()
        {
            return Ok(false);
        }
        let pools = self.pools_of(tx, caller).await?;
        Ok(customers::get(tx, &visibility, user, today, id, &pools)
            .await?
            .is_some_and(|c| c.owner_id.is_none()))
    }

    /// The customer, if the caller may change it; else 404 (not visible),
    /// 409 (waiting in a pool the caller belongs to) or 403.
    pub(crate) async fn writable_customer(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Customer> {
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let today = self.today();
        let Some(found) = customers::get(tx, &visibility, caller.user.id, today, id, &[]).await?
        else {
            // A pool member reads a waiting customer: they are told to
            // claim it first rather than that it does not exist.
            if self.seen_only_in_pool(tx, caller, id).await? {
                return Err(ServiceError::Refused {
                    code: "pool_claim_first",
                });
            }
            return Err(ServiceError::NotFound);
        };
        if !customers::writable(tx, &visibility, caller.user.id, today, id).await? {
            return Err(ServiceError::Refused {
                code: "record_read_only",
            });
        }
        Ok(found)
    }

    /// The customer, if the caller owns it or sees its owner through their
    /// scope: a team member, even one who may write, may not lock it or
    /// put it into the pool (403).
    pub(crate) async fn managed_customer(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Customer> {
        let found = self.writable_customer(tx, caller, id).await?;
        let org = departments::org_chart(tx).await?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        if !customers::owner_in_scope(tx, &visibility, id).await? {
            return Err(ServiceError::Refused {
                code: "team_member_not_owner",
            });
        }
        Ok(found)
    }

    pub(super) async fn customer_views(
        &self,
        (tx, caller): (&mut Tx, &Caller),
        found: Vec<Customer>,
    ) -> Result<Vec<CustomerView>> {
        let owners: Vec<i64> = found.iter().filter_map(|c| c.owner_id).collect();
        let names: BTreeMap<i64, String> = users::names(tx, &owners).await?.into_iter().collect();
        let labels: BTreeMap<i64, String> = caller
            .shown_options(options::of_kind(tx, "customer").await?)
            .into_iter()
            .map(|o| (o.id, o.label))
            .collect();
        let label = |id: Option<i64>| id.and_then(|id| labels.get(&id).cloned());
        Ok(found
            .into_iter()
            .map(|customer| CustomerView {
                owner_name: customer.owner_id.and_then(|o| names.get(&o).cloned()),
                level: label(customer.level_id),
                industry: label(customer.industry_id),
                source: label(customer.source_id),
                customer,
            })
            .collect())
    }
}
