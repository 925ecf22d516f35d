//! Contracts: the record, reading one, its number and owners; the list, the
//! writes and the payment plans live in the modules below.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::Visibility;
use kuijing_domain::sales::DocStatus;
use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::{Contracts, Customers};
use crate::visibility::writable_record;

mod plans;
pub use plans::{
    Plan, PlanFields, delete_plan, insert_plan, mark_overdue, plans, recompute_received,
    renumber_plans, update_plan,
};

mod list;
use list::scoped;
pub use list::{ContractQuery, list, list_sorted, outstanding_value, status_rank, totals};

mod writes;
pub use writes::{
    date_if_undated, delete, insert, set_approved_at, set_owner, set_received, set_status, update,
};

const OWNED: record::OwnedTable<Contracts> = record::OwnedTable {
    table: Contracts::Table,
    id: Contracts::Id,
    owner: Contracts::OwnerId,
    version: Contracts::Version,
    updated_at: Contracts::UpdatedAt,
};

const KIND: &str = "contract";

#[derive(Debug, Clone, sqlx::FromRow)]
struct ContractRow {
    id: i64,
    number: String,
    name: String,
    customer_id: i64,
    customer_name: String,
    opportunity_id: Option<i64>,
    signed_on: Option<NaiveDate>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    amount: i64,
    amount_by_hand: bool,
    currency: String,
    received: i64,
    customer_signer_id: Option<i64>,
    company_signer_id: Option<i64>,
    payment_method_id: Option<i64>,
    status: String,
    approved_at: Option<DateTime<Utc>>,
    notes: Option<String>,
    custom: String,
    owner_id: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A contract; amounts in minor units of `currency`. `received` sums its
/// approved payments.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contract {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub opportunity_id: Option<i64>,
    pub signed_on: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub amount: i64,
    pub amount_by_hand: bool,
    pub currency: String,
    pub received: i64,
    pub customer_signer_id: Option<i64>,
    pub company_signer_id: Option<i64>,
    pub payment_method_id: Option<i64>,
    pub status: DocStatus,
    pub approved_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub owner_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contract {
    /// What is still to come in: only an approved contract expects money.
    pub fn outstanding(&self) -> i64 {
        if self.status.counts() {
            (self.amount - self.received).max(0)
        } else {
            0
        }
    }
}

impl TryFrom<ContractRow> for Contract {
    type Error = StoreError;

