//! The customer list with its batch actions, a customer's record page with
//! follow-ups and team, and the customer form.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{DateTime, Utc};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::customers::{
    CustomerBatch, CustomerDetail, CustomerInput, CustomerListQuery, CustomerPatch, CustomerView,
    FilterInput, TransferInput,
};
use kuijing_service::list_columns::ListKind;
use kuijing_service::list_filters::is_sortable;
use kuijing_service::selection::CustomerMatch;
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ListPage, ServiceError};
use serde::Deserialize;

use super::columns::{Cell, Picker, Table, query_of, without_notices};
use super::follow_ups::TimelineEntry;
use super::forms::{
    CustomValues, FormErrors, done, error_page, optional_number, optional_text, status_of,
};
use super::records::{
    Chip, Compare, ConditionField, Pickable, added_value, condition_fields, conditions_of,
    filters_of, kept, people,
};
use super::{Shell, list_notes, render};
use crate::AppState;
use crate::auth::{PageUser, url_encode};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// The periods the list offers for "created".
const PERIODS: [&str; 4] = ["today", "this_week", "this_month", "last_month"];
/// The saved views, in the order of their tabs.
const VIEWS: [&str; 4] = ["all", "mine", "team", "created_this_week"];
/// The columns a customer list sorts by (every system column it shows).
const SORTS: &[&str] = kuijing_service::customers::SORTABLE;

/// The fields conditions may be put on, besides the custom ones.
const CONDITIONS: &[(&str, Compare)] = &[
    ("name", Compare::Text),
    ("phone", Compare::Text),
    ("mobile", Compare::Text),
    ("email", Compare::Text),
    ("website", Compare::Text),
    ("address", Compare::Text),
    ("postcode", Compare::Text),
    ("province", Compare::Text),
    ("city", Compare::Text),
    ("district", Compare::Text),
    ("tax_id", Compare::Text),
    ("notes", Compare::Text),
    ("level_id", Compare::Choice),
    ("industry_id", Compare::Choice),
    ("source_id", Compare::Choice),
    ("owner_id", Compare::Choice),
    ("dealt", Compare::YesNo),
    ("locked", Compare::YesNo),
    ("created_at", Compare::Time),
    ("updated_at", Compare::Time),
    ("last_follow_up_at", Compare::Time),
    ("next_contact_at", Compare::Time),
];

fn customer(action: Action) -> Permission {
    Permission::new(Kind::Customer, action)
}

/// One choice of a select: the option's id and label.
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// The option lists of the customer's choice fields and of follow-up methods.
#[derive(Default)]
pub struct Choices {
    /// The custom fields of customers, in their order.
    pub fields: Vec<kuijing_domain::fields::FieldDef>,
    pub levels: Vec<Choice>,
    pub industries: Vec<Choice>,
    pub sources: Vec<Choice>,
    pub methods: Vec<Choice>,
}

impl Choices {
    pub(crate) async fn load(state: &AppState) -> Result<Self, ServiceError> {
        Self::load_for(state, Kind::Customer).await
    }

    /// The option lists, with the custom fields of `kind`.
    pub(crate) async fn load_for(state: &AppState, kind: Kind) -> Result<Self, ServiceError> {
        let mut by_field = state.app.customer_options().await?;
        // Retired options stay on the records that use them but are not offered.
        let mut take = |field: &str| -> Vec<Choice> {
            by_field
                .remove(field)
                .unwrap_or_default()
                .into_iter()
                .filter(|o| o.active)
                .map(|o| Choice {
                    id: o.id,
                    label: o.label,
                })
                .collect()
        };
        Ok(Self {
            fields: state.app.custom_fields(kind).await?,
            levels: take("level_id"),
            industries: take("industry_id"),
            sources: take("source_id"),
            methods: take("method_id"),
        })
    }

    /// The place of a level among the levels, for its tag colour: the first
    /// level is the most important.
    pub fn level_rank(&self, id: &Option<i64>) -> usize {
        id.and_then(|id| self.levels.iter().position(|l| l.id == id))
            .map_or(9, |p| p.min(3))
    }

    pub fn method_names(&self) -> BTreeMap<i64, String> {
        self.methods
            .iter()
            .map(|m| (m.id, m.label.clone()))
            .collect()
    }
}

// ---------- The list ----------

#[derive(Template)]
#[template(path = "customers.html")]
pub(super) struct CustomersPage {
    pub(super) shell: Shell,
    list: ListPage<CustomerView>,
    filter: ListFilter,
    choices: Choices,
    /// The fields the condition box offers, custom ones included.
    fields: Vec<ConditionField>,
    people: Vec<UserView>,
    next_href: Option<String>,
    can_create: bool,
    can_transfer: bool,
    /// Which related records a transfer may take along.
    carry: Carry,
    can_export: bool,
    can_import: bool,
    can_delete: bool,
    errors: FormErrors,
    /// The user's own views of the list, and this list's query as they keep it.
    views: Vec<kuijing_service::saved_views::SavedView>,
    keep: String,
    /// The rows in the columns the user chose, and the picker of them.
    table: Table,
    picker: Picker,
}

