//! `/api/v1/users`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_service::ListPage;
use kuijing_service::users::{NewUser, UserDetail, UserPatch, UserQuery, UserView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{Body, ListParams, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilters {
    /// Only users of this department.
    pub department_id: Option<i64>,
    /// With `department_id`: its sub-departments too.
    #[serde(default)]
    pub with_sub_departments: bool,
    /// `active` or `disabled`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListParams, UserFilters),
    responses((status = 200, body = ListPage<UserView>)))]
pub async fn list_users(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(params): Params<ListParams>,
    Params(filters): Params<UserFilters>,
) -> Response {
    let page = match params.page(lang, &caller.request_id) {
        Ok(page) => page,
        Err(error) => return error.into_response(),
    };
    let query = UserQuery {
        search: params.q,
        department_id: filters.department_id,
        with_sub_departments: filters.with_sub_departments,
        status: filters.status,
    };
    respond(
        state.app.list_users(&caller, &query, page).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserDetail), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<NewUser>,
) -> Response {
    respond_created(state.app.create_user(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 200, body = UserDetail), (status = 404, body = Problem)))]
pub async fn get_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_user(&caller, id).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    responses((status = 200, body = UserDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_user(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<UserPatch>,
) -> Response {
    respond(
        state.app.update_user(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordReset {
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", request_body = PasswordReset,
    responses((status = 204, description = "Set; the user's sessions have ended"), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<PasswordReset>,
) -> Response {
    match state.app.reset_password(&caller, id, &body.password).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => respond::<()>(Err(error), &caller, lang),
    }
}
