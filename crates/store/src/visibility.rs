//! The data-scope predicate: the one translation of a `Visibility` into SQL.

use kuijing_domain::Visibility;
use sea_query::{Condition, Expr, IntoColumnRef, Query};

use crate::schema::Users;

/// Rows whose owner (the user id in `owner`) is visible.
pub(crate) fn owned_by_visible(
    owner: impl IntoColumnRef + Clone,
    visibility: &Visibility,
) -> Condition {
    if visibility.all {
        return Condition::all();
    }
    let in_departments = Query::select()
        .column(Users::Id)
        .from(Users::Table)
        .and_where(Expr::col(Users::DepartmentId).is_in(visibility.departments.iter().copied()))
        .to_owned();
    Condition::any()
        .add(Expr::col(owner.clone()).is_in(visibility.users.iter().copied()))
        .add(Expr::col(owner).in_subquery(in_departments))
}

/// Escapes a search text for `like '%…%' escape '\'`.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}
