//! Opportunities and the pipelines they move through. Every stage change,
//! from the form, the board, a bulk change, an import or the API, goes
//! through [`App::move_opportunity`], which keeps the stage history.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::change::Diff;
use kuijing_domain::fields::FieldDef;
use kuijing_domain::pipeline::{self, Move, Outcome};
use kuijing_domain::{Action, ChangeAction, FieldErrors, Kind, Permission, money, text};
pub use kuijing_store::follow_ups::FollowUp;
use kuijing_store::line_items::{self, LineItem};
use kuijing_store::lists::Sort;
use kuijing_store::opportunities::{
    self, OpportunityFields, OpportunityQuery, Placement, SortColumn, StageMove,
};
pub use kuijing_store::opportunities::{Opportunity, StageChange};
use kuijing_store::pipelines;
pub use kuijing_store::pipelines::Pipeline;
use kuijing_store::schema::Opportunities;
use kuijing_store::{Tx, customers, departments};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::error::{Result, ServiceError};
use crate::follow_ups::{FollowUpInput, Upload};
use crate::products::{DecimalText, LineInput, MoneyInput};
use crate::selection::{OpportunityMatch, chosen};
use crate::{App, Caller, ListPage, PageRequest};

pub use crate::pipelines::{PipelineInput, StageInput};
pub use kuijing_store::opportunities::Opportunity as OpportunityRecord;
pub use kuijing_store::pipelines::{Pipeline as PipelineView, Stage};

mod batch;
mod board;
mod checks;
mod edits;
mod sorting;
mod stages;

pub use sorting::SORTABLE;
use sorting::{parse_sort, sort_value};
pub use stages::{BulkMoveInput, MoveInput, REASON_MAX};

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityInput {
    pub name: String,
    pub customer_id: i64,
    /// The default pipeline when left out.
    pub pipeline_id: Option<i64>,
    /// The pipeline's first stage when left out; only read on create (a
    /// stage changes through the stage endpoint afterwards).
    pub stage_id: Option<i64>,
    /// Set by hand; left out, the amount follows the product lines.
    pub amount: Option<DecimalText>,
    pub currency: Option<String>,
    pub expected_close_on: Option<NaiveDate>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub contact_ids: Vec<i64>,
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    /// The version read, for an edit.
    pub version: Option<i64>,
    /// What a form could not read (a date that does not exist): reported
    /// with every other error of the input, so nothing is saved. Never
    /// part of the API.
    #[serde(skip)]
    pub unread: FieldErrors,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityTransferInput {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every opportunity that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<OpportunityMatch>,
    pub owner_id: i64,
    /// `read` or `write` keeps the former owner in the team; left out, not.
    pub keep_former_owner: Option<String>,
}

/// Opportunities a batch action is for: ticked ones, or all that match.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityBatch {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every opportunity that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<OpportunityMatch>,
}

/// An opportunity as lists show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpportunityRow {
    #[serde(flatten)]
    pub opportunity: Opportunity,
    pub pipeline_name: String,
    pub stage_name: String,
    pub win_rate: i64,
    pub owner_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpportunityDetail {
    #[serde(flatten)]
    pub row: OpportunityRow,
    pub pipeline: Pipeline,
    pub lines: Vec<LineItem>,
    pub contacts: Vec<(i64, String)>,
    pub stage_history: Vec<StageChange>,
    /// Its contracts the caller may see, newest first.
    pub contracts: Vec<kuijing_store::contracts::Contract>,
    pub team: Vec<crate::teams::TeamView>,
    pub follow_ups: Vec<FollowUp>,
    pub change_log: Vec<LogView>,
    pub can_edit: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityListQuery {
    pub search: Option<String>,
    pub pipeline_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub outcome: Option<String>,
    pub customer_id: Option<i64>,
    /// `mine`, or none for everything in scope.
    pub view: Option<String>,
    /// `amount`, `-amount`, `expected_close_on`, `-updated_at`, ...
    pub sort: Option<String>,
    /// Created (or, as the drill says, won or lost) on these days, by these
    /// owners (a dashboard figure's).
    pub drill: crate::dashboard::Drill,
}

/// A column of the board: a stage with its open opportunities' count and
/// amount per currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardColumn {
    pub stage_id: i64,
    pub name: String,
    pub win_rate: i64,
    pub count: i64,
    pub amounts: Vec<(String, i64)>,
    pub cards: Vec<OpportunityRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Board {
    pub pipeline: Pipeline,
    pub columns: Vec<BoardColumn>,
    /// The cards the caller may move to another stage, by id: none without
    /// the edit permission; a read-only team member's or a card outside the
    /// caller's write scope is not among them.
    pub movable: Vec<i64>,
}

fn opportunity(action: Action) -> Permission {
    Permission::new(Kind::Opportunity, action)
}

pub(crate) fn settings() -> Permission {
    Permission::new(Kind::Settings, Action::Manage)
}

/// The opportunities of a list in one currency: how many, and their
/// amount in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AmountTotal {
    pub currency: String,
    pub count: i64,
    pub amount: i64,
}

