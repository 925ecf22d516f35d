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
pub use super::follow_ups::Composer;
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

mod batch;
mod filter;
mod form;
mod record;

use batch::Carry;
pub use batch::{delete_customers, transfer_customers};
pub use filter::ListFilter;
pub use form::{create_customer, edit_customer, new_customer, update_customer};
use record::record_page;
pub use record::{
    add_contact, add_follow_up, put_team_member, remove_team_member, set_lock, show_customer,
};

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
    pub(crate) async fn load(state: &AppState, caller: &Caller) -> Result<Self, ServiceError> {
        Self::load_for(state, caller, Kind::Customer).await
    }

    /// The option lists, named as the caller is shown them, with the
    /// custom fields of `kind`.
    pub(crate) async fn load_for(
        state: &AppState,
        caller: &Caller,
        kind: Kind,
    ) -> Result<Self, ServiceError> {
        let mut by_field = state.app.customer_options(caller).await?;
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

    /// The hint above the ticked rows, naming what the viewer may do.
    fn batch_hint(&self) -> String {
        let actions = [
            ("transfer", self.can_transfer),
            ("export", self.can_export),
            ("delete", self.can_delete),
        ];
        super::batch_hint::batch_hint(self.shell.lang, "customers", &actions)
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

pub(super) async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut filter: ListFilter,
    errors: FormErrors,
) -> Result<CustomersPage, ServiceError> {
    super::drill::checked(&filter.from, &filter.to, lang)?;
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
    let choices = Choices::load(state, caller).await?;
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
        "claimed" => "life_fix15.claimed",
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
