//! `/api/v1/departments`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_service::departments::{
    DepartmentDetail, DepartmentPatch, DepartmentView, NewDepartment,
};

use super::{Body, Everything, ListParams, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/departments", tag = "departments", params(ListParams),
    responses((status = 200, description = "Every department in scope, in display order: `{items, total, next_cursor}`", body = Vec<DepartmentView>)))]
pub async fn list_departments(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(params): Params<ListParams>,
) -> Response {
    let result = state
        .app
        .list_departments(&caller, params.q.as_deref())
        .await
        .map(Everything::new);
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = NewDepartment,
    responses((status = 201, body = DepartmentDetail), (status = 422, body = Problem)))]
pub async fn create_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<NewDepartment>,
) -> Response {
    respond_created(
        state.app.create_department(&caller, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "departments",
    responses((status = 200, body = DepartmentDetail), (status = 404, body = Problem)))]
pub async fn get_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_department(&caller, id).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/departments/{id}", tag = "departments", request_body = DepartmentPatch,
    responses((status = 200, body = DepartmentDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<DepartmentPatch>,
) -> Response {
    respond(
        state.app.update_department(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "departments",
    responses((status = 204, description = "Deleted"), (status = 409, description = "It has users or sub-departments", body = Problem)))]
pub async fn delete_department(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_department(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => respond::<()>(Err(error), &caller, lang),
    }
}
