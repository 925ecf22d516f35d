//! The lead list: views, search, conditions on any field, sorting, pages,
//! and the batch actions on ticked leads (transfer, convert, export, delete),
//! with the import box.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::lead_convert::{
    ConvertInput, LeadAction, LeadChoice, LeadDuplicates, OnDuplicate,
};
use kuijing_service::leads::{LeadTransfer, LeadView};
use kuijing_service::list_columns::ListKind;
use kuijing_service::saved_views::{SavedView, clean_query};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ListPage, ServiceError};

use super::columns::{Cell, Picker, Table, chosen_table};
use super::customers::Choices;
use super::forms::{FormErrors, error_page, optional_number, status_of};
use super::records::{
    BatchForm, Compare, ConditionField, ExportExtra, ListParams, Pickable, condition_fields,
    counted, people,
};
use super::{Shell, list_notes, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use kuijing_service::list_filters::is_sortable;

/// The views, in the order of their tabs.
const VIEWS: [&str; 6] = [
    "open",
    "all",
    "mine",
    "team",
    "created_this_week",
    "converted",
];
/// The columns a lead list sorts by (every system column it shows; custom
/// ones sort too).
const SORTS: &[&str] = kuijing_service::leads::SORTABLE;
const PATH: &str = "/leads";

/// The fields conditions may be put on, besides the custom ones.
const CONDITIONS: &[(&str, Compare)] = &[
    ("name", Compare::Text),
    ("contact_name", Compare::Text),
    ("mobile", Compare::Text),
    ("phone", Compare::Text),
    ("email", Compare::Text),
    ("address", Compare::Text),
    ("postcode", Compare::Text),
    ("notes", Compare::Text),
    ("level_id", Compare::Choice),
    ("industry_id", Compare::Choice),
    ("source_id", Compare::Choice),
    ("owner_id", Compare::Choice),
    ("converted", Compare::YesNo),
    ("created_at", Compare::Time),
    ("updated_at", Compare::Time),
    ("last_follow_up_at", Compare::Time),
    ("next_contact_at", Compare::Time),
];

fn lead(action: Action) -> Permission {
    Permission::new(Kind::Lead, action)
}

#[derive(Template)]
#[template(path = "leads.html")]
pub(super) struct LeadsPage {
    pub(super) shell: Shell,
    list: ListPage<LeadView>,
    filter: ListParams,
    choices: Choices,
    fields: Vec<ConditionField>,
    people: Vec<UserView>,
    can_create: bool,
    can_transfer: bool,
    can_convert: bool,
    can_export: bool,
    can_delete: bool,
    /// Whether the user may import, for the link to the import page.
    may_import: bool,
    errors: FormErrors,
    views: Vec<SavedView>,
    keep: String,
    /// The rows in the columns the user chose, and the picker of them.
    table: Table,
    picker: Picker,
    /// Leads of a conversion that look like existing customers.
    duplicates: Option<DuplicateChoice>,
}

/// Leads being converted that look like existing customers, and the form
/// that converts them again with a choice: link to the existing customer
/// or create anyway. Without a script.
pub(crate) struct DuplicateChoice {
    pub leads: Vec<DuplicateLead>,
    /// The batch as it was sent, to send again.
    pub ids: Vec<String>,
    pub all_matching: String,
    pub matching: String,
    /// The lead's page, when one lead was converted from it.
    pub back: Option<String>,
}

pub(crate) struct DuplicateLead {
    pub id: i64,
    pub name: String,
    /// Why linking could not take it, in words.
    pub reason: Option<String>,
    pub matches: Vec<DuplicateMatch>,
}

pub(crate) struct DuplicateMatch {
    pub id: i64,
    /// The customer's name, when the user may see it.
    pub name: Option<String>,
    /// Whose it is, that it waits in the pool, or that it lies outside
    /// the user's view.
    pub whose: String,
    /// What it shares with the lead, in words.
    pub matched: String,
    pub can_link: bool,
}

impl DuplicateChoice {
    fn new(found: Vec<LeadDuplicates>, form: &BatchForm, lang: Lang) -> Self {
        let leads = found
            .into_iter()
            .map(|lead| DuplicateLead {
                id: lead.lead_id,
                name: lead.lead_name,
                reason: lead
                    .reason
                    .map(|r| lang.t(&format!("lifecycle_fix.link_refused.{r}"))),
                matches: lead
                    .matches
                    .into_iter()
                    .map(|m| DuplicateMatch {
                        // Only a customer the user may see is linked to.
                        id: m.id.unwrap_or_default(),
                        // One outside the user's view says so in its name.
                        whose: if !m.visible {
                            String::new()
                        } else if m.in_pool {
                            lang.t("customers.in_pool")
                        } else {
                            m.owner_name.clone().unwrap_or_default()
                        },
                        matched: m
                            .matched
                            .iter()
                            .map(|k| lang.t(&format!("life6.matched_{k}")))
                            .collect::<Vec<_>>()
                            .join(", "),
                        can_link: m.visible,
                        name: m.name,
                    })
                    .collect(),
            })
            .collect();
        Self {
            leads,
            ids: form.ids.clone(),
            all_matching: form.all_matching.clone(),
            matching: form.matching.clone(),
            back: form.back.clone(),
        }
    }
}

impl LeadsPage {
    fn chips(&self) -> Vec<super::records::Chip> {
        self.filter.chips(PATH, &self.fields, |op| {
            super::records::op_label(&self.shell, op)
        })
    }

    fn can_batch(&self) -> bool {
        self.can_transfer || self.can_convert || self.can_delete || self.can_export
    }

    /// The hint above the ticked rows, naming what the viewer may do.
    fn batch_hint(&self) -> String {
        let actions = [
            ("transfer", self.can_transfer),
            ("convert", self.can_convert),
            ("export", self.can_export),
            ("delete", self.can_delete),
        ];
        super::batch_hint::batch_hint(self.shell.lang, "leads", &actions)
    }
}

/// The view a lead list opens on: the leads still open.
fn with_default_view(mut filter: ListParams) -> ListParams {
    if filter.view.is_empty() {
        filter.view = "open".into();
    }
    filter.pick_field = "source_id".into();
    filter
}

pub(super) async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    filter: ListParams,
    errors: FormErrors,
) -> Result<LeadsPage, ServiceError> {
    super::drill::checked(&filter.from, &filter.to, lang)?;
    let mut filter = with_default_view(filter);
    let view_note = list_notes::check_view(lang, &mut filter.view, &VIEWS);
    filter = with_default_view(filter);
    let defs = state.app.custom_fields(Kind::Lead).await?;
    let mut note = list_notes::check_sort(lang, &mut filter.sort, SORTS, &defs);
    let list = match state.app.list_leads(caller, &filter.query(SORTS)).await {
        Err(error) if list_notes::refused(&error, "cursor") => {
            filter.cursor.clear();
            note = Some(list_notes::foreign_cursor(lang));
            state.app.list_leads(caller, &filter.query(SORTS)).await?
        }
        Err(error) => match list_notes::drop_conditions(lang, &error, &mut filter.c) {
            Some(left_out) => {
                note = list_notes::joined(Some(left_out), note);
                state.app.list_leads(caller, &filter.query(SORTS)).await?
            }
            None => return Err(error),
        },
        Ok(list) => list,
    };
    let mut shell = Shell::new(state, caller, lang, PATH, "leads.title");
    shell.notice = notice(lang, filter.done.as_deref(), filter.n);
    shell.list_note = list_notes::joined(view_note, note);
    super::drill::note(&mut shell, &filter.drill(), None, PATH);
    let can_transfer = caller.can(lead(Action::Transfer));
    let may_import = caller.can(lead(Action::Import));
    let choices = Choices::load(state, caller).await?;
    let (table, picker) = chosen_table(
        (state, caller, &shell),
        (
            ListKind::Lead,
            format!("{PATH}?{}", filter.query_without_cursor()),
            filter.columns == "open",
        ),
        &list.items,
        (|l: &LeadView| l.lead.id, |l: &LeadView| l.lead.name.clone()),
        |item, column| lead_cell(&shell, &choices, item, column),
        |column| {
            is_sortable(SORTS, column)
                .then(|| (filter.sort_href(PATH, column), filter.sorted(column)))
        },
    )
    .await?;
    Ok(LeadsPage {
        table,
        picker,
        fields: condition_fields(
            CONDITIONS,
            &defs,
            |f| shell.field_label(f),
            &Pickable::load(state, caller).await?,
        ),
        shell,
        list,
        choices,
        people: if can_transfer {
            people(state, caller, Kind::Lead).await
        } else {
            Vec::new()
        },
        can_create: caller.can(lead(Action::Create)),
        can_transfer,
        can_convert: caller.can(lead(Action::Convert))
            && caller.can(Permission::new(Kind::Customer, Action::Create)),
        can_export: caller.can(lead(Action::Export)),
        can_delete: caller.can(lead(Action::Delete)),
        may_import,
        errors,
        views: state.app.saved_views(caller, "lead").await?,
        keep: clean_query(&filter.query_without_cursor()),
        filter,
        duplicates: None,
    })
}

