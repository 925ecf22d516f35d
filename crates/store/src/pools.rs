//! Public pools: where customers without an owner wait to be claimed.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Order, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Pools;

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Pool {
    pub id: i64,
    pub name: String,
    /// The pool's rules as JSON text.
    pub rules: String,
}

pub async fn list(tx: &mut Tx) -> Result<Vec<Pool>> {
    let query = Query::select()
        .columns([Pools::Id, Pools::Name, Pools::Rules])
        .from(Pools::Table)
        .order_by(Pools::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

pub async fn insert(tx: &mut Tx, name: &str, rules: &str, now: DateTime<Utc>) -> Result<i64> {
    let query = Query::insert()
        .into_table(Pools::Table)
        .columns([
            Pools::Name,
            Pools::Rules,
            Pools::CreatedAt,
            Pools::UpdatedAt,
        ])
        .values_panic([name.into(), rules.into(), now.into(), now.into()])
        .returning_col(Pools::Id)
        .to_owned();
    tx.insert_id(&query).await
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Pool>> {
    let query = Query::select()
        .columns([Pools::Id, Pools::Name, Pools::Rules])
        .from(Pools::Table)
        .and_where(Expr::col(Pools::Id).eq(id))
        .to_owned();
    tx.optional(&query).await
}
