//! Contracts and their payment plans (instalments).

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::Visibility;
use kuijing_domain::sales::{DocStatus, PlanStatus};
use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::lists::{Listed, Sort};
use crate::record;
use crate::schema::{Contracts, Customers, PaymentPlans, Payments};
use crate::visibility::{readable_record, search_matches, writable_record};

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

#[derive(Debug, Clone, Default)]
pub struct ContractQuery {
    pub search: Option<String>,
    pub status: Option<DocStatus>,
    pub customer: Option<i64>,
    pub opportunity: Option<i64>,
    pub owners: Option<Vec<i64>>,
    pub ids: Option<Vec<i64>>,
    /// Signed on the days `[signed_from, signed_before)`.
    pub signed_from: Option<NaiveDate>,
    pub signed_before: Option<NaiveDate>,
    /// Only those in this currency.
    pub currency: Option<String>,
    /// Approved contracts ending within this window, for expiry reminders.
    pub ends_before: Option<NaiveDate>,
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

fn scoped(
    select: &mut SelectStatement,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &ContractQuery,
) {
    use Contracts as C;
    select.cond_where(readable_record(
        C::Table,
        C::OwnerId,
        C::Id,
        KIND,
        visibility,
        actor,
        today,
    ));
    let col = |c: C| Expr::col((C::Table, c));
    if let Some(search) = &query.search {
        select.and_where(search_matches((C::Table, C::SearchText), search));
    }
    if let Some(status) = query.status {
        select.and_where(col(C::Status).eq(status.as_str()));
    }
    if let Some(customer) = query.customer {
        select.and_where(col(C::CustomerId).eq(customer));
    }
    if let Some(opportunity) = query.opportunity {
        select.and_where(col(C::OpportunityId).eq(opportunity));
    }
    if let Some(owners) = &query.owners {
        select.and_where(col(C::OwnerId).is_in(owners.iter().copied()));
    }
    if let Some(ids) = &query.ids {
        select.and_where(col(C::Id).is_in(ids.iter().copied()));
    }
    if let Some(from) = query.signed_from {
        select.and_where(col(C::SignedOn).gte(from));
    }
    if let Some(before) = query.signed_before {
        select.and_where(col(C::SignedOn).lt(before));
    }
    if let Some(currency) = &query.currency {
        select.and_where(col(C::Currency).eq(currency.as_str()));
    }
    if let Some(before) = query.ends_before {
        select
            .and_where(col(C::EndsOn).lt(before))
            .and_where(col(C::EndsOn).gte(today))
            .and_where(col(C::Status).eq(DocStatus::Approved.as_str()));
    }
}

/// Visible contracts, the newest first, after the contract `after`.
pub async fn list(
    tx: &mut Tx,
    scope: (&Visibility, i64, NaiveDate),
    query: &ContractQuery,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Contract>> {
    let sort = Sort::by(Contracts::Id, true);
    let after = after.map(|id| (id.into(), id));
    list_sorted(tx, scope, query, sort, after, limit).await
}

/// The columns the shared list engine sorts and pages contracts by.
const LISTED: Listed<Contracts> = Listed {
    table: Contracts::Table,
    id: Contracts::Id,
    search_text: Contracts::SearchText,
    custom: Contracts::Custom,
};

/// A page of visible contracts in a list's order, starting after the
/// cursor row (its sort value and id).
pub async fn list_sorted(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    query: &ContractQuery,
    sort: Sort<Contracts>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Contract>> {
    let mut select = select_rows();
    scoped(&mut select, visibility, actor, today, query);
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<ContractRow> = tx.all(&select).await?;
    rows.into_iter().map(Contract::try_from).collect()
}

/// A contract's status as its place in the business order (draft, in
/// approval, approved, rejected, withdrawn, void), to sort by.
pub fn status_rank() -> SimpleExpr {
    crate::lists::ranked(
        Expr::col((Contracts::Table, Contracts::Status)).into(),
        DocStatus::ALL.iter().map(|s| s.as_str()),
    )
}

/// What an approved contract still expects (never below nothing); empty
/// for the others, which expect nothing yet.
pub fn outstanding_value() -> SimpleExpr {
    let col = |c: Contracts| Expr::col((Contracts::Table, c));
    Expr::case(
        col(Contracts::Status).eq(DocStatus::Approved.as_str()),
        Expr::case(
            col(Contracts::Amount).gt(col(Contracts::Received)),
            col(Contracts::Amount).sub(col(Contracts::Received)),
        )
        .finally(Expr::val(0i64)),
    )
    .into()
}

/// Count, amount and received per currency of the matching rows.
/// Per currency: how many contracts match, and the count, amount and
/// received of the approved ones among them (only approved contracts count
/// in figures; drafts and voided ones are listed but not added up).
pub async fn totals(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    query: &ContractQuery,
) -> Result<Vec<(String, i64, i64, i64, i64)>> {
    let approved =
        || Expr::col((Contracts::Table, Contracts::Status)).eq(DocStatus::Approved.as_str());
    let sum_approved = |c: Contracts| -> SimpleExpr {
        let value = Expr::case(approved(), Expr::col((Contracts::Table, c))).finally(0i64);
        Func::cast_as(
            Func::coalesce([Func::sum(value).into(), Expr::val(0i64).into()]),
            Alias::new("bigint"),
        )
        .into()
    };
    let mut select = Query::select();
    select
        .column((Contracts::Table, Contracts::Currency))
        .expr(Func::count(Expr::col((Contracts::Table, Contracts::Id))))
        .expr(Func::cast_as(
            Func::coalesce([
                Func::sum(Expr::case(approved(), 1i64).finally(0i64)).into(),
                Expr::val(0i64).into(),
            ]),
            Alias::new("bigint"),
        ))
        .expr(sum_approved(Contracts::Amount))
        .expr(sum_approved(Contracts::Received))
        .from(Contracts::Table);
    scoped(&mut select, visibility, actor, today, query);
    select.group_by_col((Contracts::Table, Contracts::Currency));
    tx.all(&select).await
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

fn values(
    fields: &ContractFields,
    number: &str,
    customer_name: &str,
) -> Result<Vec<(Contracts, SimpleExpr)>> {
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let search = format!(
        "{} {} {}",
        kuijing_domain::text::normalize(number),
        kuijing_domain::text::normalize(&fields.name),
        kuijing_domain::text::normalize(customer_name)
    );
    Ok(vec![
        (Contracts::Number, number.into()),
        (Contracts::Name, fields.name.clone().into()),
        (Contracts::CustomerId, fields.customer_id.into()),
        (Contracts::OpportunityId, fields.opportunity_id.into()),
        (Contracts::SignedOn, fields.signed_on.into()),
        (Contracts::StartsOn, fields.starts_on.into()),
        (Contracts::EndsOn, fields.ends_on.into()),
        (Contracts::Amount, fields.amount.into()),
        (Contracts::AmountByHand, fields.amount_by_hand.into()),
        (Contracts::Currency, fields.currency.clone().into()),
        (
            Contracts::CustomerSignerId,
            fields.customer_signer_id.into(),
        ),
        (Contracts::CompanySignerId, fields.company_signer_id.into()),
        (Contracts::PaymentMethodId, fields.payment_method_id.into()),
        (Contracts::Notes, fields.notes.clone().into()),
        (Contracts::Custom, custom.into()),
        (Contracts::SearchText, search.into()),
    ])
}

pub async fn insert(
    tx: &mut Tx,
    fields: &ContractFields,
    (number, customer_name): (&str, &str),
    owner: i64,
    (creator, now): (i64, DateTime<Utc>),
) -> Result<i64> {
    let mut pairs = values(fields, number, customer_name)?;
    pairs.extend([
        (Contracts::Status, DocStatus::Draft.as_str().into()),
        (Contracts::OwnerId, owner.into()),
        (Contracts::CreatedBy, creator.into()),
        (Contracts::CreatedAt, now.into()),
        (Contracts::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, KIND, pairs, &fields.custom).await
}

pub async fn update(
    tx: &mut Tx,
    (id, version): (i64, i64),
    fields: &ContractFields,
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

/// Gives a contract without a signing date `day` as its signing date; one
/// with a date keeps it. Whether it changed.
pub async fn date_if_undated(tx: &mut Tx, id: i64, day: NaiveDate) -> Result<bool> {
    let update = Query::update()
        .table(Contracts::Table)
        .values([(Contracts::SignedOn, day.into())])
        .and_where(Expr::col(Contracts::Id).eq(id))
        .and_where(Expr::col(Contracts::SignedOn).is_null())
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// Moves a contract from one status to another; lands only if it still has
/// the status read.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: DocStatus,
    to: DocStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = record::set_doc_status(
        OWNED,
        (Contracts::Status, Contracts::ApprovedAt),
        id,
        (from, to),
        now,
    );
    Ok(tx.execute(&update).await? == 1)
}

/// Sets the approval time as given (for loading history); otherwise the
/// approval time is the moment of the last approval.
pub async fn set_approved_at(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Contracts::Table)
        .value(Contracts::ApprovedAt, at)
        .and_where(Expr::col(Contracts::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Sets what a contract received, when loading data whose payments are
/// known to be approved.
pub async fn set_received(tx: &mut Tx, id: i64, received: i64) -> Result<()> {
    let update = Query::update()
        .table(Contracts::Table)
        .value(Contracts::Received, received)
        .and_where(Expr::col(Contracts::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Holds a contract's row to the end of the transaction (see
/// `record::lock_row`): every change to its status, plans and payments
/// takes it first, so they happen one after another per contract.
pub async fn lock(tx: &mut Tx, id: i64) -> Result<bool> {
    record::lock_row(tx, Contracts::Table, Contracts::Id, id).await
}

/// Recomputes what a contract and each of its instalments received from
/// its approved payments, and the instalments' statuses. The contract is
/// locked first, so the sums read include every payment approved before.
pub async fn recompute_received(tx: &mut Tx, id: i64, today: NaiveDate) -> Result<()> {
    lock(tx, id).await?;
    let approved = |select: &mut SelectStatement| {
        select
            .from(Payments::Table)
            .and_where(Expr::col(Payments::Status).eq(DocStatus::Approved.as_str()));
    };
    let mut total = Query::select();
    total.expr(record::sum_or_zero(Payments::Amount));
    approved(&mut total);
    total.and_where(Expr::col(Payments::ContractId).eq(id));
    let received = tx.count(&total).await?;
    let update = Query::update()
        .table(Contracts::Table)
        .value(Contracts::Received, received)
        .and_where(Expr::col(Contracts::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    let status = Query::select()
        .column(Contracts::Status)
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::Id).eq(id))
        .to_owned();
    let voided: Option<(String,)> = tx.optional(&status).await?;
    let voided = voided.is_some_and(|(status,)| status == DocStatus::Void.as_str());
    let plans = plans(tx, id).await?;
    let mut paid = Vec::with_capacity(plans.len());
    for plan in &plans {
        let mut sum = Query::select();
        sum.expr(record::sum_or_zero(Payments::Amount));
        approved(&mut sum);
        sum.and_where(Expr::col(Payments::PlanId).eq(plan.id));
        paid.push(tx.count(&sum).await?);
    }
    // Approved payments against no instalment count toward the earliest
    // open ones.
    let mut unassigned = Query::select();
    unassigned.expr(record::sum_or_zero(Payments::Amount));
    approved(&mut unassigned);
    unassigned
        .and_where(Expr::col(Payments::ContractId).eq(id))
        .and_where(Expr::col(Payments::PlanId).is_null());
    let unassigned = tx.count(&unassigned).await?;
    let amounts: Vec<i64> = plans.iter().map(|plan| plan.amount).collect();
    let spread = kuijing_domain::sales::spread_received(&amounts, &paid, unassigned);
    for (plan, received) in plans.iter().zip(spread.received) {
        let status =
            kuijing_domain::sales::plan_status(plan.amount, received, plan.planned_on, today);
        let status = if voided && status != PlanStatus::Received {
            PlanStatus::Ended
        } else {
            status
        };
        let update = Query::update()
            .table(PaymentPlans::Table)
            .values([
                (PaymentPlans::Received, received.into()),
                (PaymentPlans::Status, status.as_str().into()),
            ])
            .and_where(Expr::col(PaymentPlans::Id).eq(plan.id))
            .to_owned();
        tx.execute(&update).await?;
    }
    Ok(())
}

pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    crate::teams::drop_owner(tx, kuijing_domain::Kind::Contract, ids, owner).await?;
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
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

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, &[id]).await?;
    tx.execute(&record::delete(Contracts::Table, Contracts::Id, id))
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PlanRow {
    id: i64,
    contract_id: i64,
    instalment: i64,
    amount: i64,
    planned_on: NaiveDate,
    method_id: Option<i64>,
    remind_days: i64,
    received: i64,
    status: String,
    notes: Option<String>,
}

/// An instalment of a contract's payment plan (回款計劃).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: i64,
    pub contract_id: i64,
    pub instalment: i64,
    pub amount: i64,
    pub planned_on: NaiveDate,
    pub method_id: Option<i64>,
    pub remind_days: i64,
    pub received: i64,
    pub status: PlanStatus,
    pub notes: Option<String>,
}

impl TryFrom<PlanRow> for Plan {
    type Error = StoreError;

    fn try_from(row: PlanRow) -> Result<Self> {
        Ok(Plan {
            status: PlanStatus::parse(&row.status).map_err(|e| StoreError::Corrupt(e.into()))?,
            id: row.id,
            contract_id: row.contract_id,
            instalment: row.instalment,
            amount: row.amount,
            planned_on: row.planned_on,
            method_id: row.method_id,
            remind_days: row.remind_days,
            received: row.received,
            notes: row.notes,
        })
    }
}

const PLAN_COLUMNS: [PaymentPlans; 10] = [
    PaymentPlans::Id,
    PaymentPlans::ContractId,
    PaymentPlans::Instalment,
    PaymentPlans::Amount,
    PaymentPlans::PlannedOn,
    PaymentPlans::MethodId,
    PaymentPlans::RemindDays,
    PaymentPlans::Received,
    PaymentPlans::Status,
    PaymentPlans::Notes,
];

pub async fn plans(tx: &mut Tx, contract: i64) -> Result<Vec<Plan>> {
    let select = Query::select()
        .columns(PLAN_COLUMNS)
        .from(PaymentPlans::Table)
        .and_where(Expr::col(PaymentPlans::ContractId).eq(contract))
        .order_by(PaymentPlans::Instalment, Order::Asc)
        .to_owned();
    let rows: Vec<PlanRow> = tx.all(&select).await?;
    rows.into_iter().map(Plan::try_from).collect()
}

pub struct PlanFields {
    pub amount: i64,
    pub planned_on: NaiveDate,
    pub method_id: Option<i64>,
    pub remind_days: i64,
    pub notes: Option<String>,
}

/// Adds an instalment numbered after the contract's last one (see
/// [`renumber_plans`] for the numbers by date).
pub async fn insert_plan(
    tx: &mut Tx,
    contract: i64,
    fields: &PlanFields,
    now: DateTime<Utc>,
) -> Result<i64> {
    let last = Query::select()
        .expr(Func::coalesce([
            Func::max(Expr::col(PaymentPlans::Instalment)).into(),
            Expr::val(0i64).into(),
        ]))
        .from(PaymentPlans::Table)
        .and_where(Expr::col(PaymentPlans::ContractId).eq(contract))
        .to_owned();
    let instalment = tx.count(&last).await? + 1;
    let pairs = vec![
        (PaymentPlans::ContractId, contract.into()),
        (PaymentPlans::Instalment, instalment.into()),
        (PaymentPlans::Amount, fields.amount.into()),
        (PaymentPlans::PlannedOn, fields.planned_on.into()),
        (PaymentPlans::MethodId, fields.method_id.into()),
        (PaymentPlans::RemindDays, fields.remind_days.into()),
        (PaymentPlans::Notes, fields.notes.clone().into()),
        (PaymentPlans::Status, PlanStatus::Pending.as_str().into()),
        (PaymentPlans::CreatedAt, now.into()),
        (PaymentPlans::UpdatedAt, now.into()),
    ];
    tx.insert_id(&record::insert(
        PaymentPlans::Table,
        PaymentPlans::Id,
        pairs,
    ))
    .await
}

/// Changes an instalment's amount, date, method, reminder and notes; what
/// it received and its status are recomputed afterwards.
pub async fn update_plan(
    tx: &mut Tx,
    (contract, plan): (i64, i64),
    fields: &PlanFields,
    now: DateTime<Utc>,
) -> Result<u64> {
    let update = Query::update()
        .table(PaymentPlans::Table)
        .values([
            (PaymentPlans::Amount, fields.amount.into()),
            (PaymentPlans::PlannedOn, fields.planned_on.into()),
            (PaymentPlans::MethodId, fields.method_id.into()),
            (PaymentPlans::RemindDays, fields.remind_days.into()),
            (PaymentPlans::Notes, fields.notes.clone().into()),
            (PaymentPlans::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(PaymentPlans::Id).eq(plan))
        .and_where(Expr::col(PaymentPlans::ContractId).eq(contract))
        .to_owned();
    tx.execute(&update).await
}

/// Numbers a contract's instalments by planned date (then by when they
/// were added): the first due is instalment 1. Run after every change of
/// the plan, so the numbers a page shows and an import finds are the
/// order of the dates. Two passes keep the unique (contract, instalment)
/// pair unbroken in between.
pub async fn renumber_plans(tx: &mut Tx, contract: i64) -> Result<()> {
    let select = Query::select()
        .column(PaymentPlans::Id)
        .from(PaymentPlans::Table)
        .and_where(Expr::col(PaymentPlans::ContractId).eq(contract))
        .order_by(PaymentPlans::PlannedOn, Order::Asc)
        .order_by(PaymentPlans::Id, Order::Asc)
        .to_owned();
    let ids: Vec<(i64,)> = tx.all(&select).await?;
    for (index, (id,)) in ids.iter().enumerate() {
        let update = Query::update()
            .table(PaymentPlans::Table)
            .value(PaymentPlans::Instalment, -(index as i64 + 1))
            .and_where(Expr::col(PaymentPlans::Id).eq(*id))
            .to_owned();
        tx.execute(&update).await?;
    }
    let flip = Query::update()
        .table(PaymentPlans::Table)
        .value(
            PaymentPlans::Instalment,
            Expr::col(PaymentPlans::Instalment).mul(-1),
        )
        .and_where(Expr::col(PaymentPlans::ContractId).eq(contract))
        .and_where(Expr::col(PaymentPlans::Instalment).lt(0))
        .to_owned();
    tx.execute(&flip).await?;
    Ok(())
}

pub async fn delete_plan(tx: &mut Tx, contract: i64, plan: i64) -> Result<u64> {
    let delete = Query::delete()
        .from_table(PaymentPlans::Table)
        .and_where(Expr::col(PaymentPlans::Id).eq(plan))
        .and_where(Expr::col(PaymentPlans::ContractId).eq(contract))
        .to_owned();
    tx.execute(&delete).await
}

/// Marks instalments whose date has passed without full payment overdue;
/// answers how many changed. Safe to run from several instances at once.
/// Instalments of a voided contract ended with it and are skipped.
pub async fn mark_overdue(tx: &mut Tx, today: NaiveDate) -> Result<u64> {
    let voided = Query::select()
        .column(Contracts::Id)
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::Status).eq(DocStatus::Void.as_str()))
        .to_owned();
    let update = Query::update()
        .table(PaymentPlans::Table)
        .value(PaymentPlans::Status, PlanStatus::Overdue.as_str())
        .and_where(Expr::col(PaymentPlans::PlannedOn).lt(today))
        .and_where(Expr::col(PaymentPlans::Status).is_in([
            PlanStatus::Pending.as_str(),
            PlanStatus::PartlyReceived.as_str(),
        ]))
        .and_where(Expr::col(PaymentPlans::ContractId).not_in_subquery(voided))
        .to_owned();
    tx.execute(&update).await
}
