//! The opportunity list: its query and orders, pages, totals and the board's stage heads.

use chrono::NaiveDate;
use kuijing_domain::Visibility;
use kuijing_domain::pipeline::Outcome;
use sea_query::{Expr, Func, Query, SelectStatement, SimpleExpr};

use crate::db::Tx;
use crate::error::Result;
use crate::lists::{Listed, Sort};
use crate::record;
use crate::schema::Opportunities;
use crate::visibility::{readable_record, search_matches};

use super::{KIND, Opportunity, OpportunityRow, select_rows};

/// The orders the service's own reads use; a list sorts on any column
/// through [`crate::lists::Sort`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Id,
    UpdatedAt,
}

impl From<(SortColumn, bool)> for Sort<Opportunities> {
    fn from((column, descending): (SortColumn, bool)) -> Self {
        let column = match column {
            SortColumn::Id => Opportunities::Id,
            SortColumn::UpdatedAt => Opportunities::UpdatedAt,
        };
        Sort::by(column, descending)
    }
}

/// The columns the shared list engine sorts and pages opportunities by.
const LISTED: Listed<Opportunities> = Listed {
    table: Opportunities::Table,
    id: Opportunities::Id,
    search_text: Opportunities::SearchText,
    custom: Opportunities::Custom,
};

#[derive(Debug, Clone, Default)]
pub struct OpportunityQuery {
    pub search: Option<String>,
    pub pipeline: Option<i64>,
    pub stage: Option<i64>,
    pub outcome: Option<Outcome>,
    pub customer: Option<i64>,
    pub owners: Option<Vec<i64>>,
    pub ids: Option<Vec<i64>>,
    pub expected_from: Option<NaiveDate>,
    pub expected_before: Option<NaiveDate>,
    /// Created in `[from, before)`.
    pub created_from: Option<chrono::DateTime<chrono::Utc>>,
    pub created_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Won or lost in `[from, before)`.
    pub closed_from: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only those in this currency.
    pub currency: Option<String>,
}

pub(super) fn scoped(
    select: &mut SelectStatement,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
) {
    use Opportunities as O;
    select.cond_where(readable_record(
        O::Table,
        O::OwnerId,
        O::Id,
        KIND,
        visibility,
        actor,
        today,
    ));
    if let Some(search) = &query.search {
        select.and_where(search_matches((O::Table, O::SearchText), search));
    }
    let col = |c: O| Expr::col((O::Table, c));
    if let Some(pipeline) = query.pipeline {
        select.and_where(col(O::PipelineId).eq(pipeline));
    }
    if let Some(stage) = query.stage {
        select.and_where(col(O::StageId).eq(stage));
    }
    if let Some(outcome) = query.outcome {
        select.and_where(col(O::Outcome).eq(outcome.as_str()));
    }
    if let Some(customer) = query.customer {
        select.and_where(col(O::CustomerId).eq(customer));
    }
    if let Some(owners) = &query.owners {
        select.and_where(col(O::OwnerId).is_in(owners.iter().copied()));
    }
    if let Some(ids) = &query.ids {
        select.and_where(col(O::Id).is_in(ids.iter().copied()));
    }
    if let Some(from) = query.created_from {
        select.and_where(col(O::CreatedAt).gte(from));
    }
    if let Some(before) = query.created_before {
        select.and_where(col(O::CreatedAt).lt(before));
    }
    if let Some(from) = query.closed_from {
        select.and_where(col(O::ClosedAt).gte(from));
    }
    if let Some(before) = query.closed_before {
        select.and_where(col(O::ClosedAt).lt(before));
    }
    if let Some(currency) = &query.currency {
        select.and_where(col(O::Currency).eq(currency.as_str()));
    }
    if let Some(from) = query.expected_from {
        select.and_where(col(O::ExpectedCloseOn).gte(from));
    }
    if let Some(before) = query.expected_before {
        select.and_where(col(O::ExpectedCloseOn).lt(before));
    }
}

/// An opportunity's outcome as its place in the business order (open,
/// won, lost, invalid), to sort by.
pub fn outcome_rank() -> SimpleExpr {
    crate::lists::ranked(
        Expr::col((Opportunities::Table, Opportunities::Outcome)).into(),
        Outcome::ALL.iter().map(|o| o.as_str()),
    )
}

#[allow(clippy::too_many_arguments)]
pub async fn list(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
    sort: impl Into<Sort<Opportunities>>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) -> Result<Vec<Opportunity>> {
    let mut select = select_rows();
    scoped(&mut select, visibility, actor, today, query);
    crate::lists::page(tx, &mut select, LISTED, sort.into(), after, limit);
    let rows: Vec<OpportunityRow> = tx.all(&select).await?;
    rows.into_iter().map(Opportunity::try_from).collect()
}

/// The count and the amount per currency of the rows that match.
pub async fn totals(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
) -> Result<Vec<(String, i64, i64)>> {
    let mut select = Query::select();
    select
        .column((Opportunities::Table, Opportunities::Currency))
        .expr(Func::count(Expr::col((
            Opportunities::Table,
            Opportunities::Id,
        ))))
        .expr(record::sum_or_zero((
            Opportunities::Table,
            Opportunities::Amount,
        )))
        .from(Opportunities::Table);
    scoped(&mut select, visibility, actor, today, query);
    select.group_by_col((Opportunities::Table, Opportunities::Currency));
    let rows: Vec<(String, i64, i64)> = tx.all(&select).await?;
    Ok(rows)
}

/// Per stage of a pipeline: count and amount per currency of the open
/// opportunities that match, for the board's column heads.
pub async fn by_stage(
    tx: &mut Tx,
    visibility: &Visibility,
    actor: i64,
    today: NaiveDate,
    query: &OpportunityQuery,
) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut select = Query::select();
    select
        .column((Opportunities::Table, Opportunities::StageId))
        .column((Opportunities::Table, Opportunities::Currency))
        .expr(Func::count(Expr::col((
            Opportunities::Table,
            Opportunities::Id,
        ))))
        .expr(record::sum_or_zero((
            Opportunities::Table,
            Opportunities::Amount,
        )))
        .from(Opportunities::Table);
    scoped(&mut select, visibility, actor, today, query);
    select
        .group_by_col((Opportunities::Table, Opportunities::StageId))
        .group_by_col((Opportunities::Table, Opportunities::Currency));
    tx.all(&select).await
}
