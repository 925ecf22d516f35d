//! Customers: the first kind of the record engine. Reads take the caller's
//! visibility; a customer is also visible to its team members.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::customer::Customer;
use kuijing_domain::{Kind, Visibility};
use sea_query::{Condition, Expr, Func, Order, Query, SelectStatement, SimpleExpr};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::lists::Listed;
use crate::schema::{Customers, TeamMembers};
use crate::visibility::{owned_by_visible, team_records};

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: i64,
    name: String,
    level_id: Option<i64>,
    industry_id: Option<i64>,
    source_id: Option<i64>,
    phone: Option<String>,
    mobile: Option<String>,
    email: Option<String>,
    website: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    province: Option<String>,
    city: Option<String>,
    district: Option<String>,
    tax_id: Option<String>,
    notes: Option<String>,
    custom: String,
    owner_id: Option<i64>,
    pool_id: Option<i64>,
    former_owner_id: Option<i64>,
    locked: bool,
    dealt: bool,
    dealt_at: Option<DateTime<Utc>>,
    last_follow_up_at: Option<DateTime<Utc>>,
    last_follow_up_text: Option<String>,
    next_contact_at: Option<DateTime<Utc>>,
    created_by: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = StoreError;

    fn try_from(r: CustomerRow) -> Result<Self> {
        let custom = serde_json::from_str(&r.custom)
            .map_err(|_| StoreError::Corrupt(format!("customer `{}` custom fields", r.id)))?;
        Ok(Customer {
            id: r.id,
            name: r.name,
            level_id: r.level_id,
            industry_id: r.industry_id,
            source_id: r.source_id,
            phone: r.phone,
            mobile: r.mobile,
            email: r.email,
            website: r.website,
            address: r.address,
            postcode: r.postcode,
            province: r.province,
            city: r.city,
            district: r.district,
            tax_id: r.tax_id,
            notes: r.notes,
            custom,
            owner_id: r.owner_id,
            pool_id: r.pool_id,
            former_owner_id: r.former_owner_id,
            locked: r.locked,
            dealt: r.dealt,
            dealt_at: r.dealt_at,
            last_follow_up_at: r.last_follow_up_at,
            last_follow_up_text: r.last_follow_up_text,
            next_contact_at: r.next_contact_at,
            created_by: r.created_by,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const COLUMNS: [Customers; 30] = [
    Customers::Id,
    Customers::Name,
    Customers::LevelId,
    Customers::IndustryId,
    Customers::SourceId,
    Customers::Phone,
    Customers::Mobile,
    Customers::Email,
    Customers::Website,
    Customers::Address,
    Customers::Postcode,
    Customers::Province,
    Customers::City,
    Customers::District,
    Customers::TaxId,
    Customers::Notes,
    Customers::Custom,
    Customers::OwnerId,
    Customers::PoolId,
    Customers::FormerOwnerId,
    Customers::Locked,
    Customers::Dealt,
    Customers::DealtAt,
    Customers::LastFollowUpAt,
    Customers::LastFollowUpText,
    Customers::NextContactAt,
    Customers::CreatedBy,
    Customers::Version,
    Customers::CreatedAt,
    Customers::UpdatedAt,
];

/// The fields a customer is written with by a form, the API or an import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerFields {
    pub name: String,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The detail line of the address.
    pub address: Option<String>,
    /// Kept as text: postal codes have leading zeros.
    pub postcode: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub tax_id: Option<String>,
    pub notes: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub next_contact_at: Option<DateTime<Utc>>,
}

/// One condition of a customer list's filter.
pub type Filter = crate::lists::Filter<Customers>;

/// What a customer list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CustomerQuery {
    /// Normalised text found in the name, phones, e-mail or tax ID.
    pub search: Option<String>,
    pub filters: Vec<Filter>,
    /// Only customers of this pool (owned ones otherwise).
    pub pool: Option<i64>,
    /// Only these ids (a selection of rows).
    pub ids: Option<Vec<i64>>,
}

/// A sortable column and the direction; ties break on the id.
pub type Sort = crate::lists::Sort<Customers>;

const LISTED: Listed<Customers> = Listed {
    table: Customers::Table,
    id: Customers::Id,
    search_text: Customers::SearchText,
    custom: Customers::Custom,
};

/// Who may read: owners in scope, or team members whose membership holds.
fn readable(visibility: &Visibility, actor: i64, today: NaiveDate) -> Condition {
    let team = team_records(Kind::Customer.as_str(), actor, today, false);
    Condition::any()
        .add(owned_by_visible(
            (Customers::Table, Customers::OwnerId),
            visibility,
        ))
        .add(Expr::col((Customers::Table, Customers::Id)).in_subquery(team))
}

fn filtered(
    tx: &Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &CustomerQuery,
) -> SelectStatement {
    let mut select = Query::select();
    select.from(Customers::Table);
    match query.pool {
        Some(pool) => {
            select
                .and_where(Expr::col(Customers::PoolId).eq(pool))
                .and_where(Expr::col(Customers::OwnerId).is_null());
        }
        None => {
            select.cond_where(readable(visibility, actor, today));
        }
    }
    let narrowing = crate::lists::ListQuery {
        search: query.search.clone(),
        filters: query.filters.clone(),
        ids: query.ids.clone(),
    };
    crate::lists::narrow(tx, &mut select, LISTED, &narrowing);
    select
}

/// A page of visible customers: sorted, then by id, starting after the
/// cursor row (its sort value and id), so pages never skip or repeat.
#[allow(clippy::too_many_arguments)]
pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &CustomerQuery,
    sort: Sort,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Customer>> {
    let mut select = filtered(tx, visibility, actor, today, query);
    select.columns(COLUMNS.map(|c| (Customers::Table, c)));
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<CustomerRow> = tx.all(&select).await?;
    rows.into_iter().map(Customer::try_from).collect()
}

pub async fn count(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &CustomerQuery,
) -> Result<i64> {
    let mut select = filtered(tx, visibility, actor, today, query);
    select.expr(Func::count(Expr::col((Customers::Table, Customers::Id))));
    tx.count(&select).await
}

/// A visible customer, owned or in a pool the caller may look into.
pub async fn get(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    id: i64,
    pools: &[i64],
) -> Result<Option<Customer>> {
    let mut select = Query::select();
    select
        .columns(COLUMNS.map(|c| (Customers::Table, c)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).eq(id))
        .cond_where(
            Condition::any()
                .add(readable(visibility, actor, today))
                .add(
                    Condition::all()
                        .add(Expr::col(Customers::OwnerId).is_null())
                        .add(Expr::col(Customers::PoolId).is_in(pools.iter().copied())),
                ),
        );
    let row: Option<CustomerRow> = tx.optional(&select).await?;
    row.map(Customer::try_from).transpose()
}

/// Whether the customer's owner is in the caller's scope: the owner, or
/// someone seeing the owner's customers (a manager), not a team member.
pub async fn owner_in_scope(tx: &mut Tx, visibility: &Visibility, id: i64) -> Result<bool> {
    let select = Query::select()
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).eq(id))
        .and_where(Expr::col(Customers::OwnerId).is_not_null())
        .cond_where(owned_by_visible(
            (Customers::Table, Customers::OwnerId),
            visibility,
        ))
        .to_owned();
    Ok(tx.count(&select).await? == 1)
}

