//! Follow-ups: what was said or done with a customer, lead or contact.

use chrono::{DateTime, Utc};
use sea_query::{Alias, Expr, Order, Query};
use serde::Serialize;

use kuijing_domain::Kind;

use crate::attachments::Attachment;
use crate::db::Tx;
use crate::error::Result;
use crate::record::{FollowUpColumns, next_contact_follows, touch_follow_up};
use crate::schema::{Contacts, Customers, FollowUpLinks, FollowUps, Leads, Opportunities, Users};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FollowUp {
    pub id: i64,
    pub method_id: Option<i64>,
    pub content: String,
    pub happened_at: DateTime<Utc>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub author_id: i64,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
    /// The contacts and opportunities it names besides its record.
    #[sqlx(skip)]
    pub links: Vec<FollowUpLink>,
    /// Files uploaded with it.
    #[sqlx(skip)]
    pub attachments: Vec<Attachment>,
}

/// A contact or an opportunity a follow-up names.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FollowUpLink {
    #[serde(skip)]
    pub follow_up_id: i64,
    /// `contact` or `opportunity`.
    pub kind: String,
    pub id: i64,
    pub name: String,
}

/// Where a follow-up belongs: its record's kind and id, and its author.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FollowUpOwner {
    pub kind: String,
    pub record_id: i64,
    pub author_id: i64,
}

pub struct NewFollowUp<'a> {
    pub kind: &'a str,
    pub record_id: i64,
    pub method_id: Option<i64>,
    pub content: &'a str,
    pub happened_at: DateTime<Utc>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub author_id: i64,
}

pub async fn insert(tx: &mut Tx, new: &NewFollowUp<'_>, now: DateTime<Utc>) -> Result<i64> {
    let query = Query::insert()
        .into_table(FollowUps::Table)
        .columns([
            FollowUps::Kind,
            FollowUps::RecordId,
            FollowUps::MethodId,
            FollowUps::Content,
            FollowUps::HappenedAt,
            FollowUps::NextContactAt,
            FollowUps::AuthorId,
            FollowUps::CreatedAt,
        ])
        .values_panic([
            new.kind.into(),
            new.record_id.into(),
            new.method_id.into(),
            new.content.into(),
            new.happened_at.into(),
            new.next_contact_at.into(),
            new.author_id.into(),
            now.into(),
        ])
        .returning_col(FollowUps::Id)
        .to_owned();
    tx.insert_id(&query).await
}

/// The follow-ups of one record, newest first; the caller has checked that
/// the record is visible.
pub async fn of_record(tx: &mut Tx, kind: &str, record: i64, limit: u64) -> Result<Vec<FollowUp>> {
    let query = Query::select()
        .columns([
            (FollowUps::Table, FollowUps::Id),
            (FollowUps::Table, FollowUps::MethodId),
            (FollowUps::Table, FollowUps::Content),
            (FollowUps::Table, FollowUps::HappenedAt),
            (FollowUps::Table, FollowUps::NextContactAt),
            (FollowUps::Table, FollowUps::AuthorId),
            (FollowUps::Table, FollowUps::CreatedAt),
        ])
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            sea_query::Alias::new("author_name"),
        )
        .from(FollowUps::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((FollowUps::Table, FollowUps::AuthorId)),
        )
        .and_where(Expr::col((FollowUps::Table, FollowUps::Kind)).eq(kind))
        .and_where(Expr::col((FollowUps::Table, FollowUps::RecordId)).eq(record))
        .order_by((FollowUps::Table, FollowUps::HappenedAt), Order::Desc)
        .order_by((FollowUps::Table, FollowUps::Id), Order::Desc)
        .limit(limit)
        .to_owned();
    tx.all(&query).await
}

/// Records a follow-up on the record it belongs to: its time and the start
/// of its text, and the next contact time when one was given. Answers
/// whether that next contact became the record's (a follow-up written for
/// an earlier day leaves the later plan alone).
pub async fn touch_record(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    at: DateTime<Utc>,
    text: &str,
    next: Option<DateTime<Utc>>,
) -> Result<bool> {
    macro_rules! columns {
        ($t:ident) => {
            FollowUpColumns {
                table: $t::Table,
                id: $t::Id,
                last_at: $t::LastFollowUpAt,
                last_text: $t::LastFollowUpText,
                next_contact: $t::NextContactAt,
            }
        };
    }
    macro_rules! touch {
        ($t:ident) => {
            (
                next_contact_follows(columns!($t), id, at),
                touch_follow_up(columns!($t), id, (at, text, next)),
            )
        };
    }
    let (follows, update) = match kind {
        Kind::Customer => touch!(Customers),
        Kind::Lead => touch!(Leads),
        Kind::Contact => touch!(Contacts),
        Kind::Opportunity => touch!(Opportunities),
        _ => return Ok(false),
    };
    let next_taken = next.is_some() && tx.count(&follows).await? > 0;
    tx.execute(&update).await?;
    Ok(next_taken)
}

