//! The teams of customers, leads, opportunities and contracts: one answer
//! for every kind, and the endpoints of leads, opportunities and contracts.

use axum::Extension;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_domain::{FieldError, Kind};
use kuijing_service::Caller;
use kuijing_service::ServiceError;
use kuijing_service::teams::TeamInput;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::{Body, body_error, read_value};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberParams {
    pub user_id: i64,
}

/// Adds or changes a member of a record's team: 204, or the problem.
pub(super) async fn put(
    state: &AppState,
    lang: Lang,
    caller: &Caller,
    record: (Kind, i64),
    body: Value,
) -> Response {
    let body = match team_input(body) {
        Ok(Ok(body)) => body,
        Ok(Err(rejection)) => {
            return body_error(rejection, lang, &caller.request_id).into_response();
        }
        Err(error) => {
            return ApiError::from_service(error, lang, &caller.request_id).into_response();
        }
    };
    match state.app.put_team_member(caller, record, body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

/// A member's body, its last day read as a customer's dates are
/// (`2027/03/01` too; a day that does not exist is named so, with the
/// form to write it in); an empty one is none.
fn team_input(mut body: Value) -> Result<Result<TeamInput, JsonRejection>, ServiceError> {
    if let Some(at) = body.get_mut("expires_on")
        && let Value::String(text) = at
    {
        *at = match kuijing_domain::dates::parse_date(text) {
            Ok(day) => {
                kuijing_domain::dates::in_years(day)
                    .map_err(|code| FieldError::new("expires_on", code))?;
                Value::String(day.to_string())
            }
            Err("required") => Value::Null,
            Err(code) => return Err(FieldError::new("expires_on", code).into()),
        };
    }
    Ok(read_value::<TeamInput>(body))
}

/// Removes a member of a record's team: 204, or the problem.
pub(super) async fn remove(
    state: &AppState,
    lang: Lang,
    caller: &Caller,
    record: (Kind, i64),
    user: i64,
) -> Response {
    match state.app.remove_team_member(caller, record, user).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

/// The two endpoints of one kind's teams: add or change a member, remove one.
macro_rules! team_routes {
    ($kind:expr, $path:literal, $tag:literal, $put:ident, $remove:ident) => {
        #[utoipa::path(post, path = $path, tag = $tag,
            request_body = TeamInput,
            responses((status = 204, description = "Added or changed"), (status = 422, body = Problem)))]
        pub async fn $put(
            State(state): State<AppState>,
            Extension(lang): Extension<Lang>,
            ApiUser(caller): ApiUser,
            Id(id): Id,
            Body(body): Body<Value>,
        ) -> Response {
            put(&state, lang, &caller, ($kind, id), body).await
        }

        #[utoipa::path(delete, path = $path, tag = $tag,
            params(MemberParams),
            responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
        pub async fn $remove(
            State(state): State<AppState>,
            Extension(lang): Extension<Lang>,
            ApiUser(caller): ApiUser,
            Id(id): Id,
            Params(params): Params<MemberParams>,
        ) -> Response {
            remove(&state, lang, &caller, ($kind, id), params.user_id).await
        }
    };
}

team_routes!(
    Kind::Lead,
    "/api/v1/leads/{id}/team",
    "leads",
    put_lead_member,
    remove_lead_member
);
team_routes!(
    Kind::Opportunity,
    "/api/v1/opportunities/{id}/team",
    "opportunities",
    put_opportunity_member,
    remove_opportunity_member
);
team_routes!(
    Kind::Contract,
    "/api/v1/contracts/{id}/team",
    "contracts",
    put_contract_member,
    remove_contract_member
);
