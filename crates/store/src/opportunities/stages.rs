//! Moving an opportunity through its pipeline's stages, and the stage history.

use chrono::{DateTime, Utc};
use kuijing_domain::pipeline::Outcome;
use sea_query::{Alias, Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::record;
use crate::schema::{Opportunities, StageChanges, Users};

/// A stage change as one statement guarded by the stage and outcome read,
/// so two changes at once cannot both land from the same starting point.
pub struct StageMove<'a> {
    pub id: i64,
    pub from_stage: i64,
    pub from_outcome: Outcome,
    pub to_stage: i64,
    pub to_outcome: Outcome,
    pub reason: Option<&'a str>,
    pub via: &'a str,
    pub by: i64,
    pub at: DateTime<Utc>,
}

pub async fn move_stage(tx: &mut Tx, change: &StageMove<'_>) -> Result<bool> {
    let closed_at: Option<DateTime<Utc>> = change.to_outcome.is_closed().then_some(change.at);
    let update = Query::update()
        .table(Opportunities::Table)
        .values([
            (Opportunities::StageId, change.to_stage.into()),
            (Opportunities::Outcome, change.to_outcome.as_str().into()),
            (Opportunities::OutcomeReason, change.reason.into()),
            (Opportunities::ClosedAt, closed_at.into()),
            (
                Opportunities::Version,
                Expr::col(Opportunities::Version).add(1),
            ),
            (Opportunities::UpdatedAt, change.at.into()),
        ])
        .and_where(Expr::col(Opportunities::Id).eq(change.id))
        .and_where(Expr::col(Opportunities::StageId).eq(change.from_stage))
        .and_where(Expr::col(Opportunities::Outcome).eq(change.from_outcome.as_str()))
        .to_owned();
    if tx.execute(&update).await? != 1 {
        return Ok(false);
    }
    record_stage_change(tx, change, Some(change.from_stage)).await?;
    Ok(true)
}

/// Appends a row to the stage history; the first row of an opportunity has
/// no `from`.
pub async fn record_stage_change(
    tx: &mut Tx,
    change: &StageMove<'_>,
    from_stage: Option<i64>,
) -> Result<()> {
    let from_outcome = from_stage.map(|_| change.from_outcome.as_str());
    let pairs = vec![
        (StageChanges::OpportunityId, change.id.into()),
        (StageChanges::FromStageId, from_stage.into()),
        (StageChanges::ToStageId, change.to_stage.into()),
        (StageChanges::FromOutcome, from_outcome.into()),
        (StageChanges::ToOutcome, change.to_outcome.as_str().into()),
        (StageChanges::Reason, change.reason.into()),
        (StageChanges::Via, change.via.into()),
        (StageChanges::ChangedBy, change.by.into()),
        (StageChanges::ChangedAt, change.at.into()),
    ];
    tx.insert_id(&record::insert(
        StageChanges::Table,
        StageChanges::Id,
        pairs,
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StageChange {
    pub id: i64,
    pub from_stage_id: Option<i64>,
    pub to_stage_id: i64,
    pub from_outcome: Option<String>,
    pub to_outcome: String,
    pub reason: Option<String>,
    pub via: String,
    pub changed_by: Option<i64>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

pub async fn stage_history(tx: &mut Tx, id: i64) -> Result<Vec<StageChange>> {
    let select = Query::select()
        .columns([
            (StageChanges::Table, StageChanges::Id),
            (StageChanges::Table, StageChanges::FromStageId),
            (StageChanges::Table, StageChanges::ToStageId),
            (StageChanges::Table, StageChanges::FromOutcome),
            (StageChanges::Table, StageChanges::ToOutcome),
            (StageChanges::Table, StageChanges::Reason),
            (StageChanges::Table, StageChanges::Via),
            (StageChanges::Table, StageChanges::ChangedBy),
            (StageChanges::Table, StageChanges::ChangedAt),
        ])
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            Alias::new("changed_by_name"),
        )
        .from(StageChanges::Table)
        .left_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id))
                .equals((StageChanges::Table, StageChanges::ChangedBy)),
        )
        .and_where(Expr::col((StageChanges::Table, StageChanges::OpportunityId)).eq(id))
        .order_by((StageChanges::Table, StageChanges::Id), Order::Asc)
        .to_owned();
    tx.all(&select).await
}
