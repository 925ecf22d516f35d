//! Payments (回款): money received against an approved contract.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::Visibility;
use kuijing_domain::sales::DocStatus;
use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::lists::{Filter, ListQuery, Listed, Sort};
use crate::record;
use crate::schema::{Contracts, Customers, Payments};
use crate::visibility::{readable_record, search_matches, writable_record};

const OWNED: record::OwnedTable<Payments> = record::OwnedTable {
    table: Payments::Table,
    id: Payments::Id,
    owner: Payments::OwnerId,
    version: Payments::Version,
    updated_at: Payments::UpdatedAt,
};

const KIND: &str = "payment";

mod pending;
pub use pending::{PendingPayment, pending_of_contract, pending_on_plan, pending_total};

#[derive(Debug, Clone, sqlx::FromRow)]
struct PaymentRow {
    id: i64,
    number: String,
    contract_id: i64,
    contract_number: String,
    customer_id: i64,
    customer_name: String,
    plan_id: Option<i64>,
    received_on: NaiveDate,
    method_id: Option<i64>,
    amount: i64,
    currency: String,
    status: String,
    approved_at: Option<DateTime<Utc>>,
    notes: Option<String>,
    owner_id: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    exceeding_confirmed: bool,
    custom: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Payment {
    pub id: i64,
    pub number: String,
    pub contract_id: i64,
    pub contract_number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub plan_id: Option<i64>,
    pub received_on: NaiveDate,
    pub method_id: Option<i64>,
    pub amount: i64,
    pub currency: String,
    pub status: DocStatus,
    pub approved_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub owner_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub exceeding_confirmed: bool,
    /// Values of the payment fields administrators define, by field key.
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

impl TryFrom<PaymentRow> for Payment {
    type Error = StoreError;

    fn try_from(row: PaymentRow) -> Result<Self> {
        Ok(Payment {
            custom: serde_json::from_str(&row.custom)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            status: DocStatus::parse(&row.status).map_err(|e| StoreError::Corrupt(e.into()))?,
            id: row.id,
            number: row.number,
            contract_id: row.contract_id,
            contract_number: row.contract_number,
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            plan_id: row.plan_id,
            received_on: row.received_on,
            method_id: row.method_id,
            amount: row.amount,
            currency: row.currency,
            approved_at: row.approved_at,
            notes: row.notes,
            owner_id: row.owner_id,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            exceeding_confirmed: row.exceeding_confirmed,
        })
    }
}

#[derive(Debug, Clone)]
pub struct PaymentFields {
    /// Recorded although it takes the contract past its amount.
    pub exceeding_confirmed: bool,
    pub contract_id: i64,
    pub plan_id: Option<i64>,
    pub received_on: NaiveDate,
    pub method_id: Option<i64>,
    pub amount: i64,
    pub currency: String,
    pub notes: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct PaymentQuery {
    pub search: Option<String>,
    pub status: Option<DocStatus>,
    pub contract: Option<i64>,
    pub customer: Option<i64>,
    pub owners: Option<Vec<i64>>,
    pub ids: Option<Vec<i64>>,
    pub received_from: Option<NaiveDate>,
    pub received_before: Option<NaiveDate>,
    /// Only those in this currency.
    pub currency: Option<String>,
    /// Conditions on the payment's custom fields, checked by the service.
    pub filters: Vec<Filter<Payments>>,
}

const COLUMNS: [Payments; 17] = [
    Payments::Id,
    Payments::Number,
    Payments::ContractId,
    Payments::PlanId,
    Payments::ReceivedOn,
    Payments::MethodId,
    Payments::Amount,
    Payments::Currency,
    Payments::Status,
    Payments::ApprovedAt,
    Payments::Notes,
    Payments::OwnerId,
    Payments::Version,
    Payments::CreatedAt,
    Payments::UpdatedAt,
    Payments::ExceedingConfirmed,
    Payments::Custom,
];

fn select_rows() -> SelectStatement {
    let mut select = Query::select();
    select
        .columns(COLUMNS.map(|c| (Payments::Table, c)))
        .expr_as(
            Expr::col((Contracts::Table, Contracts::Number)),
            Alias::new("contract_number"),
        )
        .expr_as(
            Expr::col((Contracts::Table, Contracts::CustomerId)),
            Alias::new("customer_id"),
        )
        .expr_as(
            Expr::col((Customers::Table, Customers::Name)),
            Alias::new("customer_name"),
        )
        .from(Payments::Table)
        .inner_join(
            Contracts::Table,
            Expr::col((Contracts::Table, Contracts::Id))
                .equals((Payments::Table, Payments::ContractId)),
        )
        .inner_join(
            Customers::Table,
            Expr::col((Customers::Table, Customers::Id))
                .equals((Contracts::Table, Contracts::CustomerId)),
        );
    select
}

fn scoped(
    select: &mut SelectStatement,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    query: &PaymentQuery,
) {
    use Payments as P;
    select.cond_where(readable_record(
        P::Table,
        P::OwnerId,
        P::Id,
        KIND,
        visibility,
        actor,
        today,
    ));
    let col = |c: P| Expr::col((P::Table, c));
    if let Some(search) = &query.search {
        select.and_where(search_matches((P::Table, P::SearchText), search));
    }
    if let Some(status) = query.status {
        select.and_where(col(P::Status).eq(status.as_str()));
    }
    if let Some(contract) = query.contract {
        select.and_where(col(P::ContractId).eq(contract));
    }
    if let Some(customer) = query.customer {
        select.and_where(Expr::col((Contracts::Table, Contracts::CustomerId)).eq(customer));
    }
    if let Some(owners) = &query.owners {
        select.and_where(col(P::OwnerId).is_in(owners.iter().copied()));
    }
    if let Some(ids) = &query.ids {
        select.and_where(col(P::Id).is_in(ids.iter().copied()));
    }
    if let Some(from) = query.received_from {
        select.and_where(col(P::ReceivedOn).gte(from));
    }
    if let Some(before) = query.received_before {
        select.and_where(col(P::ReceivedOn).lt(before));
    }
    if let Some(currency) = &query.currency {
        select.and_where(col(P::Currency).eq(currency.as_str()));
    }
}

/// Visible payments, the newest first, after the payment `after`.
pub async fn list(
    tx: &mut Tx,
    scope: (&Visibility, i64, NaiveDate),
    query: &PaymentQuery,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Payment>> {
    let sort = Sort::by(Payments::Id, true);
    let after = after.map(|id| (id.into(), id));
    list_sorted(tx, scope, query, sort, after, limit).await
}

/// The columns the shared list engine sorts and pages payments by.
const LISTED: Listed<Payments> = Listed {
    table: Payments::Table,
    id: Payments::Id,
    search_text: Payments::SearchText,
    custom: Payments::Custom,
};

/// Adds the conditions on custom fields of a payment query.
fn narrow_custom(tx: &Tx, select: &mut SelectStatement, query: &PaymentQuery) {
    if query.filters.is_empty() {
        return;
    }
    let narrowing = ListQuery {
        filters: query.filters.clone(),
        ..ListQuery::default()
    };
    crate::lists::narrow(tx, select, LISTED, &narrowing);
}

/// A page of visible payments in a list's order, starting after the
/// cursor row (its sort value and id).
pub async fn list_sorted(
    tx: &mut Tx,
    scope: (&Visibility, i64, NaiveDate),
    query: &PaymentQuery,
    sort: Sort<Payments>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Payment>> {
    let mut select = select_rows();
    scoped(&mut select, scope, query);
    narrow_custom(tx, &mut select, query);
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<PaymentRow> = tx.all(&select).await?;
    rows.into_iter().map(Payment::try_from).collect()
}

/// A payment's status as its place in the business order (draft, in
/// approval, approved, rejected, withdrawn, void), to sort by.
pub fn status_rank() -> SimpleExpr {
    crate::lists::ranked(
        Expr::col((Payments::Table, Payments::Status)).into(),
        DocStatus::ALL.iter().map(|s| s.as_str()),
    )
}

/// The name of a payment's customer (through its contract), as the list
/// shows it.
pub fn customer_name_value() -> SimpleExpr {
    Expr::col((Customers::Table, Customers::Name)).into()
}

/// Count, amount, and the approved part of the amount, per currency of the
/// matching payments.
/// Per currency: how many payments match, how many of them are approved,
/// and the amount of the approved ones (the only money received: drafts,
/// payments in approval, rejected, withdrawn and void ones count nowhere).
pub async fn totals(
    tx: &mut Tx,
    scope: (&Visibility, i64, NaiveDate),
    query: &PaymentQuery,
) -> Result<Vec<(String, i64, i64, i64)>> {
    let is_approved =
        || Expr::col((Payments::Table, Payments::Status)).eq(DocStatus::Approved.as_str());
    let sum = |value: sea_query::CaseStatement| {
        Func::cast_as(
            Func::coalesce([Func::sum(value).into(), Expr::val(0i64).into()]),
            sea_query::Alias::new("bigint"),
        )
    };
    let mut select = Query::select();
    select
        .column((Payments::Table, Payments::Currency))
        .expr(Func::count(Expr::col((Payments::Table, Payments::Id))))
        .expr(sum(sea_query::Expr::case(is_approved(), 1i64).finally(0i64)))
        .expr(sum(sea_query::Expr::case(
            is_approved(),
            Expr::col((Payments::Table, Payments::Amount)),
        )
        .finally(Expr::val(0i64))))
        .from(Payments::Table)
        .inner_join(
            Contracts::Table,
            Expr::col((Contracts::Table, Contracts::Id))
                .equals((Payments::Table, Payments::ContractId)),
        );
    scoped(&mut select, scope, query);
    narrow_custom(tx, &mut select, query);
    select.group_by_col((Payments::Table, Payments::Currency));
    tx.all(&select).await
}

pub async fn get(
    tx: &mut Tx,
    scope: (&Visibility, i64, NaiveDate),
    id: i64,
) -> Result<Option<Payment>> {
    let mut select = select_rows();
    let query = PaymentQuery {
        ids: Some(vec![id]),
        ..PaymentQuery::default()
    };
    scoped(&mut select, scope, &query);
    let row: Option<PaymentRow> = tx.optional(&select).await?;
    row.map(Payment::try_from).transpose()
}

/// A payment read for the approval engine acting for a waiting approver.
/// Several records by id, whatever the reader's scope, in one query (in
/// no particular order; ids not found are left out).
pub async fn many_unscoped(tx: &mut Tx, ids: &[i64]) -> Result<Vec<Payment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = select_rows()
        .and_where(Expr::col((Payments::Table, Payments::Id)).is_in(ids.iter().copied()))
        .to_owned();
    let rows: Vec<PaymentRow> = tx.all(&select).await?;
    rows.into_iter().map(Payment::try_from).collect()
}

pub async fn get_unscoped(tx: &mut Tx, id: i64) -> Result<Option<Payment>> {
    let select = select_rows()
        .and_where(Expr::col((Payments::Table, Payments::Id)).eq(id))
        .to_owned();
    let row: Option<PaymentRow> = tx.optional(&select).await?;
    row.map(Payment::try_from).transpose()
}

pub async fn writable(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    id: i64,
) -> Result<bool> {
    use Payments as P;
    let select = Query::select()
        .expr(Func::count(Expr::col((P::Table, P::Id))))
        .from(P::Table)
        .and_where(Expr::col((P::Table, P::Id)).eq(id))
        .cond_where(writable_record(
            P::Table,
            P::OwnerId,
            P::Id,
            KIND,
            visibility,
            actor,
            today,
        ))
        .to_owned();
    Ok(tx.count(&select).await? == 1)
}

pub async fn number_taken(tx: &mut Tx, number: &str, except: Option<i64>) -> Result<bool> {
    let mut select = Query::select();
    select
        .expr(Func::count(Expr::col(Payments::Id)))
        .from(Payments::Table)
        .and_where(Expr::col(Payments::Number).eq(number));
    if let Some(except) = except {
        select.and_where(Expr::col(Payments::Id).ne(except));
    }
    Ok(tx.count(&select).await? > 0)
}

fn values(
    fields: &PaymentFields,
    number: &str,
    customer_name: &str,
) -> Result<Vec<(Payments, SimpleExpr)>> {
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let search = format!(
        "{} {}",
        kuijing_domain::text::normalize(number),
        kuijing_domain::text::normalize(customer_name)
    );
    Ok(vec![
        (Payments::Number, number.into()),
        (Payments::ContractId, fields.contract_id.into()),
        (Payments::PlanId, fields.plan_id.into()),
        (Payments::ReceivedOn, fields.received_on.into()),
        (Payments::MethodId, fields.method_id.into()),
        (Payments::Amount, fields.amount.into()),
        (Payments::Currency, fields.currency.clone().into()),
        (Payments::Notes, fields.notes.clone().into()),
        (
            Payments::ExceedingConfirmed,
            fields.exceeding_confirmed.into(),
        ),
        (Payments::SearchText, search.into()),
        (Payments::Custom, custom.into()),
    ])
}

pub async fn insert(
    tx: &mut Tx,
    fields: &PaymentFields,
    (number, customer_name): (&str, &str),
    owner: i64,
    (creator, now): (i64, DateTime<Utc>),
) -> Result<i64> {
    let mut pairs = values(fields, number, customer_name)?;
    pairs.extend([
        (Payments::Status, DocStatus::Draft.as_str().into()),
        (Payments::OwnerId, owner.into()),
        (Payments::CreatedBy, creator.into()),
        (Payments::CreatedAt, now.into()),
        (Payments::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, KIND, pairs, &fields.custom).await
}

pub async fn update(
    tx: &mut Tx,
    (id, version): (i64, i64),
    fields: &PaymentFields,
    (number, customer_name): (&str, &str),
    now: DateTime<Utc>,
) -> Result<bool> {
    let pairs = values(fields, number, customer_name)?;
    record::save_versioned(
        tx,
        (OWNED, KIND),
        (id, version),
        pairs,
        (&fields.custom, now),
    )
    .await
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: DocStatus,
    to: DocStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = record::set_doc_status(
        OWNED,
        (Payments::Status, Payments::ApprovedAt),
        id,
        (from, to),
        now,
    );
    Ok(tx.execute(&update).await? == 1)
}

/// Holds a payment's row to the end of the transaction (see `record::lock_row`).
pub async fn lock(tx: &mut Tx, id: i64) -> Result<bool> {
    crate::record::lock_row(tx, Payments::Table, Payments::Id, id).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, &[id]).await?;
    tx.execute(&record::delete(Payments::Table, Payments::Id, id))
        .await
}

/// The ids and owners of the payments of contracts, for a transfer of the
/// contracts that takes them along.
pub async fn owners_of_contracts(
    tx: &mut Tx,
    contracts: &[i64],
) -> Result<Vec<(i64, Option<i64>)>> {
    if contracts.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .columns([Payments::Id, Payments::OwnerId])
        .from(Payments::Table)
        .and_where(Expr::col(Payments::ContractId).is_in(contracts.iter().copied()))
        .order_by(Payments::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// Gives payments to another owner (who leaves their team, owning them).
pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    crate::teams::drop_owner(tx, kuijing_domain::Kind::Payment, ids, owner).await?;
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
}
