//! Bodies whose every bad field is reported at once. A JSON parser stops at
//! the first value of the wrong shape (a date that does not exist, text
//! where an id goes); the sales bodies instead note each such field, put a
//! stand-in in its place and read on, and hand what they noted to the
//! service, which reports it beside its own checks of the other fields, as
//! it does for a form. Nothing is saved while a field is noted.

use axum::Json;
use axum::extract::{FromRequest, Request};
use kuijing_domain::{FieldError, FieldErrors};
use kuijing_service::ServiceError;
use kuijing_service::contracts::{ContractInput, PlanInput};
use kuijing_service::opportunities::OpportunityInput;
use kuijing_service::payments::PaymentInput;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::body_error;
use crate::error::ApiError;
use crate::i18n::Lang;

/// An input that carries what could not be read, for the service to report.
pub trait Unread {
    fn unread(&mut self) -> &mut FieldErrors;
}

macro_rules! unread {
    ($($kind:ty),*) => {$(
        impl Unread for $kind {
            fn unread(&mut self) -> &mut FieldErrors {
                &mut self.unread
            }
        }
    )*};
}

unread!(OpportunityInput, ContractInput, PaymentInput, PlanInput);

/// Values tried in place of a bad one, in order, until the body reads: the
/// first that fits the field's type is kept (an optional field is left
/// empty; a required id, text or date gets a value no record has).
const STAND_INS: &[&str] = &["null", "0", "\"\"", "\"1970-01-01\"", "false", "[]", "{}"];

/// How many bad fields one body may hold before the rest is not looked at.
const MOST_NOTED: usize = 100;

/// A JSON body read field by field: see the module's documentation.
pub struct AllFields<T>(pub T);

impl<S, T> FromRequest<S> for AllFields<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Unread,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let (lang, request_id) = crate::request_id::answer_in(request.extensions());
        let value = match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(rejection) => return Err(body_error(rejection, lang, &request_id)),
        };
        read_fields(value, lang, &request_id).map(AllFields)
    }
}

/// A JSON body of a kind whose service takes no noted fields (customers,
/// leads, contacts): every bad field is still found and reported at once,
/// and the body is refused while any is.
pub struct EveryField<T>(pub T);

impl<S, T> FromRequest<S> for EveryField<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let (lang, request_id) = crate::request_id::answer_in(request.extensions());
        let transfer = transfer_path(request.method(), request.uri().path());
        let value = match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(rejection) => return Err(body_error(rejection, lang, &request_id)),
        };
        read_patch(value, lang, &request_id, transfer.as_deref()).map(EveryField)
    }
}

/// Reads the body of an edit (`PATCH`) as [`EveryField`] does; an owner
/// sent with it is pointed to `transfer`, the endpoint that changes it.
pub fn read_patch<T: DeserializeOwned>(
    value: Value,
    lang: Lang,
    request_id: &str,
    transfer: Option<&str>,
) -> Result<T, ApiError> {
    match read_all::<T>(value) {
        Ok((input, noted)) if noted.is_empty() => Ok(input),
        Ok((_, noted)) | Err(Read::Noted(noted)) => Err(ApiError::from_service(
            ServiceError::Invalid(owner_by_transfer(noted, transfer)),
            lang,
            request_id,
        )),
        Err(Read::Rejected(rejection)) => Err(body_error(rejection, lang, request_id)),
    }
}

/// The transfer endpoint of the record an edit (`PATCH /api/v1/<kind>/<id>`)
/// is about, for the kinds whose owner changes by a transfer.
fn transfer_path(method: &axum::http::Method, path: &str) -> Option<String> {
    if method != axum::http::Method::PATCH {
        return None;
    }
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["", "api", "v1", kind, id]
            if id.parse::<i64>().is_ok()
                && [
                    "customers",
                    "leads",
                    "contacts",
                    "opportunities",
                    "contracts",
                ]
                .contains(kind) =>
        {
            Some(format!("/api/v1/{kind}/transfer"))
        }
        _ => None,
    }
}

