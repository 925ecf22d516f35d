//! Unique custom values, found by an index: each value of a unique custom
//! field of a record of any kind with custom fields (customers, leads,
//! contacts, opportunities, contracts, payments, products) is kept here as
//! its folded key (`kuijing_domain::fields::unique_key`), so "does another
//! record hold it" is one indexed lookup instead of a read of every record. The store keeps
//! it in step itself: a record's keys are written with the record and
//! dropped with it; a field made unique is read in once.

use kuijing_domain::fields::unique_key;
use sea_query::{Alias, Expr, Order, Query};
use serde_json::{Map, Value};

use crate::db::{Backend, Tx};
use crate::error::Result;
use crate::schema::{CustomUniquePending, CustomUniqueValues, FieldDefs};

/// The table of a kind whose unique values are kept here.
fn table_of(kind: &str) -> Option<&'static str> {
    match kind {
        "customer" => Some("customers"),
        "lead" => Some("leads"),
        "contact" => Some("contacts"),
        "payment" => Some("payments"),
        "opportunity" => Some("opportunities"),
        "contract" => Some("contracts"),
        "product" => Some("products"),
        _ => None,
    }
}

/// The keys of a kind's unique fields.
async fn unique_fields(tx: &mut Tx, kind: &str) -> Result<Vec<String>> {
    let select = Query::select()
        .column(FieldDefs::Key)
        .from(FieldDefs::Table)
        .and_where(Expr::col(FieldDefs::Kind).eq(kind))
        .and_where(Expr::col(FieldDefs::IsUnique).eq(true))
        .to_owned();
    let rows: Vec<(String,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(key,)| key).collect())
}

/// Keeps the values of a record's unique fields as its keys now, in place
/// of those it had. Called by the record's own insert and update.
pub(crate) async fn record(
    tx: &mut Tx,
    kind: &str,
    id: i64,
    custom: &Map<String, Value>,
) -> Result<()> {
    if table_of(kind).is_none() {
        return Ok(());
    }
    let fields = unique_fields(tx, kind).await?;
    forget_records(tx, kind, &[id]).await?;
    for field in fields {
        let Some(value) = custom.get(&field) else {
            continue;
        };
        insert(tx, kind, &field, id, &unique_key(value)).await?;
    }
    Ok(())
}

