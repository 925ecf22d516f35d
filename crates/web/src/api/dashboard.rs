//! `/api/v1/dashboard` and `/api/v1/targets`: the dashboard's figures in the
//! caller's scope, and the targets they are measured against.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use kuijing_service::dashboard::{Dashboard, DashboardQuery, TargetInput};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Body, respond, respond_done};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{Problem, name_insight_fields};
use crate::extract::Params;
use crate::i18n::Lang;
use kuijing_domain::FieldErrors;
use kuijing_service::ServiceError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// `today`, `yesterday`, `this_week`, `last_week`, `this_month` (the
    /// default), `last_month`, `this_quarter`, `last_quarter`, `this_year`,
    /// `last_year` or `custom`.
    pub period: Option<String>,
    /// With `custom`: the first day, `YYYY-MM-DD`.
    #[param(value_type = Option<NaiveDate>)]
    pub from: Option<String>,
    /// With `custom`: the last day (included), `YYYY-MM-DD`; at most ten
    /// years after `from`.
    #[param(value_type = Option<NaiveDate>)]
    pub to: Option<String>,
    /// `company` (the default), `department` or `users`.
    pub scope: Option<String>,
    pub department_id: Option<i64>,
    /// Whether a department's sub-departments count (default true).
    pub with_children: Option<bool>,
    /// With `users`: the people, comma-separated ids.
    pub user_ids: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", params(DashboardParams),
    description = "Every figure is computed in the database, in the caller's data scope and the company's time zone; amounts are in minor units per currency.",
    responses((status = 200, body = Dashboard), (status = 422, body = Problem)))]
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<DashboardParams>,
) -> Response {
    let result = match p.query() {
        Ok(query) => state.app.dashboard(&caller, &query).await,
        Err(error) => Err(error),
    };
    respond(
        result.map_err(|e| name_insight_fields(e, lang)),
        &caller,
        lang,
    )
}

impl DashboardParams {
    /// Whose data and which period, as the service takes them (the
    /// dashboard's and the reports' alike).
    /// A day that is not a date, or an id that is not a number, is a field
    /// error naming it.
    pub(super) fn query(self) -> Result<DashboardQuery, ServiceError> {
        let mut errors = FieldErrors::new();
        let from = errors.take("from", day_of(self.from.as_deref())).flatten();
        let to = errors.take("to", day_of(self.to.as_deref())).flatten();
        let mut user_ids = Vec::new();
        for id in self.user_ids.as_deref().unwrap_or_default().split(',') {
            match id.trim() {
                "" => {}
                id => match id.parse() {
                    Ok(id) => user_ids.push(id),
                    Err(_) => {
                        errors.add("user_ids", "invalid_value");
                        break;
                    }
                },
            }
        }
        // Reported by the service with every other refusal of the query.
        Ok(DashboardQuery {
            unread: errors.0,
            period: self.period,
            from,
            to,
            scope: self.scope,
            department_id: self.department_id,
            with_children: self.with_children,
            user_ids,
        })
    }
}

/// A day as typed: blank is none; anything but a date that exists is an error.
pub(crate) fn day_of(text: Option<&str>) -> Result<Option<NaiveDate>, &'static str> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => kuijing_domain::dates::iso_day(text)
            .map(Some)
            .ok_or("date_invalid"),
    }
}

#[utoipa::path(post, path = "/api/v1/targets", tag = "dashboard", request_body = TargetInput,
    description = "Sets the company's (no department or user), a department's or a user's target for a year (month 0) or a month; a second target for the same holder, month and measure replaces the first. Send the `version` the target was read at (0 for none) to have a save over a target someone else saved meanwhile refused.",
    responses((status = 201, description = "The target as saved, with its id and version", body = kuijing_service::dashboard::Target), (status = 403, body = Problem), (status = 409, description = "Saved by someone else since `version`: `current` is the target as it is now (no amount when deleted)", body = Problem), (status = 422, body = Problem)))]
pub async fn set_target(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<TargetInput>,
) -> Response {
    let result = state.app.set_target(&caller, &body).await;
    super::respond_created(
        result.map_err(|e| name_insight_fields(e, lang)),
        &caller,
        lang,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetParams {
    /// The year (the current one when left out).
    pub year: Option<i64>,
    /// A department's targets; with neither this nor `user_id`, the
    /// company's.
    pub department_id: Option<i64>,
    /// A user's targets.
    pub user_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/targets", tag = "dashboard", params(TargetParams),
    description = "The targets of the company (no department or user), a department or a user for a year: month 0 is the whole year.",
    responses((status = 200, body = Vec<kuijing_service::dashboard::Target>), (status = 403, body = Problem)))]
pub async fn list_targets(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<TargetParams>,
) -> Response {
    let year = p.year.unwrap_or_else(|| {
        let today = state.app.now().with_timezone(&state.app.time_zone());
        chrono::Datelike::year(&today.date_naive()).into()
    });
    let result = state
        .app
        .targets_of(&caller, year, (p.department_id, p.user_id))
        .await;
    respond(result, &caller, lang)
}

#[utoipa::path(delete, path = "/api/v1/targets/{id}", tag = "dashboard",
    params(("id" = i64, Path)),
    description = "Deletes one target; the dashboard and the target report no longer measure against it.",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_target(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    crate::extract::Id(id): crate::extract::Id,
) -> Response {
    respond_done(state.app.delete_target(&caller, id).await, &caller, lang)
}

/// The records behind a dashboard figure, as the lists' parameters give
/// them: `from` and `to` (days, both included) and `owner_ids`
/// (comma-separated; one that is not a number names nobody).
pub(super) fn drill_of(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    owner_ids: Option<&str>,
) -> kuijing_service::dashboard::Drill {
    kuijing_service::dashboard::Drill {
        from,
        to,
        closed: false,
        owner_ids: owner_ids
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| id.parse().unwrap_or(-1))
            .collect(),
        currency: None,
    }
}
