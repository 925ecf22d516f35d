//! The web layer: the JSON API under `/api/v1` and the HTML pages, both over
//! the same services, with sessions, bearer tokens and CSRF protection.

rust_i18n::i18n!("locales", fallback = "en");

mod api;
mod auth;
mod charts;
mod csrf;
mod error;
mod extract;
mod field_labels;
mod i18n;
mod import_request;
mod imports;
mod once;
mod pages;
mod query_params;
mod request_id;

use axum::routing::get;
use axum::{Router, middleware};
use kuijing_service::App;

pub use api::openapi_document;
pub use i18n::Lang;

/// The largest body the API takes: a spreadsheet being imported.
const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

/// What every handler gets: the use cases.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
}

/// The whole application: pages, API, OpenAPI document and health check.
pub fn router(app: App) -> Router {
    // A page's form carries a spreadsheet being imported or a file being
    // attached: the body may be as large as either, and a little more for
    // the form around it, so the service sees the file and names its limit.
    let attachment = usize::try_from(app.settings().attachment_max_mb)
        .unwrap_or(usize::MAX / 2)
        .saturating_mul(1024 * 1024);
    let page_limit = IMPORT_LIMIT.max(attachment.saturating_add(1024 * 1024));
    let state = AppState { app };
    let (api, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router().layer(axum::extract::DefaultBodyLimit::max(page_limit)))
        .merge(api.layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)))
        .route("/api/openapi.json", get(api::serve_openapi))
        .route("/healthz", get(healthz))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), once::guard))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::identify,
        ))
        .layer(middleware::from_fn(query_params::without_controls))
        .layer(middleware::from_fn(request_id::assign))
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::http::StatusCode {
    match state.app.health().await {
        Ok(()) => axum::http::StatusCode::OK,
        Err(error) => {
            tracing::error!(%error, "health check failed");
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
