//! The user's own things: notifications, the views of lists they saved,
//! and requests of custom approval kinds (with their forms, which
//! administrators define here too).

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_domain::fields::FieldType;
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::notifications::NotificationView;
use kuijing_service::requests::{
    FORM_TYPES, FormField, Request, RequestDetail, RequestKind, RequestKindInput,
};
use kuijing_service::saved_views::SavedViewInput;
use kuijing_service::{Caller, ListPage, PageRequest, ServiceError};
use serde::Deserialize;

use super::approvals::{Panel, refused};
use super::contracts::SubmitForm;
use super::forms::{FormErrors, after_post, answer, done, error_page, optional_number};
pub use super::request_form::{create_request, edit_request, new_request, update_request};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

/// A record's page by its kind: contracts and payments have their own,
/// requests of custom kinds share one.
pub fn record_link(kind: &str, id: i64) -> String {
    match kind {
        "contract" => format!("/contracts/{id}"),
        "payment" => format!("/payments/{id}"),
        "event" => format!("/schedule/{id}"),
        // A pool's reminder lists the user's customers going back soon.
        "pool" => "/pool/recycling".to_string(),
        _ => format!("/requests/{id}"),
    }
}

/// Only a page of this application is a place to go back to.
fn local(path: &str, fallback: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") {
        path.to_string()
    } else {
        fallback.to_string()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    unread: String,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsView {
    shell: Shell,
    list: ListPage<NotificationView>,
    unread_only: bool,
}

impl NotificationsView {
    /// The message in the user's language, with what it names filled in.
    fn message(&self, n: &NotificationView) -> String {
        let mut text = self.shell.tk("notifications.kinds", &n.kind);
        for (key, value) in &n.params {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text = text.replace(&format!("%{{{key}}}"), &value);
        }
        text
    }
}

pub async fn notifications(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<InboxQuery>,
) -> Response {
    let page = PageRequest {
        cursor: query.cursor.parse().ok(),
        limit: Some(50),
        anchor: None,
    };
    let unread_only = query.unread == "1";
    match state.app.notifications(&caller, unread_only, page).await {
        Ok(list) => render(
            &NotificationsView {
                shell: Shell::new(
                    &state,
                    &caller,
                    lang,
                    "/notifications",
                    "notifications.title",
                )
                .with_notice(query.done.as_deref()),
                list,
                unread_only,
            },
            StatusCode::OK,
        ),
        Err(error) => error_page(error, &caller, lang),
    }
}

/// Opens a notification's record, marking it read.
pub async fn open_notification(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.read_notification(&caller, id).await {
        Ok(n) => Redirect::to(&record_link(&n.record_kind, n.record_id)).into_response(),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn read_all(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
) -> Response {
    match state.app.read_all_notifications(&caller).await {
        Ok(_) => done("/notifications", "notifications_read"),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ViewForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    id: String,
    /// Set by the question asked when a view of the same name exists.
    #[serde(default)]
    replace: String,
}

/// The question asked when a view of the name typed exists: replace it
/// with the filters now set, or go back to the list as it was.
#[derive(Template)]
#[template(path = "view_replace.html")]
struct ReplaceView {
    shell: Shell,
    message: String,
    kind: String,
    name: String,
    query: String,
    path: String,
    back: String,
}

/// Saves the list's current filters as a view and opens it. A name the
/// user already gave a view of the list is first asked about.
pub async fn save_view(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ViewForm>,
) -> Response {
    let path = local(&form.path, "/dashboard");
    let input = SavedViewInput {
        kind: form.kind,
        name: form.name,
        query: form.query,
        replace: !form.replace.is_empty(),
    };
    let checked = super::view_check::check(&state, &caller, lang, &input).await;
    let saved = match checked {
        Ok(()) => state.app.save_view(&caller, &input).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(saved) => {
            let view = saved.view;
            let joiner = if view.query.is_empty() { "?" } else { "&" };
            Redirect::to(&format!("{path}?{}{joiner}done=view_saved", view.query)).into_response()
        }
        Err(
            error @ ServiceError::RefusedWith {
                code: "view_name_taken",
                ..
            },
        ) => {
            let query = kuijing_service::saved_views::clean_query(&input.query);
            let page = ReplaceView {
                shell: Shell::new(&state, &caller, lang, "/dashboard", "views.save"),
                message: crate::error::message(&error, lang),
                kind: input.kind,
                name: input.name,
                back: format!("{path}?{query}"),
                query,
                path,
            };
            render(&page, StatusCode::CONFLICT)
        }
        Err(error) => refused(&state, &caller, lang, (error, &path, "/dashboard")),
    }
}

pub async fn delete_view(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<ViewForm>,
) -> Response {
    let path = local(&form.path, "/dashboard");
    let Some(id) = optional_number(&form.id) else {
        return error_page(ServiceError::NotFound, &caller, lang);
    };
    match state.app.delete_view(&caller, id).await {
        Ok(()) => done(&path, "view_deleted"),
        Err(error) => error_page(error, &caller, lang),
    }
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsView {
    shell: Shell,
    list: ListPage<Request>,
    kinds: Vec<RequestKind>,
}

impl RequestsView {
    fn kind_name(&self, kind: &str) -> String {
        self.kinds
            .iter()
            .find(|k| k.kind == kind)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| kind.to_string())
    }
}

pub async fn list_requests(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<InboxQuery>,
) -> Response {
    let page = PageRequest {
        cursor: query.cursor.parse().ok(),
        limit: Some(50),
        anchor: None,
    };
    let built = async {
        Ok::<_, ServiceError>(RequestsView {
            shell: Shell::new(&state, &caller, lang, "/approvals", "requests.title")
                .with_notice(query.done.as_deref()),
            list: state.app.my_requests(&caller, page).await?,
            kinds: state.app.request_kinds(&caller).await?,
        })
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    shell: Shell,
    detail: RequestDetail,
    panel: Option<Panel>,
    people: Vec<(i64, String)>,
    /// Steps of the flow whose approvers the submitter picks.
    to_choose: Vec<(usize, String, &'static str)>,
}

impl RequestPage {
    fn value(&self, field: &FormField) -> String {
        let Some(value) = self.detail.request.fields.get(&field.key) else {
            return String::new();
        };
        let text = kuijing_domain::fields::display(value);
        match field.field_type {
            FieldType::Money => match (
                kuijing_domain::money::parse_amount(&text),
                &self.detail.request.currency,
            ) {
                (Ok(minor), Some(currency)) => self.shell.money(&minor, currency),
                _ => text,
            },
            FieldType::Bool if text == "true" => self.shell.t("customers.yes"),
            FieldType::Bool => self.shell.t("customers.no"),
            _ => text,
        }
    }

    fn back(&self) -> String {
        format!("/requests/{}", self.detail.request.id)
    }
}

pub async fn request_page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Params(query): Params<InboxQuery>,
) -> Response {
    let built = async {
        let detail = state.app.get_request(&caller, id).await?;
        let to_choose = if detail.can_edit {
            state
                .app
                .steps_to_choose(&detail.request.kind, Some(id))
                .await?
        } else {
            Vec::new()
        };
        let mut shell = Shell::new(&state, &caller, lang, "/approvals", "requests.title")
            .with_notice(query.done.as_deref());
        shell.title = detail.request.title.clone();
        Ok::<_, ServiceError>(RequestPage {
            shell,
            panel: detail.approval.as_ref().map(Panel::of),
            people: state.app.user_choices(&caller).await?,
            to_choose,
            detail,
        })
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

pub async fn submit_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    Form(form): Form<SubmitForm>,
) -> Response {
    let chosen = form.input().approvers;
    let back = format!("/requests/{id}");
    match state.app.submit_request(&caller, id, &chosen).await {
        Ok(_) => done(&back, "submitted"),
        Err(error) => refused(&state, &caller, lang, (error, &back, "/approvals")),
    }
}

pub async fn delete_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_request(&caller, id).await {
        Ok(()) => done("/requests", "deleted"),
        Err(error) => refused(
            &state,
            &caller,
            lang,
            (error, &format!("/requests/{id}"), "/approvals"),
        ),
    }
}

#[derive(Template)]
#[template(path = "settings_requests.html")]
struct KindsView {
    shell: Shell,
    kinds: Vec<RequestKind>,
    /// The kind being edited (or a new one) with the form's rows.
    editing: KindForm,
    errors: FormErrors,
}

impl KindsView {
    fn field_count(&self, kind: &RequestKind) -> String {
        self.shell.tn("requests.n_fields", &kind.fields.len())
    }

    fn types(&self) -> Vec<&'static str> {
        FORM_TYPES.iter().map(|t| t.as_str()).collect()
    }
}

/// Blank rows offered under a kind's fields for new ones.
const BLANK_ROWS: usize = 3;

/// The settings form of one kind: its fields as rows `key_<n>`,
/// `label_<n>`, `type_<n>`, `required_<n>`, `options_<n>`.
#[derive(Debug, Default, Deserialize)]
pub struct KindForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// One row of the settings form.
pub struct KindRow {
    pub index: usize,
    pub key: String,
    pub label: String,
    pub field_type: String,
    pub required: bool,
    pub options: String,
}

impl KindForm {
    fn of(kind: &RequestKind) -> Self {
        let mut rest = HashMap::new();
        for (index, field) in kind.fields.iter().enumerate() {
            rest.insert(format!("key_{index}"), field.key.clone());
            rest.insert(format!("label_{index}"), field.label.clone());
            rest.insert(format!("type_{index}"), field.field_type.as_str().into());
            if field.required {
                rest.insert(format!("required_{index}"), "on".into());
            }
            rest.insert(format!("options_{index}"), field.options.join(", "));
        }
        Self {
            kind: kind.kind.clone(),
            name: kind.name.clone(),
            active: if kind.active {
                "on".into()
            } else {
                String::new()
            },
            version: kind.version.to_string(),
            rest,
        }
    }

    fn get(&self, key: &str) -> String {
        self.rest.get(key).cloned().unwrap_or_default()
    }

    /// The rows posted (or stored), then a few blank ones.
    fn rows(&self) -> Vec<KindRow> {
        let filled = (0..30)
            .take_while(|i| self.rest.contains_key(&format!("key_{i}")))
            .count();
        (0..filled + BLANK_ROWS)
            .map(|index| KindRow {
                index,
                key: self.get(&format!("key_{index}")),
                label: self.get(&format!("label_{index}")),
                field_type: self.get(&format!("type_{index}")),
                required: !self.get(&format!("required_{index}")).is_empty(),
                options: self.get(&format!("options_{index}")),
            })
            .collect()
    }

    /// The rows with a key or a label; blank rows are left out.
    fn input(&self) -> RequestKindInput {
        let fields = self
            .rows()
            .into_iter()
            .filter(|row| !row.key.trim().is_empty() || !row.label.trim().is_empty())
            .map(|row| FormField {
                key: row.key,
                label: row.label,
                field_type: FieldType::parse(&row.field_type).unwrap_or(FieldType::Text),
                required: row.required,
                options: row
                    .options
                    .split([',', '，', '、', '\n'])
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
            })
            .collect();
        RequestKindInput {
            kind: self.kind.clone(),
            name: self.name.clone(),
            fields,
            active: !self.active.is_empty() || self.version.is_empty(),
            version: optional_number(&self.version),
        }
    }
}

async fn kinds_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    editing: KindForm,
    errors: FormErrors,
) -> Result<KindsView, ServiceError> {
    caller.require(Permission::new(Kind::Approval, Action::Manage))?;
    Ok(KindsView {
        shell: Shell::new(
            state,
            caller,
            lang,
            "/settings/request-forms",
            "requests.forms",
        ),
        kinds: state.app.request_kinds(caller).await?,
        editing,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
    done: Option<String>,
}

pub async fn request_kinds(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(query): Params<KindQuery>,
) -> Response {
    let built = async {
        let kinds = state.app.request_kinds(&caller).await?;
        let editing = kinds
            .iter()
            .find(|k| k.kind == query.kind)
            .map(KindForm::of)
            .unwrap_or_default();
        let mut view = kinds_view(&state, &caller, lang, editing, FormErrors::default()).await?;
        view.shell = view.shell.with_notice(query.done.as_deref());
        Ok(view)
    }
    .await;
    answer(built, StatusCode::OK, &caller, lang)
}

pub async fn save_request_kind(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Form(form): Form<KindForm>,
) -> Response {
    let result = state.app.save_request_kind(&caller, &form.input()).await;
    after_post(
        result,
        |kind| {
            Redirect::to(&format!(
                "/settings/request-forms?kind={}&done=saved",
                kind.kind
            ))
            .into_response()
        },
        async |errors| kinds_view(&state, &caller, lang, form, errors).await,
        &caller,
        lang,
    )
    .await
}
