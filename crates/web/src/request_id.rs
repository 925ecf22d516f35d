//! One id per request, in the response header, the log span and the change log.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The language a refusal is told in and the id of its request, from a
/// request's extensions (English and no id before they are set).
pub fn answer_in(extensions: &axum::http::Extensions) -> (crate::i18n::Lang, String) {
    let lang = extensions
        .get::<crate::i18n::Lang>()
        .copied()
        .unwrap_or(crate::i18n::Lang::En);
    let request_id = extensions
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    (lang, request_id)
}

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        // An unmatched path is not logged: it may carry a name or a phone.
        .unwrap_or_else(|| "(unmatched)".to_string());
    let span = tracing::info_span!(
        "http.request",
        method = %request.method(),
        route = %route,
        request.id = %id,
        user.id = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            duration_ms = started.elapsed().as_millis() as u64,
            "request"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
