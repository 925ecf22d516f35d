//! A pool's rules in sentences, for the members who work under them.

use std::collections::BTreeMap;

use kuijing_domain::pool::{ClaimLimits, RecycleRule};
use kuijing_service::options::OptionRow;
use kuijing_service::pools::PoolView;

use crate::i18n::Lang;

pub struct RulesSummary {
    lang: Lang,
    levels: BTreeMap<i64, String>,
}

impl RulesSummary {
    /// `options` are the customer options by field, for the level names.
    pub fn new(lang: Lang, options: &BTreeMap<String, Vec<OptionRow>>) -> Self {
        let levels = options
            .get("level_id")
            .into_iter()
            .flatten()
            .map(|o| (o.id, o.label.clone()))
            .collect();
        Self { lang, levels }
    }

    /// One sentence per rule that is set; none for a pool without rules.
    pub fn lines(&self, pool: &PoolView) -> Vec<String> {
        let rules = &pool.rules;
        let mut lines = Vec::new();
        if let Some(limits) = self.limits(&rules.limits) {
            lines.push(self.with("pools.summary.limits", "%{limits}", &limits));
        }
        if !rules.role_limits.is_empty() {
            lines.push(self.lang.t("pools.summary.role_limits"));
        }
        if let Some(days) = rules.reclaim_wait_days.filter(|d| *d > 0) {
            lines.push(self.with("pools.summary.wait", "%{n}", &days.to_string()));
        }
        if let Some(cap) = rules.owned_cap {
            lines.push(self.with("pools.summary.cap", "%{n}", &cap.to_string()));
        }
        for rule in &rules.recycle {
            lines.push(self.recycle(rule));
        }
        if rules.recycles() {
            if rules.won_exempt {
                lines.push(self.lang.t("pools.summary.won_exempt"));
            }
            lines.push(self.lang.t("pools.summary.locked_exempt"));
            if let Some(days) = rules.remind_days.filter(|d| *d > 0) {
                lines.push(self.with("pools.summary.remind", "%{n}", &days.to_string()));
            }
        }
        lines
    }

    fn with(&self, key: &str, placeholder: &str, value: &str) -> String {
        self.lang.t(key).replace(placeholder, value)
    }

    fn limits(&self, limits: &ClaimLimits) -> Option<String> {
        let parts: Vec<String> = [
            ("pools.summary.per_day", limits.per_day),
            ("pools.summary.per_week", limits.per_week),
            ("pools.summary.per_month", limits.per_month),
        ]
        .into_iter()
        .filter_map(|(key, n)| n.map(|n| self.with(key, "%{n}", &n.to_string())))
        .collect();
        (!parts.is_empty()).then(|| parts.join(self.lang.t("pools.summary.separator").as_str()))
    }

    fn recycle(&self, rule: &RecycleRule) -> String {
        let mut text = self
            .lang
            .t(&format!("pools.summary.recycle.{}", rule.kind.as_str()))
            .replace("%{n}", &rule.days.to_string());
        if !rule.levels.is_empty() {
            let names: Vec<&str> = rule
                .levels
                .iter()
                .filter_map(|l| self.levels.get(l).map(String::as_str))
                .collect();
            let separator = self.lang.t("pools.summary.separator");
            text.push_str(&self.with("pools.summary.levels", "%{levels}", &names.join(&separator)));
        }
        text
    }
}
