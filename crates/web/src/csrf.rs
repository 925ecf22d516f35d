//! Cross-site request forgery: a state-changing request from a browser must
//! carry the secret of its session (or, before signing in, of its browser),
//! in the `x-csrf-token` header or a `_csrf` form field, and must not come
//! from another origin. Bearer-token requests carry no ambient credentials
//! and are not checked.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{CSRF_COOKIE, Credential, Identity, cookie_value};
use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::request_id::RequestId;

const FORM_LIMIT: usize = 2 * 1024 * 1024;

pub async fn protect(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let credential = request
        .extensions()
        .get::<Credential>()
        .copied()
        .unwrap_or(Credential::None);
    if credential == Credential::Bearer {
        return next.run(request).await;
    }
    let headers = request.headers();
    let is_form = content_type(headers).starts_with("application/x-www-form-urlencoded");
    let expected = match credential {
        Credential::Cookie => request
            .extensions()
            .get::<Identity>()
            .and_then(|i| i.0.as_ref())
            .map(|c| c.session.csrf_token.clone()),
        _ => cookie_value(headers, CSRF_COOKIE),
    };
    // A client with no cookies and no form is not a browser acting on
    // someone's behalf (an API client signing in, say): nothing to forge.
    let ambient = headers.contains_key(header::COOKIE) || is_form;
    if !ambient && credential == Credential::None {
        return next.run(request).await;
    }
    if !same_origin(headers) {
        return refuse(&request);
    }
    let Some(expected) = expected else {
        return refuse(&request);
    };

    if let Some(sent) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        if equal(sent, &expected) {
            return next.run(request).await;
        }
        return refuse(&request);
    }
    if !is_form {
        // A file upload (multipart) names the token in its address, since
        // its body is not read here.
        let in_query = request
            .uri()
            .query()
            .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "_csrf"))
            .map(|(_, v)| v.into_owned());
        return match in_query {
            Some(sent) if equal(&sent, &expected) => next.run(request).await,
            _ => refuse(&request),
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return refuse(&Request::from_parts(parts, Body::empty()));
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned());
    let request = Request::from_parts(parts, Body::from(bytes));
    match sent {
        Some(sent) if equal(&sent, &expected) => next.run(request).await,
        _ => refuse(&request),
    }
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// An `Origin` header, when sent, must name this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// Compares in time independent of where the texts differ.
fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn refuse(request: &Request) -> Response {
    let lang = request
        .extensions()
        .get::<Lang>()
        .copied()
        .unwrap_or(Lang::En);
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    tracing::warn!("state-changing request without a valid csrf token refused");
    if request.uri().path().starts_with("/api/") {
        ApiError::csrf(lang, &request_id).into_response()
    } else {
        PageError::csrf(lang, &request_id).into_response()
    }
}
