//! The user's own things: notifications and the views of lists they saved.
//! Requests of custom approval kinds are in `requests`, the forms of their
//! kinds (which administrators define) in `request_kinds`.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kuijing_service::notifications::NotificationView;
use kuijing_service::saved_views::SavedViewInput;
use kuijing_service::{ListPage, PageRequest, ServiceError};
use serde::Deserialize;

use super::approvals::refused;
use super::forms::{done, error_page, optional_number};
pub use super::request_form::{create_request, edit_request, new_request, update_request};
use super::{Shell, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

pub use super::request_kinds::{request_kinds, save_request_kind};

pub use super::requests::{delete_request, list_requests, request_page, submit_request};

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
    pub(super) cursor: String,
    #[serde(default)]
    unread: String,
    pub(super) done: Option<String>,
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
