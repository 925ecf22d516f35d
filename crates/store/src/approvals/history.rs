//! Every action taken on an approval, and the history of a record's approvals.

use chrono::{DateTime, Utc};
use sea_query::{Alias, Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::record;
use crate::schema::{ApprovalActions, Approvals, Users};

pub struct NewAction<'a> {
    pub step: Option<i64>,
    pub action: &'a str,
    pub actor_id: Option<i64>,
    pub target_id: Option<i64>,
    /// Whose seat a hand-over passed on.
    pub from_id: Option<i64>,
    pub comment: Option<&'a str>,
}

pub async fn add_action(
    tx: &mut Tx,
    approval: i64,
    action: &NewAction<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let pairs = vec![
        (ApprovalActions::ApprovalId, approval.into()),
        (ApprovalActions::Step, action.step.into()),
        (ApprovalActions::Action, action.action.into()),
        (ApprovalActions::ActorId, action.actor_id.into()),
        (ApprovalActions::TargetId, action.target_id.into()),
        (ApprovalActions::FromId, action.from_id.into()),
        (ApprovalActions::Comment, action.comment.into()),
        (ApprovalActions::CreatedAt, now.into()),
    ];
    tx.insert_id(&record::insert(
        ApprovalActions::Table,
        ApprovalActions::Id,
        pairs,
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ActionRow {
    pub id: i64,
    pub approval_id: i64,
    pub step: Option<i64>,
    pub action: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub target_id: Option<i64>,
    /// Whose seat a hand-over passed on (empty on rows written before it
    /// was kept: the actor's own).
    pub from_id: Option<i64>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The history of every approval of a record, oldest first.
pub async fn history(tx: &mut Tx, kind: &str, record: i64) -> Result<Vec<ActionRow>> {
    let select = Query::select()
        .columns(
            [
                ApprovalActions::Id,
                ApprovalActions::ApprovalId,
                ApprovalActions::Step,
                ApprovalActions::Action,
                ApprovalActions::ActorId,
                ApprovalActions::TargetId,
                ApprovalActions::FromId,
                ApprovalActions::Comment,
                ApprovalActions::CreatedAt,
            ]
            .map(|c| (ApprovalActions::Table, c)),
        )
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            Alias::new("actor_name"),
        )
        .from(ApprovalActions::Table)
        .inner_join(
            Approvals::Table,
            Expr::col((Approvals::Table, Approvals::Id))
                .equals((ApprovalActions::Table, ApprovalActions::ApprovalId)),
        )
        .left_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id))
                .equals((ApprovalActions::Table, ApprovalActions::ActorId)),
        )
        .and_where(Expr::col((Approvals::Table, Approvals::Kind)).eq(kind))
        .and_where(Expr::col((Approvals::Table, Approvals::RecordId)).eq(record))
        .order_by((ApprovalActions::Table, ApprovalActions::Id), Order::Asc)
        .to_owned();
    tx.all(&select).await
}