/// Whether the caller may write: the owner in scope, or a team member with write.
pub async fn writable(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    id: i64,
) -> Result<bool> {
    let team = team_records(Kind::Customer.as_str(), actor, today, true);
    let select = Query::select()
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).eq(id))
        .cond_where(
            Condition::any()
                .add(owned_by_visible(
                    (Customers::Table, Customers::OwnerId),
                    visibility,
                ))
                .add(Expr::col(Customers::Id).in_subquery(team)),
        )
        .to_owned();
    Ok(tx.count(&select).await? == 1)
}

fn keys(fields: &CustomerFields) -> (String, Option<String>, Option<String>, String) {
    let name_key = kuijing_domain::company::match_key(&fields.name);
    let phone_key = fields
        .phone
        .as_deref()
        .map(kuijing_domain::company::phone_key)
        .filter(|k| !k.is_empty());
    let mobile_key = fields
        .mobile
        .as_deref()
        .map(kuijing_domain::company::phone_key)
        .filter(|k| !k.is_empty());
    let mut search = format!(
        "{} {}",
        kuijing_domain::text::normalize(&fields.name),
        name_key
    );
    for extra in [&phone_key, &mobile_key, &fields.email, &fields.tax_id]
        .into_iter()
        .flatten()
    {
        search.push(' ');
        search.push_str(extra);
    }
    (name_key, phone_key, mobile_key, search)
}

