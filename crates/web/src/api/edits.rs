//! The body of an API edit (`PUT`): every field it leaves out keeps its
//! stored value (`kuijing_service::edits`); a field sent as `null` or `[]`
//! is cleared. The edit is then read as its kind's input, as a create is.
//!
//! A save on an old version answers 409 (`stale`) with the record as
//! stored now (`current`) and, under `changes`, each field the body sends
//! whose stored value is now different: the key, its name, the stored value
//! (`theirs`) and the one sent (`yours`). Fields the body leaves out are
//! kept on a retry, so they are not listed. The comparison is the one the
//! edit pages make (`pages::conflict::changes`).
//!
//! The version read may come as an `If-Match` header instead
//! (`api::if_match`).

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::edits::keep_absent;
use kuijing_service::{Caller, ServiceError};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::all_fields::{Unread, read_every, read_fields};
use super::{body_error, respond};
use crate::AppState;
use crate::error::{ApiError, StaleField};
use crate::i18n::Lang;
use crate::pages::conflict;

/// What an edit's body said, as JSON, before the stored record fills in
/// what it left out.
#[derive(Clone)]
pub struct Edit(pub Value);

impl<S: Send + Sync> FromRequest<S> for Edit {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let (lang, request_id) = crate::request_id::answer_in(request.extensions());
        let refused = |error: kuijing_domain::FieldError| {
            ApiError::from_service(ServiceError::Invalid(error.into()), lang, &request_id)
        };
        let tag = super::if_match::version_of(request.headers()).map_err(refused)?;
        match Json::<Value>::from_request(request, state).await {
            Ok(Json(mut value)) => {
                super::if_match::into_body(&mut value, tag).map_err(refused)?;
                Ok(Edit(value))
            }
            Err(rejection) => Err(body_error(rejection, lang, &request_id)),
        }
    }
}

impl Edit {
    /// The edit of a sales record (every bad field noted at once).
    pub async fn fields<T: DeserializeOwned + Unread>(
        self,
        state: &AppState,
        caller: &Caller,
        lang: Lang,
        (kind, id): (Kind, i64),
    ) -> Result<T, Response> {
        let value = self.kept(state, caller, lang, (kind, id)).await?;
        read_fields(value, lang, &caller.request_id).map_err(IntoResponse::into_response)
    }

    /// The edit of a record whose every bad field is reported at once,
    /// and refused while any is (customers, leads, contacts).
    pub async fn every<T: DeserializeOwned>(
        self,
        state: &AppState,
        caller: &Caller,
        lang: Lang,
        (kind, id): (Kind, i64),
    ) -> Result<T, Response> {
        let value = self.kept(state, caller, lang, (kind, id)).await?;
        read_every(value, lang, &caller.request_id).map_err(IntoResponse::into_response)
    }

    /// The edit of a record whose body is read in one piece.
    pub async fn whole<T: DeserializeOwned>(
        self,
        state: &AppState,
        caller: &Caller,
        lang: Lang,
        (kind, id): (Kind, i64),
    ) -> Result<T, Response> {
        let value = self.kept(state, caller, lang, (kind, id)).await?;
        super::read_value::<T>(value)
            .map_err(|rejection| body_error(rejection, lang, &caller.request_id).into_response())
    }

    async fn kept(
        self,
        state: &AppState,
        caller: &Caller,
        lang: Lang,
        (kind, id): (Kind, i64),
    ) -> Result<Value, Response> {
        match state.app.kept_input(caller, kind, id, self.0).await {
            Ok(value) => Ok(value),
            Err(error) => Err(respond::<()>(Err(error), caller, lang)),
        }
    }
}

/// A record's edit input as the fields of a form: each key with its value
/// as text (`custom.<key>` for a custom field), the version left out; with
/// the JSON value of each.
fn flat(input: &Value) -> (conflict::Values, Map<String, Value>) {
    let mut values = conflict::Values::new();
    let mut json = Map::new();
    let Value::Object(fields) = input else {
        return (values, json);
    };
    let mut push = |key: String, value: &Value| {
        let text = match value {
            Value::Null => String::new(),
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        values.push((key.clone(), text));
        json.insert(key, value.clone());
    };
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("version", _) => {}
            ("custom", Value::Object(custom)) => {
                for (key, value) in custom {
                    push(format!("custom.{key}"), value);
                }
            }
            _ => push(key.clone(), value),
        }
    }
    (values, json)
}

/// The answer to an edit of `kind` `id` that met a newer version: the
/// problem with `changes` (see the module), or the plain problem when the
/// record can no longer be read.
pub async fn stale(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (kind, id): (Kind, i64),
    sent: &Edit,
    error: ServiceError,
) -> Response {
    let changes = stale_fields(state, caller, lang, (kind, id), &sent.0).await;
    // Every field sent already holds what was sent: nothing to save, so
    // the stored record is the answer, not a conflict with no changes.
    if changes.as_ref().is_some_and(Vec::is_empty) {
        return stored(state, caller, lang, (kind, id), error).await;
    }
    let mut problem = ApiError::from_service(error, lang, &caller.request_id);
    problem.0.changes = changes;
    problem.into_response()
}

async fn stale_fields(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (kind, id): (Kind, i64),
    sent: &Value,
) -> Option<Vec<StaleField>> {
    let stored = state.app.stored_input(caller, kind, id).await.ok()?;
    let defs = state.app.custom_fields(kind).await.unwrap_or_default();
    let names = conflict::Names::new(kind.as_str(), lang, &defs);
    let (yours, saved) = flat(&keep_absent(stored.clone(), sent.clone()));
    let (mut theirs, stored) = flat(&stored);
    // A custom field the record holds no value of is stored as empty.
    for (key, _) in &yours {
        if !stored.contains_key(key) {
            theirs.push((key.clone(), String::new()));
        }
    }
    let fields = conflict::changes("", &theirs, &yours)
        .into_iter()
        .map(|(field, _)| StaleField {
            label: names.label_of(&field),
            theirs: stored.get(&field).cloned().unwrap_or(Value::Null),
            yours: saved.get(&field).cloned().unwrap_or(Value::Null),
            field,
        })
        .collect();
    Some(fields)
}

/// The record as stored now (200), for an edit that met a newer version
/// but would change nothing; the conflict when it cannot be read.
async fn stored(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (kind, id): (Kind, i64),
    error: ServiceError,
) -> Response {
    let app = &state.app;
    match kind {
        Kind::Customer => {
            let detail = app.get_customer(caller, id).await.map(|mut detail| {
                crate::i18n::word_log_fields(&mut detail.change_log, lang);
                detail
            });
            respond(detail, caller, lang)
        }
        Kind::Lead => respond(app.get_lead(caller, id).await, caller, lang),
        Kind::Contact => respond(app.get_contact(caller, id).await, caller, lang),
        Kind::Opportunity => respond(app.get_opportunity(caller, id).await, caller, lang),
        Kind::Contract => respond(app.get_contract(caller, id).await, caller, lang),
        Kind::Payment => respond(app.get_payment(caller, id).await, caller, lang),
        _ => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}
