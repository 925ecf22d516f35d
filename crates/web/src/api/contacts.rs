//! `/api/v1/contacts`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::contacts::{ContactDetail, ContactInput, ContactTransfer, ContactView};
use kuijing_service::customers::{FilterInput, FollowUpInput};
use kuijing_service::list_filters::RecordQuery;
use kuijing_service::record_export::Labels;
use kuijing_service::{ListPage, ServiceError};
use serde::Deserialize;
use utoipa::IntoParams;

use super::all_fields::EveryField;
use super::customer_io::{format_of, send_file};
use super::customers::record_query;
use super::edits::{Edit, stale};
use super::if_match::tagged;
use super::{Body, ids_of, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactParams {
    /// Name, phone or e-mail.
    pub q: Option<String>,
    /// Only the contacts of this customer.
    pub customer_id: Option<i64>,
    /// `mine`, `team`, `created_this_week`, or `all`.
    pub view: Option<String>,
    /// With `to`: only contacts created on these days (both included), as
    /// the dashboard's figure counts them.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Only contacts of these owners, comma-separated ids.
    pub owner_ids: Option<String>,
    /// `id` (the default, newest first), any column the list shows (`name`,
    /// `phone`, `notes`, `created_at`, ...) or a custom field (`custom.<key>`,
    /// numbers and money as numbers, dates in time order). A choice sorts
    /// by the name or label it shows, text case aside. Ties go by id;
    /// empty values come last either way. A `cursor` is taken only under
    /// the sort (and `desc`) it was made under.
    pub sort: Option<String>,
    #[serde(default)]
    pub desc: bool,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
    /// Conditions as JSON: `[{"field":"post","op":"contains","value":"經理"}]`,
    /// on any field, `custom.<key>` included.
    pub filter: Option<String>,
    /// Export only: `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// Export only: these contacts (comma-separated ids) among those that match.
    pub ids: Option<String>,
    /// Export only: `mine` for the list's columns as the caller chose them,
    /// or field names separated by commas; otherwise every column of the
    /// kind's file, which imports again as it was.
    pub columns: Option<String>,
}

impl ContactParams {
    fn into_query(self) -> Result<RecordQuery, ServiceError> {
        let mut query = record_query(
            (self.q, self.view, self.filter),
            (self.sort, self.desc),
            (self.cursor, self.limit),
        )?;
        if let Some(customer) = self.customer_id {
            query.filters.push(FilterInput {
                field: "customer_id".into(),
                op: "equals".into(),
                value: Some(customer.into()),
            });
        }
        let drill = super::dashboard::drill_of(self.from, self.to, self.owner_ids.as_deref());
        query.filters.extend(drill.filters());
        Ok(query)
    }
}

#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactParams),
    responses((status = 200, body = ListPage<ContactView>), (status = 422, body = Problem)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<ContactParams>,
) -> Response {
    let result = match p.into_query() {
        Ok(query) => state.app.list_contacts(&caller, &query).await,
        Err(error) => Err(error),
    };
    respond(result, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/contacts/export", tag = "contacts", params(ContactParams),
    description = "Exactly the contacts the caller sees through the list's query (or the chosen ids among them), with their custom fields; the file imports again as it is.",
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem)))]
pub async fn export_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(mut p): Params<ContactParams>,
) -> Response {
    let result = async {
        let format = format_of(p.format.take().as_deref())?;
        let ids = ids_of(p.ids.take().as_deref())?;
        let list = kuijing_service::list_columns::ListKind::Contact;
        let columns =
            super::list_columns::columns_param(&state, &caller, list, p.columns.take().as_deref())
                .await?;
        let text = |key: &str| lang.t(key);
        let labels = Labels {
            text: &text,
            format,
        };
        let path = state
            .app
            .export_contacts(&caller, &p.into_query()?, (ids, columns), &labels)
            .await?;
        send_file(path, format, "contacts").await
    }
    .await;
    result.unwrap_or_else(|error| {
        ApiError::from_service(error, lang, &caller.request_id).into_response()
    })
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = ContactDetail), (status = 422, body = Problem)))]
pub async fn create_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    EveryField(body): EveryField<ContactInput>,
) -> Response {
    respond_created(state.app.create_contact(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts",
    description = "The record with its version as `ETag` (`\"7\"`), to send back as `If-Match` on an edit.",
    responses((status = 200, body = ContactDetail), (status = 404, body = Problem)))]
pub async fn get_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    let detail = state.app.get_contact(&caller, id).await;
    let version = detail.as_ref().ok().map(|d| d.view.contact.version);
    tagged(respond(detail, &caller, lang), version)
}

#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "contacts", request_body = ContactInput,
    description = "Fields left out keep their stored values; `null` (or `[]` for a list) clears one. Custom fields sent replace the stored ones key by key; the others are kept. The version read goes as `version` in the body or as an `If-Match` header holding the `ETag` of the record's detail (`\"7\"`); when both are sent they must name the same version (else 422 `if_match_disagrees`). A save on an older version answers 409 with the stored record as `current` and, as `changes`, each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent). An edit that sends neither (or `If-Match: *`) is not checked: it saves over whatever is stored now, including changes made since it was read. The 200 answer carries the new version as `ETag`.",
    responses((status = 200, body = ContactDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let sent = edit.clone();
    let body: ContactInput = match edit.every(&state, &caller, lang, (Kind::Contact, id)).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    match state.app.update_contact(&caller, id, body).await {
        Err(error @ ServiceError::Changed { .. }) => {
            stale(&state, &caller, lang, (Kind::Contact, id), &sent, error).await
        }
        result => {
            let version = result.as_ref().ok().map(|d| d.view.contact.version);
            tagged(respond(result, &caller, lang), version)
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_contact(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_contact(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

#[utoipa::path(post, path = "/api/v1/contacts/{id}/follow-ups", tag = "contacts", request_body = FollowUpInput,
    responses((status = 201, body = kuijing_service::customers::FollowUpView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_contact_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FollowUpInput>,
) -> Response {
    respond_created(
        state
            .app
            .add_contact_follow_up(&caller, id, body, Vec::new())
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/contacts/transfer", tag = "contacts", request_body = ContactTransfer,
    responses((status = 200, body = u64), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer_contacts(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ContactTransfer>,
) -> Response {
    respond(
        state.app.transfer_contacts(&caller, body).await,
        &caller,
        lang,
    )
}
