//! The body of an API edit (`PUT`): every field it leaves out keeps its
//! stored value (`kuijing_service::edits`); a field sent as `null` or `[]`
//! is cleared. The edit is then read as its kind's input, as a create is.

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::Caller;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::all_fields::{Unread, read_every, read_fields};
use super::{body_error, respond};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;

/// What an edit's body said, as JSON, before the stored record fills in
/// what it left out.
pub struct Edit(pub Value);

impl<S: Send + Sync> FromRequest<S> for Edit {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let (lang, request_id) = crate::request_id::answer_in(request.extensions());
        match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Edit(value)),
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
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        Json::<T>::from_bytes(&bytes)
            .map(|Json(input)| input)
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
