//! `/api/v1/requests`, `/api/v1/notifications` and `/api/v1/views`: requests
//! of custom approval kinds and their forms, the caller's notifications, and
//! the views of lists the caller saved.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kuijing_domain::fields::FieldType;
use kuijing_service::contracts::SubmitInput;
use kuijing_service::notifications::NotificationView;
use kuijing_service::requests::{
    Request, RequestDetail, RequestInput, RequestKind, RequestKindInput,
};
use kuijing_service::saved_views::{SavedView, SavedViewInput};
use kuijing_service::{ListPage, ServiceError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{Body, BodyOrDefault, page_of, respond, respond_created, respond_done};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, FieldProblem, Problem, StaleField};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/requests/kinds", tag = "requests",
    responses((status = 200, description = "Custom approval kinds and their forms", body = Vec<RequestKind>)))]
pub async fn list_request_kinds(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.request_kinds(&caller).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/requests/kinds", tag = "requests", request_body = RequestKindInput,
    description = "Defines a kind's form, or saves it with the `version` read. The first money field is the request's amount, which flows can branch on; every field is a fact by its key.",
    responses((status = 200, body = RequestKind), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, description = "Problems of a field are named `fields.<n>.<part>`", body = Problem)))]
pub async fn save_request_kind(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<RequestKindInput>,
) -> Response {
    respond(
        state.app.save_request_kind(&caller, &body).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
    /// Only unread notifications.
    #[serde(default)]
    pub unread: bool,
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(InboxParams),
    responses((status = 200, description = "The caller's own requests, newest first", body = ListPage<Request>)))]
pub async fn list_requests(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<InboxParams>,
) -> Response {
    let page = match page_of(p.cursor, p.limit, lang, &caller.request_id) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    respond(state.app.my_requests(&caller, page).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = RequestInput,
    description = "A draft request of a kind; field errors are named by the body's path, `fields.<key>`.",
    responses((status = 201, body = RequestDetail), (status = 422, body = Problem)))]
pub async fn create_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<RequestInput>,
) -> Response {
    respond_created(
        by_body_path(state.app.create_request(&caller, &body).await),
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests",
    responses((status = 200, body = RequestDetail), (status = 404, description = "No such request, or the caller is neither its owner, on its approval, nor an approval manager", body = Problem)))]
pub async fn get_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_request(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/requests/{id}", tag = "requests", request_body = RequestInput,
    description = "Changes a draft's (or a rejected or withdrawn request's) title and field values; a field left out of `fields` keeps its stored value (send `null` to clear it). `version` is the version read: a save on a newer one answers 409 (`stale`) with the stored request as `current` and, as `changes`, the title or each field (`fields.<key>`) whose stored value differs from the one sent (`label`, `theirs` as stored, `yours` as sent); nothing is saved. Without `version` the save goes over whatever is stored.",
    responses((status = 200, body = RequestDetail), (status = 404, body = Problem), (status = 409, description = "Saved by someone else first (`stale`), or under approval (`request_not_editable`)", body = Problem), (status = 422, body = Problem)))]
pub async fn update_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(mut body): Body<RequestInput>,
) -> Response {
    // Field values the body leaves out keep what is stored, as the other
    // records' edits do.
    if let Ok(stored) = state.app.get_request(&caller, id).await {
        let mut fields = stored.request.fields;
        fields.extend(std::mem::take(&mut body.fields));
        body.fields = fields;
    }
    match state.app.update_request(&caller, id, &body).await {
        Err(error @ ServiceError::Changed { .. }) => {
            let mut problem = ApiError::from_service(error, lang, &caller.request_id);
            if let Ok(stored) = state.app.get_request(&caller, id).await {
                problem.0.changes = Some(request_changes(&stored, &body, lang));
            }
            problem.into_response()
        }
        result => respond(by_body_path(result), &caller, lang),
    }
}