/// One cell of a lead in the list.
fn lead_cell(shell: &Shell, choices: &Choices, item: &LeadView, column: &str) -> Cell {
    let l = &item.lead;
    if let Some(cell) = Cell::custom(shell, &l.custom, column) {
        return cell;
    }
    match column {
        "name" => Cell::link(l.name.clone(), format!("{PATH}/{}", l.id)),
        "contact_name" => Cell::optional(l.contact_name.as_ref()),
        "mobile" => Cell::optional(l.mobile.as_ref().or(l.phone.as_ref())).with_class("mono"),
        "phone" => Cell::optional(l.phone.as_ref()).with_class("mono"),
        "email" => Cell::optional(l.email.as_ref()),
        "address" => Cell::optional(l.address.as_ref()),
        "postcode" => Cell::optional(l.postcode.as_ref()).with_class("mono"),
        "level_id" => match &item.level {
            Some(level) => Cell::default().tag(
                format!("level-{}", choices.level_rank(&l.level_id)),
                level.clone(),
            ),
            None => Cell::default(),
        },
        "industry_id" => Cell::optional(item.industry.as_ref()),
        "source_id" => Cell::optional(item.source.as_ref()),
        "owner_id" => Cell::optional(item.owner_name.as_ref()),
        "converted" => {
            if l.converted {
                Cell::default().tag("status-active", shell.t("leads.converted"))
            } else {
                Cell::default().tag("", shell.t("leads.open"))
            }
        }
        "last_follow_up_at" => Cell::at(shell, l.last_follow_up_at),
        "next_contact_at" => Cell::at(shell, l.next_contact_at),
        "notes" => Cell::excerpt(l.notes.as_deref()),
        "created_at" => Cell::at(shell, Some(l.created_at)),
        "updated_at" => Cell::at(shell, Some(l.updated_at)),
        _ => Cell::default(),
    }
}