async fn insert(tx: &mut Tx, kind: &str, field: &str, id: i64, key: &str) -> Result<()> {
    if key.is_empty() {
        return Ok(());
    }
    let insert = Query::insert()
        .into_table(CustomUniqueValues::Table)
        .columns([
            CustomUniqueValues::Kind,
            CustomUniqueValues::Field,
            CustomUniqueValues::RecordId,
            CustomUniqueValues::ValueKey,
        ])
        .values_panic([kind.into(), field.into(), id.into(), key.into()])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Drops the keys of records being deleted.
pub(crate) async fn forget_records(tx: &mut Tx, kind: &str, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let delete = Query::delete()
        .from_table(CustomUniqueValues::Table)
        .and_where(Expr::col(CustomUniqueValues::Kind).eq(kind))
        .and_where(Expr::col(CustomUniqueValues::RecordId).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
}

/// Another record of `kind` (not `except`) that holds `key` in `field`.
/// On PostgreSQL the key is locked first, until the transaction ends, so
/// two saves of one value at the same moment are checked one after the
/// other and the second sees the first; SQLite has one writer.
pub async fn holder(
    tx: &mut Tx,
    kind: &str,
    field: &str,
    key: &str,
    except: Option<i64>,
) -> Result<Option<i64>> {
    let Some(table) = table_of(kind) else {
        return Ok(None);
    };
    if tx.backend() == Backend::Postgres {
        tx.lock_key(&format!("unique\u{1f}{kind}\u{1f}{field}\u{1f}{key}"))
            .await?;
    }
    let values = CustomUniqueValues::Table;
    let mut select = Query::select()
        .column((values, CustomUniqueValues::RecordId))
        .from(values)
        // Only records that still exist count (a row deleted by a cascade
        // leaves its key behind until the id is written again).
        .inner_join(
            Alias::new(table),
            Expr::col((Alias::new(table), Alias::new("id")))
                .equals((values, CustomUniqueValues::RecordId)),
        )
        .and_where(Expr::col((values, CustomUniqueValues::Kind)).eq(kind))
        .and_where(Expr::col((values, CustomUniqueValues::Field)).eq(field))
        .and_where(Expr::col((values, CustomUniqueValues::ValueKey)).eq(key))
        .order_by((values, CustomUniqueValues::RecordId), Order::Asc)
        .limit(1)
        .to_owned();
    if let Some(id) = except {
        select.and_where(Expr::col((values, CustomUniqueValues::RecordId)).ne(id));
    }
    let row: Option<(i64,)> = tx.optional(&select).await?;
    Ok(row.map(|(id,)| id))
}

/// A field stopped being unique or was deleted: its keys go.
pub async fn forget_field(tx: &mut Tx, kind: &str, field: &str) -> Result<()> {
    let delete = Query::delete()
        .from_table(CustomUniqueValues::Table)
        .and_where(Expr::col(CustomUniqueValues::Kind).eq(kind))
        .and_where(Expr::col(CustomUniqueValues::Field).eq(field))
        .to_owned();
    tx.execute(&delete).await?;
    let pending = Query::delete()
        .from_table(CustomUniquePending::Table)
        .and_where(Expr::col(CustomUniquePending::Kind).eq(kind))
        .and_where(Expr::col(CustomUniquePending::Field).eq(field))
        .to_owned();
    tx.execute(&pending).await?;
    Ok(())
}

/// A field became unique: the values records hold already are read in,
/// a page of records at a time. Values held twice stay (they were saved
/// before the field was unique); a new save of either is refused.
pub async fn fill_field(tx: &mut Tx, kind: &str, field: &str) -> Result<()> {
    let Some(table) = table_of(kind) else {
        return Ok(());
    };
    let delete = Query::delete()
        .from_table(CustomUniqueValues::Table)
        .and_where(Expr::col(CustomUniqueValues::Kind).eq(kind))
        .and_where(Expr::col(CustomUniqueValues::Field).eq(field))
        .to_owned();
    tx.execute(&delete).await?;
    let mut after = 0i64;
    loop {
        let select = Query::select()
            .columns([Alias::new("id"), Alias::new("custom")])
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("id")).gt(after))
            .order_by(Alias::new("id"), Order::Asc)
            .limit(500)
            .to_owned();
        let rows: Vec<(i64, String)> = tx.all(&select).await?;
        let Some((last, _)) = rows.last() else {
            return Ok(());
        };
        after = *last;
        for (id, custom) in rows {
            let Ok(Value::Object(custom)) = serde_json::from_str::<Value>(&custom) else {
                continue;
            };
            if let Some(value) = custom.get(field) {
                insert(tx, kind, field, id, &unique_key(value)).await?;
            }
        }
    }
}

/// Reads in the fields marked as waiting (by migration 0032, for the unique
/// fields defined before their values were kept here), once: each mark goes
/// with its field's values, so a start that stops half-way goes on later.
pub(crate) async fn fill_pending(tx: &mut Tx) -> Result<()> {
    let select = Query::select()
        .columns([CustomUniquePending::Kind, CustomUniquePending::Field])
        .from(CustomUniquePending::Table)
        .to_owned();
    let pending: Vec<(String, String)> = tx.all(&select).await?;
    for (kind, field) in pending {
        fill_field(tx, &kind, &field).await?;
        let done = Query::delete()
            .from_table(CustomUniquePending::Table)
            .and_where(Expr::col(CustomUniquePending::Kind).eq(kind.as_str()))
            .and_where(Expr::col(CustomUniquePending::Field).eq(field.as_str()))
            .to_owned();
        tx.execute(&done).await?;
    }
    Ok(())
}
