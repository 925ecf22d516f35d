//! A contract's payment plan (instalments) and what each instalment received.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::sales::{DocStatus, PlanStatus};
use sea_query::{Expr, Func, Order, Query, SelectStatement};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::{Contracts, PaymentPlans, Payments};

use super::lock;

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
