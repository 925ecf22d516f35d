//! `/api/v1/roles`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_service::roles::{NewRole, RoleDetail, RolePatch, RoleView};

use super::{Body, Everything, ListParams, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/roles", tag = "roles", params(ListParams),
    responses((status = 200, description = "Every role: `{items, total, next_cursor}`", body = Vec<RoleView>)))]
pub async fn list_roles(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(params): Params<ListParams>,
) -> Response {
    respond(
        state
            .app
            .list_roles(&caller, params.q.as_deref())
            .await
            .map(Everything::new),
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", request_body = NewRole,
    responses((status = 201, body = RoleDetail), (status = 422, body = Problem)))]
pub async fn create_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<NewRole>,
) -> Response {
    respond_created(state.app.create_role(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "roles",
    responses((status = 200, body = RoleDetail), (status = 404, body = Problem)))]
pub async fn get_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_role(&caller, id).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/roles/{id}", tag = "roles", request_body = RolePatch,
    responses((status = 200, body = RoleDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<RolePatch>,
) -> Response {
    respond(
        state.app.update_role(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "roles",
    responses((status = 204, description = "Deleted"), (status = 409, body = Problem)))]
pub async fn delete_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_role(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => respond::<()>(Err(error), &caller, lang),
    }
}
