//! The filters, sort and page of the customer list, read from its query
//! and written back into its links.

use super::*;
use crate::pages::drill;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    pub(super) q: String,
    #[serde(default)]
    pub(super) view: String,
    #[serde(default)]
    pub(super) level_id: String,
    #[serde(default)]
    pub(super) industry_id: String,
    #[serde(default)]
    pub(super) source_id: String,
    #[serde(default)]
    pub(super) created: String,
    /// Conditions kept so far (`c`), and the one being added: `field|operator`
    /// (`cond`), its value (`cv`) or picked choices (`cvc`), as on every list
    /// with the condition box.
    #[serde(default)]
    pub(super) c: String,
    #[serde(default)]
    pub(super) cond: String,
    #[serde(default)]
    pub(super) cv: String,
    /// A range of days being added: its first and last day.
    #[serde(default)]
    pub(super) cvf: String,
    #[serde(default)]
    pub(super) cvt: String,
    #[serde(default)]
    pub(super) cvc: Vec<String>,
    /// A dashboard figure's customers: created on these days, of these
    /// owners, without a follow-up for so many days, or with the next
    /// contact time passed.
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    pub(super) owner_id: Vec<String>,
    #[serde(default)]
    pub(super) forgotten: String,
    #[serde(default)]
    pub(super) contact_overdue: String,
    #[serde(default)]
    pub(super) sort: String,
    #[serde(default)]
    pub(super) dir: String,
    #[serde(default)]
    pub(super) cursor: String,
    #[serde(default)]
    pub(super) limit: String,
    pub(super) done: Option<String>,
    /// How many records the action that led here touched.
    pub(super) n: Option<u64>,
    /// `open` when the column picker should show open.
    #[serde(default)]
    pub(super) columns: String,
}

impl ListFilter {
    pub(super) fn view(&self) -> &str {
        if self.view.is_empty() {
            "all"
        } else {
            &self.view
        }
    }

    /// Every condition: those kept and the one being added.
    pub(super) fn condition_list(&self) -> Vec<(String, String, String)> {
        let cv = added_value(&self.cv, &self.cvf, &self.cvt);
        conditions_of(&self.c, &self.cond, &cv, &self.cvc)
    }

    /// The kept conditions, for the filter form's hidden field.
    pub(super) fn kept_conditions(&self) -> String {
        kept(&self.condition_list())
    }

    /// The conditions and page size, without the view, sort and cursor.
    pub(super) fn conditions(&self) -> String {
        self.narrowing_with(&self.condition_list())
    }

    /// As `conditions`, with these conditions of the box.
    pub(super) fn narrowing_with(&self, added: &[(String, String, String)]) -> String {
        let mut drilled = form_urlencoded::Serializer::new(String::new());
        drill::keep(&mut drilled, &self.drill());
        for (key, value) in [
            ("forgotten", &self.forgotten),
            ("contact_overdue", &self.contact_overdue),
        ] {
            if !value.is_empty() {
                drilled.append_pair(key, value);
            }
        }
        let drilled = drilled.finish();
        format!(
            "q={}&level_id={}&industry_id={}&source_id={}&created={}&c={}&limit={}{}{}",
            url_encode(&self.q),
            url_encode(&self.level_id),
            url_encode(&self.industry_id),
            url_encode(&self.source_id),
            url_encode(&self.created),
            url_encode(&kept(added)),
            url_encode(&self.limit),
            if drilled.is_empty() { "" } else { "&" },
            drilled
        )
    }

    pub(super) fn drill(&self) -> kuijing_service::dashboard::Drill {
        drill::of(&self.from, &self.to, &self.owner_id)
    }

