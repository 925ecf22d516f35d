//! What the pages of customers, leads and contacts share: a list's query as
//! its address carries it (search, view, conditions on any field, sort,
//! page), and the people a record may go to. The follow-up composer is in
//! `follow_ups`.

use kuijing_domain::fields::FieldDef;
use kuijing_domain::{Action, DataScope, Kind, Permission};
use kuijing_service::Caller;
use kuijing_service::customers::FilterInput;
use kuijing_service::list_filters::{RecordQuery, is_sortable};
use kuijing_service::selection::{RecordBatch, RecordMatch};
use kuijing_service::users::UserView;
use serde::Deserialize;

use super::forms::{optional_number, optional_text};
use crate::AppState;
use crate::auth::url_encode;

/// How a condition's field is compared, which decides its operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Text,
    Time,
    YesNo,
    /// Options, users, departments: picked from a list.
    Choice,
    /// Numbers and money, compared as numbers.
    Number,
    /// Calendar days, compared as dates.
    Day,
}

/// The periods a time or a day is filtered by, before its own operators.
const PERIODS: [&str; 6] = [
    "today",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_year",
];

impl Compare {
    pub fn ops(self) -> Vec<&'static str> {
        let own: &[&str] = match self {
            Self::Text => &["contains", "equals", "is_empty", "not_empty"],
            Self::Time => &["between", "is_empty", "not_empty"],
            Self::YesNo => &["yes", "no"],
            Self::Choice => &["equals", "one_of", "is_empty", "not_empty"],
            Self::Number => &["equals", "at_least", "at_most", "is_empty", "not_empty"],
            Self::Day => &[
                "between",
                "on_or_after",
                "on_or_before",
                "is_empty",
                "not_empty",
            ],
        };
        let periods: &[&str] = if matches!(self, Self::Time | Self::Day) {
            &PERIODS
        } else {
            &[]
        };
        periods.iter().chain(own).copied().collect()
    }

    fn wants_value(op: &str) -> bool {
        matches!(op, "contains" | "equals" | "one_of" | "between") || Self::range_end(op).is_some()
    }

    /// The end of a range an operator sets: `from` or `to`.
    fn range_end(op: &str) -> Option<&'static str> {
        match op {
            "at_least" | "on_or_after" => Some("from"),
            "at_most" | "on_or_before" => Some("to"),
            _ => None,
        }
    }
}

/// A field a condition may be put on: its name, how it compares, and the
/// values it is picked from (value, label) when it is a choice.
pub struct ConditionField {
    pub name: String,
    pub label: String,
    pub compare: Compare,
    pub choices: Vec<(String, String)>,
}

/// An operator in the viewer's language.
pub fn op_label(shell: &super::Shell, op: &str) -> String {
    match op {
        "one_of" => shell.t("life2.op_one_of"),
        "between" => shell.t("lifecycle_fix.op_between"),
        "at_least" | "at_most" | "on_or_after" | "on_or_before" => shell.tk("import7.op", op),
        _ => shell.tk("records.op", op),
    }
}

impl ConditionField {
    /// An operator of this field in the viewer's language.
    pub fn op_label(&self, shell: &super::Shell, op: &str) -> String {
        op_label(shell, op)
    }

    /// A condition's value as the chips show it: picked values by label.
    fn shown(&self, value: &str) -> String {
        if self.choices.is_empty() {
            return value.to_string();
        }
        let label = |v: &str| {
            self.choices
                .iter()
                .find(|(value, _)| value == v)
                .map_or_else(|| v.to_string(), |(_, label)| label.clone())
        };
        match serde_json::from_str::<Vec<String>>(value) {
            Ok(many) => many.iter().map(|v| label(v)).collect::<Vec<_>>().join(", "),
            Err(_) => label(value),
        }
    }
}

/// What choice fields are picked from: the options administrators keep
/// (by field), the active users and the departments.
#[derive(Default)]
pub struct Pickable {
    pub options: std::collections::BTreeMap<String, Vec<(String, String)>>,
    pub users: Vec<(String, String)>,
    pub departments: Vec<(String, String)>,
}

impl Pickable {
    pub async fn load(
        state: &AppState,
        caller: &Caller,
    ) -> Result<Self, kuijing_service::ServiceError> {
        let pairs = |found: Vec<(i64, String)>| {
            found
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect::<Vec<_>>()
        };
        let options = state
            .app
            .customer_options(caller)
            .await?
            .into_iter()
            .map(|(field, rows)| {
                let active = rows
                    .into_iter()
                    .filter(|o| o.active)
                    .map(|o| (o.id.to_string(), o.label))
                    .collect();
                (field, active)
            })
            .collect();
        Ok(Self {
            options,
            users: pairs(state.app.user_choices(caller).await?),
            departments: pairs(state.app.department_choices().await?),
        })
    }

