//! What every list of records shares: filters the service has already
//! checked, a search text, chosen ids, and a sort with a keyset cursor, for
//! any table whose columns are a sea-query `Iden`.

use sea_query::{
    Alias, Condition, Expr, ExprTrait, Iden, LikeExpr, Query, SelectStatement, SimpleExpr,
};

use crate::db::Tx;
use crate::fold::{fold_text, folded};
use crate::visibility::contains_pattern;

/// One condition of a list's filter, already checked by the service.
#[derive(Debug, Clone)]
pub enum Filter<C> {
    /// Text of a column contains the (lowercased) text.
    Contains(C, String),
    Equals(C, sea_query::Value),
    OneOf(C, Vec<i64>),
    IsEmpty(C),
    NotEmpty(C),
    /// From (inclusive) and to (exclusive).
    Between(C, Option<sea_query::Value>, Option<sea_query::Value>),
    /// A custom field's text equals.
    CustomEquals(String, String),
    CustomContains(String, String),
    /// A custom field whose value is one of these texts (case aside).
    CustomOneOf(String, Vec<String>),
    /// A multiple-choice custom field holding any of these choices.
    CustomHasAny(String, Vec<String>),
    /// A yes/no custom field set to this.
    CustomFlag(String, bool),
    /// A number or money custom field from and to these decimals, both
    /// included, compared as numbers.
    CustomNumbers(String, Option<String>, Option<String>),
    /// A date custom field from (inclusive) and to (exclusive) these ISO
    /// days, compared as dates.
    CustomDays(String, Option<String>, Option<String>),
    /// A date-time custom field from (inclusive) and to (exclusive) these
    /// RFC 3339 instants, compared as instants.
    CustomInstants(String, Option<String>, Option<String>),
    /// A custom field without a value, or with one.
    CustomEmpty(String, bool),
    /// The first column before the value, or empty and the second column
    /// before it (customers without a follow-up since then, counting those
    /// never followed up from their creation).
    BeforeOrNever(C, C, sea_query::Value),
}

/// What a list is narrowed to.
#[derive(Debug, Clone)]
pub struct ListQuery<C> {
    /// Normalised text found in the record's search text.
    pub search: Option<String>,
    pub filters: Vec<Filter<C>>,
    /// Only these ids (a selection of rows).
    pub ids: Option<Vec<i64>>,
}

impl<C> Default for ListQuery<C> {
    fn default() -> Self {
        Self {
            search: None,
            filters: Vec::new(),
            ids: None,
        }
    }
}

pub(crate) use crate::list_order::page;
pub use crate::list_order::{CustomOrder, Shown, Sort, null_cursor_value, ranked};

/// The columns of a table a list reads by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listed<C> {
    pub table: C,
    pub id: C,
    pub search_text: C,
    pub custom: C,
}

/// A custom field's value as text folded like the search's (width and case
/// aside). The key is checked against the
/// field definitions before it gets here; it is still bound, never spliced.
fn custom_text<C: Iden + Copy + 'static>(tx: &Tx, t: Listed<C>, key: &str) -> SimpleExpr {
    let column = format!("\"{}\".\"{}\"", t.table.to_string(), t.custom.to_string());
    let value = match tx.backend() {
        crate::Backend::Sqlite => Expr::cust_with_values(
            format!("json_extract({column}, ?)"),
            [format!("$.\"{key}\"")],
        ),
        crate::Backend::Postgres => {
            Expr::cust_with_values(format!("(({column}::jsonb) ->> $1)"), [key.to_string()])
        }
    };
    folded(tx.backend(), value)
}

/// A yes/no custom field set to `flag`: SQLite reads a stored `true` as 1,
/// PostgreSQL's text of it is `true`.
fn custom_flag<C: Iden + Copy + 'static>(
    tx: &Tx,
    t: Listed<C>,
    key: &str,
    flag: bool,
) -> SimpleExpr {
    let column = format!("\"{}\".\"{}\"", t.table.to_string(), t.custom.to_string());
    match tx.backend() {
        crate::Backend::Sqlite => Expr::cust_with_values(
            format!("json_extract({column}, ?) = ?"),
            [
                sea_query::Value::from(format!("$.\"{key}\"")),
                i64::from(flag).into(),
            ],
        ),
        crate::Backend::Postgres => Expr::cust_with_values(
            format!("(({column}::jsonb) ->> $1) = $2"),
            [key.to_string(), flag.to_string()],
        ),
    }
}

/// How a custom field's stored text is compared in a range.
#[derive(Clone, Copy)]
enum Typed {
    Number,
    Day,
    Instant,
}

