//! JSON bodies whose errors answer as problem documents, naming the field
//! at fault; a date typed with full-width characters (`２０17－01－01`) is
//! read as the date it is.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use crate::i18n::Lang;

/// A JSON body whose errors answer as problem documents.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let (lang, request_id) = crate::request_id::answer_in(request.extensions());
        let value = match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => value,
            Err(rejection) => return Err(body_error(rejection, lang, &request_id)),
        };
        read_value(value)
            .map(Body)
            .map_err(|rejection| body_error(rejection, lang, &request_id))
    }
}

/// A JSON body that may be left out: no body at all reads as the default.
pub struct BodyOrDefault<T>(pub T);

impl<S, T> FromRequest<S> for BodyOrDefault<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let headers = request.headers();
        let no_body = !headers.contains_key(axum::http::header::CONTENT_TYPE)
            && headers
                .get(axum::http::header::CONTENT_LENGTH)
                .is_none_or(|length| length == "0");
        if no_body {
            return Ok(BodyOrDefault(T::default()));
        }
        Body::<T>::from_request(request, state)
            .await
            .map(|Body(value)| BodyOrDefault(value))
    }
}

/// A body of the wrong shape names the field when it can; one too large is 413.
pub(crate) fn body_error(rejection: JsonRejection, lang: Lang, request_id: &str) -> ApiError {
    let status = rejection.status();
    let text = rejection.body_text();
    if let JsonRejection::JsonDataError(_) = rejection
        && let Some(error) = crate::extract::json_field_error(&text)
    {
        let errors = kuijing_domain::FieldErrors::from(error);
        return ApiError::from_service(
            kuijing_service::ServiceError::Invalid(errors),
            lang,
            request_id,
        );
    }
    ApiError::bad_body(lang, request_id, status.as_u16(), text)
}

/// How many dates one body may have folded before it is read as sent.
const MOST_FOLDED: usize = 100;

/// Reads a body already parsed as JSON as a `T`. A value a field could not
/// take that is a date or time typed with full-width characters is read
/// with them folded to ASCII (only such a value, where it failed: text
/// fields keep what was typed).
pub(crate) fn read_value<T: DeserializeOwned>(mut value: Value) -> Result<T, JsonRejection> {
    let mut folded = 0;
    loop {
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        let rejection = match Json::<T>::from_bytes(&bytes) {
            Ok(Json(input)) => return Ok(input),
            Err(rejection) => rejection,
        };
        if folded >= MOST_FOLDED || !fold_date_at(&mut value, &rejection) {
            return Err(rejection);
        }
        folded += 1;
    }
}

/// Folds the full-width characters of the date a rejection names, when the
/// value there is text holding any; whether it did.
pub(crate) fn fold_date_at(value: &mut Value, rejection: &JsonRejection) -> bool {
    if !matches!(rejection, JsonRejection::JsonDataError(_)) {
        return false;
    }
    let Some(error) = crate::extract::json_field_error(&rejection.body_text()) else {
        return false;
    };
    let mut at = value;
    for part in error.field.split('.').filter(|p| !p.is_empty()) {
        at = match at {
            Value::Object(map) => match map.get_mut(part) {
                Some(next) => next,
                None => return false,
            },
            Value::Array(items) => {
                match part.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(next) => next,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    let Value::String(text) = at else {
        return false;
    };
    // A day typed with slashes (`2026/12/03`) is the day too, as forms read it.
    let half = match kuijing_domain::dates::iso_day(text) {
        Some(day) => day.to_string(),
        None => kuijing_domain::dates::half_width_date(text),
    };
    if half == *text {
        return false;
    }
    *text = half;
    true
}