    /// The values of a system choice field.
    fn of(&self, field: &str) -> Vec<(String, String)> {
        match field {
            "owner_id" => self.users.clone(),
            _ => self.options.get(field).cloned().unwrap_or_default(),
        }
    }

    /// How a custom field compares, and the values it is picked from.
    fn of_custom(&self, def: &FieldDef) -> (Compare, Vec<(String, String)>) {
        use kuijing_domain::fields::FieldType;
        match def.field_type {
            FieldType::Choice | FieldType::MultiChoice => (
                Compare::Choice,
                def.options.iter().map(|o| (o.clone(), o.clone())).collect(),
            ),
            FieldType::User => (Compare::Choice, self.users.clone()),
            FieldType::Department => (Compare::Choice, self.departments.clone()),
            FieldType::Bool => (Compare::YesNo, Vec::new()),
            FieldType::Number | FieldType::Percent | FieldType::Money => {
                (Compare::Number, Vec::new())
            }
            // A date-time is filtered by the company's days, as a date is.
            FieldType::Date | FieldType::DateTime => (Compare::Day, Vec::new()),
            _ => (Compare::Text, Vec::new()),
        }
    }
}

/// The fields of a kind's conditions: its own, then its custom fields.
pub fn condition_fields(
    own: &[(&str, Compare)],
    defs: &[FieldDef],
    label: impl Fn(&str) -> String,
    pickable: &Pickable,
) -> Vec<ConditionField> {
    let mut fields: Vec<ConditionField> = own
        .iter()
        .map(|(name, compare)| ConditionField {
            name: name.to_string(),
            label: label(name),
            compare: *compare,
            choices: if *compare == Compare::Choice {
                pickable.of(name)
            } else {
                Vec::new()
            },
        })
        .collect();
    fields.extend(defs.iter().map(|d| {
        let (compare, choices) = pickable.of_custom(d);
        ConditionField {
            name: format!("custom.{}", d.key),
            label: d.label.clone(),
            compare,
            choices,
        }
    }));
    fields
}

/// Every condition of a list's address: those kept (`c`, JSON
/// `[[field, op, value], ...]`) and the one being added (`cond` as
/// `field|operator`, its value `cv`, or the picked choices `cvc`, each
/// `field|value`). Shared by every list with the condition box.
pub fn conditions_of(
    c: &str,
    cond: &str,
    cv: &str,
    cvc: &[String],
) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = serde_json::from_str(c).unwrap_or_default();
    let (field, op) = cond.rsplit_once('|').unwrap_or_default();
    let (field, op) = (field.trim(), op.trim());
    if !field.is_empty() && !op.is_empty() {
        let picked: Vec<&str> = cvc
            .iter()
            .filter_map(|v| v.strip_prefix(field)?.strip_prefix('|'))
            .filter(|v| !v.trim().is_empty())
            .collect();
        let (op, value) = match (op, picked.as_slice()) {
            (_, []) if Compare::wants_value(op) => (op, cv.trim().to_string()),
            (_, []) => (op, String::new()),
            ("equals", [one]) => ("equals", one.to_string()),
            ("equals" | "one_of", many) => {
                ("one_of", serde_json::to_string(many).unwrap_or_default())
            }
            (op, _) => (op, String::new()),
        };
        // "Contains" nothing or a pick of nothing is kept, so the filter
        // reader refuses it with a message naming the field rather than the
        // list quietly showing everything.
        let added = (field.to_string(), op.to_string(), value);
        if !all.contains(&added) {
            all.push(added);
        }
    }
    all
}

/// A list whose condition being added was refused (a value of the wrong
/// type, a choice left unpicked): its errors, with that condition taken out
/// of the address, so the page shows the list again (search, view and the
/// other conditions kept) with the message above it rather than an error
/// page that loses the list. None for any other error.
pub fn refused_condition(
    error: &kuijing_service::error::ServiceError,
    lang: crate::i18n::Lang,
    (cond, cv, cvc): (&mut String, &mut String, &mut Vec<String>),
) -> Option<super::forms::FormErrors> {
    if cond.is_empty() || !matches!(error, kuijing_service::error::ServiceError::Invalid(_)) {
        return None;
    }
    let errors = super::forms::FormErrors::from_service(error, lang)?;
    cond.clear();
    cv.clear();
    cvc.clear();
    Some(errors)
}

