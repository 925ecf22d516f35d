//! Schedule events: each has an owner, who alone changes it, and may have
//! participants, who see it; every read names the user reading.

use chrono::{DateTime, Utc};
use sea_query::{Condition, Expr, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::record;
use crate::schema::{EventParticipants, Events};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub owner_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub related_kind: Option<String>,
    pub related_id: Option<i64>,
    /// The follow-up whose next contact time made (or last moved) it.
    pub from_follow_up_id: Option<i64>,
    /// Whether it is a next contact from a follow-up.
    pub next_contact: bool,
    pub notes: Option<String>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Minutes before the start to remind the owner and participants.
    pub remind_minutes: Option<i64>,
    /// When the reminder went out; cleared when the time moves.
    pub reminded_at: Option<DateTime<Utc>>,
}

const COLUMNS: [Events; 18] = [
    Events::Id,
    Events::OwnerId,
    Events::Title,
    Events::StartsAt,
    Events::EndsAt,
    Events::AllDay,
    Events::RelatedKind,
    Events::RelatedId,
    Events::FromFollowUpId,
    Events::NextContact,
    Events::Notes,
    Events::Done,
    Events::DoneAt,
    Events::Version,
    Events::CreatedAt,
    Events::UpdatedAt,
    Events::RemindMinutes,
    Events::RemindedAt,
];

/// What a form, the API or a follow-up writes.
#[derive(Debug, Clone, Default)]
pub struct EventFields {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub related_kind: Option<String>,
    pub related_id: Option<i64>,
    pub notes: Option<String>,
    pub remind_minutes: Option<i64>,
    /// Kept while the reminder's instant stays; `None` arms it again.
    pub reminded_at: Option<DateTime<Utc>>,
}

impl EventFields {
    /// The instant the reminder is due, if there is one.
    pub fn remind_at(&self) -> Option<DateTime<Utc>> {
        self.remind_minutes
            .map(|m| self.starts_at - chrono::Duration::minutes(m))
    }
}

fn select_own(owner: i64) -> SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(Events::Table)
        .and_where(Expr::col(Events::OwnerId).eq(owner))
        .to_owned()
}

/// The events a user owns or takes part in.
fn select_seen(user: i64) -> SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(Events::Table)
        .cond_where(
            Condition::any()
                .add(Expr::col(Events::OwnerId).eq(user))
                .add(
                    Expr::col(Events::Id).in_subquery(
                        Query::select()
                            .column(EventParticipants::EventId)
                            .from(EventParticipants::Table)
                            .and_where(Expr::col(EventParticipants::UserId).eq(user))
                            .to_owned(),
                    ),
                ),
        )
        .to_owned()
}

fn values(fields: &EventFields) -> Vec<(Events, SimpleExpr)> {
    vec![
        (Events::Title, fields.title.clone().into()),
        (Events::StartsAt, fields.starts_at.into()),
        (Events::EndsAt, fields.ends_at.into()),
        (Events::AllDay, fields.all_day.into()),
        (Events::RelatedKind, fields.related_kind.clone().into()),
        (Events::RelatedId, fields.related_id.into()),
        (Events::Notes, fields.notes.clone().into()),
        (Events::RemindMinutes, fields.remind_minutes.into()),
        (Events::RemindAt, fields.remind_at().into()),
        (Events::RemindedAt, fields.reminded_at.into()),
    ]
}

/// A new event of `owner`; `follow_up` names the follow-up whose next
/// contact time it is.
pub async fn insert(
    tx: &mut Tx,
    owner: i64,
    fields: &EventFields,
    follow_up: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields);
    pairs.extend([
        (Events::OwnerId, owner.into()),
        (Events::FromFollowUpId, follow_up.into()),
        (Events::NextContact, follow_up.is_some().into()),
        (Events::Done, false.into()),
        (Events::Version, 1i64.into()),
        (Events::CreatedAt, now.into()),
        (Events::UpdatedAt, now.into()),
    ]);
    tx.insert_id(&record::insert(Events::Table, Events::Id, pairs))
        .await
}

/// An event the user owns or takes part in; anyone else's is not found.
pub async fn get(tx: &mut Tx, user: i64, id: i64) -> Result<Option<Event>> {
    let mut select = select_seen(user);
    select.and_where(Expr::col(Events::Id).eq(id));
    tx.optional(&select).await
}