/// Copies a record's follow-ups onto another record (a lead's onto the
/// customer it became), each with the files uploaded with it, keeping the
/// first record's history as it was.
pub async fn copy(
    tx: &mut Tx,
    (from_kind, from): (&str, i64),
    (to_kind, to): (&str, i64),
) -> Result<u64> {
    let ids = Query::select()
        .column(FollowUps::Id)
        .from(FollowUps::Table)
        .and_where(Expr::col(FollowUps::Kind).eq(from_kind))
        .and_where(Expr::col(FollowUps::RecordId).eq(from))
        .order_by(FollowUps::Id, Order::Asc)
        .to_owned();
    let ids: Vec<(i64,)> = tx.all(&ids).await?;
    let columns = [
        FollowUps::MethodId,
        FollowUps::Content,
        FollowUps::HappenedAt,
        FollowUps::NextContactAt,
        FollowUps::AuthorId,
        FollowUps::CreatedAt,
    ];
    for (id,) in &ids {
        let select = Query::select()
            .expr(Expr::val(to_kind))
            .expr(Expr::val(to))
            .columns(columns)
            .from(FollowUps::Table)
            .and_where(Expr::col(FollowUps::Id).eq(*id))
            .to_owned();
        let insert = Query::insert()
            .into_table(FollowUps::Table)
            .columns(
                [FollowUps::Kind, FollowUps::RecordId]
                    .into_iter()
                    .chain(columns),
            )
            .select_from(select)
            .map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))?
            .returning_col(FollowUps::Id)
            .to_owned();
        let copied = tx.insert_id(&insert).await?;
        let follow_up = Kind::FollowUp.as_str();
        crate::attachments::copy(tx, (follow_up, *id), (follow_up, copied)).await?;
    }
    Ok(ids.len() as u64)
}

/// A follow-up in a list across records: what it was about, by name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FollowUpRow {
    pub id: i64,
    /// `lead`, `customer`, `contact`, `opportunity` or `contract`.
    pub kind: String,
    pub record_id: i64,
    pub record_name: Option<String>,
    pub method_id: Option<i64>,
    pub content: String,
    pub happened_at: DateTime<Utc>,
    pub author_id: i64,
    pub author_name: String,
}

/// Which follow-ups a list shows: written in `[from, before)` by these
/// authors (`None`: anyone's, for a viewer who sees all).
#[derive(Debug, Clone, Default)]
pub struct FollowUpQuery {
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub authors: Option<Vec<i64>>,
}

fn narrowed(select: &mut sea_query::SelectStatement, query: &FollowUpQuery) {
    if let Some(from) = query.from {
        select.and_where(Expr::col((FollowUps::Table, FollowUps::HappenedAt)).gte(from));
    }
    if let Some(before) = query.before {
        select.and_where(Expr::col((FollowUps::Table, FollowUps::HappenedAt)).lt(before));
    }
    if let Some(authors) = &query.authors {
        select.and_where(
            Expr::col((FollowUps::Table, FollowUps::AuthorId)).is_in(authors.iter().copied()),
        );
    }
}

