//! Leads: prospects in the owner's scope, converted into customers.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::Visibility;
use kuijing_domain::company::{match_key, phone_key};
use sea_query::{Condition, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::lists::{ListQuery, Listed, Sort};
use crate::record::{self, OwnedTable};
use crate::schema::{Leads, TeamMembers};
use crate::visibility::{readable_record, writable_record};

const KIND: &str = "lead";

/// Whose leads a list or a read admits: the owners in the visibility, and
/// the actor as a team member whose membership holds on the day.
pub type Scope<'a> = (&'a Visibility, i64, NaiveDate);

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Lead {
    pub id: i64,
    pub name: String,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Kept as text: postal codes have leading zeros.
    pub postcode: Option<String>,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
    /// Values of custom fields, by key.
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub last_follow_up_text: Option<String>,
    pub owner_id: Option<i64>,
    pub converted: bool,
    pub customer_id: Option<i64>,
    pub converted_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct LeadRow {
    id: i64,
    name: String,
    contact_name: Option<String>,
    mobile: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    level_id: Option<i64>,
    industry_id: Option<i64>,
    source_id: Option<i64>,
    notes: Option<String>,
    custom: String,
    next_contact_at: Option<DateTime<Utc>>,
    last_follow_up_at: Option<DateTime<Utc>>,
    last_follow_up_text: Option<String>,
    owner_id: Option<i64>,
    converted: bool,
    customer_id: Option<i64>,
    converted_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<LeadRow> for Lead {
    type Error = crate::StoreError;

    fn try_from(r: LeadRow) -> Result<Self> {
        Ok(Lead {
            custom: record::custom_of(&r.custom, "lead", r.id)?,
            id: r.id,
            name: r.name,
            contact_name: r.contact_name,
            mobile: r.mobile,
            phone: r.phone,
            email: r.email,
            address: r.address,
            postcode: r.postcode,
            level_id: r.level_id,
            industry_id: r.industry_id,
            source_id: r.source_id,
            notes: r.notes,
            next_contact_at: r.next_contact_at,
            last_follow_up_at: r.last_follow_up_at,
            last_follow_up_text: r.last_follow_up_text,
            owner_id: r.owner_id,
            converted: r.converted,
            customer_id: r.customer_id,
            converted_at: r.converted_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The fields a lead is written with by a form, the API or an import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadFields {
    pub name: String,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Kept as text: postal codes have leading zeros.
    pub postcode: Option<String>,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
}

impl From<&Lead> for LeadFields {
    fn from(l: &Lead) -> Self {
        LeadFields {
            name: l.name.clone(),
            contact_name: l.contact_name.clone(),
            mobile: l.mobile.clone(),
            phone: l.phone.clone(),
            email: l.email.clone(),
            address: l.address.clone(),
            postcode: l.postcode.clone(),
            level_id: l.level_id,
            industry_id: l.industry_id,
            source_id: l.source_id,
            notes: l.notes.clone(),
            custom: l.custom.clone(),
            next_contact_at: l.next_contact_at,
        }
    }
}

/// What a lead list is narrowed to.
pub type LeadQuery = ListQuery<Leads>;

const COLUMNS: [Leads; 23] = [
    Leads::Id,
    Leads::Name,
    Leads::ContactName,
    Leads::Mobile,
    Leads::Phone,
    Leads::Email,
    Leads::Address,
    Leads::Postcode,
    Leads::LevelId,
    Leads::IndustryId,
    Leads::SourceId,
    Leads::Notes,
    Leads::Custom,
    Leads::NextContactAt,
    Leads::LastFollowUpAt,
    Leads::LastFollowUpText,
    Leads::OwnerId,
    Leads::Converted,
    Leads::CustomerId,
    Leads::ConvertedAt,
    Leads::Version,
    Leads::CreatedAt,
    Leads::UpdatedAt,
];

const LISTED: Listed<Leads> = Listed {
    table: Leads::Table,
    id: Leads::Id,
    search_text: Leads::SearchText,
    custom: Leads::Custom,
};

const OWNED: OwnedTable<Leads> = OwnedTable {
    table: Leads::Table,
    id: Leads::Id,
    owner: Leads::OwnerId,
    version: Leads::Version,
    updated_at: Leads::UpdatedAt,
};

fn filtered(tx: &Tx, (visibility, actor, today): Scope, query: &LeadQuery) -> SelectStatement {
    let mut select = Query::select();
    select.from(Leads::Table).cond_where(readable_record(
        Leads::Table,
        Leads::OwnerId,
        Leads::Id,
        KIND,
        visibility,
        actor,
        today,
    ));
    crate::lists::narrow(tx, &mut select, LISTED, query);
    select
}

/// A page of visible leads in the list's order, after the cursor row.
pub async fn list(
    tx: &mut Tx,
    scope: Scope<'_>,
    query: &LeadQuery,
    sort: Sort<Leads>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Lead>> {
    let mut select = filtered(tx, scope, query);
    select.columns(COLUMNS.map(|c| (Leads::Table, c)));
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<LeadRow> = tx.all(&select).await?;
    rows.into_iter().map(Lead::try_from).collect()
}

pub async fn count(tx: &mut Tx, scope: Scope<'_>, query: &LeadQuery) -> Result<i64> {
    let mut select = filtered(tx, scope, query);
    select.expr(Func::count(Expr::col((Leads::Table, Leads::Id))));
    tx.count(&select).await
}

pub async fn get(tx: &mut Tx, scope: Scope<'_>, id: i64) -> Result<Option<Lead>> {
    let mut select = filtered(tx, scope, &LeadQuery::default());
    select
        .columns(COLUMNS.map(|c| (Leads::Table, c)))
        .and_where(Expr::col((Leads::Table, Leads::Id)).eq(id));
    let row: Option<LeadRow> = tx.optional(&select).await?;
    row.map(Lead::try_from).transpose()
}

/// Whether the actor may change the lead: its owner is in the visibility,
/// or they are a team member with write access whose membership holds.
pub async fn writable(tx: &mut Tx, (visibility, actor, today): Scope<'_>, id: i64) -> Result<bool> {
    let select = Query::select()
        .expr(Func::count(Expr::col((Leads::Table, Leads::Id))))
        .from(Leads::Table)
        .and_where(Expr::col((Leads::Table, Leads::Id)).eq(id))
        .cond_where(writable_record(
            Leads::Table,
            Leads::OwnerId,
            Leads::Id,
            KIND,
            visibility,
            actor,
            today,
        ))
        .to_owned();
    Ok(tx.count(&select).await? == 1)
}

/// A lead's match key of its name and its search text.
fn search_of(fields: &LeadFields) -> (String, String) {
    let name_key = match_key(&fields.name);
    let mut search = format!(
        "{} {name_key}",
        kuijing_domain::text::normalize(&fields.name)
    );
    for extra in [
        &fields.contact_name,
        &fields.mobile,
        &fields.phone,
        &fields.email,
    ]
    .into_iter()
    .flatten()
    {
        search.push(' ');
        search.push_str(&kuijing_domain::text::normalize(extra));
        search.push(' ');
        search.push_str(&phone_key(extra));
    }
    (name_key, search)
}

fn key_of(phone: &Option<String>) -> Option<String> {
    phone.as_deref().map(phone_key).filter(|k| !k.is_empty())
}

fn values(fields: &LeadFields) -> Result<Vec<(Leads, SimpleExpr)>> {
    let (name_key, search) = search_of(fields);
    Ok(vec![
        (Leads::Name, fields.name.clone().into()),
        (Leads::NameKey, name_key.into()),
        (Leads::ContactName, fields.contact_name.clone().into()),
        (Leads::Mobile, fields.mobile.clone().into()),
        (Leads::MobileKey, key_of(&fields.mobile).into()),
        (Leads::Phone, fields.phone.clone().into()),
        (Leads::PhoneKey, key_of(&fields.phone).into()),
        (Leads::Email, fields.email.clone().into()),
        (Leads::Address, fields.address.clone().into()),
        (Leads::Postcode, fields.postcode.clone().into()),
        (Leads::LevelId, fields.level_id.into()),
        (Leads::IndustryId, fields.industry_id.into()),
        (Leads::SourceId, fields.source_id.into()),
        (Leads::Notes, fields.notes.clone().into()),
        (Leads::Custom, record::custom_text(&fields.custom)?.into()),
        (Leads::NextContactAt, fields.next_contact_at.into()),
        (Leads::SearchText, search.into()),
        (Leads::SearchPending, false.into()),
    ])
}

pub async fn insert(
    tx: &mut Tx,
    fields: &LeadFields,
    owner: i64,
    creator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields)?;
    pairs.extend([
        (Leads::OwnerId, owner.into()),
        (Leads::CreatedBy, creator.into()),
        (Leads::Version, 1i64.into()),
        (Leads::CreatedAt, now.into()),
        (Leads::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, "lead", pairs, &fields.custom).await
}

/// Writes new fields when the stored version is still `version`.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &LeadFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let pairs = values(fields)?;
    record::save_versioned(
        tx,
        (OWNED, "lead"),
        (id, version),
        pairs,
        (&fields.custom, now),
    )
    .await
}

/// Gives leads to another owner.
pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    crate::teams::drop_owner(tx, kuijing_domain::Kind::Lead, ids, owner).await?;
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
}

/// Marks a lead converted into a customer, if it was not already: one
/// statement, so a double submit converts once.
pub async fn mark_converted(
    tx: &mut Tx,
    id: i64,
    customer: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = Query::update()
        .table(Leads::Table)
        .values([
            (Leads::Converted, true.into()),
            (Leads::CustomerId, customer.into()),
            (Leads::ConvertedAt, now.into()),
            (Leads::Version, Expr::col(Leads::Version).add(1)),
            (Leads::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Leads::Id).eq(id))
        .and_where(Expr::col(Leads::Converted).eq(false))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

pub async fn delete(tx: &mut Tx, ids: &[i64]) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, ids).await?;
    let team = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(KIND))
        .and_where(Expr::col(TeamMembers::RecordId).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&team).await?;
    let delete = Query::delete()
        .from_table(Leads::Table)
        .and_where(Expr::col(Leads::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&delete).await
}

/// Leads that look like the same prospect: by name key, phone or e-mail,
/// whoever owns them (the caller decides what the user may learn of them).
pub async fn duplicates(
    tx: &mut Tx,
    name_key: Option<&str>,
    phone_key: Option<&str>,
    email: Option<&str>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let mut any = Condition::any();
    if let Some(key) = name_key.filter(|k| !k.is_empty()) {
        any = any.add(Expr::col(Leads::NameKey).eq(key));
    }
    if let Some(key) = phone_key.filter(|k| k.len() >= 6) {
        any = any
            .add(Expr::col(Leads::PhoneKey).eq(key))
            .add(Expr::col(Leads::MobileKey).eq(key));
    }
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        any = any.add(Expr::col(Leads::Email).eq(email));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .columns([Leads::Id, Leads::OwnerId])
        .from(Leads::Table)
        .cond_where(any)
        .order_by(Leads::Id, Order::Asc)
        .limit(20)
        .to_owned();
    tx.all(&select).await
}

/// Fills the matching keys of leads written before they were kept, once
/// after the migration that added them.
pub(crate) async fn fill_keys(tx: &mut Tx) -> Result<()> {
    let select = Query::select()
        .columns([Leads::Id, Leads::Name, Leads::Phone, Leads::Mobile])
        .from(Leads::Table)
        .and_where(Expr::col(Leads::NameKey).is_null())
        .to_owned();
    let rows: Vec<(i64, String, Option<String>, Option<String>)> = tx.all(&select).await?;
    for (id, name, phone, mobile) in rows {
        let key_of = |p: Option<String>| p.as_deref().map(phone_key).filter(|k| !k.is_empty());
        let update = Query::update()
            .table(Leads::Table)
            .values([
                (Leads::NameKey, match_key(&name).into()),
                (Leads::PhoneKey, key_of(phone).into()),
                (Leads::MobileKey, key_of(mobile).into()),
            ])
            .and_where(Expr::col(Leads::Id).eq(id))
            .to_owned();
        tx.execute(&update).await?;
    }
    Ok(())
}

/// Makes the search text and match keys of leads written before they were
/// made as they are now (migration 0032 marks them), a page at a time, as
/// `customers::rebuild_search` does.
pub(crate) async fn rebuild_search(tx: &mut Tx) -> Result<u64> {
    let mut rebuilt = 0;
    loop {
        let select = Query::select()
            .columns([
                Leads::Id,
                Leads::Name,
                Leads::ContactName,
                Leads::Mobile,
                Leads::Phone,
                Leads::Email,
            ])
            .from(Leads::Table)
            .and_where(crate::record::search_pending(tx.backend()))
            .order_by(Leads::Id, Order::Asc)
            .limit(500)
            .to_owned();
        type Row = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = tx.all(&select).await?;
        if rows.is_empty() {
            return Ok(rebuilt);
        }
        for (id, name, contact_name, mobile, phone, email) in rows {
            let fields = LeadFields {
                name,
                contact_name,
                mobile,
                phone,
                email,
                ..LeadFields::default()
            };
            let (name_key, search) = search_of(&fields);
            let update = Query::update()
                .table(Leads::Table)
                .values([
                    (Leads::NameKey, name_key.into()),
                    (Leads::MobileKey, key_of(&fields.mobile).into()),
                    (Leads::PhoneKey, key_of(&fields.phone).into()),
                    (Leads::SearchText, search.into()),
                    (Leads::SearchPending, false.into()),
                ])
                .and_where(Expr::col(Leads::Id).eq(id))
                .to_owned();
            tx.execute(&update).await?;
            rebuilt += 1;
        }
    }
}
