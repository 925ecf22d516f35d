//! The rows every company starts with, written once after the migrations.

use chrono::Utc;
use kuijing_domain::RoleKind;
use kuijing_domain::defaults::{SUPER_ADMIN, TOP_DEPARTMENT, builtin_roles};
use kuijing_domain::pipeline::DEFAULT_STAGES;

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
    // Per field, so a field added by a later version gets its options too.
    for (kind, field, labels) in DEFAULT_OPTIONS {
        if !crate::options::of_field(tx, kind, field).await?.is_empty() {
            continue;
        }
        for (order, label) in labels.iter().enumerate() {
            crate::options::insert(tx, kind, field, label, order as i64).await?;
        }
    }
    if crate::pipelines::list(tx).await?.is_empty() {
        let fields = crate::pipelines::PipelineFields {
            name: DEFAULT_PIPELINE,
            active: true,
            departments: &[],
            sort_order: 0,
        };
        let pipeline = crate::pipelines::insert(tx, &fields, true, now).await?;
        for (order, (name, rate)) in DEFAULT_STAGES.iter().enumerate() {
            crate::pipelines::insert_stage(tx, pipeline, name, *rate, order as i64).await?;
        }
    }
    crate::leads::fill_keys(tx).await?;
    crate::customers::fill_regions(tx).await?;
    if crate::pools::list(tx).await?.is_empty() {
        // The first pool is everyone's: its member is the top department.
        let pool = crate::pools::insert(tx, "公海", "{}", now).await?;
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

/// The options a company starts with; administrators edit them afterwards.
const DEFAULT_OPTIONS: &[(&str, &str, &[&str])] = &[
    (
        "customer",
        "level_id",
        &["A（重點客戶）", "B（普通客戶）", "C（非優先客戶）"],
    ),
    (
        "customer",
        "industry_id",
        &[
            "製造業",
            "批發零售",
            "資訊科技",
            "金融保險",
            "建築營造",
            "服務業",
            "其他",
        ],
    ),
    (
        "customer",
        "source_id",
        &["網路", "電話開發", "客戶介紹", "展會", "廣告", "其他"],
    ),
    (
        "follow_up",
        "method_id",
        &["電話", "電子郵件", "拜訪", "簡訊", "微信", "其他"],
    ),
    (
        "payment",
        "method_id",
        &["銀行轉帳", "支票", "現金", "信用卡", "其他"],
    ),
];

/// The pipeline a company starts with.
const DEFAULT_PIPELINE: &str = "標準商機組";
