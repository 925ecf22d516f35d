//! Which rows a batch action acts on: the ticked ones by id, or every row
//! that matches a list's filter. A filter is resolved inside the action's
//! own transaction, in the caller's scope, and keeps only the rows the
//! caller may change, so "all that match" never reaches beyond what the
//! list showed them.

use kuijing_domain::{FieldErrors, Kind};
use kuijing_store::customers::{self, Sort};
use kuijing_store::opportunities::{self, SortColumn};
use kuijing_store::schema::Customers;
use kuijing_store::{Tx, contracts, departments};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::contracts::{ContractListQuery, contract_store_query};
use crate::customers::{CustomerListQuery, FilterInput};
use crate::dashboard::Drill;
use crate::error::Result;
use crate::list_filters::RecordQuery;
use crate::opportunities::OpportunityListQuery;
use crate::{App, Caller};

/// Rows read per statement while a filter is resolved.
const BATCH: u64 = 500;

/// The customer list's filter, as its page or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerMatch {
    /// Text found in the name, phones, e-mail or tax ID.
    pub q: Option<String>,
    /// `mine`, `team`, `created_this_week` or `all`.
    pub view: Option<String>,
    /// Conditions, as the list takes them.
    #[serde(default)]
    pub filter: Vec<FilterInput>,
}

impl CustomerMatch {
    pub fn query(&self) -> CustomerListQuery {
        CustomerListQuery {
            search: self.q.clone(),
            filters: self.filter.clone(),
            view: self.view.clone(),
            ..CustomerListQuery::default()
        }
    }
}

impl From<&CustomerListQuery> for CustomerMatch {
    fn from(query: &CustomerListQuery) -> Self {
        Self {
            q: query.search.clone(),
            view: query.view.clone(),
            filter: query.filters.clone(),
        }
    }
}

/// The opportunity list's filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityMatch {
    pub q: Option<String>,
    /// `mine` or `all`.
    pub view: Option<String>,
    pub pipeline_id: Option<i64>,
    pub stage_id: Option<i64>,
    /// `open`, `won`, `lost` or `invalid`.
    pub outcome: Option<String>,
    pub customer_id: Option<i64>,
    /// The days and owners of a dashboard figure the list was narrowed to.
    #[serde(default)]
    pub drill: Drill,
}

impl OpportunityMatch {
    pub fn query(&self) -> OpportunityListQuery {
        OpportunityListQuery {
            search: self.q.clone(),
            pipeline_id: self.pipeline_id,
            stage_id: self.stage_id,
            outcome: self.outcome.clone(),
            customer_id: self.customer_id,
            view: self.view.clone(),
            sort: None,
            drill: self.drill.clone(),
        }
    }
}

/// The contract list's filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractMatch {
    pub q: Option<String>,
    /// `mine` or `all`.
    pub view: Option<String>,
    /// `draft`, `in_approval`, `approved`, `rejected`, `withdrawn` or `void`.
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    /// Approved contracts ending within this many days.
    pub ending_within_days: Option<i64>,
    /// The days and owners of a dashboard figure the list was narrowed to.
    #[serde(default)]
    pub drill: Drill,
}

impl ContractMatch {
    pub fn query(&self) -> ContractListQuery {
        ContractListQuery {
            search: self.q.clone(),
            status: self.status.clone(),
            customer_id: self.customer_id,
            view: self.view.clone(),
            ending_within_days: self.ending_within_days,
            drill: self.drill.clone(),
        }
    }
}

/// The filter of a lead or contact list (the record engine's lists), as
/// its page or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordMatch {
    /// Text found in the name, phones or e-mail.
    pub q: Option<String>,
    /// `mine`, `team`, `created_this_week`, the kind's own views (leads:
    /// `open`, `converted`) or `all`.
    pub view: Option<String>,
    /// Conditions, as the list takes them.
    #[serde(default)]
    pub filter: Vec<FilterInput>,
}

impl RecordMatch {
    pub fn query(&self) -> RecordQuery {
        RecordQuery {
            search: self.q.clone(),
            filters: self.filter.clone(),
            view: self.view.clone(),
            ..RecordQuery::default()
        }
    }
}

impl From<&RecordQuery> for RecordMatch {
    fn from(query: &RecordQuery) -> Self {
        Self {
            q: query.search.clone(),
            view: query.view.clone(),
            filter: query.filters.clone(),
        }
    }
}

/// Leads or contacts a batch acts on: the ticked ones, or all that match.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordBatch {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every record that matches this filter, in the caller's scope,
    /// instead of `ids`.
    pub matching: Option<RecordMatch>,
}

/// The ids a batch acts on: those given, or those the filter found; one of
/// the two, never both. What is wrong is added to `errors`.
pub(crate) fn chosen(
    ids: &[i64],
    matching: Option<Vec<i64>>,
    errors: &mut FieldErrors,
) -> Vec<i64> {
    match matching {
        Some(_) if !ids.is_empty() => {
            errors.add("matching", "ids_or_matching");
            Vec::new()
        }
        Some(found) => {
            if found.is_empty() {
                errors.add("matching", "nothing_matches");
            }
            found
        }
        None => {
            if ids.is_empty() {
                errors.add("ids", "required");
            }
            let mut unique = ids.to_vec();
            unique.sort_unstable();
            unique.dedup();
            unique
        }
    }
}

