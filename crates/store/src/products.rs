//! Products and their category tree.

use chrono::{DateTime, Utc};
use sea_query::{Condition, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::lists::{Listed, Sort};
use crate::record;
use crate::schema::{ProductCategories, Products};
use crate::visibility::search_matches;

/// The kind products' unique custom values are kept under.
const KIND: &str = "product";

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ProductRow {
    id: i64,
    category_id: Option<i64>,
    code: Option<String>,
    name: String,
    unit: Option<String>,
    price: i64,
    currency: String,
    on_sale: bool,
    description: Option<String>,
    custom: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A product; `price` is in minor units of `currency`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Product {
    pub id: i64,
    pub category_id: Option<i64>,
    pub code: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub price: i64,
    pub currency: String,
    pub on_sale: bool,
    pub description: Option<String>,
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;

    fn try_from(row: ProductRow) -> Result<Self> {
        Ok(Product {
            id: row.id,
            category_id: row.category_id,
            code: row.code,
            name: row.name,
            unit: row.unit,
            price: row.price,
            currency: row.currency,
            on_sale: row.on_sale,
            description: row.description,
            custom: serde_json::from_str(&row.custom)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProductFields {
    pub category_id: Option<i64>,
    pub code: Option<String>,
    pub name: String,
    pub unit: Option<String>,
    pub price: i64,
    pub currency: String,
    pub on_sale: bool,
    pub description: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub search: Option<String>,
    /// The category and every category below it.
    pub categories: Option<Vec<i64>>,
    pub on_sale: Option<bool>,
    pub ids: Option<Vec<i64>>,
}

const COLUMNS: [Products; 13] = [
    Products::Id,
    Products::CategoryId,
    Products::Code,
    Products::Name,
    Products::Unit,
    Products::Price,
    Products::Currency,
    Products::OnSale,
    Products::Description,
    Products::Custom,
    Products::Version,
    Products::CreatedAt,
    Products::UpdatedAt,
];

fn filtered(query: &ProductQuery) -> SelectStatement {
    let mut select = Query::select();
    select.from(Products::Table);
    if let Some(search) = &query.search {
        select.and_where(search_matches(Products::SearchText, search));
    }
    if let Some(categories) = &query.categories {
        select.and_where(Expr::col(Products::CategoryId).is_in(categories.iter().copied()));
    }
    if let Some(on_sale) = query.on_sale {
        select.and_where(Expr::col(Products::OnSale).eq(on_sale));
    }
    if let Some(ids) = &query.ids {
        select.and_where(Expr::col(Products::Id).is_in(ids.iter().copied()));
    }
    select
}

/// Products by name, keyset-paged on the id.
/// Products in the order they were added, after the product `after`.
pub async fn list(
    tx: &mut Tx,
    query: &ProductQuery,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Product>> {
    let sort = Sort::by(Products::Id, false);
    let after = after.map(|id| (id.into(), id));
    list_sorted(tx, query, sort, after, limit).await
}

/// The columns the shared list engine sorts and pages products by.
const LISTED: Listed<Products> = Listed {
    table: Products::Table,
    id: Products::Id,
    search_text: Products::SearchText,
    custom: Products::Custom,
};

/// A page of products in a list's order, starting after the cursor row
/// (its sort value and id).
pub async fn list_sorted(
    tx: &mut Tx,
    query: &ProductQuery,
    sort: Sort<Products>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Product>> {
    let mut select = filtered(query);
    select.columns(COLUMNS.map(|c| (Products::Table, c)));
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<ProductRow> = tx.all(&select).await?;
    rows.into_iter().map(Product::try_from).collect()
}

pub async fn count(tx: &mut Tx, query: &ProductQuery) -> Result<i64> {
    let mut select = filtered(query);
    select.expr(Func::count(Expr::col(Products::Id)));
    tx.count(&select).await
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Product>> {
    let select = Query::select()
        .columns(COLUMNS)
        .from(Products::Table)
        .and_where(Expr::col(Products::Id).eq(id))
        .to_owned();
    let row: Option<ProductRow> = tx.optional(&select).await?;
    row.map(Product::try_from).transpose()
}

/// Every product's id and name.
pub async fn names(tx: &mut Tx) -> Result<Vec<(i64, String)>> {
    let select = Query::select()
        .columns([Products::Id, Products::Name])
        .from(Products::Table)
        .to_owned();
    tx.all(&select).await
}

pub async fn many(tx: &mut Tx, ids: &[i64]) -> Result<Vec<Product>> {
    let select = Query::select()
        .columns(COLUMNS)
        .from(Products::Table)
        .and_where(Expr::col(Products::Id).is_in(ids.iter().copied()))
        .to_owned();
    let rows: Vec<ProductRow> = tx.all(&select).await?;
    rows.into_iter().map(Product::try_from).collect()
}

/// Every product as `(id, name key, code)`, for matching imported names.
pub async fn keys(tx: &mut Tx) -> Result<Vec<(i64, String, Option<String>)>> {
    let select = Query::select()
        .columns([Products::Id, Products::NameKey, Products::Code])
        .from(Products::Table)
        .to_owned();
    tx.all(&select).await
}

/// Another product with this code or name, if any.
pub async fn clash(
    tx: &mut Tx,
    code: Option<&str>,
    name_key: &str,
    except: Option<i64>,
) -> Result<Option<(i64, String)>> {
    let mut either = Condition::any().add(Expr::col(Products::NameKey).eq(name_key));
    if let Some(code) = code {
        either = either.add(Expr::col(Products::Code).eq(code));
    }
    let mut select = Query::select();
    select
        .columns([Products::Id, Products::Name])
        .from(Products::Table)
        .cond_where(either)
        .limit(1);
    if let Some(except) = except {
        select.and_where(Expr::col(Products::Id).ne(except));
    }
    tx.optional(&select).await
}

/// The key product codes are compared on: case, width and surrounding
/// spaces ignored, so `ab-1` and ` AB-1` are one code.
pub fn code_key(code: &str) -> String {
    kuijing_domain::text::normalize(code)
}

/// Another product whose code is `code` ignoring case, width and spaces, as
/// `(id, name, code)`; one with the code as written comes first. Codes
/// stored before they were compared so may have near-duplicates: those load,
/// only a new one is refused.
pub async fn code_clash(
    tx: &mut Tx,
    code: &str,
    except: Option<i64>,
) -> Result<Option<(i64, String, String)>> {
    let mut select = Query::select();
    select
        .columns([Products::Id, Products::Name, Products::Code])
        .from(Products::Table)
        .and_where(Expr::col(Products::Code).is_not_null())
        .order_by(Products::Id, Order::Asc);
    if let Some(except) = except {
        select.and_where(Expr::col(Products::Id).ne(except));
    }
    let rows: Vec<(i64, String, String)> = tx.all(&select).await?;
    let key = code_key(code);
    let exact = rows.iter().find(|(_, _, c)| c == code);
    Ok(exact
        .or_else(|| rows.iter().find(|(_, _, c)| code_key(c) == key))
        .cloned())
}

/// The key product names are matched on: case, width and spaces ignored,
/// so `GTXPro` finds `GTX Pro`.
pub fn name_key(name: &str) -> String {
    kuijing_domain::text::normalize(name).replace(' ', "")
}

fn values(fields: &ProductFields) -> Result<Vec<(Products, SimpleExpr)>> {
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut search = kuijing_domain::text::normalize(&fields.name);
    search.push(' ');
    search.push_str(&name_key(&fields.name));
    if let Some(code) = &fields.code {
        search.push(' ');
        search.push_str(&kuijing_domain::text::normalize(code));
    }
    Ok(vec![
        (Products::CategoryId, fields.category_id.into()),
        (Products::Code, fields.code.clone().into()),
        (Products::Name, fields.name.clone().into()),
        (Products::NameKey, name_key(&fields.name).into()),
        (Products::Unit, fields.unit.clone().into()),
        (Products::Price, fields.price.into()),
        (Products::Currency, fields.currency.clone().into()),
        (Products::OnSale, fields.on_sale.into()),
        (Products::Description, fields.description.clone().into()),
        (Products::Custom, custom.into()),
        (Products::SearchText, search.into()),
    ])
}

pub async fn insert(
    tx: &mut Tx,
    fields: &ProductFields,
    creator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields)?;
    pairs.extend([
        (Products::CreatedBy, creator.into()),
        (Products::CreatedAt, now.into()),
        (Products::UpdatedAt, now.into()),
    ]);
    let id = tx
        .insert_id(&record::insert(Products::Table, Products::Id, pairs))
        .await?;
    crate::unique_values::record(tx, KIND, id, &fields.custom).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &ProductFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut pairs = values(fields)?;
    pairs.push((Products::UpdatedAt, now.into()));
    let update = record::update_versioned(
        Products::Table,
        (Products::Id, id),
        (Products::Version, version),
        pairs,
    );
    let saved = tx.execute(&update).await? == 1;
    if saved {
        crate::unique_values::record(tx, KIND, id, &fields.custom).await?;
    }
    Ok(saved)
}

/// Whether any opportunity or contract line uses the product.
pub async fn in_use(tx: &mut Tx, id: i64) -> Result<bool> {
    use crate::schema::LineItems;
    let select = Query::select()
        .expr(Func::count(Expr::col(LineItems::Id)))
        .from(LineItems::Table)
        .and_where(Expr::col(LineItems::ProductId).eq(id))
        .to_owned();
    Ok(tx.count(&select).await? > 0)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, &[id]).await?;
    let delete = Query::delete()
        .from_table(Products::Table)
        .and_where(Expr::col(Products::Id).eq(id))
        .to_owned();
    tx.execute(&delete).await
}

pub async fn categories(tx: &mut Tx) -> Result<Vec<Category>> {
    let select = Query::select()
        .columns([
            ProductCategories::Id,
            ProductCategories::Name,
            ProductCategories::ParentId,
            ProductCategories::SortOrder,
        ])
        .from(ProductCategories::Table)
        .order_by(ProductCategories::SortOrder, Order::Asc)
        .order_by(ProductCategories::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

pub async fn insert_category(
    tx: &mut Tx,
    name: &str,
    parent: Option<i64>,
    sort_order: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let pairs = vec![
        (ProductCategories::Name, name.into()),
        (ProductCategories::ParentId, parent.into()),
        (ProductCategories::SortOrder, sort_order.into()),
        (ProductCategories::CreatedAt, now.into()),
        (ProductCategories::UpdatedAt, now.into()),
    ];
    tx.insert_id(&record::insert(
        ProductCategories::Table,
        ProductCategories::Id,
        pairs,
    ))
    .await
}

pub async fn update_category(
    tx: &mut Tx,
    id: i64,
    name: &str,
    parent: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let update = Query::update()
        .table(ProductCategories::Table)
        .values([
            (ProductCategories::Name, name.into()),
            (ProductCategories::ParentId, parent.into()),
            (ProductCategories::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(ProductCategories::Id).eq(id))
        .to_owned();
    tx.execute(&update).await
}

/// Deletes a category that has neither products nor sub-categories.
pub async fn delete_category(tx: &mut Tx, id: i64) -> Result<u64> {
    let products = Query::select()
        .expr(Func::count(Expr::col(Products::Id)))
        .from(Products::Table)
        .and_where(Expr::col(Products::CategoryId).eq(id))
        .to_owned();
    let children = Query::select()
        .expr(Func::count(Expr::col(ProductCategories::Id)))
        .from(ProductCategories::Table)
        .and_where(Expr::col(ProductCategories::ParentId).eq(id))
        .to_owned();
    if tx.count(&products).await? > 0 || tx.count(&children).await? > 0 {
        return Ok(0);
    }
    let delete = Query::delete()
        .from_table(ProductCategories::Table)
        .and_where(Expr::col(ProductCategories::Id).eq(id))
        .to_owned();
    tx.execute(&delete).await
}
