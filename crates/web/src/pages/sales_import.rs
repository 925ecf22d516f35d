//! The import of products, opportunities, contracts and payments from their
//! list pages: the page with the import box open, and the upload; both
//! refused up front to users without the kind's import right.

use axum::Extension;
use axum::extract::{Multipart, State};
use axum::response::Response;
use kuijing_service::Caller;

use super::forms::{ImportBox, error_page, may_import};
use crate::AppState;
use crate::auth::PageUser;
use crate::i18n::Lang;
use crate::imports::ImportKind;

/// The kind's list with its import box open, ready for a file.
pub async fn show_import(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(kind): Extension<ImportKind>,
    PageUser(caller): PageUser,
) -> Response {
    if let Err(refused) = may_import(&caller, kind.kind()) {
        return error_page(refused, &caller, lang);
    }
    list_with(&state, &caller, lang, ImportBox::opened(kind)).await
}

/// A file uploaded on the kind's list page: checked only, or imported; the
/// list shows what it found.
pub async fn upload_import(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(kind): Extension<ImportKind>,
    PageUser(caller): PageUser,
    multipart: Multipart,
) -> Response {
    if let Err(refused) = may_import(&caller, kind.kind()) {
        return error_page(refused, &caller, lang);
    }
    match ImportBox::upload(&state, &caller, lang, kind, multipart).await {
        Ok(shown) => list_with(&state, &caller, lang, shown).await,
        Err(error) => error_page(error, &caller, lang),
    }
}

async fn list_with(state: &AppState, caller: &Caller, lang: Lang, shown: ImportBox) -> Response {
    match shown.kind {
        ImportKind::Product => super::products::list_with_import(state, caller, lang, shown).await,
        ImportKind::Opportunity => {
            super::opportunities::list_with_import(state, caller, lang, shown).await
        }
        ImportKind::Contract => {
            super::contracts::list_with_import(state, caller, lang, shown).await
        }
        ImportKind::Payment => super::payments::list_with_import(state, caller, lang, shown).await,
    }
}
