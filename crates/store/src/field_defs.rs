//! Definitions of custom fields, per kind.

use kuijing_domain::fields::{FieldDef, FieldType};
use sea_query::{Expr, Order, Query};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::FieldDefs;

#[derive(sqlx::FromRow)]
struct FieldDefRow {
    id: i64,
    key: String,
    label: String,
    field_type: String,
    required: bool,
    is_unique: bool,
    default_value: Option<String>,
    options: String,
    sort_order: i64,
}

pub async fn of_kind(tx: &mut Tx, kind: &str) -> Result<Vec<FieldDef>> {
    let query = Query::select()
        .columns([
            FieldDefs::Id,
            FieldDefs::Key,
            FieldDefs::Label,
            FieldDefs::FieldType,
            FieldDefs::Required,
            FieldDefs::IsUnique,
            FieldDefs::DefaultValue,
            FieldDefs::Options,
            FieldDefs::SortOrder,
        ])
        .from(FieldDefs::Table)
        .and_where(Expr::col(FieldDefs::Kind).eq(kind))
        .order_by(FieldDefs::SortOrder, Order::Asc)
        .order_by(FieldDefs::Id, Order::Asc)
        .to_owned();
    let rows: Vec<FieldDefRow> = tx.all(&query).await?;
    rows.into_iter()
        .map(|r| {
            let corrupt = || StoreError::Corrupt(format!("field definition `{}`", r.id));
            Ok(FieldDef {
                id: r.id,
                field_type: FieldType::parse(&r.field_type).map_err(|_| corrupt())?,
                options: serde_json::from_str(&r.options).map_err(|_| corrupt())?,
                key: r.key,
                label: r.label,
                required: r.required,
                unique: r.is_unique,
                default_value: r.default_value,
                sort_order: r.sort_order,
            })
        })
        .collect()
}

pub async fn insert(tx: &mut Tx, kind: &str, def: &FieldDef) -> Result<i64> {
    let options =
        serde_json::to_string(&def.options).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let query = Query::insert()
        .into_table(FieldDefs::Table)
        .columns([
            FieldDefs::Kind,
            FieldDefs::Key,
            FieldDefs::Label,
            FieldDefs::FieldType,
            FieldDefs::Required,
            FieldDefs::IsUnique,
            FieldDefs::DefaultValue,
            FieldDefs::Options,
            FieldDefs::SortOrder,
        ])
        .values_panic([
            kind.into(),
            def.key.clone().into(),
            def.label.clone().into(),
            def.field_type.as_str().into(),
            def.required.into(),
            def.unique.into(),
            def.default_value.clone().into(),
            options.into(),
            def.sort_order.into(),
        ])
        .returning_col(FieldDefs::Id)
        .to_owned();
    tx.insert_id(&query).await
}

/// Changes what administrators may change of a field: not its key or type,
/// which stored values depend on.
pub async fn update(tx: &mut Tx, id: i64, def: &FieldDef) -> Result<bool> {
    let options =
        serde_json::to_string(&def.options).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let query = Query::update()
        .table(FieldDefs::Table)
        .values([
            (FieldDefs::Label, def.label.clone().into()),
            (FieldDefs::Required, def.required.into()),
            (FieldDefs::IsUnique, def.unique.into()),
            (FieldDefs::DefaultValue, def.default_value.clone().into()),
            (FieldDefs::Options, options.into()),
            (FieldDefs::SortOrder, def.sort_order.into()),
        ])
        .and_where(Expr::col(FieldDefs::Id).eq(id))
        .to_owned();
    Ok(tx.execute(&query).await? == 1)
}

/// Removes a field's definition; values already stored stay in the records'
/// JSON but are no longer shown or checked.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    let query = Query::delete()
        .from_table(FieldDefs::Table)
        .and_where(Expr::col(FieldDefs::Id).eq(id))
        .to_owned();
    Ok(tx.execute(&query).await? == 1)
}

/// The kind a field belongs to.
pub async fn kind_of(tx: &mut Tx, id: i64) -> Result<Option<String>> {
    let query = Query::select()
        .column(FieldDefs::Kind)
        .from(FieldDefs::Table)
        .and_where(Expr::col(FieldDefs::Id).eq(id))
        .to_owned();
    let row: Option<(String,)> = tx.optional(&query).await?;
    Ok(row.map(|(k,)| k))
}
