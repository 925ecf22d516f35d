//! Extractors whose refusals answer like every other error: a problem
//! document under `/api`, a page in the user's language elsewhere.

use std::collections::{BTreeSet, HashMap};

use axum::extract::{FromRequestParts, MatchedPath, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kuijing_domain::{FieldError, FieldErrors};
use kuijing_service::ServiceError;
use serde::de::DeserializeOwned;
use utoipa::openapi::path::ParameterIn;

use crate::error::{ApiError, PageError};

pub(crate) fn refuse(parts: &Parts, error: ServiceError) -> Response {
    let (lang, request_id) = crate::request_id::answer_in(&parts.extensions);
    if parts.uri.path().starts_with("/api/") {
        ApiError::from_service(error, lang, &request_id).into_response()
    } else {
        PageError::from_service(error, lang, &request_id).into_response()
    }
}

/// The `{id}` of a path. One that is not a number names no record: 404.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(refuse(parts, ServiceError::NotFound)),
        }
    }
}

/// The two ids of a nested path (`/contracts/{id}/plans/{plan_id}`): the
/// record's, then its part's. One that is not a number names nothing: 404.
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<(i64, i64)>::from_request_parts(parts, state).await {
            Ok(Path((id, part))) => Ok(Ids(id, part)),
            Err(_) => Err(refuse(parts, ServiceError::NotFound)),
        }
    }
}

/// Query parameters; a value of the wrong type is a field error naming it.
/// A key may repeat (`owner_id=4&owner_id=5`) into a list field, and a list
/// field takes a single value too.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        if let Some(unknown) = unknown_parameter(parts) {
            return Err(refuse(parts, ServiceError::Invalid(unknown.into())));
        }
        if let Some(outside) = limit_outside_range(parts) {
            return Err(refuse(parts, ServiceError::Invalid(outside.into())));
        }
        match axum_extra::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum_extra::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => {
                // Dates typed with full-width characters, read as the dates.
                if let Some(uri) = with_dates_folded(parts)
                    && let Ok(axum_extra::extract::Query(value)) =
                        axum_extra::extract::Query::<T>::try_from_uri(&uri)
                {
                    return Ok(Params(value));
                }
                let text = rejection.body_text();
                let field = query_field(&text);
                let (lang, _) = crate::request_id::answer_in(&parts.extensions);
                let error = if let Some(twice) = twice_given(parts, &text, &field) {
                    // Named as sent, as an unknown parameter is.
                    FieldError::new(twice.clone(), "parameter_twice").labelled(&twice)
                } else if field == "query" {
                    FieldError::new(field, "invalid_value")
                } else {
                    crate::query_params::unreadable(parts, &field, lang)
                };
                Err(refuse(
                    parts,
                    ServiceError::Invalid(FieldErrors::from(error)),
                ))
            }
        }
    }
}

/// The address with each query value that reads as a date or a date and
/// time once its full-width characters are folded (`２０17－01－01`) so
/// folded; a parameter declared as a date also in the forms the sales
/// forms and imports read (`2026/1/5`, `2026年1月5日`, ROC `115/01/05`),
/// written as the date it is; none when no value is.
fn with_dates_folded(parts: &Parts) -> Option<axum::http::Uri> {
    let uri = &parts.uri;
    let query = uri.query()?;
    let mut changed = false;
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let mut half = kuijing_domain::dates::half_width_date(&value);
        if crate::query_params::declared_date(parts, &key)
            && let Ok(day) = kuijing_domain::dates::parse_date(&half)
        {
            half = day.to_string();
        }
        let dated = kuijing_domain::dates::iso_day(&half).is_some()
            || kuijing_domain::dates::iso_date_time(&half).is_some();
        if dated && half != value {
            changed = true;
            out.append_pair(&key, &half);
        } else {
            out.append_pair(&key, &value);
        }
    }
    if !changed {
        return None;
    }
    format!("{}?{}", uri.path(), out.finish()).parse().ok()
}

