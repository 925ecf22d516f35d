//! The SQL of a figure's keys, buckets and measures, on either backend.

use sea_query::{Alias, Expr, SimpleExpr, Value};

use crate::db::Backend;

use super::{Bucket, Key, Measure, Zone};

pub(super) fn column(name: &'static str) -> Expr {
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

pub(super) fn key_expr(backend: Backend, key: &Key, zone: &Zone) -> SimpleExpr {
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

pub(super) fn measure_expr(backend: Backend, measure: &Measure) -> SimpleExpr {
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