impl App {
    pub async fn list_opportunities(
        &self,
        caller: &Caller,
        query: &OpportunityListQuery,
        page: PageRequest,
    ) -> Result<ListPage<OpportunityRow>> {
        Ok(self
            .list_opportunities_totalled(caller, query, page)
            .await?
            .0)
    }

    /// A page of opportunities with the count and amount, per currency,
    /// of every one that matches (a drill from the dashboard's "new
    /// opportunities" lists the amount it showed).
    pub async fn list_opportunities_totalled(
        &self,
        caller: &Caller,
        query: &OpportunityListQuery,
        page: PageRequest,
    ) -> Result<(ListPage<OpportunityRow>, Vec<AmountTotal>)> {
        caller.require(opportunity(Action::View))?;
        let mut tx = self.db.read().await?;
        let store_query = self.opportunity_query(caller, query)?;
        let defs = self.field_defs_in(&mut tx, Kind::Opportunity).await?;
        let (sort, sort_name) = parse_sort(query.sort.as_deref(), &defs)?;
        let visibility = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        let today = self.today();
        let probe = page.probe();
        let after = match (page.cursor, crate::sorted_pages::carried(&page)) {
            (Some(id), Some(value)) => Some((value, id)),
            (Some(id), None) => {
                let anchor = opportunities::get(&mut tx, &visibility, caller.user.id, today, id)
                    .await?
                    .ok_or_else(|| {
                        ServiceError::Invalid(
                            kuijing_domain::FieldError::new("cursor", "invalid_cursor").into(),
                        )
                    })?;
                Some((sort_value(&anchor, &sort, &sort_name), anchor.id))
            }
            (None, _) => None,
        };
        let sorted = sort.clone();
        let found = opportunities::list(
            &mut tx,
            &visibility,
            caller.user.id,
            today,
            &store_query,
            sort,
            after,
            probe.limit,
        )
        .await?;
        let next_value = crate::sorted_pages::last_shown(&found, probe.limit - 1)
            .map(|row| sort_value(row, &sorted, &sort_name));
        let totals =
            opportunities::totals(&mut tx, &visibility, caller.user.id, today, &store_query)
                .await?;
        let total = totals.iter().map(|(_, count, _)| count).sum();
        let rows = self.opportunity_rows(&mut tx, found).await?;
        let mut page = ListPage::new(rows, total, probe.limit - 1, |r| r.opportunity.id);
        page.next_cursor =
            crate::sorted_pages::anchor_cursor(page.next_cursor, query.sort.as_deref(), next_value);
        let totals = totals
            .into_iter()
            .filter(|(_, count, _)| *count > 0)
            .map(|(currency, count, amount)| AmountTotal {
                currency,
                count,
                amount,
            })
            .collect();
        Ok((page, totals))
    }

