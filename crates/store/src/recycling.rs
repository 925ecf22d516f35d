//! What the recycle rules read: owned customers with the dates the rules
//! look at, read in pages by id. Unscoped: the recycling job reads every
//! member's customers, and "soon back in the pool" passes the caller alone.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Func, Order, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Customers, Opportunities};

/// An owned customer and the dates its recycle rules look at.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnedCustomer {
    pub id: i64,
    pub name: String,
    pub owner_id: i64,
    pub level_id: Option<i64>,
    pub locked: bool,
    pub dealt: bool,
    pub dealt_at: Option<DateTime<Utc>>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub owned_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The due instant the owner was last warned of.
    pub recycle_reminded_for: Option<DateTime<Utc>>,
}

/// Unlocked customers of `owners` owned since `owned_before` or earlier,
/// with ids above `after`, at most `limit`, by id.
pub async fn owned_page(
    tx: &mut Tx,
    owners: &[i64],
    owned_before: DateTime<Utc>,
    after: i64,
    limit: u64,
) -> Result<Vec<OwnedCustomer>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let since = Func::coalesce([
        Expr::col(Customers::OwnedSince).into(),
        Expr::col(Customers::CreatedAt).into(),
    ]);
    let query = Query::select()
        .columns([
            Customers::Id,
            Customers::Name,
            Customers::OwnerId,
            Customers::LevelId,
            Customers::Locked,
            Customers::Dealt,
            Customers::DealtAt,
            Customers::LastFollowUpAt,
            Customers::OwnedSince,
            Customers::CreatedAt,
            Customers::RecycleRemindedFor,
        ])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::OwnerId).is_in(owners.iter().copied()))
        .and_where(Expr::col(Customers::Locked).eq(false))
        .and_where(Expr::col(Customers::Id).gt(after))
        .and_where(Expr::expr(since).lte(owned_before))
        .order_by(Customers::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    tx.all(&query).await
}

/// The latest opportunity created for each of the customers.
pub async fn last_opportunities(
    tx: &mut Tx,
    customers: &[i64],
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    latest(tx, customers, Opportunities::CreatedAt, false).await
}

/// The latest opportunity won for each of the customers.
pub async fn last_wins(tx: &mut Tx, customers: &[i64]) -> Result<Vec<(i64, DateTime<Utc>)>> {
    latest(tx, customers, Opportunities::ClosedAt, true).await
}

async fn latest(
    tx: &mut Tx,
    customers: &[i64],
    column: Opportunities,
    won_only: bool,
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Query::select();
    query
        .column(Opportunities::CustomerId)
        .expr(Func::max(Expr::col(column)))
        .from(Opportunities::Table)
        .and_where(Expr::col(Opportunities::CustomerId).is_in(customers.iter().copied()))
        .and_where(Expr::col(column).is_not_null())
        .group_by_col(Opportunities::CustomerId);
    if won_only {
        query.and_where(Expr::col(Opportunities::Outcome).eq("won"));
    }
    tx.all(&query).await
}

/// Notes that the owner was warned the customer goes back at `due`, if
/// they still own it and were not warned of that date; answers whether
/// this call made the note (so a warning is sent once).
pub async fn mark_reminded(
    tx: &mut Tx,
    customer: i64,
    owner: i64,
    due: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Customers::Table)
        .value(Customers::RecycleRemindedFor, due)
        .and_where(Expr::col(Customers::Id).eq(customer))
        .and_where(Expr::col(Customers::OwnerId).eq(owner))
        .cond_where(
            sea_query::Condition::any()
                .add(Expr::col(Customers::RecycleRemindedFor).is_null())
                .add(Expr::col(Customers::RecycleRemindedFor).ne(due)),
        )
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}
