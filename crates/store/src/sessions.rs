//! Sessions of the pages and bearer tokens of the API, kept by the hash of
//! their secret so a copy of the database signs nobody in.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Sessions;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    /// `session` for a browser cookie, `token` for an API bearer token.
    pub kind: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, session: &Session) -> Result<()> {
    let query = Query::insert()
        .into_table(Sessions::Table)
        .columns([
            Sessions::TokenHash,
            Sessions::UserId,
            Sessions::Kind,
            Sessions::CsrfToken,
            Sessions::CreatedAt,
            Sessions::LastSeenAt,
            Sessions::ExpiresAt,
        ])
        .values_panic([
            session.token_hash.clone().into(),
            session.user_id.into(),
            session.kind.clone().into(),
            session.csrf_token.clone().into(),
            session.created_at.into(),
            session.last_seen_at.into(),
            session.expires_at.into(),
        ])
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// The session behind a secret's hash, if it has not expired.
pub async fn find(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
    let query = Query::select()
        .columns([
            Sessions::TokenHash,
            Sessions::UserId,
            Sessions::Kind,
            Sessions::CsrfToken,
            Sessions::CreatedAt,
            Sessions::LastSeenAt,
            Sessions::ExpiresAt,
        ])
        .from(Sessions::Table)
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash))
        .and_where(Expr::col(Sessions::ExpiresAt).gt(now))
        .to_owned();
    tx.optional(&query).await
}

/// Moves the expiry of a sliding session forward.
pub async fn extend(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    let query = Query::update()
        .table(Sessions::Table)
        .values([
            (Sessions::LastSeenAt, now.into()),
            (Sessions::ExpiresAt, expires.into()),
        ])
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<()> {
    let query = Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// Ends every session and token of a user, except the one kept (if any).
pub async fn delete_for_user(tx: &mut Tx, user: i64, keep: Option<&str>) -> Result<u64> {
    let mut query = Query::delete();
    query
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::UserId).eq(user));
    if let Some(keep) = keep {
        query.and_where(Expr::col(Sessions::TokenHash).ne(keep));
    }
    tx.execute(&query).await
}

pub async fn delete_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    let query = Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::ExpiresAt).lte(now))
        .to_owned();
    tx.execute(&query).await
}
