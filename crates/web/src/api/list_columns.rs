//! `/api/v1/list-columns/{kind}`: the columns a user chose for a list.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use kuijing_service::list_columns::{ListColumns, ListColumnsInput, ListKind};
use kuijing_service::{Caller, ServiceError};

use super::{Body, respond};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::Problem;
use crate::i18n::Lang;

fn kind_of(text: &str) -> Result<ListKind, ServiceError> {
    ListKind::parse(text).ok_or(ServiceError::NotFound)
}

/// The columns with every label filled: system fields named in the caller's
/// language as the list pages name them.
fn labelled(
    result: Result<ListColumns, ServiceError>,
    lang: Lang,
) -> Result<ListColumns, ServiceError> {
    result.map(|mut columns| {
        for option in &mut columns.available {
            if option.label.is_none() {
                option.label = Some(lang.t(&format!("fields.{}", option.key)));
            }
        }
        columns
    })
}

#[utoipa::path(get, path = "/api/v1/list-columns/{kind}", tag = "lists",
    params(("kind" = String, Path, description = "`customer`, `opportunity`, `contract`, `payment`, `lead` or `contact`, or as the paths name them (`customers`, `opportunities`, ...)")),
    responses((status = 200, body = ListColumns), (status = 404, body = Problem)))]
pub async fn get_list_columns(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
) -> Response {
    let result = match kind_of(&kind) {
        Ok(kind) => state.app.list_columns(&caller, kind).await,
        Err(error) => Err(error),
    };
    respond(labelled(result, lang), &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/list-columns/{kind}", tag = "lists", request_body = ListColumnsInput,
    params(("kind" = String, Path, description = "`customer`, `opportunity`, `contract`, `payment`, `lead` or `contact`, or as the paths name them (`customers`, `opportunities`, ...)")),
    description = "Keeps the caller's columns of the list, in order; the naming column (`name` or `number`) stays first when left out. Other users keep theirs.",
    responses((status = 200, body = ListColumns), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_list_columns(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
    Body(body): Body<ListColumnsInput>,
) -> Response {
    let result = match kind_of(&kind) {
        Ok(kind) => state.app.save_list_columns(&caller, kind, &body).await,
        Err(error) => Err(error),
    };
    respond(labelled(result, lang), &caller, lang)
}

#[utoipa::path(delete, path = "/api/v1/list-columns/{kind}", tag = "lists",
    params(("kind" = String, Path, description = "`customer`, `opportunity`, `contract`, `payment`, `lead` or `contact`, or as the paths name them (`customers`, `opportunities`, ...)")),
    description = "Forgets the caller's choice: the list's default columns come back.",
    responses((status = 200, body = ListColumns), (status = 404, body = Problem)))]
pub async fn reset_list_columns(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
) -> Response {
    let result = match kind_of(&kind) {
        Ok(kind) => state.app.reset_list_columns(&caller, kind).await,
        Err(error) => Err(error),
    };
    respond(labelled(result, lang), &caller, lang)
}

/// The columns an export asks for: `mine` (the caller's choice for the
/// list), field names separated by commas (checked against the list's
/// columns), or nothing for the export's own columns.
pub(crate) async fn columns_param(
    state: &AppState,
    caller: &Caller,
    kind: ListKind,
    text: Option<&str>,
) -> Result<Option<Vec<String>>, ServiceError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let chosen = state.app.list_columns(caller, kind).await?;
    if text == "mine" {
        return Ok(Some(chosen.columns));
    }
    let mut errors = kuijing_domain::FieldErrors::new();
    let columns: Vec<String> = text.split(',').map(|c| c.trim().to_string()).collect();
    for (index, column) in columns.iter().enumerate() {
        if !chosen.available.iter().any(|a| a.key == *column) {
            errors.add(format!("columns.{index}"), "field_unknown");
        }
    }
    errors.into_result()?;
    Ok(Some(columns))
}
