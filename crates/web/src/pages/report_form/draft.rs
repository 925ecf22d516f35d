//! The builder form as typed: every field kept as text, read from what the
//! browser sent or from a saved report, and turned into the definition the
//! service checks.

use kuijing_service::customers::FilterInput;
use kuijing_service::report_builder::{
    BuilderCatalog, MeasureInput, ReportDefinition, SavedReportView, ShareInput,
};

use super::MAX_FILTERS;

/// A filter row as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct FilterDraft {
    pub(crate) field: String,
    pub(crate) op: String,
    pub(crate) value: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) ids: Vec<String>,
}

/// The form as typed, every field kept as text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) chart: String,
    pub(crate) period_field: String,
    pub(crate) groups: [(String, String); 2],
    pub(crate) measures: [(String, String); 3],
    pub(crate) filters: Vec<FilterDraft>,
    pub(crate) users: Vec<String>,
    pub(crate) departments: Vec<String>,
    pub(crate) roles: Vec<String>,
    pub(crate) version: String,
}

impl Draft {
    pub(super) fn blank(kind: &str) -> Self {
        Self {
            kind: kind.to_string(),
            chart: "bar".into(),
            measures: [
                ("count".into(), String::new()),
                Default::default(),
                Default::default(),
            ],
            ..Self::default()
        }
    }

    /// What the browser sent: `group_0`, `bucket_0`, `measure_0_op`,
    /// `filter_0_field`, `filter_0_ids` (repeated), `share_user`, ...
    pub(super) fn parse(pairs: Vec<(String, String)>) -> Self {
        let mut draft = Self::default();
        let mut filters: Vec<FilterDraft> = vec![FilterDraft::default(); MAX_FILTERS];
        for (key, value) in pairs {
            let indexed = |prefix: &str| -> Option<(usize, String)> {
                let rest = key.strip_prefix(prefix)?;
                let (index, part) = rest.split_once('_').unwrap_or((rest, ""));
                Some((index.parse().ok()?, part.to_string()))
            };
            match key.as_str() {
                "name" => draft.name = value,
                "kind" => draft.kind = value,
                "chart" => draft.chart = value,
                "period_field" => draft.period_field = value,
                "version" => draft.version = value,
                "share_user" => draft.users.push(value),
                "share_department" => draft.departments.push(value),
                "share_role" => draft.roles.push(value),
                _ => {
                    if let Some((i, part)) = indexed("group_").filter(|(i, _)| *i < 2) {
                        match part.as_str() {
                            "" => draft.groups[i].0 = value,
                            "bucket" => draft.groups[i].1 = value,
                            _ => {}
                        }
                    } else if let Some((i, part)) = indexed("measure_").filter(|(i, _)| *i < 3) {
                        match part.as_str() {
                            "op" => draft.measures[i].0 = value,
                            "field" => draft.measures[i].1 = value,
                            _ => {}
                        }
                    } else if let Some((i, part)) =
                        indexed("filter_").filter(|(i, _)| *i < MAX_FILTERS)
                    {
                        let row = &mut filters[i];
                        match part.as_str() {
                            "field" => row.field = value,
                            "op" => row.op = value,
                            "value" => row.value = value,
                            "from" => row.from = value,
                            "to" => row.to = value,
                            "ids" => row.ids.push(value),
                            _ => {}
                        }
                    }
                }
            }
        }
        draft.filters = filters
            .into_iter()
            .filter(|f| !f.field.trim().is_empty())
            .collect();
        draft
    }

    pub(super) fn of_saved(view: &SavedReportView) -> Self {
        let d = &view.definition;
        let mut draft = Self {
            name: d.name.clone(),
            kind: d.kind.clone(),
            chart: d.chart.clone(),
            period_field: d.period_field.clone().unwrap_or_default(),
            version: view.version.to_string(),
            ..Self::default()
        };
        for (i, group) in d.group_by.iter().take(2).enumerate() {
            let (field, bucket) = group.split_once(':').unwrap_or((group, ""));
            draft.groups[i] = (field.to_string(), bucket.to_string());
        }
        for (i, m) in d.measures.iter().take(3).enumerate() {
            draft.measures[i] = (m.op.clone(), m.field.clone().unwrap_or_default());
        }
        draft.filters = d
            .filters
            .iter()
            .take(MAX_FILTERS)
            .map(|f| {
                let text = |v: &serde_json::Value| match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                let mut row = FilterDraft {
                    field: f.field.clone(),
                    op: f.op.clone(),
                    ..FilterDraft::default()
                };
                match &f.value {
                    Some(serde_json::Value::Array(items)) => {
                        row.ids = items.iter().map(text).collect()
                    }
                    Some(serde_json::Value::Object(o)) => {
                        row.from = o.get("from").map(text).unwrap_or_default();
                        row.to = o.get("to").map(text).unwrap_or_default();
                    }
                    Some(other) => row.value = text(other),
                    None => {}
                }
                row
            })
            .collect();
        for share in &d.shares {
            let list = match share.kind.as_str() {
                "user" => &mut draft.users,
                "department" => &mut draft.departments,
                _ => &mut draft.roles,
            };
            list.push(share.id.to_string());
        }
        draft
    }

    /// The definition the service checks; every refusal comes back by name.
    pub(super) fn definition(&self, catalog: &BuilderCatalog) -> ReportDefinition {
        let kind_of = |name: &str| {
            catalog
                .fields
                .iter()
                .find(|f| f.name == name)
                .map_or("text", |f| f.value_kind)
        };
        let group_by = self
            .groups
            .iter()
            .filter(|(field, _)| !field.is_empty())
            .map(|(field, bucket)| {
                if bucket.is_empty() {
                    field.clone()
                } else {
                    format!("{field}:{bucket}")
                }
            })
            .collect();
        let measures = self
            .measures
            .iter()
            .filter(|(op, _)| !op.is_empty())
            .map(|(op, field)| MeasureInput {
                op: op.clone(),
                field: (op != "count" && !field.is_empty()).then(|| field.clone()),
            })
            .collect();
        let filters = self
            .filters
            .iter()
            .map(|f| {
                let value = match (f.op.as_str(), kind_of(&f.field)) {
                    ("is_empty" | "not_empty" | "passed", _) => None,
                    // The days, as typed; the service reads and checks them.
                    ("older_than_days", _) => Some(serde_json::Value::from(f.value.clone())),
                    ("between", _) => Some(serde_json::json!({"from": f.from, "to": f.to})),
                    (_, "ids" | "options") => Some(serde_json::json!(f.ids)),
                    (_, "number") if f.value.trim().is_empty() => {
                        Some(serde_json::Value::from(f.from.clone()))
                    }
                    (_, "instant" | "day") => None,
                    _ => Some(serde_json::Value::from(f.value.clone())),
                };
                FilterInput {
                    field: f.field.clone(),
                    op: f.op.clone(),
                    value,
                }
            })
            .collect();
        let mut shares = Vec::new();
        for (kind, ids) in [
            ("user", &self.users),
            ("department", &self.departments),
            ("role", &self.roles),
        ] {
            for id in ids {
                // An id that is not a number names nobody; the service says so.
                let id = id.trim().parse().unwrap_or(-1);
                shares.push(ShareInput {
                    kind: kind.into(),
                    id,
                });
            }
        }
        ReportDefinition {
            name: self.name.clone(),
            kind: self.kind.clone(),
            group_by,
            measures,
            filters,
            period_field: (!self.period_field.is_empty()).then(|| self.period_field.clone()),
            chart: self.chart.clone(),
            shares,
        }
    }
}