/// The confirmation after a lead action, with its count where it has one.
pub(crate) fn notice(lang: Lang, done: Option<&str>, count: Option<u64>) -> Option<String> {
    let key = match done? {
        "created" => "records.lead_done_created",
        "saved" => "records.lead_done_saved",
        "transferred" => "records.lead_done_transferred",
        "converted" => "records.lead_done_converted",
        "deleted" => "records.lead_done_deleted",
        "follow_up" => "customers.done_follow_up",
        "team_saved" => "customers.done_team_saved",
        "team_removed" => "customers.done_team_removed",
        "attached" => "records.done_attached",
        "columns_saved" => "done.columns_saved",
        _ => return None,
    };
    Some(
        lang.t(key)
            .replace("%{count}", &count.unwrap_or(1).to_string()),
    )
}

pub async fn list_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    // Repeated fields (the picked choices of a condition) need the form reader.
    axum_extra::extract::Query(filter): axum_extra::extract::Query<ListParams>,
) -> Response {
    let mut retry = filter.clone();
    let error = match list_page(&state, &caller, lang, filter, Default::default()).await {
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

pub async fn transfer_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = form.batch(SORTS, with_default_view);
    let input = LeadTransfer {
        ids: batch.ids,
        matching: batch.matching,
        // No choice is no user: the service names the field.
        owner_id: optional_number(&form.owner_id).unwrap_or(-1),
    };
    match state.app.transfer_leads(&caller, input).await {
        Ok(moved) => {
            // Back to the lead while the caller can still see it.
            if let Some(id) = form.back_id(PATH)
                && state.app.get_lead(&caller, id).await.is_ok()
            {
                return counted(&format!("/leads/{id}"), "transferred", moved);
            }
            counted(&form.list_path(PATH), "transferred", moved)
        }
        Err(error) => refused(&state, &caller, lang, error, form.back_id(PATH)).await,
    }
}

pub async fn convert_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = form.batch(SORTS, with_default_view);
    let link_to = optional_number(&form.link_to);
    let on_duplicate = match form.on_duplicate.as_str() {
        _ if link_to.is_some() => Some(OnDuplicate::Link),
        "link" => Some(OnDuplicate::Link),
        "create" => Some(OnDuplicate::Create),
        _ => None,
    };
    let input = ConvertInput {
        ids: batch.ids,
        matching: batch.matching,
        on_duplicate,
        customer_id: link_to,
        choices: form.choice.iter().filter_map(|c| lead_choice(c)).collect(),
    };
    match state.app.convert_leads(&caller, input).await {
        // One lead from its page goes on to the customer it became.
        Ok(converted) if form.back_id(PATH).is_some() && converted.len() == 1 => Redirect::to(
            &format!("/customers/{}?done=converted", converted[0].customer_id),
        )
        .into_response(),
        Ok(converted) => counted(&form.list_path(PATH), "converted", converted.len() as u64),
        Err(ServiceError::Duplicates(found)) => {
            let choice = DuplicateChoice::new(found, &form, lang);
            let status = StatusCode::CONFLICT;
            if let Some(id) = form.back_id(PATH) {
                return super::lead_page::duplicates_shown(&state, &caller, lang, id, choice).await;
            }
            let filter: ListParams = super::columns::query_of(&form.matching);
            match list_page(&state, &caller, lang, filter, FormErrors::default()).await {
                Ok(mut page) => {
                    page.duplicates = Some(choice);
                    render(&page, status)
                }
                Err(error) => error_page(error, &caller, lang),
            }
        }
        Err(error) => refused(&state, &caller, lang, error, form.back_id(PATH)).await,
    }
}