impl CustomersPage {
    /// Whether rows can be ticked for a batch action.
    fn batch(&self) -> bool {
        self.can_transfer || self.can_delete || self.can_export
    }

    /// The conditions as sentences, each with a link that removes it.
    fn chips(&self) -> Vec<Chip> {
        super::records::chips(
            &self.filter.condition_list(),
            &self.fields,
            |op| super::records::op_label(&self.shell, op),
            |rest| {
                format!(
                    "/customers?{}&view={}&sort={}&dir={}",
                    self.filter.narrowing_with(rest),
                    url_encode(&self.filter.view),
                    url_encode(&self.filter.sort),
                    url_encode(&self.filter.dir)
                )
            },
        )
    }
}

/// A customer's cell in a column of the list.
fn customer_cell(shell: &Shell, choices: &Choices, item: &CustomerView, column: &str) -> Cell {
    let c = &item.customer;
    if let Some(cell) = Cell::custom(shell, &c.custom, column) {
        return cell;
    }
    let at = |t: Option<DateTime<Utc>>| {
        Cell::text(t.map(|t| shell.datetime(&t)).unwrap_or_default()).with_class("muted")
    };
    let yes_no = |b: bool| shell.t(if b { "customers.yes" } else { "customers.no" });
    match column {
        "name" => {
            let mut cell = Cell::link(c.name.clone(), format!("/customers/{}", c.id));
            if c.locked {
                cell = cell.tag("", shell.t("customers.locked"));
            }
            if c.dealt {
                cell = cell.tag("dealt", shell.t("customers.dealt"));
            }
            cell
        }
        "level_id" => match &item.level {
            Some(level) => Cell::default().tag(
                format!("level-{}", choices.level_rank(&c.level_id)),
                level.clone(),
            ),
            None => Cell::default(),
        },
        "industry_id" => Cell::optional(item.industry.as_ref()),
        "source_id" => Cell::optional(item.source.as_ref()),
        "phone" => Cell::optional(c.phone.as_ref().or(c.mobile.as_ref())).with_class("mono"),
        "mobile" => Cell::optional(c.mobile.as_ref()).with_class("mono"),
        "email" => Cell::optional(c.email.as_ref()),
        "website" => Cell::optional(c.website.as_ref()),
        "address" => Cell::optional(c.address.as_ref()),
        "postcode" => Cell::optional(c.postcode.as_ref()).with_class("mono"),
        "province" => Cell::optional(c.province.as_ref()),
        "city" => Cell::optional(c.city.as_ref()),
        "district" => Cell::optional(c.district.as_ref()),
        "tax_id" => Cell::optional(c.tax_id.as_ref()).with_class("mono"),
        "notes" => Cell::text(
            c.notes
                .as_deref()
                .map(|n| n.chars().take(60).collect::<String>())
                .unwrap_or_default(),
        ),
        "owner_id" => match &item.owner_name {
            Some(owner) => Cell::text(owner.clone()),
            None => Cell::text(shell.t("customers.in_pool")).with_class("muted"),
        },
        "dealt" => Cell::text(yes_no(c.dealt)),
        "locked" => Cell::text(yes_no(c.locked)),
        "last_follow_up_at" => at(c.last_follow_up_at),
        "next_contact_at" => at(c.next_contact_at),
        "created_at" => at(Some(c.created_at)),
        "updated_at" => at(Some(c.updated_at)),
        _ => Cell::default(),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    view: String,
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    industry_id: String,
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    created: String,
    /// Conditions kept so far (`c`), and the one being added: `field|operator`
    /// (`cond`), its value (`cv`) or picked choices (`cvc`), as on every list
    /// with the condition box.
    #[serde(default)]
    c: String,
    #[serde(default)]
    cond: String,
    #[serde(default)]
    cv: String,
    /// A range of days being added: its first and last day.
    #[serde(default)]
    cvf: String,
    #[serde(default)]
    cvt: String,
    #[serde(default)]
    cvc: Vec<String>,
    /// A dashboard figure's customers: created on these days, of these
    /// owners, without a follow-up for so many days, or with the next
    /// contact time passed.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    owner_id: Vec<String>,
    #[serde(default)]
    forgotten: String,
    #[serde(default)]
    contact_overdue: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    limit: String,
    done: Option<String>,
    /// How many records the action that led here touched.
    n: Option<u64>,
    /// `open` when the column picker should show open.
    #[serde(default)]
    columns: String,
}

impl ListFilter {
    fn view(&self) -> &str {
        if self.view.is_empty() {
            "all"
        } else {
            &self.view
        }
    }

    /// Every condition: those kept and the one being added.
    fn condition_list(&self) -> Vec<(String, String, String)> {
        let cv = added_value(&self.cv, &self.cvf, &self.cvt);
        conditions_of(&self.c, &self.cond, &cv, &self.cvc)
    }

    /// The kept conditions, for the filter form's hidden field.
    fn kept_conditions(&self) -> String {
        kept(&self.condition_list())
    }

    /// The conditions and page size, without the view, sort and cursor.
    fn conditions(&self) -> String {
        self.narrowing_with(&self.condition_list())
    }

    /// As `conditions`, with these conditions of the box.
    fn narrowing_with(&self, added: &[(String, String, String)]) -> String {
        let mut drilled = form_urlencoded::Serializer::new(String::new());
        super::drill::keep(&mut drilled, &self.drill());
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

    fn drill(&self) -> kuijing_service::dashboard::Drill {
        super::drill::of(&self.from, &self.to, &self.owner_id)
    }

    /// The dashboard's narrowing (days, people, forgotten, passed contact
    /// times), for the search form to keep.
    fn drill_inputs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = super::drill::pairs(&self.drill());
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
    fn drill_more(&self, shell: &Shell) -> Option<String> {
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
    fn view_href(&self, view: &str) -> String {
        format!(
            "/customers?{}&view={view}&sort={}&dir={}",
            self.conditions(),
            url_encode(&self.sort),
            url_encode(&self.dir)
        )
    }

    /// A column header sorts by its column; a second click turns the order.
    fn sort_href(&self, column: &str) -> String {
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
    fn sorted(&self, column: &str) -> &'static str {
        if self.sort != column {
            "none"
        } else if self.dir == "asc" {
            "ascending"
        } else {
            "descending"
        }
    }

    fn is_filtered(&self) -> bool {
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

    fn clear_href(&self) -> String {
        format!("/customers?view={}", url_encode(&self.view))
    }

    fn limit(&self) -> u64 {
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

pub(super) async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut filter: ListFilter,
    errors: FormErrors,
) -> Result<CustomersPage, ServiceError> {
    let defs = state.app.custom_fields(Kind::Customer).await?;
    let view_note = list_notes::check_view(lang, &mut filter.view, &VIEWS);
    let mut note = list_notes::check_sort(lang, &mut filter.sort, SORTS, &defs);
    let list = match state.app.list_customers(caller, &filter.query()).await {
        Err(error) if list_notes::refused(&error, "cursor") => {
            filter.cursor.clear();
            note = Some(list_notes::foreign_cursor(lang));
            state.app.list_customers(caller, &filter.query()).await?
        }
        Err(error) => match list_notes::drop_conditions(lang, &error, &mut filter.c) {
            Some(left_out) => {
                note = list_notes::joined(Some(left_out), note);
                state.app.list_customers(caller, &filter.query()).await?
            }
            None => return Err(error),
        },
        Ok(list) => list,
    };
    let next_href = list
        .next_cursor
        .as_ref()
        .map(|c| format!("/customers?{}&cursor={c}", filter.query_without_cursor()));
    let mut shell = Shell::new(state, caller, lang, "/customers", "customers.title");
    shell.notice = notice(lang, filter.done.as_deref(), filter.n);
    shell.list_note = list_notes::joined(view_note, note);
    let more = filter.drill_more(&shell);
    super::drill::note(&mut shell, &filter.drill(), more, "/customers");
    let can_transfer = caller.can(customer(Action::Transfer));
    let choices = Choices::load(state).await?;
    let fields = condition_fields(
        CONDITIONS,
        &choices.fields,
        |f| shell.field_label(f),
        &Pickable::load(state, caller).await?,
    );
    let columns = state.app.list_columns(caller, ListKind::Customer).await?;
    let table = Table::build(
        &shell,
        &columns,
        &list.items,
        (
            |c: &CustomerView| c.customer.id,
            |c: &CustomerView| c.customer.name.clone(),
        ),
        |item, column| customer_cell(&shell, &choices, item, column),
        |column| {
            is_sortable(SORTS, column).then(|| (filter.sort_href(column), filter.sorted(column)))
        },
    );
    let back = format!("/customers?{}", filter.query_without_cursor());
    let picker = Picker::new(
        &shell,
        ListKind::Customer,
        &columns,
        back,
        filter.columns == "open",
    );
    Ok(CustomersPage {
        table,
        picker,
        shell,
        list,
        choices,
        fields,
        people: if can_transfer {
            people(state, caller, Kind::Customer).await
        } else {
            Vec::new()
        },
        next_href,
        can_create: caller.can(customer(Action::Create)),
        can_transfer,
        carry: Carry::of(caller),
        can_export: caller.can(customer(Action::Export)),
        can_import: caller.can(customer(Action::Import)),
        can_delete: caller.can(customer(Action::Delete)),
        views: state.app.saved_views(caller, "customer").await?,
        keep: kuijing_service::saved_views::clean_query(&filter.query_without_cursor()),
        filter,
        errors,
    })
}

/// The confirmation after a customer action, with its count where it has one.
fn notice(lang: Lang, done: Option<&str>, count: Option<u64>) -> Option<String> {
    let key = match done? {
        "created" => "customers.done_created",
        "saved" => "customers.done_saved",
        "transferred" => "customers.done_transferred",
        "deleted" => "customers.done_deleted",
        "follow_up" => "customers.done_follow_up",
        "team_saved" => "customers.done_team_saved",
        "team_removed" => "customers.done_team_removed",
        "attached" => "done.attached",
        "attachment_deleted" => "done.attachment_deleted",
        "columns_saved" => "done.columns_saved",
        _ => return None,
    };
    Some(
        lang.t(key)
            .replace("%{count}", &count.unwrap_or(1).to_string()),
    )
}

pub async fn list_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(filter): Params<ListFilter>,
) -> Response {
    let mut retry = filter.clone();
    let error = match list_page(&state, &caller, lang, filter, FormErrors::default()).await {
        Ok(page) => return render(&page, StatusCode::OK),
        Err(error) => error,
    };
    let fields = (&mut retry.cond, &mut retry.cv, &mut retry.cvc);
    match super::records::refused_condition(&error, lang, fields) {
        Some(errors) => match list_page(&state, &caller, lang, retry, errors).await {
            Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
            Err(error) => error_page(error, &caller, lang),
        },
        None => error_page(error, &caller, lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    /// Present when the transfer takes the customers' contacts along.
    #[serde(default)]
    with_contacts: Option<String>,
    with_opportunities: Option<String>,
    with_contracts: Option<String>,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    keep_former_owner: String,
    /// The record page a single transfer came from.
    #[serde(default)]
    back: Option<String>,
    /// `1` when the batch is every customer that matches the list's filter.
    #[serde(default)]
    all_matching: String,
    /// The list's query, for "all that match".
    #[serde(default)]
    matching: String,
}

impl BatchForm {
    /// The ticked ids, unless the batch is all that match.
    fn ids(&self) -> Vec<i64> {
        if self.all_matching == "1" {
            return Vec::new();
        }
        self.ids.iter().filter_map(|i| optional_number(i)).collect()
    }

    /// The list's filter when the batch is every customer that matches it.
    fn matching(&self) -> Option<CustomerMatch> {
        (self.all_matching == "1").then(|| {
            let filter: ListFilter = query_of(&self.matching);
            CustomerMatch::from(&filter.query())
        })
    }

    /// The list to come back to, with its filter.
    fn list_path(&self) -> String {
        let query = without_notices(&self.matching);
        if query.is_empty() {
            "/customers".to_string()
        } else {
            format!("/customers?{query}")
        }
    }

    /// The record page to return to, when the transfer came from one.
    fn back_id(&self) -> Option<i64> {
        self.back
            .as_deref()
            .and_then(|b| b.strip_prefix("/customers/"))
            .and_then(|id| id.parse().ok())
    }
}

/// The related records a customer's transfer may take along: contacts
/// always, opportunities and contracts when the user may transfer those.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Carry {
    opportunities: bool,
    contracts: bool,
}

impl Carry {
    fn of(caller: &Caller) -> Self {
        let may = |kind| caller.can(Permission::new(kind, Action::Transfer));
        Carry {
            opportunities: may(Kind::Opportunity),
            contracts: may(Kind::Contract),
        }
    }
}

pub async fn transfer_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let input = TransferInput {
        ids: form.ids(),
        matching: form.matching(),
        // No choice is no user: the service names the field.
        owner_id: optional_number(&form.owner_id).unwrap_or(-1),
        keep_former_owner: optional_text(&form.keep_former_owner),
        with_contacts: form.with_contacts.is_some(),
        with_opportunities: form.with_opportunities.is_some(),
        with_contracts: form.with_contracts.is_some(),
    };
    let result = state.app.transfer_customers(&caller, input).await;
    match result {
        Ok(moved) => {
            // Back to the record while the caller can still see it; a rep who
            // gave it away would find a 404 there.
            if let Some(id) = form.back_id()
                && state.app.get_customer(&caller, id).await.is_ok()
            {
                return counted(&format!("/customers/{id}"), "transferred", moved);
            }
            counted(&form.list_path(), "transferred", moved)
        }
        Err(error) => batch_refused(&state, &caller, lang, error, form.back_id()).await,
    }
}

pub async fn delete_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = CustomerBatch {
        ids: form.ids(),
        matching: form.matching(),
    };
    match state.app.delete_customers(&caller, &batch).await {
        Ok(deleted) => counted(&form.list_path(), "deleted", deleted),
        Err(error) => batch_refused(&state, &caller, lang, error, form.back_id()).await,
    }
}

fn counted(path: &str, what: &str, count: u64) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}done={what}&n={count}")).into_response()
}

/// A refused batch action shows the list (or the record it came from) again
/// with the reason on top.
async fn batch_refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    error: ServiceError,
    back: Option<i64>,
) -> Response {
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, caller, lang);
    };
    let status = status_of(&error);
    if let Some(id) = back {
        let page = record_page(state, caller, lang, id, Composer::default(), errors, None).await;
        return match page {
            Ok(page) => render(&page, status),
            Err(error) => error_page(error, caller, lang),
        };
    }
    match list_page(state, caller, lang, ListFilter::default(), errors).await {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

// ---------- The form ----------

#[derive(Template)]
#[template(path = "customer_form.html")]
struct CustomerFormPage {
    shell: Shell,
    id: Option<i64>,
    owner_name: Option<String>,
    form: CustomerForm,
    choices: Choices,
    people: Vec<UserView>,
    errors: FormErrors,
    /// What someone else saved meanwhile, when a save met their version.
    conflict: Option<super::conflict::Conflict>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    industry_id: String,
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    tax_id: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    version: String,
    /// The values the edit was opened with (see `conflict`).
    #[serde(default, rename = "_read")]
    read: String,
    #[serde(flatten)]
    custom: CustomValues,
}

impl CustomerForm {
    fn of(detail: &CustomerDetail) -> Self {
        let c = &detail.view.customer;
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            name: c.name.clone(),
            level_id: id(c.level_id),
            industry_id: id(c.industry_id),
            source_id: id(c.source_id),
            phone: text(&c.phone),
            mobile: text(&c.mobile),
            email: text(&c.email),
            website: text(&c.website),
            address: text(&c.address),
            postcode: text(&c.postcode),
            province: text(&c.province),
            city: text(&c.city),
            district: text(&c.district),
            tax_id: text(&c.tax_id),
            notes: text(&c.notes),
            owner_id: id(c.owner_id),
            version: c.version.to_string(),
            read: String::new(),
            custom: CustomValues::of(&c.custom),
        }
    }

    /// The fields an edit changes, in the form's order.
    fn values(&self, defs: &[kuijing_domain::fields::FieldDef]) -> super::conflict::Values {
        let mut values: super::conflict::Values = [
            ("name", &self.name),
            ("level_id", &self.level_id),
            ("industry_id", &self.industry_id),
            ("source_id", &self.source_id),
            ("phone", &self.phone),
            ("mobile", &self.mobile),
            ("email", &self.email),
            ("website", &self.website),
            ("postcode", &self.postcode),
            ("province", &self.province),
            ("city", &self.city),
            ("district", &self.district),
            ("address", &self.address),
            ("tax_id", &self.tax_id),
            ("notes", &self.notes),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
        values.extend(super::conflict::custom_values(defs, |k| {
            self.custom.value(k)
        }));
        values
    }

    /// The typed value of a custom field.
    fn custom_value(&self, key: &str) -> String {
        self.custom.value(key)
    }

    /// The region's fields as typed, in order.
    fn region(&self) -> [(&'static str, &str); 3] {
        [
            ("province", &self.province),
            ("city", &self.city),
            ("district", &self.district),
        ]
    }

    fn input(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            level_id: optional_number(&self.level_id),
            industry_id: optional_number(&self.industry_id),
            source_id: optional_number(&self.source_id),
            phone: optional_text(&self.phone),
            mobile: optional_text(&self.mobile),
            email: optional_text(&self.email),
            website: optional_text(&self.website),
            address: optional_text(&self.address),
            postcode: optional_text(&self.postcode),
            province: optional_text(&self.province),
            city: optional_text(&self.city),
            district: optional_text(&self.district),
            tax_id: optional_text(&self.tax_id),
            notes: optional_text(&self.notes),
            owner_id: optional_number(&self.owner_id),
            custom: self.custom.input(),
            ..CustomerInput::default()
        }
    }

    /// Every field of the form; the owner changes by transfer, and custom
    /// fields and the next contact are kept as stored.
    fn patch(&self) -> CustomerPatch {
        let input = self.input();
        CustomerPatch {
            // A version that is not a number matches none, so the save is
            // refused as stale rather than silently overwriting.
            version: Some(self.version.trim().parse().unwrap_or(-1)),
            name: Some(input.name),
            level_id: Some(input.level_id),
            industry_id: Some(input.industry_id),
            source_id: Some(input.source_id),
            phone: Some(input.phone),
            mobile: Some(input.mobile),
            email: Some(input.email),
            website: Some(input.website),
            address: Some(input.address),
            postcode: Some(input.postcode),
            province: Some(input.province),
            city: Some(input.city),
            district: Some(input.district),
            tax_id: Some(input.tax_id),
            notes: Some(input.notes),
            custom: Some(self.custom.patch()),
            next_contact_at: None,
        }
    }

    fn is(&self, field: &str, id: &i64) -> bool {
        let value = match field {
            "level_id" => &self.level_id,
            "industry_id" => &self.industry_id,
            "source_id" => &self.source_id,
            _ => &self.owner_id,
        };
        value == &id.to_string()
    }
}

impl super::conflict::Take for CustomerForm {
    fn take(&mut self, key: &str, value: &str) {
        let field = match key {
            "name" => &mut self.name,
            "level_id" => &mut self.level_id,
            "industry_id" => &mut self.industry_id,
            "source_id" => &mut self.source_id,
            "phone" => &mut self.phone,
            "mobile" => &mut self.mobile,
            "email" => &mut self.email,
            "website" => &mut self.website,
            "postcode" => &mut self.postcode,
            "province" => &mut self.province,
            "city" => &mut self.city,
            "district" => &mut self.district,
            "address" => &mut self.address,
            "tax_id" => &mut self.tax_id,
            "notes" => &mut self.notes,
            _ => return self.custom.take(key, value),
        };
        *field = value.to_string();
    }
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    owner_name: Option<String>,
    mut form: CustomerForm,
    (errors, conflict): (FormErrors, Option<super::conflict::Conflict>),
) -> Result<CustomerFormPage, ServiceError> {
    let title = if id.is_some() {
        "customers.edit"
    } else {
        "customers.new"
    };
    let choices = Choices::load(state).await?;
    // An edit opened now keeps what it shows, to tell later what someone
    // else changed meanwhile.
    if id.is_some() && form.read.is_empty() {
        form.read = super::conflict::mark(&form.values(&choices.fields));
    }
    Ok(CustomerFormPage {
        shell: Shell::new(state, caller, lang, "/customers", title),
        id,
        owner_name,
        form,
        choices,
        people: if id.is_none() {
            people(state, caller, Kind::Customer).await
        } else {
            Vec::new()
        },
        errors,
        conflict,
    })
}

fn answer_form(
    result: Result<CustomerFormPage, ServiceError>,
    status: StatusCode,
    caller: &Caller,
    lang: Lang,
) -> Response {
    match result {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

pub async fn new_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    if !caller.can(customer(Action::Create)) {
        return error_page(ServiceError::Forbidden, &caller, lang);
    }
    let form = CustomerForm {
        owner_id: caller.user.id.to_string(),
        custom: super::forms::CustomValues::defaults(
            &state
                .app
                .custom_fields(Kind::Customer)
                .await
                .unwrap_or_default(),
        ),
        ..CustomerForm::default()
    };
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            None,
            None,
            form,
            (FormErrors::default(), None),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn create_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<CustomerForm>,
) -> Response {
    match state.app.create_customer(&caller, form.input()).await {
        Ok(detail) => done(
            &format!("/customers/{}", detail.view.customer.id),
            "created",
        ),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer_form(
                form_page(&state, &caller, lang, None, None, form, (errors, None)).await,
                status_of(&error),
                &caller,
                lang,
            ),
            None => error_page(error, &caller, lang),
        },
    }
}

pub async fn edit_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let detail = match state.app.get_customer(&caller, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(error, &caller, lang),
    };
    if !detail.can_edit {
        let refused = super::forms::not_writable(caller.can(customer(Action::Edit)));
        return error_page(refused, &caller, lang);
    }
    let form = CustomerForm::of(&detail);
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            Some(id),
            detail.view.owner_name,
            form,
            (FormErrors::default(), None),
        )
        .await,
        StatusCode::OK,
        &caller,
        lang,
    )
}

