//! Customers going in and out of pools: claim, assign, release, move, and
//! the counts the claim limits and the cap on owned customers need.

use chrono::{DateTime, Utc};
use sea_query::{Condition, Expr, Func, LockType, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Customers, PoolClaims, PoolMoves, TeamMembers, Users};

/// Empties the team of customers that change hands through a pool: a team
/// is the owner's choice of helpers, and goes with the owner.
async fn clear_team(tx: &mut Tx, customers: &[i64]) -> Result<()> {
    let delete = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(kuijing_domain::Kind::Customer.as_str()))
        .and_where(Expr::col(TeamMembers::RecordId).is_in(customers.iter().copied()))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
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
            (Customers::OwnedSince, now.into()),
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
                .add(Expr::col(Customers::ReleasedAt).lte(former_owner_free_after)),
        )
        .to_owned();
    let claimed = tx.execute(&update).await? == 1;
    if claimed {
        clear_team(tx, &[customer]).await?;
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

/// When `user` let the customer waiting in `pool` go, if they are its
/// former owner: a claim refused for this is the former owner's wait, not
/// someone else's claim.
pub async fn released_by(
    tx: &mut Tx,
    pool: i64,
    customer: i64,
    user: i64,
) -> Result<Option<(DateTime<Utc>, String)>> {
    let select = Query::select()
        .columns([Customers::ReleasedAt, Customers::Name])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::PoolId).eq(pool))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .and_where(Expr::col(Customers::FormerOwnerId).eq(user))
        .to_owned();
    let found: Option<(Option<DateTime<Utc>>, String)> = tx.optional(&select).await?;
    Ok(found.and_then(|(at, name)| at.map(|at| (at, name))))
}

/// The customers of a pool that `user` let go after `after`, with when:
/// those their former owner waits to claim again.
pub async fn released_by_since(
    tx: &mut Tx,
    pool: i64,
    user: i64,
    after: DateTime<Utc>,
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    let select = Query::select()
        .columns([Customers::Id, Customers::ReleasedAt])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::PoolId).eq(pool))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .and_where(Expr::col(Customers::FormerOwnerId).eq(user))
        .and_where(Expr::col(Customers::ReleasedAt).gt(after))
        .limit(1000)
        .to_owned();
    tx.all(&select).await
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
            (Customers::OwnedSince, now.into()),
            (Customers::Version, Expr::col(Customers::Version).add(1)),
            (Customers::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::PoolId).eq(pool))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .to_owned();
    let assigned = tx.execute(&update).await? == 1;
    if assigned {
        clear_team(tx, &[customer]).await?;
        record_move(tx, (pool, customer, Some(user)), "assign", now).await?;
    }
    Ok(assigned)
}

/// Keeps one move of a customer into, out of or between pools, for the
/// pool report: `release` and `recycle` with the owner who had it,
/// `assign` with the new owner, `move` (into another pool) with none.
async fn record_move(
    tx: &mut Tx,
    (pool, customer, user): (i64, i64, Option<i64>),
    kind: &str,
    now: DateTime<Utc>,
) -> Result<()> {
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
            kind.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
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
        .values(released(pool, now))
        .and_where(Expr::col(Customers::Id).is_in(customers.iter().copied()))
        .and_where(Expr::col(Customers::OwnerId).is_not_null())
        .to_owned();
    let released = tx.execute(&update).await?;
    clear_team(tx, customers).await?;
    Ok(released)
}

/// Puts one customer into a pool if `owner` still owns it and it is not
/// locked: the recycling job's write, guarded on what it read, so two
/// instances recycling at once recycle it once.
pub async fn recycle(
    tx: &mut Tx,
    pool: i64,
    customer: i64,
    owner: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Customers::Table)
        .values(released(pool, now))
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::OwnerId).eq(owner))
        .and_where(Expr::col(Customers::Locked).eq(false))
        .to_owned();
    let recycled = tx.execute(&update).await? == 1;
    if recycled {
        clear_team(tx, &[customer]).await?;
        record_move(tx, (pool, customer, Some(owner)), "recycle", now).await?;
    }
    Ok(recycled)
}

fn released(pool: i64, now: DateTime<Utc>) -> Vec<(Customers, sea_query::SimpleExpr)> {
    vec![
        (
            Customers::FormerOwnerId,
            Expr::col(Customers::OwnerId).into(),
        ),
        (Customers::OwnerId, None::<i64>.into()),
        (Customers::PoolId, pool.into()),
        (Customers::PoolEnteredAt, now.into()),
        (Customers::ReleasedAt, now.into()),
        (Customers::OwnedSince, None::<DateTime<Utc>>.into()),
        (Customers::RecycleRemindedFor, None::<DateTime<Utc>>.into()),
        (Customers::Version, Expr::col(Customers::Version).add(1)),
        (Customers::UpdatedAt, now.into()),
    ]
}

/// Moves customers still waiting in `from` into `to`; answers which moved.
pub async fn move_between(
    tx: &mut Tx,
    (from, to): (i64, i64),
    customers: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut moved = Vec::new();
    for customer in customers {
        let update = Query::update()
            .table(Customers::Table)
            .values([
                (Customers::PoolId, to.into()),
                (Customers::PoolEnteredAt, now.into()),
                (Customers::Version, Expr::col(Customers::Version).add(1)),
                (Customers::UpdatedAt, now.into()),
            ])
            .and_where(Expr::col(Customers::Id).eq(*customer))
            .and_where(Expr::col(Customers::PoolId).eq(from))
            .and_where(Expr::col(Customers::OwnerId).is_null())
            .to_owned();
        if tx.execute(&update).await? == 1 {
            record_move(tx, (to, *customer, None), "move", now).await?;
            moved.push(*customer);
        }
    }
    Ok(moved)
}

/// Whether a customer waits in a pool, owned by no one (one a claim may
/// still take).
pub async fn waiting_in(tx: &mut Tx, pool: i64, customer: i64) -> Result<bool> {
    let query = Query::select()
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::PoolId).eq(pool))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .to_owned();
    Ok(tx.count(&query).await? > 0)
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

/// Whether a customer is owned by this user now (a claim or an
/// assignment of a customer they already hold takes nothing).
pub async fn owns(tx: &mut Tx, user: i64, customer: i64) -> Result<bool> {
    let query = Query::select()
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::OwnerId).eq(user))
        .to_owned();
    Ok(tx.count(&query).await? > 0)
}

/// Serialises what changes one user's customers across instances (their
/// claims, assignments to them): on PostgreSQL the user's row is locked
/// until the transaction ends; SQLite has one writer.
pub async fn lock_user(tx: &mut Tx, user: i64) -> Result<()> {
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
