//! The figures of the dashboard, computed in the database: counts and sums
//! grouped by currency, for the owners the viewer may see, over half-open
//! ranges `[from, to)`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::{Backend, Tx};
use crate::error::Result;
use crate::record::sum_or_zero;
use crate::schema::{Contacts, Contracts, Customers, FollowUps, Opportunities, Payments, Stages};

mod targets;

pub use targets::*;

/// Whose records count: `None` for everyone's (a viewer who sees all),
/// else these owners.
pub type Owners<'a> = Option<&'a [i64]>;

fn owned<T: sea_query::IntoColumnRef>(select: &mut SelectStatement, column: T, owners: Owners<'_>) {
    if let Some(owners) = owners {
        select.and_where(Expr::col(column).is_in(owners.iter().copied()));
    }
}

/// A count and an amount in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Sum {
    pub currency: String,
    pub count: i64,
    pub amount: i64,
}

/// New contacts created in the range (customers are counted per day, see
/// `customer_days`).
pub async fn contacts_created(
    tx: &mut Tx,
    owners: Owners<'_>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<i64> {
    let mut select = Query::select();
    select
        .expr(Func::count(Expr::col(Contacts::Id)))
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CreatedAt).gte(from))
        .and_where(Expr::col(Contacts::CreatedAt).lt(to));
    owned(&mut select, Contacts::OwnerId, owners);
    tx.count(&select).await
}

/// New opportunities created in the range, with their amounts.
pub async fn new_opportunities(
    tx: &mut Tx,
    owners: Owners<'_>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Sum>> {
    let mut select = Query::select();
    select
        .column(Opportunities::Currency)
        .expr_as(
            Func::count(Expr::col(Opportunities::Id)),
            Alias::new("count"),
        )
        .expr_as(sum_or_zero(Opportunities::Amount), Alias::new("amount"))
        .from(Opportunities::Table)
        .and_where(Expr::col(Opportunities::CreatedAt).gte(from))
        .and_where(Expr::col(Opportunities::CreatedAt).lt(to))
        .group_by_col(Opportunities::Currency);
    owned(&mut select, Opportunities::OwnerId, owners);
    tx.all(&select).await
}

/// Approved contracts signed on the days of the range, with their amounts:
/// every figure counts a contract on its signing day (see
/// docs/architecture.md, "One counting day for contracts").
pub async fn contracts_signed(
    tx: &mut Tx,
    owners: Owners<'_>,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<Sum>> {
    let mut select = Query::select();
    select
        .column(Contracts::Currency)
        .expr_as(Func::count(Expr::col(Contracts::Id)), Alias::new("count"))
        .expr_as(sum_or_zero(Contracts::Amount), Alias::new("amount"))
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::Status).eq("approved"))
        .and_where(Expr::col(Contracts::SignedOn).gte(from))
        .and_where(Expr::col(Contracts::SignedOn).lt(to))
        .group_by_col(Contracts::Currency);
    owned(&mut select, Contracts::OwnerId, owners);
    tx.all(&select).await
}

/// The latest day an approved contract of these owners was signed: where
/// to look when a period holds nothing (a company whose deals are older
/// than the period, such as the demo's).
pub async fn latest_signed(tx: &mut Tx, owners: Owners<'_>) -> Result<Option<NaiveDate>> {
    let mut select = Query::select();
    select
        .column(Contracts::SignedOn)
        .from(Contracts::Table)
        .and_where(Expr::col(Contracts::Status).eq("approved"))
        .and_where(Expr::col(Contracts::SignedOn).is_not_null())
        .order_by(Contracts::SignedOn, Order::Desc)
        .limit(1);
    owned(&mut select, Contracts::OwnerId, owners);
    let row: Option<(NaiveDate,)> = tx.optional(&select).await?;
    Ok(row.map(|(day,)| day))
}