/// The events the user owns or takes part in that touch `[from, to)`, by
/// start.
pub async fn between(
    tx: &mut Tx,
    user: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Event>> {
    let mut select = select_seen(user);
    select
        .and_where(Expr::col(Events::StartsAt).lt(to))
        .cond_where(
            Condition::any()
                .add(Expr::col(Events::StartsAt).gte(from))
                .add(Expr::col(Events::EndsAt).gt(from)),
        )
        .order_by(Events::StartsAt, Order::Asc)
        .order_by(Events::Id, Order::Asc)
        .limit(2000);
    tx.all(&select).await
}

/// The owner's next contact with a record that is not done yet, if any.
pub async fn open_next_contact(
    tx: &mut Tx,
    owner: i64,
    (kind, record): (&str, i64),
) -> Result<Option<Event>> {
    let mut select = select_own(owner);
    select
        .and_where(Expr::col(Events::NextContact).eq(true))
        .and_where(Expr::col(Events::Done).eq(false))
        .and_where(Expr::col(Events::RelatedKind).eq(kind))
        .and_where(Expr::col(Events::RelatedId).eq(record))
        .order_by(Events::Id, Order::Desc)
        .limit(1);
    tx.optional(&select).await
}

/// Writes an edit when the stored version is still `version`.
pub async fn update(
    tx: &mut Tx,
    (id, version): (i64, i64),
    fields: &EventFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut pairs = values(fields);
    pairs.push((Events::UpdatedAt, now.into()));
    let update = record::update_versioned(
        Events::Table,
        (Events::Id, id),
        (Events::Version, version),
        pairs,
    );
    Ok(tx.execute(&update).await? == 1)
}

/// Moves a next contact to a new time, naming the follow-up that moved it;
/// its reminder, if any, is armed again for the new time.
pub async fn move_next_contact(
    tx: &mut Tx,
    event: &Event,
    (at, title): (DateTime<Utc>, &str),
    follow_up: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = event.id;
    let remind_at = event
        .remind_minutes
        .map(|m| at - chrono::Duration::minutes(m));
    let update = Query::update()
        .table(Events::Table)
        .values([
            (Events::StartsAt, at.into()),
            (Events::RemindAt, remind_at.into()),
            (Events::RemindedAt, None::<DateTime<Utc>>.into()),
            (Events::EndsAt, None::<DateTime<Utc>>.into()),
            (Events::AllDay, false.into()),
            (Events::Title, title.into()),
            (Events::FromFollowUpId, follow_up.into()),
            (Events::Version, Expr::col(Events::Version).add(1)),
            (Events::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Events::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Marks an event done or not done.
pub async fn set_done(tx: &mut Tx, id: i64, done: bool, now: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Events::Table)
        .values([
            (Events::Done, done.into()),
            (Events::DoneAt, done.then_some(now).into()),
            (Events::Version, Expr::col(Events::Version).add(1)),
            (Events::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Events::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Deletes one of the owner's events; answers whether there was one.
pub async fn delete(tx: &mut Tx, owner: i64, id: i64) -> Result<bool> {
    let delete = Query::delete()
        .from_table(Events::Table)
        .and_where(Expr::col(Events::Id).eq(id))
        .and_where(Expr::col(Events::OwnerId).eq(owner))
        .to_owned();
    Ok(tx.execute(&delete).await? == 1)
}

/// A record whose owner means to contact it at a time.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RecordNextContact {
    /// `customer`, `lead` or `opportunity`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub at: DateTime<Utc>,
}

/// The owner's customers, open leads and opportunities whose next contact
/// time falls in `[from, to)`: all are the owner's own records.
pub async fn record_next_contacts(
    tx: &mut Tx,
    owner: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<RecordNextContact>> {
    use crate::schema::{Customers, Leads, Opportunities};
    use sea_query::{Alias, Iden};

    fn select<T: Iden + Copy + 'static>(
        kind: &str,
        table: T,
        [id, name, at, owner_column]: [T; 4],
        (owner, from, to): (i64, DateTime<Utc>, DateTime<Utc>),
    ) -> SelectStatement {
        Query::select()
            .expr_as(Expr::val(kind), Alias::new("kind"))
            .expr_as(Expr::col((table, id)), Alias::new("id"))
            .expr_as(Expr::col((table, name)), Alias::new("name"))
            .expr_as(Expr::col((table, at)), Alias::new("at"))
            .from(table)
            .and_where(Expr::col((table, owner_column)).eq(owner))
            .and_where(Expr::col((table, at)).gte(from))
            .and_where(Expr::col((table, at)).lt(to))
            .order_by((table, at), Order::Asc)
            .limit(500)
            .to_owned()
    }

    let range = (owner, from, to);
    let mut found: Vec<RecordNextContact> = Vec::new();
    let customers = select(
        "customer",
        Customers::Table,
        [
            Customers::Id,
            Customers::Name,
            Customers::NextContactAt,
            Customers::OwnerId,
        ],
        range,
    );
    found.extend(tx.all::<RecordNextContact>(&customers).await?);
    let mut leads = select(
        "lead",
        Leads::Table,
        [Leads::Id, Leads::Name, Leads::NextContactAt, Leads::OwnerId],
        range,
    );
    leads.and_where(Expr::col((Leads::Table, Leads::Converted)).eq(false));
    found.extend(tx.all::<RecordNextContact>(&leads).await?);
    let opportunities = select(
        "opportunity",
        Opportunities::Table,
        [
            Opportunities::Id,
            Opportunities::Name,
            Opportunities::NextContactAt,
            Opportunities::OwnerId,
        ],
        range,
    );
    found.extend(tx.all::<RecordNextContact>(&opportunities).await?);
    found.sort_by_key(|n| n.at);
    Ok(found)
}

/// The users taking part in an event, besides its owner.
pub async fn participants(tx: &mut Tx, event: i64) -> Result<Vec<i64>> {
    let select = Query::select()
        .column(EventParticipants::UserId)
        .from(EventParticipants::Table)
        .and_where(Expr::col(EventParticipants::EventId).eq(event))
        .order_by(EventParticipants::UserId, Order::Asc)
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Replaces the users taking part in an event.
pub async fn set_participants(tx: &mut Tx, event: i64, users: &[i64]) -> Result<()> {
    let delete = Query::delete()
        .from_table(EventParticipants::Table)
        .and_where(Expr::col(EventParticipants::EventId).eq(event))
        .to_owned();
    tx.execute(&delete).await?;
    if users.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(EventParticipants::Table)
        .columns([EventParticipants::EventId, EventParticipants::UserId]);
    for user in users {
        insert.values_panic([event.into(), (*user).into()]);
    }
    tx.execute(&insert).await?;
    Ok(())
}

/// Events whose reminder is due at `now` and not sent yet, oldest first.
pub async fn due_reminders(tx: &mut Tx, now: DateTime<Utc>, limit: u64) -> Result<Vec<Event>> {
    let select = Query::select()
        .columns(COLUMNS)
        .from(Events::Table)
        .and_where(Expr::col(Events::RemindAt).lte(now))
        .and_where(Expr::col(Events::RemindedAt).is_null())
        .order_by(Events::RemindAt, Order::Asc)
        .order_by(Events::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    tx.all(&select).await
}

/// Claims an event's reminder: answers true for the one worker that marks
/// it sent, false when another did first or the time moved meanwhile.
pub async fn claim_reminder(
    tx: &mut Tx,
    (id, version): (i64, i64),
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Events::Table)
        .values([(Events::RemindedAt, now.into())])
        .and_where(Expr::col(Events::Id).eq(id))
        .and_where(Expr::col(Events::Version).eq(version))
        .and_where(Expr::col(Events::RemindedAt).is_null())
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// The events linked to a record that the user owns or takes part in,
/// newest first.
pub async fn of_record(
    tx: &mut Tx,
    user: i64,
    (kind, record): (&str, i64),
    limit: u64,
) -> Result<Vec<Event>> {
    let mut select = select_seen(user);
    select
        .and_where(Expr::col(Events::RelatedKind).eq(kind))
        .and_where(Expr::col(Events::RelatedId).eq(record))
        .order_by(Events::StartsAt, Order::Desc)
        .order_by(Events::Id, Order::Desc)
        .limit(limit);
    tx.all(&select).await
}

/// Ties the open (not done) events of one record to another (a lead's to
/// the customer it became); done ones stay with the record they were about.
/// Answers how many moved.
pub async fn move_open(
    tx: &mut Tx,
    (from_kind, from): (&str, i64),
    (to_kind, to): (&str, i64),
    now: DateTime<Utc>,
) -> Result<u64> {
    let update = Query::update()
        .table(Events::Table)
        .values([
            (Events::RelatedKind, to_kind.into()),
            (Events::RelatedId, to.into()),
            (Events::Version, Expr::col(Events::Version).add(1)),
            (Events::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Events::RelatedKind).eq(from_kind))
        .and_where(Expr::col(Events::RelatedId).eq(from))
        .and_where(Expr::col(Events::Done).eq(false))
        .to_owned();
    tx.execute(&update).await
}
