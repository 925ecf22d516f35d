//! Failed sign-ins per phone, kept in the database so every instance sees them.

use chrono::{DateTime, Utc};
use sea_query::{Expr, OnConflict, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::LoginThrottle;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Failures {
    pub failures: i64,
    pub last_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn get(tx: &mut Tx, phone: &str) -> Result<Option<Failures>> {
    let query = Query::select()
        .columns([
            LoginThrottle::Failures,
            LoginThrottle::LastFailureAt,
            LoginThrottle::LockedUntil,
        ])
        .from(LoginThrottle::Table)
        .and_where(Expr::col(LoginThrottle::Phone).eq(phone))
        .to_owned();
    tx.optional(&query).await
}

pub async fn put(tx: &mut Tx, phone: &str, failures: &Failures) -> Result<()> {
    let query = Query::insert()
        .into_table(LoginThrottle::Table)
        .columns([
            LoginThrottle::Phone,
            LoginThrottle::Failures,
            LoginThrottle::LastFailureAt,
            LoginThrottle::LockedUntil,
        ])
        .values_panic([
            phone.into(),
            failures.failures.into(),
            failures.last_failure_at.into(),
            failures.locked_until.into(),
        ])
        .on_conflict(
            OnConflict::column(LoginThrottle::Phone)
                .update_columns([
                    LoginThrottle::Failures,
                    LoginThrottle::LastFailureAt,
                    LoginThrottle::LockedUntil,
                ])
                .to_owned(),
        )
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

pub async fn clear(tx: &mut Tx, phone: &str) -> Result<()> {
    let query = Query::delete()
        .from_table(LoginThrottle::Table)
        .and_where(Expr::col(LoginThrottle::Phone).eq(phone))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}
