//! Checking a new or changed user: its fields, and the roles the caller may give.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_domain::org::Gender;
use kuijing_domain::{
    Action, FieldErrors, Kind, OrgChart, Permission, RoleKind, User, UserStatus, text,
};
use kuijing_store::users::UserFields;
use kuijing_store::{Tx, departments, roles, users};

use crate::error::Result;
use crate::{App, Caller};

use super::search_text;

impl App {
    /// Validates the fields of a new or changed user; errors go into `errors`.
    pub(super) async fn check_draft(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        org: &OrgChart,
        current: Option<&User>,
        draft: &Draft,
        errors: &mut FieldErrors,
    ) -> Result<Option<UserFields>> {
        let phone = errors.take("phone", text::parse_phone(&draft.phone));
        let name = errors.take("name", text::parse_name(&draft.name, 50));
        let gender = match draft
            .gender
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            Some(g) => errors.take("gender", Gender::parse(g).map(Some)).flatten(),
            None => None,
        };
        let email = match draft
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(e) => errors
                .take("email", text::parse_email(e).map(Some))
                .flatten(),
            None => None,
        };
        let post = errors
            .take("post", text::parse_optional_text(draft.post.as_deref(), 50))
            .flatten();

        let department_visibility = caller.actor.visibility(Kind::Department, org);
        let department_id = match draft.department_id {
            Some(id) => {
                let found = departments::get(tx, &department_visibility, id).await?;
                if found.is_none() {
                    errors.add("department_id", "department_unknown");
                }
                id
            }
            None => {
                let top = departments::top_id(tx).await?.unwrap_or_default();
                if departments::get(tx, &department_visibility, top)
                    .await?
                    .is_none()
                {
                    errors.add("department_id", "required");
                }
                top
            }
        };
        // The user must stay within the caller's sight, or a create would
        // succeed and then answer that the new user does not exist.
        let user_visibility = caller.actor.visibility(Kind::User, org);
        let target = current.map(|c| c.id).unwrap_or(0);
        let moved = current.is_none_or(|c| c.department_id != department_id);
        if moved && !user_visibility.sees(target, department_id) {
            errors.add("department_id", "department_out_of_scope");
        }

        if let Some(superior) = draft.superior_id {
            let visibility = caller.actor.visibility(Kind::User, org);
            let found = users::get(tx, &visibility, superior).await?;
            match (found, current) {
                (None, _) => errors.add("superior_id", "superior_unknown"),
                (Some(s), _) if s.status != UserStatus::Active => {
                    errors.add("superior_id", "superior_disabled")
                }
                (Some(_), Some(me)) if org.superior_would_cycle(me.id, superior) => {
                    errors.add("superior_id", "superior_cycle");
                }
                _ => {}
            }
        }

        let (Some(phone), Some(name)) = (phone, name) else {
            return Ok(None);
        };
        Ok(Some(UserFields {
            search_text: search_text(&name, &phone, email.as_deref()),
            phone,
            name,
            gender,
            email,
            department_id,
            post,
            superior_id: draft.superior_id,
        }))
    }
}

pub(super) struct Draft {
    pub(super) phone: String,
    pub(super) name: String,
    pub(super) gender: Option<String>,
    pub(super) email: Option<String>,
    pub(super) department_id: Option<i64>,
    pub(super) post: Option<String>,
    pub(super) superior_id: Option<i64>,
}

/// Checks that every role exists, and who may hand out what: only a super
/// administrator gives the super administrator role, only someone who may
/// edit roles gives roles at all, and nobody but a super administrator
/// changes their own roles (else a user could widen their own rights).
pub(super) async fn check_roles(
    tx: &mut Tx,
    caller: &Caller,
    target: Option<i64>,
    current: &[i64],
    ids: &[i64],
    errors: &mut FieldErrors,
) -> Result<Vec<i64>> {
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    let changes = unique.iter().copied().collect::<Vec<_>>() != current;
    if changes && !caller.actor.super_admin {
        if target == Some(caller.user.id) {
            errors.add("role_ids", "own_roles_fixed");
            return Ok(unique.into_iter().collect());
        }
        let granted = unique.iter().any(|id| !current.contains(id));
        if granted && !caller.can(Permission::new(Kind::Role, Action::Edit)) {
            errors.add("role_ids", "roles_need_role_edit");
            return Ok(unique.into_iter().collect());
        }
    }
    let all: BTreeMap<i64, RoleKind> = roles::list(tx, None)
        .await?
        .into_iter()
        .map(|r| (r.id, r.kind))
        .collect();
    for id in &unique {
        match all.get(id) {
            None => {
                errors.add("role_ids", "role_unknown");
                break;
            }
            Some(RoleKind::SuperAdmin) if !caller.actor.super_admin => {
                errors.add("role_ids", "super_admin_protected");
                break;
            }
            Some(_) => {}
        }
    }
    Ok(unique.into_iter().collect())
}

pub(super) fn holds_super(current: &[kuijing_domain::Role], new_ids: &[i64]) -> bool {
    current
        .iter()
        .filter(|r| r.kind == RoleKind::SuperAdmin)
        .all(|r| new_ids.contains(&r.id))
}
