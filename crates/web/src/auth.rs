//! Who is asking: a session cookie or a bearer token becomes a `Caller`.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use kuijing_service::{Caller, ServiceError};

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::request_id::RequestId;

pub const SESSION_COOKIE: &str = "kj_session";
pub const LANG_COOKIE: &str = "kj_lang";
/// The anti-forgery secret of a browser that has not signed in yet.
pub const CSRF_COOKIE: &str = "kj_csrf";

/// The caller of the request, when it came with a valid session or token.
#[derive(Clone)]
pub struct Identity(pub Option<Caller>);

/// How the request proved who it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    None,
    Cookie,
    Bearer,
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Finds the caller and the language before any handler runs.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let headers = request.headers();
    let (secret, credential) = match bearer(headers) {
        Some(token) => (Some(token.to_string()), Credential::Bearer),
        None => match cookie_value(headers, SESSION_COOKIE) {
            Some(cookie) => (Some(cookie), Credential::Cookie),
            None => (None, Credential::None),
        },
    };
    let caller = match secret {
        Some(secret) => match state.app.authenticate(&secret, &request_id).await {
            Ok(caller) => Some(caller),
            Err(ServiceError::Unauthenticated) => None,
            Err(error) => {
                return ApiError::from_service(error, Lang::En, &request_id).into_response();
            }
        },
        None => None,
    };
    if let Some(caller) = &caller {
        tracing::Span::current().record("user.id", caller.user.id);
    }
    let lang = Lang::choose(
        caller.as_ref().and_then(|c| c.user.locale.as_deref()),
        request.headers(),
        &state.app.settings().default_locale,
    );
    let caller = caller.map(|caller| caller.in_language(lang.code()));
    let credential = if caller.is_some() {
        credential
    } else {
        Credential::None
    };
    request.extensions_mut().insert(Identity(caller));
    request.extensions_mut().insert(credential);
    request.extensions_mut().insert(lang);
    next.run(request).await
}

/// A signed-in user on a page; anyone else is sent to the sign-in page.
pub struct PageUser(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Identity>().and_then(|i| i.0.clone()) {
            Some(caller) => Ok(PageUser(caller)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = format!("/login?next={}", url_encode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A signed-in user of the API; anyone else gets 401.
pub struct ApiUser(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let (lang, request_id) = crate::request_id::answer_in(&parts.extensions);
        match parts.extensions.get::<Identity>().and_then(|i| i.0.clone()) {
            Some(caller) => Ok(ApiUser(caller)),
            None => Err(ApiError::from_service(
                ServiceError::Unauthenticated,
                lang,
                &request_id,
            )),
        }
    }
}

/// The request's language and id, for handlers that answer without a caller.
pub struct Context {
    pub lang: Lang,
    pub request_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Context {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Context {
            lang: parts.extensions.get::<Lang>().copied().unwrap_or(Lang::En),
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
        })
    }
}

pub fn session_cookie(secret: String, secure: bool, max_age_hours: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_hours(max_age_hours))
        .build()
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, ""))
        .path("/")
        .max_age(time_hours(0))
        .build()
}

fn time_hours(hours: i64) -> time::Duration {
    time::Duration::hours(hours)
}

/// Percent-encodes a path for a query parameter.
pub fn url_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