pub async fn update_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<CustomerForm>,
) -> Response {
    let error = match state.app.update_customer(&caller, id, form.patch()).await {
        Ok(_) => return done(&format!("/customers/{id}"), "saved"),
        Err(error) => error,
    };
    // Someone saved meanwhile: keep every entry, take their version so
    // that saving again is a deliberate overwrite, and show what they
    // changed.
    if let ServiceError::Changed { .. } = &error {
        let detail = match state.app.get_customer(&caller, id).await {
            Ok(detail) => detail,
            Err(error) => return error_page(error, &caller, lang),
        };
        let defs = match state.app.custom_fields(Kind::Customer).await {
            Ok(defs) => defs,
            Err(error) => return error_page(error, &caller, lang),
        };
        let stored = CustomerForm::of(&detail);
        let mut names = super::conflict::Names::new("customer", lang, &defs);
        super::conflict::customer_option_names(&state, &mut names).await;
        let theirs = stored.values(&defs);
        let yours = form.values(&defs);
        let shown = super::conflict::Conflict::new(
            &form.read,
            &theirs,
            &yours,
            &names,
            format!("/customers/{id}/edit"),
        );
        let mut form = form;
        let read = std::mem::take(&mut form.read);
        super::conflict::Take::take_theirs(&mut form, &read, &theirs, &yours);
        let form = CustomerForm {
            version: stored.version,
            read: super::conflict::mark(&theirs),
            ..form
        };
        let owner_name = detail.view.owner_name;
        let page = form_page(
            &state,
            &caller,
            lang,
            Some(id),
            owner_name,
            form,
            (FormErrors::default(), Some(shown)),
        )
        .await;
        return answer_form(page, status_of(&error), &caller, lang);
    }
    let errors = match FormErrors::from_service(&error, lang) {
        Some(errors) => errors,
        None => return error_page(error, &caller, lang),
    };
    let owner_name = state
        .app
        .get_customer(&caller, id)
        .await
        .ok()
        .and_then(|d| d.view.owner_name);
    answer_form(
        form_page(
            &state,
            &caller,
            lang,
            Some(id),
            owner_name,
            form,
            (errors, None),
        )
        .await,
        status_of(&error),
        &caller,
        lang,
    )
}

