//! Users: create, edit, disable, reset passwords; lists and details in scope.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_domain::change::Diff;
use kuijing_domain::defaults::SUPER_ADMIN;
use kuijing_domain::org::Gender;
use kuijing_domain::{
    Action, Change, ChangeAction, FieldErrors, Kind, OrgChart, Permission, RoleKind, User,
    UserStatus, text,
};
use kuijing_store::users::{UserFields, UserFilter};
use kuijing_store::{Tx, departments, roles, sessions, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::error::{Result, ServiceError, unique_to_field};
use crate::input::nullable;
use crate::{App, Caller, ListPage, PageRequest, password};

/// A user as lists and the API show them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    #[serde(flatten)]
    pub user: User,
    pub department_name: Option<String>,
    pub role_ids: Vec<i64>,
}

/// A user's page: the user, names of what they link to, and their change log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserDetail {
    #[serde(flatten)]
    pub view: UserView,
    pub superior_name: Option<String>,
    /// `(id, name)` of each role held.
    pub roles: Vec<(i64, String)>,
    pub super_admin: bool,
    pub change_log: Vec<LogView>,
    /// Approvals waiting for the user's decision now. Disabling a user
    /// gives their seats to the flow's fallback person (or skips them) as
    /// the flow says; those left wait for an approval manager to hand them
    /// over (`GET /api/v1/approvals/waiting?approver_id=`).
    pub waiting_approvals: i64,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub phone: String,
    pub password: String,
    pub name: String,
    pub gender: Option<String>,
    pub email: Option<String>,
    /// The top department when left out.
    pub department_id: Option<i64>,
    pub post: Option<String>,
    pub superior_id: Option<i64>,
    #[serde(default)]
    pub role_ids: Vec<i64>,
}

/// Changes to a user; a field left out is kept, `null` clears it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// The version read; when given, a save on a newer version answers 409.
    pub version: Option<i64>,
    pub phone: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub department_id: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub post: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub superior_id: Option<Option<i64>>,
    pub role_ids: Option<Vec<i64>>,
    /// `active` or `disabled`.
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub search: Option<String>,
    pub department_id: Option<i64>,
    pub with_sub_departments: bool,
    pub status: Option<String>,
}

pub(crate) fn search_text(name: &str, phone: &str, email: Option<&str>) -> String {
    let mut text = format!("{} {}", text::normalize(name), phone);
    if let Some(email) = email {
        text.push(' ');
        text.push_str(email);
    }
    text
}

fn user(action: Action) -> Permission {
    Permission::new(Kind::User, action)
}

