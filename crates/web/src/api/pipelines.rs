//! `/api/v1/pipelines`: the pipelines (商機組) opportunities move through.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use kuijing_service::opportunities::{Pipeline, PipelineInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{Body, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::{Id, Ids};
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

#[utoipa::path(post, path = "/api/v1/pipelines/{id}/default", tag = "pipelines",
    description = "Makes an active pipeline the default one, the one new opportunities and the board use first.",
    responses((status = 200, body = Pipeline), (status = 404, body = Problem), (status = 409, description = "The pipeline is off (`pipeline_inactive`)", body = Problem)))]
pub async fn set_default_pipeline(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(
        state.app.set_default_pipeline(&caller, id).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageMove {
    /// `up` (earlier) or `down`.
    pub direction: String,
}

#[utoipa::path(post, path = "/api/v1/pipelines/{id}/stages/{stage_id}/move", tag = "pipelines",
    request_body = StageMove,
    params(("id" = i64, Path, description = "The pipeline"), ("stage_id" = i64, Path, description = "The stage")),
    description = "Moves a stage one place up or down; at either end it stays.",
    responses((status = 200, body = Pipeline), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn move_stage(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Ids(id, stage): Ids,
    Body(body): Body<StageMove>,
) -> Response {
    let result = match body.direction.as_str() {
        "up" | "down" => {
            let up = body.direction == "up";
            state
                .app
                .move_pipeline_stage(&caller, (id, stage), up)
                .await
        }
        _ => Err(kuijing_service::ServiceError::Invalid(
            kuijing_domain::FieldError::new("direction", "invalid_choice").into(),
        )),
    };
    respond(result, &caller, lang)
}
