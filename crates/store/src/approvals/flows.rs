//! Approval flows: the steps an approval of a kind goes through.

use chrono::{DateTime, Utc};
use kuijing_domain::approval::FlowDef;
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::ApprovalFlows;

use super::corrupt;

#[derive(Debug, Clone, sqlx::FromRow)]
struct FlowRow {
    id: i64,
    kind: String,
    name: String,
    active: bool,
    definition: String,
    version: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Flow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub active: bool,
    pub definition: FlowDef,
    pub version: i64,
}

impl TryFrom<FlowRow> for Flow {
    type Error = StoreError;

    fn try_from(row: FlowRow) -> Result<Self> {
        Ok(Flow {
            definition: serde_json::from_str(&row.definition).map_err(corrupt)?,
            id: row.id,
            kind: row.kind,
            name: row.name,
            active: row.active,
            version: row.version,
        })
    }
}

const FLOW_COLUMNS: [ApprovalFlows; 6] = [
    ApprovalFlows::Id,
    ApprovalFlows::Kind,
    ApprovalFlows::Name,
    ApprovalFlows::Active,
    ApprovalFlows::Definition,
    ApprovalFlows::Version,
];

pub async fn flows(tx: &mut Tx) -> Result<Vec<Flow>> {
    let select = Query::select()
        .columns(FLOW_COLUMNS)
        .from(ApprovalFlows::Table)
        .order_by(ApprovalFlows::Kind, Order::Asc)
        .order_by(ApprovalFlows::Id, Order::Asc)
        .to_owned();
    let rows: Vec<FlowRow> = tx.all(&select).await?;
    rows.into_iter().map(Flow::try_from).collect()
}

pub async fn flow(tx: &mut Tx, id: i64) -> Result<Option<Flow>> {
    let select = Query::select()
        .columns(FLOW_COLUMNS)
        .from(ApprovalFlows::Table)
        .and_where(Expr::col(ApprovalFlows::Id).eq(id))
        .to_owned();
    let row: Option<FlowRow> = tx.optional(&select).await?;
    row.map(Flow::try_from).transpose()
}

/// The active flow of a kind: the newest one switched on.
pub async fn active_flow(tx: &mut Tx, kind: &str) -> Result<Option<Flow>> {
    let select = Query::select()
        .columns(FLOW_COLUMNS)
        .from(ApprovalFlows::Table)
        .and_where(Expr::col(ApprovalFlows::Kind).eq(kind))
        .and_where(Expr::col(ApprovalFlows::Active).eq(true))
        .order_by(ApprovalFlows::Id, Order::Desc)
        .limit(1)
        .to_owned();
    let row: Option<FlowRow> = tx.optional(&select).await?;
    row.map(Flow::try_from).transpose()
}

pub async fn insert_flow(
    tx: &mut Tx,
    (kind, name, active): (&str, &str, bool),
    definition: &FlowDef,
    now: DateTime<Utc>,
) -> Result<i64> {
    let definition = serde_json::to_string(definition).map_err(corrupt)?;
    let pairs = vec![
        (ApprovalFlows::Kind, kind.into()),
        (ApprovalFlows::Name, name.into()),
        (ApprovalFlows::Active, active.into()),
        (ApprovalFlows::Definition, definition.into()),
        (ApprovalFlows::CreatedAt, now.into()),
        (ApprovalFlows::UpdatedAt, now.into()),
    ];
    tx.insert_id(&record::insert(
        ApprovalFlows::Table,
        ApprovalFlows::Id,
        pairs,
    ))
    .await
}

pub async fn update_flow(
    tx: &mut Tx,
    (id, version): (i64, i64),
    (name, active): (&str, bool),
    definition: &FlowDef,
    now: DateTime<Utc>,
) -> Result<bool> {
    let definition = serde_json::to_string(definition).map_err(corrupt)?;
    let update = record::update_versioned(
        ApprovalFlows::Table,
        (ApprovalFlows::Id, id),
        (ApprovalFlows::Version, version),
        vec![
            (ApprovalFlows::Name, name.into()),
            (ApprovalFlows::Active, active.into()),
            (ApprovalFlows::Definition, definition.into()),
            (ApprovalFlows::UpdatedAt, now.into()),
        ],
    );
    Ok(tx.execute(&update).await? == 1)
}

/// Replaces a flow's definition as an upgrade of the stored data does: its
/// version stays, so a form open on it saves over it as before.
pub async fn set_definition(tx: &mut Tx, id: i64, definition: &FlowDef) -> Result<()> {
    let definition = serde_json::to_string(definition).map_err(corrupt)?;
    let update = Query::update()
        .table(ApprovalFlows::Table)
        .value(ApprovalFlows::Definition, definition)
        .and_where(Expr::col(ApprovalFlows::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Switches off the other active flows of a kind; answers which ones were
/// switched off, by id and name.
pub async fn deactivate_others(tx: &mut Tx, kind: &str, keep: i64) -> Result<Vec<(i64, String)>> {
    let select = Query::select()
        .columns([ApprovalFlows::Id, ApprovalFlows::Name])
        .from(ApprovalFlows::Table)
        .and_where(Expr::col(ApprovalFlows::Kind).eq(kind))
        .and_where(Expr::col(ApprovalFlows::Active).eq(true))
        .and_where(Expr::col(ApprovalFlows::Id).ne(keep))
        .order_by(ApprovalFlows::Id, Order::Asc)
        .to_owned();
    let switched: Vec<(i64, String)> = tx.all(&select).await?;
    let update = Query::update()
        .table(ApprovalFlows::Table)
        .value(ApprovalFlows::Active, false)
        .value(
            ApprovalFlows::Version,
            Expr::col(ApprovalFlows::Version).add(1),
        )
        .and_where(Expr::col(ApprovalFlows::Kind).eq(kind))
        .and_where(Expr::col(ApprovalFlows::Active).eq(true))
        .and_where(Expr::col(ApprovalFlows::Id).ne(keep))
        .to_owned();
    tx.execute(&update).await?;
    Ok(switched)
}
