//! How a list's rows are ordered and paged, for any table: by a column, by a
//! custom field, or by what the row a choice column points at shows (a
//! name, a label, a stage's place in its pipeline). Text compares case
//! aside and byte by byte on both databases, empty values come last in
//! both directions, the id breaks ties, and a keyset cursor (the last row's
//! sort value and id) makes pages that never skip or repeat a row.

use sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, Iden, Order, Query, SelectStatement, SimpleExpr,
};

use crate::db::Tx;
use crate::lists::{INSTANT_PATTERN, Listed};
use crate::schema::{
    Contracts, Customers, Departments, Pipelines, ProductCategories, Stages, Users,
};

/// A sortable column and the direction; ties break on the id.
#[derive(Debug, Clone)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
    /// A custom field ordered instead of the column: its key (checked
    /// against the field definitions) and how its values compare.
    pub custom: Option<(String, CustomOrder)>,
    /// The column (or custom field) holds text, compared case aside.
    pub text: bool,
    /// The column (or custom field) holds the id of another row: order by
    /// what that row shows instead of the id.
    pub shown: Option<Shown>,
    /// A value worked out from the row (a joined table's column, a
    /// difference) ordered instead of the column.
    pub computed: Option<SimpleExpr>,
    /// The viewer's language: a built-in option orders by the name it is
    /// shown by in it (by its stored label when none).
    pub language: Option<&'static str>,
}

impl<C> Sort<C> {
    /// The rows by a column of the table.
    pub fn by(column: C, descending: bool) -> Self {
        Self {
            column,
            descending,
            custom: None,
            text: false,
            shown: None,
            computed: None,
            language: None,
        }
    }

    /// Ordered for a viewer of `language` (`zh-Hant`, `zh-Hans` or `en`;
    /// any other orders options by their stored labels).
    pub fn in_language(mut self, language: &str) -> Self {
        self.language = kuijing_domain::builtin_names::LANGUAGES
            .into_iter()
            .find(|known| *known == language);
        self
    }

    /// The rows by a value worked out from each; empty ones last.
    pub fn computed(mut self, value: SimpleExpr) -> Self {
        self.computed = Some(value);
        self
    }

    /// The column holds text: compared case aside.
    pub fn as_text(mut self) -> Self {
        self.text = true;
        self
    }

    /// The column holds the id of a row that shows this.
    pub fn showing(mut self, shown: Option<Shown>) -> Self {
        self.shown = shown;
        self
    }
}

/// How a custom field's stored values are ordered: as text, as numbers
/// (numbers, money, percents, people and departments), as days, as
/// instants, yes before no, or by the first of several choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomOrder {
    Text,
    Number,
    Day,
    Instant,
    Flag,
    FirstChoice,
}

/// What a choice column's rows are ordered by: what the chosen row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A user's name.
    User,
    /// A department's name.
    Department,
    /// An option's label, a built-in one's in the viewer's language.
    Option,
    /// A customer's name.
    Customer,
    /// A contract's number.
    Contract,
    /// A pipeline's name.
    Pipeline,
    /// A product category's name.
    Category,
    /// A stage's place in its pipeline, then the pipeline's place.
    Stage,
}

impl Shown {
    /// The values that order a row whose choice is `id`, first to last.
    fn keys(self, tx: &Tx, id: SimpleExpr, language: Option<&str>) -> Vec<SimpleExpr> {
        let name =
            |shown: SimpleExpr| lower(tx, Func::coalesce([shown, Expr::val("").into()]).into());
        let number = |shown: SimpleExpr| Func::coalesce([shown, Expr::val(0).into()]).into();
        match self {
            Shown::User => vec![name(lookup(Users::Table, Users::Id, Users::Name, id))],
            Shown::Department => vec![name(lookup(
                Departments::Table,
                Departments::Id,
                Departments::Name,
                id,
            ))],
            Shown::Option => vec![name(crate::shown_options::shown_label(id, language))],
            Shown::Customer => vec![name(lookup(
                Customers::Table,
                Customers::Id,
                Customers::Name,
                id,
            ))],
            Shown::Contract => vec![name(lookup(
                Contracts::Table,
                Contracts::Id,
                Contracts::Number,
                id,
            ))],
            Shown::Pipeline => vec![name(lookup(
                Pipelines::Table,
                Pipelines::Id,
                Pipelines::Name,
                id,
            ))],
            Shown::Category => vec![name(lookup(
                ProductCategories::Table,
                ProductCategories::Id,
                ProductCategories::Name,
                id,
            ))],
            Shown::Stage => {
                let pipeline = || lookup(Stages::Table, Stages::Id, Stages::PipelineId, id.clone());
                vec![
                    number(lookup(
                        Stages::Table,
                        Stages::Id,
                        Stages::SortOrder,
                        id.clone(),
                    )),
                    number(lookup(
                        Pipelines::Table,
                        Pipelines::Id,
                        Pipelines::SortOrder,
                        pipeline(),
                    )),
                    number(pipeline()),
                ]
            }
        }
    }
}

