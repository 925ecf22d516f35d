//! Public pools: where customers without an owner wait to be claimed.

use chrono::{DateTime, Utc};
use sea_query::{Condition, Expr, Func, LockType, Order, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Customers, PoolClaims, PoolMoves, Pools, Users};

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Pool {
    pub id: i64,
    pub name: String,
    /// The pool's rules as JSON text.
    pub rules: String,
}

pub async fn list(tx: &mut Tx) -> Result<Vec<Pool>> {
    let query = Query::select()
        .columns([Pools::Id, Pools::Name, Pools::Rules])
        .from(Pools::Table)
        .order_by(Pools::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

pub async fn insert(tx: &mut Tx, name: &str, rules: &str, now: DateTime<Utc>) -> Result<i64> {
    let query = Query::insert()
        .into_table(Pools::Table)
        .columns([
            Pools::Name,
            Pools::Rules,
            Pools::CreatedAt,
            Pools::UpdatedAt,
        ])
        .values_panic([name.into(), rules.into(), now.into(), now.into()])
        .returning_col(Pools::Id)
        .to_owned();
    tx.insert_id(&query).await
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Pool>> {
    let query = Query::select()
        .columns([Pools::Id, Pools::Name, Pools::Rules])
        .from(Pools::Table)
        .and_where(Expr::col(Pools::Id).eq(id))
        .to_owned();
    tx.optional(&query).await
}

/// Takes a customer out of a pool for `user`, if it is still there and the
/// user is not its former owner within the wait. One statement, so two
/// people claiming at once cannot both get it.
pub async fn claim(
    tx: &mut Tx,
    pool: i64,
    customer: i64,
    user: i64,
    former_owner_free_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (Customers::OwnerId, user.into()),
            (Customers::PoolId, None::<i64>.into()),
            (Customers::PoolEnteredAt, None::<DateTime<Utc>>.into()),
            (Customers::Version, Expr::col(Customers::Version).add(1)),
            (Customers::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::PoolId).eq(pool))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .cond_where(
            Condition::any()
                .add(Expr::col(Customers::FormerOwnerId).ne(user))
                .add(Expr::col(Customers::FormerOwnerId).is_null())
                .add(Expr::col(Customers::ReleasedAt).is_null())
                .add(Expr::col(Customers::ReleasedAt).lt(former_owner_free_after)),
        )
        .to_owned();
    let claimed = tx.execute(&update).await? == 1;
    if claimed {
        let insert = Query::insert()
            .into_table(PoolClaims::Table)
            .columns([
                PoolClaims::PoolId,
                PoolClaims::CustomerId,
                PoolClaims::UserId,
                PoolClaims::ClaimedAt,
            ])
            .values_panic([pool.into(), customer.into(), user.into(), now.into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(claimed)
}

/// Gives a pool customer to `user` (an assignment, not counted as a claim).
pub async fn assign(
    tx: &mut Tx,
    pool: i64,
    customer: i64,
    user: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (Customers::OwnerId, user.into()),
            (Customers::PoolId, None::<i64>.into()),
            (Customers::PoolEnteredAt, None::<DateTime<Utc>>.into()),
            (Customers::Version, Expr::col(Customers::Version).add(1)),
            (Customers::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::PoolId).eq(pool))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .to_owned();
    let assigned = tx.execute(&update).await? == 1;
    if assigned {
        let insert = Query::insert()
            .into_table(PoolMoves::Table)
            .columns([
                PoolMoves::PoolId,
                PoolMoves::CustomerId,
                PoolMoves::UserId,
                PoolMoves::Move,
                PoolMoves::MovedAt,
            ])
            .values_panic([
                pool.into(),
                customer.into(),
                user.into(),
                "assign".into(),
                now.into(),
            ])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(assigned)
}

/// Puts owned customers into a pool, remembering who had them and when
/// (on the customer for the former owner's wait, and as a move for the
/// pool report).
pub async fn release(tx: &mut Tx, pool: i64, customers: &[i64], now: DateTime<Utc>) -> Result<u64> {
    let moves = Query::insert()
        .into_table(PoolMoves::Table)
        .columns([
            PoolMoves::PoolId,
            PoolMoves::CustomerId,
            PoolMoves::UserId,
            PoolMoves::Move,
            PoolMoves::MovedAt,
        ])
        .select_from(
            Query::select()
                .expr(Expr::val(pool))
                .column(Customers::Id)
                .column(Customers::OwnerId)
                .expr(Expr::val("release"))
                .expr(Expr::val(now))
                .from(Customers::Table)
                .and_where(Expr::col(Customers::Id).is_in(customers.iter().copied()))
                .and_where(Expr::col(Customers::OwnerId).is_not_null())
                .to_owned(),
        )
        .map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))?
        .to_owned();
    tx.execute(&moves).await?;
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (
                Customers::FormerOwnerId,
                Expr::col(Customers::OwnerId).into(),
            ),
            (Customers::OwnerId, None::<i64>.into()),
            (Customers::PoolId, pool.into()),
            (Customers::PoolEnteredAt, now.into()),
            (Customers::ReleasedAt, now.into()),
            (Customers::Version, Expr::col(Customers::Version).add(1)),
            (Customers::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Customers::Id).is_in(customers.iter().copied()))
        .and_where(Expr::col(Customers::OwnerId).is_not_null())
        .to_owned();
    tx.execute(&update).await
}

/// Claims by a user since an instant, for the claim limits.
pub async fn claims_since(tx: &mut Tx, user: i64, since: DateTime<Utc>) -> Result<i64> {
    let query = Query::select()
        .expr(Func::count(Expr::col(PoolClaims::Id)))
        .from(PoolClaims::Table)
        .and_where(Expr::col(PoolClaims::UserId).eq(user))
        .and_where(Expr::col(PoolClaims::ClaimedAt).gte(since))
        .to_owned();
    tx.count(&query).await
}

/// How many customers a user owns now, for the cap per user.
pub async fn owned_by(tx: &mut Tx, user: i64) -> Result<i64> {
    let query = Query::select()
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::OwnerId).eq(user))
        .to_owned();
    tx.count(&query).await
}

/// Serialises the claims of one user across instances: on PostgreSQL the
/// user's row is locked until the transaction ends; SQLite has one writer.
pub async fn lock_claimer(tx: &mut Tx, user: i64) -> Result<()> {
    if tx.backend() == crate::Backend::Postgres {
        let query = Query::select()
            .column(Users::Id)
            .from(Users::Table)
            .and_where(Expr::col(Users::Id).eq(user))
            .lock(LockType::Update)
            .to_owned();
        let _: Option<(i64,)> = tx.optional(&query).await?;
    }
    Ok(())
}

pub async fn set_rules(
    tx: &mut Tx,
    id: i64,
    name: &str,
    rules: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let update = Query::update()
        .table(Pools::Table)
        .values([
            (Pools::Name, name.into()),
            (Pools::Rules, rules.into()),
            (Pools::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Pools::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Whether a customer was ever claimed from a pool.
pub async fn was_claimed(tx: &mut Tx, pool: i64, customer: i64) -> Result<bool> {
    let query = Query::select()
        .expr(Func::count(Expr::col(PoolClaims::Id)))
        .from(PoolClaims::Table)
        .and_where(Expr::col(PoolClaims::PoolId).eq(pool))
        .and_where(Expr::col(PoolClaims::CustomerId).eq(customer))
        .to_owned();
    Ok(tx.count(&query).await? > 0)
}
