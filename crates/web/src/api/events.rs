//! `/api/v1/events`: the caller's own schedule. Another user's event is
//! not found.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use kuijing_service::events::{EventInput, EventPatch, EventView, Schedule};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Body, respond, respond_created, respond_done};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// The start of the time range: events ending at or after this instant.
    pub from: DateTime<Utc>,
    /// The end of the time range (exclusive): events starting before this
    /// instant; at most 62 days after `from`.
    pub to: DateTime<Utc>,
}

/// Names the range's ends as what they are, the start and the end of the
/// time range shown (`to` is not whom something is handed over to).
fn name_range_fields(
    error: kuijing_service::ServiceError,
    lang: Lang,
) -> kuijing_service::ServiceError {
    match error {
        kuijing_service::ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                let key = match e.field.as_str() {
                    "from" => "insight_fix15.events.from",
                    "to" => "insight_fix15.events.to",
                    _ => continue,
                };
                if e.label.is_none() {
                    e.label = Some(lang.t(key));
                }
            }
            kuijing_service::ServiceError::Invalid(errors)
        }
        other => other,
    }
}

#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(RangeParams),
    description = "The caller's events touching the range, and the next contact times of their own customers, leads and opportunities that no event holds yet.",
    responses((status = 200, body = Schedule), (status = 422, body = Problem)))]
pub async fn list_events(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<RangeParams>,
) -> Response {
    let result = state.app.schedule(&caller, p.from, p.to).await;
    respond(
        result.map_err(|e| name_range_fields(e, lang)),
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput,
    responses((status = 201, body = EventView), (status = 422, body = Problem)))]
pub async fn create_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<EventInput>,
) -> Response {
    respond_created(state.app.create_event(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    responses((status = 200, body = EventView), (status = 404, body = Problem)))]
pub async fn get_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_event(&caller, id).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", request_body = EventPatch,
    responses((status = 200, body = EventView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<EventPatch>,
) -> Response {
    respond(
        state.app.update_event(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/events/{id}", tag = "events",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_event(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_event(&caller, id).await, &caller, lang)
}
