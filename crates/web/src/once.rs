//! Double submits: a page's form carries a one-time token (`_once`, a
//! hidden field, or in the address of a form that sends files), an API
//! request may carry an `Idempotency-Key`. The first submit claims it in the
//! database (so every instance sees it); when it created something (a page
//! redirected, the API answered 201) where it led is kept, and a second
//! submit lands there instead of creating again. A submit that created
//! nothing (a form with errors) frees the token for the corrected form.
//! An API key is claimed with a digest of the request's body: the same key
//! with the same body answers as the first did, with another body 422.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kuijing_service::once::Claim;

use crate::AppState;
use crate::auth::Identity;
use crate::error::ApiError;

const FORM_LIMIT: usize = 2 * 1024 * 1024;
/// An API answer longer than this is not kept (a create answers far less).
const ANSWER_LIMIT: usize = 1024 * 1024;
pub const HEADER: &str = "idempotency-key";
/// How many tenths of a second a repeat waits for the first submit.
const PATIENCE: u32 = 50;

/// A fresh token for a form.
pub fn token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn form_token(query: Option<&str>, body: &[u8]) -> Option<String> {
    let find = |bytes: &[u8]| {
        form_urlencoded::parse(bytes)
            .find(|(k, _)| k == "_once")
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty() && v.len() <= 100)
    };
    query
        .and_then(|q| find(q.as_bytes()))
        .or_else(|| find(body))
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(user) = request
        .extensions()
        .get::<Identity>()
        .and_then(|i| i.0.as_ref())
        .map(|c| c.user.id)
    else {
        return next.run(request).await;
    };
    let api = request.uri().path().starts_with("/api/");
    let mut digest = None;
    let (request, key) = if api {
        let key = request
            .headers()
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 200)
            .map(|k| format!("k:{user}:{}:{k}", request.uri().path()));
        match key {
            Some(key) => {
                let content_type = request
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let (lang, request_id) = crate::request_id::answer_in(request.extensions());
                let (parts, body) = request.into_parts();
                let Ok(bytes) = to_bytes(body, crate::IMPORT_LIMIT).await else {
                    let detail = "the body is larger than the API takes".to_string();
                    return ApiError::bad_body(lang, &request_id, 413, detail).into_response();
                };
                digest = Some(kuijing_service::once::body_digest(
                    content_type.as_deref(),
                    &bytes,
                ));
                (Request::from_parts(parts, Body::from(bytes)), Some(key))
            }
            None => (request, None),
        }
    } else {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        let query = request.uri().query().map(str::to_string);
        if is_form {
            let (parts, body) = request.into_parts();
            let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
                return StatusCode::PAYLOAD_TOO_LARGE.into_response();
            };
            let key = form_token(query.as_deref(), &bytes).map(|t| format!("f:{t}"));
            (Request::from_parts(parts, Body::from(bytes)), key)
        } else {
            let key = form_token(query.as_deref(), &[]).map(|t| format!("f:{t}"));
            (request, key)
        }
    };
    let Some(key) = key else {
        return next.run(request).await;
    };
    let app = &state.app;
    // A repeat sent while the first submit is still at work (a true double
    // click) waits a little for it, to land where it led.
    let mut claim = app.claim_once(user, &key, digest.as_deref()).await;
    for _ in 0..PATIENCE {
        if !matches!(claim, Ok(Claim::Pending)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        claim = app.claim_once(user, &key, digest.as_deref()).await;
    }
    match claim {
        Ok(Claim::Fresh) => {}
        Ok(Claim::OtherBody) => {
            tracing::info!(
                actor.id = user,
                "an idempotency key came again with another body"
            );
            let (lang, request_id) = crate::request_id::answer_in(request.extensions());
            return ApiError::key_reused(lang, &request_id).into_response();
        }
        Ok(Claim::Done(result)) => {
            tracing::info!(actor.id = user, "a repeated submit led where the first did");
            return replay(api, result);
        }
        Ok(Claim::Pending) => {
            // The first submit is still at work: nothing is created twice.
            return if api {
                let (lang, request_id) = crate::request_id::answer_in(request.extensions());
                let busy = kuijing_service::ServiceError::Refused {
                    code: "request_in_progress",
                };
                let mut response = ApiError::from_service(busy, lang, &request_id).into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            } else {
                let back = request
                    .headers()
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .filter(|r| !r.is_empty())
                    .unwrap_or("/")
                    .to_string();
                see_other(&back)
            };
        }
        Err(error) => {
            tracing::error!(%error, "form token could not be claimed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let response = next.run(request).await;
    let status = response.status();
    let kept = if api && status == StatusCode::CREATED {
        let (parts, body) = response.into_parts();
        let Ok(bytes) = to_bytes(body, ANSWER_LIMIT).await else {
            let _ = app.release_once(&key).await;
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let response = Response::from_parts(parts, Body::from(bytes));
        return keep(app, &key, Some(text), response).await;
    } else if !api && status.is_redirection() {
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
    } else {
        None
    };
    keep(app, &key, kept, response).await
}

async fn keep(
    app: &kuijing_service::App,
    key: &str,
    result: Option<String>,
    response: Response,
) -> Response {
    let done = match &result {
        Some(result) => app.finish_once(key, result).await,
        None => app.release_once(key).await,
    };
    if let Err(error) = done {
        tracing::error!(%error, "form token could not be kept");
    }
    response
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The answer of the first submit: the API's created record, or the page
/// the form led to.
fn replay(api: bool, result: String) -> Response {
    if api {
        let mut response = (StatusCode::CREATED, result).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    } else {
        see_other(&result)
    }
}
