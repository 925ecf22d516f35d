//! `/api/v1/leads`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_service::customers::FollowUpInput;
use kuijing_service::leads::{ConvertInput, Converted, Lead, LeadDetail, LeadInput};
use kuijing_service::{ListPage, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Body, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadParams {
    /// Name, contact, phone or e-mail.
    pub q: Option<String>,
    /// Only converted (`true`) or open (`false`) leads.
    pub converted: Option<bool>,
    pub cursor: Option<i64>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(LeadParams), responses((status = 200, body = ListPage<Lead>)))]
pub async fn list_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<LeadParams>,
) -> Response {
    let page = PageRequest {
        cursor: p.cursor,
        limit: p.limit,
    };
    respond(
        state
            .app
            .list_leads(&caller, p.q.as_deref(), p.converted, page)
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = LeadInput,
    responses((status = 201, body = LeadDetail), (status = 422, body = Problem)))]
pub async fn create_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<LeadInput>,
) -> Response {
    respond_created(state.app.create_lead(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", responses((status = 200, body = LeadDetail), (status = 404, body = Problem)))]
pub async fn get_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_lead(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/leads/{id}", tag = "leads", request_body = LeadInput,
    responses((status = 200, body = LeadDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<LeadInput>,
) -> Response {
    respond(
        state.app.update_lead(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads", responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_lead(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

#[utoipa::path(post, path = "/api/v1/leads/{id}/follow-ups", tag = "leads", request_body = FollowUpInput,
    responses((status = 201, body = kuijing_service::customers::FollowUpView), (status = 422, body = Problem)))]
pub async fn add_lead_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FollowUpInput>,
) -> Response {
    respond_created(
        state.app.add_lead_follow_up(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/leads/convert", tag = "leads", request_body = ConvertInput,
    responses((status = 200, body = Vec<Converted>), (status = 409, description = "Already converted", body = Problem)))]
pub async fn convert_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ConvertInput>,
) -> Response {
    respond(state.app.convert_leads(&caller, body).await, &caller, lang)
}
