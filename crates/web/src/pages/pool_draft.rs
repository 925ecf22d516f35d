//! A pool's settings form as typed: read from a saved pool or from a post,
//! turned into the service's input, and its errors placed beside the row or
//! field they are about.

use std::collections::{BTreeSet, HashMap};

use kuijing_domain::FieldErrors;
use kuijing_domain::pool::{ClaimLimits, PoolRules, RecycleKind, RecycleRule, RoleLimits};
use kuijing_service::pool_settings::PoolChoices;
use kuijing_service::pools::{PoolInput, PoolView};
use serde::Deserialize;

use super::forms::optional_number;
use crate::error::field_message_in;
use crate::i18n::Lang;

/// The form as posted; every value as text, lists repeated.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    member_user: Vec<String>,
    #[serde(default)]
    member_department: Vec<String>,
    #[serde(default)]
    administrator: Vec<String>,
    #[serde(default)]
    per_day: String,
    #[serde(default)]
    per_week: String,
    #[serde(default)]
    per_month: String,
    #[serde(default)]
    role_id: Vec<String>,
    #[serde(default)]
    role_per_day: Vec<String>,
    #[serde(default)]
    role_per_week: Vec<String>,
    #[serde(default)]
    role_per_month: Vec<String>,
    #[serde(default)]
    reclaim_wait_days: String,
    #[serde(default)]
    owned_cap: String,
    #[serde(default)]
    remind_days: String,
    #[serde(default)]
    won_exempt: String,
    #[serde(default)]
    recycle_kind: Vec<String>,
    #[serde(default)]
    recycle_days: Vec<String>,
    /// `row:level`, so a ticked level is known to belong to its row.
    #[serde(default)]
    recycle_level: Vec<String>,
}

/// Limits of one role as typed.
#[derive(Debug, Clone, Default)]
pub struct RoleRow {
    pub role_id: i64,
    pub name: String,
    pub per_day: String,
    pub per_week: String,
    pub per_month: String,
}

/// One recycle rule as typed.
#[derive(Debug, Clone, Default)]
pub struct RuleRow {
    pub kind: String,
    pub days: String,
    pub levels: BTreeSet<i64>,
}

/// What the settings form shows.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub name: String,
    pub member_users: BTreeSet<i64>,
    pub member_departments: BTreeSet<i64>,
    pub administrators: BTreeSet<i64>,
    pub per_day: String,
    pub per_week: String,
    pub per_month: String,
    /// One row per role, in the order of the choices.
    pub roles: Vec<RoleRow>,
    pub reclaim_wait_days: String,
    pub owned_cap: String,
    pub remind_days: String,
    pub won_exempt: bool,
    /// The rules, then one empty row to add another.
    pub recycle: Vec<RuleRow>,
}

