//! Helpers shared by the pages' forms: errors beside fields, and answers to
//! service errors that keep what the user typed.

use std::collections::{BTreeMap, HashMap};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kuijing_service::{Caller, ServiceError};

use crate::error::{PageError, field_message, message};
use crate::i18n::Lang;
use crate::imports::{ImportKind, ProblemLine, UploadForm, explain};
use kuijing_service::imports::ImportReport;

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
                    fields.entry(key).or_insert_with(|| {
                        crate::error::pending::form_message_naming_pending(e, lang)
                            .unwrap_or_else(|| field_message(e, lang))
                    });
                }
                let form = Some(lang.t("problems.invalid"));
                Some(Self { fields, form })
            }
            ServiceError::Stale { .. }
            | ServiceError::Changed { .. }
            | ServiceError::Refused { .. }
            | ServiceError::RefusedWith { .. } => Some(Self {
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

/// Why a record seen cannot be edited: read only to someone who holds the
/// permission to edit (a read-only team member, an approver), forbidden
/// to someone who does not.
pub fn not_writable(may_edit: bool) -> ServiceError {
    match may_edit {
        true => ServiceError::Refused {
            code: "record_read_only",
        },
        false => ServiceError::Forbidden,
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
        | ServiceError::Refused { .. }
        | ServiceError::RefusedWith { .. } => crate::error::classify(error).0,
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

/// Custom-field values as typed, sent as `custom.<key>` beside a form's
/// own fields (which this ignores, repeated ones included), so every form
/// that carries custom fields reads and shows them the same way.
#[derive(Debug, Default, Clone)]
pub struct CustomValues(BTreeMap<String, String>);

impl<'de> serde::Deserialize<'de> for CustomValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Sent {
            One(String),
            Many(Vec<String>),
            Other(serde::de::IgnoredAny),
        }
        let sent = BTreeMap::<String, Sent>::deserialize(deserializer)?;
        let values = sent
            .into_iter()
            .filter_map(|(name, value)| {
                let key = name.strip_prefix("custom.")?.to_string();
                match value {
                    Sent::One(text) => Some((key, text)),
                    // The options ticked of a multiple choice (after its
                    // blank, sent so that ticking none clears the field).
                    Sent::Many(texts) => {
                        let ticked: Vec<String> =
                            texts.into_iter().filter(|t| !t.trim().is_empty()).collect();
                        Some((key, ticked.join(", ")))
                    }
                    Sent::Other(_) => None,
                }
            })
            .collect();
        Ok(Self(values))
    }
}

impl CustomValues {
    /// The stored values of a record, as a form shows them.
    pub fn of(stored: &serde_json::Map<String, serde_json::Value>) -> Self {
        Self(
            stored
                .iter()
                .map(|(k, v)| (k.clone(), kuijing_domain::fields::display(v)))
                .collect(),
        )
    }

    /// A new record's form: each field with a default shows it filled in,
    /// as the record would be saved with it.
    pub fn defaults(defs: &[kuijing_domain::fields::FieldDef]) -> Self {
        Self(
            defs.iter()
                .filter_map(|d| Some((d.key.clone(), d.default_value.clone()?)))
                .collect(),
        )
    }

    /// The typed text of one field.
    pub fn value(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_default()
    }

    /// Sets a field named as a form names it (`custom.<key>`); other
    /// names are not custom fields and are ignored.
    pub fn take(&mut self, name: &str, value: &str) {
        if let Some(key) = name.strip_prefix("custom.") {
            self.0.insert(key.to_string(), value.to_string());
        }
    }

    /// The values as the service reads a whole record: blanks left out,
    /// so a cleared field is cleared and a default may apply.
    pub fn input(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect()
    }

    /// The values as a patch: a blank clears its field.
    pub fn patch(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0
            .iter()
            .map(|(k, v)| {
                let value = if v.trim().is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::Value::String(v.clone())
                };
                (k.clone(), value)
            })
            .collect()
    }
}

/// Blank text as `None`.
pub fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// After a successful post: back to a page with a confirmation.
pub fn done(path: &str, what: &str) -> Response {
    // The notice joins a query the path may have, before its fragment.
    let (path, fragment) = match path.split_once('#') {
        Some((path, fragment)) => (path, format!("#{fragment}")),
        None => (path, String::new()),
    };
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}done={what}{fragment}")).into_response()
}

/// A service error that is not the form's own becomes an error page.
pub fn error_page(error: ServiceError, caller: &Caller, lang: Lang) -> Response {
    PageError::from_service(error, lang, &caller.request_id).into_response()
}

