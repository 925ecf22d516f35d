//! The contact list: views, search, conditions on any field, sorting,
//! pages, and the batch actions on ticked contacts (transfer, export,
//! delete), with the import box.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::contacts::{ContactTransfer, ContactView};
use kuijing_service::list_columns::ListKind;
use kuijing_service::saved_views::{SavedView, clean_query};
use kuijing_service::users::UserView;
use kuijing_service::{Caller, ListPage, ServiceError};

use super::columns::{Cell, Picker, Table, chosen_table};
use super::forms::{FormErrors, error_page, optional_number, status_of};
use super::records::{
    BatchForm, Compare, ConditionField, ExportExtra, ListParams, Pickable, condition_fields,
    counted, people,
};
use super::{Shell, list_notes, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Params;
use crate::i18n::Lang;
use kuijing_service::list_filters::is_sortable;

/// The views, in the order of their tabs.
const VIEWS: [&str; 4] = ["all", "mine", "team", "created_this_week"];
/// The columns a contact list sorts by (every system column it shows; custom
/// ones sort too).
const SORTS: &[&str] = kuijing_service::contacts::SORTABLE;
const PATH: &str = "/contacts";

/// The fields conditions may be put on, besides the custom ones.
const CONDITIONS: &[(&str, Compare)] = &[
    ("name", Compare::Text),
    ("mobile", Compare::Text),
    ("email", Compare::Text),
    ("post", Compare::Text),
    ("address", Compare::Text),
    ("postcode", Compare::Text),
    ("notes", Compare::Text),
    ("is_primary", Compare::YesNo),
    ("decision_maker", Compare::YesNo),
    ("owner_id", Compare::Choice),
    ("created_at", Compare::Time),
    ("updated_at", Compare::Time),
    ("last_follow_up_at", Compare::Time),
    ("next_contact_at", Compare::Time),
];

fn contact(action: Action) -> Permission {
    Permission::new(Kind::Contact, action)
}

#[derive(Template)]
#[template(path = "contacts.html")]
pub(super) struct ContactsPage {
    pub(super) shell: Shell,
    list: ListPage<ContactView>,
    filter: ListParams,
    fields: Vec<ConditionField>,
    people: Vec<UserView>,
    can_create: bool,
    can_transfer: bool,
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
}

impl ContactsPage {
    fn chips(&self) -> Vec<super::records::Chip> {
        self.filter.chips(PATH, &self.fields, |op| {
            super::records::op_label(&self.shell, op)
        })
    }

    fn can_batch(&self) -> bool {
        self.can_transfer || self.can_delete || self.can_export
    }

    /// The hint above the ticked rows, naming what the viewer may do.
    fn batch_hint(&self) -> String {
        let actions = [
            ("transfer", self.can_transfer),
            ("export", self.can_export),
            ("delete", self.can_delete),
        ];
        super::batch_hint::batch_hint(self.shell.lang, "contacts", &actions)
    }
}

pub(super) async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    mut filter: ListParams,
    errors: FormErrors,
) -> Result<ContactsPage, ServiceError> {
    super::drill::checked(&filter.from, &filter.to, lang)?;
    let defs = state.app.custom_fields(Kind::Contact).await?;
    let view_note = list_notes::check_view(lang, &mut filter.view, &VIEWS);
    let mut note = list_notes::check_sort(lang, &mut filter.sort, SORTS, &defs);
    let list = match state.app.list_contacts(caller, &filter.query(SORTS)).await {
        Err(error) if list_notes::refused(&error, "cursor") => {
            filter.cursor.clear();
            note = Some(list_notes::foreign_cursor(lang));
            state
                .app
                .list_contacts(caller, &filter.query(SORTS))
                .await?
        }
        Err(error) => match list_notes::drop_conditions(lang, &error, &mut filter.c) {
            Some(left_out) => {
                note = list_notes::joined(Some(left_out), note);
                state
                    .app
                    .list_contacts(caller, &filter.query(SORTS))
                    .await?
            }
            None => return Err(error),
        },
        Ok(list) => list,
    };
    let mut shell = Shell::new(state, caller, lang, PATH, "contacts.title");
    shell.notice = notice(lang, filter.done.as_deref(), filter.n);
    shell.list_note = list_notes::joined(view_note, note);
    let customer = super::drill::customer_note(state, caller, &shell, &filter.customer_id).await;
    super::drill::note(&mut shell, &filter.drill(), customer, PATH);
    let can_transfer = caller.can(contact(Action::Transfer));
    let may_import = caller.can(contact(Action::Import));
    let (table, picker) = chosen_table(
        (state, caller, &shell),
        (
            ListKind::Contact,
            format!("{PATH}?{}", filter.query_without_cursor()),
            filter.columns == "open",
        ),
        &list.items,
        (
            |c: &ContactView| c.contact.id,
            |c: &ContactView| c.contact.name.clone(),
        ),
        |item, column| contact_cell(&shell, item, column),
        |column| {
            is_sortable(SORTS, column)
                .then(|| (filter.sort_href(PATH, column), filter.sorted(column)))
        },
    )
    .await?;
    Ok(ContactsPage {
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
        people: if can_transfer {
            people(state, caller, Kind::Contact).await
        } else {
            Vec::new()
        },
        can_create: caller.can(contact(Action::Create)),
        can_transfer,
        can_export: caller.can(contact(Action::Export)),
        can_delete: caller.can(contact(Action::Delete)),
        may_import,
        errors,
        views: state.app.saved_views(caller, "contact").await?,
        keep: clean_query(&filter.query_without_cursor()),
        filter,
    })
}