/// The value of a condition being added: a range of days (`cvf` to `cvt`,
/// kept as `from..to`, either end open) when either is given, else `cv`.
pub fn added_value(cv: &str, cvf: &str, cvt: &str) -> String {
    let (from, to) = (cvf.trim(), cvt.trim());
    if from.is_empty() && to.is_empty() {
        cv.to_string()
    } else {
        format!("{from}..{to}")
    }
}

/// A range as a condition keeps it (`from..to`) as the service reads it.
fn range_of(value: &str) -> serde_json::Value {
    let (from, to) = value.split_once("..").unwrap_or((value, ""));
    let mut range = serde_json::Map::new();
    for (end, day) in [("from", from.trim()), ("to", to.trim())] {
        if !day.is_empty() {
            range.insert(end.into(), day.into());
        }
    }
    range.into()
}

/// Conditions as the address keeps them (`c`); empty when there are none.
pub fn kept(conditions: &[(String, String, String)]) -> String {
    if conditions.is_empty() {
        return String::new();
    }
    serde_json::to_string(conditions).unwrap_or_default()
}

/// The conditions of a list's address as the service's filters.
pub fn filters_of(conditions: Vec<(String, String, String)>) -> Vec<FilterInput> {
    conditions
        .into_iter()
        .map(|(field, op, value)| match op.as_str() {
            "yes" | "no" => FilterInput {
                field,
                op: "equals".into(),
                value: Some((op == "yes").into()),
            },
            "between" => FilterInput {
                field,
                value: Some(range_of(&value)),
                op,
            },
            _ if Compare::range_end(&op).is_some() => FilterInput {
                field,
                op: "between".into(),
                value: Compare::range_end(&op).map(|end| serde_json::json!({ end: value })),
            },
            "one_of" => FilterInput {
                value: Some(
                    serde_json::from_str::<Vec<String>>(&value)
                        .map(serde_json::Value::from)
                        .unwrap_or_else(|_| value.into()),
                ),
                field,
                op,
            },
            _ => FilterInput {
                value: Compare::wants_value(&op).then(|| value.into()),
                field,
                op,
            },
        })
        .collect()
}

/// The conditions as sentences, each with the address of the list without
/// it (`without` makes that address from the conditions left).
pub fn chips(
    all: &[(String, String, String)],
    fields: &[ConditionField],
    op_label: impl Fn(&str) -> String,
    without: impl Fn(&[(String, String, String)]) -> String,
) -> Vec<Chip> {
    all.iter()
        .enumerate()
        .map(|(index, (field, op, value))| {
            let rest: Vec<_> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, c)| c.clone())
                .collect();
            let found = fields.iter().find(|f| &f.name == field);
            Chip {
                field: found
                    .map(|f| f.label.clone())
                    .unwrap_or_else(|| field.clone()),
                op: op_label(op),
                value: match op.as_str() {
                    "between" => value.replace("..", " – "),
                    _ => found.map_or_else(|| value.clone(), |f| f.shown(value)),
                },
                remove_href: without(&rest),
            }
        })
        .collect()
}

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

/// One condition as the page shows it, with the address that removes it.
pub struct Chip {
    pub field: String,
    pub op: String,
    pub value: String,
    pub remove_href: String,
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

/// The people a caller may give records of `kind` to. A caller whose scope
/// for the kind is only their own records can give them to nobody else, so
/// the picker offers only them rather than names the save refuses.
pub async fn people(state: &AppState, caller: &Caller, kind: Kind) -> Vec<UserView> {
    let own_only = !caller.actor.super_admin
        && caller
            .actor
            .grants
            .get(&kind)
            .is_none_or(|grants| grants.iter().all(|g| g.scope == DataScope::Own));
    let found = if caller.can(Permission::new(Kind::User, Action::View)) {
        state.app.pick_users(caller, None).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    if own_only || found.is_empty() {
        let me = found.into_iter().find(|p| p.user.id == caller.user.id);
        return me.into_iter().collect();
    }
    found
}

/// The ids ticked on a list, as a form sends them.
pub fn ticked(ids: &[String]) -> Vec<i64> {
    ids.iter().filter_map(|i| optional_number(i)).collect()
}

/// The batch form of a list (and of a record page's single actions): the
/// ticked ids or all that match the list's filter, the new owner of a
/// transfer, and the page it came from.
#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub owner_id: String,
    /// The record page a single action came from (`/leads/7`).
    #[serde(default)]
    pub back: Option<String>,
    /// `1` when the batch is every record that matches the list's filter.
    #[serde(default)]
    pub all_matching: String,
    /// The list's query, for "all that match" and to come back to.
    #[serde(default)]
    pub matching: String,
    /// Converting leads: what a lead like an existing customer does
    /// (`link` or `create`).
    #[serde(default)]
    pub on_duplicate: String,
    /// Converting one lead: the existing customer to link it to.
    #[serde(default)]
    pub link_to: String,
    /// Converting leads: one choice per lead that looks like existing
    /// customers, `{lead}:link:{customer}`, `{lead}:create` or
    /// `{lead}:skip` (empty: as the batch's button says).
    #[serde(default)]
    pub choice: Vec<String>,
}

impl BatchForm {
    /// The ticked ids, unless the batch is all that match.
    pub fn ids(&self) -> Vec<i64> {
        if self.all_matching == "1" {
            return Vec::new();
        }
        ticked(&self.ids)
    }

