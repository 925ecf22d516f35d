//! The columns a user chose for a list, in their order.

use chrono::{DateTime, Utc};
use sea_query::{Expr, OnConflict, Query};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::ListColumns;

/// The user's columns of a list, or `None` when they never chose.
pub async fn get(tx: &mut Tx, user: i64, kind: &str) -> Result<Option<Vec<String>>> {
    let select = Query::select()
        .column(ListColumns::Columns)
        .from(ListColumns::Table)
        .and_where(Expr::col(ListColumns::UserId).eq(user))
        .and_where(Expr::col(ListColumns::Kind).eq(kind))
        .to_owned();
    let Some((text,)) = tx.optional::<(String,)>(&select).await? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|_| StoreError::Corrupt(format!("list columns of user `{user}`")))
}

/// Keeps the user's columns of a list, replacing what was kept.
pub async fn put(
    tx: &mut Tx,
    user: i64,
    kind: &str,
    columns: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    let text = serde_json::to_string(columns).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let insert = Query::insert()
        .into_table(ListColumns::Table)
        .columns([
            ListColumns::UserId,
            ListColumns::Kind,
            ListColumns::Columns,
            ListColumns::UpdatedAt,
        ])
        .values_panic([user.into(), kind.into(), text.into(), now.into()])
        .on_conflict(
            OnConflict::columns([ListColumns::UserId, ListColumns::Kind])
                .update_columns([ListColumns::Columns, ListColumns::UpdatedAt])
                .to_owned(),
        )
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Forgets the user's choice, so the list shows its default columns again.
pub async fn reset(tx: &mut Tx, user: i64, kind: &str) -> Result<()> {
    let delete = Query::delete()
        .from_table(ListColumns::Table)
        .and_where(Expr::col(ListColumns::UserId).eq(user))
        .and_where(Expr::col(ListColumns::Kind).eq(kind))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
}
