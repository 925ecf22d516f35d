//! `/api/v1/pipelines`: the pipelines (商機組) opportunities move through.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use kuijing_service::opportunities::{Pipeline, PipelineInput};

use super::{Body, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::Id;
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/pipelines", tag = "pipelines",
    responses((status = 200, description = "The pipelines the caller may use, default first", body = Vec<Pipeline>)))]
pub async fn list_pipelines(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.pipelines(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/pipelines", tag = "pipelines", request_body = PipelineInput,
    responses((status = 201, body = Pipeline), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_pipeline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<PipelineInput>,
) -> Response {
    respond_created(
        state.app.create_pipeline(&caller, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(put, path = "/api/v1/pipelines/{id}", tag = "pipelines", request_body = PipelineInput,
    description = "Stages sent with their `id` are kept (renamed, re-rated, reordered); stages without one are added; stages left out are removed unless an opportunity stands at or passed through them (`stage_in_use`).",
    responses((status = 200, body = Pipeline), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_pipeline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<PipelineInput>,
) -> Response {
    respond(
        state.app.update_pipeline(&caller, id, body).await,
        &caller,
        lang,
    )
}