    /// The ticked rows, or every row that matches the list's filter as the
    /// list reads it (`sortable` as the list offers them).
    pub fn batch(&self, sortable: &[&str], fill: impl Fn(ListParams) -> ListParams) -> RecordBatch {
        let matching = (self.all_matching == "1").then(|| {
            let params: ListParams = super::columns::query_of(&self.matching);
            RecordMatch::from(&fill(params).query(sortable))
        });
        RecordBatch {
            ids: self.ids(),
            matching,
        }
    }

    /// The list to come back to, with its filter.
    pub fn list_path(&self, list: &str) -> String {
        let query = super::columns::without_notices(&self.matching);
        if query.is_empty() {
            list.to_string()
        } else {
            format!("{list}?{query}")
        }
    }

    /// The record the action came from, when it came from `{list}/{id}`.
    pub fn back_id(&self, list: &str) -> Option<i64> {
        self.back
            .as_deref()
            .and_then(|b| b.strip_prefix(list))
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|id| id.parse().ok())
    }
}

/// Back to a page with the confirmation of an action and its count.
pub fn counted(path: &str, what: &str, count: u64) -> axum::response::Response {
    use axum::response::IntoResponse;
    let separator = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{separator}done={what}&n={count}")).into_response()
}

/// What an export link adds to the list's query: the format, and the
/// ticked rows or all that match (the batch form's list query).
#[derive(Debug, Default, Deserialize)]
pub struct ExportExtra {
    #[serde(default)]
    format: String,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    all_matching: String,
    #[serde(default)]
    matching: String,
}

impl ExportExtra {
    /// The list's query an export reads: the one the batch form sent for
    /// "all that match", or the page's own.
    pub fn params(&self, page: ListParams) -> ListParams {
        if self.all_matching == "1" {
            super::columns::query_of(&self.matching)
        } else {
            page
        }
    }

    pub fn format(&self) -> kuijing_service::spreadsheets::Format {
        kuijing_service::spreadsheets::Format::parse(&self.format)
            .unwrap_or(kuijing_service::spreadsheets::Format::Xlsx)
    }

    /// The ticked rows, or none for every row that matches.
    pub fn ids(&self) -> Option<Vec<i64>> {
        if self.all_matching == "1" {
            return None;
        }
        Some(ticked(&self.ids)).filter(|ids| !ids.is_empty())
    }
}

/// Exports leads or contacts as a list's query finds them (or the ticked
/// rows among them), in the columns the caller chose for the list.
pub async fn export_records(
    state: &AppState,
    caller: &Caller,
    lang: crate::i18n::Lang,
    (kind, query, ids, format): (
        kuijing_service::list_columns::ListKind,
        RecordQuery,
        Option<Vec<i64>>,
        kuijing_service::spreadsheets::Format,
    ),
) -> axum::response::Response {
    use kuijing_service::list_columns::ListKind;
    let result = async {
        let columns = state.app.list_columns(caller, kind).await?.columns;
        let text = |key: &str| lang.t(key);
        let labels = kuijing_service::record_export::Labels {
            text: &text,
            format,
        };
        let chosen = (ids, Some(columns));
        let (path, name) = match kind {
            ListKind::Lead => (
                state
                    .app
                    .export_leads(caller, &query, chosen, &labels)
                    .await?,
                "leads",
            ),
            _ => (
                state
                    .app
                    .export_contacts(caller, &query, chosen, &labels)
                    .await?,
                "contacts",
            ),
        };
        crate::api::send_file(path, format, name).await
    }
    .await;
    result.unwrap_or_else(|error| super::forms::error_page(error, caller, lang))
}
