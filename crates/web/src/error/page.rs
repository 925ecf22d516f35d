//! An error shown as a page of its own, in the user's language, with the
//! ways on from it.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kuijing_service::ServiceError;

use super::{classify, field_message, message};
use crate::i18n::Lang;

/// An error shown as a page of its own.
pub struct PageError {
    status: StatusCode,
    lang: Lang,
    title: String,
    request_id: String,
    to_sign_in: bool,
    /// The page the user came from, offered as the way back.
    back: Option<String>,
    /// Other ways on: the record the refusal is about, its list (path and
    /// words).
    links: Vec<(String, String)>,
    /// An action that puts the refusal right, posted from the page.
    action: Option<PageAction>,
}

/// A button of an error page that posts a form: where, in which words, and
/// the form's hidden fields (its `_csrf` among them).
#[derive(Debug, Clone)]
pub struct PageAction {
    pub path: String,
    pub words: String,
    pub fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    status: u16,
    title: &'a str,
    request_id: &'a str,
    back: Option<&'a str>,
    links: &'a [(String, String)],
    action: Option<&'a PageAction>,
}

impl PageError {
    pub fn from_service(error: ServiceError, lang: Lang, request_id: &str) -> Self {
        let (status, _) = classify(&error);
        if let ServiceError::Internal(detail) = &error {
            tracing::error!(request.id = request_id, error = %detail, "page failed");
        }
        let title = match &error {
            ServiceError::Invalid(errors) => errors
                .0
                .iter()
                .map(|e| field_message(e, lang))
                .collect::<Vec<_>>()
                .join(" "),
            _ => message(&error, lang),
        };
        Self {
            status,
            lang,
            title,
            request_id: request_id.to_string(),
            to_sign_in: matches!(error, ServiceError::Unauthenticated),
            back: None,
            links: Vec::new(),
            action: None,
        }
    }

    /// Offers `path` (the page the refused action came from) as the way back.
    pub fn back_to(self, path: &str) -> Self {
        Self {
            back: Some(path.to_string()),
            ..self
        }
    }

    /// Offers `path` as another way on, in `words`.
    pub fn with_link(mut self, path: &str, words: String) -> Self {
        self.links.push((path.to_string(), words));
        self
    }

    /// Offers an action that puts the refusal right (the claim of a
    /// customer waiting in the pool).
    pub fn with_action(self, action: PageAction) -> Self {
        Self {
            action: Some(action),
            ..self
        }
    }

    pub fn csrf(lang: Lang, request_id: &str) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            lang,
            title: lang.t("problems.csrf"),
            request_id: request_id.to_string(),
            to_sign_in: false,
            back: None,
            links: Vec::new(),
            action: None,
        }
    }

    pub fn not_found(lang: Lang, request_id: &str) -> Self {
        Self::from_service(ServiceError::NotFound, lang, request_id)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.to_sign_in {
            return Redirect::to("/login").into_response();
        }
        let page = ErrorPage {
            lang: self.lang,
            status: self.status.as_u16(),
            title: &self.title,
            request_id: &self.request_id,
            back: self.back.as_deref(),
            links: &self.links,
            action: self.action.as_ref(),
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, "error page failed to render");
                self.status.into_response()
            }
        }
    }
}