fn text(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn ids(values: &[String]) -> BTreeSet<i64> {
    values.iter().filter_map(|v| optional_number(v)).collect()
}

fn at(values: &[String], index: usize) -> String {
    values
        .get(index)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

impl Draft {
    pub fn from_view(pool: &PoolView, choices: &PoolChoices) -> Self {
        let rules = &pool.rules;
        let roles = choices
            .roles
            .iter()
            .map(|role| {
                let limits = rules
                    .role_limits
                    .iter()
                    .find(|r| r.role_id == role.id)
                    .map(|r| r.limits)
                    .unwrap_or_default();
                RoleRow {
                    role_id: role.id,
                    name: role.name.clone(),
                    per_day: text(limits.per_day),
                    per_week: text(limits.per_week),
                    per_month: text(limits.per_month),
                }
            })
            .collect();
        let mut recycle: Vec<RuleRow> = rules
            .recycle
            .iter()
            .map(|rule| RuleRow {
                kind: rule.kind.as_str().to_string(),
                days: rule.days.to_string(),
                levels: rule.levels.iter().copied().collect(),
            })
            .collect();
        recycle.push(RuleRow::default());
        Self {
            name: pool.name.clone(),
            member_users: pool.member_users.iter().map(|n| n.id).collect(),
            member_departments: pool.member_departments.iter().map(|n| n.id).collect(),
            administrators: pool.administrators.iter().map(|n| n.id).collect(),
            per_day: text(rules.limits.per_day),
            per_week: text(rules.limits.per_week),
            per_month: text(rules.limits.per_month),
            roles,
            reclaim_wait_days: text(rules.reclaim_wait_days),
            owned_cap: text(rules.owned_cap),
            remind_days: text(rules.remind_days),
            won_exempt: rules.won_exempt,
            recycle,
        }
    }

    /// The form as posted; rows left empty are dropped, one empty row added.
    pub fn from_form(form: &SettingsForm, choices: &PoolChoices) -> Self {
        let roles = choices
            .roles
            .iter()
            .map(|role| {
                let index = form
                    .role_id
                    .iter()
                    .position(|id| optional_number(id) == Some(role.id));
                let value = |list: &[String]| index.map(|i| at(list, i)).unwrap_or_default();
                RoleRow {
                    role_id: role.id,
                    name: role.name.clone(),
                    per_day: value(&form.role_per_day),
                    per_week: value(&form.role_per_week),
                    per_month: value(&form.role_per_month),
                }
            })
            .collect();
        let mut recycle = Vec::new();
        for (index, kind) in form.recycle_kind.iter().enumerate() {
            let row = RuleRow {
                kind: kind.trim().to_string(),
                days: at(&form.recycle_days, index),
                levels: form
                    .recycle_level
                    .iter()
                    .filter_map(|v| v.split_once(':'))
                    .filter(|(row, _)| row.parse() == Ok(index))
                    .filter_map(|(_, level)| level.parse().ok())
                    .collect(),
            };
            if !row.kind.is_empty() || !row.days.is_empty() {
                recycle.push(row);
            }
        }
        recycle.push(RuleRow::default());
        Self {
            name: form.name.clone(),
            member_users: ids(&form.member_user),
            member_departments: ids(&form.member_department),
            administrators: ids(&form.administrator),
            per_day: form.per_day.trim().to_string(),
            per_week: form.per_week.trim().to_string(),
            per_month: form.per_month.trim().to_string(),
            roles,
            reclaim_wait_days: form.reclaim_wait_days.trim().to_string(),
            owned_cap: form.owned_cap.trim().to_string(),
            remind_days: form.remind_days.trim().to_string(),
            won_exempt: !form.won_exempt.is_empty(),
            recycle,
        }
    }

    /// The rows of role limits that hold a number, in the order they are sent.
    fn kept_roles(&self) -> Vec<&RoleRow> {
        self.roles
            .iter()
            .filter(|r| !(r.per_day.is_empty() && r.per_week.is_empty() && r.per_month.is_empty()))
            .collect()
    }

    /// The service's input, or the rows whose rule kind is missing.
    pub fn input(&self) -> Result<PoolInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let role_limits = self
            .kept_roles()
            .into_iter()
            .map(|r| RoleLimits {
                role_id: r.role_id,
                limits: ClaimLimits {
                    per_day: optional_number(&r.per_day),
                    per_week: optional_number(&r.per_week),
                    per_month: optional_number(&r.per_month),
                },
            })
            .collect();
        let mut recycle = Vec::new();
        for (index, row) in self.recycle.iter().enumerate() {
            if row.kind.is_empty() && row.days.is_empty() {
                continue;
            }
            match RecycleKind::parse(&row.kind) {
                Ok(kind) => recycle.push(RecycleRule {
                    kind,
                    days: optional_number(&row.days).unwrap_or(0),
                    levels: row.levels.iter().copied().collect(),
                }),
                Err(_) => errors.add(format!("recycle.{index}.kind"), "required"),
            }
        }
        errors.into_result()?;
        let rules = PoolRules {
            limits: ClaimLimits {
                per_day: optional_number(&self.per_day),
                per_week: optional_number(&self.per_week),
                per_month: optional_number(&self.per_month),
            },
            role_limits,
            reclaim_wait_days: optional_number(&self.reclaim_wait_days),
            owned_cap: optional_number(&self.owned_cap),
            recycle,
            won_exempt: self.won_exempt,
            remind_days: optional_number(&self.remind_days),
        };
        Ok(PoolInput {
            name: Some(self.name.clone()),
            rules: Some(rules),
            member_users: Some(self.member_users.iter().copied().collect()),
            member_departments: Some(self.member_departments.iter().copied().collect()),
            administrators: Some(self.administrators.iter().copied().collect()),
        })
    }

    /// Messages keyed by where the form shows them: a field's name, `role.<id>`
    /// for a role's row, `recycle.<row>` for a rule's row.
    pub fn placed(&self, errors: &FieldErrors, lang: Lang) -> HashMap<String, String> {
        let kept: Vec<i64> = self.kept_roles().iter().map(|r| r.role_id).collect();
        let mut placed: HashMap<String, String> = HashMap::new();
        for error in &errors.0 {
            let parts: Vec<&str> = error.field.split('.').collect();
            let key = match parts.as_slice() {
                ["role_limits", index, ..] => index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| kept.get(i))
                    .map(|id| format!("role.{id}")),
                ["recycle", index, ..] => Some(format!("recycle.{index}")),
                [field] => Some((*field).to_string()),
                _ => None,
            }
            .unwrap_or_else(|| error.field.clone());
            let message = field_message_in(error, Some("pool"), lang);
            placed
                .entry(key)
                .and_modify(|m| {
                    m.push(' ');
                    m.push_str(&message);
                })
                .or_insert(message);
        }
        placed
    }
}
