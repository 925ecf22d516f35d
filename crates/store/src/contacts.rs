//! Contacts: people at a customer. They follow their own owner's scope, and
//! the active team members of their customer read them too (and write them
//! if their membership lets them write the customer).

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::{Kind, Visibility};
use sea_query::{Condition, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::lists::{ListQuery, Listed, Sort};
use crate::record::{self, OwnedTable};
use crate::schema::{Contacts, Customers};
use crate::visibility::{owned_by_visible, team_records};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// Kept as text: postal codes have leading zeros.
    pub postcode: Option<String>,
    pub notes: Option<String>,
    /// Values of custom fields, by key.
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub last_follow_up_text: Option<String>,
    pub owner_id: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: i64,
    customer_id: i64,
    customer_name: String,
    name: String,
    mobile: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    post: Option<String>,
    decision_maker: bool,
    is_primary: bool,
    address: Option<String>,
    postcode: Option<String>,
    notes: Option<String>,
    custom: String,
    next_contact_at: Option<DateTime<Utc>>,
    last_follow_up_at: Option<DateTime<Utc>>,
    last_follow_up_text: Option<String>,
    owner_id: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ContactRow> for Contact {
    type Error = crate::StoreError;

    fn try_from(r: ContactRow) -> Result<Self> {
        Ok(Contact {
            custom: record::custom_of(&r.custom, "contact", r.id)?,
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            name: r.name,
            mobile: r.mobile,
            phone: r.phone,
            email: r.email,
            post: r.post,
            decision_maker: r.decision_maker,
            is_primary: r.is_primary,
            address: r.address,
            postcode: r.postcode,
            notes: r.notes,
            next_contact_at: r.next_contact_at,
            last_follow_up_at: r.last_follow_up_at,
            last_follow_up_text: r.last_follow_up_text,
            owner_id: r.owner_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The fields a contact is written with by a form, the API or an import.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Kept as text: postal codes have leading zeros.
    pub postcode: Option<String>,
    pub notes: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
}

impl From<&Contact> for ContactFields {
    fn from(c: &Contact) -> Self {
        ContactFields {
            customer_id: c.customer_id,
            name: c.name.clone(),
            mobile: c.mobile.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            post: c.post.clone(),
            decision_maker: c.decision_maker,
            is_primary: c.is_primary,
            address: c.address.clone(),
            postcode: c.postcode.clone(),
            notes: c.notes.clone(),
            custom: c.custom.clone(),
            next_contact_at: c.next_contact_at,
        }
    }
}

/// What a contact list is narrowed to.
pub type ContactQuery = ListQuery<Contacts>;

const COLUMNS: [Contacts; 20] = [
    Contacts::Id,
    Contacts::CustomerId,
    Contacts::Name,
    Contacts::Mobile,
    Contacts::Phone,
    Contacts::Email,
    Contacts::Post,
    Contacts::DecisionMaker,
    Contacts::IsPrimary,
    Contacts::Address,
    Contacts::Postcode,
    Contacts::Notes,
    Contacts::Custom,
    Contacts::NextContactAt,
    Contacts::LastFollowUpAt,
    Contacts::LastFollowUpText,
    Contacts::OwnerId,
    Contacts::Version,
    Contacts::CreatedAt,
    Contacts::UpdatedAt,
];

const LISTED: Listed<Contacts> = Listed {
    table: Contacts::Table,
    id: Contacts::Id,
    search_text: Contacts::SearchText,
    custom: Contacts::Custom,
};

const OWNED: OwnedTable<Contacts> = OwnedTable {
    table: Contacts::Table,
    id: Contacts::Id,
    owner: Contacts::OwnerId,
    version: Contacts::Version,
    updated_at: Contacts::UpdatedAt,
};

/// Whose contacts a caller reads: their scope (the contact kind's
/// visibility), the caller and the day team memberships are checked on.
pub type Scope<'a> = (&'a Visibility, i64, NaiveDate);

/// The contact scope predicate: contacts whose owner is in scope, and the
/// contacts of customers whose team the caller is on with a membership that
/// holds (one that lets them write, if `writing`).
fn in_scope((visibility, actor, today): Scope<'_>, writing: bool) -> Condition {
    let team = team_records(Kind::Customer.as_str(), actor, today, writing);
    Condition::any()
        .add(owned_by_visible(
            (Contacts::Table, Contacts::OwnerId),
            visibility,
        ))
        .add(Expr::col((Contacts::Table, Contacts::CustomerId)).in_subquery(team))
}

fn filtered(tx: &Tx, scope: Scope<'_>, query: &ContactQuery) -> SelectStatement {
    let mut select = Query::select();
    select
        .from(Contacts::Table)
        .inner_join(
            Customers::Table,
            Expr::col((Customers::Table, Customers::Id))
                .equals((Contacts::Table, Contacts::CustomerId)),
        )
        .cond_where(in_scope(scope, false));
    crate::lists::narrow(tx, &mut select, LISTED, query);
    select
}

fn with_columns(select: &mut SelectStatement) {
    select
        .columns(COLUMNS.map(|c| (Contacts::Table, c)))
        .expr_as(
            Expr::col((Customers::Table, Customers::Name)),
            sea_query::Alias::new("customer_name"),
        );
}

/// A page of visible contacts in the list's order, after the cursor row.
pub async fn list(
    tx: &mut Tx,
    scope: Scope<'_>,
    query: &ContactQuery,
    sort: Sort<Contacts>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Contact>> {
    let mut select = filtered(tx, scope, query);
    with_columns(&mut select);
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<ContactRow> = tx.all(&select).await?;
    rows.into_iter().map(Contact::try_from).collect()
}

pub async fn count(tx: &mut Tx, scope: Scope<'_>, query: &ContactQuery) -> Result<i64> {
    let mut select = filtered(tx, scope, query);
    select.expr(Func::count(Expr::col((Contacts::Table, Contacts::Id))));
    tx.count(&select).await
}

pub async fn get(tx: &mut Tx, scope: Scope<'_>, id: i64) -> Result<Option<Contact>> {
    let mut select = filtered(tx, scope, &ContactQuery::default());
    with_columns(&mut select);
    select.and_where(Expr::col((Contacts::Table, Contacts::Id)).eq(id));
    let row: Option<ContactRow> = tx.optional(&select).await?;
    row.map(Contact::try_from).transpose()
}

/// Whether the caller may change a contact: its owner is in scope, or they
/// are on its customer's team with a membership that lets them write.
pub async fn writable(tx: &mut Tx, scope: Scope<'_>, id: i64) -> Result<bool> {
    let select = Query::select()
        .expr(Func::count(Expr::col((Contacts::Table, Contacts::Id))))
        .from(Contacts::Table)
        .and_where(Expr::col((Contacts::Table, Contacts::Id)).eq(id))
        .cond_where(in_scope(scope, true))
        .to_owned();
    Ok(tx.count(&select).await? == 1)
}

/// Gives contacts to another owner.
pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
}

/// A contact's phone key (its phone, else its mobile) and search text.
fn search_of(fields: &ContactFields) -> (Option<String>, String) {
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
    (phone_key, search)
}

fn values(fields: &ContactFields) -> Result<Vec<(Contacts, SimpleExpr)>> {
    let (phone_key, search) = search_of(fields);
    Ok(vec![
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
        (Contacts::Postcode, fields.postcode.clone().into()),
        (Contacts::Notes, fields.notes.clone().into()),
        (Contacts::NextContactAt, fields.next_contact_at.into()),
        (
            Contacts::Custom,
            record::custom_text(&fields.custom)?.into(),
        ),
        (Contacts::SearchText, search.into()),
        (Contacts::SearchPending, false.into()),
    ])
}

pub async fn insert(
    tx: &mut Tx,
    fields: &ContactFields,
    owner: i64,
    creator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields)?;
    pairs.extend([
        (Contacts::OwnerId, owner.into()),
        (Contacts::CreatedBy, creator.into()),
        (Contacts::Version, 1i64.into()),
        (Contacts::CreatedAt, now.into()),
        (Contacts::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, "contact", pairs, &fields.custom).await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &ContactFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let pairs = values(fields)?;
    record::save_versioned(
        tx,
        (OWNED, "contact"),
        (id, version),
        pairs,
        (&fields.custom, now),
    )
    .await
}

/// Makes one contact the primary one of its customer, and no other; the
/// contacts that stop being primary get a new version (a form opened on one
/// before must not save it back as primary). Answers their ids.
pub async fn make_primary(tx: &mut Tx, customer: i64, contact: i64) -> Result<Vec<i64>> {
    let losing = Query::select()
        .column(Contacts::Id)
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .and_where(Expr::col(Contacts::IsPrimary).eq(true))
        .and_where(Expr::col(Contacts::Id).ne(contact))
        .to_owned();
    let losing: Vec<i64> = tx
        .all::<(i64,)>(&losing)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    let update = Query::update()
        .table(Contacts::Table)
        .values([(Contacts::IsPrimary, Expr::col(Contacts::Id).eq(contact))])
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .to_owned();
    tx.execute(&update).await?;
    if !losing.is_empty() {
        let bump = Query::update()
            .table(Contacts::Table)
            .value(Contacts::Version, Expr::col(Contacts::Version).add(1))
            .and_where(Expr::col(Contacts::Id).is_in(losing.iter().copied()))
            .to_owned();
        tx.execute(&bump).await?;
    }
    Ok(losing)
}

/// Makes the earliest contact of each of `customers` its primary one where
/// it has contacts but none is primary, so that a customer with contacts
/// always has one.
pub async fn keep_a_primary(tx: &mut Tx, customers: &[i64]) -> Result<()> {
    for customer in customers {
        let first = Query::select()
            .columns([Contacts::Id, Contacts::IsPrimary])
            .from(Contacts::Table)
            .and_where(Expr::col(Contacts::CustomerId).eq(*customer))
            .order_by(Contacts::IsPrimary, Order::Desc)
            .order_by(Contacts::Id, Order::Asc)
            .limit(1)
            .to_owned();
        if let Some((id, false)) = tx.optional::<(i64, bool)>(&first).await? {
            make_primary(tx, *customer, id).await?;
        }
    }
    Ok(())
}

/// Deletes contacts; a customer that loses its primary contact gets its
/// earliest remaining one as primary.
pub async fn delete(tx: &mut Tx, ids: &[i64]) -> Result<u64> {
    crate::unique_values::forget_records(tx, "contact", ids).await?;
    let customers = Query::select()
        .distinct()
        .column(Contacts::CustomerId)
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::Id).is_in(ids.iter().copied()))
        .to_owned();
    let customers: Vec<(i64,)> = tx.all(&customers).await?;
    let delete = Query::delete()
        .from_table(Contacts::Table)
        .and_where(Expr::col(Contacts::Id).is_in(ids.iter().copied()))
        .to_owned();
    let deleted = tx.execute(&delete).await?;
    let customers: Vec<i64> = customers.into_iter().map(|(id,)| id).collect();
    keep_a_primary(tx, &customers).await?;
    Ok(deleted)
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

/// The first `limit` of a customer's contacts in the caller's contact scope
/// (the primary one first, then in the order they were added) and how many
/// of them there are, the same ones the contact list narrowed to the
/// customer shows; the caller has checked the customer.
pub async fn first_of_customer(
    tx: &mut Tx,
    scope: Scope<'_>,
    customer: i64,
    limit: u64,
) -> Result<(Vec<i64>, i64)> {
    let select = Query::select()
        .column(Contacts::Id)
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .cond_where(in_scope(scope, false))
        .order_by(Contacts::IsPrimary, Order::Desc)
        .order_by(Contacts::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&select).await?;
    let count = Query::select()
        .expr(Func::count(Expr::col(Contacts::Id)))
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .cond_where(in_scope(scope, false))
        .to_owned();
    let total = tx.count(&count).await?;
    Ok((rows.into_iter().map(|(id,)| id).collect(), total))
}

/// The phone and mobile of each of a customer's contacts, by id: an
/// import matches a row's numbers against both.
pub async fn phones_of_customer(tx: &mut Tx, customer: i64) -> Result<Vec<Phones>> {
    let select = Query::select()
        .columns([Contacts::Id, Contacts::Phone, Contacts::Mobile])
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::CustomerId).eq(customer))
        .and_where(
            Expr::col(Contacts::Phone)
                .is_not_null()
                .or(Expr::col(Contacts::Mobile).is_not_null()),
        )
        .order_by(Contacts::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// A contact's id, phone and mobile.
pub type Phones = (i64, Option<String>, Option<String>);

/// Makes the search text and phone key of contacts written before they were
/// made as they are now (migration 0032 marks them), a page at a time, as
/// `customers::rebuild_search` does.
pub(crate) async fn rebuild_search(tx: &mut Tx) -> Result<u64> {
    let mut rebuilt = 0;
    loop {
        let select = Query::select()
            .columns([
                Contacts::Id,
                Contacts::Name,
                Contacts::Mobile,
                Contacts::Phone,
                Contacts::Email,
            ])
            .from(Contacts::Table)
            .and_where(crate::record::search_pending(tx.backend()))
            .order_by(Contacts::Id, Order::Asc)
            .limit(500)
            .to_owned();
        type Row = (i64, String, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Row> = tx.all(&select).await?;
        if rows.is_empty() {
            return Ok(rebuilt);
        }
        for (id, name, mobile, phone, email) in rows {
            let fields = ContactFields {
                name,
                mobile,
                phone,
                email,
                ..ContactFields::default()
            };
            let (phone_key, search) = search_of(&fields);
            let update = Query::update()
                .table(Contacts::Table)
                .values([
                    (Contacts::PhoneKey, phone_key.into()),
                    (Contacts::SearchText, search.into()),
                    (Contacts::SearchPending, false.into()),
                ])
                .and_where(Expr::col(Contacts::Id).eq(id))
                .to_owned();
            tx.execute(&update).await?;
            rebuilt += 1;
        }
    }
}
