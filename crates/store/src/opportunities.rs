//! Opportunities: deals with a customer moving through a pipeline's stages.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::Visibility;
use kuijing_domain::pipeline::Outcome;
use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::lists::{Listed, Sort};
use crate::record;
use crate::schema::{Customers, Opportunities, OpportunityContacts, StageChanges, Users};
use crate::visibility::{readable_record, search_matches, writable_record};

const OWNED: record::OwnedTable<Opportunities> = record::OwnedTable {
    table: Opportunities::Table,
    id: Opportunities::Id,
    owner: Opportunities::OwnerId,
    version: Opportunities::Version,
    updated_at: Opportunities::UpdatedAt,
};

const KIND: &str = "opportunity";

#[derive(Debug, Clone, sqlx::FromRow)]
struct OpportunityRow {
    id: i64,
    name: String,
    customer_id: i64,
    customer_name: String,
    pipeline_id: i64,
    stage_id: i64,
    outcome: String,
    outcome_reason: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    amount: i64,
    amount_by_hand: bool,
    currency: String,
    expected_close_on: Option<NaiveDate>,
    next_contact_at: Option<DateTime<Utc>>,
    last_follow_up_at: Option<DateTime<Utc>>,
    notes: Option<String>,
    custom: String,
    owner_id: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// An opportunity; `amount` is in minor units of `currency`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Opportunity {
    pub id: i64,
    pub name: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub outcome: Outcome,
    pub outcome_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub amount: i64,
    pub amount_by_hand: bool,
    pub currency: String,
    pub expected_close_on: Option<NaiveDate>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub owner_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<OpportunityRow> for Opportunity {
    type Error = StoreError;

    fn try_from(row: OpportunityRow) -> Result<Self> {
        Ok(Opportunity {
            outcome: Outcome::parse(&row.outcome).map_err(|e| StoreError::Corrupt(e.into()))?,
            custom: serde_json::from_str(&row.custom)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            id: row.id,
            name: row.name,
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            pipeline_id: row.pipeline_id,
            stage_id: row.stage_id,
            outcome_reason: row.outcome_reason,
            closed_at: row.closed_at,
            amount: row.amount,
            amount_by_hand: row.amount_by_hand,
            currency: row.currency,
            expected_close_on: row.expected_close_on,
            next_contact_at: row.next_contact_at,
            last_follow_up_at: row.last_follow_up_at,
            notes: row.notes,
            owner_id: row.owner_id,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// What a form or an import sets; stage and outcome change only through
/// [`move_stage`].
#[derive(Debug, Clone, Default)]
pub struct OpportunityFields {
    pub name: String,
    pub customer_id: i64,
    pub amount: i64,
    pub amount_by_hand: bool,
    pub currency: String,
    pub expected_close_on: Option<NaiveDate>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// The orders the service's own reads use; a list sorts on any column
/// through [`crate::lists::Sort`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Id,
    UpdatedAt,
}

impl From<(SortColumn, bool)> for Sort<Opportunities> {
    fn from((column, descending): (SortColumn, bool)) -> Self {
        let column = match column {
            SortColumn::Id => Opportunities::Id,
            SortColumn::UpdatedAt => Opportunities::UpdatedAt,
        };
        Sort::by(column, descending)
    }
}

/// The columns the shared list engine sorts and pages opportunities by.
const LISTED: Listed<Opportunities> = Listed {
    table: Opportunities::Table,
    id: Opportunities::Id,
    search_text: Opportunities::SearchText,
    custom: Opportunities::Custom,
};

#[derive(Debug, Clone, Default)]
pub struct OpportunityQuery {
    pub search: Option<String>,
    pub pipeline: Option<i64>,
    pub stage: Option<i64>,
    pub outcome: Option<Outcome>,
    pub customer: Option<i64>,
    pub owners: Option<Vec<i64>>,
    pub ids: Option<Vec<i64>>,
    pub expected_from: Option<NaiveDate>,
    pub expected_before: Option<NaiveDate>,
    /// Created in `[from, before)`.
    pub created_from: Option<chrono::DateTime<chrono::Utc>>,
    pub created_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Won or lost in `[from, before)`.
    pub closed_from: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only those in this currency.
    pub currency: Option<String>,
}

const COLUMNS: [Opportunities; 20] = [
    Opportunities::Id,
    Opportunities::Name,
    Opportunities::CustomerId,
    Opportunities::PipelineId,
    Opportunities::StageId,
    Opportunities::Outcome,
    Opportunities::OutcomeReason,
    Opportunities::ClosedAt,
    Opportunities::Amount,
    Opportunities::AmountByHand,
    Opportunities::Currency,
    Opportunities::ExpectedCloseOn,
    Opportunities::NextContactAt,
    Opportunities::LastFollowUpAt,
    Opportunities::Notes,
    Opportunities::Custom,
    Opportunities::OwnerId,
    Opportunities::Version,
    Opportunities::CreatedAt,
    Opportunities::UpdatedAt,
];

fn select_rows() -> SelectStatement {
    let mut select = Query::select();
    select
        .columns(COLUMNS.map(|c| (Opportunities::Table, c)))
        .expr_as(
            Expr::col((Customers::Table, Customers::Name)),
            Alias::new("customer_name"),
        )
        .from(Opportunities::Table)
        .inner_join(
            Customers::Table,
            Expr::col((Customers::Table, Customers::Id))
                .equals((Opportunities::Table, Opportunities::CustomerId)),
        );
    select
}

fn scoped(
    select: &mut SelectStatement,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
) {
    use Opportunities as O;
    select.cond_where(readable_record(
        O::Table,
        O::OwnerId,
        O::Id,
        KIND,
        visibility,
        actor,
        today,
    ));
    if let Some(search) = &query.search {
        select.and_where(search_matches((O::Table, O::SearchText), search));
    }
    let col = |c: O| Expr::col((O::Table, c));
    if let Some(pipeline) = query.pipeline {
        select.and_where(col(O::PipelineId).eq(pipeline));
    }
    if let Some(stage) = query.stage {
        select.and_where(col(O::StageId).eq(stage));
    }
    if let Some(outcome) = query.outcome {
        select.and_where(col(O::Outcome).eq(outcome.as_str()));
    }
    if let Some(customer) = query.customer {
        select.and_where(col(O::CustomerId).eq(customer));
    }
    if let Some(owners) = &query.owners {
        select.and_where(col(O::OwnerId).is_in(owners.iter().copied()));
    }
    if let Some(ids) = &query.ids {
        select.and_where(col(O::Id).is_in(ids.iter().copied()));
    }
    if let Some(from) = query.created_from {
        select.and_where(col(O::CreatedAt).gte(from));
    }
    if let Some(before) = query.created_before {
        select.and_where(col(O::CreatedAt).lt(before));
    }
    if let Some(from) = query.closed_from {
        select.and_where(col(O::ClosedAt).gte(from));
    }
    if let Some(before) = query.closed_before {
        select.and_where(col(O::ClosedAt).lt(before));
    }
    if let Some(currency) = &query.currency {
        select.and_where(col(O::Currency).eq(currency.as_str()));
    }
    if let Some(from) = query.expected_from {
        select.and_where(col(O::ExpectedCloseOn).gte(from));
    }
    if let Some(before) = query.expected_before {
        select.and_where(col(O::ExpectedCloseOn).lt(before));
    }
}

/// An opportunity's outcome as its place in the business order (open,
/// won, lost, invalid), to sort by.
pub fn outcome_rank() -> SimpleExpr {
    crate::lists::ranked(
        Expr::col((Opportunities::Table, Opportunities::Outcome)).into(),
        Outcome::ALL.iter().map(|o| o.as_str()),
    )
}

#[allow(clippy::too_many_arguments)]
pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
    sort: impl Into<Sort<Opportunities>>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Opportunity>> {
    let mut select = select_rows();
    scoped(&mut select, visibility, actor, today, query);
    crate::lists::page(tx, &mut select, LISTED, sort.into(), after, limit);
    let rows: Vec<OpportunityRow> = tx.all(&select).await?;
    rows.into_iter().map(Opportunity::try_from).collect()
}

/// The count and the amount per currency of the rows that match.
pub async fn totals(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
) -> Result<Vec<(String, i64, i64)>> {
    let mut select = Query::select();
    select
        .column((Opportunities::Table, Opportunities::Currency))
        .expr(Func::count(Expr::col((
            Opportunities::Table,
            Opportunities::Id,
        ))))
        .expr(record::sum_or_zero((
            Opportunities::Table,
            Opportunities::Amount,
        )))
        .from(Opportunities::Table);
    scoped(&mut select, visibility, actor, today, query);
    select.group_by_col((Opportunities::Table, Opportunities::Currency));
    let rows: Vec<(String, i64, i64)> = tx.all(&select).await?;
    Ok(rows)
}

/// Per stage of a pipeline: count and amount per currency of the open
/// opportunities that match, for the board's column heads.
pub async fn by_stage(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut select = Query::select();
    select
        .column((Opportunities::Table, Opportunities::StageId))
        .column((Opportunities::Table, Opportunities::Currency))
        .expr(Func::count(Expr::col((
            Opportunities::Table,
            Opportunities::Id,
        ))))
        .expr(record::sum_or_zero((
            Opportunities::Table,
            Opportunities::Amount,
        )))
        .from(Opportunities::Table);
    scoped(&mut select, visibility, actor, today, query);
    select
        .group_by_col((Opportunities::Table, Opportunities::StageId))
        .group_by_col((Opportunities::Table, Opportunities::Currency));
    tx.all(&select).await
}

pub async fn get(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    id: i64,
) -> Result<Option<Opportunity>> {
    let mut select = select_rows();
    let query = OpportunityQuery {
        ids: Some(vec![id]),
        ..OpportunityQuery::default()
    };
    scoped(&mut select, visibility, actor, today, &query);
    let row: Option<OpportunityRow> = tx.optional(&select).await?;
    row.map(Opportunity::try_from).transpose()
}

/// Reads a row without a scope: only for background jobs and for loading
/// data, which say so at the call.
pub async fn get_unscoped(tx: &mut Tx, id: i64) -> Result<Option<Opportunity>> {
    let select = select_rows()
        .and_where(Expr::col((Opportunities::Table, Opportunities::Id)).eq(id))
        .to_owned();
    let row: Option<OpportunityRow> = tx.optional(&select).await?;
    row.map(Opportunity::try_from).transpose()
}

pub async fn writable(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    id: i64,
) -> Result<bool> {
    Ok(writable_of(tx, visibility, actor, today, &[id]).await? == [id])
}

/// Of `ids`, those the actor may change (as [`writable`] says of one).
pub async fn writable_of(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    ids: &[i64],
) -> Result<Vec<i64>> {
    use Opportunities as O;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .column((O::Table, O::Id))
        .from(O::Table)
        .and_where(Expr::col((O::Table, O::Id)).is_in(ids.iter().copied()))
        .cond_where(writable_record(
            O::Table,
            O::OwnerId,
            O::Id,
            KIND,
            visibility,
            actor,
            today,
        ))
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

fn values(
    fields: &OpportunityFields,
    customer_name: &str,
) -> Result<Vec<(Opportunities, SimpleExpr)>> {
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let search = format!(
        "{} {}",
        kuijing_domain::text::normalize(&fields.name),
        kuijing_domain::text::normalize(customer_name)
    );
    Ok(vec![
        (Opportunities::Name, fields.name.clone().into()),
        (Opportunities::CustomerId, fields.customer_id.into()),
        (Opportunities::Amount, fields.amount.into()),
        (Opportunities::AmountByHand, fields.amount_by_hand.into()),
        (Opportunities::Currency, fields.currency.clone().into()),
        (
            Opportunities::ExpectedCloseOn,
            fields.expected_close_on.into(),
        ),
        (Opportunities::NextContactAt, fields.next_contact_at.into()),
        (Opportunities::Notes, fields.notes.clone().into()),
        (Opportunities::Custom, custom.into()),
        (Opportunities::SearchText, search.into()),
    ])
}

pub struct Placement {
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub outcome: Outcome,
    pub outcome_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    tx: &mut Tx,
    fields: &OpportunityFields,
    customer_name: &str,
    placement: &Placement,
    owner: i64,
    (creator, now): (i64, DateTime<Utc>),
) -> Result<i64> {
    let mut pairs = values(fields, customer_name)?;
    pairs.extend([
        (Opportunities::PipelineId, placement.pipeline_id.into()),
        (Opportunities::StageId, placement.stage_id.into()),
        (Opportunities::Outcome, placement.outcome.as_str().into()),
        (
            Opportunities::OutcomeReason,
            placement.outcome_reason.clone().into(),
        ),
        (Opportunities::ClosedAt, placement.closed_at.into()),
        (Opportunities::OwnerId, owner.into()),
        (Opportunities::CreatedBy, creator.into()),
        (Opportunities::CreatedAt, now.into()),
        (Opportunities::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, KIND, pairs, &fields.custom).await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &OpportunityFields,
    customer_name: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let pairs = values(fields, customer_name)?;
    record::save_versioned(
        tx,
        (OWNED, KIND),
        (id, version),
        pairs,
        (&fields.custom, now),
    )
    .await
}

/// Sets the amount from the product lines, unless it was set by hand.
pub async fn set_amount(tx: &mut Tx, id: i64, amount: i64) -> Result<()> {
    let update = Query::update()
        .table(Opportunities::Table)
        .value(Opportunities::Amount, amount)
        .and_where(Expr::col(Opportunities::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// A stage change as one statement guarded by the stage and outcome read,
/// so two changes at once cannot both land from the same starting point.
pub struct StageMove<'a> {
    pub id: i64,
    pub from_stage: i64,
    pub from_outcome: Outcome,
    pub to_stage: i64,
    pub to_outcome: Outcome,
    pub reason: Option<&'a str>,
    pub via: &'a str,
    pub by: i64,
    pub at: DateTime<Utc>,
}

pub async fn move_stage(tx: &mut Tx, change: &StageMove<'_>) -> Result<bool> {
    let closed_at: Option<DateTime<Utc>> = change.to_outcome.is_closed().then_some(change.at);
    let update = Query::update()
        .table(Opportunities::Table)
        .values([
            (Opportunities::StageId, change.to_stage.into()),
            (Opportunities::Outcome, change.to_outcome.as_str().into()),
            (Opportunities::OutcomeReason, change.reason.into()),
            (Opportunities::ClosedAt, closed_at.into()),
            (
                Opportunities::Version,
                Expr::col(Opportunities::Version).add(1),
            ),
            (Opportunities::UpdatedAt, change.at.into()),
        ])
        .and_where(Expr::col(Opportunities::Id).eq(change.id))
        .and_where(Expr::col(Opportunities::StageId).eq(change.from_stage))
        .and_where(Expr::col(Opportunities::Outcome).eq(change.from_outcome.as_str()))
        .to_owned();
    if tx.execute(&update).await? != 1 {
        return Ok(false);
    }
    record_stage_change(tx, change, Some(change.from_stage)).await?;
    Ok(true)
}

/// Appends a row to the stage history; the first row of an opportunity has
/// no `from`.
pub async fn record_stage_change(
    tx: &mut Tx,
    change: &StageMove<'_>,
    from_stage: Option<i64>,
) -> Result<()> {
    let from_outcome = from_stage.map(|_| change.from_outcome.as_str());
    let pairs = vec![
        (StageChanges::OpportunityId, change.id.into()),
        (StageChanges::FromStageId, from_stage.into()),
        (StageChanges::ToStageId, change.to_stage.into()),
        (StageChanges::FromOutcome, from_outcome.into()),
        (StageChanges::ToOutcome, change.to_outcome.as_str().into()),
        (StageChanges::Reason, change.reason.into()),
        (StageChanges::Via, change.via.into()),
        (StageChanges::ChangedBy, change.by.into()),
        (StageChanges::ChangedAt, change.at.into()),
    ];
    tx.insert_id(&record::insert(
        StageChanges::Table,
        StageChanges::Id,
        pairs,
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StageChange {
    pub id: i64,
    pub from_stage_id: Option<i64>,
    pub to_stage_id: i64,
    pub from_outcome: Option<String>,
    pub to_outcome: String,
    pub reason: Option<String>,
    pub via: String,
    pub changed_by: Option<i64>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

pub async fn stage_history(tx: &mut Tx, id: i64) -> Result<Vec<StageChange>> {
    let select = Query::select()
        .columns([
            (StageChanges::Table, StageChanges::Id),
            (StageChanges::Table, StageChanges::FromStageId),
            (StageChanges::Table, StageChanges::ToStageId),
            (StageChanges::Table, StageChanges::FromOutcome),
            (StageChanges::Table, StageChanges::ToOutcome),
            (StageChanges::Table, StageChanges::Reason),
            (StageChanges::Table, StageChanges::Via),
            (StageChanges::Table, StageChanges::ChangedBy),
            (StageChanges::Table, StageChanges::ChangedAt),
        ])
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            Alias::new("changed_by_name"),
        )
        .from(StageChanges::Table)
        .left_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id))
                .equals((StageChanges::Table, StageChanges::ChangedBy)),
        )
        .and_where(Expr::col((StageChanges::Table, StageChanges::OpportunityId)).eq(id))
        .order_by((StageChanges::Table, StageChanges::Id), Order::Asc)
        .to_owned();
    tx.all(&select).await
}

pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    crate::teams::drop_owner(tx, kuijing_domain::Kind::Opportunity, ids, owner).await?;
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
}

/// A customer's opportunities by name, for finding one an import names; the
/// caller checks that the user may see the one found.
pub async fn names_of_customer(tx: &mut Tx, customer: i64) -> Result<Vec<(i64, String)>> {
    let select = Query::select()
        .columns([Opportunities::Id, Opportunities::Name])
        .from(Opportunities::Table)
        .and_where(Expr::col(Opportunities::CustomerId).eq(customer))
        .order_by(Opportunities::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// The ids and owners of customers' records, for transfers that take them along.
pub async fn owners_of_customers(
    tx: &mut Tx,
    customers: &[i64],
) -> Result<Vec<(i64, Option<i64>)>> {
    let select = Query::select()
        .columns([Opportunities::Id, Opportunities::OwnerId])
        .from(Opportunities::Table)
        .and_where(Expr::col(Opportunities::CustomerId).is_in(customers.iter().copied()))
        .order_by(Opportunities::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, &[id]).await?;
    tx.execute(&record::delete(Opportunities::Table, Opportunities::Id, id))
        .await
}

pub async fn contacts(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    let select = Query::select()
        .column(OpportunityContacts::ContactId)
        .from(OpportunityContacts::Table)
        .and_where(Expr::col(OpportunityContacts::OpportunityId).eq(id))
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn set_contacts(tx: &mut Tx, id: i64, contacts: &[i64]) -> Result<()> {
    let delete = Query::delete()
        .from_table(OpportunityContacts::Table)
        .and_where(Expr::col(OpportunityContacts::OpportunityId).eq(id))
        .to_owned();
    tx.execute(&delete).await?;
    if contacts.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(OpportunityContacts::Table).columns([
        OpportunityContacts::OpportunityId,
        OpportunityContacts::ContactId,
    ]);
    for contact in contacts {
        insert.values_panic([id.into(), (*contact).into()]);
    }
    tx.execute(&insert).await?;
    Ok(())
}
