//! The customer list: its query, filters, order, pages and count.

use chrono::NaiveDate;
use kuijing_domain::Visibility;
use kuijing_domain::customer::Customer;
use sea_query::{Expr, Func, Query, SelectStatement};

use crate::db::Tx;
use crate::error::Result;
use crate::lists::Listed;
use crate::schema::Customers;

use super::{COLUMNS, CustomerRow, readable};

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