impl App {
    /// The customers that match a filter and that the caller may change.
    pub(crate) async fn customers_matching(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        matching: &CustomerMatch,
    ) -> Result<Vec<i64>> {
        let org = departments::org_chart(tx).await?;
        let defs = self.field_defs_in(tx, Kind::Customer).await?;
        let query = self.customer_store_query(caller, &org, &defs, &matching.query())?;
        let visibility = caller.actor.visibility(Kind::Customer, &org);
        let (user, today) = (caller.user.id, self.today());
        let sort = Sort::by(Customers::Id, false);
        let mut found = Vec::new();
        let mut after = None;
        loop {
            let page = customers::list(
                tx,
                &visibility,
                user,
                today,
                &query,
                sort.clone(),
                after,
                BATCH,
            )
            .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for customer in page {
                if customers::writable(tx, &visibility, user, today, customer.id).await? {
                    found.push(customer.id);
                }
            }
        }
        Ok(found)
    }

    /// The leads or contacts a batch acts on: the ticked ones, or those that
    /// match its filter and that the caller may change, read inside the
    /// action's transaction. What is wrong is added to `errors`.
    pub(crate) async fn records_chosen(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        batch: &RecordBatch,
        errors: &mut FieldErrors,
    ) -> Result<Vec<i64>> {
        let found = match &batch.matching {
            Some(matching) => Some(self.records_matching(tx, caller, kind, matching).await?),
            None => None,
        };
        Ok(chosen(&batch.ids, found, errors))
    }

    async fn records_matching(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
        matching: &RecordMatch,
    ) -> Result<Vec<i64>> {
        let org = departments::org_chart(tx).await?;
        let visibility = self.visibility_of(tx, caller, kind).await?;
        let query = matching.query();
        let (leads_query, contacts_query) = if kind == Kind::Lead {
            let query = self.lead_store_query(tx, caller, &org, &query).await?;
            (Some(query), None)
        } else {
            let defs = self.field_defs_in(tx, Kind::Contact).await?;
            let list = &crate::contacts::CONTACT_LIST;
            let query = self.list_narrowing(list, (caller, &org), &defs, &query)?;
            (None, Some(query))
        };
        let mut found = Vec::new();
        let mut after: Option<i64> = None;
        loop {
            let key = after.map(|id| (id.into(), id));
            let page: Vec<i64> = match (&leads_query, &contacts_query) {
                (Some(query), _) => {
                    let sort =
                        kuijing_store::lists::Sort::by(kuijing_store::schema::Leads::Id, false);
                    let scope = (&visibility, caller.user.id, self.today());
                    kuijing_store::leads::list(tx, scope, query, sort, key, BATCH)
                        .await?
                        .into_iter()
                        .map(|l| l.id)
                        .collect()
                }
                (_, Some(query)) => {
                    let sort =
                        kuijing_store::lists::Sort::by(kuijing_store::schema::Contacts::Id, false);
                    let scope = (&visibility, caller.user.id, self.today());
                    kuijing_store::contacts::list(tx, scope, query, sort, key, BATCH)
                        .await?
                        .into_iter()
                        .map(|c| c.id)
                        .collect()
                }
                _ => Vec::new(),
            };
            let Some(last) = page.last() else { break };
            after = Some(*last);
            for id in page {
                if self.writable_record(tx, caller, kind, id).await.is_ok() {
                    found.push(id);
                }
            }
        }
        Ok(found)
    }

    /// The opportunities that match a filter and that the caller may change.
    pub(crate) async fn opportunities_matching(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        matching: &OpportunityMatch,
    ) -> Result<Vec<i64>> {
        let query = self.opportunity_query(caller, &matching.query())?;
        let visibility = self.visibility_of(tx, caller, Kind::Opportunity).await?;
        let (user, today) = (caller.user.id, self.today());
        let mut found = Vec::new();
        let mut after = None;
        loop {
            let page = opportunities::list(
                tx,
                &visibility,
                user,
                today,
                &query,
                (SortColumn::Id, false),
                after,
                BATCH,
            )
            .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.id.into(), last.id));
            for opportunity in page {
                if opportunities::writable(tx, &visibility, user, today, opportunity.id).await? {
                    found.push(opportunity.id);
                }
            }
        }
        Ok(found)
    }

    /// The contracts that match a filter and that the caller may change.
    pub(crate) async fn contracts_matching(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        matching: &ContractMatch,
    ) -> Result<Vec<i64>> {
        let today = self.today();
        let query = contract_store_query(caller, &matching.query(), today)?;
        let visibility = self.visibility_of(tx, caller, Kind::Contract).await?;
        let scope = (&visibility, caller.user.id, today);
        let mut found = Vec::new();
        let mut after = None;
        loop {
            let page = contracts::list(tx, scope, &query, after, BATCH).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for contract in page {
                if contracts::writable(tx, scope, contract.id).await? {
                    found.push(contract.id);
                }
            }
        }
        Ok(found)
    }
}
