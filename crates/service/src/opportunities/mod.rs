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

/// A stage change: a stage of the same pipeline, or an outcome.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub stage_id: Option<i64>,
    /// `won`, `lost` (needs `reason`), `invalid`, or `open` to reopen.
    pub outcome: Option<String>,
    /// Why it was lost (required), won or is invalid (optional); kept on
    /// the opportunity and in its stage history.
    pub reason: Option<String>,
}

/// The longest reason an opportunity is won, lost or invalid for, in
/// characters.
pub const REASON_MAX: usize = 200;

impl MoveInput {
    /// The move asked for, or the field error that says what is missing.
    pub fn to_move(&self) -> Result<Move> {
        let outcome = match self.outcome.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(Outcome::parse(text).map_err(|code| {
                ServiceError::Invalid(kuijing_domain::FieldError::new("outcome", code).into())
            })?),
        };
        // The reason is capped as the form caps it.
        let reason = text::parse_optional_text(self.reason.as_deref(), REASON_MAX)
            .map_err(|refusal| ServiceError::Invalid(refusal.on("reason").into()))?;
        Ok(match (outcome, self.stage_id) {
            // Closing does not move the stage: asked together, both would
            // not happen, so neither does.
            (Some(Outcome::Won | Outcome::Lost | Outcome::Invalid), Some(_)) => {
                let mut errors = FieldErrors::new();
                errors.add("stage_id", "stage_with_outcome");
                errors.add("outcome", "stage_with_outcome");
                return Err(ServiceError::Invalid(errors));
            }
            (Some(Outcome::Won), _) => Move::Win { reason },
            (Some(Outcome::Lost), _) => Move::Lose {
                reason: reason.unwrap_or_default(),
            },
            (Some(Outcome::Invalid), _) => Move::Invalidate { reason },
            (Some(Outcome::Open), stage) => Move::Reopen { stage },
            (None, Some(stage)) => Move::Stage(stage),
            (None, None) => {
                return Err(ServiceError::Invalid(
                    kuijing_domain::FieldError::new("stage_id", "required").into(),
                ));
            }
        })
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkMoveInput {
    #[serde(default)]
    pub ids: Vec<i64>,
    /// Every opportunity that matches this filter and that the caller may
    /// change, instead of `ids`.
    pub matching: Option<OpportunityMatch>,
    #[serde(flatten)]
    pub change: MoveInput,
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

/// The columns the opportunity list sorts by, as the API and the page's
/// headers name them; custom fields (`custom.<key>`) sort too. Choices
/// sort by what the list shows: the customer's, pipeline's and owner's
/// names, and a stage by its place in its pipeline (then the pipeline's).
pub const SORTABLE: &[&str] = &[
    "id",
    "name",
    "customer_id",
    "pipeline_id",
    "stage_id",
    "outcome",
    "amount",
    "expected_close_on",
    "next_contact_at",
    "last_follow_up_at",
    "closed_at",
    "owner_id",
    "created_at",
    "updated_at",
];

fn sort_column(name: &str) -> Option<Opportunities> {
    use Opportunities as O;
    Some(match name {
        "id" => O::Id,
        "name" => O::Name,
        "customer_id" => O::CustomerId,
        "pipeline_id" => O::PipelineId,
        "stage_id" => O::StageId,
        "outcome" => O::Outcome,
        "amount" => O::Amount,
        "expected_close_on" => O::ExpectedCloseOn,
        "next_contact_at" => O::NextContactAt,
        "last_follow_up_at" => O::LastFollowUpAt,
        "closed_at" => O::ClosedAt,
        "owner_id" => O::OwnerId,
        "created_at" => O::CreatedAt,
        "updated_at" => O::UpdatedAt,
        _ => return None,
    })
}

/// The sort a list asks for: a column or custom field and a direction (`-`
/// first: descending); the newest first by default. Ties break on the id
/// and empty values come last either way.
fn parse_sort(text: Option<&str>, defs: &[FieldDef]) -> Result<(Sort<Opportunities>, String)> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok((Sort::by(Opportunities::Id, true), "id".into()));
    };
    let (descending, name) = match text.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, text),
    };
    let sort = match name.strip_prefix("custom.") {
        Some(key) => crate::list_filters::custom_sort(defs, key, Opportunities::Id, descending),
        None => sort_column(name).map(|column| {
            use kuijing_store::lists::Shown;
            let sort = Sort::by(column, descending);
            match name {
                "name" => sort.as_text(),
                "customer_id" => sort.showing(Some(Shown::Customer)),
                "pipeline_id" => sort.showing(Some(Shown::Pipeline)),
                "stage_id" => sort.showing(Some(Shown::Stage)),
                "owner_id" => sort.showing(Some(Shown::User)),
                // Open, won, lost, invalid: the same in every language.
                "outcome" => sort.computed(kuijing_store::opportunities::outcome_rank()),
                _ => sort,
            }
        }),
    };
    let sort = sort.ok_or_else(|| {
        ServiceError::Invalid(kuijing_domain::FieldError::new("sort", "invalid_choice").into())
    })?;
    Ok((sort, name.to_string()))
}