/// One cell of a contact in the list.
fn contact_cell(shell: &Shell, item: &ContactView, column: &str) -> Cell {
    let c = &item.contact;
    if let Some(cell) = Cell::custom(shell, &c.custom, column) {
        return cell;
    }
    match column {
        "name" => {
            let mut cell = Cell::link(c.name.clone(), format!("{PATH}/{}", c.id));
            if c.is_primary {
                cell = cell.tag("accent", shell.t("customers.primary"));
            }
            if c.decision_maker {
                cell = cell.tag("", shell.t("fields.decision_maker"));
            }
            cell
        }
        "customer_id" => Cell::link(
            c.customer_name.clone(),
            format!("/customers/{}", c.customer_id),
        ),
        "post" => Cell::optional(c.post.as_ref()),
        "mobile" => Cell::optional(c.mobile.as_ref().or(c.phone.as_ref())).with_class("mono"),
        "phone" => Cell::optional(c.phone.as_ref()).with_class("mono"),
        "email" => Cell::optional(c.email.as_ref()),
        "decision_maker" => Cell::yes_no(shell, c.decision_maker),
        "is_primary" => Cell::yes_no(shell, c.is_primary),
        "address" => Cell::optional(c.address.as_ref()),
        "postcode" => Cell::optional(c.postcode.as_ref()).with_class("mono"),
        "owner_id" => Cell::optional(item.owner_name.as_ref()),
        "last_follow_up_at" => Cell::at(shell, c.last_follow_up_at),
        "next_contact_at" => Cell::at(shell, c.next_contact_at),
        "notes" => Cell::excerpt(c.notes.as_deref()),
        "created_at" => Cell::at(shell, Some(c.created_at)),
        "updated_at" => Cell::at(shell, Some(c.updated_at)),
        _ => Cell::default(),
    }
}

/// The confirmation after a contact action, with its count where it has one.
pub(crate) fn notice(lang: Lang, done: Option<&str>, count: Option<u64>) -> Option<String> {
    let key = match done? {
        "created" => "records.contact_done_created",
        "saved" => "records.contact_done_saved",
        "transferred" => "records.contact_done_transferred",
        "deleted" => "records.contact_done_deleted",
        "follow_up" => "customers.done_follow_up",
        "attached" => "records.done_attached",
        "columns_saved" => "done.columns_saved",
        _ => return None,
    };
    Some(
        lang.t(key)
            .replace("%{count}", &count.unwrap_or(1).to_string()),
    )
}

pub async fn list_contacts(
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

pub async fn transfer_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = form.batch(SORTS, |params| params);
    let input = ContactTransfer {
        ids: batch.ids,
        matching: batch.matching,
        // No choice is no user: the service names the field.
        owner_id: optional_number(&form.owner_id).unwrap_or(-1),
    };
    match state.app.transfer_contacts(&caller, input).await {
        Ok(moved) => {
            // Back to the contact while the caller can still see it.
            if let Some(id) = form.back_id(PATH)
                && state.app.get_contact(&caller, id).await.is_ok()
            {
                return counted(&format!("/contacts/{id}"), "transferred", moved);
            }
            counted(&form.list_path(PATH), "transferred", moved)
        }
        Err(error) => refused(&state, &caller, lang, error, form.back_id(PATH)).await,
    }
}

pub async fn delete_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<BatchForm>,
) -> Response {
    let batch = form.batch(SORTS, |params| params);
    match state.app.delete_contacts(&caller, &batch).await {
        Ok(deleted) => counted(&form.list_path(PATH), "deleted", deleted),
        Err(error) => refused(&state, &caller, lang, error, form.back_id(PATH)).await,
    }
}

/// A refused batch action shows the list (or the contact it came from) again
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
        return super::contact_page::shown_again(state, caller, lang, id, errors, status).await;
    }
    let page = list_page(state, caller, lang, ListParams::default(), errors).await;
    match page {
        Ok(page) => render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

/// Exports what the list shows (its view and conditions), or the ticked rows.
pub async fn export_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(filter): Params<ListParams>,
    axum_extra::extract::Query(extra): axum_extra::extract::Query<ExportExtra>,
) -> Response {
    let filter = extra.params(filter);
    let fill = |params| params;
    let query = fill(filter).query(SORTS);
    let ask = (ListKind::Contact, query, extra.ids(), extra.format());
    super::records::export_records(&state, &caller, lang, ask).await
}