/// Follow-ups, the latest first (by when they happened, then the id, so
/// rows of one time keep their order), after the row of the page before;
/// the record's name is looked up by its kind.
pub async fn list(
    tx: &mut Tx,
    query: &FollowUpQuery,
    page: crate::Page,
) -> Result<Vec<FollowUpRow>> {
    let name_of = Expr::cust(
        "(case follow_ups.kind \
         when 'customer' then (select n.name from customers n where n.id = follow_ups.record_id) \
         when 'lead' then (select n.name from leads n where n.id = follow_ups.record_id) \
         when 'contact' then (select n.name from contacts n where n.id = follow_ups.record_id) \
         when 'opportunity' then (select n.name from opportunities n where n.id = follow_ups.record_id) \
         when 'contract' then (select n.name from contracts n where n.id = follow_ups.record_id) \
         end)",
    );
    let mut select = Query::select();
    select
        .columns([
            (FollowUps::Table, FollowUps::Id),
            (FollowUps::Table, FollowUps::Kind),
            (FollowUps::Table, FollowUps::RecordId),
            (FollowUps::Table, FollowUps::MethodId),
            (FollowUps::Table, FollowUps::Content),
            (FollowUps::Table, FollowUps::HappenedAt),
            (FollowUps::Table, FollowUps::AuthorId),
        ])
        .expr_as(name_of, sea_query::Alias::new("record_name"))
        .expr_as(
            Expr::col((Users::Table, Users::Name)),
            sea_query::Alias::new("author_name"),
        )
        .from(FollowUps::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((FollowUps::Table, FollowUps::AuthorId)),
        );
    narrowed(&mut select, query);
    if let Some(after) = page.after {
        // After the cursor's row in the order (time, then id, both
        // descending): the cursor is that row's id, its time read first.
        let cursor = Query::select()
            .column(FollowUps::HappenedAt)
            .from(FollowUps::Table)
            .and_where(Expr::col(FollowUps::Id).eq(after))
            .to_owned();
        let at: Option<(DateTime<Utc>,)> = tx.optional(&cursor).await?;
        let Some((at,)) = at else {
            return Ok(Vec::new());
        };
        let time = Expr::col((FollowUps::Table, FollowUps::HappenedAt));
        select.and_where(
            time.clone().lt(at).or(time
                .eq(at)
                .and(Expr::col((FollowUps::Table, FollowUps::Id)).lt(after))),
        );
    }
    select
        .order_by((FollowUps::Table, FollowUps::HappenedAt), Order::Desc)
        .order_by((FollowUps::Table, FollowUps::Id), Order::Desc)
        .limit(page.limit);
    tx.all(&select).await
}

pub async fn count(tx: &mut Tx, query: &FollowUpQuery) -> Result<i64> {
    let mut select = Query::select();
    select
        .expr(sea_query::Func::count(Expr::col((
            FollowUps::Table,
            FollowUps::Id,
        ))))
        .from(FollowUps::Table);
    narrowed(&mut select, query);
    tx.count(&select).await
}

/// The record and author of a follow-up, before the record's visibility is
/// checked.
pub async fn owner_of(tx: &mut Tx, id: i64) -> Result<Option<FollowUpOwner>> {
    let query = Query::select()
        .columns([FollowUps::Kind, FollowUps::RecordId, FollowUps::AuthorId])
        .from(FollowUps::Table)
        .and_where(Expr::col(FollowUps::Id).eq(id))
        .to_owned();
    tx.optional(&query).await
}

/// Names contacts or opportunities on a follow-up.
pub async fn add_links(tx: &mut Tx, follow_up: i64, kind: &str, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(FollowUpLinks::Table).columns([
        FollowUpLinks::FollowUpId,
        FollowUpLinks::Kind,
        FollowUpLinks::RecordId,
    ]);
    for id in ids {
        insert.values_panic([follow_up.into(), kind.into(), (*id).into()]);
    }
    tx.execute(&insert).await?;
    Ok(())
}

/// The contacts and opportunities the given follow-ups name, with their names.
pub async fn links_of(tx: &mut Tx, follow_ups: &[i64]) -> Result<Vec<FollowUpLink>> {
    if follow_ups.is_empty() {
        return Ok(Vec::new());
    }
    let contacts = links_query(
        "contact",
        (Contacts::Table, Contacts::Id, Contacts::Name),
        follow_ups,
    );
    let mut found: Vec<FollowUpLink> = tx.all(&contacts).await?;
    let opportunities = links_query(
        "opportunity",
        (Opportunities::Table, Opportunities::Id, Opportunities::Name),
        follow_ups,
    );
    found.extend(tx.all::<FollowUpLink>(&opportunities).await?);
    Ok(found)
}

fn links_query<T: sea_query::Iden + Copy + 'static>(
    kind: &str,
    (table, id, name): (T, T, T),
    follow_ups: &[i64],
) -> sea_query::SelectStatement {
    Query::select()
        .column((FollowUpLinks::Table, FollowUpLinks::FollowUpId))
        .column((FollowUpLinks::Table, FollowUpLinks::Kind))
        .expr_as(Expr::col((table, id)), Alias::new("id"))
        .expr_as(Expr::col((table, name)), Alias::new("name"))
        .from(FollowUpLinks::Table)
        .inner_join(
            table,
            Expr::col((table, id)).equals((FollowUpLinks::Table, FollowUpLinks::RecordId)),
        )
        .and_where(Expr::col((FollowUpLinks::Table, FollowUpLinks::Kind)).eq(kind))
        .and_where(
            Expr::col((FollowUpLinks::Table, FollowUpLinks::FollowUpId))
                .is_in(follow_ups.iter().copied()),
        )
        .order_by((table, name), Order::Asc)
        .to_owned()
}