fn values(fields: &CustomerFields) -> Result<Vec<(Customers, SimpleExpr)>> {
    let (name_key, phone_key, mobile_key, search) = keys(fields);
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(vec![
        (Customers::Name, fields.name.clone().into()),
        (Customers::NameKey, name_key.into()),
        (Customers::LevelId, fields.level_id.into()),
        (Customers::IndustryId, fields.industry_id.into()),
        (Customers::SourceId, fields.source_id.into()),
        (Customers::Phone, fields.phone.clone().into()),
        (Customers::PhoneKey, phone_key.into()),
        (Customers::Mobile, fields.mobile.clone().into()),
        (Customers::MobileKey, mobile_key.into()),
        (Customers::Email, fields.email.clone().into()),
        (Customers::Website, fields.website.clone().into()),
        (Customers::Address, fields.address.clone().into()),
        (Customers::Postcode, fields.postcode.clone().into()),
        (Customers::Province, fields.province.clone().into()),
        (Customers::City, fields.city.clone().into()),
        (Customers::District, fields.district.clone().into()),
        (Customers::TaxId, fields.tax_id.clone().into()),
        (Customers::Notes, fields.notes.clone().into()),
        (Customers::Custom, custom.into()),
        (Customers::NextContactAt, fields.next_contact_at.into()),
        (Customers::SearchText, search.into()),
        (Customers::SearchPending, false.into()),
        // A customer written since holds the region it was given.
        (Customers::RegionPending, false.into()),
    ])
}

const OWNED: crate::record::OwnedTable<Customers> = crate::record::OwnedTable {
    table: Customers::Table,
    id: Customers::Id,
    owner: Customers::OwnerId,
    version: Customers::Version,
    updated_at: Customers::UpdatedAt,
};

pub async fn insert(
    tx: &mut Tx,
    fields: &CustomerFields,
    owner: Option<i64>,
    pool: Option<i64>,
    creator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields)?;
    pairs.extend([
        (Customers::OwnerId, owner.into()),
        (Customers::PoolId, pool.into()),
        (Customers::PoolEnteredAt, pool.map(|_| now).into()),
        (Customers::OwnedSince, owner.map(|_| now).into()),
        (Customers::CreatedBy, creator.into()),
        (Customers::Version, 1i64.into()),
        (Customers::CreatedAt, now.into()),
        (Customers::UpdatedAt, now.into()),
    ]);
    crate::record::insert_record(tx, OWNED, "customer", pairs, &fields.custom).await
}

/// Writes new fields when the stored version is still `version`.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &CustomerFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    crate::record::save_versioned(
        tx,
        (OWNED, "customer"),
        (id, version),
        values(fields)?,
        (&fields.custom, now),
    )
    .await
}

/// Gives customers to a new owner, out of any pool and off their teams.
pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    crate::teams::drop_owner(tx, Kind::Customer, ids, owner).await?;
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (
                Customers::FormerOwnerId,
                Expr::col(Customers::OwnerId).into(),
            ),
            (Customers::OwnerId, owner.into()),
            (Customers::PoolId, None::<i64>.into()),
            (Customers::OwnedSince, now.into()),
            (Customers::RecycleRemindedFor, None::<DateTime<Utc>>.into()),
            (Customers::Version, Expr::col(Customers::Version).add(1)),
            (Customers::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Customers::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&update).await
}

pub async fn delete(tx: &mut Tx, ids: &[i64]) -> Result<u64> {
    crate::unique_values::forget_records(tx, "customer", ids).await?;
    let team = Query::delete()
        .from_table(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(Kind::Customer.as_str()))
        .and_where(Expr::col(TeamMembers::RecordId).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&team).await?;
    let delete = Query::delete()
        .from_table(Customers::Table)
        .and_where(Expr::col(Customers::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&delete).await
}

/// Customers that look like the same company: by name key, phone or e-mail,
/// across all owners (the caller shows only what the actor may see by name).
pub async fn duplicates(
    tx: &mut Tx,
    name_key: Option<&str>,
    phone_key: Option<&str>,
    email: Option<&str>,
    except: Option<i64>,
) -> Result<Vec<Duplicate>> {
    let found = duplicates_of(tx, name_key, phone_key, email, None, except).await?;
    let ids: Vec<i64> = found.iter().map(|(id, _, _)| *id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .columns([
            Customers::Id,
            Customers::NameKey,
            Customers::PhoneKey,
            Customers::MobileKey,
            Customers::Email,
        ])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).is_in(ids))
        .to_owned();
    type Keys = (i64, String, Option<String>, Option<String>, Option<String>);
    let keys: Vec<Keys> = tx.all(&select).await?;
    let phone_key = phone_key.filter(|k| k.len() >= 6);
    Ok(found
        .into_iter()
        .map(|(id, name, owner_id)| {
            let mut matched = Vec::new();
            if let Some((_, name_of, phone, mobile, mail)) = keys.iter().find(|k| k.0 == id) {
                if name_key.is_some_and(|k| !k.is_empty() && k == name_of) {
                    matched.push("name");
                }
                if phone_key
                    .is_some_and(|k| [phone, mobile].iter().any(|p| p.as_deref() == Some(k)))
                {
                    matched.push("phone");
                }
                if email.is_some_and(|e| !e.is_empty() && mail.as_deref() == Some(e)) {
                    matched.push("email");
                }
            }
            Duplicate {
                id,
                name,
                owner_id,
                matched,
            }
        })
        .collect())
}