    pub async fn get_opportunity(&self, caller: &Caller, id: i64) -> Result<OpportunityDetail> {
        caller.require(opportunity(Action::View))?;
        let mut tx = self.db.read().await?;
        let visibility = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        let today = self.today();
        let found = opportunities::get(&mut tx, &visibility, caller.user.id, today, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let can_edit = caller.can(opportunity(Action::Edit))
            && opportunities::writable(&mut tx, &visibility, caller.user.id, today, id).await?;
        let pipeline = pipelines::get(&mut tx, found.pipeline_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let lines = line_items::of_record(&mut tx, Kind::Opportunity.as_str(), id).await?;
        let contact_ids = opportunities::contacts(&mut tx, id).await?;
        let contacts = kuijing_store::contacts::names(&mut tx, &contact_ids).await?;
        let stage_history = opportunities::stage_history(&mut tx, id).await?;
        let contracts = self.contracts_of_opportunity(&mut tx, caller, id).await?;
        let team = self.team_of(&mut tx, Kind::Opportunity, id).await?;
        let follow_ups = self.follow_ups_of(&mut tx, Kind::Opportunity, id).await?;
        let change_log = self
            .change_log_in(&mut tx, caller, (Kind::Opportunity, id), &found.currency)
            .await?;
        let mut rows = self.opportunity_rows(&mut tx, vec![found]).await?;
        let row = rows.pop().ok_or(ServiceError::NotFound)?;
        Ok(OpportunityDetail {
            row,
            pipeline,
            lines,
            contacts,
            stage_history,
            contracts,
            team,
            follow_ups,
            change_log,
            can_edit,
        })
    }

    /// The caller's visibility for a kind.
    pub(crate) async fn visibility_of(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: Kind,
    ) -> Result<kuijing_domain::Visibility> {
        let org = departments::org_chart(tx).await?;
        Ok(caller.actor.visibility(kind, &org))
    }

    pub(crate) async fn writable_opportunity(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Opportunity> {
        let visibility = self.visibility_of(tx, caller, Kind::Opportunity).await?;
        let today = self.today();
        let found = opportunities::get(tx, &visibility, caller.user.id, today, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !opportunities::writable(tx, &visibility, caller.user.id, today, id).await? {
            return Err(ServiceError::Forbidden);
        }
        Ok(found)
    }

    pub(crate) fn opportunity_query(
        &self,
        caller: &Caller,
        query: &OpportunityListQuery,
    ) -> Result<OpportunityQuery> {
        let outcome = match query.outcome.as_deref().map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(text) => Some(Outcome::parse(text).map_err(|code| {
                ServiceError::Invalid(kuijing_domain::FieldError::new("outcome", code).into())
            })?),
        };
        let owners = match query.view.as_deref() {
            Some("mine") => Some(vec![caller.user.id]),
            None | Some("") | Some("all") => None,
            Some(_) => {
                return Err(ServiceError::Invalid(
                    kuijing_domain::FieldError::new("view", "invalid_choice").into(),
                ));
            }
        };
        let (from, before) = query.drill.days();
        let (from, before) = (
            from.map(|d| self.start_of(d)),
            before.map(|d| self.start_of(d)),
        );
        let closed = query.drill.closed;
        Ok(OpportunityQuery {
            search: query
                .search
                .as_deref()
                .map(text::normalize)
                .filter(|s| !s.is_empty()),
            pipeline: query.pipeline_id,
            stage: query.stage_id,
            outcome,
            customer: query.customer_id,
            owners: query.drill.owners(owners),
            created_from: from.filter(|_| !closed),
            created_before: before.filter(|_| !closed),
            closed_from: from.filter(|_| closed),
            closed_before: before.filter(|_| closed),
            currency: query.drill.currency(),
            ..OpportunityQuery::default()
        })
    }

    pub(super) async fn opportunity_rows(
        &self,
        tx: &mut Tx,
        found: Vec<Opportunity>,
    ) -> Result<Vec<OpportunityRow>> {
        let all = pipelines::list(tx).await?;
        let owners: Vec<i64> = found.iter().filter_map(|o| o.owner_id).collect();
        let names = kuijing_store::users::names(tx, &owners).await?;
        Ok(found
            .into_iter()
            .map(|opportunity| {
                let pipeline = all.iter().find(|p| p.id == opportunity.pipeline_id);
                let stage = pipeline.and_then(|p| p.stage(opportunity.stage_id));
                OpportunityRow {
                    pipeline_name: pipeline.map(|p| p.name.clone()).unwrap_or_default(),
                    stage_name: stage.map(|s| s.name.clone()).unwrap_or_default(),
                    win_rate: pipeline::forecast_rate(
                        &stage.map(|s| vec![s.def()]).unwrap_or_default(),
                        opportunity.stage_id,
                        opportunity.outcome,
                    ),
                    owner_name: opportunity
                        .owner_id
                        .and_then(|o| names.iter().find(|(id, _)| *id == o))
                        .map(|(_, name)| name.clone()),
                    opportunity,
                }
            })
            .collect())
    }
}
