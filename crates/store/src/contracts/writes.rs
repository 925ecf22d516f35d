//! Saving contracts: insert, update, dates, status, owner and delete.

use chrono::{DateTime, NaiveDate, Utc};
use kuijing_domain::sales::DocStatus;
use sea_query::{Expr, Query, SimpleExpr};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::Contracts;

use super::{ContractFields, KIND, OWNED};

fn values(
    fields: &ContractFields,
    number: &str,
    customer_name: &str,
) -> Result<Vec<(Contracts, SimpleExpr)>> {
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let search = format!(
        "{} {} {}",
        kuijing_domain::text::normalize(number),
        kuijing_domain::text::normalize(&fields.name),
        kuijing_domain::text::normalize(customer_name)
    );
    Ok(vec![
        (Contracts::Number, number.into()),
        (Contracts::Name, fields.name.clone().into()),
        (Contracts::CustomerId, fields.customer_id.into()),
        (Contracts::OpportunityId, fields.opportunity_id.into()),
        (Contracts::SignedOn, fields.signed_on.into()),
        (Contracts::StartsOn, fields.starts_on.into()),
        (Contracts::EndsOn, fields.ends_on.into()),
        (Contracts::Amount, fields.amount.into()),
        (Contracts::AmountByHand, fields.amount_by_hand.into()),
        (Contracts::Currency, fields.currency.clone().into()),
        (
            Contracts::CustomerSignerId,
            fields.customer_signer_id.into(),
        ),
        (Contracts::CompanySignerId, fields.company_signer_id.into()),
        (Contracts::PaymentMethodId, fields.payment_method_id.into()),
        (Contracts::Notes, fields.notes.clone().into()),
        (Contracts::Custom, custom.into()),
        (Contracts::SearchText, search.into()),
    ])
}

pub async fn insert(
    tx: &mut Tx,
    fields: &ContractFields,
    (number, customer_name): (&str, &str),
    owner: i64,
    (creator, now): (i64, DateTime<Utc>),
) -> Result<i64> {
    let mut pairs = values(fields, number, customer_name)?;
    pairs.extend([
        (Contracts::Status, DocStatus::Draft.as_str().into()),
        (Contracts::OwnerId, owner.into()),
        (Contracts::CreatedBy, creator.into()),
        (Contracts::CreatedAt, now.into()),
        (Contracts::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, KIND, pairs, &fields.custom).await
}

pub async fn update(
    tx: &mut Tx,
    (id, version): (i64, i64),
    fields: &ContractFields,
    (number, customer_name): (&str, &str),
    now: DateTime<Utc>,
) -> Result<bool> {
    let pairs = values(fields, number, customer_name)?;
    record::save_versioned(
        tx,
        (OWNED, KIND),
        (id, version),
        pairs,
        (&fields.custom, now),
    )
    .await
}

/// Gives a contract without a signing date `day` as its signing date; one
/// with a date keeps it. Whether it changed.
pub async fn date_if_undated(tx: &mut Tx, id: i64, day: NaiveDate) -> Result<bool> {
    let update = Query::update()
        .table(Contracts::Table)
        .values([(Contracts::SignedOn, day.into())])
        .and_where(Expr::col(Contracts::Id).eq(id))
        .and_where(Expr::col(Contracts::SignedOn).is_null())
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// Moves a contract from one status to another; lands only if it still has
/// the status read.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: DocStatus,
    to: DocStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let update = record::set_doc_status(
        OWNED,
        (Contracts::Status, Contracts::ApprovedAt),
        id,
        (from, to),
        now,
    );
    Ok(tx.execute(&update).await? == 1)
}

/// Sets the approval time as given (for loading history); otherwise the
/// approval time is the moment of the last approval.
pub async fn set_approved_at(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<()> {
    let update = Query::update()
        .table(Contracts::Table)
        .value(Contracts::ApprovedAt, at)
        .and_where(Expr::col(Contracts::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Sets what a contract received, when loading data whose payments are
/// known to be approved.
pub async fn set_received(tx: &mut Tx, id: i64, received: i64) -> Result<()> {
    let update = Query::update()
        .table(Contracts::Table)
        .value(Contracts::Received, received)
        .and_where(Expr::col(Contracts::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    crate::teams::drop_owner(tx, kuijing_domain::Kind::Contract, ids, owner).await?;
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, &[id]).await?;
    tx.execute(&record::delete(Contracts::Table, Contracts::Id, id))
        .await
}
