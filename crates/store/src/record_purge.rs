//! What goes with a deleted record: its follow-ups (with their files), its
//! attachments, its team and the schedule events about it.

use sea_query::{Cond, Expr, Query};

use crate::db::Tx;
use crate::error::Result;
use crate::schema::{Attachments, Contacts, Events, FollowUpLinks, FollowUps, TeamMembers};

/// Removes what hangs on the records `ids` of `kind` (the records stay);
/// answers the storage keys of the attachment rows removed, for the caller
/// to delete the files no other row names once the transaction is committed.
pub async fn purge(tx: &mut Tx, kind: &str, ids: &[i64]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let follow_ups: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(FollowUps::Id)
                .from(FollowUps::Table)
                .and_where(Expr::col(FollowUps::Kind).eq(kind))
                .and_where(Expr::col(FollowUps::RecordId).is_in(ids.iter().copied()))
                .to_owned(),
        )
        .await?;
    let follow_ups: Vec<i64> = follow_ups.into_iter().map(|(id,)| id).collect();
    let files = Cond::any()
        .add(
            Cond::all()
                .add(Expr::col(Attachments::Kind).eq(kind))
                .add(Expr::col(Attachments::RecordId).is_in(ids.iter().copied())),
        )
        .add(
            Cond::all()
                .add(Expr::col(Attachments::Kind).eq("follow_up"))
                .add(Expr::col(Attachments::RecordId).is_in(follow_ups.iter().copied())),
        );
    let keys: Vec<(String,)> = tx
        .all(
            &Query::select()
                .column(Attachments::StorageKey)
                .from(Attachments::Table)
                .cond_where(files.clone())
                .to_owned(),
        )
        .await?;
    tx.execute(
        &Query::delete()
            .from_table(Attachments::Table)
            .cond_where(files)
            .to_owned(),
    )
    .await?;
    tx.execute(
        &Query::delete()
            .from_table(Events::Table)
            .and_where(Expr::col(Events::RelatedKind).eq(kind))
            .and_where(Expr::col(Events::RelatedId).is_in(ids.iter().copied()))
            .to_owned(),
    )
    .await?;
    // Follow-ups of other records that named these ones (a contact).
    tx.execute(
        &Query::delete()
            .from_table(FollowUpLinks::Table)
            .and_where(Expr::col(FollowUpLinks::Kind).eq(kind))
            .and_where(Expr::col(FollowUpLinks::RecordId).is_in(ids.iter().copied()))
            .to_owned(),
    )
    .await?;
    tx.execute(
        &Query::delete()
            .from_table(FollowUps::Table)
            .and_where(Expr::col(FollowUps::Id).is_in(follow_ups.iter().copied()))
            .to_owned(),
    )
    .await?;
    tx.execute(
        &Query::delete()
            .from_table(TeamMembers::Table)
            .and_where(Expr::col(TeamMembers::Kind).eq(kind))
            .and_where(Expr::col(TeamMembers::RecordId).is_in(ids.iter().copied()))
            .to_owned(),
    )
    .await?;
    Ok(keys.into_iter().map(|(key,)| key).collect())
}

/// The contacts of the customers `ids`, whatever their owner (they go with
/// their customer).
pub async fn contacts_of(tx: &mut Tx, customers: &[i64]) -> Result<Vec<i64>> {
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(Contacts::Id)
                .from(Contacts::Table)
                .and_where(Expr::col(Contacts::CustomerId).is_in(customers.iter().copied()))
                .to_owned(),
        )
        .await?;
    Ok(found.into_iter().map(|(id,)| id).collect())
}

/// How many opportunities and contracts each of the customers `ids` has,
/// whoever owns them: records a customer cannot be deleted without.
/// Customers with neither are left out.
pub async fn deals_of(tx: &mut Tx, customers: &[i64]) -> Result<Vec<(i64, i64, i64)>> {
    use crate::schema::{Contracts, Opportunities};
    use std::collections::BTreeMap;
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    let mut counts: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let opportunities: Vec<(i64, i64)> = tx
        .all(
            &Query::select()
                .column(Opportunities::CustomerId)
                .expr(sea_query::Func::count(Expr::col(Opportunities::Id)))
                .from(Opportunities::Table)
                .and_where(Expr::col(Opportunities::CustomerId).is_in(customers.iter().copied()))
                .group_by_col(Opportunities::CustomerId)
                .to_owned(),
        )
        .await?;
    for (customer, count) in opportunities {
        counts.entry(customer).or_default().0 = count;
    }
    let contracts: Vec<(i64, i64)> = tx
        .all(
            &Query::select()
                .column(Contracts::CustomerId)
                .expr(sea_query::Func::count(Expr::col(Contracts::Id)))
                .from(Contracts::Table)
                .and_where(Expr::col(Contracts::CustomerId).is_in(customers.iter().copied()))
                .group_by_col(Contracts::CustomerId)
                .to_owned(),
        )
        .await?;
    for (customer, count) in contracts {
        counts.entry(customer).or_default().1 = count;
    }
    Ok(counts
        .into_iter()
        .map(|(customer, (opportunities, contracts))| (customer, opportunities, contracts))
        .collect())
}
