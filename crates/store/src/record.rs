//! Statements every kind of record writes the same way: an insert that
//! answers the new id, and an update that only lands on the version read.

use sea_query::{
    Alias, Expr, Func, Iden, InsertStatement, IntoColumnRef, Query, SimpleExpr, UpdateStatement,
};

/// `insert into table (…) values (…) returning id`.
pub(crate) fn insert<T: Iden + Copy + 'static>(
    table: T,
    id: T,
    pairs: Vec<(T, SimpleExpr)>,
) -> InsertStatement {
    let (columns, values): (Vec<T>, Vec<SimpleExpr>) = pairs.into_iter().unzip();
    Query::insert()
        .into_table(table)
        .columns(columns)
        .values_panic(values)
        .returning_col(id)
        .to_owned()
}

/// `update table set …, version = version + 1 where id = ? and version = ?`;
/// it touches no row when someone saved in between.
pub(crate) fn update_versioned<T: Iden + Copy + 'static>(
    table: T,
    (id_column, id): (T, i64),
    (version_column, version): (T, i64),
    mut pairs: Vec<(T, SimpleExpr)>,
) -> UpdateStatement {
    pairs.push((version_column, (version + 1).into()));
    Query::update()
        .table(table)
        .values(pairs)
        .and_where(Expr::col(id_column).eq(id))
        .and_where(Expr::col(version_column).eq(version))
        .to_owned()
}

/// `coalesce(sum(column), 0)` read as a whole number on both databases:
/// PostgreSQL sums a `bigint` column into a `numeric`, which `i64` cannot read.
pub(crate) fn sum_or_zero(column: impl IntoColumnRef) -> SimpleExpr {
    Func::cast_as(
        Func::coalesce([Func::sum(Expr::col(column)).into(), Expr::val(0i64).into()]),
        Alias::new("bigint"),
    )
    .into()
}

/// Rows past a cursor (the last row's sort value and id) in the list's
/// order, so pages never skip or repeat a row; ties break on the id.
pub(crate) fn past_cursor<T: Iden + Copy + 'static>(
    table: T,
    (sort, id_column): (T, T),
    descending: bool,
    (value, id): (sea_query::Value, i64),
    sort_is_id: bool,
) -> sea_query::Condition {
    use sea_query::Condition;
    let past = |column: T, value: sea_query::Value| {
        if descending {
            Expr::col((table, column)).lt(value)
        } else {
            Expr::col((table, column)).gt(value)
        }
    };
    if sort_is_id {
        return Condition::all().add(past(id_column, id.into()));
    }
    Condition::any().add(past(sort, value.clone())).add(
        Condition::all()
            .add(Expr::col((table, sort)).eq(value))
            .add(past(id_column, id.into())),
    )
}
