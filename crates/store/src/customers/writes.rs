//! Saving customers: insert, update, owner, lock, dealt marks, history and delete.

use chrono::{DateTime, Utc};
use kuijing_domain::Kind;
use sea_query::{Expr, Query, SimpleExpr};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::schema::{Customers, TeamMembers};

use super::CustomerFields;

pub(super) fn keys(fields: &CustomerFields) -> (String, Option<String>, Option<String>, String) {
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
