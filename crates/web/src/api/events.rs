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
    /// The start of the time range: events ending at or after this instant
    /// (RFC 3339, `2026-03-01T00:00:00+08:00`).
    #[param(value_type = DateTime<Utc>, required = true)]
    pub from: Option<String>,
    /// The end of the time range (exclusive): events starting before this
    /// instant; at most 62 days after `from`.
    #[param(value_type = DateTime<Utc>, required = true)]
    pub to: Option<String>,
}

impl RangeParams {
    /// Both ends read as instants; each one missing or not an instant is
    /// named, all in one answer.
    fn range(
        &self,
        lang: Lang,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>), kuijing_service::ServiceError> {
        let mut errors = kuijing_domain::FieldErrors::new();
        let mut read = |field: &str, text: Option<&str>| {
            let refused = match text.map(str::trim).filter(|t| !t.is_empty()) {
                None => kuijing_domain::FieldError::new(field, "schedule_time_required")
                    .with("param", field),
                Some(text) => match DateTime::parse_from_rfc3339(text) {
                    Ok(at) => return Some(at.with_timezone(&Utc)),
                    // As every query parameter that does not read.
                    Err(_) => kuijing_domain::FieldError::new(field, "parameter_unreadable")
                        .labelled(field)
                        .with("value", text)
                        .with("expected", lang.t("life_fix3.params.expected.date_time")),
                },
            };
            errors.push(refused);
            None
        };
        let from = read("from", self.from.as_deref());
        let to = read("to", self.to.as_deref());
        match (from, to) {
            (Some(from), Some(to)) => Ok((from, to)),
            _ => Err(kuijing_service::ServiceError::Invalid(errors)),
        }
    }
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
    let result = match p.range(lang) {
        Ok((from, to)) => state.app.schedule(&caller, from, to).await,
        Err(error) => Err(error),
    };
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