/// The `shown` column of the row of `table` whose id is `of`.
fn lookup<T: Iden + Copy + 'static>(table: T, id: T, shown: T, of: SimpleExpr) -> SimpleExpr {
    let alias = Alias::new("shown");
    let select = Query::select()
        .column((alias.clone(), shown))
        .from_as(table, alias.clone())
        .and_where(Expr::col((alias, id)).eq(of))
        .to_owned();
    SimpleExpr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}

/// Text in small letters, compared byte by byte: the same order on both
/// databases (SQLite's `lower` and PostgreSQL's under the "C" collation
/// change only ASCII letters; other text keeps its stored order).
fn lower(tx: &Tx, text: SimpleExpr) -> SimpleExpr {
    match tx.backend() {
        crate::Backend::Sqlite => Func::lower(text).into(),
        crate::Backend::Postgres => Expr::cust_with_expr("lower(($1) collate \"C\")", text),
    }
}

impl<C: Iden + Copy + PartialEq + 'static> Sort<C> {
    /// The value the row is sorted by as the row keeps it: the column, or
    /// the custom field's value read as its type.
    fn value(&self, tx: &Tx, t: Listed<C>) -> SimpleExpr {
        if let Some(value) = &self.computed {
            return value.clone();
        }
        match &self.custom {
            Some((key, how)) => custom_sort_value(tx, t, key, *how),
            None => Expr::col((t.table, self.column)).into(),
        }
    }

    /// A cursor's sort value, comparable with [`Self::value`].
    fn bound(&self, tx: &Tx, value: sea_query::Value) -> SimpleExpr {
        match &self.custom {
            Some((_, how)) => custom_sort_bound(tx, *how, value),
            None => SimpleExpr::from(value),
        }
    }

    /// What orders the rows, from a sort value: what its chosen row shows,
    /// text in small letters, or the value itself; nothing for the id.
    fn keys(&self, tx: &Tx, t: Listed<C>, value: SimpleExpr) -> Vec<SimpleExpr> {
        let text = self.text
            || matches!(
                self.custom,
                Some((_, CustomOrder::Text | CustomOrder::FirstChoice))
            );
        if let Some(shown) = self.shown {
            shown.keys(tx, value, self.language)
        } else if self.custom.is_none() && self.computed.is_none() && self.column == t.id {
            Vec::new()
        } else if text {
            vec![lower(tx, value)]
        } else {
            vec![value]
        }
    }

    /// Whether the sort value may be empty.
    fn nullable(&self, t: Listed<C>) -> bool {
        self.custom.is_some()
            || self.computed.is_some()
            || (self.column != t.id && !NOT_NULL.contains(&self.column.to_string().as_str()))
    }
}

/// Orders by the sort and then the id, starting after the cursor row (its
/// sort value and id), so pages never skip or repeat a row. Empty values
/// come last in both directions.
pub(crate) fn page<C: Iden + Copy + PartialEq + 'static>(
    tx: &Tx,
    select: &mut SelectStatement,
    t: Listed<C>,
    sort: Sort<C>,
    after: Option<(sea_query::Value, i64)>,
    limit: u64,
) {
    let order = if sort.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let nullable = sort.nullable(t);
    if let Some(after) = after {
        select.cond_where(past_cursor(tx, t, &sort, nullable, after));
    }
    if nullable {
        // Empty values last in both directions, the same on both databases
        // (SQLite and PostgreSQL place NULL differently).
        select.order_by_expr(sort.value(tx, t).is_null(), Order::Asc);
    }
    for key in sort.keys(tx, t, sort.value(tx, t)) {
        select.order_by_expr(key, order.clone());
    }
    select.order_by((t.table, t.id), order).limit(limit);
}

/// The rows after the cursor row, in the order `page` gives: later keys,
/// or the same keys and a later id, or (when the cursor row has a value)
/// an empty value.
fn past_cursor<C: Iden + Copy + PartialEq + 'static>(
    tx: &Tx,
    t: Listed<C>,
    sort: &Sort<C>,
    nullable: bool,
    (value, id): (sea_query::Value, i64),
) -> Condition {
    let id_past = if sort.descending {
        Expr::col((t.table, t.id)).lt(id)
    } else {
        Expr::col((t.table, t.id)).gt(id)
    };
    if nullable && is_null_cursor(&value) {
        // The empty ones come last: only empty ones after this one.
        return Condition::all()
            .add(sort.value(tx, t).is_null())
            .add(id_past);
    }
    let keys = sort.keys(tx, t, sort.value(tx, t));
    let bounds = sort.keys(tx, t, sort.bound(tx, value));
    let mut later = Condition::any();
    let mut same = Condition::all();
    for (key, bound) in keys.into_iter().zip(bounds) {
        let past = if sort.descending {
            key.clone().lt(bound.clone())
        } else {
            key.clone().gt(bound.clone())
        };
        later = later.add(same.clone().add(past));
        same = same.add(key.eq(bound));
    }
    later = later.add(same.add(id_past));
    if nullable {
        later = later.add(sort.value(tx, t).is_null());
    }
    later
}