// ---------- The record page ----------

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    shell: Shell,
    detail: CustomerDetail,
    choices: Choices,
    people: Vec<UserView>,
    composer: Composer,
    team_form: TeamForm,
    errors: FormErrors,
    can_follow_up: bool,
    can_transfer: bool,
    /// Which related records a transfer may take along.
    carry: Carry,
    can_team: bool,
    can_delete: bool,
    /// The first of the customer's contacts, and how many it has.
    contacts: ListPage<kuijing_service::contacts::ContactView>,
    attachments: Vec<kuijing_service::attachments::Attachment>,
    can_add_contact: bool,
    /// The pools the user may release the customer into, the default first.
    release_pools: Vec<kuijing_service::pools::PoolView>,
    /// Whether the viewer's roles lock and unlock customers.
    can_lock: bool,
    /// What the composer offers to name, and the timeline of follow-ups and
    /// the approvals of the customer's contracts and payments.
    follow_up_choices: kuijing_service::follow_ups::FollowUpChoices,
    timeline: Vec<TimelineEntry>,
    /// Its opportunities, contracts, instalments and payments the user may see.
    sales: kuijing_service::customer_sales::CustomerSales,
    can_new_opportunity: bool,
    can_new_contract: bool,
}

impl CustomerPage {
    /// "Showing 20 of 31" under a table cut short; nothing when all show.
    fn shown_of(&self, shown: usize, total: &i64) -> Option<String> {
        (i64::try_from(shown).unwrap_or(i64::MAX) < *total).then(|| {
            self.shell
                .t("life6.shown_of")
                .replace("%{shown}", &shown.to_string())
                .replace("%{total}", &total.to_string())
        })
    }

