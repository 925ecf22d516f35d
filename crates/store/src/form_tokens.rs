//! One-time form tokens and API idempotency keys, kept in the database so
//! every instance sees the first submit of a form.

use chrono::{DateTime, Duration, Utc};
use sea_query::{Expr, OnConflict, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::FormTokens;

/// How long a token is remembered.
pub const KEPT_FOR_HOURS: i64 = 24;

/// What a submit finds under its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Nobody used it: this submit goes ahead.
    Fresh,
    /// An earlier submit is still at work.
    Pending,
    /// An earlier submit ended here.
    Done(String),
    /// The user sent this key before with another body.
    OtherBody,
}

/// Claims a token for a user, forgetting tokens older than a day first.
/// A token claimed by another user is `Pending` to this one: it never
/// reveals where theirs led. `digest` identifies the body of an API
/// request: the user's same key with another body is `OtherBody`.
pub async fn claim(
    tx: &mut Tx,
    token: &str,
    digest: Option<&str>,
    user: i64,
    now: DateTime<Utc>,
) -> Result<Claim> {
    let old = Query::delete()
        .from_table(FormTokens::Table)
        .and_where(Expr::col(FormTokens::CreatedAt).lt(now - Duration::hours(KEPT_FOR_HOURS)))
        .to_owned();
    tx.execute(&old).await?;
    let insert = Query::insert()
        .into_table(FormTokens::Table)
        .columns([
            FormTokens::Token,
            FormTokens::BodyDigest,
            FormTokens::UserId,
            FormTokens::CreatedAt,
        ])
        .values_panic([token.into(), digest.into(), user.into(), now.into()])
        .on_conflict(
            OnConflict::column(FormTokens::Token)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    if tx.execute(&insert).await? == 1 {
        return Ok(Claim::Fresh);
    }
    let select = Query::select()
        .columns([
            FormTokens::UserId,
            FormTokens::Result,
            FormTokens::BodyDigest,
        ])
        .from(FormTokens::Table)
        .and_where(Expr::col(FormTokens::Token).eq(token))
        .to_owned();
    let found: Option<(i64, Option<String>, Option<String>)> = tx.optional(&select).await?;
    Ok(match found {
        Some((owner, _, Some(first))) if owner == user && digest.is_some_and(|d| d != first) => {
            Claim::OtherBody
        }
        Some((owner, Some(result), _)) if owner == user => Claim::Done(result),
        _ => Claim::Pending,
    })
}

/// Keeps where the first submit led.
pub async fn finish(tx: &mut Tx, token: &str, result: &str) -> Result<()> {
    let query = Query::update()
        .table(FormTokens::Table)
        .value(FormTokens::Result, result)
        .and_where(Expr::col(FormTokens::Token).eq(token))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// Lets a token go again: the submit it carried created nothing.
pub async fn release(tx: &mut Tx, token: &str) -> Result<()> {
    let query = Query::delete()
        .from_table(FormTokens::Table)
        .and_where(Expr::col(FormTokens::Token).eq(token))
        .and_where(Expr::col(FormTokens::Result).is_null())
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}
