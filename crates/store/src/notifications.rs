//! Notifications: what a user is told (an approval waits for them, an
//! instalment is due, a contract ends soon), each about one record, read or
//! unread.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, OnConflict, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Contracts, Notifications, PaymentPlans};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub record_kind: String,
    pub record_id: i64,
    /// What the message names, as a JSON object.
    pub params: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notification to make.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub record_kind: &'a str,
    pub record_id: i64,
    pub params: String,
    /// Reminders of one record on one date are made once.
    pub dedupe_key: String,
}

/// Makes a notification unless the same one exists; answers whether it
/// was made.
pub async fn notify(tx: &mut Tx, new: &NewNotification<'_>, now: DateTime<Utc>) -> Result<bool> {
    let insert = Query::insert()
        .into_table(Notifications::Table)
        .columns([
            Notifications::UserId,
            Notifications::Kind,
            Notifications::RecordKind,
            Notifications::RecordId,
            Notifications::Params,
            Notifications::DedupeKey,
            Notifications::CreatedAt,
        ])
        .values_panic([
            new.user_id.into(),
            new.kind.into(),
            new.record_kind.into(),
            new.record_id.into(),
            new.params.clone().into(),
            new.dedupe_key.clone().into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::columns([
                Notifications::UserId,
                Notifications::Kind,
                Notifications::RecordKind,
                Notifications::RecordId,
                Notifications::DedupeKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .to_owned();
    Ok(tx.execute(&insert).await? == 1)
}

/// A user's notifications, newest first, older than `before` (an id).
pub async fn list(
    tx: &mut Tx,
    user: i64,
    unread_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Notification>> {
    let mut query = Query::select();
    query
        .columns([
            Notifications::Id,
            Notifications::Kind,
            Notifications::RecordKind,
            Notifications::RecordId,
            Notifications::Params,
            Notifications::CreatedAt,
            Notifications::ReadAt,
        ])
        .from(Notifications::Table)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .order_by(Notifications::Id, Order::Desc)
        .limit(limit);
    if unread_only {
        query.and_where(Expr::col(Notifications::ReadAt).is_null());
    }
    if let Some(before) = before {
        query.and_where(Expr::col(Notifications::Id).lt(before));
    }
    tx.all(&query).await
}

pub async fn get(tx: &mut Tx, user: i64, id: i64) -> Result<Option<Notification>> {
    let query = Query::select()
        .columns([
            Notifications::Id,
            Notifications::Kind,
            Notifications::RecordKind,
            Notifications::RecordId,
            Notifications::Params,
            Notifications::CreatedAt,
            Notifications::ReadAt,
        ])
        .from(Notifications::Table)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .and_where(Expr::col(Notifications::Id).eq(id))
        .to_owned();
    tx.optional(&query).await
}

pub async fn unread_count(tx: &mut Tx, user: i64) -> Result<i64> {
    let query = Query::select()
        .expr(Expr::col(Notifications::Id).count())
        .from(Notifications::Table)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .and_where(Expr::col(Notifications::ReadAt).is_null())
        .to_owned();
    tx.count(&query).await
}

/// Marks one (or, without an id, every) unread notification of the user
/// read; answers how many changed.
pub async fn mark_read(tx: &mut Tx, user: i64, id: Option<i64>, now: DateTime<Utc>) -> Result<u64> {
    let mut update = Query::update();
    update
        .table(Notifications::Table)
        .value(Notifications::ReadAt, now)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .and_where(Expr::col(Notifications::ReadAt).is_null());
    if let Some(id) = id {
        update.and_where(Expr::col(Notifications::Id).eq(id));
    }
    tx.execute(&update).await
}

/// An instalment of an approved contract that is not fully received.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenInstalment {
    pub plan_id: i64,
    pub contract_id: i64,
    pub number: String,
    pub instalment: i64,
    pub planned_on: NaiveDate,
    pub remind_days: i64,
    pub owner_id: Option<i64>,
}

/// Open instalments of approved contracts planned from `from` to `to`.
pub async fn open_instalments(
    tx: &mut Tx,
    (from, to): (NaiveDate, NaiveDate),
    statuses: &[&str],
) -> Result<Vec<OpenInstalment>> {
    let query = Query::select()
        .expr_as(
            Expr::col((PaymentPlans::Table, PaymentPlans::Id)),
            sea_query::Alias::new("plan_id"),
        )
        .column((PaymentPlans::Table, PaymentPlans::ContractId))
        .column((Contracts::Table, Contracts::Number))
        .column((PaymentPlans::Table, PaymentPlans::Instalment))
        .column((PaymentPlans::Table, PaymentPlans::PlannedOn))
        .column((PaymentPlans::Table, PaymentPlans::RemindDays))
        .column((Contracts::Table, Contracts::OwnerId))
        .from(PaymentPlans::Table)
        .inner_join(
            Contracts::Table,
            Expr::col((Contracts::Table, Contracts::Id))
                .equals((PaymentPlans::Table, PaymentPlans::ContractId)),
        )
        .and_where(Expr::col((Contracts::Table, Contracts::Status)).eq("approved"))
        .and_where(
            Expr::col((PaymentPlans::Table, PaymentPlans::Status)).is_in(statuses.iter().copied()),
        )
        .and_where(Expr::col((PaymentPlans::Table, PaymentPlans::PlannedOn)).gte(from))
        .and_where(Expr::col((PaymentPlans::Table, PaymentPlans::PlannedOn)).lte(to))
        .order_by((PaymentPlans::Table, PaymentPlans::Id), Order::Asc)
        .to_owned();
    tx.all(&query).await
}

/// An approved contract that ends from `from` to `to`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EndingContract {
    pub id: i64,
    pub number: String,
    pub ends_on: NaiveDate,
    pub owner_id: Option<i64>,
}

pub async fn contracts_ending(
    tx: &mut Tx,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<EndingContract>> {
    let query = Query::select()
        .columns([
            Contracts::Id,
            Contracts::Number,
            Contracts::EndsOn,
            Contracts::OwnerId,
        ])
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::Status).eq("approved"))
        .and_where(Expr::col(Contracts::EndsOn).gte(from))
        .and_where(Expr::col(Contracts::EndsOn).lte(to))
        .order_by(Contracts::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}