    /// "See all 31" under a table cut short, linking `list` narrowed to
    /// this customer; nothing when all show.
    fn see_all(&self, shown: usize, total: &i64, list: &str) -> Option<(String, String)> {
        (i64::try_from(shown).unwrap_or(i64::MAX) < *total).then(|| {
            (
                self.shell
                    .t("sales7.see_all")
                    .replace("%{n}", &total.to_string()),
                format!("/{list}?customer_id={}", self.detail.view.customer.id),
            )
        })
    }

    /// Whether the instalments shown are only those of the contracts shown,
    /// or fewer than those: then they link the customer's contract list.
    fn plans_cut(&self) -> bool {
        let contracts_cut = self
            .sales
            .contracts
            .as_ref()
            .is_some_and(|c| i64::try_from(c.items.len()).unwrap_or(i64::MAX) < c.total);
        let plans_cut = self
            .sales
            .plans
            .as_ref()
            .is_some_and(|p| p.len() > kuijing_service::customer_sales::SHOWN as usize);
        contracts_cut || plans_cut
    }

    /// The instalments the page shows: at most as many as the other tabs.
    fn plans_shown(&self) -> &[kuijing_service::customer_sales::PlanRow] {
        let plans = self.sales.plans.as_deref().unwrap_or_default();
        &plans[..plans
            .len()
            .min(kuijing_service::customer_sales::SHOWN as usize)]
    }

