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
use sea_query::{Alias, Condition, Expr, Query, SimpleExpr, Value};
use serde::Serialize;

use crate::db::{Backend, Tx};
use crate::error::Result;
use crate::insight::Owners;

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

fn column(name: &'static str) -> Expr {
    match name.split_once('.') {
        Some((table, column)) => Expr::col((Alias::new(table), Alias::new(column))),
        None => Expr::col(Alias::new(name)),
    }
}

pub(crate) fn custom_value(backend: Backend, table: &'static str, key: &str) -> SimpleExpr {
    match backend {
        Backend::Sqlite => Expr::cust_with_values(
            format!("cast(json_extract({table}.custom, ?) as text)"),
            [format!("$.\"{key}\"")],
        ),
        Backend::Postgres => Expr::cust_with_values(
            format!("(({table}.custom)::jsonb ->> $1)"),
            [key.to_string()],
        ),
    }
}

/// A bucket of a column on SQLite, with a modifier that shifts instants
/// into the company's zone.
fn sqlite_bucket(column: &str, bucket: Bucket, shift: &str) -> String {
    match bucket {
        Bucket::Day => format!("strftime('%Y-%m-%d', {column}{shift})"),
        Bucket::Week => format!("date({column}{shift}, 'weekday 0', '-6 days')"),
        Bucket::Month => format!("strftime('%Y-%m', {column}{shift})"),
        Bucket::Quarter => format!(
            "(strftime('%Y', {column}{shift}) || '-Q' || ((cast(strftime('%m', {column}{shift}) as integer) + 2) / 3))"
        ),
        Bucket::Year => format!("strftime('%Y', {column}{shift})"),
    }
}

fn postgres_bucket(local: &str, bucket: Bucket) -> String {
    match bucket {
        Bucket::Day => format!("to_char({local}, 'YYYY-MM-DD')"),
        Bucket::Week => format!("to_char(date_trunc('week', {local}), 'YYYY-MM-DD')"),
        Bucket::Month => format!("to_char({local}, 'YYYY-MM')"),
        Bucket::Quarter => format!("to_char({local}, 'YYYY-\"Q\"Q')"),
        Bucket::Year => format!("to_char({local}, 'YYYY')"),
    }
}

fn key_expr(backend: Backend, key: &Key, zone: &Zone) -> SimpleExpr {
    match key {
        Key::Column(name) => Expr::cust(format!("cast({name} as text)")),
        Key::DepartmentOf(name) => Expr::cust(format!(
            "(select cast(key_users.department_id as text) from users key_users where key_users.id = {name})"
        )),
        Key::CategoryOf(name) => Expr::cust(format!(
            "(select cast(key_products.category_id as text) from products key_products where key_products.id = {name})"
        )),
        Key::Custom(table, field) => custom_value(backend, table, field),
        Key::Date(name, bucket) => match backend {
            Backend::Sqlite => Expr::cust(sqlite_bucket(name, *bucket, "")),
            Backend::Postgres => {
                Expr::cust(postgres_bucket(&format!("({name})::timestamp"), *bucket))
            }
        },
        Key::CustomDate(table, field, bucket) => match backend {
            Backend::Sqlite => {
                let value = format!("$.\"{field}\"");
                let expr = format!(
                    "(case when {SQLITE_CUSTOM} glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' then {SQLITE_CUSTOM} end)"
                );
                let sql = sqlite_bucket(&expr, *bucket, "").replace("{table}", table);
                let count = sql.matches('?').count();
                Expr::cust_with_values(sql, vec![value; count])
            }
            Backend::Postgres => Expr::cust_with_values(
                postgres_bucket(
                    &format!(
                        "(case when (({table}.custom)::jsonb ->> $1) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' then (({table}.custom)::jsonb ->> $1)::date end)::timestamp"
                    ),
                    *bucket,
                ),
                [field.clone()],
            ),
        },
        Key::CustomInstant(table, field, bucket) => match backend {
            Backend::Postgres => Expr::cust_with_values(
                postgres_bucket(
                    &format!(
                        "((case when (({table}.custom)::jsonb ->> $1) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T' then (({table}.custom)::jsonb ->> $1)::timestamptz end) at time zone {})",
                        zone.quoted_name()
                    ),
                    *bucket,
                ),
                [field.clone()],
            ),
            Backend::Sqlite => {
                // Kept as RFC 3339 in UTC, which SQLite's date functions read.
                let expr = SQLITE_CUSTOM.replace("{table}", table);
                sqlite_instant(&expr, &[format!("$.\"{field}\"").into()], *bucket, zone)
            }
        },
        Key::Instant(name, bucket) => match backend {
            Backend::Postgres => Expr::cust(postgres_bucket(
                &format!("({name} at time zone {})", zone.quoted_name()),
                *bucket,
            )),
            Backend::Sqlite => sqlite_instant(name, &[], *bucket, zone),
        },
    }
}