/// An owner sent with an edit is pointed to the transfer, which changes it.
fn owner_by_transfer(mut noted: FieldErrors, transfer: Option<&str>) -> FieldErrors {
    if let Some(path) = transfer {
        for e in &mut noted.0 {
            if e.field == "owner_id" && e.code == "field_unknown" {
                *e = FieldError::new("owner_id", "owner_by_transfer").with("path", path);
            }
        }
    }
    noted
}

/// Reads a body already parsed as JSON the way [`EveryField`] does.
pub fn read_every<T: DeserializeOwned>(
    value: Value,
    lang: Lang,
    request_id: &str,
) -> Result<T, ApiError> {
    match read_all::<T>(value) {
        Ok((input, noted)) if noted.is_empty() => Ok(input),
        Ok((_, noted)) | Err(Read::Noted(noted)) => Err(ApiError::from_service(
            ServiceError::Invalid(noted),
            lang,
            request_id,
        )),
        Err(Read::Rejected(rejection)) => Err(body_error(rejection, lang, request_id)),
    }
}

/// Reads a body already parsed as JSON the way [`AllFields`] does.
pub fn read_fields<T: DeserializeOwned + Unread>(
    value: Value,
    lang: Lang,
    request_id: &str,
) -> Result<T, ApiError> {
    match read_all::<T>(value) {
        Ok((mut input, noted)) => {
            input.unread().0.extend(noted.0);
            Ok(input)
        }
        Err(Read::Noted(noted)) => Err(ApiError::from_service(
            ServiceError::Invalid(noted),
            lang,
            request_id,
        )),
        Err(Read::Rejected(rejection)) => Err(body_error(rejection, lang, request_id)),
    }
}

enum Read {
    /// Bad fields that no stand-in could take the place of.
    Noted(FieldErrors),
    /// Not a body of this shape at all (not an object, say).
    Rejected(axum::extract::rejection::JsonRejection),
}

/// Reads `value` as a `T`, noting each bad field and trying stand-ins in its
/// place, so that every bad field is found.
fn read_all<T: DeserializeOwned>(mut value: Value) -> Result<(T, FieldErrors), Read> {
    let mut noted = FieldErrors::new();
    // The field being replaced, and the next stand-in to try there.
    let mut replacing: Option<(String, usize)> = None;
    // Each round notes a field, removes one or tries its next stand-in, so
    // this bounds a body of any shape.
    for _ in 0..MOST_NOTED * (STAND_INS.len() + 1) {
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        let rejection = match Json::<T>::from_bytes(&bytes) {
            Ok(Json(input)) => return Ok((input, noted)),
            Err(rejection) => rejection,
        };
        let text = rejection.body_text();
        let Some(error) = crate::extract::json_field_error(&text) else {
            return Err(Read::Rejected(rejection));
        };
        // A date typed with full-width characters is read as the date.
        if super::body::fold_date_at(&mut value, &rejection) {
            continue;
        }
        let path = dotted(&error.field);
        let next = match &replacing {
            Some((field, tried)) if *field == path => tried + 1,
            _ => {
                if noted.0.len() >= MOST_NOTED {
                    return Err(Read::Noted(noted));
                }
                noted.push(first_note(&value, &path, error));
                0
            }
        };
        if error_is_unknown(&text) {
            remove(&mut value, &path);
            replacing = None;
            continue;
        }
        let Some(stand_in) = STAND_INS.get(next) else {
            return Err(Read::Noted(noted));
        };
        let stand_in: Value = serde_json::from_str(stand_in).unwrap_or(Value::Null);
        if !place(&mut value, &path, stand_in) {
            return Err(Read::Noted(noted));
        }
        replacing = Some((path, next));
    }
    Err(Read::Noted(noted))
}

fn error_is_unknown(text: &str) -> bool {
    text.contains("unknown field")
}

/// The note of a field: a date that cannot be read is told as such.
fn first_note(value: &Value, path: &str, error: FieldError) -> FieldError {
    let typed = find(value, path);
    let looks_like_date = path.ends_with("_on") || path.ends_with("_at");
    match typed {
        Some(Value::String(_)) if looks_like_date && error.code == "invalid_value" => {
            FieldError::new(path, "date_invalid")
        }
        _ => FieldError::new(path, error.code),
    }
}

