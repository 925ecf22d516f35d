//! Errors as the client reads them: a problem document for the API, a page
//! for the browser, both in the user's language. Internal errors are logged
//! once, here, and answered with the request id only.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kuijing_domain::FieldError;
use kuijing_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Lang;

mod field_names;
mod filter_words;
mod page;
pub mod pending;
#[cfg(test)]
mod tests;

use field_names::field_label;
pub use field_names::{field_label_in_kind, name_fields_as, name_flow_fields, name_insight_fields};
pub use page::{PageAction, PageError};
pub use pending::PendingProblem;

/// An `application/problem+json` body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable code for programs, such as `invalid` or `not_found`.
    pub code: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The record as stored now, when a save came on an old version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
    /// Each field whose stored value differs from what the save sent, when
    /// a save came on an old version (`stale`) of a customer, lead,
    /// contact, opportunity or contract.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<StaleField>>,
    /// Leads that look like existing customers, each with its matches
    /// (`duplicate_customer`), when converting leads.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<kuijing_service::lead_convert::LeadDuplicates>>)]
    pub duplicates: Option<serde_json::Value>,
    /// Technical detail, in English, for the developer of a client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub request_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
    /// The payments not yet approved that a refused amount counted
    /// (`exceeds_outstanding`: the contract's; `exceeds_instalment`: the
    /// instalment's), each named in `message` too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingProblem>,
}

/// A field a save on an old version would overwrite: the value stored
/// now (`theirs`, saved meanwhile) beside the value sent (`yours`).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaleField {
    /// The field's key as the body names it (`custom.<key>` for a custom
    /// field).
    pub field: String,
    /// The field's name in the caller's language.
    pub label: String,
    #[schema(value_type = Object)]
    pub theirs: serde_json::Value,
    #[schema(value_type = Object)]
    pub yours: serde_json::Value,
}

pub struct ApiError(pub Box<Problem>);