/// Approved payments received on the days of the range.
pub async fn payments_received(
    tx: &mut Tx,
    owners: Owners<'_>,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<Sum>> {
    let mut select = Query::select();
    select
        .column(Payments::Currency)
        .expr_as(Func::count(Expr::col(Payments::Id)), Alias::new("count"))
        .expr_as(sum_or_zero(Payments::Amount), Alias::new("amount"))
        .from(Payments::Table)
        .and_where(Expr::col(Payments::Status).eq("approved"))
        .and_where(Expr::col(Payments::ReceivedOn).gte(from))
        .and_where(Expr::col(Payments::ReceivedOn).lt(to))
        .group_by_col(Payments::Currency);
    owned(&mut select, Payments::OwnerId, owners);
    tx.all(&select).await
}

/// Follow-ups written in the range by these authors.
pub async fn follow_ups(
    tx: &mut Tx,
    authors: Owners<'_>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<i64> {
    let mut select = Query::select();
    select
        .expr(Func::count(Expr::col(FollowUps::Id)))
        .from(FollowUps::Table)
        .and_where(Expr::col(FollowUps::HappenedAt).gte(from))
        .and_where(Expr::col(FollowUps::HappenedAt).lt(to));
    owned(&mut select, FollowUps::AuthorId, authors);
    tx.count(&select).await
}

/// One stage of a funnel: the open opportunities at it, in one currency,
/// with their amounts each weighted by the stage's win rate (amount × rate,
/// in hundredths of the currency's minor unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StageSum {
    pub stage_id: i64,
    pub currency: String,
    pub count: i64,
    pub amount: i64,
    pub weighted: i64,
}

impl StageSum {
    /// The stage's forecast: its weighted amount, rates being percentages,
    /// divided once after summing, half up.
    pub fn forecast(&self) -> i64 {
        (self.weighted + 50).div_euclid(100)
    }
}

/// Open opportunities of a pipeline per stage (whenever created): only
/// those still open, never the won or lost ones, each stage's amounts also
/// weighted by its win rate, summed in the database.
pub async fn open_by_stage(
    tx: &mut Tx,
    owners: Owners<'_>,
    pipeline: i64,
) -> Result<Vec<StageSum>> {
    let weighted = Expr::col((Opportunities::Table, Opportunities::Amount))
        .mul(Expr::col((Stages::Table, Stages::WinRate)));
    let mut select = Query::select();
    select
        .expr_as(
            Expr::col((Opportunities::Table, Opportunities::StageId)),
            Alias::new("stage_id"),
        )
        .expr_as(
            Expr::col((Opportunities::Table, Opportunities::Currency)),
            Alias::new("currency"),
        )
        .expr_as(
            Func::count(Expr::col((Opportunities::Table, Opportunities::Id))),
            Alias::new("count"),
        )
        .expr_as(
            sum_or_zero((Opportunities::Table, Opportunities::Amount)),
            Alias::new("amount"),
        )
        .expr_as(
            Func::cast_as(
                Func::coalesce([Func::sum(weighted).into(), Expr::val(0i64).into()]),
                Alias::new("bigint"),
            ),
            Alias::new("weighted"),
        )
        .from(Opportunities::Table)
        .inner_join(
            Stages::Table,
            Expr::col((Stages::Table, Stages::Id))
                .equals((Opportunities::Table, Opportunities::StageId)),
        )
        .and_where(Expr::col((Opportunities::Table, Opportunities::PipelineId)).eq(pipeline))
        .and_where(Expr::col((Opportunities::Table, Opportunities::Outcome)).eq("open"))
        .group_by_col((Opportunities::Table, Opportunities::StageId))
        .group_by_col((Opportunities::Table, Opportunities::Currency));
    owned(
        &mut select,
        (Opportunities::Table, Opportunities::OwnerId),
        owners,
    );
    tx.all(&select).await
}

