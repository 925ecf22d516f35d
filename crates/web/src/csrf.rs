//! Cross-site request forgery: a state-changing request from a browser must
//! carry the secret of its session (or, before signing in, of its browser),
//! in the `x-csrf-token` header or a `_csrf` form field (the first field of a
//! multipart form, before its files), and must not come
//! from another origin. Bearer-token requests carry no ambient credentials
//! and are not checked.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{CSRF_COOKIE, Credential, Identity, cookie_value};
use crate::error::{ApiError, PageError};

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
    if content_type(headers).starts_with("multipart/form-data") {
        return multipart(request, next, &expected).await;
    }
    if !is_form {
        return refuse(&request);
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

/// How much of a multipart body is read to find the token: its first part.
const MULTIPART_HEAD: usize = 16 * 1024;

/// A multipart form (a file upload) carries the token in its first part, a
/// `_csrf` field placed before the files; only that much of the body is read
/// here, and the whole body goes on to the handler as it came. A token in
/// the address is not taken: addresses end up in logs and histories.
async fn multipart(request: Request, next: Next, expected: &str) -> Response {
    use futures_util::StreamExt;
    let boundary = content_type(request.headers())
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
        .next();
    let Some(boundary) = boundary else {
        return refuse(&request);
    };
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    while head.len() < MULTIPART_HEAD && first_part_end(&head, &boundary).is_none() {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return refuse(&Request::from_parts(parts, Body::empty())),
            None => break,
        }
    }
    let sent = first_part_csrf(&head, &boundary);
    let rest =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(head)) },
        )
        .chain(stream);
    let request = Request::from_parts(parts, Body::from_stream(rest));
    match sent {
        Some(sent) if equal(&sent, expected) => next.run(request).await,
        _ => refuse(&request),
    }
}

/// Where the first part of a multipart body ends (the second boundary).
fn first_part_end(body: &[u8], boundary: &str) -> Option<usize> {
    let marker = format!("--{boundary}");
    let first = find(body, marker.as_bytes())?;
    let after = first + marker.len();
    find(&body[after..], format!("\r\n--{boundary}").as_bytes()).map(|i| after + i)
}

/// The value of the first part when it is the `_csrf` field.
fn first_part_csrf(body: &[u8], boundary: &str) -> Option<String> {
    let end = first_part_end(body, boundary)?;
    let marker = format!("--{boundary}\r\n");
    let start = find(body, marker.as_bytes())? + marker.len();
    let part = std::str::from_utf8(body.get(start..end)?).ok()?;
    let (headers, value) = part.split_once("\r\n\r\n")?;
    let named = headers.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("content-disposition:")
            && line.contains("form-data")
            && line.contains("name=\"_csrf\"")
    });
    named.then(|| value.to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
    let (lang, request_id) = crate::request_id::answer_in(request.extensions());
    tracing::warn!("state-changing request without a valid csrf token refused");
    if request.uri().path().starts_with("/api/") {
        ApiError::csrf(lang, &request_id).into_response()
    } else {
        PageError::csrf(lang, &request_id).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_first_part_only() {
        let body = b"--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nsecret\r\n--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--B--\r\n";
        assert_eq!(first_part_csrf(body, "B").as_deref(), Some("secret"));
        let later = b"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nsecret\r\n--B--\r\n";
        assert_eq!(first_part_csrf(later, "B"), None);
        assert_eq!(
            first_part_csrf(
                b"--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nsec",
                "B"
            ),
            None
        );
    }
}
