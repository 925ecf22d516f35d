//! Attachments from the customer page: upload and delete; downloads go
//! through the API address, which the page session may use.

use axum::Extension;
use axum::extract::{Multipart, State};
use axum::response::Response;

use super::forms::{done, error_page};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Id;
use crate::i18n::Lang;

pub async fn upload(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
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
    match state
        .app
        .attach_to_customer(&caller, id, &name, &bytes)
        .await
    {
        Ok(_) => done(&format!("/customers/{id}"), "attached"),
        Err(error) => error_page(error, &caller, lang),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_attachment(&caller, id).await {
        Ok(customer) => done(&format!("/customers/{customer}"), "deleted"),
        Err(error) => error_page(error, &caller, lang),
    }
}