/// The query parameters each API operation takes, as its OpenAPI document
/// declares them: method and path template (`get /api/v1/customers`).
static DECLARED: std::sync::LazyLock<HashMap<String, BTreeSet<String>>> =
    std::sync::LazyLock::new(|| {
        let document = crate::api::openapi_document();
        let mut declared = HashMap::new();
        for (path, item) in &document.paths.paths {
            let operations = [
                ("get", &item.get),
                ("post", &item.post),
                ("put", &item.put),
                ("patch", &item.patch),
                ("delete", &item.delete),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                let names = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
                    .map(|p| p.name.clone())
                    .collect();
                declared.insert(format!("{method} {path}"), names);
            }
        }
        declared
    });

/// The query parameters the API operation of a request declares; none for
/// pages (which take whatever their forms send) and unknown operations.
pub(crate) fn declared(parts: &Parts) -> Option<&'static BTreeSet<String>> {
    if !parts.uri.path().starts_with("/api/") {
        return None;
    }
    let path = parts.extensions.get::<MatchedPath>()?.as_str();
    let method = parts.method.as_str().to_ascii_lowercase();
    DECLARED.get(&format!("{method} {path}"))
}

/// The first of `keys` the operation does not take (a misspelt filter would
/// otherwise be ignored and answer every record; a misspelt `dry_run`
/// would write), named with the ones it takes. `also` are names it takes
/// beside its declared ones (an import's `file`).
pub(crate) fn undeclared<'a>(
    parts: &Parts,
    keys: impl IntoIterator<Item = &'a str>,
    also: &[&str],
) -> Option<FieldError> {
    let known = declared(parts)?;
    let key = keys
        .into_iter()
        .find(|key| !key.is_empty() && !known.contains(*key) && !also.contains(key))?;
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    // Named as sent: a form's label for a field of that name would mislead.
    Some(
        FieldError::new(key, "parameter_unknown")
            .labelled(key)
            .with("known", names.join(", ")),
    )
}

/// A query parameter the API operation does not take.
fn unknown_parameter(parts: &Parts) -> Option<FieldError> {
    let query = parts.uri.query()?;
    let keys: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .map(|(key, _)| key.into_owned())
        .collect();
    undeclared(parts, keys.iter().map(String::as_str), &[])
}

/// An API list's `limit` outside 1 to 200 rows, refused naming the range
/// rather than cut to it without a word. A `limit` that is no whole number
/// is left to the parameters' own reading (`invalid_value`); pages keep
/// their own page sizes.
fn limit_outside_range(parts: &Parts) -> Option<FieldError> {
    if !parts.uri.path().starts_with("/api/") {
        return None;
    }
    let query = parts.uri.query()?;
    let (_, value) = form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == "limit")?;
    let asked: i128 = value.trim().parse().ok()?;
    let max = kuijing_service::PageRequest::MAX_LIMIT;
    (asked < 1 || asked > i128::from(max)).then(|| {
        FieldError::new("limit", "limit_out_of_range")
            .with("min", 1)
            .with("max", max)
            .with("value", asked)
    })
}

