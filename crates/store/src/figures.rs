//! Grouped figures for the reports and the report builder: one statement
//! shape for every kind of record — up to two group keys, the currency when
//! money is summed, and up to four measures — computed in the database, for
//! the owners the viewer may see, with instants bucketed in the company's
//! time zone.
//!
//! Table and column names reach this module only as `&'static str` from
//! the service's fixed catalogs; anything a user typed (a custom field's
//! key, a filter's value) is bound as a parameter.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Alias, Condition, Expr, Query, Value};
use serde::Serialize;

use crate::db::Tx;
use crate::error::Result;
use crate::insight::Owners;

mod conditions;
use conditions::filter_condition;

mod exprs;
pub(crate) use exprs::custom_value;
use exprs::{column, key_expr, measure_expr};

/// How instants or days are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Bucket {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Bucket {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "day" => Self::Day,
            "week" => Self::Week,
            "month" => Self::Month,
            "quarter" => Self::Quarter,
            "year" => Self::Year,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }
}

/// The company's time zone as each backend applies it: PostgreSQL by name,
/// SQLite by the offsets in force (in seconds east of UTC), each until the
/// instant it ends (the last one has none).
#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub offsets: Vec<(Option<DateTime<Utc>>, i32)>,
}

impl Zone {
    /// A zone name as PostgreSQL reads it, written out: IANA names only
    /// hold letters, digits, `/`, `_`, `+` and `-`.
    fn quoted_name(&self) -> String {
        let clean: String = self
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "/_+-".contains(*c))
            .collect();
        format!("'{clean}'")
    }
}