    fn try_from(row: ContractRow) -> Result<Self> {
        Ok(Contract {
            status: DocStatus::parse(&row.status).map_err(|e| StoreError::Corrupt(e.into()))?,
            custom: serde_json::from_str(&row.custom)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            id: row.id,
            number: row.number,
            name: row.name,
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            opportunity_id: row.opportunity_id,
            signed_on: row.signed_on,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            amount: row.amount,
            amount_by_hand: row.amount_by_hand,
            currency: row.currency,
            received: row.received,
            customer_signer_id: row.customer_signer_id,
            company_signer_id: row.company_signer_id,
            payment_method_id: row.payment_method_id,
            approved_at: row.approved_at,
            notes: row.notes,
            owner_id: row.owner_id,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ContractFields {
    pub name: String,
    pub customer_id: i64,
    pub opportunity_id: Option<i64>,
    pub signed_on: Option<NaiveDate>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub amount: i64,
    pub amount_by_hand: bool,
    pub currency: String,
    pub customer_signer_id: Option<i64>,
    pub company_signer_id: Option<i64>,
    pub payment_method_id: Option<i64>,
    pub notes: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
}

const COLUMNS: [Contracts; 24] = [
    Contracts::Id,
    Contracts::Number,
    Contracts::Name,
    Contracts::CustomerId,
    Contracts::OpportunityId,
    Contracts::SignedOn,
    Contracts::StartsOn,
    Contracts::EndsOn,
    Contracts::Amount,
    Contracts::AmountByHand,
    Contracts::Currency,
    Contracts::Received,
    Contracts::CustomerSignerId,
    Contracts::CompanySignerId,
    Contracts::PaymentMethodId,
    Contracts::Status,
    Contracts::ApprovedAt,
    Contracts::Notes,
    Contracts::Custom,
    Contracts::OwnerId,
    Contracts::Version,
    Contracts::CreatedAt,
    Contracts::UpdatedAt,
    Contracts::Id,
];

fn select_rows() -> SelectStatement {
    let mut select = Query::select();
    select
        .columns(COLUMNS[..23].iter().map(|c| (Contracts::Table, *c)))
        .expr_as(
            Expr::col((Customers::Table, Customers::Name)),
            Alias::new("customer_name"),
        )
        .from(Contracts::Table)
        .inner_join(
            Customers::Table,
            Expr::col((Customers::Table, Customers::Id))
                .equals((Contracts::Table, Contracts::CustomerId)),
        );
    select
}

pub async fn get(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    id: i64,
) -> Result<Option<Contract>> {
    let mut select = select_rows();
    let query = ContractQuery {
        ids: Some(vec![id]),
        ..ContractQuery::default()
    };
    scoped(&mut select, visibility, actor, today, &query);
    let row: Option<ContractRow> = tx.optional(&select).await?;
    row.map(Contract::try_from).transpose()
}

/// A contract read by a background job or by the approval engine acting
/// for a waiting approver; the callers check their right first.
/// Several records by id, whatever the reader's scope, in one query (in
/// no particular order; ids not found are left out).
pub async fn many_unscoped(tx: &mut Tx, ids: &[i64]) -> Result<Vec<Contract>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = select_rows()
        .and_where(Expr::col((Contracts::Table, Contracts::Id)).is_in(ids.iter().copied()))
        .to_owned();
    let rows: Vec<ContractRow> = tx.all(&select).await?;
    rows.into_iter().map(Contract::try_from).collect()
}

pub async fn get_unscoped(tx: &mut Tx, id: i64) -> Result<Option<Contract>> {
    let select = select_rows()
        .and_where(Expr::col((Contracts::Table, Contracts::Id)).eq(id))
        .to_owned();
    let row: Option<ContractRow> = tx.optional(&select).await?;
    row.map(Contract::try_from).transpose()
}

pub async fn writable(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    id: i64,
) -> Result<bool> {
    use Contracts as C;
    let select = Query::select()
        .expr(Func::count(Expr::col((C::Table, C::Id))))
        .from(C::Table)
        .and_where(Expr::col((C::Table, C::Id)).eq(id))
        .cond_where(writable_record(
            C::Table,
            C::OwnerId,
            C::Id,
            KIND,
            visibility,
            actor,
            today,
        ))
        .to_owned();
    Ok(tx.count(&select).await? == 1)
}

pub async fn number_taken(tx: &mut Tx, number: &str, except: Option<i64>) -> Result<bool> {
    Ok(number_holder(tx, number, except).await?.is_some())
}

/// The condition of a number being `number` ignoring case and surrounding
/// spaces (numbers have no spaces inside).
fn same_number(number: &str) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(Contracts::Number))).eq(number.trim().to_lowercase())
}

/// Another contract whose number is `number` ignoring case and surrounding
/// spaces, as `(id, name, number)`; one with the number as written first.
pub async fn number_holder(
    tx: &mut Tx,
    number: &str,
    except: Option<i64>,
) -> Result<Option<(i64, String, String)>> {
    let mut select = Query::select();
    select
        .columns([Contracts::Id, Contracts::Name, Contracts::Number])
        .from(Contracts::Table)
        .and_where(same_number(number))
        .order_by(Contracts::Id, Order::Asc);
    if let Some(except) = except {
        select.and_where(Expr::col(Contracts::Id).ne(except));
    }
    let rows: Vec<(i64, String, String)> = tx.all(&select).await?;
    let exact = rows.iter().find(|(_, _, n)| n == number.trim());
    Ok(exact.or_else(|| rows.first()).cloned())
}

/// The contract with this number, whoever owns it; the caller checks that
/// the user may see it.
pub async fn id_by_number(tx: &mut Tx, number: &str) -> Result<Option<i64>> {
    let select = Query::select()
        .column(Contracts::Id)
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::Number).eq(number.trim()))
        .to_owned();
    let row: Option<(i64,)> = tx.optional(&select).await?;
    if let Some((id,)) = row {
        return Ok(Some(id));
    }
    Ok(number_holder(tx, number, None).await?.map(|(id, ..)| id))
}

/// Holds a contract's row to the end of the transaction (see
/// `record::lock_row`): every change to its status, plans and payments
/// takes it first, so they happen one after another per contract.
pub async fn lock(tx: &mut Tx, id: i64) -> Result<bool> {
    record::lock_row(tx, Contracts::Table, Contracts::Id, id).await
}

/// How many contracts were made from an opportunity, whoever owns them.
pub async fn count_of_opportunity(tx: &mut Tx, opportunity: i64) -> Result<i64> {
    let select = Query::select()
        .expr(Func::count(Expr::col(Contracts::Id)))
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::OpportunityId).eq(opportunity))
        .to_owned();
    tx.count(&select).await
}

/// The numbers of an opportunity's contracts approved or waiting for
/// approval: money it has won, or is about to.
pub async fn standing_contract_numbers(tx: &mut Tx, opportunity: i64) -> Result<Vec<String>> {
    let select = Query::select()
        .column(Contracts::Number)
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::OpportunityId).eq(opportunity))
        .and_where(
            Expr::col(Contracts::Status)
                .is_in([DocStatus::Approved.as_str(), DocStatus::InApproval.as_str()]),
        )
        .order_by(Contracts::Id, Order::Asc)
        .to_owned();
    let rows: Vec<(String,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(number,)| number).collect())
}

/// The ids and owners of customers' records, for transfers that take them along.
pub async fn owners_of_customers(
    tx: &mut Tx,
    customers: &[i64],
) -> Result<Vec<(i64, Option<i64>)>> {
    let select = Query::select()
        .columns([Contracts::Id, Contracts::OwnerId])
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::CustomerId).is_in(customers.iter().copied()))
        .order_by(Contracts::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}
