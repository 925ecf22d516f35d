//! `/api/v1/options`: the choices of level, industry, source and follow-up method.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use kuijing_service::options::OptionRow;
use kuijing_service::options::{NewOption, OptionPatch};

use super::{Body, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::extract::Id;
use crate::i18n::Lang;

#[utoipa::path(get, path = "/api/v1/options", tag = "options", responses((status = 200, body = Vec<OptionRow>)))]
pub async fn list_options(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.list_options(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/options", tag = "options", request_body = NewOption,
    responses((status = 201, body = OptionRow), (status = 422, body = Problem)))]
pub async fn create_option(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<NewOption>,
) -> Response {
    respond_created(state.app.create_option(&caller, body).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/options/{id}", tag = "options", request_body = OptionPatch,
    responses((status = 200, body = OptionRow), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_option(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<OptionPatch>,
) -> Response {
    respond(
        state.app.update_option(&caller, id, body).await,
        &caller,
        lang,
    )
}
