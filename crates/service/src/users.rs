//! Users: create, edit, disable, reset passwords. Lists and details in scope,
//! the checks of a new or changed user and its change log are in the modules below.

use kuijing_domain::change::Diff;
use kuijing_domain::defaults::SUPER_ADMIN;
use kuijing_domain::{
    Action, Change, ChangeAction, FieldErrors, Kind, Permission, RoleKind, User, UserStatus, text,
};
use kuijing_store::{departments, roles, sessions, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::error::{Result, ServiceError, unique_to_field};
use crate::input::nullable;
use crate::{App, Caller, password};

mod changes;
use changes::{fields_of, join_ids, record_fields};

mod draft;
use draft::{Draft, check_roles, holds_super};

mod lists;

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
}
