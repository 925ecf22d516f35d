//! The change log: append-only, never updated or deleted.

use chrono::{DateTime, Utc};
use kuijing_domain::{Change, ChangeAction, FieldChange, Kind};
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::ChangeLogs;

#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: ChangeAction,
    pub fields: Vec<FieldChange>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct LogRow {
    id: i64,
    actor_id: Option<i64>,
    action: String,
    changes: String,
    request_id: Option<String>,
    created_at: DateTime<Utc>,
}

pub async fn append(
    tx: &mut Tx,
    change: &Change,
    actor: Option<i64>,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let changes =
        serde_json::to_string(&change.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let query = Query::insert()
        .into_table(ChangeLogs::Table)
        .columns([
            ChangeLogs::Kind,
            ChangeLogs::RecordId,
            ChangeLogs::ActorId,
            ChangeLogs::Action,
            ChangeLogs::Changes,
            ChangeLogs::RequestId,
            ChangeLogs::CreatedAt,
        ])
        .values_panic([
            change.kind.as_str().into(),
            change.record_id.into(),
            actor.into(),
            change.action.as_str().into(),
            changes.into(),
            request_id.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// The log of one record, newest first. The caller has already checked that
/// the actor may see the record.
pub async fn of_record(tx: &mut Tx, kind: Kind, record: i64, limit: u64) -> Result<Vec<LogEntry>> {
    let query = Query::select()
        .columns([
            ChangeLogs::Id,
            ChangeLogs::ActorId,
            ChangeLogs::Action,
            ChangeLogs::Changes,
            ChangeLogs::RequestId,
            ChangeLogs::CreatedAt,
        ])
        .from(ChangeLogs::Table)
        .and_where(Expr::col(ChangeLogs::Kind).eq(kind.as_str()))
        .and_where(Expr::col(ChangeLogs::RecordId).eq(record))
        .order_by(ChangeLogs::Id, Order::Desc)
        .limit(limit)
        .to_owned();
    let rows: Vec<LogRow> = tx.all(&query).await?;
    rows.into_iter()
        .map(|row| {
            let corrupt = || StoreError::Corrupt(format!("change log `{}`", row.id));
            Ok(LogEntry {
                id: row.id,
                actor_id: row.actor_id,
                action: ChangeAction::parse(&row.action).ok_or_else(corrupt)?,
                fields: serde_json::from_str(&row.changes).map_err(|_| corrupt())?,
                request_id: row.request_id,
                created_at: row.created_at,
            })
        })
        .collect()
}