/// One lead's choice as the form sends it: `7:link:12`, `7:create` or
/// `7:skip`; anything else is no choice.
fn lead_choice(text: &str) -> Option<LeadChoice> {
    let mut parts = text.split(':');
    let lead_id = parts.next()?.trim().parse().ok()?;
    let (action, customer_id) = match (parts.next()?, parts.next()) {
        ("link", Some(customer)) => (LeadAction::Link, Some(customer.trim().parse().ok()?)),
        ("create", None) => (LeadAction::Create, None),
        ("skip", None) => (LeadAction::Skip, None),
        _ => return None,
    };
    Some(LeadChoice {
        lead_id,
        action,
        customer_id,
    })
}

/// Converts one lead from its page and goes on to the customer it became.
pub async fn convert_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    let form = BatchForm {
        ids: vec![id.to_string()],
        back: Some(format!("/leads/{id}")),
        ..BatchForm::default()
    };
    convert_leads(State(state), Extension(lang), PageUser(caller), Form(form)).await
}

pub async fn delete_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = form.batch(SORTS, with_default_view);
    match state.app.delete_leads(&caller, &batch).await {
        Ok(deleted) => counted(&form.list_path(PATH), "deleted", deleted),
        Err(error) => refused(&state, &caller, lang, error, form.back_id(PATH)).await,
    }
}

/// A refused batch action shows the list (or the lead it came from) again
/// with the reason on top.
async fn refused(
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
        return super::lead_page::shown_again(state, caller, lang, id, errors, status).await;
    }
    let page = list_page(state, caller, lang, ListParams::default(), errors).await;
    match page {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

/// Exports what the list shows (its view and conditions), or the ticked rows.
pub async fn export_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(filter): Params<ListParams>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportExtra>,
) -> Response {
    let filter = extra.params(filter);
    let fill = with_default_view;
    let query = fill(filter).query(SORTS);
    let ask = (ListKind::Lead, query, extra.ids(), extra.format());
    super::records::export_records(&state, &caller, lang, ask).await
}