/// A custom field's value as text on SQLite, with one `?` for its path.
const SQLITE_CUSTOM: &str = "cast(json_extract({table}.custom, ?) as text)";

/// An instant expression bucketed in the company's zone on SQLite: one
/// branch per offset in force, exact across daylight saving changes, and a
/// single expression for most zones. `values` are the expression's own
/// bound values, repeated wherever the expression is.
fn sqlite_instant(expr: &str, values: &[Value], bucket: Bucket, zone: &Zone) -> SimpleExpr {
    let shift = |offset: i32| format!(", '{offset:+} seconds'");
    let mut bound: Vec<Value> = Vec::new();
    let with_expr = |sql: String, bound: &mut Vec<Value>| {
        let uses = sql.matches(expr).count();
        for _ in 0..uses {
            bound.extend(values.iter().cloned());
        }
        sql
    };
    if let [(None, offset)] = zone.offsets.as_slice() {
        let sql = with_expr(sqlite_bucket(expr, bucket, &shift(*offset)), &mut bound);
        return Expr::cust_with_values(sql, bound);
    }
    let mut sql = String::from("(case");
    let mut last = 0;
    for (until, offset) in &zone.offsets {
        match until {
            Some(until) => {
                sql.push_str(&with_expr(format!(" when {expr} < ?"), &mut bound));
                bound.push((*until).into());
                sql.push_str(&with_expr(
                    format!(" then {}", sqlite_bucket(expr, bucket, &shift(*offset))),
                    &mut bound,
                ));
            }
            None => last = *offset,
        }
    }
    sql.push_str(&with_expr(
        format!(" else {} end)", sqlite_bucket(expr, bucket, &shift(last))),
        &mut bound,
    ));
    Expr::cust_with_values(sql, bound)
}

fn measure_expr(backend: Backend, measure: &Measure) -> SimpleExpr {
    let whole = |inner: String| Expr::cust(format!("cast(coalesce({inner}, 0) as bigint)"));
    match measure {
        Measure::Count => Expr::cust("count(*)"),
        Measure::Distinct(name) => Expr::cust(format!("count(distinct {name})")),
        Measure::Sum(name) => whole(format!("sum({name})")),
        Measure::Seconds(start, end) => match backend {
            Backend::Sqlite => whole(format!(
                "sum(cast(round((julianday({end}) - julianday({start})) * 86400) as integer))"
            )),
            Backend::Postgres => {
                whole(format!("sum(round(extract(epoch from ({end} - {start}))))"))
            }
        },
        Measure::SumCustom(table, key) => custom_number(
            backend,
            table,
            key,
            match backend {
                Backend::Sqlite => {
                    "cast(coalesce(sum(cast(round({n} * 1000) as integer)), 0) as bigint)"
                }
                Backend::Postgres => "cast(coalesce(sum(round({n} * 1000)), 0) as bigint)",
            },
        ),
        Measure::Present(name) => Expr::cust(format!("count({name})")),
        Measure::PresentCustom(table, key) => custom_number(backend, table, key, "count({n})"),
    }
}

/// `around` with `{n}` the number a custom field holds where its text
/// reads as one (an optional minus, digits, and decimals after a single
/// point), null where it holds none or anything else: the same values on
/// both backends, so sums and the counts averages divide by agree, and
/// no text stops the statement.
fn custom_number(backend: Backend, table: &str, key: &str, around: &str) -> SimpleExpr {
    match backend {
        Backend::Sqlite => {
            let text = SQLITE_CUSTOM.replace("{table}", table);
            let number = format!(
                "(case when ({text} glob '[0-9]*' or {text} glob '-[0-9]*') and substr({text}, 2) not glob '*[^0-9.]*' and {text} not glob '*.*.*' and {text} not glob '*.' then cast({text} as real) end)"
            );
            let sql = around.replace("{n}", &number);
            let count = sql.matches('?').count();
            Expr::cust_with_values(sql, vec![format!("$.\"{key}\""); count])
        }
        Backend::Postgres => {
            let number = format!(
                "(case when (({table}.custom)::jsonb ->> $1) ~ '^-?[0-9]+(\\.[0-9]+)?$' then (({table}.custom)::jsonb ->> $1)::numeric end)"
            );
            Expr::cust_with_values(around.replace("{n}", &number), [key.to_string()])
        }
    }
}