/// Errors of a request's values named as the body sends them
/// (`fields.<key>`), not as the form's inputs are (`custom.<key>`).
fn by_body_path<T>(result: Result<T, ServiceError>) -> Result<T, ServiceError> {
    result.map_err(|error| match error {
        ServiceError::Invalid(mut errors) => {
            for error in &mut errors.0 {
                if let Some(key) = error.field.strip_prefix("custom.") {
                    error.field = format!("fields.{key}");
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    })
}

/// What a save on an old version of a request would overwrite: its title
/// and each field of its form whose stored value reads differently from
/// the one sent (money compared as amounts, so `1,500.50` is `1500.5`).
fn request_changes(stored: &RequestDetail, sent: &RequestInput, lang: Lang) -> Vec<StaleField> {
    let mut changes = Vec::new();
    let title = stored.request.title.trim();
    if title != sent.title.trim() {
        changes.push(StaleField {
            field: "title".into(),
            label: lang.t("fields.title"),
            theirs: Value::String(title.to_string()),
            yours: Value::String(sent.title.clone()),
        });
    }
    for field in &stored.form {
        let theirs = stored
            .request
            .fields
            .get(&field.key)
            .cloned()
            .unwrap_or(Value::Null);
        let yours = sent.fields.get(&field.key).cloned().unwrap_or(Value::Null);
        let read = |value: &Value| {
            let text = kuijing_domain::fields::display(value);
            match field.field_type {
                FieldType::Money | FieldType::Number => {
                    match kuijing_domain::money::parse_amount(&text) {
                        Ok(amount) => amount.to_string(),
                        Err(_) => kuijing_domain::text::normalize(&text),
                    }
                }
                _ => kuijing_domain::text::normalize(&text),
            }
        };
        if read(&theirs) != read(&yours) {
            changes.push(StaleField {
                field: format!("fields.{}", field.key),
                label: field.label.clone(),
                theirs,
                yours,
            });
        }
    }
    changes
}

#[utoipa::path(delete, path = "/api/v1/requests/{id}", tag = "requests",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem), (status = 409, description = "Only a draft that was never submitted is deleted", body = Problem)))]
pub async fn delete_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_request(&caller, id).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/submit", tag = "requests", request_body = SubmitInput,
    description = "Puts a draft, rejected or withdrawn request into its kind's active flow; with none it is approved at once.",
    responses((status = 200, body = RequestDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn submit_request(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    BodyOrDefault(body): BodyOrDefault<SubmitInput>,
) -> Response {
    respond(
        state.app.submit_request(&caller, id, &body.approvers).await,
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(InboxParams),
    responses((status = 200, description = "The caller's notifications, newest first; `total` counts the unread ones", body = ListPage<NotificationView>)))]
pub async fn list_notifications(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<InboxParams>,
) -> Response {
    let page = match page_of(p.cursor, p.limit, lang, &caller.request_id) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    respond(
        state.app.notifications(&caller, p.unread, page).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    responses((status = 200, body = NotificationView), (status = 404, description = "Not the caller's", body = Problem)))]
pub async fn read_notification(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(
        state.app.read_notification(&caller, id).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: u64,
}

#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    responses((status = 200, description = "Every notification of the caller marked read", body = Marked)))]
pub async fn read_all_notifications(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    let result = state
        .app
        .read_all_notifications(&caller)
        .await
        .map(|marked| Marked { marked });
    respond(result, &caller, lang)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewParams {
    /// The list: `customer`, `lead`, `contact`, `opportunity`, `contract`,
    /// `payment` or `product`.
    pub kind: String,
}

#[utoipa::path(get, path = "/api/v1/views", tag = "views", params(ViewParams),
    responses((status = 200, description = "The caller's own views of a list", body = Vec<SavedView>), (status = 422, body = Problem)))]
pub async fn list_views(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ViewParams>,
) -> Response {
    respond(state.app.saved_views(&caller, &p.kind).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/views", tag = "views", request_body = SavedViewInput,
    description = "Saves a list's query string under a name. The caller already having a view of that name on the list (case, width and spaces aside) is refused with 409 `view_name_taken` naming `name`, unless the body says `\"replace\": true`: then that view takes the new query and keeps its id and name (200). The cursor is not kept.",
    responses((status = 201, description = "Saved as a new view", body = SavedView), (status = 200, description = "Replaced the caller's view of that name (`replace: true`)", body = SavedView), (status = 409, description = "A view of that name exists (`view_name_taken`)", body = Problem), (status = 422, body = Problem)))]
pub async fn save_view(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<SavedViewInput>,
) -> Response {
    let saved = match crate::pages::view_check::check(&state, &caller, lang, &body).await {
        Ok(()) => state.app.save_view(&caller, &body).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(saved) if saved.replaced => respond(Ok(saved.view), &caller, lang),
        Ok(saved) => respond_created(Ok(saved.view), &caller, lang),
        Err(error) => {
            let taken = matches!(
                error,
                ServiceError::RefusedWith {
                    code: "view_name_taken",
                    ..
                }
            );
            let mut problem = ApiError::from_service(error, lang, &caller.request_id);
            if taken {
                let message = problem.0.title.clone();
                problem.0.errors.push(FieldProblem {
                    field: "name".into(),
                    code: "view_name_taken".into(),
                    message,
                    pending: Vec::new(),
                });
            }
            problem.into_response()
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/views/{id}", tag = "views",
    responses((status = 204, description = "Deleted"), (status = 404, description = "Not the caller's view", body = Problem)))]
pub async fn delete_view(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_view(&caller, id).await, &caller, lang)
}
