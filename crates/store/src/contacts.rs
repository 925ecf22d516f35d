//! Contacts: people at a customer. They follow their own owner's scope.

use chrono::{DateTime, Utc};
use kuijing_domain::Visibility;
use sea_query::{Expr, Func, LikeExpr, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::Page;
use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Contacts, Customers};
use crate::visibility::{contains_pattern, owned_by_visible};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub name: String,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub post: Option<String>,
    pub decision_maker: bool,
    pub is_primary: bool,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub owner_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactFields {
    pub customer_id: i64,
    pub name: String,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub post: Option<String>,
    pub decision_maker: bool,
    pub is_primary: bool,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub next_contact_at: Option<DateTime<Utc>>,
}

fn select(visibility: &Visibility) -> SelectStatement {
    let mut query = Query::select();
    query
        .columns([
            (Contacts::Table, Contacts::Id),
            (Contacts::Table, Contacts::CustomerId),
            (Contacts::Table, Contacts::Name),
            (Contacts::Table, Contacts::Mobile),
            (Contacts::Table, Contacts::Phone),
            (Contacts::Table, Contacts::Email),
            (Contacts::Table, Contacts::Post),
            (Contacts::Table, Contacts::DecisionMaker),
            (Contacts::Table, Contacts::IsPrimary),
            (Contacts::Table, Contacts::Address),
            (Contacts::Table, Contacts::Notes),
            (Contacts::Table, Contacts::NextContactAt),
            (Contacts::Table, Contacts::OwnerId),
            (Contacts::Table, Contacts::Version),
            (Contacts::Table, Contacts::CreatedAt),
            (Contacts::Table, Contacts::UpdatedAt),
        ])
        .expr_as(
            Expr::col((Customers::Table, Customers::Name)),
            sea_query::Alias::new("customer_name"),
        )
        .from(Contacts::Table)
        .inner_join(
            Customers::Table,
            Expr::col((Customers::Table, Customers::Id))
                .equals((Contacts::Table, Contacts::CustomerId)),
        )
        .cond_where(owned_by_visible(
            (Contacts::Table, Contacts::OwnerId),
            visibility,
        ));
    query
}

fn count_of(visibility: &Visibility) -> SelectStatement {
    Query::select()
        .expr(Func::count(Expr::col((Contacts::Table, Contacts::Id))))
        .from(Contacts::Table)
        .cond_where(owned_by_visible(
            (Contacts::Table, Contacts::OwnerId),
            visibility,
        ))
        .to_owned()
}

/// The contacts behind a dashboard figure: created in `[from, before)`,
/// of these owners.
#[derive(Debug, Clone, Default)]
pub struct ContactDrill {
    pub created_from: Option<chrono::DateTime<chrono::Utc>>,
    pub created_before: Option<chrono::DateTime<chrono::Utc>>,
    pub owners: Option<Vec<i64>>,
}

fn drill(query: &mut SelectStatement, drill: &ContactDrill) {
    if let Some(from) = drill.created_from {
        query.and_where(Expr::col((Contacts::Table, Contacts::CreatedAt)).gte(from));
    }
    if let Some(before) = drill.created_before {
        query.and_where(Expr::col((Contacts::Table, Contacts::CreatedAt)).lt(before));
    }
    if let Some(owners) = &drill.owners {
        query.and_where(
            Expr::col((Contacts::Table, Contacts::OwnerId)).is_in(owners.iter().copied()),
        );
    }
}

fn narrow(query: &mut SelectStatement, search: Option<&str>, customer: Option<i64>) {
    if let Some(search) = search {
        query.and_where(
            Expr::col((Contacts::Table, Contacts::SearchText))
                .like(LikeExpr::new(contains_pattern(search)).escape('\\')),
        );
    }
    if let Some(customer) = customer {
        query.and_where(Expr::col((Contacts::Table, Contacts::CustomerId)).eq(customer));
    }
}

/// A page of visible contacts, newest first.
pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    (search, customer, drilled): (Option<&str>, Option<i64>, &ContactDrill),
    page: Page,
) -> Result<Vec<Contact>> {
    let mut query = select(visibility);
    narrow(&mut query, search, customer);
    drill(&mut query, drilled);
    if let Some(after) = page.after {
        query.and_where(Expr::col((Contacts::Table, Contacts::Id)).lt(after));
    }
    query
        .order_by((Contacts::Table, Contacts::Id), Order::Desc)
        .limit(page.limit);
    tx.all(&query).await
}

