//! Background jobs in a table, claimed with a lease so any number of
//! instances may run them and a crashed one's work is picked up again.

use chrono::{DateTime, Utc};
use sea_query::{Expr, LockBehavior, LockType, OnConflict, Order, Query};

use crate::db::{Backend, Tx};
use crate::error::Result;
use crate::schema::Jobs;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub unique_key: Option<String>,
    pub payload: String,
    pub attempts: i64,
}

/// Enqueues a job; with a `unique_key`, a job of the same kind and key is
/// enqueued once only (answers false the second time).
pub async fn enqueue(
    tx: &mut Tx,
    kind: &str,
    unique_key: Option<&str>,
    payload: &str,
    run_at: DateTime<Utc>,
) -> Result<bool> {
    let insert = Query::insert()
        .into_table(Jobs::Table)
        .columns([
            Jobs::Kind,
            Jobs::UniqueKey,
            Jobs::Payload,
            Jobs::RunAt,
            Jobs::CreatedAt,
        ])
        .values_panic([
            kind.into(),
            unique_key.into(),
            payload.into(),
            run_at.into(),
            run_at.into(),
        ])
        .on_conflict(
            OnConflict::columns([Jobs::Kind, Jobs::UniqueKey])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    Ok(tx.execute(&insert).await? == 1)
}

/// Takes the oldest due job nobody holds a lease on, and leases it to
/// `worker` until `until`.
pub async fn claim(
    tx: &mut Tx,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<Job>> {
    let mut next = Query::select();
    next.column(Jobs::Id)
        .from(Jobs::Table)
        .and_where(Expr::col(Jobs::DoneAt).is_null())
        .and_where(Expr::col(Jobs::RunAt).lte(now))
        .cond_where(
            sea_query::Condition::any()
                .add(Expr::col(Jobs::LeasedUntil).is_null())
                .add(Expr::col(Jobs::LeasedUntil).lt(now)),
        )
        .order_by(Jobs::RunAt, Order::Asc)
        .order_by(Jobs::Id, Order::Asc)
        .limit(1);
    if tx.backend() == Backend::Postgres {
        // Other instances skip the row this one is taking instead of waiting.
        next.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some((id,)): Option<(i64,)> = tx.optional(&next).await? else {
        return Ok(None);
    };
    let update = Query::update()
        .table(Jobs::Table)
        .values([
            (Jobs::LeasedUntil, until.into()),
            (Jobs::LeasedBy, worker.into()),
            (Jobs::Attempts, Expr::col(Jobs::Attempts).add(1)),
        ])
        .and_where(Expr::col(Jobs::Id).eq(id))
        .cond_where(
            sea_query::Condition::any()
                .add(Expr::col(Jobs::LeasedUntil).is_null())
                .add(Expr::col(Jobs::LeasedUntil).lt(now)),
        )
        .returning(Query::returning().columns([
            Jobs::Id,
            Jobs::Kind,
            Jobs::UniqueKey,
            Jobs::Payload,
            Jobs::Attempts,
        ]))
        .to_owned();
    tx.optional(&update).await
}

pub async fn finish(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Jobs::Table)
        .values([
            (Jobs::DoneAt, now.into()),
            (Jobs::LeasedUntil, Option::<DateTime<Utc>>::None.into()),
        ])
        .and_where(Expr::col(Jobs::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Gives a failed job back for another try at `retry_at`.
pub async fn fail(tx: &mut Tx, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Jobs::Table)
        .values([
            (
                Jobs::LastError,
                error.chars().take(500).collect::<String>().into(),
            ),
            (Jobs::RunAt, retry_at.into()),
            (Jobs::LeasedUntil, Option::<DateTime<Utc>>::None.into()),
        ])
        .and_where(Expr::col(Jobs::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}
