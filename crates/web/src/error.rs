//! Errors as the client reads them: a problem document for the API, a page
//! for the browser, both in the user's language. Internal errors are logged
//! once, here, and answered with the request id only.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kuijing_domain::FieldError;
use kuijing_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Lang;

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
    let text = match &error.label {
        Some(label) => error_text(&error.field, error.code, lang).replace("%{field}", label),
        None => message_in(&error.field, error.code, kind, lang),
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
    let key = format!("{name}.{value}");
    let text = coded(lang, "params", &key);
    if text == format!("params.{key}") {
        value.to_string()
    } else {
        text
    }
}

/// Names each invalid field as records of `kind` call it (a payment's
/// `method_id` is its payment method, not a follow-up's way of contact),
/// for the pages, whose messages are made without the kind.
pub fn name_fields_as(error: ServiceError, kind: &str, lang: Lang) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                if e.label.is_none() {
                    e.label = Some(field_label(&e.field, Some(kind), lang));
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// Names the fields of an approval flow as its editor shows them (see
/// [`flow_field_label`]), each step by its place and the name given in
/// `steps`.
pub fn name_flow_fields(error: ServiceError, steps: &[String], lang: Lang) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                if e.label.is_none() {
                    e.label = flow_field_label(&e.field, steps, lang);
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// How the flow editor names a field of a flow: the person for steps
/// without an approver, a step by its place (and name, when known), and
/// what of the step a problem is about (its levels up, its approvers, a
/// condition). `None` for fields that are not a flow's.
fn flow_field_label(field: &str, steps: &[String], lang: Lang) -> Option<String> {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["fallback"] | ["definition", "when_no_approver", ..] => Some(lang.t("flows.fallback")),
        ["definition", "resubmit"] => Some(lang.t("flows.resubmit")),
        ["definition", "steps", n, rest @ ..] => {
            let n = n.parse::<usize>().ok()?;
            let place = (n + 1).to_string();
            let step = match steps.get(n).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                Some(name) => lang
                    .t("sales_fix10.flow.step_named")
                    .replace("%{n}", &place)
                    .replace("%{name}", name),
                None => lang.t("flows.step_n").replace("%{n}", &place),
            };
            let part = match rest {
                [] => None,
                [.., "levels"] => Some(lang.t("flows.levels")),
                ["approvers", ..] => Some(lang.t("flows.approvers")),
                ["name"] => Some(lang.t("flows.step")),
                ["mode", ..] => Some(lang.t("flows.mode")),
                ["condition" | "conditions", m, ..] => m.parse::<usize>().ok().map(|m| {
                    lang.t("sales_fix10.flow.condition_n")
                        .replace("%{n}", &(m + 1).to_string())
                }),
                _ => None,
            };
            Some(match part {
                Some(part) => format!("{step} · {part}"),
                None => step,
            })
        }
        _ => None,
    }
}

/// The message of a code about a field a person knows by `label` (a
/// custom field's).
pub fn labelled_message(field: &str, code: &str, label: &str, lang: Lang) -> String {
    error_text(field, code, lang).replace("%{field}", label)
}

/// Names the fields of "whose data and which period" as the dashboard's and
/// the reports' pickers show them (`to` is the period's last day there, not
/// whom a record is handed over to), so the API, the pages and the exports
/// all say "To" and "People"; a target's year and month likewise.
pub fn name_insight_fields(error: ServiceError, lang: Lang) -> ServiceError {
    match error {
        ServiceError::Invalid(mut errors) => {
            for e in &mut errors.0 {
                let key = match e.field.as_str() {
                    "period" => "dashboard.period",
                    "from" => "dashboard.from",
                    "to" => "dashboard.to",
                    "scope" => "dashboard.whose",
                    "department_id" => "dashboard.department",
                    "user_id" | "user_ids" => "dashboard.people",
                    "year" => "targets.year",
                    "month" => "dashboard.month",
                    _ => continue,
                };
                if e.label.is_none() {
                    e.label = Some(lang.t(key));
                }
            }
            ServiceError::Invalid(errors)
        }
        other => other,
    }
}

/// The message of a code about a field, naming the field.
pub fn message_for(field: &str, code: &str, lang: Lang) -> String {
    message_in(field, code, None, lang)
}