/// As [`error_page`], with a way back to `path`, the page the refused
/// action was taken on.
pub fn error_page_back(error: ServiceError, caller: &Caller, lang: Lang, path: &str) -> Response {
    PageError::from_service(error, lang, &caller.request_id)
        .back_to(path)
        .into_response()
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
/// errors the service reports with every other error of the form, so they
/// are refused rather than dropped, and all at once.
pub fn unread_dates(fields: &[(&str, &str)]) -> kuijing_domain::FieldErrors {
    let mut errors = kuijing_domain::FieldErrors::new();
    for (field, text) in fields {
        let text = text.trim();
        if !text.is_empty() && kuijing_domain::dates::iso_day(text).is_none() {
            // `05/12/2026` could be 5 December or 12 May: not guessed, and
            // told apart from a date that does not exist.
            let year_last = kuijing_domain::dates::parse_date(text) == Err("date_year_last");
            errors.add(
                *field,
                if year_last {
                    "date_day_month"
                } else {
                    "date_invalid"
                },
            );
        }
    }
    errors
}

/// A date a form needs: the date typed, or a stand-in with the field's
/// error added to `unread` (so the service refuses the input and names the
/// field beside every other error).
pub fn required_date(
    field: &str,
    text: &str,
    unread: &mut kuijing_domain::FieldErrors,
) -> chrono::NaiveDate {
    let text = text.trim();
    if text.is_empty() {
        unread.add(field, "required");
    }
    unread.0.extend(unread_dates(&[(field, text)]).0);
    kuijing_domain::dates::iso_day(text).unwrap_or_default()
}

/// Whether the user may import records of the kind (an import creates
/// them): otherwise the import's pages answer 403 before reading anything.
pub fn may_import(caller: &Caller, kind: kuijing_domain::Kind) -> Result<(), ServiceError> {
    use kuijing_domain::{Action, Permission};
    caller.require(Permission::new(kind, Action::Import))?;
    caller.require(Permission::new(kind, Action::Create))
}

/// The import box of a list page (products excepted): the upload form with
/// its template links and ticks, and what the last upload found.
pub struct ImportBox {
    pub kind: ImportKind,
    pub result: Option<(ImportReport, Vec<ProblemLine>)>,
    /// Why the whole file was refused (a column missing, not a spreadsheet).
    pub error: Option<String>,
    /// The last upload allowed payments above what is outstanding.
    pub allowed_exceeding: bool,
    /// Opened by its own address (`/<kind>/import`), ready for a file.
    pub asked: bool,
}

impl ImportBox {
    pub fn new(kind: ImportKind) -> Self {
        Self {
            kind,
            result: None,
            error: None,
            allowed_exceeding: false,
            asked: false,
        }
    }

    /// The box opened by its own address, before any upload.
    pub fn opened(kind: ImportKind) -> Self {
        Self {
            asked: true,
            ..Self::new(kind)
        }
    }

    /// "Only check" is ticked, except after a check that found nothing
    /// wrong: the next upload of the same file imports it.
    pub fn check_ticked(&self) -> bool {
        !self
            .result
            .as_ref()
            .is_some_and(|(r, lines)| !r.written && lines.is_empty())
    }

    pub fn path(&self) -> &'static str {
        self.kind.path()
    }

    /// The box stays open to show a refusal, and after a check or a failed
    /// import, for the next upload; and when asked for by its address.
    pub fn open(&self) -> bool {
        self.asked || self.error.is_some() || self.result.as_ref().is_some_and(|(r, _)| !r.written)
    }

    pub fn title_key(&self) -> &'static str {
        match self.kind {
            ImportKind::Product => "products.import",
            ImportKind::Opportunity => "opportunities.import",
            ImportKind::Contract => "contracts.import",
            ImportKind::Payment => "payments.import",
        }
    }

    pub fn hint_key(&self) -> &'static str {
        match self.kind {
            ImportKind::Product => "products.import_hint",
            ImportKind::Opportunity => "opportunities.import_hint",
            ImportKind::Contract => "contracts.import_hint",
            ImportKind::Payment => "payments.import_hint",
        }
    }

    /// Opportunities and contracts carry their product lines in one column.
    pub fn has_lines(&self) -> bool {
        matches!(self.kind, ImportKind::Opportunity | ImportKind::Contract)
    }

    /// Payments may be allowed above what their contract has outstanding.
    pub fn allows_exceeding(&self) -> bool {
        self.kind == ImportKind::Payment
    }

    /// What a check or an import did, in numbers.
    pub fn counts(&self) -> usize {
        self.result.as_ref().map(|(r, _)| r.created).unwrap_or(0)
    }

    /// Runs an upload from a list page: the report, or the refusal of the
    /// whole file in the user's language; any other error is answered as a
    /// page of its own.
    pub async fn upload(
        state: &crate::AppState,
        caller: &kuijing_service::Caller,
        lang: Lang,
        kind: ImportKind,
        multipart: axum::extract::Multipart,
    ) -> Result<Self, ServiceError> {
        let mut shown = Self::new(kind);
        let result = async {
            let form = UploadForm::read(multipart).await?;
            shown.allowed_exceeding = form.allow_exceeding;
            kind.run(state, caller, &form).await
        }
        .await;
        match result {
            Ok(mut report) => {
                let lines = explain(&mut report, crate::api::kind_name(kind), lang);
                shown.result = Some((report, lines));
            }
            Err(ServiceError::Invalid(errors)) => {
                shown.error = Some(
                    errors
                        .0
                        .iter()
                        .map(|e| crate::error::field_message(e, lang))
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            Err(other) => return Err(other),
        }
        Ok(shown)
    }
}

/// The currencies a sales form offers (`money::CURRENCIES`), with the one
/// the form holds first among them when it is not on the list (a record
/// saved in a currency since taken off it keeps it).
pub fn currency_choices(current: &str) -> Vec<String> {
    let current = current.trim();
    let mut codes: Vec<String> = kuijing_domain::money::CURRENCIES
        .iter()
        .map(|c| c.to_string())
        .collect();
    if !current.is_empty() && !codes.iter().any(|c| c == current) {
        codes.insert(0, current.to_string());
    }
    codes
}