fn filter_condition(backend: Backend, filter: &Filter) -> Condition {
    let one = |e: SimpleExpr| Condition::all().add(e);
    match filter {
        Filter::Eq(name, value) => one(column(name).eq(value.clone())),
        Filter::NotEq(name, value) => one(column(name).ne(value.clone())),
        Filter::In(name, values) => one(column(name).is_in(values.clone())),
        Filter::IsNull(name) => one(column(name).is_null()),
        Filter::NotNull(name) => one(column(name).is_not_null()),
        Filter::Between(name, from, to) => Condition::all()
            .add(column(name).gte(*from))
            .add(column(name).lt(*to)),
        Filter::Days(name, from, to) => Condition::all()
            .add(column(name).gte(*from))
            .add(column(name).lt(*to)),
        Filter::CustomEq(table, key, value) => {
            let table: &'static str = table;
            one(Expr::expr(custom_value(backend, table, key)).eq(value.clone()))
        }
        Filter::Custom(table, key, test) => custom_test(backend, table, key, test),
        Filter::Contains(name, text) => one(Expr::expr(sea_query::Func::lower(column(name)))
            .like(sea_query::LikeExpr::new(like_pattern(&text.to_lowercase())).escape('\\'))),
        Filter::AtLeast(name, value) => one(column(name).gte(value.clone())),
        Filter::AtMost(name, value) => one(column(name).lte(value.clone())),
        Filter::Before(name, value) => one(column(name).lt(value.clone())),
        Filter::BeforeOrNever(name, created, before) => {
            Condition::any().add(column(name).lt(*before)).add(
                Condition::all()
                    .add(column(name).is_null())
                    .add(column(created).lt(*before)),
            )
        }
        Filter::Condition(condition) => condition.clone(),
    }
}

/// `%text%` with the LIKE wildcards in the text escaped.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// A test on a custom field's text, with the key and every value bound.
fn custom_test(backend: Backend, table: &'static str, key: &str, test: &CustomTest) -> Condition {
    let value = Expr::expr(custom_value(backend, table, key));
    let number = |op: &str, bound: &str| match backend {
        Backend::Sqlite => Expr::cust_with_values(
            format!("cast(json_extract({table}.custom, ?) as real) {op} cast(? as real)"),
            [format!("$.\"{key}\""), bound.to_string()],
        ),
        // Only values that read as numbers are compared.
        Backend::Postgres => Expr::cust_with_values(
            format!(
                "(case when (({table}.custom)::jsonb ->> $1) ~ '^-{{0,1}}[0-9]+(\\.[0-9]+){{0,1}}$' then (({table}.custom)::jsonb ->> $1)::numeric end) {op} cast($2 as numeric)"
            ),
            [key.to_string(), bound.to_string()],
        ),
    };
    let one = |e: SimpleExpr| Condition::all().add(e);
    match test {
        CustomTest::Equals(text) => one({
            Expr::expr(sea_query::Func::lower(custom_value(backend, table, key)))
                .eq(text.to_lowercase())
        }),
        CustomTest::Contains(text) => one(Expr::expr(sea_query::Func::lower(custom_value(
            backend, table, key,
        )))
        .like(sea_query::LikeExpr::new(like_pattern(&text.to_lowercase())).escape('\\'))),
        CustomTest::OneOf(texts) => one(value.is_in(texts.iter().cloned())),
        CustomTest::Empty => Condition::any()
            .add(Expr::expr(custom_value(backend, table, key)).is_null())
            .add(Expr::expr(custom_value(backend, table, key)).eq("")),
        CustomTest::NotEmpty => Condition::all()
            .add(Expr::expr(custom_value(backend, table, key)).is_not_null())
            .add(Expr::expr(custom_value(backend, table, key)).ne("")),
        CustomTest::NumberAtLeast(bound) => one(number(">=", bound)),
        CustomTest::NumberAtMost(bound) => one(number("<=", bound)),
        CustomTest::Flag(flag) => {
            let texts: [&str; 2] = if *flag { ["1", "true"] } else { ["0", "false"] };
            one(match backend {
                Backend::Sqlite => Expr::cust_with_values(
                    format!("json_extract({table}.custom, ?) in (?, ?)"),
                    [
                        Value::from(format!("$.\"{key}\"")),
                        Value::from(i64::from(*flag)),
                        Value::from(texts[1]),
                    ],
                ),
                Backend::Postgres => Expr::cust_with_values(
                    format!("lower(({table}.custom)::jsonb ->> $1) in ($2, $3)"),
                    [key.to_string(), texts[0].to_string(), texts[1].to_string()],
                ),
            })
        }
        CustomTest::From(text) => one(value.gte(text.clone())),
        CustomTest::Before(text) => one(value.lt(text.clone())),
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
