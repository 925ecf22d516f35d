//! Pipelines (商機組) and their ordered stages.

use chrono::{DateTime, Utc};
use kuijing_domain::pipeline::StageDef;
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::{Pipelines, Stages};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Stage {
    pub id: i64,
    pub pipeline_id: i64,
    pub name: String,
    pub win_rate: i64,
    pub sort_order: i64,
}

impl Stage {
    pub fn def(&self) -> StageDef {
        StageDef {
            id: self.id,
            name: self.name.clone(),
            win_rate: self.win_rate,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PipelineRow {
    id: i64,
    name: String,
    is_default: bool,
    active: bool,
    departments: String,
    sort_order: i64,
    version: i64,
}

/// A pipeline with its stages in order. An empty `departments` list means
/// everyone may use it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub id: i64,
    pub name: String,
    pub is_default: bool,
    pub active: bool,
    pub departments: Vec<i64>,
    pub sort_order: i64,
    pub version: i64,
    pub stages: Vec<Stage>,
}

impl Pipeline {
    pub fn stage_defs(&self) -> Vec<StageDef> {
        self.stages.iter().map(Stage::def).collect()
    }

    pub fn stage(&self, id: i64) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.id == id)
    }
}

/// Every pipeline with its stages, default first, then in order.
pub async fn list(tx: &mut Tx) -> Result<Vec<Pipeline>> {
    let select = Query::select()
        .columns([
            Pipelines::Id,
            Pipelines::Name,
            Pipelines::IsDefault,
            Pipelines::Active,
            Pipelines::Departments,
            Pipelines::SortOrder,
            Pipelines::Version,
        ])
        .from(Pipelines::Table)
        .order_by(Pipelines::IsDefault, Order::Desc)
        .order_by(Pipelines::SortOrder, Order::Asc)
        .order_by(Pipelines::Id, Order::Asc)
        .to_owned();
    let rows: Vec<PipelineRow> = tx.all(&select).await?;
    let select = Query::select()
        .columns([
            Stages::Id,
            Stages::PipelineId,
            Stages::Name,
            Stages::WinRate,
            Stages::SortOrder,
        ])
        .from(Stages::Table)
        .order_by(Stages::SortOrder, Order::Asc)
        .order_by(Stages::Id, Order::Asc)
        .to_owned();
    let stages: Vec<Stage> = tx.all(&select).await?;
    rows.into_iter()
        .map(|row| {
            Ok(Pipeline {
                departments: serde_json::from_str(&row.departments)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                stages: stages
                    .iter()
                    .filter(|stage| stage.pipeline_id == row.id)
                    .cloned()
                    .collect(),
                id: row.id,
                name: row.name,
                is_default: row.is_default,
                active: row.active,
                sort_order: row.sort_order,
                version: row.version,
            })
        })
        .collect()
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Pipeline>> {
    Ok(list(tx).await?.into_iter().find(|p| p.id == id))
}

pub struct PipelineFields<'a> {
    pub name: &'a str,
    pub active: bool,
    pub departments: &'a [i64],
    pub sort_order: i64,
}

pub async fn insert(
    tx: &mut Tx,
    fields: &PipelineFields<'_>,
    is_default: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    let departments = serde_json::to_string(fields.departments)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let pairs = vec![
        (Pipelines::Name, fields.name.into()),
        (Pipelines::IsDefault, is_default.into()),
        (Pipelines::Active, fields.active.into()),
        (Pipelines::Departments, departments.into()),
        (Pipelines::SortOrder, fields.sort_order.into()),
        (Pipelines::CreatedAt, now.into()),
        (Pipelines::UpdatedAt, now.into()),
    ];
    tx.insert_id(&record::insert(Pipelines::Table, Pipelines::Id, pairs))
        .await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &PipelineFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let departments = serde_json::to_string(fields.departments)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let update = record::update_versioned(
        Pipelines::Table,
        (Pipelines::Id, id),
        (Pipelines::Version, version),
        vec![
            (Pipelines::Name, fields.name.into()),
            (Pipelines::Active, fields.active.into()),
            (Pipelines::Departments, departments.into()),
            (Pipelines::SortOrder, fields.sort_order.into()),
            (Pipelines::UpdatedAt, now.into()),
        ],
    );
    Ok(tx.execute(&update).await? == 1)
}

pub async fn insert_stage(
    tx: &mut Tx,
    pipeline: i64,
    name: &str,
    win_rate: i64,
    sort_order: i64,
) -> Result<i64> {
    let pairs = vec![
        (Stages::PipelineId, pipeline.into()),
        (Stages::Name, name.into()),
        (Stages::WinRate, win_rate.into()),
        (Stages::SortOrder, sort_order.into()),
    ];
    tx.insert_id(&record::insert(Stages::Table, Stages::Id, pairs))
        .await
}

pub async fn update_stage(
    tx: &mut Tx,
    id: i64,
    name: &str,
    win_rate: i64,
    sort_order: i64,
) -> Result<()> {
    let update = Query::update()
        .table(Stages::Table)
        .values([
            (Stages::Name, name.into()),
            (Stages::WinRate, win_rate.into()),
            (Stages::SortOrder, sort_order.into()),
        ])
        .and_where(Expr::col(Stages::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Removes a stage no opportunity stands at or passed through; answers
/// false (and removes nothing) otherwise.
pub async fn delete_stage(tx: &mut Tx, id: i64) -> Result<bool> {
    use crate::schema::{Opportunities, StageChanges};
    use sea_query::Func;
    let at = Query::select()
        .expr(Func::count(Expr::col(Opportunities::Id)))
        .from(Opportunities::Table)
        .and_where(Expr::col(Opportunities::StageId).eq(id))
        .to_owned();
    let history = Query::select()
        .expr(Func::count(Expr::col(StageChanges::Id)))
        .from(StageChanges::Table)
        .cond_where(
            sea_query::Condition::any()
                .add(Expr::col(StageChanges::FromStageId).eq(id))
                .add(Expr::col(StageChanges::ToStageId).eq(id)),
        )
        .to_owned();
    if tx.count(&at).await? > 0 || tx.count(&history).await? > 0 {
        return Ok(false);
    }
    let delete = Query::delete()
        .from_table(Stages::Table)
        .and_where(Expr::col(Stages::Id).eq(id))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(true)
}

/// Makes a pipeline the default one, the only one.
pub async fn set_default(tx: &mut Tx, id: i64) -> Result<()> {
    let update = Query::update()
        .table(Pipelines::Table)
        .value(Pipelines::IsDefault, Expr::col(Pipelines::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}
