//! The rows every company starts with, written once after the migrations.

use chrono::Utc;
use kuijing_domain::RoleKind;
use kuijing_domain::defaults::{SUPER_ADMIN, builtin_roles, starting_names};

use crate::db::Tx;
use crate::departments::{self, DepartmentFields};
use crate::error::Result;
use crate::roles::{self, RoleFields};

/// Names are in `language` (`zh-Hant`, `zh-Hans` or `en`), the language the
/// company first starts in; rows that exist already are left as they are.
pub(crate) async fn ensure(tx: &mut Tx, language: &str) -> Result<()> {
    let now = Utc::now();
    let names = starting_names(language);
    if departments::top_id(tx).await?.is_none() {
        let top = DepartmentFields {
            name: names.top_department.to_string(),
            parent_id: None,
            head_id: None,
            sort_order: 0,
        };
        departments::insert(tx, &top, now).await?;
    }
    // Per field, so a field added by a later version gets its options too.
    for (kind, field, labels) in names.options {
        if !crate::options::of_field(tx, kind, field).await?.is_empty() {
            continue;
        }
        let keys = kuijing_domain::builtin_names::option_keys(kind, field);
        for (order, label) in labels.iter().enumerate() {
            let id = crate::options::insert(tx, kind, field, label, order as i64).await?;
            if let Some(key) = keys.and_then(|keys| keys.get(order)) {
                crate::options::set_builtin_key(tx, id, Some(key)).await?;
            }
        }
    }
    if crate::pipelines::list(tx).await?.is_empty() {
        let fields = crate::pipelines::PipelineFields {
            name: names.pipeline,
            active: true,
            departments: &[],
            sort_order: 0,
        };
        let pipeline = crate::pipelines::insert(tx, &fields, true, now).await?;
        for (order, (name, rate)) in names.stages.iter().enumerate() {
            crate::pipelines::insert_stage(tx, pipeline, name, *rate, order as i64).await?;
        }
    }
    crate::leads::fill_keys(tx).await?;
    crate::customers::fill_regions(tx).await?;
    crate::customers::rebuild_search(tx).await?;
    crate::leads::rebuild_search(tx).await?;
    crate::contacts::rebuild_search(tx).await?;
    crate::unique_values::fill_pending(tx).await?;
    if crate::pools::list(tx).await?.is_empty() {
        // The first pool is everyone's: its member is the top department.
        let pool = crate::pools::insert(tx, names.pool, "{}", now).await?;
        if let Some(top) = departments::top_id(tx).await? {
            let everyone = crate::pools::PoolMember {
                pool_id: pool,
                role: crate::pools::MEMBER.into(),
                member_kind: crate::pools::DEPARTMENT.into(),
                member_id: top,
            };
            crate::pools::set_members(tx, pool, &[everyone]).await?;
        }
    }
    for role in builtin_roles(language) {
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
