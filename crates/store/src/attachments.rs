//! Attachments: the metadata of files kept in the object store.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Attachments, Users};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub kind: String,
    pub record_id: i64,
    /// The name the user gave the file; it is stored under a generated key.
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    #[serde(skip)]
    pub storage_key: String,
    pub uploaded_by: i64,
    pub uploader_name: String,
    pub created_at: DateTime<Utc>,
}

fn select() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            (Attachments::Table, Attachments::Id),
            (Attachments::Table, Attachments::Kind),
            (Attachments::Table, Attachments::RecordId),
            (Attachments::Table, Attachments::FileName),
            (Attachments::Table, Attachments::ContentType),
            (Attachments::Table, Attachments::Size),
            (Attachments::Table, Attachments::StorageKey),
            (Attachments::Table, Attachments::UploadedBy),
            (Attachments::Table, Attachments::CreatedAt),
        ])
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            sea_query::Alias::new("uploader_name"),
        )
        .from(Attachments::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id))
                .equals((Attachments::Table, Attachments::UploadedBy)),
        )
        .to_owned()
}

pub struct NewAttachment<'a> {
    pub kind: &'a str,
    pub record_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub storage_key: &'a str,
    pub uploaded_by: i64,
}

pub async fn insert(tx: &mut Tx, new: &NewAttachment<'_>, now: DateTime<Utc>) -> Result<i64> {
    let query = Query::insert()
        .into_table(Attachments::Table)
        .columns([
            Attachments::Kind,
            Attachments::RecordId,
            Attachments::FileName,
            Attachments::ContentType,
            Attachments::Size,
            Attachments::StorageKey,
            Attachments::UploadedBy,
            Attachments::CreatedAt,
        ])
        .values_panic([
            new.kind.into(),
            new.record_id.into(),
            new.file_name.into(),
            new.content_type.into(),
            new.size.into(),
            new.storage_key.into(),
            new.uploaded_by.into(),
            now.into(),
        ])
        .returning_col(Attachments::Id)
        .to_owned();
    tx.insert_id(&query).await
}

/// The attachments of one record; the caller has checked the record is visible.
pub async fn of_record(tx: &mut Tx, kind: &str, record: i64) -> Result<Vec<Attachment>> {
    let mut query = select();
    query
        .and_where(Expr::col((Attachments::Table, Attachments::Kind)).eq(kind))
        .and_where(Expr::col((Attachments::Table, Attachments::RecordId)).eq(record))
        .order_by((Attachments::Table, Attachments::Id), Order::Desc);
    tx.all(&query).await
}

/// The attachments of several records of one kind (the follow-ups of a
/// timeline); the caller has checked the records are visible.
pub async fn of_records(tx: &mut Tx, kind: &str, records: &[i64]) -> Result<Vec<Attachment>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = select();
    query
        .and_where(Expr::col((Attachments::Table, Attachments::Kind)).eq(kind))
        .and_where(
            Expr::col((Attachments::Table, Attachments::RecordId)).is_in(records.iter().copied()),
        )
        .order_by((Attachments::Table, Attachments::Id), Order::Asc);
    tx.all(&query).await
}

/// One attachment by id, before its record's visibility is checked.
pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Attachment>> {
    let mut query = select();
    query.and_where(Expr::col((Attachments::Table, Attachments::Id)).eq(id));
    tx.optional(&query).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    let query = Query::delete()
        .from_table(Attachments::Table)
        .and_where(Expr::col(Attachments::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// Puts a record's attachments on another record too (a lead's on the
/// customer it became); both rows name the same stored file.
pub async fn copy(
    tx: &mut Tx,
    (from_kind, from): (&str, i64),
    (to_kind, to): (&str, i64),
) -> Result<u64> {
    let columns = [
        Attachments::FileName,
        Attachments::ContentType,
        Attachments::Size,
        Attachments::StorageKey,
        Attachments::UploadedBy,
        Attachments::CreatedAt,
    ];
    let select = Query::select()
        .expr(Expr::val(to_kind))
        .expr(Expr::val(to))
        .columns(columns)
        .from(Attachments::Table)
        .and_where(Expr::col(Attachments::Kind).eq(from_kind))
        .and_where(Expr::col(Attachments::RecordId).eq(from))
        .order_by(Attachments::Id, Order::Asc)
        .to_owned();
    let insert = Query::insert()
        .into_table(Attachments::Table)
        .columns(
            [Attachments::Kind, Attachments::RecordId]
                .into_iter()
                .chain(columns),
        )
        .select_from(select)
        .map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))?
        .to_owned();
    tx.execute(&insert).await
}

/// Whether any attachment still names a stored file, so deleting one of
/// two rows that share it keeps the file.
pub async fn key_in_use(tx: &mut Tx, key: &str) -> Result<bool> {
    let select = Query::select()
        .expr(sea_query::Func::count(Expr::col(Attachments::Id)))
        .from(Attachments::Table)
        .and_where(Expr::col(Attachments::StorageKey).eq(key))
        .to_owned();
    Ok(tx.count(&select).await? > 0)
}
