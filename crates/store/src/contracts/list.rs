//! The contract list: its filters, pages in a list's order, and totals per currency.

use chrono::NaiveDate;
use kuijing_domain::Visibility;
use kuijing_domain::sales::DocStatus;
use sea_query::{Alias, Expr, Func, Query, SelectStatement, SimpleExpr};

use crate::db::Tx;
use crate::error::Result;
use crate::lists::{Listed, Sort};
use crate::schema::Contracts;
use crate::visibility::{readable_record, search_matches};

use super::{Contract, ContractRow, KIND, select_rows};

#[derive(Debug, Clone, Default)]
pub struct ContractQuery {
    pub search: Option<String>,
    pub status: Option<DocStatus>,
    pub customer: Option<i64>,
    pub opportunity: Option<i64>,
    pub owners: Option<Vec<i64>>,
    pub ids: Option<Vec<i64>>,
    /// Signed on the days `[signed_from, signed_before)`.
    pub signed_from: Option<NaiveDate>,
    pub signed_before: Option<NaiveDate>,
    /// Only those in this currency.
    pub currency: Option<String>,
    /// Approved contracts ending within this window, for expiry reminders.
    pub ends_before: Option<NaiveDate>,
}
pub(super) fn scoped(
    select: &mut SelectStatement,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &ContractQuery,
) {
    use Contracts as C;
    select.cond_where(readable_record(
        C::Table,
        C::OwnerId,
        C::Id,
        KIND,
        visibility,
        actor,
        today,
    ));
    let col = |c: C| Expr::col((C::Table, c));
    if let Some(search) = &query.search {
        select.and_where(search_matches((C::Table, C::SearchText), search));
    }
    if let Some(status) = query.status {
        select.and_where(col(C::Status).eq(status.as_str()));
    }
    if let Some(customer) = query.customer {
        select.and_where(col(C::CustomerId).eq(customer));
    }
    if let Some(opportunity) = query.opportunity {
        select.and_where(col(C::OpportunityId).eq(opportunity));
    }
    if let Some(owners) = &query.owners {
        select.and_where(col(C::OwnerId).is_in(owners.iter().copied()));
    }
    if let Some(ids) = &query.ids {
        select.and_where(col(C::Id).is_in(ids.iter().copied()));
    }
    if let Some(from) = query.signed_from {
        select.and_where(col(C::SignedOn).gte(from));
    }
    if let Some(before) = query.signed_before {
        select.and_where(col(C::SignedOn).lt(before));
    }
    if let Some(currency) = &query.currency {
        select.and_where(col(C::Currency).eq(currency.as_str()));
    }
    if let Some(before) = query.ends_before {
        select
            .and_where(col(C::EndsOn).lt(before))
            .and_where(col(C::EndsOn).gte(today))
            .and_where(col(C::Status).eq(DocStatus::Approved.as_str()));
    }
}

/// Visible contracts, the newest first, after the contract `after`.
pub async fn list(
    tx: &mut Tx,
    scope: (&Visibility, i64, NaiveDate),
    query: &ContractQuery,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Contract>> {
    let sort = Sort::by(Contracts::Id, true);
    let after = after.map(|id| (id.into(), id));
    list_sorted(tx, scope, query, sort, after, limit).await
}

/// The columns the shared list engine sorts and pages contracts by.
const LISTED: Listed<Contracts> = Listed {
    table: Contracts::Table,
    id: Contracts::Id,
    search_text: Contracts::SearchText,
    custom: Contracts::Custom,
};

/// A page of visible contracts in a list's order, starting after the
/// cursor row (its sort value and id).
pub async fn list_sorted(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    query: &ContractQuery,
    sort: Sort<Contracts>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Contract>> {
    let mut select = select_rows();
    scoped(&mut select, visibility, actor, today, query);
    crate::lists::page(tx, &mut select, LISTED, sort, after, limit);
    let rows: Vec<ContractRow> = tx.all(&select).await?;
    rows.into_iter().map(Contract::try_from).collect()
}

/// A contract's status as its place in the business order (draft, in
/// approval, approved, rejected, withdrawn, void), to sort by.
pub fn status_rank() -> SimpleExpr {
    crate::lists::ranked(
        Expr::col((Contracts::Table, Contracts::Status)).into(),
        DocStatus::ALL.iter().map(|s| s.as_str()),
    )
}

/// What an approved contract still expects (never below nothing); empty
/// for the others, which expect nothing yet.
pub fn outstanding_value() -> SimpleExpr {
    let col = |c: Contracts| Expr::col((Contracts::Table, c));
    Expr::case(
        col(Contracts::Status).eq(DocStatus::Approved.as_str()),
        Expr::case(
            col(Contracts::Amount).gt(col(Contracts::Received)),
            col(Contracts::Amount).sub(col(Contracts::Received)),
        )
        .finally(Expr::val(0i64)),
    )
    .into()
}

/// Count, amount and received per currency of the matching rows.
/// Per currency: how many contracts match, and the count, amount and
/// received of the approved ones among them (only approved contracts count
/// in figures; drafts and voided ones are listed but not added up).
pub async fn totals(
    tx: &mut Tx,
    (visibility, actor, today): (&Visibility, i64, NaiveDate),
    query: &ContractQuery,
) -> Result<Vec<(String, i64, i64, i64, i64)>> {
    let approved =
        || Expr::col((Contracts::Table, Contracts::Status)).eq(DocStatus::Approved.as_str());
    let sum_approved = |c: Contracts| -> SimpleExpr {
        let value = Expr::case(approved(), Expr::col((Contracts::Table, c))).finally(0i64);
        Func::cast_as(
            Func::coalesce([Func::sum(value).into(), Expr::val(0i64).into()]),
            Alias::new("bigint"),
        )
        .into()
    };
    let mut select = Query::select();
    select
        .column((Contracts::Table, Contracts::Currency))
        .expr(Func::count(Expr::col((Contracts::Table, Contracts::Id))))
        .expr(Func::cast_as(
            Func::coalesce([
                Func::sum(Expr::case(approved(), 1i64).finally(0i64)).into(),
                Expr::val(0i64).into(),
            ]),
            Alias::new("bigint"),
        ))
        .expr(sum_approved(Contracts::Amount))
        .expr(sum_approved(Contracts::Received))
        .from(Contracts::Table);
    scoped(&mut select, visibility, actor, today, query);
    select.group_by_col((Contracts::Table, Contracts::Currency));
    tx.all(&select).await
}
