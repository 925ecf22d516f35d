//! Options of choice fields (level, industry, source, follow-up method),
//! edited by administrators; records keep the option's id.

use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Options;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OptionRow {
    pub id: i64,
    pub kind: String,
    pub field: String,
    pub label: String,
    pub sort_order: i64,
    pub active: bool,
    /// The stable key of an option the product ships with (a payment
    /// method's `bank_transfer`, ...), shown in each viewer's language
    /// until an administrator renames it; none for the others.
    pub builtin_key: Option<String>,
}

pub async fn of_field(tx: &mut Tx, kind: &str, field: &str) -> Result<Vec<OptionRow>> {
    let query = Query::select()
        .columns([
            Options::Id,
            Options::Kind,
            Options::Field,
            Options::Label,
            Options::SortOrder,
            Options::Active,
            Options::BuiltinKey,
        ])
        .from(Options::Table)
        .and_where(Expr::col(Options::Kind).eq(kind))
        .and_where(Expr::col(Options::Field).eq(field))
        .order_by(Options::SortOrder, Order::Asc)
        .order_by(Options::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

pub async fn of_kind(tx: &mut Tx, kind: &str) -> Result<Vec<OptionRow>> {
    let query = Query::select()
        .columns([
            Options::Id,
            Options::Kind,
            Options::Field,
            Options::Label,
            Options::SortOrder,
            Options::Active,
            Options::BuiltinKey,
        ])
        .from(Options::Table)
        .and_where(Expr::col(Options::Kind).eq(kind))
        .order_by(Options::SortOrder, Order::Asc)
        .order_by(Options::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

pub async fn insert(
    tx: &mut Tx,
    kind: &str,
    field: &str,
    label: &str,
    sort_order: i64,
) -> Result<i64> {
    let query = Query::insert()
        .into_table(Options::Table)
        .columns([
            Options::Kind,
            Options::Field,
            Options::Label,
            Options::SortOrder,
            Options::Active,
        ])
        .values_panic([
            kind.into(),
            field.into(),
            label.into(),
            sort_order.into(),
            true.into(),
        ])
        .returning_col(Options::Id)
        .to_owned();
    tx.insert_id(&query).await
}

/// Marks an option as one the product ships with, under its stable key;
/// `None` makes it an option of the company's own, shown as stored.
pub async fn set_builtin_key(tx: &mut Tx, id: i64, key: Option<&str>) -> Result<()> {
    let query = Query::update()
        .table(Options::Table)
        .values([(Options::BuiltinKey, key.into())])
        .and_where(Expr::col(Options::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}

/// The labels of options by id, for change logs.
pub async fn labels(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns([Options::Id, Options::Label])
        .from(Options::Table)
        .and_where(Expr::col(Options::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.all(&query).await
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<OptionRow>> {
    let query = Query::select()
        .columns([
            Options::Id,
            Options::Kind,
            Options::Field,
            Options::Label,
            Options::SortOrder,
            Options::Active,
            Options::BuiltinKey,
        ])
        .from(Options::Table)
        .and_where(Expr::col(Options::Id).eq(id))
        .to_owned();
    tx.optional(&query).await
}

/// Renames, reorders or retires an option; records keep its id, so a
/// retired option still shows on them but is no longer offered.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    label: &str,
    sort_order: i64,
    active: bool,
) -> Result<()> {
    let query = Query::update()
        .table(Options::Table)
        .values([
            (Options::Label, label.into()),
            (Options::SortOrder, sort_order.into()),
            (Options::Active, active.into()),
        ])
        .and_where(Expr::col(Options::Id).eq(id))
        .to_owned();
    tx.execute(&query).await?;
    Ok(())
}
