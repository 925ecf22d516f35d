//! Product lines of opportunities and contracts, kept whole: a save replaces
//! the record's lines.

use sea_query::{Expr, Order, Query};
use serde::{Deserialize, Serialize};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{LineItems, Products};

/// A line as stored: prices in minor units, quantity in thousandths,
/// discount in basis points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LineItem {
    pub product_id: i64,
    pub product_name: String,
    pub unit: Option<String>,
    pub list_price: i64,
    pub price: i64,
    pub quantity: i64,
    pub discount: i64,
    pub subtotal: i64,
}

pub async fn of_record(tx: &mut Tx, kind: &str, record: i64) -> Result<Vec<LineItem>> {
    let select = Query::select()
        .columns([
            (LineItems::Table, LineItems::ProductId),
            (LineItems::Table, LineItems::ListPrice),
            (LineItems::Table, LineItems::Price),
            (LineItems::Table, LineItems::Quantity),
            (LineItems::Table, LineItems::Discount),
            (LineItems::Table, LineItems::Subtotal),
        ])
        .expr_as(
            Expr::col((Products::Table, Products::Name)),
            sea_query::Alias::new("product_name"),
        )
        .column((Products::Table, Products::Unit))
        .from(LineItems::Table)
        .inner_join(
            Products::Table,
            Expr::col((Products::Table, Products::Id))
                .equals((LineItems::Table, LineItems::ProductId)),
        )
        .and_where(Expr::col((LineItems::Table, LineItems::Kind)).eq(kind))
        .and_where(Expr::col((LineItems::Table, LineItems::RecordId)).eq(record))
        .order_by((LineItems::Table, LineItems::SortOrder), Order::Asc)
        .to_owned();
    tx.all(&select).await
}

pub async fn replace(tx: &mut Tx, kind: &str, record: i64, lines: &[LineItem]) -> Result<()> {
    let delete = Query::delete()
        .from_table(LineItems::Table)
        .and_where(Expr::col(LineItems::Kind).eq(kind))
        .and_where(Expr::col(LineItems::RecordId).eq(record))
        .to_owned();
    tx.execute(&delete).await?;
    if lines.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(LineItems::Table).columns([
        LineItems::Kind,
        LineItems::RecordId,
        LineItems::ProductId,
        LineItems::ListPrice,
        LineItems::Price,
        LineItems::Quantity,
        LineItems::Discount,
        LineItems::Subtotal,
        LineItems::SortOrder,
    ]);
    for (order, line) in lines.iter().enumerate() {
        insert.values_panic([
            kind.into(),
            record.into(),
            line.product_id.into(),
            line.list_price.into(),
            line.price.into(),
            line.quantity.into(),
            line.discount.into(),
            line.subtotal.into(),
            (order as i64).into(),
        ]);
    }
    tx.execute(&insert).await?;
    Ok(())
}