/// The parameter a query's deserialisation error names
/// (`…query string: dry_run: provided string was not…`), else `query`.
pub(crate) fn query_field(text: &str) -> String {
    text.split_once("query string: ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map(|(field, _)| field.trim().to_string())
        .unwrap_or_else(|| "query".to_string())
}

/// The parameter a query gave twice where it takes one value
/// (`period=custom&period=custom`): the one the refusal names
/// (``…duplicate field `period` ``, or `period: invalid type: sequence…`)
/// when the query holds it more than once.
pub(crate) fn twice_given(parts: &Parts, text: &str, field: &str) -> Option<String> {
    let named = text
        .split_once("duplicate field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map_or(field, |(name, _)| name);
    let query = parts.uri.query()?;
    let times = form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == named)
        .count();
    (times > 1).then(|| named.to_string())
}

/// The field a JSON deserialisation error is about, with a message code:
/// `parent_id: invalid type…`, ``missing field `name` ``, ``unknown field `foo` ``.
pub fn json_field_error(text: &str) -> Option<FieldError> {
    let detail = text
        .split_once("target type: ")
        .map(|(_, rest)| rest)
        .unwrap_or(text);
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if let Some(rest) = detail.strip_prefix("missing field ") {
        return quoted(rest).map(|f| FieldError::new(f, "required"));
    }
    if detail.starts_with("unknown field ") {
        return quoted(detail).map(|f| FieldError::new(f, "field_unknown"));
    }
    let (path, message) = detail.split_once(": ")?;
    if path.contains(' ') {
        return None;
    }
    // A place in a list is named as the service names it
    // (`steps.0.levels`, not `steps[0].levels`).
    let path = path
        .trim_start_matches('.')
        .replace('[', ".")
        .replace(']', "");
    let path = path.as_str();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        // The path already ends with the unknown key.
        let field = quoted(rest)
            .filter(|f| !path.ends_with(f.as_str()))
            .map(|f| format!("{path}.{f}"));
        return Some(FieldError::new(
            field.unwrap_or_else(|| path.to_string()),
            "field_unknown",
        ));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return quoted(rest).map(|f| FieldError::new(format!("{path}.{f}"), "required"));
    }
    // `null` where a value must be (a record's name): the field is
    // required, not of the wrong kind.
    if message.starts_with("invalid type: null") {
        return Some(FieldError::new(path, "required"));
    }
    // A whole number outside what the field takes (serde: `invalid
    // value: integer `300`, expected u8`) is out of range, not of the
    // wrong kind; a flow step's levels up say their range.
    if message.starts_with("invalid value: integer") {
        let code = if path.ends_with("levels") {
            "levels_out_of_range"
        } else {
            "number_out_of_range"
        };
        return Some(FieldError::new(path, code));
    }
    // A word not among those accepted (serde: "unknown variant `gte`,
    // expected one of `eq`, `ne`, ..."): named with the words accepted.
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let words: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        if let Some((sent, accepted)) = words.split_first()
            && !accepted.is_empty()
        {
            return Some(
                FieldError::new(path, "value_not_accepted")
                    .with("value", sent)
                    .with("values", accepted.join(", ")),
            );
        }
    }
    Some(FieldError::new(path, "invalid_value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_out_of_range_is_named_so() {
        let e = json_field_error("Failed to deserialize the JSON body into the target type: definition.steps[0].approvers.superior.levels: invalid value: integer `300`, expected u8 at line 1 column 90").expect("error");
        assert_eq!(
            (e.field.as_str(), e.code),
            (
                "definition.steps.0.approvers.superior.levels",
                "levels_out_of_range"
            )
        );
        let e = json_field_error("Failed to deserialize the JSON body into the target type: limit: invalid value: integer `-1`, expected u64 at line 1 column 9").expect("error");
        assert_eq!(e.code, "number_out_of_range", "{e:?}");
    }

    #[test]
    fn a_word_not_accepted_is_named_with_those_accepted() {
        let e = json_field_error("Failed to deserialize the JSON body into the target type: fields[0].field_type: unknown variant `single_choice`, expected one of `text`, `number`, `choice` at line 1 column 50").expect("error");
        assert_eq!(
            (e.field.as_str(), e.code),
            ("fields.0.field_type", "value_not_accepted")
        );
        assert_eq!(
            e.params,
            vec![
                ("value", "single_choice".to_string()),
                ("values", "text, number, choice".to_string())
            ]
        );
    }

    #[test]
    fn json_errors_name_their_field() {
        let e = json_field_error("Failed to deserialize the JSON body into the target type: parent_id: invalid type: string \"abc\", expected i64 at line 1 column 29").expect("error");
        assert_eq!((e.field.as_str(), e.code), ("parent_id", "invalid_value"));
        let e = json_field_error("Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 2").expect("error");
        assert_eq!((e.field.as_str(), e.code), ("password", "required"));
        let e = json_field_error("Failed to deserialize the JSON body into the target type: unknown field `foo`, expected one of `a`").expect("error");
        assert_eq!((e.field.as_str(), e.code), ("foo", "field_unknown"));
        assert!(json_field_error("EOF while parsing an object at line 1 column 10").is_none());
    }
}