/// `lines[1].price` as the service names it: `lines.1.price`.
fn dotted(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

fn parts(path: &str) -> Vec<&str> {
    path.split('.').filter(|p| !p.is_empty()).collect()
}

fn find<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    parts(path)
        .into_iter()
        .try_fold(value, |at, part| match at {
            Value::Object(map) => map.get(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// The object or list holding the last part of `path`, and that part.
fn parent<'a, 'p>(value: &'a mut Value, path: &'p str) -> Option<(&'a mut Value, &'p str)> {
    let mut all = parts(path);
    let last = all.pop()?;
    let mut at = value;
    for part in all {
        at = match at {
            Value::Object(map) => map.get_mut(part)?,
            Value::Array(items) => items.get_mut(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some((at, last))
}

/// Puts `stand_in` at `path` (adding a missing field); whether it could.
fn place(value: &mut Value, path: &str, stand_in: Value) -> bool {
    match parent(value, path) {
        Some((Value::Object(map), last)) => {
            map.insert(last.to_string(), stand_in);
            true
        }
        Some((Value::Array(items), last)) => match last.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items[index] = stand_in;
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn remove(value: &mut Value, path: &str) {
    if let Some((Value::Object(map), last)) = parent(value, path) {
        map.remove(last);
    }
}

/// One message per field, the first: a stand-in must not add a second
/// (an id that names no record) to the note of what was sent.
pub fn first_per_field<T>(result: kuijing_service::Result<T>) -> kuijing_service::Result<T> {
    match result {
        Err(ServiceError::Invalid(errors)) => {
            let mut kept = FieldErrors::new();
            for error in errors.0 {
                if !kept.0.iter().any(|e| e.field == error.field) {
                    kept.push(error);
                }
            }
            Err(ServiceError::Invalid(kept))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        customer_id: i64,
        signed_on: Option<chrono::NaiveDate>,
        received_on: chrono::NaiveDate,
        #[serde(default)]
        lines: Vec<Line>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        product_id: i64,
    }

    /// The noted fields and codes, by field (a body's keys are read in
    /// their order, which is not the order sent).
    fn fields(noted: &FieldErrors) -> Vec<(String, &'static str)> {
        let mut all: Vec<_> = noted.0.iter().map(|e| (e.field.clone(), e.code)).collect();
        all.sort();
        all
    }

    #[test]
    fn every_bad_field_is_noted_and_the_rest_is_read() {
        let body = serde_json::json!({
            "name": "Deal",
            "customer_id": "abc",
            "signed_on": "2024-02-30",
            "received_on": "2024-13-01",
            "lines": [{ "product_id": 1 }, { "product_id": "x" }],
            "colour": "red"
        });
        let Ok((sample, noted)) = read_all::<Sample>(body) else {
            panic!("the body reads with stand-ins");
        };
        assert_eq!(
            fields(&noted),
            vec![
                ("colour".into(), "field_unknown"),
                ("customer_id".into(), "invalid_value"),
                ("lines.1.product_id".into(), "invalid_value"),
                ("received_on".into(), "date_invalid"),
                ("signed_on".into(), "date_invalid"),
            ]
        );
        assert_eq!(sample.name, "Deal");
        assert_eq!(sample.signed_on, None);
    }

    #[test]
    fn a_missing_field_is_required_and_a_good_body_notes_nothing() {
        let Ok((_, noted)) = read_all::<Sample>(serde_json::json!({ "customer_id": 3 })) else {
            panic!("reads");
        };
        assert_eq!(
            fields(&noted),
            vec![
                ("name".into(), "required"),
                ("received_on".into(), "required")
            ]
        );
        let good =
            serde_json::json!({ "name": "a", "customer_id": 1, "received_on": "2024-01-05" });
        let Ok((_, noted)) = read_all::<Sample>(good) else {
            panic!("reads");
        };
        assert!(noted.is_empty());
        assert!(read_all::<Sample>(serde_json::json!([1, 2])).is_err());
    }
}