/// A customer that looks like one being typed, and which of its fields
/// matched (`name`, `phone`, `email`).
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub id: i64,
    pub name: String,
    pub owner_id: Option<i64>,
    pub matched: Vec<&'static str>,
}

/// As `duplicates`, where a tax ID decides: two customers with different
/// tax IDs are different companies even when they share a name or a phone
/// (companies of one group often share a switchboard).
pub async fn duplicates_of(
    tx: &mut Tx,
    name_key: Option<&str>,
    phone_key: Option<&str>,
    email: Option<&str>,
    tax_id: Option<&str>,
    except: Option<i64>,
) -> Result<Vec<(i64, String, Option<i64>)>> {
    let mut any = Condition::any();
    if let Some(key) = name_key.filter(|k| !k.is_empty()) {
        any = any.add(Expr::col(Customers::NameKey).eq(key));
    }
    if let Some(key) = phone_key.filter(|k| k.len() >= 6) {
        any = any
            .add(Expr::col(Customers::PhoneKey).eq(key))
            .add(Expr::col(Customers::MobileKey).eq(key));
    }
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        any = any.add(Expr::col(Customers::Email).eq(email));
    }
    let tax_id = tax_id.filter(|t| !t.is_empty());
    if let Some(tax_id) = tax_id {
        any = any.add(Expr::col(Customers::TaxId).eq(tax_id));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .columns([
            Customers::Id,
            Customers::Name,
            Customers::OwnerId,
            Customers::TaxId,
        ])
        .from(Customers::Table)
        .cond_where(any)
        .limit(50);
    if let Some(except) = except {
        select.and_where(Expr::col(Customers::Id).ne(except));
    }
    let found: Vec<(i64, String, Option<i64>, Option<String>)> = tx.all(&select).await?;
    Ok(found
        .into_iter()
        .filter(|(_, _, _, theirs)| match (tax_id, theirs.as_deref()) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => true,
        })
        .map(|(id, name, owner, _)| (id, name, owner))
        .collect())
}

/// Locks or unlocks a customer: a locked customer is never recycled into a
/// pool, nor released or deleted until unlocked.
pub async fn set_locked(tx: &mut Tx, id: i64, locked: bool, now: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (Customers::Locked, locked.into()),
            (Customers::Version, Expr::col(Customers::Version).add(1)),
            (Customers::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Customers::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Names of customers by id, for a change log that names what it links.
pub async fn names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .columns([Customers::Id, Customers::Name])
        .from(Customers::Table)
        .and_where(Expr::col(Customers::Id).is_in(ids.iter().copied()))
        .order_by(Customers::Id, Order::Asc)
        .to_owned();
    tx.all(&select).await
}

/// How many customers the company has, owned or in a pool.
pub async fn count_all(tx: &mut Tx) -> Result<i64> {
    let select = Query::select()
        .expr(Func::count(Expr::col(Customers::Id)))
        .from(Customers::Table)
        .to_owned();
    tx.count(&select).await
}

/// Marks a customer dealt (成交) from its first approved contract on.
pub async fn mark_dealt(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (Customers::Dealt, true.into()),
            (Customers::DealtAt, at.into()),
        ])
        .and_where(Expr::col(Customers::Id).eq(id))
        .and_where(Expr::col(Customers::Dealt).eq(false))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// A customer stays dealt only while one of its contracts is approved:
