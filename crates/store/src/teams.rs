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

/// Takes the new owner of records off their teams: an owner is no member of
/// their own record, so a later transfer leaves them nothing behind.
pub(crate) async fn drop_owner(tx: &mut Tx, kind: Kind, ids: &[i64], owner: i64) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let delete = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(kind.as_str()))
        .and_where(Expr::col(TeamMembers::RecordId).is_in(ids.iter().copied()))
        .and_where(Expr::col(TeamMembers::UserId).eq(owner))
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

/// Gives the members of one record's team to another record's (a lead's to
/// the customer it became): members already on the other team stay as they
/// are, and `owner` (the other record's owner) and members expired before
/// `today` are left out.
pub async fn carry(
    tx: &mut Tx,
    from: (Kind, i64),
    to: (Kind, i64),
    owner: Option<i64>,
    today: NaiveDate,
) -> Result<()> {
    let present: Vec<i64> = of_record(tx, to.0, to.1)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    for member in of_record(tx, from.0, from.1).await? {
        let expired = member.expires_on.is_some_and(|day| day < today);
        if expired || Some(member.user_id) == owner || present.contains(&member.user_id) {
            continue;
        }
        let (kind, id) = to;
        put(
            tx,
            kind,
            id,
            member.user_id,
            member.can_write,
            member.expires_on,
        )
        .await?;
    }
    Ok(())
}
