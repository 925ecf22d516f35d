//! `/api/v1/leads`

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_service::customers::{FilterInput, FollowUpInput};
use kuijing_service::lead_convert::{ConvertInput, Converted, FieldPair};
use kuijing_service::leads::{LeadDetail, LeadInput, LeadTransfer, LeadView};
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
pub struct LeadParams {
    /// Name, contact, phone or e-mail.
    pub q: Option<String>,
    /// `mine`, `team`, `created_this_week`, `open`, `converted`, or `all`.
    pub view: Option<String>,
    /// Only converted (`true`) or open (`false`) leads.
    pub converted: Option<bool>,
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
    /// Conditions as JSON: `[{"field":"source_id","op":"one_of","value":[1]}]`,
    /// on any field, `custom.<key>` included.
    pub filter: Option<String>,
    /// Export only: `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// Export only: these leads (comma-separated ids) among those that match.
    pub ids: Option<String>,
    /// Export only: `mine` for the list's columns as the caller chose them,
    /// or field names separated by commas; otherwise every column of the
    /// kind's file, which imports again as it was.
    pub columns: Option<String>,
}

impl LeadParams {
    fn into_query(self) -> Result<RecordQuery, ServiceError> {
        let mut query = record_query(
            (self.q, self.view, self.filter),
            (self.sort, self.desc),
            (self.cursor, self.limit),
        )?;
        if let Some(flag) = self.converted {
            query.filters.push(FilterInput {
                field: "converted".into(),
                op: "equals".into(),
                value: Some(flag.into()),
            });
        }
        Ok(query)
    }
}

#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(LeadParams),
    responses((status = 200, body = ListPage<LeadView>), (status = 422, body = Problem)))]
pub async fn list_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<LeadParams>,
) -> Response {
    let result = match p.into_query() {
        Ok(query) => state.app.list_leads(&caller, &query).await,
        Err(error) => Err(error),
    };
    respond(result, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/leads/export", tag = "leads", params(LeadParams),
    description = "Exactly the leads the caller sees through the list's query (or the chosen ids among them), with their custom fields; the file imports again as it is.",
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem)))]
pub async fn export_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(mut p): Params<LeadParams>,
) -> Response {
    let result = async {
        let format = format_of(p.format.take().as_deref())?;
        let ids = ids_of(p.ids.take().as_deref())?;
        let list = kuijing_service::list_columns::ListKind::Lead;
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
            .export_leads(&caller, &p.into_query()?, (ids, columns), &labels)
            .await?;
        send_file(path, format, "leads").await
    }
    .await;
    result.unwrap_or_else(|error| {
        ApiError::from_service(error, lang, &caller.request_id).into_response()
    })
}

#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = LeadInput,
    responses((status = 201, body = LeadDetail), (status = 422, body = Problem)))]
pub async fn create_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    EveryField(body): EveryField<LeadInput>,
) -> Response {
    respond_created(state.app.create_lead(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads",
    description = "The record with its version as `ETag` (`\"7\"`), to send back as `If-Match` on an edit.", responses((status = 200, body = LeadDetail), (status = 404, body = Problem)))]
pub async fn get_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    let detail = state.app.get_lead(&caller, id).await;
    let version = detail.as_ref().ok().map(|d| d.view.lead.version);
    tagged(respond(detail, &caller, lang), version)
}

#[utoipa::path(put, path = "/api/v1/leads/{id}", tag = "leads", request_body = LeadInput,
    description = "Fields left out keep their stored values; `null` (or `[]` for a list) clears one. Custom fields sent replace the stored ones key by key; the others are kept. The version read goes as `version` in the body or as an `If-Match` header holding the `ETag` of the record's detail (`\"7\"`); when both are sent they must name the same version (else 422 `if_match_disagrees`). A save on an older version answers 409 with the stored record as `current` and, as `changes`, each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent). An edit that sends neither (or `If-Match: *`) is not checked: it saves over whatever is stored now, including changes made since it was read. The 200 answer carries the new version as `ETag`.",
    responses((status = 200, body = LeadDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let sent = edit.clone();
    let body: LeadInput = match edit.every(&state, &caller, lang, (Kind::Lead, id)).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    match state.app.update_lead(&caller, id, body).await {
        Err(error @ ServiceError::Changed { .. }) => {
            stale(&state, &caller, lang, (Kind::Lead, id), &sent, error).await
        }
        result => {
            let version = result.as_ref().ok().map(|d| d.view.lead.version);
            tagged(respond(result, &caller, lang), version)
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads", responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_lead(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_lead(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

#[utoipa::path(post, path = "/api/v1/leads/{id}/follow-ups", tag = "leads", request_body = FollowUpInput,
    responses((status = 201, body = kuijing_service::customers::FollowUpView), (status = 422, body = Problem)))]
pub async fn add_lead_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FollowUpInput>,
) -> Response {
    respond_created(
        state
            .app
            .add_lead_follow_up(&caller, id, body, Vec::new())
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/leads/convert", tag = "leads", request_body = ConvertInput,
    responses((status = 200, body = Vec<Converted>), (status = 409, description = "Already converted (`lead_converted`), or leads that look like existing customers by normalised name, phone or e-mail (`duplicate_customer`, each lead with its matches in `duplicates`; send `on_duplicate` to link or create, or `choices` per lead to link one to the customer chosen, create, or leave it out)", body = Problem)))]
pub async fn convert_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ConvertInput>,
) -> Response {
    respond(state.app.convert_leads(&caller, body).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/leads/transfer", tag = "leads", request_body = LeadTransfer,
    responses((status = 200, body = u64), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer_leads(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<LeadTransfer>,
) -> Response {
    respond(state.app.transfer_leads(&caller, body).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/settings/lead-field-mapping", tag = "leads",
    description = "Which customer custom field each lead custom field becomes when a lead is converted.",
    responses((status = 200, body = Vec<FieldPair>)))]
pub async fn get_field_mapping(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.lead_field_mapping().await, &caller, lang)
}

#[utoipa::path(put, path = "/api/v1/settings/lead-field-mapping", tag = "leads", request_body = Vec<FieldPair>,
    description = "Replaces the mapping; both fields must exist and be of one type.",
    responses((status = 200, body = Vec<FieldPair>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_field_mapping(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<Vec<FieldPair>>,
) -> Response {
    respond(
        state.app.set_lead_field_mapping(&caller, body).await,
        &caller,
        lang,
    )
}