/// A custom field's value in the order `how` gives, null when it is empty
/// or does not read as its type (so it sorts with the empty ones). The key
/// is bound, never spliced.
fn custom_sort_value<C: Iden + Copy + 'static>(
    tx: &Tx,
    t: Listed<C>,
    key: &str,
    how: CustomOrder,
) -> SimpleExpr {
    let column = format!("\"{}\".\"{}\"", t.table.to_string(), t.custom.to_string());
    match tx.backend() {
        crate::Backend::Sqlite => {
            let path = match how {
                CustomOrder::FirstChoice => format!("$.\"{key}\"[0]"),
                _ => format!("$.\"{key}\""),
            };
            let text = format!("nullif(trim(json_extract({column}, ?)), '')");
            let sql = match how {
                CustomOrder::Text | CustomOrder::FirstChoice => text,
                CustomOrder::Number => format!("cast({text} as real)"),
                CustomOrder::Day => format!("date({text})"),
                CustomOrder::Instant => format!("julianday({text})"),
                CustomOrder::Flag => format!(
                    "(case json_type({column}, ?) when 'true' then 1 when 'false' then 0 end)"
                ),
            };
            Expr::cust_with_values(sql, [path])
        }
        crate::Backend::Postgres => {
            let text = match how {
                CustomOrder::FirstChoice => {
                    format!("nullif(trim((({column}::jsonb) -> $1) ->> 0), '')")
                }
                _ => format!("nullif(trim(({column}::jsonb) ->> $1), '')"),
            };
            let sql = match how {
                CustomOrder::Text | CustomOrder::FirstChoice => text,
                CustomOrder::Number => format!(
                    "(case when {text} ~ '^-{{0,1}}[0-9]+(\\.[0-9]+){{0,1}}$' then ({text})::numeric end)"
                ),
                CustomOrder::Day => format!(
                    "(case when {text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' then ({text})::date end)"
                ),
                CustomOrder::Instant => {
                    format!(
                        "(case when {text} ~ '{INSTANT_PATTERN}' then ({text})::timestamptz end)"
                    )
                }
                CustomOrder::Flag => format!(
                    "(case ({column}::jsonb) ->> $1 when 'true' then 1 when 'false' then 0 end)"
                ),
            };
            Expr::cust_with_values(sql, [key.to_string()])
        }
    }
}

/// A cursor's value of a custom field, typed as `custom_sort_value` reads
/// the field (the service has checked it reads as its type).
fn custom_sort_bound(tx: &Tx, how: CustomOrder, value: sea_query::Value) -> SimpleExpr {
    let sql = match (tx.backend(), how) {
        (_, CustomOrder::Text | CustomOrder::FirstChoice | CustomOrder::Flag) => {
            return SimpleExpr::from(value);
        }
        (crate::Backend::Sqlite, CustomOrder::Number) => "cast(? as real)",
        (crate::Backend::Sqlite, CustomOrder::Day) => "date(?)",
        (crate::Backend::Sqlite, CustomOrder::Instant) => "julianday(?)",
        (crate::Backend::Postgres, CustomOrder::Number) => "cast($1 as numeric)",
        (crate::Backend::Postgres, CustomOrder::Day) => "cast($1 as date)",
        (crate::Backend::Postgres, CustomOrder::Instant) => "cast($1 as timestamptz)",
    };
    Expr::cust_with_values(sql, [value])
}

/// Columns of the record tables that are never empty, so ordering by them
/// needs no place for empty values (and keeps using their indexes).
const NOT_NULL: &[&str] = &[
    "name",
    "number",
    "amount",
    "price",
    "status",
    "received_on",
    "on_sale",
    "created_at",
    "updated_at",
    "dealt",
    "locked",
    "converted",
    "is_primary",
    "decision_maker",
];

/// The place of a code among `codes`, which are in their business order
/// (a status's draft, in approval, approved, ...): what a status column
/// sorts by, the same in every language. A code not listed comes last.
pub fn ranked<'a>(column: SimpleExpr, codes: impl IntoIterator<Item = &'a str>) -> SimpleExpr {
    let mut places = codes.into_iter().enumerate();
    let Some((_, first)) = places.next() else {
        return Expr::val(0i64).into();
    };
    let mut case = Expr::case(column.clone().eq(first), Expr::val(0i64));
    let mut count = 1i64;
    for (place, code) in places {
        case = case.case(column.clone().eq(code), Expr::val(place as i64));
        count = place as i64 + 1;
    }
    case.finally(Expr::val(count)).into()
}

/// A cursor that marks an empty sort value.
pub fn null_cursor_value() -> sea_query::Value {
    sea_query::Value::String(None)
}

fn is_null_cursor(value: &sea_query::Value) -> bool {
    *value == null_cursor_value()
}