    /// Which zone the next contact time is typed in.
    fn zone_hint(&self) -> String {
        self.shell.zone_hint()
    }
}

pub use super::follow_ups::Composer;

use super::teams::{RemoveForm, TeamForm};

async fn record_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    composer: Composer,
    errors: FormErrors,
    done: Option<(&str, Option<u64>)>,
) -> Result<CustomerPage, ServiceError> {
    let mut detail = state.app.get_customer(caller, id).await?;
    let choices = Choices::load(state).await?;
    let mut shell = Shell::new(state, caller, lang, "/customers", "customers.title");
    shell.title = detail.view.customer.name.clone();
    shell.notice = done.and_then(|(what, n)| notice(lang, Some(what), n));
    let can_transfer = detail.can_edit && caller.can(customer(Action::Transfer));
    let can_team = detail.can_edit && caller.can(customer(Action::Team));
    let people = if can_transfer || can_team {
        people(state, caller, Kind::Customer).await
    } else {
        Vec::new()
    };
    readable_log(&mut detail, state, &shell).await;
    let contacts = if caller.can(Permission::new(Kind::Contact, Action::View)) {
        let customer = detail.view.customer.id;
        state.app.customer_contacts(caller, customer).await.ok()
    } else {
        None
    }
    .unwrap_or(kuijing_service::ListPage {
        items: Vec::new(),
        total: 0,
        next_cursor: None,
    });
    let attachments = state
        .app
        .list_attachments(caller, Kind::Customer, id)
        .await
        .unwrap_or_default();
    let release_pools = if detail.can_manage && caller.can(customer(Action::Release)) {
        state.app.list_pools(caller).await?
    } else {
        Vec::new()
    };
    let follow_up_choices = state.app.follow_up_choices(caller, Some(id)).await?;
    let approvals = state
        .app
        .timeline_approvals(caller, (Kind::Customer, id))
        .await?;
    let mut timeline = TimelineEntry::merge(&detail.follow_ups, approvals, &choices.method_names());
    let events = state
        .app
        .events_of_record(caller, (Kind::Customer, id))
        .await?;
    TimelineEntry::add_events(&mut timeline, events);
    let sales = state.app.customer_sales(caller, id).await?;
    let can_new = |kind| caller.can(Permission::new(kind, Action::Create));
    let waiting_in_pool = detail.view.customer.owner_id.is_none() && !detail.can_edit;
    Ok(CustomerPage {
        sales,
        can_new_opportunity: can_new(Kind::Opportunity),
        can_new_contract: can_new(Kind::Contract),
        release_pools,
        can_lock: caller.can(customer(Action::Lock)),
        follow_up_choices,
        timeline,
        contacts,
        attachments,
        // A pool member reads a customer waiting in the pool and claims
        // it; follow-ups and contacts come after the claim.
        can_add_contact: caller.can(Permission::new(Kind::Contact, Action::Create))
            && !waiting_in_pool,
        choices,
        people,
        composer,
        team_form: TeamForm::default(),
        errors,
        // A team member who may only read writes no follow-ups.
        can_follow_up: caller.can(Permission::new(Kind::FollowUp, Action::Create))
            && !waiting_in_pool
            && (detail.can_manage
                || !detail
                    .team
                    .iter()
                    .any(|m| m.user_id == caller.user.id && !m.can_write)),
        can_transfer,
        carry: Carry::of(caller),
        can_team,
        can_delete: detail.can_edit && caller.can(customer(Action::Delete)),
        shell,
        detail,
    })
}

