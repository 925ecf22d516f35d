//! Customers counted per day of the company's calendar and owner
//! (`customer_days`, migration 0038), so the dashboard and the customer
//! analysis add up days rather than a million customers. Triggers keep the
//! counts in the transaction that writes a customer; the start writes the
//! company's zone (`insight_zone`) and counts every customer again when the
//! zone is new or its offsets changed.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Alias, Expr, Order, Query, SelectStatement};

use crate::db::{Backend, Tx};
use crate::error::Result;
use crate::insight::Owners;

fn table() -> Alias {
    Alias::new("customer_days")
}

fn col(name: &str) -> (Alias, Alias) {
    (table(), Alias::new(name))
}

/// The company's calendar day of an instant column, as the triggers write it.
fn day_of(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "date({column}, (select seconds from insight_zone where starts_at <= {column} \
             order by starts_at desc limit 1) || ' seconds')"
        ),
        Backend::Postgres => format!("insight_day({column})"),
    }
}

/// Makes sure the days are counted in this zone: `starts` are the zone's
/// offsets (seconds east of UTC), each from the instant it starts, the first
/// starting before any record. When they are what is stored nothing is done;
/// else they are stored and every customer is counted again. Answers whether
/// it counted.
pub async fn ensure(tx: &mut Tx, zone: &str, starts: &[(DateTime<Utc>, i32)]) -> Result<bool> {
    let stored: Vec<(DateTime<Utc>, i32, String)> = tx
        .all(
            Query::select()
                .columns([
                    Alias::new("starts_at"),
                    Alias::new("seconds"),
                    Alias::new("zone"),
                ])
                .from(Alias::new("insight_zone"))
                .order_by(Alias::new("starts_at"), Order::Asc),
        )
        .await?;
    let same = stored.len() == starts.len()
        && stored
            .iter()
            .zip(starts)
            .all(|((at, seconds, name), (start, offset))| {
                at == start && seconds == offset && name == zone
            });
    if same {
        return Ok(false);
    }
    tx.execute_text("delete from insight_zone").await?;
    for chunk in starts.chunks(200) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new("insight_zone")).columns([
            Alias::new("starts_at"),
            Alias::new("seconds"),
            Alias::new("zone"),
        ]);
        for (start, offset) in chunk {
            insert.values_panic([(*start).into(), (*offset).into(), zone.into()]);
        }
        tx.execute(&insert).await?;
    }
    let backend = tx.backend();
    let created = day_of(backend, "created_at");
    let dealt = day_of(backend, "dealt_at");
    tx.execute_text("delete from customer_days").await?;
    tx.execute_text(&format!(
        "insert into customer_days (day, owner_id, created, dealt) \
         select {created}, owner_id, count(*), 0 from customers group by 1, 2"
    ))
    .await?;
    tx.execute_text(&format!(
        "insert into customer_days (day, owner_id, created, dealt) \
         select {dealt}, owner_id, 0, count(*) from customers \
          where dealt_at is not null group by 1, 2 \
         on conflict (day, coalesce(owner_id, 0)) do update set dealt = excluded.dealt"
    ))
    .await?;
    Ok(true)
}

/// Which count: customers created on a day, or dealt on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Created,
    Dealt,
}

impl Counted {
    pub fn column(self) -> &'static str {
        match self {
            Self::Created => "customer_days.created",
            Self::Dealt => "customer_days.dealt",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Dealt => "dealt",
        }
    }
}

fn over(select: &mut SelectStatement, owners: Owners<'_>, (from, to): (NaiveDate, NaiveDate)) {
    select
        .from(table())
        .and_where(Expr::col(col("day")).gte(from))
        .and_where(Expr::col(col("day")).lt(to));
    if let Some(owners) = owners {
        select.and_where(Expr::col(col("owner_id")).is_in(owners.iter().copied()));
    }
}

/// How many customers of these owners were created (or dealt) on the days
/// `[from, to)`: the count of the customers themselves.
pub async fn count(
    tx: &mut Tx,
    counted: Counted,
    owners: Owners<'_>,
    days: (NaiveDate, NaiveDate),
) -> Result<i64> {
    let mut select = Query::select();
    select.expr(crate::record::sum_or_zero(col(counted.name())));
    over(&mut select, owners, days);
    tx.count(&select).await
}

/// Per owner (customers in a pool left out), how many were created on the
/// days `[from, to)`, the most first (then by owner), at most `limit`.
pub async fn created_by_owner(
    tx: &mut Tx,
    owners: Owners<'_>,
    days: (NaiveDate, NaiveDate),
    limit: u64,
) -> Result<Vec<crate::insight::Ranked>> {
    let value = Alias::new("value");
    let mut select = Query::select();
    select
        .expr_as(Expr::col(col("owner_id")), Alias::new("user_id"))
        .expr_as(crate::record::sum_or_zero(col("created")), value.clone())
        .and_where(Expr::col(col("owner_id")).is_not_null())
        .and_where(Expr::col(col("created")).gt(0))
        .group_by_col(col("owner_id"))
        .order_by(value, Order::Desc)
        .order_by(col("owner_id"), Order::Asc)
        .limit(limit);
    over(&mut select, owners, days);
    tx.all(&select).await
}