    /// The dashboard's narrowing (days, people, forgotten, passed contact
    /// times), for the search form to keep.
    pub(super) fn drill_inputs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = drill::pairs(&self.drill());
        for (key, value) in [
            ("forgotten", &self.forgotten),
            ("contact_overdue", &self.contact_overdue),
        ] {
            if !value.is_empty() {
                pairs.push((key, value.clone()));
            }
        }
        pairs
    }

    /// What the dashboard figure asked beyond days and owners.
    pub(super) fn drill_more(&self, shell: &Shell) -> Option<String> {
        if let Some(days) = optional_number(&self.forgotten) {
            return Some(
                shell
                    .t("drill.forgotten")
                    .replace("%{days}", &days.to_string()),
            );
        }
        (!self.contact_overdue.is_empty()).then(|| shell.t("drill.contact_overdue"))
    }

    pub(crate) fn query_without_cursor(&self) -> String {
        format!(
            "{}&view={}&sort={}&dir={}",
            self.conditions(),
            url_encode(&self.view),
            url_encode(&self.sort),
            url_encode(&self.dir)
        )
    }

    /// A tab keeps the conditions and the sort but starts on the first page.
    pub(super) fn view_href(&self, view: &str) -> String {
        format!(
            "/customers?{}&view={view}&sort={}&dir={}",
            self.conditions(),
            url_encode(&self.sort),
            url_encode(&self.dir)
        )
    }

    /// A column header sorts by its column; a second click turns the order.
    pub(super) fn sort_href(&self, column: &str) -> String {
        let dir = if self.sort == column {
            if self.dir == "asc" { "desc" } else { "asc" }
        } else if column == "name" {
            "asc"
        } else {
            "desc"
        };
        format!(
            "/customers?{}&view={}&sort={column}&dir={dir}",
            self.conditions(),
            url_encode(&self.view)
        )
    }

    /// The `aria-sort` of a column header.
    pub(super) fn sorted(&self, column: &str) -> &'static str {
        if self.sort != column {
            "none"
        } else if self.dir == "asc" {
            "ascending"
        } else {
            "descending"
        }
    }

    pub(super) fn is_filtered(&self) -> bool {
        !self.q.is_empty()
            || !self.level_id.is_empty()
            || !self.industry_id.is_empty()
            || !self.source_id.is_empty()
            || !self.created.is_empty()
            || !self.condition_list().is_empty()
            || !self.drill().filters().is_empty()
            || !self.forgotten.is_empty()
            || !self.contact_overdue.is_empty()
    }

    pub(super) fn clear_href(&self) -> String {
        format!("/customers?view={}", url_encode(&self.view))
    }

    pub(super) fn limit(&self) -> u64 {
        self.limit
            .parse::<u64>()
            .ok()
            .filter(|l| [20, 50, 100].contains(l))
            .unwrap_or(20)
    }

    pub(crate) fn query(&self) -> CustomerListQuery {
        let mut filters = filters_of(self.condition_list());
        for (field, value) in [
            ("level_id", &self.level_id),
            ("industry_id", &self.industry_id),
            ("source_id", &self.source_id),
        ] {
            if let Some(id) = optional_number(value) {
                filters.push(FilterInput {
                    field: field.into(),
                    op: "equals".into(),
                    value: Some(id.into()),
                });
            }
        }
        if !self.created.is_empty() {
            filters.push(FilterInput {
                field: "created_at".into(),
                op: self.created.clone(),
                value: None,
            });
        }
        let drill = self.drill();
        if drill.from.is_some() || drill.to.is_some() {
            let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            filters.push(FilterInput {
                field: "created_at".into(),
                op: "between".into(),
                value: Some(serde_json::json!({"from": day(drill.from), "to": day(drill.to)})),
            });
        }
        if !drill.owner_ids.is_empty() {
            filters.push(FilterInput {
                field: "owner_id".into(),
                op: "one_of".into(),
                value: Some(serde_json::json!(drill.owner_ids)),
            });
        }
        if !self.forgotten.is_empty() {
            filters.push(FilterInput {
                field: "last_follow_up_at".into(),
                op: "older_than_days".into(),
                value: Some(serde_json::Value::from(self.forgotten.trim())),
            });
        }
        if !self.contact_overdue.is_empty() {
            filters.push(FilterInput {
                field: "next_contact_at".into(),
                op: "passed".into(),
                value: None,
            });
        }
        CustomerListQuery {
            search: optional_text(&self.q),
            filters,
            view: optional_text(&self.view),
            // An unknown sort from an edited address falls back to the default.
            sort: is_sortable(SORTS, &self.sort).then(|| self.sort.clone()),
            descending: self.dir != "asc",
            cursor: optional_text(&self.cursor),
            limit: Some(self.limit()),
        }
    }
}