/// A field's message as records of `kind` name the field.
pub fn message_in_kind(field: &str, code: &str, kind: &str, lang: Lang) -> String {
    message_in(field, code, Some(kind), lang)
}

/// How records of `kind` name a field.
pub fn field_label_in_kind(field: &str, kind: &str, lang: Lang) -> String {
    field_label(field, Some(kind), lang)
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
const OVERRIDING_SECTIONS: &[&str] = &["life3"];
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
    "target_input",
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

/// How a person knows a field. A path into a list names the item by its
/// place: `lines.0.price` is the price of the first product line.
fn field_label(field: &str, kind: Option<&str>, lang: Lang) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        // A data scope is named by its module, as the role editor shows it.
        ["scopes", kind] => {
            let name = lookup(lang, &format!("kinds.{kind}")).unwrap_or_else(|| kind.to_string());
            return format!("{}: {name}", lang.t("fields.scopes"));
        }
        ["custom", rest @ ..] if !rest.is_empty() => return rest.join("."),
        _ => {}
    }
    if let Some(label) = flow_field_label(field, &[], lang) {
        return label;
    }
    let mut label = field_name(parts[0], kind, lang);
    let mut index = 1;
    while index < parts.len() {
        let part = parts[index];
        match part.parse::<usize>() {
            Ok(position) => {
                let place = (position + 1).to_string();
                let inner = parts.get(index + 1).filter(|p| p.parse::<usize>().is_err());
                label = match inner {
                    Some(inner) => {
                        index += 1;
                        lang.t("fields.nth_field")
                            .replace("%{list}", &label)
                            .replace("%{n}", &place)
                            .replace("%{field}", &field_name(inner, kind, lang))
                    }
                    None => lang
                        .t("fields.nth")
                        .replace("%{list}", &label)
                        .replace("%{n}", &place),
                };
            }
            Err(_) => label = format!("{label} {}", field_name(part, kind, lang)),
        }
        index += 1;
    }
    label
}

