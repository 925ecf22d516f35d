//! What every company starts with: the top department and the built-in roles.

use std::collections::{BTreeMap, BTreeSet};

use crate::permission::{Action, Kind, Permission};
use crate::scope::{DataScope, ScopeGrant};

/// The name of the top department when a company is created; it can be renamed.
pub const TOP_DEPARTMENT: &str = "辦公室";

pub const SUPER_ADMIN: &str = "super_admin";
pub const ADMINISTRATOR: &str = "administrator";
pub const SALES_MANAGER: &str = "sales_manager";
pub const SALES_REP: &str = "sales_rep";

/// A role the product ships with.
pub struct BuiltinRole {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub permissions: BTreeSet<Permission>,
    pub scopes: BTreeMap<Kind, ScopeGrant>,
}

const SELLING: &[Kind] = &[
    Kind::Lead,
    Kind::Customer,
    Kind::Contact,
    Kind::Opportunity,
    Kind::Contract,
    Kind::PaymentPlan,
    Kind::Payment,
    Kind::FollowUp,
    Kind::Task,
    Kind::Event,
];

fn every_action(kinds: &[Kind]) -> BTreeSet<Permission> {
    kinds
        .iter()
        .flat_map(|kind| {
            kind.actions()
                .iter()
                .map(|action| Permission::new(*kind, *action))
        })
        .collect()
}

fn scoped(kinds: &[Kind], scope: DataScope) -> BTreeMap<Kind, ScopeGrant> {
    kinds
        .iter()
        .filter(|k| k.has_data_scope())
        .map(|k| (*k, ScopeGrant::new(scope)))
        .collect()
}

pub fn builtin_roles() -> Vec<BuiltinRole> {
    use Action::*;

    let admin_kinds = [
        Kind::Department,
        Kind::User,
        Kind::Role,
        Kind::Settings,
        Kind::Approval,
        Kind::Report,
    ];
    let mut admin_scopes = scoped(&[Kind::Department, Kind::User], DataScope::All);
    admin_scopes.extend(scoped(SELLING, DataScope::All));

    let mut manager = every_action(SELLING);
    manager.extend([
        Permission::new(Kind::Pool, View),
        Permission::new(Kind::Pool, Claim),
        Permission::new(Kind::Pool, Assign),
        Permission::new(Kind::Product, View),
        Permission::new(Kind::Report, View),
        Permission::new(Kind::Report, Export),
        Permission::new(Kind::Report, Create),
        Permission::new(Kind::User, View),
        Permission::new(Kind::Department, View),
        Permission::new(Kind::Approval, View),
    ]);
    let mut manager_scopes = scoped(SELLING, DataScope::DepartmentAndBelow);
    manager_scopes.extend(scoped(
        &[Kind::User, Kind::Department],
        DataScope::DepartmentAndBelow,
    ));

    let mut rep: BTreeSet<Permission> = SELLING
        .iter()
        .flat_map(|kind| [View, Create, Edit].map(|action| Permission::new(*kind, action)))
        .filter(|p| p.kind.actions().contains(&p.action))
        .collect();
    rep.extend([
        Permission::new(Kind::Lead, Convert),
        Permission::new(Kind::Customer, Release),
        Permission::new(Kind::Contract, Submit),
        Permission::new(Kind::Payment, Submit),
        // Their own drafts only (their scope is their own, and only
        // payments not yet approved are deleted).
        Permission::new(Kind::Payment, Delete),
        Permission::new(Kind::Pool, View),
        Permission::new(Kind::Pool, Claim),
        Permission::new(Kind::Product, View),
        Permission::new(Kind::User, View),
        Permission::new(Kind::Department, View),
        Permission::new(Kind::Approval, View),
        Permission::new(Kind::Report, View),
    ]);
    let mut rep_scopes = scoped(SELLING, DataScope::Own);
    rep_scopes.extend(scoped(
        &[Kind::User, Kind::Department],
        DataScope::Department,
    ));

    vec![
        BuiltinRole {
            code: SUPER_ADMIN,
            name: "超級管理員",
            description: "可查看與操作一切",
            permissions: BTreeSet::new(),
            scopes: BTreeMap::new(),
        },
        BuiltinRole {
            code: ADMINISTRATOR,
            name: "系統管理員",
            description: "管理組織、員工、角色與系統設定",
            permissions: every_action(&admin_kinds),
            scopes: admin_scopes,
        },
        BuiltinRole {
            code: SALES_MANAGER,
            name: "銷售經理",
            description: "管理本部門及下級部門的客戶與業績",
            permissions: manager,
            scopes: manager_scopes,
        },
        BuiltinRole {
            code: SALES_REP,
            name: "銷售代表",
            description: "跟進自己的線索、客戶與商機",
            permissions: rep,
            scopes: rep_scopes,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_roles_use_only_catalog_permissions() {
        for role in builtin_roles() {
            for permission in &role.permissions {
                assert!(
                    permission.kind.actions().contains(&permission.action),
                    "{permission}"
                );
            }
        }
    }
}