/// The sort value of the row a page starts after, typed as its column.
fn sort_value(anchor: &Opportunity, sort: &Sort<Opportunities>, name: &str) -> sea_query::Value {
    use kuijing_store::lists::null_cursor_value;
    if let Some((key, how)) = &sort.custom {
        return crate::list_filters::custom_after(&anchor.custom, key, *how);
    }
    let time = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map_or_else(null_cursor_value, sea_query::Value::from)
    };
    match name {
        "name" => anchor.name.clone().into(),
        "customer_id" => anchor.customer_id.into(),
        "pipeline_id" => anchor.pipeline_id.into(),
        "stage_id" => anchor.stage_id.into(),
        "outcome" => anchor.outcome.rank().into(),
        "amount" => anchor.amount.into(),
        "expected_close_on" => anchor
            .expected_close_on
            .map_or_else(null_cursor_value, sea_query::Value::from),
        "next_contact_at" => time(anchor.next_contact_at),
        "last_follow_up_at" => time(anchor.last_follow_up_at),
        "closed_at" => time(anchor.closed_at),
        "owner_id" => anchor
            .owner_id
            .map_or_else(null_cursor_value, sea_query::Value::from),
        "created_at" => anchor.created_at.into(),
        "updated_at" => anchor.updated_at.into(),
        _ => anchor.id.into(),
    }
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

    /// The board of a pipeline: its stages with the open opportunities that
    /// match, at most `per_stage` cards each.
    pub async fn opportunity_board(
        &self,
        caller: &Caller,
        pipeline_id: Option<i64>,
        query: &OpportunityListQuery,
        per_stage: u64,
    ) -> Result<Board> {
        caller.require(opportunity(Action::View))?;
        let mut tx = self.db.read().await?;
        let usable = self.pipelines_in(&mut tx, caller).await?;
        let pipeline = match pipeline_id {
            Some(id) => usable.into_iter().find(|p| p.id == id),
            None => usable.into_iter().next(),
        }
        .ok_or(ServiceError::NotFound)?;
        let visibility = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        let today = self.today();
        let mut store_query = self.opportunity_query(caller, query)?;
        store_query.pipeline = Some(pipeline.id);
        store_query.outcome = Some(Outcome::Open);
        let sums =
            opportunities::by_stage(&mut tx, &visibility, caller.user.id, today, &store_query)
                .await?;
        let mut columns = Vec::new();
        for stage in &pipeline.stages {
            let mut at_stage = store_query.clone();
            at_stage.stage = Some(stage.id);
            let cards = opportunities::list(
                &mut tx,
                &visibility,
                caller.user.id,
                today,
                &at_stage,
                (SortColumn::UpdatedAt, true),
                None,
                per_stage,
            )
            .await?;
            let mine: Vec<&(i64, String, i64, i64)> =
                sums.iter().filter(|(s, ..)| *s == stage.id).collect();
            columns.push(BoardColumn {
                stage_id: stage.id,
                name: stage.name.clone(),
                win_rate: stage.win_rate,
                count: mine.iter().map(|(_, _, count, _)| count).sum(),
                amounts: mine
                    .iter()
                    .map(|(_, currency, _, amount)| (currency.clone(), *amount))
                    .collect(),
                cards: self.opportunity_rows(&mut tx, cards).await?,
            });
        }
        let ids: Vec<i64> = columns
            .iter()
            .flat_map(|c| c.cards.iter().map(|card| card.opportunity.id))
            .collect();
        let movable = if caller.can(opportunity(Action::Edit)) {
            opportunities::writable_of(&mut tx, &visibility, caller.user.id, today, &ids).await?
        } else {
            Vec::new()
        };
        Ok(Board {
            pipeline,
            columns,
            movable,
        })
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
            .change_log_in(&mut tx, (Kind::Opportunity, id), &found.currency)
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

    pub async fn create_opportunity(
        &self,
        caller: &Caller,
        input: OpportunityInput,
    ) -> Result<OpportunityDetail> {
        self.create_opportunity_via(caller, input, "form").await
    }

    /// As `create_opportunity`, naming where it came from (`form`, `api`,
    /// `import`) in the first row of the stage history.
    pub async fn create_opportunity_via(
        &self,
        caller: &Caller,
        input: OpportunityInput,
        via: &str,
    ) -> Result<OpportunityDetail> {
        caller.require(opportunity(Action::Create))?;
        let mut tx = self.db.write().await?;
        let id = self
            .insert_opportunity(&mut tx, caller, &input, via)
            .await?;
        tx.commit().await?;
        self.get_opportunity(caller, id).await
    }

    /// Checks and writes a new opportunity inside the caller's transaction;
    /// shared by the form, the API and imports.
    pub(crate) async fn insert_opportunity(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        input: &OpportunityInput,
        via: &str,
    ) -> Result<i64> {
        let usable = self.pipelines_in(tx, caller).await?;
        let mut errors = input.unread.clone();
        let pipeline = match input.pipeline_id {
            Some(id) => usable.iter().find(|p| p.id == id && p.active),
            None => usable
                .iter()
                .find(|p| p.is_default)
                .or(usable.iter().find(|p| p.active)),
        };
        let stage = pipeline.and_then(|p| match input.stage_id {
            Some(id) => p.stage(id),
            None => p.stages.first(),
        });
        if pipeline.is_none() {
            errors.add("pipeline_id", "invalid_choice");
        } else if stage.is_none() {
            errors.add("stage_id", "unknown_stage");
        }
        let checked = self
            .check_opportunity(tx, caller, (input, None), errors)
            .await?;
        let (Some(pipeline), Some(stage)) = (pipeline, stage) else {
            return Err(ServiceError::Internal("pipeline checked above".into()));
        };
        let now = self.now();
        let placement = Placement {
            pipeline_id: pipeline.id,
            stage_id: stage.id,
            outcome: Outcome::Open,
            outcome_reason: None,
            closed_at: None,
        };
        let id = opportunities::insert(
            tx,
            &checked.fields,
            &checked.customer_name,
            &placement,
            caller.user.id,
            (caller.user.id, now),
        )
        .await?;
        line_items::replace(tx, Kind::Opportunity.as_str(), id, &checked.lines).await?;
        opportunities::set_contacts(tx, id, &input.contact_ids).await?;
        let first = StageMove {
            id,
            from_stage: stage.id,
            from_outcome: Outcome::Open,
            to_stage: stage.id,
            to_outcome: Outcome::Open,
            reason: None,
            via,
            by: caller.user.id,
            at: now,
        };
        opportunities::record_stage_change(tx, &first, None).await?;
        self.log_named(
            tx,
            caller,
            (Kind::Opportunity, id),
            ChangeAction::Create,
            ("name", &checked.fields.name),
        )
        .await?;
        Ok(id)
    }

    pub async fn update_opportunity(
        &self,
        caller: &Caller,
        id: i64,
        input: OpportunityInput,
    ) -> Result<OpportunityDetail> {
        caller.require(opportunity(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = self.writable_opportunity(&mut tx, caller, id).await?;
        crate::stale_check(input.version, current.version, &current)?;
        let checked = self
            .check_opportunity(
                &mut tx,
                caller,
                (&input, Some(&current)),
                input.unread.clone(),
            )
            .await?;
        let fields = &checked.fields;
        let mut diff = Diff::new();
        diff.field(
            "name",
            Some(current.name.clone()),
            Some(fields.name.clone()),
        );
        diff.field(
            "customer_id",
            Some(current.customer_id.to_string()),
            Some(fields.customer_id.to_string()),
        );
        diff.field(
            "currency",
            Some(current.currency.clone()),
            Some(fields.currency.clone()),
        );
        diff.field(
            "amount",
            Some(money::amount_text(current.amount)),
            Some(money::amount_text(fields.amount)),
        );
        diff.field(
            "expected_close_on",
            current.expected_close_on.map(|d| d.to_string()),
            fields.expected_close_on.map(|d| d.to_string()),
        );
        diff.field("notes", current.notes.clone(), fields.notes.clone());
        diff.custom(&current.custom, &fields.custom);
        let old_lines = line_items::of_record(&mut tx, Kind::Opportunity.as_str(), id).await?;
        diff.field(
            "lines",
            crate::products::lines_text(&old_lines, &current.currency),
            crate::products::lines_text(&checked.lines, &checked.fields.currency),
        );
        let now = self.now();
        if !opportunities::update(
            &mut tx,
            id,
            current.version,
            fields,
            &checked.customer_name,
            now,
        )
        .await?
        {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        line_items::replace(&mut tx, Kind::Opportunity.as_str(), id, &checked.lines).await?;
        opportunities::set_contacts(&mut tx, id, &input.contact_ids).await?;
        self.log_diff(&mut tx, caller, Kind::Opportunity, id, diff)
            .await?;
        tx.commit().await?;
        self.get_opportunity(caller, id).await
    }

    /// The one stage change: checks the move against the pipeline, writes
    /// it guarded by the stage read, and records who, when, from and to.
    pub async fn move_opportunity(
        &self,
        caller: &Caller,
        id: i64,
        change: &MoveInput,
        via: &str,
    ) -> Result<Opportunity> {
        caller.require(opportunity(Action::Edit))?;
        let request = change.to_move()?;
        let mut tx = self.db.write().await?;
        self.move_in(&mut tx, caller, id, &request, via).await?;
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        let visibility = self
            .visibility_of(&mut tx, caller, Kind::Opportunity)
            .await?;
        opportunities::get(&mut tx, &visibility, caller.user.id, self.today(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The same change on several opportunities, all or none.
    pub async fn move_opportunities(&self, caller: &Caller, input: &BulkMoveInput) -> Result<u64> {
        caller.require(opportunity(Action::Edit))?;
        let request = input.change.to_move()?;
        let mut tx = self.db.write().await?;
        let matching = match &input.matching {
            Some(filter) => Some(self.opportunities_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut errors = FieldErrors::new();
        let ids = chosen(&input.ids, matching, &mut errors);
        errors.into_result()?;
        for id in &ids {
            self.move_in(&mut tx, caller, *id, &request, "bulk").await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Deletes the chosen opportunities, all or none: one with contracts
    /// refuses the batch.
    pub async fn delete_opportunities(
        &self,
        caller: &Caller,
        batch: &OpportunityBatch,
    ) -> Result<u64> {
        caller.require(opportunity(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let matching = match &batch.matching {
            Some(filter) => Some(self.opportunities_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let mut errors = FieldErrors::new();
        let ids = chosen(&batch.ids, matching, &mut errors);
        errors.into_result()?;
        for id in &ids {
            self.delete_opportunity_in(&mut tx, caller, *id).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    pub(crate) async fn move_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
        request: &Move,
        via: &str,
    ) -> Result<()> {
        // Seen but not theirs to change (a read-only team member, a record
        // outside the write scope): said so, not as a missing permission.
        let current =
            self.writable_opportunity(tx, caller, id)
                .await
                .map_err(|error| match error {
                    ServiceError::Forbidden => ServiceError::Refused {
                        code: "opportunity_read_only",
                    },
                    error => error,
                })?;
        let pipeline = pipelines::get(tx, current.pipeline_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let planned = pipeline::plan_move(
            &pipeline.stage_defs(),
            current.stage_id,
            current.outcome,
            request,
        )
        .map_err(|e| {
            ServiceError::Invalid(kuijing_domain::FieldError::new(e.field(), e.code()).into())
        })?;
        let change = StageMove {
            id,
            from_stage: current.stage_id,
            from_outcome: current.outcome,
            to_stage: planned.stage_id,
            to_outcome: planned.outcome,
            reason: planned.reason.as_deref(),
            via,
            by: caller.user.id,
            at: self.now(),
        };
        if !opportunities::move_stage(tx, &change).await? {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let stage_name = |stage: i64| pipeline.stage(stage).map(|s| s.name.clone());
        let mut diff = Diff::new();
        diff.field(
            "stage_id",
            stage_name(current.stage_id),
            stage_name(planned.stage_id),
        );
        diff.field(
            "outcome",
            Some(current.outcome.as_str()),
            Some(planned.outcome.as_str()),
        );
        self.log_diff(tx, caller, Kind::Opportunity, id, diff)
            .await?;
        tracing::info!(
            opportunity.id = id,
            stage.id = planned.stage_id,
            outcome = planned.outcome.as_str(),
            via,
            actor.id = caller.user.id,
            "opportunity stage changed"
        );
        Ok(())
    }

    pub async fn transfer_opportunities(
        &self,
        caller: &Caller,
        input: &OpportunityTransferInput,
    ) -> Result<u64> {
        caller.require(opportunity(Action::Transfer))?;
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let mut errors = FieldErrors::new();
        self.check_owner(
            &mut tx,
            caller,
            &org,
            input.owner_id,
            "owner_id",
            &mut errors,
        )
        .await?;
        let keep =
            crate::customers::keep_former_owner(input.keep_former_owner.as_deref(), &mut errors);
        let matching = match &input.matching {
            Some(filter) => Some(self.opportunities_matching(&mut tx, caller, filter).await?),
            None => None,
        };
        let ids = chosen(&input.ids, matching, &mut errors);
        errors.into_result()?;
        let now = self.now();
        for id in &ids {
            let current = self.writable_opportunity(&mut tx, caller, *id).await?;
            if let (Some(can_write), Some(old)) = (keep, current.owner_id)
                && old != input.owner_id
            {
                kuijing_store::teams::put(&mut tx, Kind::Opportunity, *id, old, can_write, None)
                    .await?;
            }
            self.log_update(
                &mut tx,
                caller,
                Kind::Opportunity,
                *id,
                "owner_id",
                current.owner_id.map(|o| o.to_string()),
                Some(input.owner_id.to_string()),
            )
            .await?;
        }
        let moved = opportunities::set_owner(&mut tx, &ids, input.owner_id, now).await?;
        tx.commit().await?;
        Ok(moved)
    }

    pub async fn delete_opportunity(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(opportunity(Action::Delete))?;
        let mut tx = self.db.write().await?;
        self.delete_opportunity_in(&mut tx, caller, id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_opportunity_in(&self, tx: &mut Tx, caller: &Caller, id: i64) -> Result<()> {
        let current = self.writable_opportunity(tx, caller, id).await?;
        if kuijing_store::contracts::count_of_opportunity(tx, id).await? > 0 {
            return Err(ServiceError::Refused {
                code: "opportunity_has_contracts",
            });
        }
        line_items::replace(tx, Kind::Opportunity.as_str(), id, &[]).await?;
        opportunities::delete(tx, id).await?;
        self.log_named(
            tx,
            caller,
            (Kind::Opportunity, id),
            ChangeAction::Delete,
            ("name", &current.name),
        )
        .await
    }

    /// Writes a follow-up on an opportunity the caller sees, with the files
    /// uploaded in the composer.
    pub async fn add_opportunity_follow_up(
        &self,
        caller: &Caller,
        id: i64,
        input: FollowUpInput,
        files: Vec<Upload>,
    ) -> Result<FollowUp> {
        self.add_follow_up(caller, Kind::Opportunity, id, input, &files)
            .await
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
            ..OpportunityQuery::default()
        })
    }

    async fn opportunity_rows(
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

    async fn check_opportunity(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (input, current): (&OpportunityInput, Option<&Opportunity>),
        mut errors: FieldErrors,
    ) -> Result<Checked> {
        let name = errors
            .take("name", text::parse_name(&input.name, 100))
            .unwrap_or_default();
        let notes = errors
            .take(
                "notes",
                text::parse_optional_text(input.notes.as_deref(), 5000),
            )
            .flatten();
        let customer_visibility = self.visibility_of(tx, caller, Kind::Customer).await?;
        let customer = customers::get(
            tx,
            &customer_visibility,
            caller.user.id,
            self.today(),
            input.customer_id,
            &[],
        )
        .await?;
        // The owner of an opportunity keeps its customer even when the
        // customer is someone else's now; a new one must be a visible one.
        let kept = current
            .filter(|c| c.customer_id == input.customer_id)
            .map(|c| c.customer_name.clone());
        if customer.is_none() && kept.is_none() {
            errors.add("customer_id", "invalid_choice");
        }
        kuijing_domain::dates::check_years(
            &mut errors,
            &[("expected_close_on", input.expected_close_on)],
        );
        if !input.contact_ids.is_empty() {
            let of_customer =
                kuijing_store::contacts::ids_of_customer(tx, input.customer_id).await?;
            if input.contact_ids.iter().any(|c| !of_customer.contains(c)) {
                errors.add("contact_ids", "invalid_choice");
            }
        }
        let kept_products: Vec<i64> = match current {
            Some(current) => line_items::of_record(tx, Kind::Opportunity.as_str(), current.id)
                .await?
                .into_iter()
                .map(|line| line.product_id)
                .collect(),
            None => Vec::new(),
        };
        let priced = self
            .check_money(
                tx,
                MoneyInput {
                    currency: input.currency.as_deref(),
                    current_currency: current.map(|c| c.currency.as_str()),
                    lines: &input.lines,
                    amount: input.amount.as_ref(),
                    kept_products: &kept_products,
                },
                &mut errors,
            )
            .await?;
        crate::input::check_next_contact(&mut errors, input.next_contact_at, self.now());
        let defs = self.field_defs_in(tx, Kind::Opportunity).await?;
        let custom = kuijing_domain::fields::parse_custom_in(
            &defs,
            &input.custom,
            &priced.currency,
            &mut errors,
        );
        crate::unique_fields::check_unique_custom(
            tx,
            Kind::Opportunity,
            &defs,
            &custom,
            current.map(|c| c.id),
            &mut errors,
        )
        .await?;
        errors.into_result()?;
        let customer_name = customer.map(|c| c.name).or(kept).unwrap_or_default();
        let lines = priced.lines;
        Ok(Checked {
            fields: OpportunityFields {
                name,
                customer_id: input.customer_id,
                amount: priced.amount,
                amount_by_hand: priced.by_hand,
                currency: priced.currency,
                expected_close_on: input.expected_close_on,
                next_contact_at: input.next_contact_at,
                notes,
                custom,
            },
            customer_name,
            lines,
        })
    }
}

struct Checked {
    fields: OpportunityFields,
    customer_name: String,
    lines: Vec<LineItem>,
}
