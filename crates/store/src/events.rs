//! Schedule events: each is its owner's alone, so every read names the owner.

use chrono::{DateTime, Utc};
use sea_query::{Condition, Expr, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::record;
use crate::schema::Events;

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
}

const COLUMNS: [Events; 16] = [
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
}

fn select_own(owner: i64) -> SelectStatement {
    Query::select()
        .columns(COLUMNS)
        .from(Events::Table)
        .and_where(Expr::col(Events::OwnerId).eq(owner))
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

/// One of the owner's events; anyone else's is not found.
pub async fn get(tx: &mut Tx, owner: i64, id: i64) -> Result<Option<Event>> {
    let mut select = select_own(owner);
    select.and_where(Expr::col(Events::Id).eq(id));
    tx.optional(&select).await
}

/// The owner's events that touch `[from, to)`, by start.
pub async fn between(
    tx: &mut Tx,
    owner: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Event>> {
    let mut select = select_own(owner);
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

/// Moves a next contact to a new time, naming the follow-up that moved it.
pub async fn move_next_contact(
    tx: &mut Tx,
    id: i64,
    (at, title): (DateTime<Utc>, &str),
    follow_up: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let update = Query::update()
        .table(Events::Table)
        .values([
            (Events::StartsAt, at.into()),
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
