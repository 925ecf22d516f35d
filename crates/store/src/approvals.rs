//! Approval flows and the approvals running through them: the engine's
//! state as JSON, who it waits for as rows (so "waiting for me" is an index
//! lookup), and every action as history.

use chrono::{DateTime, Utc};
use kuijing_domain::approval::{Approval, FlowDef};
use sea_query::{Alias, Condition, Expr, Func, Iden, Order, Query, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::{
    ApprovalActions, ApprovalFlows, ApprovalWaits, Approvals, Contracts, Payments, Requests, Users,
};

fn corrupt(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

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

/// Approvals waiting for a user, newest first.
pub async fn waiting_for(
    tx: &mut Tx,
    user: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<StoredApproval>> {
    let mut select = select_approvals();
    select
        .inner_join(
            ApprovalWaits::Table,
            Expr::col((ApprovalWaits::Table, ApprovalWaits::ApprovalId))
                .equals((Approvals::Table, Approvals::Id)),
        )
        .and_where(Expr::col((ApprovalWaits::Table, ApprovalWaits::UserId)).eq(user));
    if let Some(after) = after {
        select.and_where(Expr::col((Approvals::Table, Approvals::Id)).lt(after));
    }
    select
        .order_by((Approvals::Table, Approvals::Id), Order::Desc)
        .limit(limit);
    let rows: Vec<ApprovalRow> = tx.all(&select).await?;
    rows.into_iter().map(StoredApproval::try_from).collect()
}

pub async fn waiting_count(tx: &mut Tx, user: i64) -> Result<i64> {
    let select = Query::select()
        .expr(Func::count(Expr::col(ApprovalWaits::ApprovalId)))
        .from(ApprovalWaits::Table)
        .and_where(Expr::col(ApprovalWaits::UserId).eq(user))
        .to_owned();
    tx.count(&select).await
}

/// The approvals that are a user's as their submitter: those of the
/// records they own now (a contract, payment or request transferred while
/// in approval or after it is its new owner's, who may withdraw it and
/// submit it again; its former owner may no longer open it), and those
/// they submitted of records that have no owner.
fn submitted_by_condition(user: i64) -> Condition {
    fn of_records<T: Iden + Copy + 'static>(
        kind_is: SimpleExpr,
        (table, id, owner): (T, T, T),
        user: i64,
    ) -> Condition {
        let record = |owned: SimpleExpr| {
            Query::select()
                .expr(Expr::val(1))
                .from(table)
                .and_where(Expr::col((table, id)).equals((Approvals::Table, Approvals::RecordId)))
                .and_where(owned)
                .to_owned()
        };
        let owned = Condition::all()
            .add(kind_is.clone())
            .add(Expr::exists(record(Expr::col((table, owner)).eq(user))));
        let unowned = Condition::all()
            .add(kind_is)
            .add(Expr::col((Approvals::Table, Approvals::SubmitterId)).eq(user))
            .add(Expr::exists(record(Expr::col((table, owner)).is_not_null())).not());
        Condition::any().add(owned).add(unowned)
    }
    let kind = || Expr::col((Approvals::Table, Approvals::Kind));
    Condition::any()
        .add(of_records(
            kind().eq("contract"),
            (Contracts::Table, Contracts::Id, Contracts::OwnerId),
            user,
        ))
        .add(of_records(
            kind().eq("payment"),
            (Payments::Table, Payments::Id, Payments::OwnerId),
            user,
        ))
        .add(of_records(
            kind().is_not_in(["contract", "payment"]),
            (Requests::Table, Requests::Id, Requests::OwnerId),
            user,
        ))
}

/// Approvals that are a user's as their submitter (see
/// [`submitted_by_condition`]), newest first.
pub async fn submitted_by(
    tx: &mut Tx,
    user: i64,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<StoredApproval>> {
    let mut select = select_approvals();
    select.cond_where(submitted_by_condition(user));
    if let Some(after) = after {
        select.and_where(Expr::col((Approvals::Table, Approvals::Id)).lt(after));
    }
    select
        .order_by((Approvals::Table, Approvals::Id), Order::Desc)
        .limit(limit);
    let rows: Vec<ApprovalRow> = tx.all(&select).await?;
    rows.into_iter().map(StoredApproval::try_from).collect()
}

/// How many approvals are a user's as their submitter.
pub async fn submitted_count(tx: &mut Tx, user: i64) -> Result<i64> {
    let select = Query::select()
        .expr(Func::count(Expr::col((Approvals::Table, Approvals::Id))))
        .from(Approvals::Table)
        .cond_where(submitted_by_condition(user))
        .to_owned();
    tx.count(&select).await
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

/// Whether an approval of this record waits for the user now.
pub async fn waits_for(tx: &mut Tx, kind: &str, record: i64, user: i64) -> Result<bool> {
    let select = Query::select()
        .expr(Func::count(Expr::col((
            ApprovalWaits::Table,
            ApprovalWaits::UserId,
        ))))
        .from(ApprovalWaits::Table)
        .inner_join(
            Approvals::Table,
            Expr::col((Approvals::Table, Approvals::Id))
                .equals((ApprovalWaits::Table, ApprovalWaits::ApprovalId)),
        )
        .and_where(Expr::col((Approvals::Table, Approvals::Kind)).eq(kind))
        .and_where(Expr::col((Approvals::Table, Approvals::RecordId)).eq(record))
        .and_where(Expr::col((ApprovalWaits::Table, ApprovalWaits::UserId)).eq(user))
        .to_owned();
    Ok(tx.count(&select).await? > 0)
}

/// The organisation as the approval engine looks at it: superiors,
/// departments and their heads, role members and who is disabled.
pub async fn directory(tx: &mut Tx) -> Result<kuijing_domain::approval::MapDirectory> {
    use crate::schema::{Departments, UserRoles};
    let users = Query::select()
        .columns([
            Users::Id,
            Users::DepartmentId,
            Users::SuperiorId,
            Users::Status,
        ])
        .from(Users::Table)
        .to_owned();
    let users: Vec<(i64, i64, Option<i64>, String)> = tx.all(&users).await?;
    let departments = Query::select()
        .columns([Departments::Id, Departments::ParentId, Departments::HeadId])
        .from(Departments::Table)
        .to_owned();
    let departments: Vec<(i64, Option<i64>, Option<i64>)> = tx.all(&departments).await?;
    let roles = Query::select()
        .columns([UserRoles::RoleId, UserRoles::UserId])
        .from(UserRoles::Table)
        .to_owned();
    let roles: Vec<(i64, i64)> = tx.all(&roles).await?;
    let mut directory = kuijing_domain::approval::MapDirectory::default();
    for (user, department, superior, status) in users {
        directory.departments.insert(user, department);
        if let Some(superior) = superior {
            directory.superiors.insert(user, superior);
        }
        if status != "active" {
            directory.inactive.insert(user);
        }
    }
    for (department, parent, head) in departments {
        if let Some(parent) = parent {
            directory.parents.insert(department, parent);
        }
        if let Some(head) = head {
            directory.heads.insert(department, head);
        }
    }
    for (role, user) in roles {
        directory.roles.entry(role).or_default().push(user);
    }
    Ok(directory)
}