/// Opportunities of a pipeline closed in the range with an outcome.
pub async fn closed(
    tx: &mut Tx,
    owners: Owners<'_>,
    pipeline: i64,
    outcome: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Sum>> {
    let mut select = Query::select();
    select
        .column(Opportunities::Currency)
        .expr_as(
            Func::count(Expr::col(Opportunities::Id)),
            Alias::new("count"),
        )
        .expr_as(sum_or_zero(Opportunities::Amount), Alias::new("amount"))
        .from(Opportunities::Table)
        .and_where(Expr::col(Opportunities::PipelineId).eq(pipeline))
        .and_where(Expr::col(Opportunities::Outcome).eq(outcome))
        .and_where(Expr::col(Opportunities::ClosedAt).gte(from))
        .and_where(Expr::col(Opportunities::ClosedAt).lt(to))
        .group_by_col(Opportunities::Currency);
    owned(&mut select, Opportunities::OwnerId, owners);
    tx.all(&select).await
}

/// `YYYY-MM` of a date column, on either backend. Written out rather than
/// bound, so the grouping and the selected column are the same expression.
fn month_of(tx: &Tx, column: &str) -> SimpleExpr {
    match tx.backend() {
        Backend::Sqlite => Expr::cust(format!("substr({column}, 1, 7)")),
        Backend::Postgres => Expr::cust(format!("to_char({column}, 'YYYY-MM')")),
    }
}

/// A month's amount in one currency, and how many contracts or payments
/// make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MonthSum {
    pub month: String,
    pub currency: String,
    pub amount: i64,
    pub count: i64,
}

/// Approved contracts by the month they were signed, or approved payments by
/// the month they came in, for the days `[from, to)`.
pub async fn by_month(
    tx: &mut Tx,
    owners: Owners<'_>,
    measure: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<MonthSum>> {
    let mut select = Query::select();
    if measure == "payment_amount" {
        let month = month_of(tx, "received_on");
        select
            .expr_as(month.clone(), Alias::new("month"))
            .column(Payments::Currency)
            .expr_as(sum_or_zero(Payments::Amount), Alias::new("amount"))
            .expr_as(Func::count(Expr::col(Payments::Id)), Alias::new("count"))
            .from(Payments::Table)
            .and_where(Expr::col(Payments::Status).eq("approved"))
            .and_where(Expr::col(Payments::ReceivedOn).gte(from))
            .and_where(Expr::col(Payments::ReceivedOn).lt(to))
            .add_group_by([month, Expr::col(Payments::Currency).into()]);
        owned(&mut select, Payments::OwnerId, owners);
    } else {
        let month = month_of(tx, "signed_on");
        select
            .expr_as(month.clone(), Alias::new("month"))
            .column(Contracts::Currency)
            .expr_as(sum_or_zero(Contracts::Amount), Alias::new("amount"))
            .expr_as(Func::count(Expr::col(Contracts::Id)), Alias::new("count"))
            .from(Contracts::Table)
            .and_where(Expr::col(Contracts::Status).eq("approved"))
            .and_where(Expr::col(Contracts::SignedOn).gte(from))
            .and_where(Expr::col(Contracts::SignedOn).lt(to))
            .add_group_by([month, Expr::col(Contracts::Currency).into()]);
        owned(&mut select, Contracts::OwnerId, owners);
    }
    tx.all(&select).await
}

/// Per owner, for a ranking: an amount or a count over the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Ranked {
    pub user_id: i64,
    pub value: i64,
}