/// A custom field's value as a number or a day, null when it does not read
/// as one (so it matches no range), beside one bound of its type.
fn custom_typed<C: Iden + Copy + 'static>(
    tx: &Tx,
    t: Listed<C>,
    key: &str,
    typed: Typed,
    op: &str,
    bound: &str,
) -> SimpleExpr {
    let column = format!("\"{}\".\"{}\"", t.table.to_string(), t.custom.to_string());
    match (tx.backend(), typed) {
        (crate::Backend::Sqlite, Typed::Number) => Expr::cust_with_values(
            format!("cast(json_extract({column}, ?) as real) {op} cast(? as real)"),
            [format!("$.\"{key}\""), bound.to_string()],
        ),
        (crate::Backend::Sqlite, Typed::Day) => Expr::cust_with_values(
            format!("date(json_extract({column}, ?)) {op} date(?)"),
            [format!("$.\"{key}\""), bound.to_string()],
        ),
        (crate::Backend::Sqlite, Typed::Instant) => Expr::cust_with_values(
            format!("julianday(json_extract({column}, ?)) {op} julianday(?)"),
            [format!("$.\"{key}\""), bound.to_string()],
        ),
        (crate::Backend::Postgres, Typed::Number) => Expr::cust_with_values(
            format!(
                "(case when (({column}::jsonb) ->> $1) ~ '^-{{0,1}}[0-9]+(\\.[0-9]+){{0,1}}$' then (({column}::jsonb) ->> $1)::numeric end) {op} cast($2 as numeric)"
            ),
            [key.to_string(), bound.to_string()],
        ),
        (crate::Backend::Postgres, Typed::Day) => Expr::cust_with_values(
            format!(
                "(case when (({column}::jsonb) ->> $1) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' then (({column}::jsonb) ->> $1)::date end) {op} cast($2 as date)"
            ),
            [key.to_string(), bound.to_string()],
        ),
        (crate::Backend::Postgres, Typed::Instant) => Expr::cust_with_values(
            format!(
                "(case when (({column}::jsonb) ->> $1) ~ '{INSTANT_PATTERN}' then (({column}::jsonb) ->> $1)::timestamptz end) {op} cast($2 as timestamptz)"
            ),
            [key.to_string(), bound.to_string()],
        ),
    }
}

/// An RFC 3339 instant as date-time custom fields keep it, as a
/// PostgreSQL pattern (other text reads as no instant).
pub(crate) const INSTANT_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+){0,1}(Z|[+-][0-9]{2}:[0-9]{2})$";

/// A custom field's value within a range of its type: numbers with both
/// ends included, days and instants from the first up to (not including)
/// the second.
fn custom_range<C: Iden + Copy + 'static>(
    tx: &Tx,
    t: Listed<C>,
    key: &str,
    typed: Typed,
    from: &Option<String>,
    to: &Option<String>,
) -> Condition {
    let upper = match typed {
        Typed::Number => "<=",
        Typed::Day | Typed::Instant => "<",
    };
    let mut all = Condition::all();
    if let Some(from) = from {
        all = all.add(custom_typed(tx, t, key, typed, ">=", from));
    }
    if let Some(to) = to {
        all = all.add(custom_typed(tx, t, key, typed, upper, to));
    }
    all
}

/// The tables whose search text has an FTS5 trigram index on SQLite
/// (migrations 0028 and 0039), named `<table>_search`, with its trigrams
/// listed in `<table>_search_vocab`; on PostgreSQL a `pg_trgm` index and
/// an index of the characters and pairs of characters of the text
/// (`short_grams`, migration 0047).
const SEARCH_INDEXED: [&str; 3] = ["customers", "contacts", "leads"];

