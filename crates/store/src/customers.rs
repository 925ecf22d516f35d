//! Customers: the first kind of the record engine. Reads take the caller's
//! visibility; a customer is also visible to its team members.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::customer::Customer;
use kuijing_domain::{Kind, Visibility};
use sea_query::{Condition, Expr, Func, Order, Query};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::Customers;
use crate::visibility::{owned_by_visible, team_records};

mod duplicates;
pub use duplicates::{Duplicate, duplicates, duplicates_of};

mod writes;
pub use writes::{
    delete, insert, mark_dealt, set_history_start, set_locked, set_owner, take_next_contact,
    undeal_unless_approved, update,
};

mod list;
pub use list::{CustomerQuery, Filter, Sort, count, list};

mod upkeep;
pub(crate) use upkeep::{fill_regions, rebuild_search};

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
