//! Saving opportunities: insert, update, amount, owner and delete.

use chrono::{DateTime, Utc};
use kuijing_domain::pipeline::Outcome;
use sea_query::{Expr, Query, SimpleExpr};

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::record;
use crate::schema::Opportunities;

use super::{KIND, OWNED, OpportunityFields};

fn values(
    fields: &OpportunityFields,
    customer_name: &str,
) -> Result<Vec<(Opportunities, SimpleExpr)>> {
    let custom =
        serde_json::to_string(&fields.custom).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let search = format!(
        "{} {}",
        kuijing_domain::text::normalize(&fields.name),
        kuijing_domain::text::normalize(customer_name)
    );
    Ok(vec![
        (Opportunities::Name, fields.name.clone().into()),
        (Opportunities::CustomerId, fields.customer_id.into()),
        (Opportunities::Amount, fields.amount.into()),
        (Opportunities::AmountByHand, fields.amount_by_hand.into()),
        (Opportunities::Currency, fields.currency.clone().into()),
        (
            Opportunities::ExpectedCloseOn,
            fields.expected_close_on.into(),
        ),
        (Opportunities::NextContactAt, fields.next_contact_at.into()),
        (Opportunities::Notes, fields.notes.clone().into()),
        (Opportunities::Custom, custom.into()),
        (Opportunities::SearchText, search.into()),
    ])
}

pub struct Placement {
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub outcome: Outcome,
    pub outcome_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    tx: &mut Tx,
    fields: &OpportunityFields,
    customer_name: &str,
    placement: &Placement,
    owner: i64,
    (creator, now): (i64, DateTime<Utc>),
) -> Result<i64> {
    let mut pairs = values(fields, customer_name)?;
    pairs.extend([
        (Opportunities::PipelineId, placement.pipeline_id.into()),
        (Opportunities::StageId, placement.stage_id.into()),
        (Opportunities::Outcome, placement.outcome.as_str().into()),
        (
            Opportunities::OutcomeReason,
            placement.outcome_reason.clone().into(),
        ),
        (Opportunities::ClosedAt, placement.closed_at.into()),
        (Opportunities::OwnerId, owner.into()),
        (Opportunities::CreatedBy, creator.into()),
        (Opportunities::CreatedAt, now.into()),
        (Opportunities::UpdatedAt, now.into()),
    ]);
    record::insert_record(tx, OWNED, KIND, pairs, &fields.custom).await
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    fields: &OpportunityFields,
    customer_name: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let pairs = values(fields, customer_name)?;
    record::save_versioned(
        tx,
        (OWNED, KIND),
        (id, version),
        pairs,
        (&fields.custom, now),
    )
    .await
}

/// Sets the amount from the product lines, unless it was set by hand.
pub async fn set_amount(tx: &mut Tx, id: i64, amount: i64) -> Result<()> {
    let update = Query::update()
        .table(Opportunities::Table)
        .value(Opportunities::Amount, amount)
        .and_where(Expr::col(Opportunities::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

pub async fn set_owner(tx: &mut Tx, ids: &[i64], owner: i64, now: DateTime<Utc>) -> Result<u64> {
    crate::teams::drop_owner(tx, kuijing_domain::Kind::Opportunity, ids, owner).await?;
    tx.execute(&record::set_owner(OWNED, ids, owner, now)).await
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<u64> {
    crate::unique_values::forget_records(tx, KIND, &[id]).await?;
    tx.execute(&record::delete(Opportunities::Table, Opportunities::Id, id))
        .await
}