/// One field's name: as the kind calls it, else as every form does; a
/// field the locales do not know (sent by a client) is named as sent.
fn field_name(field: &str, kind: Option<&str>, lang: Lang) -> String {
    kind.and_then(|kind| lookup(lang, &format!("fields.{kind}.{field}")))
        .or_else(|| lookup(lang, &format!("fields.{field}")))
        .unwrap_or_else(|| field.to_string())
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
                    message: field_message_in(e, kind, lang),
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

    pub fn csrf(lang: Lang, request_id: &str) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            lang,
            title: lang.t("problems.csrf"),
            request_id: request_id.to_string(),
            to_sign_in: false,
            back: None,
            links: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes the sales services answer with, as field errors.
    const FIELD_CODES: &[&str] = &[
        "kind_reserved",
        "kind_taken",
        "kind_inactive",
        "too_many_fields",
        "too_many_views",
        "key_invalid",
        "key_taken",
        "taken",
        "not_positive",
        "negative",
        "too_many_decimals",
        "invalid_number",
        "too_large",
        "above_hundred",
        "unknown_stage",
        "closed",
        "already_open",
        "unchanged",
        "ends_before_start",
        "exceeds_outstanding",
        "exceeds_instalment",
        "plans_exceed_amount",
        "contract_not_approved",
        "default_pipeline",
        "invalid_cursor",
        "parent_cycle",
        "fixed",
        "invalid_kind",
        "out_of_range",
        "hand_over_to_self",
        "hand_over_to_submitter",
        "already_a_seat",
        "chosen_missing",
        "chosen_self",
        "product_off_sale",
        "empty_range",
        "chosen_inactive",
        "only_hand_over",
        "no_approver",
        "invalid_flow",
        "no_steps",
        "name_required",
        "no_users",
        "levels_out_of_range",
        "field_required",
        "empty_list",
        "nested_list",
        "mismatched_types",
        "in_needs_list",
        "list_needs_in",
        "order_needs_number",
        "approver_cannot_approve",
    ];

    /// Codes the sales services refuse with.
    const REFUSALS: &[&str] = &[
        "request_not_editable",
        "request_not_submittable",
        "request_not_draft",
        "product_in_use",
        "category_in_use",
        "stage_in_use",
        "opportunity_has_contracts",
        "contract_not_editable",
        "contract_not_submittable",
        "contract_not_approved",
        "contract_void",
        "contract_has_payments",
        "contract_not_deletable",
        "plan_has_payments",
        "payment_not_editable",
        "payment_not_submittable",
        "payment_not_deletable",
        "approval_changed",
        "request_in_progress",
        "approval_moved_on",
        "approval_was_withdrawn",
        "approval_ended",
        "approval_step_not_reached",
        "not_in_progress",
        "not_an_approver",
        "already_decided",
        "handed_over",
        "not_submitter",
        "not_resubmittable",
        "payment_not_approved",
    ];

    /// Fields of the sales forms.
    const FIELDS: &[&str] = &[
        "title",
        "fields",
        "amount",
        "currency",
        "code",
        "unit",
        "price",
        "category_id",
        "on_sale",
        "product_id",
        "lines",
        "quantity",
        "discount",
        "pipeline_id",
        "stage_id",
        "stages",
        "win_rate",
        "active",
        "departments",
        "outcome",
        "reason",
        "expected_close_on",
        "contact_ids",
        "customer_id",
        "opportunity_id",
        "number",
        "signed_on",
        "starts_on",
        "ends_on",
        "customer_signer_id",
        "company_signer_id",
        "payment_method_id",
        "method_id",
        "contract_id",
        "plan_id",
        "received_on",
        "planned_on",
        "remind_days",
        "confirm_exceeding",
        "approvers",
        "flow",
        "definition",
        "kind",
        "action",
        "comment",
        "to",
    ];

    #[test]
    fn every_sales_code_has_a_message_naming_its_field_in_every_language() {
        for code in FIELD_CODES {
            let english = Some(coded(Lang::En, "errors", code));
            for lang in Lang::ALL {
                let text =
                    Some(coded(lang, "errors", code)).filter(|t| *t != format!("errors.{code}"));
                let text = text.unwrap_or_else(|| panic!("errors.{code} in {}", lang.code()));
                assert!(
                    text.contains("%{field}"),
                    "errors.{code} in {}",
                    lang.code()
                );
                if lang != Lang::En {
                    assert_ne!(Some(&text), english.as_ref(), "errors.{code} untranslated");
                }
            }
        }
        for code in REFUSALS {
            let english = Some(coded(Lang::En, "problems", code));
            for lang in Lang::ALL {
                let text = Some(coded(lang, "problems", code))
                    .filter(|t| *t != format!("problems.{code}"));
                assert!(text.is_some(), "problems.{code} in {}", lang.code());
                if lang != Lang::En {
                    assert_ne!(text, english, "problems.{code} untranslated");
                }
            }
        }
        for field in FIELDS {
            for lang in Lang::ALL {
                assert!(
                    lookup(lang, &format!("fields.{field}")).is_some(),
                    "fields.{field} in {}",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn a_field_in_a_list_is_named_by_its_place() {
        assert_eq!(
            message_for("lines.0.price", "negative", Lang::En),
            "Product lines #1, Price cannot be negative; enter 0 or more."
        );
        assert_eq!(
            message_for("stages.2.win_rate", "out_of_range", Lang::ZhHant),
            "「階段第 3 項的贏率」是百分比，須介於 0 與 100 之間。"
        );
        assert_eq!(
            message_for("definition.steps.1", "no_users", Lang::En),
            "Step 2: choose at least one approver."
        );
        assert_eq!(
            message_for("scopes.customer", "kind_unknown", Lang::En),
            "Data scope: Customers: this kind has no data scope."
        );
    }

    #[test]
    fn a_field_is_named_as_its_kind_of_record_calls_it() {
        let payment = FieldError::new("method_id", "invalid_choice");
        assert!(field_message_in(&payment, Some("payment"), Lang::ZhHant).contains("回款方式"));
        assert!(field_message_in(&payment, Some("payment"), Lang::ZhHans).contains("回款方式"));
        assert!(field_message(&payment, Lang::ZhHant).contains("跟進方式"));
        // A kind without a name of its own for the field uses the common one.
        assert!(field_message_in(&payment, Some("contract"), Lang::ZhHant).contains("跟進方式"));
    }
}
