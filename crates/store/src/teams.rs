//! Teams: users who share a record with its owner, reading or also
//! writing, until an optional expiry date.

use chrono::NaiveDate;
use kuijing_domain::Kind;
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::TeamMembers;

/// Adds or changes a team member of a record.
pub async fn put(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    user: i64,
    can_write: bool,
    expires_on: Option<NaiveDate>,
) -> Result<()> {
    let delete = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(kind.as_str()))
        .and_where(Expr::col(TeamMembers::RecordId).eq(id))
        .and_where(Expr::col(TeamMembers::UserId).eq(user))
        .to_owned();
    tx.execute(&delete).await?;
    let insert = Query::insert()
        .into_table(TeamMembers::Table)
        .columns([
            TeamMembers::Kind,
            TeamMembers::RecordId,
            TeamMembers::UserId,
            TeamMembers::CanWrite,
            TeamMembers::ExpiresOn,
        ])
        .values_panic([
            kind.as_str().into(),
            id.into(),
            user.into(),
            can_write.into(),
            expires_on.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

pub async fn remove(tx: &mut Tx, kind: Kind, id: i64, user: i64) -> Result<u64> {
    let delete = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(kind.as_str()))
        .and_where(Expr::col(TeamMembers::RecordId).eq(id))
        .and_where(Expr::col(TeamMembers::UserId).eq(user))
        .to_owned();
    tx.execute(&delete).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TeamMember {
    pub user_id: i64,
    pub can_write: bool,
    pub expires_on: Option<NaiveDate>,
}

pub async fn of_record(tx: &mut Tx, kind: Kind, id: i64) -> Result<Vec<TeamMember>> {
    let select = Query::select()
        .columns([
            TeamMembers::UserId,
            TeamMembers::CanWrite,
            TeamMembers::ExpiresOn,
        ])
        .from(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(kind.as_str()))
        .and_where(Expr::col(TeamMembers::RecordId).eq(id))
        .order_by(TeamMembers::UserId, Order::Asc)
        .to_owned();
    tx.all(&select).await
}
