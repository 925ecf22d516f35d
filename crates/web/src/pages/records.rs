//! What the pages of customers, leads and contacts share: a list's query as
//! its address carries it (search, view, conditions on any field, sort,
//! page). The conditions are in `conditions`, the batch actions and export
//! in `record_batch`, the follow-up composer in `follow_ups`.

use kuijing_service::customers::FilterInput;
use kuijing_service::list_filters::{RecordQuery, is_sortable};
use serde::Deserialize;

use super::forms::{optional_number, optional_text};
use crate::auth::url_encode;

pub use super::conditions::*;
pub use super::record_batch::*;

/// The query of a record list's page, as its address carries it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub view: String,
    /// The choice fields' selects (`level_id`, `source_id`, `owner_id`, ...).
    #[serde(default)]
    pub pick: String,
    #[serde(default)]
    pub pick_field: String,
    /// Conditions kept so far, as JSON `[[field, op, value], ...]`.
    #[serde(default)]
    pub c: String,
    /// A condition being added: `field|operator`, and its value.
    #[serde(default)]
    pub cond: String,
    #[serde(default)]
    pub cv: String,
    /// A range of days being added: its first and last day.
    #[serde(default)]
    pub cvf: String,
    #[serde(default)]
    pub cvt: String,
    /// A choice condition's picked values, each `field|value`.
    #[serde(default)]
    pub cvc: Vec<String>,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    #[serde(default)]
    pub cursor: String,
    #[serde(default)]
    pub limit: String,
    /// A dashboard figure's records: created on these days, of these owners.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub owner_id: Vec<String>,
    /// Only one customer's records (a customer's contacts, from its page).
    #[serde(default)]
    pub customer_id: String,
    pub done: Option<String>,
    /// How many records the action that led here touched.
    pub n: Option<u64>,
    /// `open` when the column picker should show open.
    #[serde(default)]
    pub columns: String,
}

impl ListParams {
    pub fn view(&self) -> &str {
        if self.view.is_empty() {
            "all"
        } else {
            &self.view
        }
    }

    /// Every condition: those kept and the one being added.
    pub fn conditions(&self) -> Vec<(String, String, String)> {
        let cv = added_value(&self.cv, &self.cvf, &self.cvt);
        conditions_of(&self.c, &self.cond, &cv, &self.cvc)
    }

    /// The search, choices, conditions and page size, without the view,
    /// sort and cursor.
    fn narrowing_with(&self, conditions: &[(String, String, String)]) -> String {
        let mut drilled = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.drill_inputs() {
            drilled.append_pair(key, &value);
        }
        let drilled = drilled.finish();
        format!(
            "q={}&pick_field={}&pick={}&c={}&limit={}{}{}",
            url_encode(&self.q),
            url_encode(&self.pick_field),
            url_encode(&self.pick),
            url_encode(&kept(conditions)),
            url_encode(&self.limit),
            if drilled.is_empty() { "" } else { "&" },
            drilled
        )
    }

    /// The days and owners a link from the dashboard narrows to.
    pub fn drill(&self) -> kuijing_service::dashboard::Drill {
        super::drill::of(&self.from, &self.to, &self.owner_id)
    }

    /// The dashboard's narrowing and the customer, for the search form to keep.
    pub fn drill_inputs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = super::drill::pairs(&self.drill());
        pairs.extend(super::drill::customer_pair(&self.customer_id));
        pairs
    }

    fn narrowing(&self) -> String {
        self.narrowing_with(&self.conditions())
    }

    pub fn query_without_cursor(&self) -> String {
        format!(
            "{}&view={}&sort={}&dir={}",
            self.narrowing(),
            url_encode(&self.view),
            url_encode(&self.sort),
            url_encode(&self.dir)
        )
    }

    /// The kept conditions, for the filter form's hidden field.
    pub fn kept_conditions(&self) -> String {
        kept(&self.conditions())
    }

    /// A tab keeps the conditions and the sort but starts on the first page.
    pub fn view_href(&self, path: &str, view: &str) -> String {
        format!(
            "{path}?{}&view={view}&sort={}&dir={}",
            self.narrowing(),
            url_encode(&self.sort),
            url_encode(&self.dir)
        )
    }

    /// A column header sorts by its column; a second click turns the order.
    pub fn sort_href(&self, path: &str, column: &str) -> String {
        let dir = if self.sort == column {
            if self.dir == "asc" { "desc" } else { "asc" }
        } else if column == "name" {
            "asc"
        } else {
            "desc"
        };
        format!(
            "{path}?{}&view={}&sort={column}&dir={dir}",
            self.narrowing(),
            url_encode(&self.view)
        )
    }

    /// The `aria-sort` of a column header.
    pub fn sorted(&self, column: &str) -> &'static str {
        if self.sort != column {
            "none"
        } else if self.dir == "asc" {
            "ascending"
        } else {
            "descending"
        }
    }

    pub fn is_filtered(&self) -> bool {
        !self.q.is_empty()
            || !self.pick.is_empty()
            || !self.customer_id.is_empty()
            || !self.conditions().is_empty()
            || !self.drill().filters().is_empty()
    }

    pub fn clear_href(&self, path: &str) -> String {
        format!("{path}?view={}", url_encode(&self.view))
    }

    pub fn next_href(&self, path: &str, cursor: &str) -> String {
        format!("{path}?{}&cursor={cursor}", self.query_without_cursor())
    }

    /// The conditions as sentences, each with the address without it.
    pub fn chips(
        &self,
        path: &str,
        fields: &[ConditionField],
        op_label: impl Fn(&str) -> String,
    ) -> Vec<Chip> {
        chips(&self.conditions(), fields, op_label, |rest| {
            format!(
                "{path}?{}&view={}&sort={}&dir={}",
                self.narrowing_with(rest),
                url_encode(&self.view),
                url_encode(&self.sort),
                url_encode(&self.dir)
            )
        })
    }

    pub fn limit(&self) -> u64 {
        self.limit
            .parse::<u64>()
            .ok()
            .filter(|l| [20, 50, 100].contains(l))
            .unwrap_or(20)
    }

    /// The list's query for the service; `sortable` are the sorts the page
    /// offers (an unknown one from an edited address falls back to the default).
    pub fn query(&self, sortable: &[&str]) -> RecordQuery {
        let mut filters = filters_of(self.conditions());
        if let Some(id) = optional_number(&self.pick)
            && !self.pick_field.is_empty()
        {
            filters.push(FilterInput {
                field: self.pick_field.clone(),
                op: "equals".into(),
                value: Some(id.into()),
            });
        }
        filters.extend(self.drill().filters());
        if let Some(customer) = optional_number(&self.customer_id) {
            filters.push(FilterInput {
                field: "customer_id".into(),
                op: "equals".into(),
                value: Some(customer.into()),
            });
        }
        RecordQuery {
            search: optional_text(&self.q),
            filters,
            view: optional_text(&self.view),
            sort: is_sortable(sortable, &self.sort).then(|| self.sort.clone()),
            descending: self.dir != "asc",
            cursor: optional_text(&self.cursor),
            limit: Some(self.limit()),
        }
    }
}
