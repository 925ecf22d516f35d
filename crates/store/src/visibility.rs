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

/// The ids of records of `kind` whose team `actor` is on, with a
/// membership that holds `today` (and lets them write, if `writing`): the
/// one place team membership is read for a data scope.
pub(crate) fn team_records(
    kind: &str,
    actor: i64,
    today: chrono::NaiveDate,
    writing: bool,
) -> sea_query::SelectStatement {
    use crate::schema::TeamMembers;
    let mut team = Query::select();
    team.column(TeamMembers::RecordId)
        .from(TeamMembers::Table)
        .and_where(Expr::col(TeamMembers::Kind).eq(kind))
        .and_where(Expr::col(TeamMembers::UserId).eq(actor))
        .cond_where(
            Condition::any()
                .add(Expr::col(TeamMembers::ExpiresOn).is_null())
                .add(Expr::col(TeamMembers::ExpiresOn).gte(today)),
        );
    if writing {
        team.and_where(Expr::col(TeamMembers::CanWrite).eq(true));
    }
    team
}

/// Who may read a record of `kind`: owners in scope, team members whose
/// membership holds, and anyone an approval of the record waits for.
pub(crate) fn readable_record<T: sea_query::Iden + Copy + 'static>(
    table: T,
    owner: T,
    id: T,
    kind: &str,
    visibility: &Visibility,
    actor: i64,
    today: chrono::NaiveDate,
) -> Condition {
    use crate::schema::{ApprovalWaits, Approvals};
    let team = team_records(kind, actor, today, false);
    let waiting = Query::select()
        .column((Approvals::Table, Approvals::RecordId))
        .from(Approvals::Table)
        .inner_join(
            ApprovalWaits::Table,
            Expr::col((ApprovalWaits::Table, ApprovalWaits::ApprovalId))
                .equals((Approvals::Table, Approvals::Id)),
        )
        .and_where(Expr::col((Approvals::Table, Approvals::Kind)).eq(kind))
        .and_where(Expr::col((ApprovalWaits::Table, ApprovalWaits::UserId)).eq(actor))
        .to_owned();
    Condition::any()
        .add(owned_by_visible((table, owner), visibility))
        .add(Expr::col((table, id)).in_subquery(team))
        .add(Expr::col((table, id)).in_subquery(waiting))
}

/// Who may write a record of `kind`: owners in scope and team members with
/// write access whose membership holds.
pub(crate) fn writable_record<T: sea_query::Iden + Copy + 'static>(
    table: T,
    owner: T,
    id: T,
    kind: &str,
    visibility: &Visibility,
    actor: i64,
    today: chrono::NaiveDate,
) -> Condition {
    let team = team_records(kind, actor, today, true);
    Condition::any()
        .add(owned_by_visible((table, owner), visibility))
        .add(Expr::col((table, id)).in_subquery(team))
}

/// A `like` condition on a search column for typed text.
pub(crate) fn search_matches<T: sea_query::IntoColumnRef>(
    column: T,
    text: &str,
) -> sea_query::SimpleExpr {
    Expr::col(column).like(sea_query::LikeExpr::new(contains_pattern(text)).escape('\\'))
}
