//! Attachments from the record pages of customers, leads, contacts,
//! opportunities, contracts and payments: upload and delete; downloads go
//! through the API address, which the page session may use.

use axum::Extension;
use axum::extract::{MatchedPath, Multipart, State};
use axum::response::Response;
use kuijing_domain::Kind;

use super::forms::{done, error_page, error_page_back};
use crate::AppState;
use crate::auth::PageUser;
use crate::extract::Id;
use crate::i18n::Lang;

/// The kinds whose record pages carry attachments, with their list's path.
const PAGES: &[(Kind, &str)] = &[
    (Kind::Customer, "customers"),
    (Kind::Lead, "leads"),
    (Kind::Contact, "contacts"),
    (Kind::Opportunity, "opportunities"),
    (Kind::Contract, "contracts"),
    (Kind::Payment, "payments"),
];

/// The page of a record of `kind`.
pub fn record_path(kind: Kind, id: i64) -> String {
    let list = PAGES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("customers", |(_, list)| *list);
    format!("/{list}/{id}")
}

/// Upload to `/{list}/{id}/attachments`; the route says the kind.
pub async fn upload(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    matched: MatchedPath,
    Id(id): Id,
    mut multipart: Multipart,
) -> Response {
    let Some((kind, _)) = PAGES
        .iter()
        .find(|(_, list)| matched.as_str().starts_with(&format!("/{list}/")))
    else {
        return error_page(kuijing_service::ServiceError::NotFound, &caller, lang);
    };
    let (name, bytes) = match crate::api::attachments::file_part(&mut multipart).await {
        Ok(found) => found.unwrap_or_default(),
        // Only a body over the limit stops a file half-way.
        Err(_) => {
            let max = state.app.settings().attachment_max_mb;
            let error = kuijing_service::attachments::over_the_limit("file", max);
            return error_page_back(error, &caller, lang, &record_path(*kind, id));
        }
    };
    match state.app.attach(&caller, *kind, id, &name, &bytes).await {
        Ok(_) => done(&record_path(*kind, id), "attached"),
        Err(error) => error_page_back(error, &caller, lang, &record_path(*kind, id)),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_attachment(&caller, id).await {
        Ok((kind, record)) => done(&record_path(kind, record), "attachment_deleted"),
        Err(error) => error_page(error, &caller, lang),
    }
}