impl App {
    pub async fn list_users(
        &self,
        caller: &Caller,
        query: &UserQuery,
        page: PageRequest,
    ) -> Result<ListPage<UserView>> {
        caller.require(user(Action::View))?;
        let mut errors = FieldErrors::new();
        let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
            Some(status) => errors.take("status", UserStatus::parse(status)),
            None => None,
        };
        errors.into_result()?;

        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::User, &org);
        let department_ids = query.department_id.map(|id| {
            if query.with_sub_departments {
                org.department_and_below(id).into_iter().collect()
            } else {
                vec![id]
            }
        });
        // A phone typed with dashes or full-width digits finds the same user.
        let search = query
            .search
            .as_deref()
            .map(|q| text::parse_phone(q).unwrap_or_else(|_| text::normalize(q)));
        let filter = UserFilter {
            search: search.filter(|s| !s.is_empty()),
            department_ids,
            status,
        };
        let store_page = page.store_page();
        let found = users::list(&mut tx, &visibility, &filter, page.probe()).await?;
        let total = users::count(&mut tx, &visibility, &filter).await?;
        let items = views(&mut tx, found).await?;
        Ok(ListPage::new(items, total, store_page.limit, |v| v.user.id))
    }

    /// Active users in scope for choosing a superior or a head; disabled
    /// users never appear in pickers.
    pub async fn pick_users(&self, caller: &Caller, search: Option<&str>) -> Result<Vec<UserView>> {
        let query = UserQuery {
            search: search.map(str::to_string),
            status: Some(UserStatus::Active.as_str().to_string()),
            ..UserQuery::default()
        };
        let page = PageRequest {
            cursor: None,
            limit: Some(PageRequest::MAX_LIMIT),
            anchor: None,
        };
        Ok(self.list_users(caller, &query, page).await?.items)
    }

    pub async fn get_user(&self, caller: &Caller, id: i64) -> Result<UserDetail> {
        caller.require(user(Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::User, &org);
        let found = users::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let held = roles::of_user(&mut tx, id).await?;
        let superior_name = match found.superior_id {
            Some(superior) => users::names(&mut tx, &[superior])
                .await?
                .pop()
                .map(|(_, n)| n),
            None => None,
        };
        let change_log = self.change_log_of(&mut tx, caller, Kind::User, id).await?;
        let view = views(&mut tx, vec![found]).await?.remove(0);
        let waiting_approvals = kuijing_store::approvals::waiting_count(&mut tx, id).await?;
        Ok(UserDetail {
            waiting_approvals,
            view,
            superior_name,
            super_admin: held.iter().any(|r| r.kind == RoleKind::SuperAdmin),
            roles: held
                .into_iter()
                .map(|r| (r.id, caller.role_name(&r)))
                .collect(),
            change_log,
        })
    }

    pub async fn create_user(&self, caller: &Caller, input: NewUser) -> Result<UserDetail> {
        caller.require(user(Action::Create))?;
        let mut errors = FieldErrors::new();
        errors.take("password", text::check_password(&input.password));
        let draft = Draft {
            phone: input.phone,
            name: input.name,
            gender: input.gender,
            email: input.email,
            department_id: input.department_id,
            post: input.post,
            superior_id: input.superior_id,
        };

        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let fields = self
            .check_draft(&mut tx, caller, &org, None, &draft, &mut errors)
            .await?;
        let role_ids =
            check_roles(&mut tx, caller, None, &[], &input.role_ids, &mut errors).await?;
        errors.into_result()?;
        let Some(fields) = fields else {
            return Err(ServiceError::Internal("draft".into()));
        };

        let hash = password::hash(&self.settings.password, &input.password).await?;
        let now = self.now();
        let id = users::insert(&mut tx, &fields, &hash, now)
            .await
            .map_err(|e| unique_to_field(e, "phone", "phone", "phone_taken"))?;
        users::set_roles(&mut tx, id, &role_ids).await?;
        let mut diff = Diff::new();
        record_fields(&mut diff, None, Some(&fields));
        diff.field("roles", None, Some(join_ids(&role_ids)));
        let change = Change {
            kind: Kind::User,
            record_id: id,
            action: ChangeAction::Create,
            fields: diff.into_fields(),
        };
        self.log(&mut tx, caller, change).await?;
        tx.commit().await?;
        tracing::info!(user.id = id, actor.id = caller.user.id, "user created");
        self.get_user(caller, id).await
    }

    pub async fn update_user(
        &self,
        caller: &Caller,
        id: i64,
        patch: UserPatch,
    ) -> Result<UserDetail> {
        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::User, &org);
        if !caller.can(user(Action::View)) {
            return Err(ServiceError::Forbidden);
        }
        let current = users::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if patch.version.is_some_and(|v| v != current.version) {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let target_roles = roles::of_user(&mut tx, id).await?;
        let target_is_super = target_roles.iter().any(|r| r.kind == RoleKind::SuperAdmin);
        if target_is_super && !caller.actor.super_admin {
            return Err(ServiceError::Refused {
                code: "super_admin_protected",
            });
        }

        let edits_fields = patch.phone.is_some()
            || patch.name.is_some()
            || patch.gender.is_some()
            || patch.email.is_some()
            || patch.department_id.is_some()
            || patch.post.is_some()
            || patch.superior_id.is_some()
            || patch.role_ids.is_some();
        if edits_fields {
            caller.require(user(Action::Edit))?;
        }
        let mut errors = FieldErrors::new();
        let status = match &patch.status {
            Some(status) => {
                caller.require(user(Action::Disable))?;
                errors.take("status", UserStatus::parse(status))
            }
            None => None,
        };
        let draft = Draft {
            phone: patch.phone.unwrap_or(current.phone.clone()),
            name: patch.name.unwrap_or(current.name.clone()),
            gender: patch
                .gender
                .unwrap_or(current.gender.map(|g| g.as_str().to_string())),
            email: patch.email.unwrap_or(current.email.clone()),
            department_id: Some(patch.department_id.unwrap_or(current.department_id)),
            post: patch.post.unwrap_or(current.post.clone()),
            superior_id: patch.superior_id.unwrap_or(current.superior_id),
        };
        let fields = self
            .check_draft(&mut tx, caller, &org, Some(&current), &draft, &mut errors)
            .await?;
        let old_role_ids: Vec<i64> = target_roles.iter().map(|r| r.id).collect();
        let role_ids = match &patch.role_ids {
            Some(ids) => {
                Some(check_roles(&mut tx, caller, Some(id), &old_role_ids, ids, &mut errors).await?)
            }
            None => None,
        };
        errors.into_result()?;
        let Some(fields) = fields else {
            return Err(ServiceError::Internal("draft".into()));
        };

        if status == Some(UserStatus::Disabled) && id == caller.user.id {
            return Err(ServiceError::Refused {
                code: "cannot_disable_self",
            });
        }
        let loses_super = target_is_super
            && (status == Some(UserStatus::Disabled)
                || role_ids
                    .as_ref()
                    .is_some_and(|ids| !holds_super(&target_roles, ids)));
        if loses_super {
            let super_role = roles::by_code(&mut tx, SUPER_ADMIN)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if users::active_with_role(&mut tx, super_role.id).await? <= 1 {
                return Err(ServiceError::Refused {
                    code: "last_super_admin",
                });
            }
        }

        let now = self.now();
        let mut diff = Diff::new();
        let old_fields = fields_of(&current);
        record_fields(&mut diff, Some(&old_fields), Some(&fields));
        if !diff.is_empty()
            && !users::update(&mut tx, id, current.version, &fields, now)
                .await
                .map_err(|e| unique_to_field(e, "phone", "phone", "phone_taken"))?
        {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        if let Some(role_ids) = role_ids.as_ref().filter(|ids| **ids != old_role_ids) {
            users::set_roles(&mut tx, id, role_ids).await?;
            if diff.is_empty() {
                // A change of roles is a change of the user: it moves the version.
                users::bump_version(&mut tx, id, now).await?;
            }
            diff.field(
                "roles",
                Some(join_ids(&old_role_ids)),
                Some(join_ids(role_ids)),
            );
        }
        if let Some(status) = status.filter(|s| *s != current.status) {
            users::set_status(&mut tx, id, status, now).await?;
            diff.field(
                "status",
                Some(current.status.as_str()),
                Some(status.as_str()),
            );
            if status == UserStatus::Disabled {
                // A department keeps its head, shown as disabled, so that
                // enabling them again restores everything; approvals say
                // the head is disabled.
                self.vacate_seats(&mut tx, caller, id).await?;
                let ended = sessions::delete_for_user(&mut tx, id, None).await?;
                tracing::info!(
                    user.id = id,
                    sessions = ended,
                    "user disabled, sessions ended"
                );
            }
        }
        if !diff.is_empty() {
            let change = Change {
                kind: Kind::User,
                record_id: id,
                action: ChangeAction::Update,
                fields: diff.into_fields(),
            };
            self.log(&mut tx, caller, change).await?;
        }
        tx.commit().await?;
        self.get_user(caller, id).await
    }

    /// An administrator sets a new password; the user's sessions end.
    pub async fn reset_password(&self, caller: &Caller, id: i64, new_password: &str) -> Result<()> {
        caller.require(user(Action::ResetPassword))?;
        let mut errors = FieldErrors::new();
        errors.take("password", text::check_password(new_password));
        errors.into_result()?;

        let mut tx = self.db.write().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::User, &org);
        users::get(&mut tx, &visibility, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let target_is_super = roles::of_user(&mut tx, id)
            .await?
            .iter()
            .any(|r| r.kind == RoleKind::SuperAdmin);
        if target_is_super && !caller.actor.super_admin {
            return Err(ServiceError::Refused {
                code: "super_admin_protected",
            });
        }
        let hash = password::hash(&self.settings.password, new_password).await?;
        users::set_password(&mut tx, id, &hash, self.now()).await?;
        sessions::delete_for_user(&mut tx, id, None).await?;
        self.log_update(&mut tx, caller, Kind::User, id, "password", None, None)
            .await?;
        tx.commit().await?;
        tracing::info!(user.id = id, actor.id = caller.user.id, "password reset");
        Ok(())
    }

    /// Remembers the language the caller chose.
    pub async fn set_own_locale(&self, caller: &Caller, locale: &str) -> Result<()> {
        let mut tx = self.db.write().await?;
        users::set_locale(&mut tx, caller.user.id, locale).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Validates the fields of a new or changed user; errors go into `errors`.
    async fn check_draft(
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

struct Draft {
    phone: String,
    name: String,
    gender: Option<String>,
    email: Option<String>,
    department_id: Option<i64>,
    post: Option<String>,
    superior_id: Option<i64>,
}

/// Checks that every role exists, and who may hand out what: only a super
/// administrator gives the super administrator role, only someone who may
/// edit roles gives roles at all, and nobody but a super administrator
/// changes their own roles (else a user could widen their own rights).
async fn check_roles(
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

fn holds_super(current: &[kuijing_domain::Role], new_ids: &[i64]) -> bool {
    current
        .iter()
        .filter(|r| r.kind == RoleKind::SuperAdmin)
        .all(|r| new_ids.contains(&r.id))
}

fn fields_of(user: &User) -> UserFields {
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

fn record_fields(diff: &mut Diff, old: Option<&UserFields>, new: Option<&UserFields>) {
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

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

async fn views(tx: &mut Tx, found: Vec<User>) -> Result<Vec<UserView>> {
    let department_ids: Vec<i64> = found
        .iter()
        .map(|u| u.department_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names: BTreeMap<i64, String> = departments::names(tx, &department_ids)
        .await?
        .into_iter()
        .collect();
    let mut items = Vec::with_capacity(found.len());
    for user in found {
        let role_ids = users::role_ids(tx, user.id).await?;
        items.push(UserView {
            department_name: names.get(&user.department_id).cloned(),
            role_ids,
            user,
        });
    }
    Ok(items)
}