pub async fn count(
    tx: &mut Tx,
    visibility: &Visibility,
    (search, customer, drilled): (Option<&str>, Option<i64>, &ContactDrill),
) -> Result<i64> {
    let mut query = count_of(visibility);
    narrow(&mut query, search, customer);
    drill(&mut query, drilled);
    tx.count(&query).await
}

pub async fn get(tx: &mut Tx, visibility: &Visibility, id: i64) -> Result<Option<Contact>> {
    let mut query = select(visibility);
    query.and_where(Expr::col((Contacts::Table, Contacts::Id)).eq(id));
    tx.optional(&query).await
}

fn values(fields: &ContactFields) -> Vec<(Contacts, SimpleExpr)> {
    let phone_key = fields
        .phone
        .as_deref()
        .or(fields.mobile.as_deref())
        .map(kuijing_domain::company::phone_key);
    let mut search = kuijing_domain::text::normalize(&fields.name);
    for extra in [&fields.mobile, &fields.phone, &fields.email]
        .into_iter()
        .flatten()
    {
        search.push(' ');
        search.push_str(&kuijing_domain::company::phone_key(extra));
        search.push(' ');
        search.push_str(&kuijing_domain::text::normalize(extra));
    }
    vec![
        (Contacts::CustomerId, fields.customer_id.into()),
        (Contacts::Name, fields.name.clone().into()),
        (Contacts::Mobile, fields.mobile.clone().into()),
        (Contacts::Phone, fields.phone.clone().into()),
        (Contacts::PhoneKey, phone_key.into()),
        (Contacts::Email, fields.email.clone().into()),
        (Contacts::Post, fields.post.clone().into()),
        (Contacts::DecisionMaker, fields.decision_maker.into()),
        (Contacts::IsPrimary, fields.is_primary.into()),
        (Contacts::Address, fields.address.clone().into()),
        (Contacts::Notes, fields.notes.clone().into()),
        (Contacts::NextContactAt, fields.next_contact_at.into()),
        (Contacts::SearchText, search.into()),
    ]
}

pub async fn insert(
    tx: &mut Tx,
    fields: &ContactFields,
    owner: i64,
    creator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields);
    pairs.extend([
        (Contacts::OwnerId, owner.into()),
        (Contacts::CreatedBy, creator.into()),
        (Contacts::Version, 1i64.into()),
        (Contacts::CreatedAt, now.into()),
        (Contacts::UpdatedAt, now.into()),
    ]);
    let (columns, exprs): (Vec<Contacts>, Vec<SimpleExpr>) = pairs.into_iter().unzip();
    let insert = Query::insert()
        .into_table(Contacts::Table)
        .columns(columns)
        .values_panic(exprs)
        .returning_col(Contacts::Id)
        .to_owned();
    tx.insert_id(&insert).await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &ContactFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut pairs = values(fields);
    pairs.extend([
        (Contacts::Version, (version + 1).into()),
        (Contacts::UpdatedAt, now.into()),
    ]);
    let update = Query::update()
        .table(Contacts::Table)
        .values(pairs)
        .and_where(Expr::col(Contacts::Id).eq(id))
        .and_where(Expr::col(Contacts::Version).eq(version))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// Makes one contact the primary one of its customer, and no other.
pub async fn make_primary(tx: &mut Tx, customer: i64, contact: i64) -> Result<()> {
    let update = Query::update()
        .table(Contacts::Table)
        .values([(Contacts::IsPrimary, Expr::col(Contacts::Id).eq(contact))])
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    let delete = Query::delete()
        .from_table(Contacts::Table)
        .and_where(Expr::col(Contacts::Id).eq(id))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
}

/// Gives a customer's contacts to its new owner, for a transfer that takes them along.
pub async fn set_owner_of_customers(
    tx: &mut Tx,
    customers: &[i64],
    owner: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    let update = Query::update()
        .table(Contacts::Table)
        .values([
            (Contacts::OwnerId, owner.into()),
            (Contacts::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Contacts::CustomerId).is_in(customers.iter().copied()))
        .to_owned();
    tx.execute(&update).await
}

/// Names of contacts by id, for showing related records.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .columns([Contacts::Id, Contacts::Name])
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::Id).is_in(ids.iter().copied()))
        .order_by(Contacts::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// A customer's contacts by name, for finding one an import names; the
/// caller has checked the customer.
pub async fn names_of_customer(tx: &mut Tx, customer: i64) -> Result<Vec<(i64, String)>> {
    let select = Query::select()
        .columns([Contacts::Id, Contacts::Name])
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .order_by(Contacts::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// The ids of a customer's contacts.
pub async fn ids_of_customer(tx: &mut Tx, customer: i64) -> Result<Vec<i64>> {
    let select = Query::select()
        .column(Contacts::Id)
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
