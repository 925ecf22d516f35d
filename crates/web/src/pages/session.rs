//! Signing in and out in the browser, and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use kuijing_service::{ServiceError, SessionKind};
use serde::Deserialize;

use super::render;
use crate::AppState;
use crate::auth::{
    CSRF_COOKIE, Context, Identity, LANG_COOKIE, SESSION_COOKIE, removal, session_cookie,
};
use crate::error::{field_message, message};
use crate::extract::Params;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    csrf: String,
    phone: String,
    next: String,
    error: Option<String>,
    first_run: bool,
}

impl LoginPage {
    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only paths of this site are followed after signing in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn csrf_cookie(jar: CookieJar) -> (CookieJar, String) {
    if let Some(existing) = jar.get(CSRF_COOKIE) {
        let value = existing.value().to_string();
        return (jar, value);
    }
    let value =
        uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string();
    let cookie = Cookie::build((CSRF_COOKIE, value.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .build();
    (jar.add(cookie), value)
}

pub async fn show_login(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    context: Context,
    jar: CookieJar,
    Params(query): Params<NextQuery>,
) -> Response {
    if identity.0.is_some() {
        return Redirect::to(&safe_next(query.next.as_deref())).into_response();
    }
    let first_run = state.app.needs_first_admin().await.unwrap_or(false);
    let (jar, csrf) = csrf_cookie(jar);
    let page = LoginPage {
        lang: context.lang,
        csrf,
        phone: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
        first_run,
    };
    (jar, render(&page, StatusCode::OK)).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    phone: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    context: Context,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match state
        .app
        .sign_in(
            &form.phone,
            &form.password,
            SessionKind::Page,
            &context.request_id,
        )
        .await
    {
        Ok(signed) => {
            let settings = &state.app.settings().session;
            let cookie =
                session_cookie(signed.secret, settings.secure_cookies, settings.idle_hours);
            (jar.add(cookie), Redirect::to(&next)).into_response()
        }
        Err(error) => {
            let status = match &error {
                ServiceError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                ServiceError::Internal(_) => {
                    return crate::error::PageError::from_service(
                        error,
                        context.lang,
                        &context.request_id,
                    )
                    .into_response();
                }
                _ => StatusCode::UNAUTHORIZED,
            };
            let text = match &error {
                ServiceError::Invalid(errors) => errors
                    .0
                    .iter()
                    .map(|e| field_message(e, context.lang))
                    .collect::<Vec<_>>()
                    .join(" "),
                other => message(other, context.lang),
            };
            let (jar, csrf) = csrf_cookie(jar);
            let page = LoginPage {
                lang: context.lang,
                csrf,
                phone: form.phone,
                next,
                error: Some(text),
                first_run: false,
            };
            (jar, render(&page, status)).into_response()
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    jar: CookieJar,
) -> Response {
    if let Some(caller) = identity.0
        && let Err(error) = state.app.sign_out(&caller).await
    {
        tracing::warn!(%error, "sign-out failed");
    }
    (jar.add(removal(SESSION_COOKIE)), Redirect::to("/login")).into_response()
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    back: Option<String>,
}

/// The page the switch was made on, with its query, when the browser says
/// (`Referer`) and it is a page of this server; else the form's `back`.
fn page_switched_on(headers: &axum::http::HeaderMap, back: Option<&str>) -> String {
    use axum::http::{Uri, header};
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let here = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.parse::<Uri>().ok())
        .filter(|uri| match (uri.authority(), host) {
            (Some(authority), Some(host)) => authority.as_str() == host,
            (None, _) => true,
            (Some(_), None) => false,
        })
        .and_then(|uri| uri.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|path| path.as_str() != "/language");
    safe_next(here.as_deref().or(back))
}

/// Remembers the chosen language: on the user when signed in, in a cookie
/// always; then shows again the page it was chosen on.
pub async fn set_language(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    jar: CookieJar,
    headers: axum::http::HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
    let back = page_switched_on(&headers, form.back.as_deref());
    let Some(lang) = Lang::parse(&form.lang) else {
        return Redirect::to(&back).into_response();
    };
    if let Some(caller) = identity.0
        && let Err(error) = state.app.set_own_locale(&caller, lang.code()).await
    {
        tracing::warn!(%error, "saving the language failed");
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.code().to_string()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(&back)).into_response()
}