/// Shows option labels, member names and times in the change log where it
/// keeps ids and instants.
async fn readable_log(detail: &mut CustomerDetail, state: &AppState, shell: &Shell) {
    crate::i18n::word_log_fields(&mut detail.change_log, shell.lang);
    let labels: BTreeMap<String, String> = state
        .app
        .customer_options()
        .await
        .unwrap_or_default()
        .into_values()
        .flatten()
        .map(|o| (o.id.to_string(), o.label))
        .collect();
    let members: BTreeMap<String, String> = detail
        .team
        .iter()
        .map(|m| (m.user_id.to_string(), m.name.clone()))
        .collect();
    for entry in &mut detail.change_log {
        for field in &mut entry.fields {
            let names = match field.field.as_str() {
                "level_id" | "industry_id" | "source_id" => &labels,
                "team" => &members,
                "next_contact_at" => {
                    for value in [&mut field.old, &mut field.new].into_iter().flatten() {
                        if let Ok(at) = DateTime::parse_from_rfc3339(value) {
                            *value = shell.datetime(&at.with_timezone(&Utc));
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            for value in [&mut field.old, &mut field.new].into_iter().flatten() {
                if let Some(name) = names.get(value.as_str()) {
                    *value = name.clone();
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordQuery {
    done: Option<String>,
    n: Option<u64>,
}

pub async fn show_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<RecordQuery>,
) -> Response {
    let done = query.done.as_deref().map(|d| (d, query.n));
    let page = record_page(
        &state,
        &caller,
        lang,
        id,
        Composer::default(),
        FormErrors::default(),
        done,
    )
    .await;
    match page {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: Multipart,
) -> Response {
    let (composer, files) = Composer::read(multipart).await;
    let result = match composer.input(state.app.time_zone()) {
        Ok(input) => state
            .app
            .add_customer_follow_up(&caller, id, input, files)
            .await
            .map(|_| ()),
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match result {
        Ok(()) => done(&format!("/customers/{id}"), "follow_up"),
        Err(error) => record_refused(&state, &caller, lang, id, error, composer, None).await,
    }
}

pub async fn put_team_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<TeamForm>,
) -> Response {
    let result = match form.input() {
        Ok(input) => {
            let record = (Kind::Customer, id);
            state.app.put_team_member(&caller, record, input).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => done(&format!("/customers/{id}"), "team_saved"),
        Err(error) => {
            record_refused(
                &state,
                &caller,
                lang,
                id,
                error,
                Composer::default(),
                Some(form),
            )
            .await
        }
    }
}

pub async fn remove_team_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<RemoveForm>,
) -> Response {
    let record = (Kind::Customer, id);
    match state
        .app
        .remove_team_member(&caller, record, form.user())
        .await
    {
        Ok(()) => done(&format!("/customers/{id}"), "team_removed"),
        Err(error) => {
            record_refused(&state, &caller, lang, id, error, Composer::default(), None).await
        }
    }
}

/// The record page again, with the errors of the form that was sent and
/// what was typed in it.
async fn record_refused(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    error: ServiceError,
    composer: Composer,
    team_form: Option<TeamForm>,
) -> Response {
    let Some(errors) = FormErrors::from_service(&error, lang) else {
        return error_page(error, caller, lang);
    };
    match record_page(state, caller, lang, id, composer, errors, None).await {
        Ok(mut page) => {
            if let Some(team_form) = team_form {
                page.team_form = team_form;
            }
            render(&page, status_of(&error))
        }
        Err(error) => error_page(error, caller, lang),
    }
}

#[derive(Deserialize)]
pub struct LockForm {
    locked: String,
}

/// Locks or unlocks a customer from its record page.
pub async fn set_lock(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<LockForm>,
) -> Response {
    match state
        .app
        .lock_customer(&caller, id, form.locked == "true")
        .await
    {
        Ok(_) => done(&format!("/customers/{id}"), "saved"),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    is_primary: Option<String>,
}

/// Adds a contact from the customer's page.
pub async fn add_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    axum::Form(form): axum::Form<ContactForm>,
) -> Response {
    let input = kuijing_service::contacts::ContactInput {
        customer_id: id,
        name: form.name,
        mobile: optional_text(&form.mobile),
        email: optional_text(&form.email),
        post: optional_text(&form.post),
        is_primary: form.is_primary.is_some(),
        ..Default::default()
    };
    match state.app.create_contact(&caller, input).await {
        Ok(_) => done(&format!("/customers/{id}"), "contact_added"),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => {
                match record_page(&state, &caller, lang, id, Composer::default(), errors, None)
                    .await
                {
                    Ok(page) => render(&page, status_of(&error)),
                    Err(error) => error_page(error, &caller, lang),
                }
            }
            None => error_page(error, &caller, lang),
        },
    }
}
