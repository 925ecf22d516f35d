//! What a change to a user writes to its change log.

use kuijing_domain::User;
use kuijing_domain::change::Diff;
use kuijing_domain::org::Gender;
use kuijing_store::users::UserFields;

use super::search_text;

pub(super) fn fields_of(user: &User) -> UserFields {
    UserFields {
        phone: user.phone.clone(),
        name: user.name.clone(),
        gender: user.gender,
        email: user.email.clone(),
        department_id: user.department_id,
        post: user.post.clone(),
        superior_id: user.superior_id,
        search_text: search_text(&user.name, &user.phone, user.email.as_deref()),
    }
}

pub(super) fn record_fields(diff: &mut Diff, old: Option<&UserFields>, new: Option<&UserFields>) {
    diff.field(
        "phone",
        old.map(|f| f.phone.clone()),
        new.map(|f| f.phone.clone()),
    );
    diff.field(
        "name",
        old.map(|f| f.name.clone()),
        new.map(|f| f.name.clone()),
    );
    diff.field(
        "gender",
        old.and_then(|f| f.gender.map(Gender::as_str)),
        new.and_then(|f| f.gender.map(Gender::as_str)),
    );
    diff.field(
        "email",
        old.and_then(|f| f.email.clone()),
        new.and_then(|f| f.email.clone()),
    );
    diff.field(
        "department_id",
        old.map(|f| f.department_id),
        new.map(|f| f.department_id),
    );
    diff.field(
        "post",
        old.and_then(|f| f.post.clone()),
        new.and_then(|f| f.post.clone()),
    );
    diff.field(
        "superior_id",
        old.and_then(|f| f.superior_id),
        new.and_then(|f| f.superior_id),
    );
}

pub(super) fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}