/// after the last one is voided it is no longer dealt.
pub async fn undeal_unless_approved(tx: &mut Tx, id: i64) -> Result<()> {
    let approved = Query::select()
        .expr(Expr::val(1))
        .from(crate::schema::Contracts::Table)
        .and_where(Expr::col(crate::schema::Contracts::CustomerId).eq(id))
        .and_where(Expr::col(crate::schema::Contracts::Status).eq("approved"))
        .to_owned();
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (Customers::Dealt, false.into()),
            (Customers::DealtAt, Option::<DateTime<Utc>>::None.into()),
        ])
        .and_where(Expr::col(Customers::Id).eq(id))
        .and_where(Expr::exists(approved).not())
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Dates a customer from its source data (a loaded company's history):
/// when it was created and has been owned since, and its last change.
pub async fn set_history_start(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Customers::Table)
        .values([
            (Customers::CreatedAt, at.into()),
            (Customers::UpdatedAt, at.into()),
            // Its owner has had it since then: recycle rules count from here.
            (
                Customers::OwnedSince,
                Expr::case(
                    Expr::col(Customers::OwnerId).is_null(),
                    Expr::val(None::<DateTime<Utc>>),
                )
                .finally(at)
                .into(),
            ),
        ])
        .and_where(Expr::col(Customers::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Customers whose name matches a match key, whoever owns them; the caller
/// checks which of them the user may see.
pub async fn ids_by_name_key(tx: &mut Tx, key: &str) -> Result<Vec<i64>> {
    let select = Query::select()
        .column(Customers::Id)
        .from(Customers::Table)
        .and_where(Expr::col(Customers::NameKey).eq(key))
        .order_by(Customers::Id, Order::Asc)
        .limit(20)
        .to_owned();
    let rows: Vec<(i64,)> = tx.all(&select).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Reads the region of customers written before it was kept from their
/// one-line address, once: the city and district (and a province) go to
/// their columns and the address keeps the rest, the detail line. Each row's
/// mark is cleared with its update, so running it again changes nothing.
pub(crate) async fn fill_regions(tx: &mut Tx) -> Result<u64> {
    let mut filled = 0;
    loop {
        let select = Query::select()
            .columns([Customers::Id, Customers::Address])
            .expr(Expr::cust(
                "(province is not null or city is not null or district is not null)",
            ))
            .from(Customers::Table)
            .and_where(Expr::col(Customers::RegionPending).eq(true))
            .order_by(Customers::Id, Order::Asc)
            .limit(500)
            .to_owned();
        let rows: Vec<(i64, Option<String>, bool)> = tx.all(&select).await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, address, has_region) in rows {
            let mut values: Vec<(Customers, SimpleExpr)> =
                vec![(Customers::RegionPending, false.into())];
            let region = kuijing_domain::region::split_address(address.as_deref().unwrap_or(""));
            // A region already given is the user's word and stays.
            if region.city.is_some() && !has_region {
                values.extend([
                    (Customers::Province, region.province.into()),
                    (Customers::City, region.city.into()),
                    (Customers::District, region.district.into()),
                    (Customers::Address, region.detail.into()),
                ]);
                if let Some(code) = region.postcode {
                    values.push((Customers::Postcode, code.into()));
                }
                filled += 1;
            }
            let update = Query::update()
                .table(Customers::Table)
                .values(values)
                .and_where(Expr::col(Customers::Id).eq(id))
                .and_where(Expr::col(Customers::RegionPending).eq(true))
                .to_owned();
            tx.execute(&update).await?;
        }
    }
}

/// Makes the search text and match keys of customers written before they
/// were made as they are now (migration 0032 marks them), a page at a time;
/// each row's mark is cleared with its update, so running it again changes
/// nothing and a start that stops half-way goes on where it stopped.
pub(crate) async fn rebuild_search(tx: &mut Tx) -> Result<u64> {
    let mut rebuilt = 0;
    loop {
        let select = Query::select()
            .columns([
                Customers::Id,
                Customers::Name,
                Customers::Phone,
                Customers::Mobile,
                Customers::Email,
                Customers::TaxId,
            ])
            .from(Customers::Table)
            .and_where(crate::record::search_pending(tx.backend()))
            .order_by(Customers::Id, Order::Asc)
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
        for (id, name, phone, mobile, email, tax_id) in rows {
            let fields = CustomerFields {
                name,
                phone,
                mobile,
                email,
                tax_id,
                ..CustomerFields::default()
            };
            let (name_key, phone_key, mobile_key, search) = keys(&fields);
            let update = Query::update()
                .table(Customers::Table)
                .values([
                    (Customers::NameKey, name_key.into()),
                    (Customers::PhoneKey, phone_key.into()),
                    (Customers::MobileKey, mobile_key.into()),
                    (Customers::SearchText, search.into()),
                    (Customers::SearchPending, false.into()),
                ])
                .and_where(Expr::col(Customers::Id).eq(id))
                .to_owned();
            tx.execute(&update).await?;
            rebuilt += 1;
        }
    }
}

/// Gives a customer the next contact time `at` when it has none or a later
/// one (a lead's, when the lead becomes or joins the customer).
pub async fn take_next_contact(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Customers::Table)
        .value(Customers::NextContactAt, at)
        .and_where(Expr::col(Customers::Id).eq(id))
        .cond_where(
            sea_query::Condition::any()
                .add(Expr::col(Customers::NextContactAt).is_null())
                .add(Expr::col(Customers::NextContactAt).gt(at)),
        )
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}
