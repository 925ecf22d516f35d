//! Roles: operation permissions and data scopes; the super administrator
//! role is fixed, and built-in roles can be edited but not deleted.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_domain::change::Diff;
use kuijing_domain::{
    Action, Change, ChangeAction, DataScope, FieldErrors, Kind, Permission, Role, RoleKind,
    ScopeGrant, text,
};
use kuijing_store::roles::{self, RoleFields};
use kuijing_store::{Tx, departments, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::changelog::LogView;
use crate::error::{Result, ServiceError, unique_to_field};
use crate::input::nullable;
use crate::{App, Caller};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleView {
    #[serde(flatten)]
    pub role: Role,
    /// Users of any status holding the role.
    pub user_count: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleDetail {
    #[serde(flatten)]
    pub view: RoleView,
    pub change_log: Vec<LogView>,
}

/// A data scope as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeInput {
    /// `own`, `own_and_subordinates`, `department`, `department_and_below`,
    /// `all` or `chosen_departments`.
    pub scope: String,
    #[serde(default)]
    pub departments: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    pub name: String,
    pub description: Option<String>,
    /// Such as `customer.view`, `customer.export`.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Keyed by kind: `{"customer": {"scope": "department"}}`.
    #[serde(default)]
    pub scopes: BTreeMap<String, ScopeInput>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub permissions: Option<Vec<String>>,
    pub scopes: Option<BTreeMap<String, ScopeInput>>,
}

fn role(action: Action) -> Permission {
    Permission::new(Kind::Role, action)
}

impl App {
    pub async fn list_roles(&self, caller: &Caller, search: Option<&str>) -> Result<Vec<RoleView>> {
        caller.require(role(Action::View))?;
        let mut tx = self.db.read().await?;
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let found = roles::list(&mut tx, search).await?;
        let mut views = Vec::with_capacity(found.len());
        for role in found {
            let user_count = users::any_with_role(&mut tx, role.id).await?;
            let role = caller.shown_role(role);
            views.push(RoleView { role, user_count });
        }
        Ok(views)
    }

    /// Every role by id and name, for choosing roles on a user's form.
    pub async fn role_choices(&self, caller: &Caller) -> Result<Vec<(i64, String, RoleKind)>> {
        caller.require(Permission::new(Kind::User, Action::View))?;
        let mut tx = self.db.read().await?;
        Ok(roles::list(&mut tx, None)
            .await?
            .into_iter()
            .map(|r| (r.id, caller.role_name(&r), r.kind))
            .collect())
    }

    pub async fn get_role(&self, caller: &Caller, id: i64) -> Result<RoleDetail> {
        caller.require(role(Action::View))?;
        let mut tx = self.db.read().await?;
        let found = roles::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let user_count = users::any_with_role(&mut tx, id).await?;
        let change_log = self.change_log_of(&mut tx, caller, Kind::Role, id).await?;
        Ok(RoleDetail {
            view: RoleView {
                role: caller.shown_role(found),
                user_count,
            },
            change_log,
        })
    }

    pub async fn create_role(&self, caller: &Caller, input: NewRole) -> Result<RoleDetail> {
        caller.require(role(Action::Create))?;
        let mut tx = self.db.write().await?;
        let fields = check_role(
            &mut tx,
            &input.name,
            input.description.as_deref(),
            &input.permissions,
            &input.scopes,
        )
        .await?;
        let now = self.now();
        let id = roles::insert(&mut tx, RoleKind::Custom, None, &fields, now)
            .await
            .map_err(|e| unique_to_field(e, "name", "name", "name_taken"))?;
        let mut diff = Diff::new();
        describe(&mut diff, None, Some(&fields));
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Role,
                record_id: id,
                action: ChangeAction::Create,
                fields: diff.into_fields(),
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(role.id = id, actor.id = caller.user.id, "role created");
        self.get_role(caller, id).await
    }

    pub async fn update_role(
        &self,
        caller: &Caller,
        id: i64,
        patch: RolePatch,
    ) -> Result<RoleDetail> {
        caller.require(role(Action::Edit))?;
        let mut tx = self.db.write().await?;
        let current = roles::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.kind == RoleKind::SuperAdmin {
            return Err(ServiceError::Refused {
                code: "super_admin_role_fixed",
            });
        }
        if patch.version.is_some_and(|v| v != current.version) {
            return Err(ServiceError::Stale {
                version: current.version,
            });
        }
        let permissions = patch.permissions.unwrap_or_else(|| {
            current
                .permissions
                .iter()
                .map(Permission::to_string)
                .collect()
        });
        let scopes = patch.scopes.unwrap_or_else(|| {
            current
                .scopes
                .iter()
                .map(|(kind, grant)| {
                    let input = ScopeInput {
                        scope: grant.scope.as_str().into(),
                        departments: grant.departments.clone(),
                    };
                    (kind.as_str().to_string(), input)
                })
                .collect()
        });
        // A built-in role's name sent back as the caller was shown it (in
        // their language) is no rename: the stored one stays.
        let renamed = patch
            .name
            .filter(|name| name.trim() != caller.role_name(&current));
        let name = renamed.clone().unwrap_or(current.name.clone());
        // So is its description sent back as shown.
        let described = match patch.description {
            Some(given)
                if given.as_deref().map(str::trim)
                    != caller.role_description(&current).as_deref() =>
            {
                Some(given)
            }
            _ => None,
        };
        let description = described.clone().unwrap_or(current.description.clone());
        let fields = check_role(
            &mut tx,
            &name,
            description.as_deref(),
            &permissions,
            &scopes,
        )
        .await?;

        let old = RoleFields {
            name: current.name.clone(),
            description: current.description.clone(),
            permissions: current.permissions.clone(),
            scopes: current.scopes.clone(),
        };
        let mut diff = Diff::new();
        describe(&mut diff, Some(&old), Some(&fields));
        if !diff.is_empty() {
            let saved = roles::update(&mut tx, id, current.version, &fields, self.now())
                .await
                .map_err(|e| unique_to_field(e, "name", "name", "name_taken"))?;
            if !saved {
                return Err(ServiceError::Stale {
                    version: current.version,
                });
            }
            let (own_name, own_description) =
                own_names(&current, &fields, (renamed.is_some(), described.is_some()));
            roles::keep_own_names(&mut tx, id, own_name, own_description).await?;
            self.log(
                &mut tx,
                caller,
                Change {
                    kind: Kind::Role,
                    record_id: id,
                    action: ChangeAction::Update,
                    fields: diff.into_fields(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.get_role(caller, id).await
    }

    /// Deletes a custom role nobody holds.
    pub async fn delete_role(&self, caller: &Caller, id: i64) -> Result<()> {
        caller.require(role(Action::Delete))?;
        let mut tx = self.db.write().await?;
        let current = roles::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.kind != RoleKind::Custom {
            return Err(ServiceError::Refused {
                code: "builtin_role_kept",
            });
        }
        if users::any_with_role(&mut tx, id).await? > 0 {
            return Err(ServiceError::Refused {
                code: "role_in_use",
            });
        }
        roles::delete(&mut tx, id).await?;
        let fields = vec![kuijing_domain::FieldChange {
            field: "name".into(),
            old: Some(current.name),
            new: None,
        }];
        self.log(
            &mut tx,
            caller,
            Change {
                kind: Kind::Role,
                record_id: id,
                action: ChangeAction::Delete,
                fields,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn check_role(
    tx: &mut Tx,
    name: &str,
    description: Option<&str>,
    permissions: &[String],
    scopes: &BTreeMap<String, ScopeInput>,
) -> Result<RoleFields> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", text::parse_name(name, 50));
    let description = errors
        .take("description", text::parse_optional_text(description, 200))
        .flatten();
    let mut parsed = BTreeSet::new();
    for text in permissions {
        match text.parse::<Permission>() {
            Ok(permission) => {
                parsed.insert(permission);
            }
            Err(()) => {
                errors.add(format!("permissions.{text}"), "permission_unknown");
            }
        }
    }
    let known_departments: BTreeSet<i64> =
        departments::org_chart(tx).await?.department_ids().collect();
    let mut grants = BTreeMap::new();
    for (kind_text, input) in scopes {
        let field = format!("scopes.{kind_text}");
        let kind = match kind_text.parse::<Kind>() {
            Ok(kind) if kind.has_data_scope() => kind,
            _ => {
                errors.add(field, "kind_unknown");
                continue;
            }
        };
        let Some(scope) = errors.take(&field, DataScope::parse(&input.scope)) else {
            continue;
        };
        let departments = if scope == DataScope::ChosenDepartments {
            if input.departments.is_empty() {
                errors.add(field.clone(), "departments_required");
            }
            if input
                .departments
                .iter()
                .any(|d| !known_departments.contains(d))
            {
                errors.add(field, "department_unknown");
            }
            input
                .departments
                .iter()
                .copied()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        grants.insert(kind, ScopeGrant { scope, departments });
    }
    errors.into_result()?;
    Ok(RoleFields {
        name: name.unwrap_or_default(),
        description,
        permissions: parsed,
        scopes: grants,
    })
}

fn describe(diff: &mut Diff, old: Option<&RoleFields>, new: Option<&RoleFields>) {
    diff.field(
        "name",
        old.map(|f| f.name.clone()),
        new.map(|f| f.name.clone()),
    );
    diff.field(
        "description",
        old.and_then(|f| f.description.clone()),
        new.and_then(|f| f.description.clone()),
    );
    let permissions = |f: &RoleFields| {
        f.permissions
            .iter()
            .map(Permission::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    diff.field("permissions", old.map(permissions), new.map(permissions));
    let scopes = |f: &RoleFields| {
        f.scopes
            .iter()
            .map(|(kind, grant)| format!("{kind}: {}", grant.scope.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    diff.field("scopes", old.map(scopes), new.map(scopes));
}

/// Whether a built-in role's new name and description become the
/// administrator's own: renamed to what the product calls it in another
/// language, it would still be shown in each viewer's own, so what they
/// typed is kept as typed (as an option renamed so loses its key).
fn own_names(
    current: &Role,
    fields: &RoleFields,
    (renamed, described): (bool, bool),
) -> (bool, bool) {
    let Some(code) = current.code.as_deref() else {
        return (false, false);
    };
    let shown_alike = |shown: &dyn Fn(&str) -> String, typed: &str| {
        kuijing_domain::builtin_names::LANGUAGES
            .iter()
            .all(|language| shown(language) == typed)
    };
    let name = renamed
        && !current.own_name
        && !shown_alike(
            &|language| {
                kuijing_domain::builtin_names::role_name(Some(code), &fields.name, language)
                    .to_string()
            },
            &fields.name,
        );
    let description = match (described, fields.description.as_deref()) {
        (true, Some(typed)) => {
            !current.own_description
                && !shown_alike(
                    &|language| {
                        kuijing_domain::builtin_names::role_description(Some(code), typed, language)
                            .to_string()
                    },
                    typed,
                )
        }
        _ => false,
    };
    (name, description)
}
