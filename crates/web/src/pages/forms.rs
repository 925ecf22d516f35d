//! Helpers shared by the pages' forms: errors beside fields, and answers to
//! service errors that keep what the user typed.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kuijing_service::{Caller, ServiceError};

use crate::error::{PageError, field_message, message};
use crate::i18n::Lang;

/// Messages keyed by field name, plus one for the whole form.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub fields: HashMap<String, String>,
    pub form: Option<String>,
}

impl FormErrors {
    /// Whether the service error belongs on the form (invalid input, a stale
    /// version, a refused rule) rather than on a page of its own.
    pub fn from_service(error: &ServiceError, lang: Lang) -> Option<Self> {
        match error {
            ServiceError::Invalid(errors) => {
                let mut fields = HashMap::new();
                for e in &errors.0 {
                    // A custom field keeps its whole name; the other nested
                    // names (`scopes.customer`) belong to their first part.
                    let key = if e.field.starts_with("custom.") {
                        e.field.clone()
                    } else {
                        e.field.split('.').next().unwrap_or(&e.field).to_string()
                    };
                    fields.entry(key).or_insert_with(|| field_message(e, lang));
                }
                let form = Some(lang.t("problems.invalid"));
                Some(Self { fields, form })
            }
            ServiceError::Stale { .. }
            | ServiceError::Changed { .. }
            | ServiceError::Refused { .. } => Some(Self {
                fields: HashMap::new(),
                form: Some(message(error, lang)),
            }),
            _ => None,
        }
    }

    pub fn get(&self, field: &str) -> Option<&String> {
        self.fields.get(field)
    }
}

/// The status of a form shown again with errors.
pub const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The status of a form shown again: 409 when the record changed meanwhile
/// or a rule refused, 422 for invalid input.
pub fn status_of(error: &ServiceError) -> StatusCode {
    match error {
        ServiceError::Stale { .. }
        | ServiceError::Changed { .. }
        | ServiceError::Refused { .. } => StatusCode::CONFLICT,
        _ => INVALID,
    }
}

/// An optional id or number as typed: blank is `None`; full-width digits
/// are read; anything else becomes -1, which names no record and is out of
/// every range, so the service reports it beside the other fields.
pub fn optional_number(text: &str) -> Option<i64> {
    let folded = kuijing_domain::text::normalize(text);
    if folded.is_empty() {
        return None;
    }
    Some(folded.parse().unwrap_or(-1))
}

/// Blank text as `None`.
pub fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// After a successful post: back to a page with a confirmation.
pub fn done(path: &str, what: &str) -> Response {
    Redirect::to(&format!("{path}?done={what}")).into_response()
}

/// A service error that is not the form's own becomes an error page.
pub fn error_page(error: ServiceError, caller: &Caller, lang: Lang) -> Response {
    PageError::from_service(error, lang, &caller.request_id).into_response()
}

/// A page built for a form, or the error page when building it failed.
pub fn answer<T: askama::Template>(
    built: Result<T, ServiceError>,
    status: StatusCode,
    caller: &Caller,
    lang: Lang,
) -> Response {
    match built {
        Ok(page) => super::render(&page, status),
        Err(error) => error_page(error, caller, lang),
    }
}

/// A service answer to a posted form: where to go when it worked, the form
/// again with the messages beside its fields when it was refused.
pub async fn after_post<T, P, F>(
    result: Result<T, ServiceError>,
    on_ok: impl FnOnce(T) -> Response,
    again: F,
    caller: &Caller,
    lang: Lang,
) -> Response
where
    P: askama::Template,
    F: AsyncFnOnce(FormErrors) -> Result<P, ServiceError>,
{
    match result {
        Ok(value) => on_ok(value),
        Err(error) => match FormErrors::from_service(&error, lang) {
            Some(errors) => answer(again(errors).await, status_of(&error), caller, lang),
            None => error_page(error, caller, lang),
        },
    }
}

/// Dates typed into a form that are not dates (`2024-02-30`), as field
/// errors, so they are refused rather than dropped.
pub fn date_errors(fields: &[(&str, &str)]) -> Option<ServiceError> {
    let mut errors = kuijing_domain::FieldErrors::new();
    for (field, text) in fields {
        let text = text.trim();
        if !text.is_empty() && text.parse::<chrono::NaiveDate>().is_err() {
            errors.add(*field, "date_invalid");
        }
    }
    (!errors.is_empty()).then_some(ServiceError::Invalid(errors))
}

/// A file uploaded with a form: its bytes, its format by name (XLSX or
/// CSV), and whether only a check was asked for.
pub async fn upload_of(
    mut multipart: axum::extract::Multipart,
) -> (Vec<u8>, kuijing_service::spreadsheets::Format, bool) {
    let mut bytes = Vec::new();
    let mut file_name = String::new();
    let mut check = false;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "file" => {
                file_name = field.file_name().unwrap_or_default().to_lowercase();
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            "check" => check = true,
            _ => {}
        }
    }
    let format = if file_name.ends_with(".xlsx") {
        kuijing_service::spreadsheets::Format::Xlsx
    } else {
        kuijing_service::spreadsheets::Format::Csv
    };
    (bytes, format, check)
}

/// An import's problems as lines in the user's language.
pub fn problem_lines(
    report: &kuijing_service::product_import::ProductImportReport,
    lang: Lang,
) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| {
            format!(
                "{} {}: {}",
                lang.t("products.row"),
                p.row,
                crate::error::message_for(&p.field, &p.code, lang)
            )
        })
        .collect()
}