/// What rows are grouped by.
#[derive(Debug, Clone)]
pub enum Key {
    /// A column's value, as text (ids, choices, text).
    Column(&'static str),
    /// The department of the user a column names.
    DepartmentOf(&'static str),
    /// The category of the product a column names.
    CategoryOf(&'static str),
    /// A custom field's value, by its key.
    Custom(&'static str, String),
    /// An instant column, bucketed in the company's time zone.
    Instant(&'static str, Bucket),
    /// A date column (already a calendar day), bucketed.
    Date(&'static str, Bucket),
    /// A custom date field (`YYYY-MM-DD`), bucketed like a date column.
    CustomDate(&'static str, String, Bucket),
    /// A custom date-time field (an instant), bucketed in the company's zone.
    CustomInstant(&'static str, String, Bucket),
}

/// What is computed per group.
#[derive(Debug, Clone)]
pub enum Measure {
    Count,
    /// How many different values a column has.
    Distinct(&'static str),
    /// The sum of an integer column.
    Sum(&'static str),
    /// The sum of a number kept in a custom field, in thousandths.
    SumCustom(&'static str, String),
    /// How many rows have a value in a column (an average's divisor).
    Present(&'static str),
    /// How many rows hold a number in a custom field: the values
    /// `SumCustom` adds (an average's divisor).
    PresentCustom(&'static str, String),
    /// Seconds from one instant column to another, summed (for averages).
    Seconds(&'static str, &'static str),
}

/// A condition on the rows.
#[derive(Debug, Clone)]
pub enum Filter {
    Eq(&'static str, Value),
    NotEq(&'static str, Value),
    In(&'static str, Vec<Value>),
    IsNull(&'static str),
    NotNull(&'static str),
    /// `from <= column < to`, on instants.
    Between(&'static str, DateTime<Utc>, DateTime<Utc>),
    /// `from <= column < to`, on days.
    Days(&'static str, NaiveDate, NaiveDate),
    /// A custom field's value, as text, equal to one bound value.
    CustomEq(&'static str, String, String),
    /// A test on a custom field's value.
    Custom(&'static str, String, CustomTest),
    /// The lowercased text of a column contains the (lowercased) text.
    Contains(&'static str, String),
    /// `column >= value`.
    AtLeast(&'static str, Value),
    /// `column <= value`.
    AtMost(&'static str, Value),
    /// `column < value`.
    Before(&'static str, Value),
    /// `column < before`, or no value and the second column (when the
    /// record was created) before it: "not for that long, or never".
    BeforeOrNever(&'static str, &'static str, DateTime<Utc>),
    /// A condition the caller built from the list filters.
    Condition(Condition),
}

/// A test on the text a custom field holds. Numbers are compared as
/// numbers; days and instants as their ISO text, which sorts as they do.
#[derive(Debug, Clone)]
pub enum CustomTest {
    /// Equal, ignoring case.
    Equals(String),
    /// Contains, ignoring case.
    Contains(String),
    /// One of these texts, exactly.
    OneOf(Vec<String>),
    Empty,
    NotEmpty,
    /// A number at least this (decimal text).
    NumberAtLeast(String),
    /// A number at most this (decimal text).
    NumberAtMost(String),
    /// Text at least this (an ISO day or instant).
    From(String),
    /// Text before this (an ISO day or instant).
    Before(String),
    /// A yes/no field set to yes or to no. SQLite reads a stored JSON
    /// `true` as 1, PostgreSQL as `true`; both are taken for what they are.
    Flag(bool),
}

/// The rows a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Customers,
    Leads,
    Contacts,
    Opportunities,
    /// Opportunities with their stage's columns (its win rate).
    OpportunitiesAtStages,
    Contracts,
    Payments,
    FollowUps,
    /// Product lines of contracts, with their contract's columns.
    ContractLines,
    Approvals,
    PoolClaims,
    /// Releases into pools and assignments out of them.
    PoolMoves,
    /// Customers counted per day and owner (`customer_days`): sum
    /// `customer_days.created` or `.dealt` over `Filter::Days` on
    /// `customer_days.day`.
    CustomerDays,
}

impl Source {
    fn table(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Leads => "leads",
            Self::Contacts => "contacts",
            Self::Opportunities | Self::OpportunitiesAtStages => "opportunities",
            Self::Contracts => "contracts",
            Self::Payments => "payments",
            Self::FollowUps => "follow_ups",
            Self::ContractLines => "line_items",
            Self::Approvals => "approvals",
            Self::PoolClaims => "pool_claims",
            Self::PoolMoves => "pool_moves",
            Self::CustomerDays => "customer_days",
        }
    }
}

/// One grouped statement.
#[derive(Debug, Clone)]
pub struct Aggregate<'a> {
    pub source: Source,
    /// The column naming whose rows these are (qualified, `table.column`).
    pub owner: &'static str,
    pub owners: Owners<'a>,
    /// None, one or two keys.
    pub keys: Vec<Key>,
    /// The currency column, when money is summed: figures never add
    /// different currencies together.
    pub currency: Option<&'static str>,
    /// One to four measures.
    pub measures: Vec<Measure>,
    pub filters: Vec<Filter>,
    /// At most this many groups.
    pub limit: u64,
}

/// A group's figures: its keys (`None` where the value is empty), the
/// currency of its sums and the measures in the order asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Grouped {
    pub k1: Option<String>,
    pub k2: Option<String>,
    pub currency: Option<String>,
    pub m1: i64,
    pub m2: i64,
    pub m3: i64,
    pub m4: i64,
}

impl Grouped {
    pub fn measure(&self, index: usize) -> i64 {
        match index {
            0 => self.m1,
            1 => self.m2,
            2 => self.m3,
            _ => self.m4,
        }
    }
}

/// Runs one grouped statement.
pub async fn aggregate(tx: &mut Tx, query: &Aggregate<'_>, zone: &Zone) -> Result<Vec<Grouped>> {
    let backend = tx.backend();
    let table = query.source.table();
    let mut select = Query::select();
    select.from(Alias::new(table));
    if query.source == Source::ContractLines {
        select.inner_join(
            Alias::new("contracts"),
            Condition::all()
                .add(
                    Expr::col((Alias::new("contracts"), Alias::new("id")))
                        .equals((Alias::new("line_items"), Alias::new("record_id"))),
                )
                .add(Expr::col((Alias::new("line_items"), Alias::new("kind"))).eq("contract")),
        );
    }
    if query.source == Source::OpportunitiesAtStages {
        select.inner_join(
            Alias::new("stages"),
            Expr::col((Alias::new("stages"), Alias::new("id")))
                .equals((Alias::new("opportunities"), Alias::new("stage_id"))),
        );
    }
    let none = || Expr::cust("cast(null as text)");
    for (index, alias) in ["k1", "k2"].into_iter().enumerate() {
        let expr = query
            .keys
            .get(index)
            .map_or_else(none, |key| key_expr(backend, key, zone));
        select.expr_as(expr, Alias::new(alias));
    }
    let currency = query
        .currency
        .map_or_else(none, |c| Expr::cust(format!("cast({c} as text)")));
    select.expr_as(currency, Alias::new("currency"));
    for (index, alias) in ["m1", "m2", "m3", "m4"].into_iter().enumerate() {
        let expr = query.measures.get(index).map_or_else(
            || Expr::cust("cast(0 as bigint)"),
            |m| measure_expr(backend, m),
        );
        select.expr_as(expr, Alias::new(alias));
    }
    if let Some(owners) = query.owners {
        select.and_where(column(query.owner).is_in(owners.iter().copied()));
    }
    for filter in &query.filters {
        select.cond_where(filter_condition(backend, filter));
    }
    // Grouped and ordered by position, so a key with bound values is one
    // expression for PostgreSQL.
    let mut positions: Vec<&str> = ["1", "2"][..query.keys.len().min(2)].to_vec();
    if query.currency.is_some() {
        positions.push("3");
    }
    if !positions.is_empty() {
        select.add_group_by(positions.iter().map(|p| Expr::cust(*p)));
        for p in &positions {
            select.order_by_expr(Expr::cust(*p), sea_query::Order::Asc);
        }
    }
    select.limit(query.limit.max(1));
    tx.all(&select).await
}
