//! Who is acting: a signed-in user with the permissions and scopes of their roles.
//!
//! This is the one place that decides what a user may do and see; services ask
//! it, and store functions that read records take the `Visibility` it gives.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::org::OrgChart;
use crate::permission::{Kind, Permission};
use crate::scope::{ScopeGrant, Visibility};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// May do and see everything; cannot be edited or deleted.
    SuperAdmin,
    /// Shipped with the product; editable, not deletable.
    Builtin,
    /// Made by an administrator.
    Custom,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super_admin",
            Self::Builtin => "builtin",
            Self::Custom => "custom",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "super_admin" => Some(Self::SuperAdmin),
            "builtin" => Some(Self::Builtin),
            "custom" => Some(Self::Custom),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Role {
    pub id: i64,
    pub name: String,
    pub kind: RoleKind,
    /// The code of a role the product ships with (`sales_rep`, ...); such a
    /// role is named in each viewer's language until an administrator
    /// renames it.
    pub code: Option<String>,
    pub description: Option<String>,
    /// Operation permissions such as `customer.export`.
    #[schema(value_type = Vec<String>)]
    pub permissions: BTreeSet<Permission>,
    /// The data scope per kind, keyed by kind (`customer`, `user`, ...).
    #[schema(value_type = Object)]
    pub scopes: BTreeMap<Kind, ScopeGrant>,
    pub version: i64,
    /// An administrator renamed the built-in role to a name the product
    /// gives it in another language: shown as they typed it everywhere.
    #[serde(skip)]
    pub own_name: bool,
    /// The same for its description.
    #[serde(skip)]
    pub own_description: bool,
}

impl Role {
    /// The code the role's name is translated by: none once the name is
    /// the administrator's own.
    pub fn naming_code(&self) -> Option<&str> {
        self.code.as_deref().filter(|_| !self.own_name)
    }

    /// The code the role's description is translated by, as
    /// [`Self::naming_code`].
    pub fn describing_code(&self) -> Option<&str> {
        self.code.as_deref().filter(|_| !self.own_description)
    }

    /// The name the role is shown by in `language` (see
    /// [`crate::builtin_names::role_name`]).
    pub fn name_in(&self, language: &str) -> String {
        crate::builtin_names::role_name(self.naming_code(), &self.name, language).to_string()
    }
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub department_id: i64,
    pub super_admin: bool,
    pub permissions: BTreeSet<Permission>,
    pub grants: BTreeMap<Kind, Vec<ScopeGrant>>,
}

impl Actor {
    /// Combines the roles a user holds: the union of their permissions and of
    /// their scopes per kind.
    pub fn new(user_id: i64, department_id: i64, roles: &[Role]) -> Self {
        let mut actor = Self {
            user_id,
            department_id,
            super_admin: false,
            permissions: BTreeSet::new(),
            grants: BTreeMap::new(),
        };
        for role in roles {
            if role.kind == RoleKind::SuperAdmin {
                actor.super_admin = true;
            }
            actor.permissions.extend(role.permissions.iter().copied());
            for (kind, grant) in &role.scopes {
                actor.grants.entry(*kind).or_default().push(grant.clone());
            }
        }
        actor
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.super_admin || self.permissions.contains(&permission)
    }

    /// Whose records of `kind` this actor sees.
    pub fn visibility(&self, kind: Kind, org: &OrgChart) -> Visibility {
        if self.super_admin {
            return Visibility::everything();
        }
        let grants = self
            .grants
            .get(&kind)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Visibility::resolve(grants, self.user_id, self.department_id, org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::Action;
    use crate::scope::DataScope;

    fn role(kind: RoleKind, permissions: &[Permission], scope: DataScope) -> Role {
        Role {
            id: 1,
            name: "r".into(),
            kind,
            code: None,
            description: None,
            permissions: permissions.iter().copied().collect(),
            scopes: BTreeMap::from([(Kind::Customer, ScopeGrant::new(scope))]),
            version: 1,
            own_name: false,
            own_description: false,
        }
    }

    #[test]
    fn roles_combine_permissions_and_scopes() {
        let view = Permission::new(Kind::Customer, Action::View);
        let export = Permission::new(Kind::Customer, Action::Export);
        let a = role(RoleKind::Custom, &[view], DataScope::Own);
        let b = role(RoleKind::Builtin, &[export], DataScope::All);
        let actor = Actor::new(5, 1, &[a, b]);
        assert!(actor.can(view) && actor.can(export));
        assert!(!actor.can(Permission::new(Kind::Customer, Action::Delete)));
        assert!(actor.visibility(Kind::Customer, &OrgChart::default()).all);
    }

    #[test]
    fn super_admin_may_do_everything() {
        let actor = Actor::new(5, 1, &[role(RoleKind::SuperAdmin, &[], DataScope::Own)]);
        assert!(Permission::all().all(|p| actor.can(p)));
        assert!(actor.visibility(Kind::Lead, &OrgChart::default()).all);
    }

    #[test]
    fn a_kind_without_grants_shows_only_own_records() {
        let actor = Actor::new(5, 1, &[]);
        let visibility = actor.visibility(Kind::Contract, &OrgChart::default());
        assert!(visibility.sees(5, 9) && !visibility.sees(6, 1));
    }
}
