//! Saved reports of the report builder and whom each is shared with.

use chrono::{DateTime, Utc};
use sea_query::{Condition, Expr, Order, Query, SimpleExpr};

use crate::db::Tx;
use crate::error::Result;
use crate::record::{insert as insert_row, update_versioned};
use crate::schema::{ReportShares, SavedReports};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SavedReport {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// The definition as JSON text; the service reads and checks it.
    pub definition: String,
    pub created_by: i64,
    pub version: i64,
}

const COLUMNS: [SavedReports; 6] = [
    SavedReports::Id,
    SavedReports::Name,
    SavedReports::Kind,
    SavedReports::Definition,
    SavedReports::CreatedBy,
    SavedReports::Version,
];

/// Who a report is shared with: a user, a department or a role.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Share {
    pub target_kind: String,
    pub target_id: i64,
}

/// Whose shares reach a viewer.
pub struct Viewer<'a> {
    pub user: i64,
    pub department: i64,
    pub roles: &'a [i64],
}

fn shared_with(viewer: &Viewer<'_>) -> Condition {
    let shares =
        Query::select()
            .column(ReportShares::ReportId)
            .from(ReportShares::Table)
            .cond_where(
                Condition::any()
                    .add(
                        Expr::col(ReportShares::TargetKind)
                            .eq("user")
                            .and(Expr::col(ReportShares::TargetId).eq(viewer.user)),
                    )
                    .add(
                        Expr::col(ReportShares::TargetKind)
                            .eq("department")
                            .and(Expr::col(ReportShares::TargetId).eq(viewer.department)),
                    )
                    .add(Expr::col(ReportShares::TargetKind).eq("role").and(
                        Expr::col(ReportShares::TargetId).is_in(viewer.roles.iter().copied()),
                    )),
            )
            .to_owned();
    Condition::any()
        .add(Expr::col(SavedReports::CreatedBy).eq(viewer.user))
        .add(Expr::col(SavedReports::Id).in_subquery(shares))
}

/// The reports a viewer may open (every one when `all`), by name.
pub async fn list(tx: &mut Tx, viewer: &Viewer<'_>, all: bool) -> Result<Vec<SavedReport>> {
    let mut select = Query::select();
    select
        .columns(COLUMNS)
        .from(SavedReports::Table)
        .order_by(SavedReports::Name, Order::Asc)
        .order_by(SavedReports::Id, Order::Asc);
    if !all {
        select.cond_where(shared_with(viewer));
    }
    tx.all(&select).await
}

/// One report, if the viewer may open it (any when `all`).
pub async fn get(
    tx: &mut Tx,
    id: i64,
    viewer: &Viewer<'_>,
    all: bool,
) -> Result<Option<SavedReport>> {
    let mut select = Query::select();
    select
        .columns(COLUMNS)
        .from(SavedReports::Table)
        .and_where(Expr::col(SavedReports::Id).eq(id));
    if !all {
        select.cond_where(shared_with(viewer));
    }
    tx.optional(&select).await
}

pub async fn insert(
    tx: &mut Tx,
    (name, kind, definition): (&str, &str, &str),
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let pairs: Vec<(SavedReports, SimpleExpr)> = vec![
        (SavedReports::Name, name.into()),
        (SavedReports::Kind, kind.into()),
        (SavedReports::Definition, definition.into()),
        (SavedReports::CreatedBy, by.into()),
        (SavedReports::CreatedAt, now.into()),
        (SavedReports::UpdatedAt, now.into()),
    ];
    tx.insert_id(&insert_row(SavedReports::Table, SavedReports::Id, pairs))
        .await
}

/// Changes a report if nobody saved it since `version`; answers whether it did.
pub async fn update(
    tx: &mut Tx,
    (id, version): (i64, i64),
    (name, kind, definition): (&str, &str, &str),
    now: DateTime<Utc>,
) -> Result<bool> {
    let statement = update_versioned(
        SavedReports::Table,
        (SavedReports::Id, id),
        (SavedReports::Version, version),
        vec![
            (SavedReports::Name, name.into()),
            (SavedReports::Kind, kind.into()),
            (SavedReports::Definition, definition.into()),
            (SavedReports::UpdatedAt, now.into()),
        ],
    );
    Ok(tx.execute(&statement).await? == 1)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    let shares = Query::delete()
        .from_table(ReportShares::Table)
        .and_where(Expr::col(ReportShares::ReportId).eq(id))
        .to_owned();
    tx.execute(&shares).await?;
    let delete = Query::delete()
        .from_table(SavedReports::Table)
        .and_where(Expr::col(SavedReports::Id).eq(id))
        .to_owned();
    tx.execute(&delete).await
}

pub async fn shares(tx: &mut Tx, id: i64) -> Result<Vec<Share>> {
    let select = Query::select()
        .columns([ReportShares::TargetKind, ReportShares::TargetId])
        .from(ReportShares::Table)
        .and_where(Expr::col(ReportShares::ReportId).eq(id))
        .order_by(ReportShares::TargetKind, Order::Asc)
        .order_by(ReportShares::TargetId, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// Replaces whom a report is shared with.
pub async fn set_shares(tx: &mut Tx, id: i64, shares: &[Share]) -> Result<()> {
    let delete = Query::delete()
        .from_table(ReportShares::Table)
        .and_where(Expr::col(ReportShares::ReportId).eq(id))
        .to_owned();
    tx.execute(&delete).await?;
    if shares.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(ReportShares::Table).columns([
        ReportShares::ReportId,
        ReportShares::TargetKind,
        ReportShares::TargetId,
    ]);
    for share in shares {
        insert.values_panic([
            id.into(),
            share.target_kind.clone().into(),
            share.target_id.into(),
        ]);
    }
    tx.execute(&insert).await?;
    Ok(())
}
