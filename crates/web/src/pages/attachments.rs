//! Attachments from the record pages of customers, leads and contacts:
//! upload and delete; downloads go through the API address, which the page
//! session may use.

use axum::Extension;
use axum::extract::{Multipart, State};
use axum::response::Response;
use kuijing_domain::Kind;
use kuijing_service::Caller;

use super::forms::{done, error_page};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Id;
use crate::i18n::Lang;

/// The page of a record of `kind`.
pub fn record_path(kind: Kind, id: i64) -> String {
    let list = match kind {
        Kind::Lead => "leads",
        Kind::Contact => "contacts",
        Kind::Opportunity => "opportunities",
        Kind::Contract => "contracts",
        Kind::Payment => "payments",
        _ => "customers",
    };
    format!("/{list}/{id}")
}

async fn upload_to(
    state: AppState,
    (lang, caller): (Lang, Caller),
    (kind, id): (Kind, i64),
    mut multipart: Multipart,
) -> Response {
    let mut name = String::new();
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            name = field.file_name().unwrap_or_default().to_string();
            bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        }
    }
    match state.app.attach(&caller, kind, id, &name, &bytes).await {
        Ok(_) => done(&record_path(kind, id), "attached"),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: Multipart,
) -> Response {
    upload_to(state, (lang, caller), (Kind::Customer, id), multipart).await
}

pub async fn upload_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: Multipart,
) -> Response {
    upload_to(state, (lang, caller), (Kind::Lead, id), multipart).await
}

pub async fn upload_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
    multipart: Multipart,
) -> Response {
    upload_to(state, (lang, caller), (Kind::Contact, id), multipart).await
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_attachment(&caller, id).await {
        Ok((kind, record)) => done(&record_path(kind, record), "deleted"),
        Err(error) => error_page(error, &caller, lang),
    }
}
