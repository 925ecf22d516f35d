//! `/api/v1/contacts`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_service::contacts::Contact;
use kuijing_service::contacts::{ContactDetail, ContactInput};
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
pub struct ContactParams {
    /// Name, phone or e-mail.
    pub q: Option<String>,
    /// Only the contacts of this customer.
    pub customer_id: Option<i64>,
    /// With `to`: only records of these days (both included; created,
    /// approved or received, as the dashboard's figure counts them).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only records of these owners, comma-separated ids.
    pub owner_ids: Option<String>,
    pub cursor: Option<i64>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactParams),
    responses((status = 200, body = ListPage<Contact>)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ContactParams>,
) -> Response {
    let page = PageRequest {
        cursor: p.cursor,
        limit: p.limit,
    };
    respond(
        state
            .app
            .list_contacts(
                &caller,
                (p.q.as_deref(), p.customer_id),
                &super::dashboard::drill_of(p.from, p.to, p.owner_ids.as_deref()),
                page,
            )
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = ContactDetail), (status = 422, body = Problem)))]
pub async fn create_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ContactInput>,
) -> Response {
    respond_created(state.app.create_contact(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts",
    responses((status = 200, body = ContactDetail), (status = 404, body = Problem)))]
pub async fn get_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.get_contact(&caller, id).await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "contacts", request_body = ContactInput,
    responses((status = 200, body = ContactDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<ContactInput>,
) -> Response {
    respond(
        state.app.update_contact(&caller, id, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_contact(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}