/// The status, code and message key of a service error.
pub(crate) fn classify(error: &ServiceError) -> (StatusCode, &'static str) {
    match error {
        ServiceError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        ServiceError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
        ServiceError::Disabled => (StatusCode::FORBIDDEN, "account_disabled"),
        ServiceError::Throttled { locked: true, .. } => {
            (StatusCode::TOO_MANY_REQUESTS, "sign_in_locked")
        }
        ServiceError::Throttled { locked: false, .. } => {
            (StatusCode::TOO_MANY_REQUESTS, "sign_in_slowed")
        }
        ServiceError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        ServiceError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ServiceError::Stale { .. } | ServiceError::Changed { .. } => {
            (StatusCode::CONFLICT, "stale")
        }
        // A record seen but not the caller's to change is forbidden to them.
        ServiceError::Refused {
            code: code @ ("opportunity_read_only" | "record_read_only"),
        } => (StatusCode::FORBIDDEN, code),
        ServiceError::Refused { code } | ServiceError::RefusedWith { code, .. } => {
            (StatusCode::CONFLICT, code)
        }
        ServiceError::Duplicates(_) => (StatusCode::CONFLICT, "duplicate_customer"),
        ServiceError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// The message of a service error, with waits filled in.
pub fn message(error: &ServiceError, lang: Lang) -> String {
    let (_, code) = classify(error);
    let text = coded(lang, "problems", code);
    match error {
        ServiceError::Throttled { retry_after, .. } => {
            let minutes = (retry_after + 59) / 60;
            text.replace("%{seconds}", &retry_after.to_string())
                .replace("%{minutes}", &minutes.to_string())
        }
        ServiceError::Duplicates(found) => {
            let leads: Vec<String> = found
                .iter()
                .map(|lead| duplicate_line(lead, lang))
                .collect();
            format!("{text} {}", leads.join(" "))
        }
        ServiceError::RefusedWith { params, .. } => {
            params.iter().fold(text, |text, (name, value)| {
                text.replace(&format!("%{{{name}}}"), &param_text(lang, name, value))
            })
        }
        _ => text,
    }
}

/// One lead of a refused conversion in words: its name, its matches (one
/// outside the caller's view said to exist, neither named nor numbered)
/// and why linking could not take it.
fn duplicate_line(lead: &kuijing_service::lead_convert::LeadDuplicates, lang: Lang) -> String {
    let matches: Vec<String> = lead
        .matches
        .iter()
        .map(|m| match (&m.name, m.id) {
            (Some(name), Some(id)) => format!("{name} (#{id})"),
            _ => lang.t("list_fix.hidden_customer"),
        })
        .collect();
    let reason = match lead.reason {
        Some(reason) => format!(
            " {}",
            lang.t(&format!("lifecycle_fix.link_refused.{reason}"))
        ),
        None => String::new(),
    };
    lang.t("lifecycle_fix.dup_lead")
        .replace(
            "%{lead}",
            &format!("{} (#{})", lead.lead_name, lead.lead_id),
        )
        .replace("%{matches}", &matches.join(", "))
        + &reason
}

/// The message of one invalid field, naming the field.
pub fn field_message(error: &FieldError, lang: Lang) -> String {
    field_message_in(error, None, lang)
}

/// As [`field_message`], with the kind of record the form is about, so a
/// field is named as that kind calls it (a payment's `method_id` is its
/// payment method, a follow-up's the way of contact).
pub fn field_message_in(error: &FieldError, kind: Option<&str>, lang: Lang) -> String {
    if let Some(text) = filter_words::gone_custom_field(error, lang, false) {
        return text;
    }
    let listed = error.params.iter().any(|(name, _)| *name == "choices");
    let code = worded_code(error.code, listed);
    let label = error
        .label
        .clone()
        .or_else(|| filter_words::condition_field(error, lang));
    let text = match label {
        Some(label) => error_text(&error.field, code, lang).replace("%{field}", &label),
        None => message_in(&error.field, code, kind, lang),
    };
    error.params.iter().fold(text, |text, (name, value)| {
        text.replace(&format!("%{{{name}}}"), &param_text(lang, name, value))
    })
}

/// A value a message names: a code with words of its own
/// (`params.<name>.<value>`, such as what an administrator must set up for
/// a flow step that found no approver) in the user's language, anything
/// else (a count, an amount, a name) as it is.
fn param_text(lang: Lang, name: &str, value: &str) -> String {
    match name {
        "operators" => return filter_words::operators(lang, value),
        "op" => return filter_words::operator(lang, value),
        // Fields a program names by key and a person by label: both.
        "date_fields" => {
            return value
                .split(", ")
                .map(|key| match lookup(lang, &format!("fields.{key}")) {
                    Some(label) => format!("{label} ({key})"),
                    None => key.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
        }
        _ => {}
    }
    let key = format!("{name}.{value}");
    let text = coded(lang, "params", &key);
    if text == format!("params.{key}") {
        value.to_string()
    } else {
        text
    }
}

/// The code whose words a message takes: a refused choice that comes with
/// the choices (a `choices` value) reads as `not_one_of`, listing them.
pub fn worded_code(code: &str, listed: bool) -> &str {
    if code == "invalid_choice" && listed {
        "not_one_of"
    } else {
        code
    }
}

/// The message of a code about a field a person knows by `label` (a
/// custom field's).
pub fn labelled_message(field: &str, code: &str, label: &str, lang: Lang) -> String {
    error_text(field, code, lang).replace("%{field}", label)
}

/// The message of a code about a field, naming the field.
pub fn message_for(field: &str, code: &str, lang: Lang) -> String {
    message_in(field, code, None, lang)
}

/// A field's message as records of `kind` name the field.
pub fn message_in_kind(field: &str, code: &str, kind: &str, lang: Lang) -> String {
    message_in(field, code, Some(kind), lang)
}

fn message_in(field: &str, code: &str, kind: Option<&str>, lang: Lang) -> String {
    error_text(field, code, lang).replace("%{field}", &field_label(field, kind, lang))
}

/// A translation, or `None` where the locales have no such key.
fn lookup(lang: Lang, key: &str) -> Option<String> {
    let text = lang.t(key);
    (text != key).then_some(text)
}

/// Sections of the locales that word codes of `errors` and `problems`
/// (`<section>.<group>.<code>`): the customer fixes word some general codes
/// more precisely (with their limits) and come first; the others add codes
/// of their own, looked up after the general ones.
const OVERRIDING_SECTIONS: &[&str] = &["life3", "builder_words"];
const ADDING_SECTIONS: &[&str] = &[
    "sales2",
    "insight3",
    "sales3",
    "life4",
    "sales5",
    "sales6",
    "insight7",
    "life_close",
    "sales8",
    "api_keep",
    "builder_fix",
    "lifecycle_fix",
    "targets2_fix",
    "life_fix2",
    "approvals_fix2",
    "salesdata_fix",
    "charts_fix",
    "imports_fix",
    "insight_fix3",
    "sales4_fix",
    "api_params",
    "flow_fix",
    "target_fix",
    "sort_fix",
    "list_fix",
    "catalog_fix",
    "life_fix3",
    "approvals_fix3",
    "salesio_fix",
    "targets_fix2",
    "builder_fix2",
    "records_fix2",
    "sales_fix9",
    "life_fix9",
    "insight_fix9",
    "imports_fix11",
    "life_fix10",
    "sales_fix10",
    "sales_fix11",
    "records_fix11",
    "sales_fix11",
    "insight_fix10",
    "insight_fix11",
    "records_gaps",
    "targets_fix12",
    "import_gaps",
    "review_fix13",
    "insight_fix13",
    "sales_gaps",
    "import_msgs",
    "target_input",
    "insight_fix15",
    "sales_fix15",
    "life_fix15",
    "imports_fix16",
    "records_fix16",
    "insight_fix16",
    "sales17",
    "records17",
    "fix17_insight17b",
    "records_fix17",
    "sales17b",
    "lead17",
];

/// The message of a code in a group (`errors`, `problems`); the key itself
/// where no section has it.
fn coded(lang: Lang, group: &str, code: &str) -> String {
    let key = format!("{group}.{code}");
    let in_section = |sections: &[&str]| {
        sections
            .iter()
            .find_map(|section| lookup(lang, &format!("{section}.{key}")))
    };
    in_section(OVERRIDING_SECTIONS)
        .or_else(|| lookup(lang, &key))
        .or_else(|| in_section(ADDING_SECTIONS))
        .unwrap_or(key)
}

/// The message of a code; a field may have a message of its own for a code
/// (`errors.by_field.<field>.<code>`), where the general one would mislead.
fn error_text(field: &str, code: &str, lang: Lang) -> String {
    let last = field
        .rsplit('.')
        .find(|part| part.parse::<usize>().is_err())
        .unwrap_or(field);
    let by_field = format!("by_field.{last}.{code}");
    let text = coded(lang, "errors", &by_field);
    if text == format!("errors.{by_field}") {
        coded(lang, "errors", code)
    } else {
        text
    }
}

impl ApiError {
    pub fn from_service(error: ServiceError, lang: Lang, request_id: &str) -> Self {
        Self::from_service_in(error, None, lang, request_id)
    }

    /// As [`ApiError::from_service`], naming fields as records of `kind` call them.
    pub fn from_service_in(
        error: ServiceError,
        kind: Option<&str>,
        lang: Lang,
        request_id: &str,
    ) -> Self {
        let (status, code) = classify(&error);
        if let ServiceError::Internal(detail) = &error {
            tracing::error!(request.id = request_id, error = %detail, "request failed");
        }
        let errors = match &error {
            ServiceError::Invalid(errors) => errors
                .0
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    code: e.code.to_string(),
                    message: pending::message_naming_pending(e, kind, lang)
                        .or_else(|| filter_words::gone_custom_field(e, lang, true))
                        .unwrap_or_else(|| {
                            filter_words::with_keys(field_message_in(e, kind, lang), e, lang)
                        }),
                    pending: pending::pending_problems(e, lang),
                })
                .collect(),
            _ => Vec::new(),
        };
        ApiError(Box::new(Problem {
            code: code.to_string(),
            title: message(&error, lang),
            status: status.as_u16(),
            errors,
            retry_after: match error {
                ServiceError::Throttled { retry_after, .. } => Some(retry_after),
                _ => None,
            },
            version: match &error {
                ServiceError::Stale { version } | ServiceError::Changed { version, .. } => {
                    Some(*version)
                }
                _ => None,
            },
            duplicates: match &error {
                ServiceError::Duplicates(leads) => serde_json::to_value(leads).ok(),
                _ => None,
            },
            current: match error {
                ServiceError::Changed { current, .. } => Some(*current),
                _ => None,
            },
            changes: None,
            detail: None,
            request_id: request_id.to_string(),
        }))
    }

    pub fn csrf(lang: Lang, request_id: &str) -> Self {
        ApiError(Box::new(Problem {
            code: "csrf".into(),
            title: lang.t("problems.csrf"),
            status: 403,
            errors: Vec::new(),
            retry_after: None,
            version: None,
            current: None,
            changes: None,
            duplicates: None,
            detail: None,
            request_id: request_id.to_string(),
        }))
    }

    /// An `Idempotency-Key` the user sent before with another body: 422,
    /// naming the header and what to do.
    pub fn key_reused(lang: Lang, request_id: &str) -> Self {
        let code = "idempotency_key_reused";
        ApiError(Box::new(Problem {
            code: code.into(),
            title: coded(lang, "problems", code),
            status: 422,
            errors: vec![FieldProblem {
                field: "Idempotency-Key".into(),
                code: code.into(),
                message: coded(lang, "errors", code),
                pending: Vec::new(),
            }],
            retry_after: None,
            version: None,
            current: None,
            changes: None,
            duplicates: None,
            detail: None,
            request_id: request_id.to_string(),
        }))
    }

    /// A body that is not the JSON the route expects; the parser's words go
    /// in `detail`, the title stays in the user's language.
    pub fn bad_body(lang: Lang, request_id: &str, status: u16, detail: String) -> Self {
        let code = if status == 413 {
            "too_large"
        } else {
            "bad_body"
        };
        // A body over the limit is named with the limit.
        let limit = format!("{} MB", crate::IMPORT_LIMIT / (1024 * 1024));
        ApiError(Box::new(Problem {
            code: code.into(),
            title: coded(lang, "problems", code).replace("%{max}", &limit),
            status,
            errors: Vec::new(),
            retry_after: None,
            version: None,
            current: None,
            changes: None,
            duplicates: None,
            detail: Some(detail),
            request_id: request_id.to_string(),
        }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.0.retry_after;
        let body = serde_json::to_vec(&*self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
        {
            headers.insert(header::RETRY_AFTER, seconds);
        }
        response
    }
}

/// Whether the request is a browser's (it accepts a page): an address a
/// person opened answers its errors as a page rather than as the API's JSON.
pub fn wants_page(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// An API error, or the error page when a browser opened the address.
pub fn error_answer(
    error: ServiceError,
    lang: Lang,
    request_id: &str,
    headers: &axum::http::HeaderMap,
) -> Response {
    if wants_page(headers) {
        PageError::from_service(error, lang, request_id).into_response()
    } else {
        ApiError::from_service(error, lang, request_id).into_response()
    }
}
