//! Custom approval kinds (quotation, refund, expense, ...): the form an
//! administrator defines for a kind, and the requests users make on it.

use chrono::{DateTime, Utc};
use sea_query::{Expr, Order, Query};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::record;
use crate::schema::{RequestKinds, Requests};

/// A kind's form: its fields are a JSON list the service reads.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RequestKindRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub fields: String,
    pub active: bool,
    pub version: i64,
}

const KIND_COLUMNS: [RequestKinds; 6] = [
    RequestKinds::Id,
    RequestKinds::Kind,
    RequestKinds::Name,
    RequestKinds::Fields,
    RequestKinds::Active,
    RequestKinds::Version,
];

pub async fn kinds(tx: &mut Tx) -> Result<Vec<RequestKindRow>> {
    let query = Query::select()
        .columns(KIND_COLUMNS)
        .from(RequestKinds::Table)
        .order_by(RequestKinds::Name, Order::Asc)
        .order_by(RequestKinds::Id, Order::Asc)
        .to_owned();
    tx.all(&query).await
}

pub async fn kind(tx: &mut Tx, kind: &str) -> Result<Option<RequestKindRow>> {
    let query = Query::select()
        .columns(KIND_COLUMNS)
        .from(RequestKinds::Table)
        .and_where(Expr::col(RequestKinds::Kind).eq(kind))
        .to_owned();
    tx.optional(&query).await
}

pub async fn insert_kind(
    tx: &mut Tx,
    (kind, name, fields, active): (&str, &str, &str, bool),
    now: DateTime<Utc>,
) -> Result<i64> {
    let insert = record::insert(
        RequestKinds::Table,
        RequestKinds::Id,
        vec![
            (RequestKinds::Kind, kind.into()),
            (RequestKinds::Name, name.into()),
            (RequestKinds::Fields, fields.into()),
            (RequestKinds::Active, active.into()),
            (RequestKinds::CreatedAt, now.into()),
            (RequestKinds::UpdatedAt, now.into()),
        ],
    );
    tx.insert_id(&insert).await
}

/// Saves a kind's name and form on the version read; false when someone
/// saved in between.
pub async fn update_kind(
    tx: &mut Tx,
    (id, version): (i64, i64),
    (name, fields, active): (&str, &str, bool),
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = record::update_versioned(
        RequestKinds::Table,
        (RequestKinds::Id, id),
        (RequestKinds::Version, version),
        vec![
            (RequestKinds::Name, name.into()),
            (RequestKinds::Fields, fields.into()),
            (RequestKinds::Active, active.into()),
            (RequestKinds::UpdatedAt, now.into()),
        ],
    );
    Ok(tx.execute(&update).await? == 1)
}

/// A request; `fields` holds the values by key as a JSON object.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub fields: String,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub status: String,
    pub owner_id: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const REQUEST_COLUMNS: [Requests; 11] = [
    Requests::Id,
    Requests::Kind,
    Requests::Title,
    Requests::Fields,
    Requests::Amount,
    Requests::Currency,
    Requests::Status,
    Requests::OwnerId,
    Requests::Version,
    Requests::CreatedAt,
    Requests::UpdatedAt,
];

/// What a request says.
#[derive(Debug, Clone)]
pub struct RequestFields<'a> {
    pub title: &'a str,
    pub fields: &'a str,
    pub amount: Option<i64>,
    pub currency: Option<&'a str>,
}

pub async fn insert(
    tx: &mut Tx,
    kind: &str,
    owner: i64,
    fields: &RequestFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let insert = record::insert(
        Requests::Table,
        Requests::Id,
        vec![
            (Requests::Kind, kind.into()),
            (Requests::Title, fields.title.into()),
            (Requests::Fields, fields.fields.into()),
            (Requests::Amount, fields.amount.into()),
            (Requests::Currency, fields.currency.into()),
            (Requests::OwnerId, owner.into()),
            (Requests::CreatedAt, now.into()),
            (Requests::UpdatedAt, now.into()),
        ],
    );
    tx.insert_id(&insert).await
}

pub async fn update(
    tx: &mut Tx,
    (id, version): (i64, i64),
    fields: &RequestFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = record::update_versioned(
        Requests::Table,
        (Requests::Id, id),
        (Requests::Version, version),
        vec![
            (Requests::Title, fields.title.into()),
            (Requests::Fields, fields.fields.into()),
            (Requests::Amount, fields.amount.into()),
            (Requests::Currency, fields.currency.into()),
            (Requests::UpdatedAt, now.into()),
        ],
    );
    Ok(tx.execute(&update).await? == 1)
}

/// One request, whoever owns it: the service decides who may see it.
/// Several requests by id, in one query (in no particular order; ids not
/// found are left out).
pub async fn many_unscoped(tx: &mut Tx, ids: &[i64]) -> Result<Vec<RequestRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = Query::select()
        .columns(REQUEST_COLUMNS)
        .from(Requests::Table)
        .and_where(Expr::col(Requests::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.all(&query).await
}

pub async fn get_unscoped(tx: &mut Tx, id: i64) -> Result<Option<RequestRow>> {
    let query = Query::select()
        .columns(REQUEST_COLUMNS)
        .from(Requests::Table)
        .and_where(Expr::col(Requests::Id).eq(id))
        .to_owned();
    tx.optional(&query).await
}

/// A user's own requests, newest first, older than `before` (an id).
pub async fn of_owner(
    tx: &mut Tx,
    owner: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<RequestRow>> {
    let mut query = Query::select();
    query
        .columns(REQUEST_COLUMNS)
        .from(Requests::Table)
        .and_where(Expr::col(Requests::OwnerId).eq(owner))
        .order_by(Requests::Id, Order::Desc)
        .limit(limit);
    if let Some(before) = before {
        query.and_where(Expr::col(Requests::Id).lt(before));
    }
    tx.all(&query).await
}

pub async fn count_of_owner(tx: &mut Tx, owner: i64) -> Result<i64> {
    let query = Query::select()
        .expr(Expr::col(Requests::Id).count())
        .from(Requests::Table)
        .and_where(Expr::col(Requests::OwnerId).eq(owner))
        .to_owned();
    tx.count(&query).await
}

/// Moves a request from one status to another; lands only if it still has
/// the status read.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    (from, to): (&str, &str),
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Requests::Table)
        .values([
            (Requests::Status, to.into()),
            (Requests::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Requests::Id).eq(id))
        .and_where(Expr::col(Requests::Status).eq(from))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

pub async fn delete(tx: &mut Tx, id: i64, status: &str) -> Result<bool> {
    let delete = Query::delete()
        .from_table(Requests::Table)
        .and_where(Expr::col(Requests::Id).eq(id))
        .and_where(Expr::col(Requests::Status).eq(status))
        .to_owned();
    Ok(tx.execute(&delete).await? == 1)
}
