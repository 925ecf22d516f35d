//! What every company starts with: the top department and the built-in roles.

use std::collections::{BTreeMap, BTreeSet};

use crate::permission::{Action, Kind, Permission};
use crate::scope::{DataScope, ScopeGrant};

/// The names a company starts with, in the language it first starts in
/// (the `default_locale` setting); administrators rename them afterwards.
pub struct StartingNames {
    pub top_department: &'static str,
    pub pool: &'static str,
    pub pipeline: &'static str,
    /// The default pipeline's stages, in order, with their win rates.
    pub stages: [(&'static str, i64); 4],
    /// Per kind and field, the options of a choice field.
    pub options: [(&'static str, &'static str, &'static [&'static str]); 5],
    /// Per built-in role code, its name and description.
    pub roles: [(&'static str, &'static str, &'static str); 4],
}

const ZH_HANT: StartingNames = StartingNames {
    top_department: "辦公室",
    pool: "公海",
    pipeline: "標準商機組",
    stages: [
        ("初步接洽", 10),
        ("需求確認", 30),
        ("方案報價", 60),
        ("談判審核", 80),
    ],
    options: [
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
    ],
    roles: [
        (SUPER_ADMIN, "超級管理員", "可查看與操作一切"),
        (
            ADMINISTRATOR,
            "系統管理員",
            "管理組織、員工、角色與系統設定",
        ),
        (
            SALES_MANAGER,
            "銷售經理",
            "管理本部門及下級部門的客戶與業績",
        ),
        (SALES_REP, "銷售代表", "跟進自己的線索、客戶與商機"),
    ],
};

const ZH_HANS: StartingNames = StartingNames {
    top_department: "办公室",
    pool: "公海",
    pipeline: "标准商机组",
    stages: [
        ("初步接洽", 10),
        ("需求确认", 30),
        ("方案报价", 60),
        ("谈判审核", 80),
    ],
    options: [
        (
            "customer",
            "level_id",
            &["A（重点客户）", "B（普通客户）", "C（非优先客户）"],
        ),
        (
            "customer",
            "industry_id",
            &[
                "制造业",
                "批发零售",
                "信息技术",
                "金融保险",
                "建筑工程",
                "服务业",
                "其他",
            ],
        ),
        (
            "customer",
            "source_id",
            &["网络", "电话开发", "客户介绍", "展会", "广告", "其他"],
        ),
        (
            "follow_up",
            "method_id",
            &["电话", "电子邮件", "拜访", "短信", "微信", "其他"],
        ),
        (
            "payment",
            "method_id",
            &["银行转账", "支票", "现金", "信用卡", "其他"],
        ),
    ],
    roles: [
        (SUPER_ADMIN, "超级管理员", "可查看与操作一切"),
        (
            ADMINISTRATOR,
            "系统管理员",
            "管理组织、员工、角色与系统设置",
        ),
        (
            SALES_MANAGER,
            "销售经理",
            "管理本部门及下级部门的客户与业绩",
        ),
        (SALES_REP, "销售代表", "跟进自己的线索、客户与商机"),
    ],
};

const EN: StartingNames = StartingNames {
    top_department: "Head office",
    pool: "Public pool",
    pipeline: "Standard pipeline",
    stages: [
        ("First contact", 10),
        ("Needs confirmed", 30),
        ("Proposal and quote", 60),
        ("Negotiation", 80),
    ],
    options: [
        (
            "customer",
            "level_id",
            &["A (key account)", "B (regular)", "C (low priority)"],
        ),
        (
            "customer",
            "industry_id",
            &[
                "Manufacturing",
                "Wholesale and retail",
                "Information technology",
                "Finance and insurance",
                "Construction",
                "Services",
                "Other",
            ],
        ),
        (
            "customer",
            "source_id",
            &[
                "Website",
                "Cold call",
                "Referral",
                "Trade show",
                "Advertising",
                "Other",
            ],
        ),
        (
            "follow_up",
            "method_id",
            &["Phone", "E-mail", "Visit", "SMS", "WeChat", "Other"],
        ),
        (
            "payment",
            "method_id",
            &["Bank transfer", "Cheque", "Cash", "Credit card", "Other"],
        ),
    ],
    roles: [
        (
            SUPER_ADMIN,
            "Super administrator",
            "Sees and does everything",
        ),
        (
            ADMINISTRATOR,
            "Administrator",
            "Manages the organisation, users, roles and settings",
        ),
        (
            SALES_MANAGER,
            "Sales manager",
            "Manages the customers and results of their department and those below it",
        ),
        (
            SALES_REP,
            "Sales rep",
            "Follows up their own leads, customers and opportunities",
        ),
    ],
};

/// The starting names in a language (`zh-Hant`, `zh-Hans` or `en`);
/// Traditional Chinese for any other.
pub fn starting_names(language: &str) -> &'static StartingNames {
    match language {
        "en" => &EN,
        "zh-Hans" => &ZH_HANS,
        _ => &ZH_HANT,
    }
}

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

pub fn builtin_roles(language: &str) -> Vec<BuiltinRole> {
    use Action::*;
    let names = starting_names(language);
    let name_of = |code: &str| {
        names
            .roles
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, name, description)| (*name, *description))
            .unwrap_or(("", ""))
    };

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
            name: name_of(SUPER_ADMIN).0,
            description: name_of(SUPER_ADMIN).1,
            permissions: BTreeSet::new(),
            scopes: BTreeMap::new(),
        },
        BuiltinRole {
            code: ADMINISTRATOR,
            name: name_of(ADMINISTRATOR).0,
            description: name_of(ADMINISTRATOR).1,
            permissions: every_action(&admin_kinds),
            scopes: admin_scopes,
        },
        BuiltinRole {
            code: SALES_MANAGER,
            name: name_of(SALES_MANAGER).0,
            description: name_of(SALES_MANAGER).1,
            permissions: manager,
            scopes: manager_scopes,
        },
        BuiltinRole {
            code: SALES_REP,
            name: name_of(SALES_REP).0,
            description: name_of(SALES_REP).1,
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
        for role in builtin_roles("zh-Hant") {
            for permission in &role.permissions {
                assert!(
                    permission.kind.actions().contains(&permission.action),
                    "{permission}"
                );
            }
        }
    }

    #[test]
    fn every_language_names_the_same_things() {
        let hant = starting_names("zh-Hant");
        for language in ["zh-Hans", "en"] {
            let names = starting_names(language);
            for (theirs, ours) in names.options.iter().zip(hant.options.iter()) {
                assert_eq!((theirs.0, theirs.1), (ours.0, ours.1), "{language}");
                assert_eq!(theirs.2.len(), ours.2.len(), "{language} {}", ours.1);
            }
            for (theirs, ours) in names.stages.iter().zip(hant.stages.iter()) {
                assert_eq!(theirs.1, ours.1, "{language}: win rates agree");
            }
            for role in builtin_roles(language) {
                assert!(!role.name.is_empty() && !role.description.is_empty());
            }
        }
        assert_eq!(starting_names("fr").pool, hant.pool);
    }
}
