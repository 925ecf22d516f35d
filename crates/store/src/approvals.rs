//! The approvals running through the flows: the engine's state as JSON,
//! who it waits for as rows (so "waiting for me" is an index lookup), and
//! every action as history. Flows, the waiting lists, the history and the
//! directory the engine reads are in the modules below.

use chrono::{DateTime, Utc};
use kuijing_domain::approval::Approval;
use sea_query::{Alias, Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::{ApprovalWaits, Approvals, Users};

mod directory;
pub use directory::directory;

mod history;
pub use history::{ActionRow, NewAction, add_action, history};

mod waits;
pub use waits::{submitted_by, submitted_count, waiting_count, waiting_for, waits_for};

mod flows;
pub use flows::{
    Flow, active_flow, deactivate_others, flow, flows, insert_flow, set_definition, update_flow,
};

fn corrupt(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ApprovalRow {
    id: i64,
    flow_id: Option<i64>,
    kind: String,
    record_id: i64,
    title: String,
    submitter_id: i64,
    submitter_name: String,
    status: String,
    state: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    facts: String,
}

/// A stored approval: the record it is about and the engine's state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredApproval {
    pub id: i64,
    pub flow_id: Option<i64>,
    pub kind: String,
    pub record_id: i64,
    pub title: String,
    pub submitter_id: i64,
    pub submitter_name: String,
    pub status: String,
    pub state: Approval,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The facts its plan was made from (kept as JSON text, given out as
    /// an object).
    #[serde(serialize_with = "facts_object")]
    #[schema(value_type = Object)]
    pub facts: String,
}

/// Writes the stored facts as the JSON object they are, not as a string.
fn facts_object<S: serde::Serializer>(facts: &str, out: S) -> std::result::Result<S::Ok, S::Error> {
    let value: serde_json::Value =
        serde_json::from_str(facts).map_err(serde::ser::Error::custom)?;
    value.serialize(out)
}

impl TryFrom<ApprovalRow> for StoredApproval {
    type Error = StoreError;

    fn try_from(row: ApprovalRow) -> Result<Self> {
        Ok(StoredApproval {
            state: serde_json::from_str(&row.state).map_err(corrupt)?,
            id: row.id,
            flow_id: row.flow_id,
            kind: row.kind,
            record_id: row.record_id,
            title: row.title,
            submitter_id: row.submitter_id,
            submitter_name: row.submitter_name,
            status: row.status,
            created_at: row.created_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
            facts: row.facts,
        })
    }
}

fn select_approvals() -> sea_query::SelectStatement {
    Query::select()
        .columns(
            [
                Approvals::Id,
                Approvals::FlowId,
                Approvals::Kind,
                Approvals::RecordId,
                Approvals::Title,
                Approvals::SubmitterId,
                Approvals::Status,
                Approvals::State,
                Approvals::CreatedAt,
                Approvals::UpdatedAt,
                Approvals::FinishedAt,
                Approvals::Facts,
            ]
            .map(|c| (Approvals::Table, c)),
        )
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            Alias::new("submitter_name"),
        )
        .from(Approvals::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((Approvals::Table, Approvals::SubmitterId)),
        )
        .to_owned()
}

/// The newest approval of a record, if it was ever submitted.
pub async fn of_record(tx: &mut Tx, kind: &str, record: i64) -> Result<Option<StoredApproval>> {
    let select = select_approvals()
        .and_where(Expr::col((Approvals::Table, Approvals::Kind)).eq(kind))
        .and_where(Expr::col((Approvals::Table, Approvals::RecordId)).eq(record))
        .order_by((Approvals::Table, Approvals::Id), Order::Desc)
        .limit(1)
        .to_owned();
    let row: Option<ApprovalRow> = tx.optional(&select).await?;
    row.map(StoredApproval::try_from).transpose()
}

/// Holds an approval's row to the end of the transaction (see
/// `record::lock_row`), so approvers acting at once take turns.
pub async fn lock(tx: &mut Tx, id: i64) -> Result<bool> {
    crate::record::lock_row(tx, Approvals::Table, Approvals::Id, id).await
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<StoredApproval>> {
    let select = select_approvals()
        .and_where(Expr::col((Approvals::Table, Approvals::Id)).eq(id))
        .to_owned();
    let row: Option<ApprovalRow> = tx.optional(&select).await?;
    row.map(StoredApproval::try_from).transpose()
}

/// Every approval in progress, oldest first: for the few moves that look
/// at all of them (a user disabled, which is rare; in-progress approvals
/// are few beside the finished ones).
pub async fn in_progress(tx: &mut Tx) -> Result<Vec<StoredApproval>> {
    let select = select_approvals()
        .and_where(Expr::col((Approvals::Table, Approvals::Status)).eq("in_progress"))
        .order_by((Approvals::Table, Approvals::Id), Order::Asc)
        .to_owned();
    let rows: Vec<ApprovalRow> = tx.all(&select).await?;
    rows.into_iter().map(StoredApproval::try_from).collect()
}

pub struct NewApproval<'a> {
    /// The facts as JSON.
    pub facts: &'a str,
    pub flow_id: Option<i64>,
    pub kind: &'a str,
    pub record_id: i64,
    pub title: &'a str,
    pub submitter_id: i64,
}

pub async fn insert(
    tx: &mut Tx,
    new: &NewApproval<'_>,
    state: &Approval,
    now: DateTime<Utc>,
) -> Result<i64> {
    let finished = (state.status != kuijing_domain::approval::Status::InProgress).then_some(now);
    let pairs = vec![
        (Approvals::FlowId, new.flow_id.into()),
        (Approvals::Facts, new.facts.into()),
        (Approvals::Kind, new.kind.into()),
        (Approvals::RecordId, new.record_id.into()),
        (Approvals::Title, new.title.into()),
        (Approvals::SubmitterId, new.submitter_id.into()),
        (Approvals::Status, state.status.as_str().into()),
        (
            Approvals::State,
            serde_json::to_string(state).map_err(corrupt)?.into(),
        ),
        (Approvals::CreatedAt, now.into()),
        (Approvals::UpdatedAt, now.into()),
        (Approvals::FinishedAt, finished.into()),
    ];
    let id = tx
        .insert_id(&record::insert(Approvals::Table, Approvals::Id, pairs))
        .await?;
    set_waits(tx, id, &state.waiting_for()).await?;
    Ok(id)
}

/// Saves a new state, guarded by the state read: a second decision made on
/// the same state at the same moment finds nothing to update.
pub async fn save(
    tx: &mut Tx,
    id: i64,
    read: &Approval,
    state: &Approval,
    now: DateTime<Utc>,
) -> Result<bool> {
    let finished = (state.status != kuijing_domain::approval::Status::InProgress).then_some(now);
    let update = Query::update()
        .table(Approvals::Table)
        .values([
            (Approvals::Status, state.status.as_str().into()),
            // A resubmission by the record's new owner makes them the
            // submitter.
            (Approvals::SubmitterId, state.submitter.into()),
            (
                Approvals::State,
                serde_json::to_string(state).map_err(corrupt)?.into(),
            ),
            (Approvals::UpdatedAt, now.into()),
            (Approvals::FinishedAt, finished.into()),
        ])
        .and_where(Expr::col(Approvals::Id).eq(id))
        .and_where(Expr::col(Approvals::State).eq(serde_json::to_string(read).map_err(corrupt)?))
        .to_owned();
    if tx.execute(&update).await? != 1 {
        return Ok(false);
    }
    set_waits(tx, id, &state.waiting_for()).await?;
    Ok(true)
}

/// Keeps the facts a resubmitted approval was planned from.
pub async fn set_facts(tx: &mut Tx, id: i64, facts: &str) -> Result<()> {
    let update = Query::update()
        .table(Approvals::Table)
        .value(Approvals::Facts, facts)
        .and_where(Expr::col(Approvals::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

async fn set_waits(tx: &mut Tx, id: i64, users: &[i64]) -> Result<()> {
    let delete = Query::delete()
        .from_table(ApprovalWaits::Table)
        .and_where(Expr::col(ApprovalWaits::ApprovalId).eq(id))
        .to_owned();
    tx.execute(&delete).await?;
    if users.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(ApprovalWaits::Table)
        .columns([ApprovalWaits::ApprovalId, ApprovalWaits::UserId]);
    let mut seen = std::collections::BTreeSet::new();
    for user in users {
        if seen.insert(*user) {
            insert.values_panic([id.into(), (*user).into()]);
        }
    }
    tx.execute(&insert).await?;
    Ok(())
}
