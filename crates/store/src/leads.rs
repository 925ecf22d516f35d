//! Leads: prospects in the owner's scope, converted into customers.

use chrono::{DateTime, Utc};
use kuijing_domain::Visibility;
use sea_query::{Expr, Func, LikeExpr, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;

use crate::Page;
use crate::db::Tx;
use crate::error::Result;
use crate::schema::{FollowUps, Leads};
use crate::visibility::{contains_pattern, owned_by_visible};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Lead {
    pub id: i64,
    pub name: String,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
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

#[derive(Debug, Clone, Default)]
pub struct LeadFields {
    pub name: String,
    pub contact_name: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub level_id: Option<i64>,
    pub industry_id: Option<i64>,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
    pub next_contact_at: Option<DateTime<Utc>>,
}

const COLUMNS: [Leads; 21] = [
    Leads::Id,
    Leads::Name,
    Leads::ContactName,
    Leads::Mobile,
    Leads::Phone,
    Leads::Email,
    Leads::Address,
    Leads::LevelId,
    Leads::IndustryId,
    Leads::SourceId,
    Leads::Notes,
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

fn filtered(
    visibility: &Visibility,
    search: Option<&str>,
    converted: Option<bool>,
) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(Leads::Table)
        .cond_where(owned_by_visible(Leads::OwnerId, visibility));
    if let Some(search) = search {
        query.and_where(
            Expr::col(Leads::SearchText).like(LikeExpr::new(contains_pattern(search)).escape('\\')),
        );
    }
    if let Some(converted) = converted {
        query.and_where(Expr::col(Leads::Converted).eq(converted));
    }
    query
}

pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    search: Option<&str>,
    converted: Option<bool>,
    page: Page,
) -> Result<Vec<Lead>> {
    let mut query = filtered(visibility, search, converted);
    query.columns(COLUMNS);
    if let Some(after) = page.after {
        query.and_where(Expr::col(Leads::Id).lt(after));
    }
    query.order_by(Leads::Id, Order::Desc).limit(page.limit);
    tx.all(&query).await
}

pub async fn count(
    tx: &mut Tx,
    visibility: &Visibility,
    search: Option<&str>,
    converted: Option<bool>,
) -> Result<i64> {
    let mut query = filtered(visibility, search, converted);
    query.expr(Func::count(Expr::col(Leads::Id)));
    tx.count(&query).await
}

pub async fn get(tx: &mut Tx, visibility: &Visibility, id: i64) -> Result<Option<Lead>> {
    let mut query = filtered(visibility, None, None);
    query
        .columns(COLUMNS)
        .and_where(Expr::col(Leads::Id).eq(id));
    tx.optional(&query).await
}

fn values(fields: &LeadFields) -> Vec<(Leads, SimpleExpr)> {
    let mut search = format!(
        "{} {}",
        kuijing_domain::text::normalize(&fields.name),
        kuijing_domain::company::match_key(&fields.name)
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
        search.push_str(&kuijing_domain::company::phone_key(extra));
    }
    vec![
        (Leads::Name, fields.name.clone().into()),
        (Leads::ContactName, fields.contact_name.clone().into()),
        (Leads::Mobile, fields.mobile.clone().into()),
        (Leads::Phone, fields.phone.clone().into()),
        (Leads::Email, fields.email.clone().into()),
        (Leads::Address, fields.address.clone().into()),
        (Leads::LevelId, fields.level_id.into()),
        (Leads::IndustryId, fields.industry_id.into()),
        (Leads::SourceId, fields.source_id.into()),
        (Leads::Notes, fields.notes.clone().into()),
        (Leads::NextContactAt, fields.next_contact_at.into()),
        (Leads::SearchText, search.into()),
    ]
}

pub async fn insert(
    tx: &mut Tx,
    fields: &LeadFields,
    owner: i64,
    creator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut pairs = values(fields);
    pairs.extend([
        (Leads::OwnerId, owner.into()),
        (Leads::CreatedBy, creator.into()),
        (Leads::Version, 1i64.into()),
        (Leads::CreatedAt, now.into()),
        (Leads::UpdatedAt, now.into()),
    ]);
    let (columns, exprs): (Vec<Leads>, Vec<SimpleExpr>) = pairs.into_iter().unzip();
    let insert = Query::insert()
        .into_table(Leads::Table)
        .columns(columns)
        .values_panic(exprs)
        .returning_col(Leads::Id)
        .to_owned();
    tx.insert_id(&insert).await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &LeadFields,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut pairs = values(fields);
    pairs.extend([
        (Leads::Version, (version + 1).into()),
        (Leads::UpdatedAt, now.into()),
    ]);
    let update = Query::update()
        .table(Leads::Table)
        .values(pairs)
        .and_where(Expr::col(Leads::Id).eq(id))
        .and_where(Expr::col(Leads::Version).eq(version))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
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

pub async fn touch_follow_up(
    tx: &mut Tx,
    id: i64,
    at: DateTime<Utc>,
    text: &str,
    next: Option<DateTime<Utc>>,
) -> Result<()> {
    let mut values = vec![
        (Leads::LastFollowUpAt, at.into()),
        (
            Leads::LastFollowUpText,
            text.chars().take(200).collect::<String>().into(),
        ),
    ];
    if let Some(next) = next {
        values.push((Leads::NextContactAt, next.into()));
    }
    let update = Query::update()
        .table(Leads::Table)
        .values(values)
        .and_where(Expr::col(Leads::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    let delete = Query::delete()
        .from_table(Leads::Table)
        .and_where(Expr::col(Leads::Id).eq(id))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
}

/// Copies a lead's follow-ups onto the customer it became, keeping the
/// lead's own history as it was.
pub async fn carry_follow_ups(tx: &mut Tx, lead: i64, customer: i64) -> Result<u64> {
    let select = Query::select()
        .expr(Expr::val("customer"))
        .expr(Expr::val(customer))
        .columns([
            FollowUps::MethodId,
            FollowUps::Content,
            FollowUps::HappenedAt,
            FollowUps::NextContactAt,
            FollowUps::AuthorId,
            FollowUps::CreatedAt,
        ])
        .from(FollowUps::Table)
        .and_where(Expr::col(FollowUps::Kind).eq("lead"))
        .and_where(Expr::col(FollowUps::RecordId).eq(lead))
        .to_owned();
    let insert = Query::insert()
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
        .select_from(select)
        .map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))?
        .to_owned();
    tx.execute(&insert).await
}