/// The record's search text contains the text. On SQLite, a text of three
/// characters or more is looked up in the kind's trigram index instead of
/// reading every row; a text of one or two characters asks the index for
/// the rows holding a trigram that begins with it (the indexed text ends
/// with two characters no one types, so every character begins one) and
/// keeps those whose text contains it. PostgreSQL's trigram index serves
/// the plain `like` of three characters or more; one or two characters are
/// looked up in the index of the characters and pairs each text holds
/// (`short_grams`), the `like` kept, so the rows are those the `like` alone
/// gives. Texts holding a `like` wildcard are matched by the plain `like`,
/// which gives the same rows.
fn search_condition<C: Iden + Copy + 'static>(tx: &Tx, t: Listed<C>, search: &str) -> SimpleExpr {
    let table = t.table.to_string();
    let plain = Expr::col((t.table, t.search_text))
        .like(LikeExpr::new(contains_pattern(search)).escape('\\'));
    let indexed = SEARCH_INDEXED.contains(&table.as_str())
        && !search.is_empty()
        && !search.contains(['%', '_', '\\', '\u{1}']);
    if !indexed {
        return plain;
    }
    if tx.backend() == crate::Backend::Postgres {
        if search.chars().count() >= 3 {
            return plain;
        }
        // The array is built by a function: sea-query reads a bound `$1`
        // inside `[…]` as part of a quoted name and would drop its value.
        return Condition::all()
            .add(Expr::cust_with_values(
                format!(
                    "short_grams({table}.search_text) @> array_append(cast(null as text[]), $1)"
                ),
                [search.to_string()],
            ))
            .add(plain)
            .into();
    }
    let mut hits = Query::select();
    hits.expr(Expr::cust("rowid"))
        .from(Alias::new(format!("{table}_search")));
    if search.chars().count() >= 3 {
        hits.and_where(Expr::cust_with_values(
            "search_text like ?",
            [format!("%{search}%")],
        ));
        return Expr::col((t.table, t.id)).in_subquery(hits.to_owned());
    }
    // The trigrams are kept folded to lower case.
    let start = search.to_lowercase();
    let end = format!("{start}\u{10FFFF}");
    hits.and_where(Expr::cust_with_values(
        format!(
            "{table}_search match coalesce((select group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') \
             from {table}_search_vocab where term >= ? and term < ?), '\"\"')"
        ),
        [start, end],
    ));
    Condition::all()
        .add(Expr::col((t.table, t.id)).in_subquery(hits.to_owned()))
        .add(plain)
        .into()
}

/// Adds the search, the chosen ids and every filter to a statement.
pub(crate) fn narrow<C: Iden + Copy + 'static>(
    tx: &Tx,
    select: &mut SelectStatement,
    t: Listed<C>,
    query: &ListQuery<C>,
) {
    let col = |c: C| Expr::col((t.table, c));
    if let Some(search) = &query.search {
        select.and_where(search_condition(tx, t, search));
    }
    if let Some(ids) = &query.ids {
        select.and_where(col(t.id).is_in(ids.iter().copied()));
    }
    for filter in &query.filters {
        let condition: SimpleExpr = match filter {
            Filter::Contains(column, text) => Expr::expr(folded(tx.backend(), col(*column).into()))
                .like(LikeExpr::new(contains_pattern(&fold_text(text))).escape('\\')),
            Filter::Equals(column, value) => col(*column).eq(value.clone()),
            Filter::OneOf(column, ids) => col(*column).is_in(ids.iter().copied()),
            Filter::IsEmpty(column) => col(*column).is_null(),
            Filter::NotEmpty(column) => col(*column).is_not_null(),
            Filter::Between(column, from, to) => {
                let mut all = Condition::all();
                if let Some(from) = from {
                    all = all.add(col(*column).gte(from.clone()));
                }
                if let Some(to) = to {
                    all = all.add(col(*column).lt(to.clone()));
                }
                select.cond_where(all);
                continue;
            }
            Filter::CustomEquals(key, text) => custom_text(tx, t, key).eq(fold_text(text)),
            Filter::CustomContains(key, text) => custom_text(tx, t, key)
                .like(LikeExpr::new(contains_pattern(&fold_text(text))).escape('\\')),
            Filter::CustomOneOf(key, texts) => {
                custom_text(tx, t, key).is_in(texts.iter().map(|text| fold_text(text)))
            }
            Filter::CustomHasAny(key, texts) => {
                // The stored array's text holds each choice in quotes.
                let mut any = Condition::any();
                for text in texts {
                    let quoted = serde_json::Value::from(fold_text(text)).to_string();
                    any = any.add(
                        custom_text(tx, t, key)
                            .like(LikeExpr::new(contains_pattern(&quoted)).escape('\\')),
                    );
                }
                select.cond_where(any);
                continue;
            }
            Filter::CustomFlag(key, flag) => custom_flag(tx, t, key, *flag),
            Filter::CustomNumbers(key, from, to) => {
                select.cond_where(custom_range(tx, t, key, Typed::Number, from, to));
                continue;
            }
            Filter::CustomDays(key, from, to) => {
                select.cond_where(custom_range(tx, t, key, Typed::Day, from, to));
                continue;
            }
            Filter::CustomInstants(key, from, to) => {
                select.cond_where(custom_range(tx, t, key, Typed::Instant, from, to));
                continue;
            }
            Filter::CustomEmpty(key, empty) => {
                let blank = Condition::any()
                    .add(custom_text(tx, t, key).is_null())
                    .add(custom_text(tx, t, key).eq(""));
                select.cond_where(if *empty { blank } else { blank.not() });
                continue;
            }
            Filter::BeforeOrNever(column, fallback, before) => {
                select.cond_where(
                    Condition::any().add(col(*column).lt(before.clone())).add(
                        Condition::all()
                            .add(col(*column).is_null())
                            .add(col(*fallback).lt(before.clone())),
                    ),
                );
                continue;
            }
        };
        select.and_where(condition);
    }
}
