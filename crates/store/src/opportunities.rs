//! Opportunities: deals with a customer moving through a pipeline's stages.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::Visibility;
use kuijing_domain::pipeline::Outcome;
use sea_query::{Alias, Expr, Order, Query, SelectStatement};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::{Customers, Opportunities, OpportunityContacts};
use crate::visibility::writable_record;

mod stages;
pub use stages::{StageChange, StageMove, move_stage, record_stage_change, stage_history};

mod writes;
pub use writes::{Placement, delete, insert, set_amount, set_owner, update};

mod list;
use list::scoped;
pub use list::{OpportunityQuery, SortColumn, by_stage, list, outcome_rank, totals};

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
