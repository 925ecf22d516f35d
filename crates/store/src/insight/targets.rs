//! Sales targets: the company's, a department's or a user's, for a year or
//! one of its months.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::schema::Targets;

/// A target: the company's, a department's or a user's, for a year or one
/// of its months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Target {
    pub id: i64,
    pub year: i64,
    pub month: i64,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
    pub measure: String,
    pub amount: i64,
    pub currency: String,
    /// Raised by each save: a save sent with an older one is refused.
    pub version: i64,
}

const TARGET_COLUMNS: [Targets; 9] = [
    Targets::Id,
    Targets::Year,
    Targets::Month,
    Targets::DepartmentId,
    Targets::UserId,
    Targets::Measure,
    Targets::Amount,
    Targets::Currency,
    Targets::Version,
];

/// The targets of one holder (company, department or user) for a year.
pub async fn targets(
    tx: &mut Tx,
    year: i64,
    (department, user): (Option<i64>, Option<i64>),
) -> Result<Vec<Target>> {
    let mut select = Query::select();
    select
        .columns(TARGET_COLUMNS)
        .from(Targets::Table)
        .and_where(Expr::col(Targets::Year).eq(year))
        .order_by(Targets::Month, Order::Asc);
    match department {
        Some(d) => select.and_where(Expr::col(Targets::DepartmentId).eq(d)),
        None => select.and_where(Expr::col(Targets::DepartmentId).is_null()),
    };
    match user {
        Some(u) => select.and_where(Expr::col(Targets::UserId).eq(u)),
        None => select.and_where(Expr::col(Targets::UserId).is_null()),
    };
    tx.all(&select).await
}

/// Holds the targets of one holder and year until the transaction ends, so
/// that saves of them run one after another (their checks against the
/// months and year saved see each other's).
pub async fn lock_targets(
    tx: &mut Tx,
    year: i64,
    (department, user): (Option<i64>, Option<i64>),
) -> Result<()> {
    let key = format!("targets\u{1f}{year}\u{1f}{department:?}\u{1f}{user:?}");
    tx.lock_key(&key).await
}

/// Sets a target: `saved` (the holder's target of that month and measure,
/// when there is one) takes the amount and currency and its next version,
/// else a new one is made.
#[allow(clippy::too_many_arguments)]
pub async fn set_target(
    tx: &mut Tx,
    (year, month): (i64, i64),
    (department, user): (Option<i64>, Option<i64>),
    measure: &str,
    (amount, currency): (i64, &str),
    saved: Option<&Target>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(saved) = saved {
        let update = Query::update()
            .table(Targets::Table)
            .values([
                (Targets::Amount, amount.into()),
                (Targets::Currency, currency.into()),
                (Targets::Version, (saved.version + 1).into()),
                (Targets::UpdatedAt, now.into()),
            ])
            .and_where(Expr::col(Targets::Id).eq(saved.id))
            .to_owned();
        tx.execute(&update).await?;
        return Ok(());
    }
    let insert = Query::insert()
        .into_table(Targets::Table)
        .columns([
            Targets::Year,
            Targets::Month,
            Targets::DepartmentId,
            Targets::UserId,
            Targets::Measure,
            Targets::Amount,
            Targets::Currency,
            Targets::UpdatedAt,
        ])
        .values_panic([
            year.into(),
            month.into(),
            department.into(),
            user.into(),
            measure.into(),
            amount.into(),
            currency.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Deletes one target; answers whether there was one.
pub async fn delete_target(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&crate::record::delete(Targets::Table, Targets::Id, id))
        .await?
        > 0)
}

/// Every target of a measure in the years `first` to `last`, whoever holds it.
pub async fn targets_of_years(
    tx: &mut Tx,
    (first, last): (i64, i64),
    measure: &str,
) -> Result<Vec<Target>> {
    let mut select = Query::select();
    select
        .columns(TARGET_COLUMNS)
        .from(Targets::Table)
        .and_where(Expr::col(Targets::Year).gte(first))
        .and_where(Expr::col(Targets::Year).lte(last))
        .and_where(Expr::col(Targets::Measure).eq(measure))
        .order_by(Targets::Id, Order::Asc);
    tx.all(&select).await
}
