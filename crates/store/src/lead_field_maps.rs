//! Which customer custom field each lead custom field becomes when a lead
//! is converted, as an administrator set it.

use sea_query::{Expr, Order, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::LeadFieldMaps;

/// Every pair `(lead key, customer key)`, by lead key.
pub async fn all(tx: &mut Tx) -> Result<Vec<(String, String)>> {
    let select = Query::select()
        .columns([LeadFieldMaps::LeadKey, LeadFieldMaps::CustomerKey])
        .from(LeadFieldMaps::Table)
        .order_by(LeadFieldMaps::LeadKey, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// Replaces the whole mapping.
pub async fn replace(tx: &mut Tx, pairs: &[(String, String)]) -> Result<()> {
    let delete = Query::delete().from_table(LeadFieldMaps::Table).to_owned();
    tx.execute(&delete).await?;
    if pairs.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(LeadFieldMaps::Table)
        .columns([LeadFieldMaps::LeadKey, LeadFieldMaps::CustomerKey]);
    for (lead, customer) in pairs {
        insert.values_panic([lead.as_str().into(), customer.as_str().into()]);
    }
    tx.execute(&insert).await?;
    Ok(())
}

/// Forgets the pairs that name a field no longer defined.
pub async fn forget(tx: &mut Tx, lead_key: Option<&str>, customer_key: Option<&str>) -> Result<()> {
    for (column, key) in [
        (LeadFieldMaps::LeadKey, lead_key),
        (LeadFieldMaps::CustomerKey, customer_key),
    ] {
        if let Some(key) = key {
            let delete = Query::delete()
                .from_table(LeadFieldMaps::Table)
                .and_where(Expr::col(column).eq(key))
                .to_owned();
            tx.execute(&delete).await?;
        }
    }
    Ok(())
}
