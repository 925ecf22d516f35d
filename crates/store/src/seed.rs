//! The rows every company starts with, written once after the migrations.

use chrono::Utc;
use kuijing_domain::RoleKind;
use kuijing_domain::defaults::{SUPER_ADMIN, TOP_DEPARTMENT, builtin_roles};

use crate::db::Tx;
use crate::departments::{self, DepartmentFields};
use crate::error::Result;
use crate::roles::{self, RoleFields};

pub(crate) async fn ensure(tx: &mut Tx) -> Result<()> {
    let now = Utc::now();
    if departments::top_id(tx).await?.is_none() {
        let top = DepartmentFields {
            name: TOP_DEPARTMENT.to_string(),
            parent_id: None,
            head_id: None,
            sort_order: 0,
        };
        departments::insert(tx, &top, now).await?;
    }
    for role in builtin_roles() {
        if roles::by_code(tx, role.code).await?.is_some() {
            continue;
        }
        let kind = if role.code == SUPER_ADMIN {
            RoleKind::SuperAdmin
        } else {
            RoleKind::Builtin
        };
        let fields = RoleFields {
            name: role.name.to_string(),
            description: Some(role.description.to_string()),
            permissions: role.permissions,
            scopes: role.scopes,
        };
        roles::insert(tx, kind, Some(role.code), &fields, now).await?;
    }
    Ok(())
}