/// The top owners by a measure: `contract_amount` (approved, signed in the
/// range),
/// `payment_amount` (received in the range), `new_customers` or
/// `follow_ups`. Amounts are only ranked within one currency.
pub async fn ranking(
    tx: &mut Tx,
    owners: Owners<'_>,
    measure: &str,
    currency: &str,
    ((from, to), (from_day, to_day)): ((DateTime<Utc>, DateTime<Utc>), (NaiveDate, NaiveDate)),
) -> Result<Vec<Ranked>> {
    let mut select = Query::select();
    let value = Alias::new("value");
    match measure {
        "payment_amount" => {
            select
                .expr_as(Expr::col(Payments::OwnerId), Alias::new("user_id"))
                .expr_as(sum_or_zero(Payments::Amount), value.clone())
                .from(Payments::Table)
                .and_where(Expr::col(Payments::Status).eq("approved"))
                .and_where(Expr::col(Payments::Currency).eq(currency))
                .and_where(Expr::col(Payments::ReceivedOn).gte(from_day))
                .and_where(Expr::col(Payments::ReceivedOn).lt(to_day))
                .and_where(Expr::col(Payments::OwnerId).is_not_null())
                .group_by_col(Payments::OwnerId);
            owned(&mut select, Payments::OwnerId, owners);
        }
        "new_customers" => {
            // Counted per day and owner (see `customer_days`).
            return crate::customer_days::created_by_owner(tx, owners, (from_day, to_day), 10)
                .await;
        }
        "follow_ups" => {
            select
                .expr_as(Expr::col(FollowUps::AuthorId), Alias::new("user_id"))
                .expr_as(Func::count(Expr::col(FollowUps::Id)), value.clone())
                .from(FollowUps::Table)
                .and_where(Expr::col(FollowUps::HappenedAt).gte(from))
                .and_where(Expr::col(FollowUps::HappenedAt).lt(to))
                .group_by_col(FollowUps::AuthorId);
            owned(&mut select, FollowUps::AuthorId, owners);
        }
        _ => {
            select
                .expr_as(Expr::col(Contracts::OwnerId), Alias::new("user_id"))
                .expr_as(sum_or_zero(Contracts::Amount), value.clone())
                .from(Contracts::Table)
                .and_where(Expr::col(Contracts::Status).eq("approved"))
                .and_where(Expr::col(Contracts::Currency).eq(currency))
                .and_where(Expr::col(Contracts::SignedOn).gte(from_day))
                .and_where(Expr::col(Contracts::SignedOn).lt(to_day))
                .and_where(Expr::col(Contracts::OwnerId).is_not_null())
                .group_by_col(Contracts::OwnerId);
            owned(&mut select, Contracts::OwnerId, owners);
        }
    }
    select.order_by(value, Order::Desc).limit(10);
    tx.all(&select).await
}

/// For each of five instants, the owned customers with no follow-up since
/// then (none ever counts too, when created before it), counted in one pass
/// over the customers forgotten since the latest of them: five counts of a
/// large book read its rows once, not five times. A customer is forgotten
/// since an instant when its last follow-up, or its creation when it has
/// none, is older: one expression, which `customers_quiet` (migration
/// 0038) holds for each owner.
pub async fn forgotten(
    tx: &mut Tx,
    owners: Owners<'_>,
    befores: [DateTime<Utc>; 5],
) -> Result<[i64; 5]> {
    let quiet = || Expr::cust("coalesce(customers.last_follow_up_at, customers.created_at)");
    let latest = befores.iter().copied().max().unwrap_or_else(Utc::now);
    let mut select = Query::select();
    for before in befores {
        let counted = Expr::case(quiet().lt(before), 1i64).finally(0i64);
        select.expr(Func::cast_as(
            Func::coalesce([Func::sum(counted).into(), Expr::val(0i64).into()]),
            Alias::new("bigint"),
        ));
    }
    select
        .from(Customers::Table)
        .and_where(Expr::col(Customers::OwnerId).is_not_null())
        .and_where(quiet().lt(latest));
    owned(&mut select, Customers::OwnerId, owners);
    let (a, b, c, d, e): (i64, i64, i64, i64, i64) = tx.one(&select).await?;
    Ok([a, b, c, d, e])
}

pub async fn contact_overdue(tx: &mut Tx, owners: Owners<'_>, now: DateTime<Utc>) -> Result<i64> {
    let mut select = Query::select();
    select
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::OwnerId).is_not_null())
        .and_where(Expr::col(Customers::NextContactAt).lt(now));
    owned(&mut select, Customers::OwnerId, owners);
    tx.count(&select).await
}
