//! Public pools: their names, rules, members and administrators. What
//! happens to the customers in them is in `pool_customers`.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Func, Order, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Customers, PoolMembers, Pools};

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Pool {
    pub id: i64,
    pub name: String,
    /// The pool's rules as JSON text.
    pub rules: String,
}

/// One row of a pool's membership.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolMember {
    pub pool_id: i64,
    /// `member` or `administrator`.
    pub role: String,
    /// `user` or `department`.
    pub member_kind: String,
    pub member_id: i64,
}

pub const MEMBER: &str = "member";
pub const ADMINISTRATOR: &str = "administrator";
pub const USER: &str = "user";
pub const DEPARTMENT: &str = "department";

/// Every pool that is not deleted, oldest first (the first is the default).
pub async fn list(tx: &mut Tx) -> Result<Vec<Pool>> {
    let query = Query::select()
        .columns([Pools::Id, Pools::Name, Pools::Rules])
        .from(Pools::Table)
        .and_where(Expr::col(Pools::DeletedAt).is_null())
        .order_by(Pools::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Pool>> {
    let query = Query::select()
        .columns([Pools::Id, Pools::Name, Pools::Rules])
        .from(Pools::Table)
        .and_where(Expr::col(Pools::Id).eq(id))
        .and_where(Expr::col(Pools::DeletedAt).is_null())
        .to_owned();
    tx.optional(&query).await
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

pub async fn update(
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

/// Deletes an empty pool: the row stays for the claims that name it, out
/// of every list. Answers false when customers wait in it.
pub async fn delete_if_empty(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let waiting = Query::select()
        .column(Customers::Id)
        .from(Customers::Table)
        .and_where(Expr::col(Customers::PoolId).eq(id))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .to_owned();
    let update = Query::update()
        .table(Pools::Table)
        .values([
            (Pools::DeletedAt, now.into()),
            (Pools::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Pools::Id).eq(id))
        .and_where(Expr::col(Pools::DeletedAt).is_null())
        .and_where(Expr::exists(waiting).not())
        .to_owned();
    if tx.execute(&update).await? == 0 {
        return Ok(false);
    }
    let members = Query::delete()
        .from_table(PoolMembers::Table)
        .and_where(Expr::col(PoolMembers::PoolId).eq(id))
        .to_owned();
    tx.execute(&members).await?;
    Ok(true)
}

/// The membership rows of every pool (pools and their members are few).
pub async fn all_members(tx: &mut Tx) -> Result<Vec<PoolMember>> {
    let query = Query::select()
        .columns([
            PoolMembers::PoolId,
            PoolMembers::Role,
            PoolMembers::MemberKind,
            PoolMembers::MemberId,
        ])
        .from(PoolMembers::Table)
        .order_by(PoolMembers::PoolId, Order::Asc)
        .order_by(PoolMembers::MemberId, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

/// Replaces a pool's members and administrators by `rows`.
pub async fn set_members(tx: &mut Tx, pool: i64, rows: &[PoolMember]) -> Result<()> {
    let delete = Query::delete()
        .from_table(PoolMembers::Table)
        .and_where(Expr::col(PoolMembers::PoolId).eq(pool))
        .to_owned();
    tx.execute(&delete).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(PoolMembers::Table).columns([
        PoolMembers::PoolId,
        PoolMembers::Role,
        PoolMembers::MemberKind,
        PoolMembers::MemberId,
    ]);
    for row in rows {
        insert.values_panic([
            pool.into(),
            row.role.clone().into(),
            row.member_kind.clone().into(),
            row.member_id.into(),
        ]);
    }
    tx.execute(&insert).await?;
    Ok(())
}

/// How many customers wait in each pool, for the pools the caller may see.
pub async fn waiting_counts(tx: &mut Tx, pools: &[i64]) -> Result<Vec<(i64, i64)>> {
    if pools.is_empty() {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .column(Customers::PoolId)
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::PoolId).is_in(pools.iter().copied()))
        .and_where(Expr::col(Customers::OwnerId).is_null())
        .group_by_col(Customers::PoolId)
        .to_owned();
    tx.all(&query).await
}

/// Whether another pool that is not deleted has this name.
pub async fn name_taken(tx: &mut Tx, name: &str, except: Option<i64>) -> Result<bool> {
    let mut query = Query::select();
    query
        .expr(Func::count(Expr::col(Pools::Id)))
        .from(Pools::Table)
        .and_where(Expr::col(Pools::Name).eq(name))
        .and_where(Expr::col(Pools::DeletedAt).is_null());
    if let Some(id) = except {
        query.and_where(Expr::col(Pools::Id).ne(id));
    }
    Ok(tx.count(&query).await? > 0)
}

/// Pool names by id, deleted pools too: for the change log, which names
/// the pool a customer went into when it went.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns([Pools::Id, Pools::Name])
        .from(Pools::Table)
        .and_where(Expr::col(Pools::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.all(&query).await
}
