//! The conditions of a figure's filters, on either backend.

use sea_query::{Condition, Expr, SimpleExpr, Value};

use crate::db::Backend;
use crate::fold::{fold_text, folded};

use super::{CustomTest, Filter, column, custom_value};

pub(super) fn filter_condition(backend: Backend, filter: &Filter) -> Condition {
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
        Filter::Contains(name, text) => one(Expr::expr(folded(backend, column(name).into()))
            .like(sea_query::LikeExpr::new(like_pattern(&fold_text(text))).escape('\\'))),
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
        CustomTest::Equals(text) => {
            one(Expr::expr(folded(backend, custom_value(backend, table, key))).eq(fold_text(text)))
        }
        CustomTest::Contains(text) => one(Expr::expr(folded(
            backend,
            custom_value(backend, table, key),
        ))
        .like(sea_query::LikeExpr::new(like_pattern(&fold_text(text))).escape('\\'))),
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
