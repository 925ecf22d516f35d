//! `/api/v1/customers`, and the custom fields of every kind at `/api/v1/fields`.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kuijing_domain::Kind;
use kuijing_domain::fields::FieldDef;
use kuijing_service::customer_sales::CustomerSales;
use kuijing_service::customers::{
    CustomerBatch, CustomerDetail, CustomerInput, CustomerListQuery, CustomerPatch, CustomerView,
    DuplicateHint, FilterInput, FollowUpInput, TeamInput, TransferInput,
};
use kuijing_service::fields::{FieldPatch, NewField};
use kuijing_service::{ListPage, ServiceError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::all_fields::{EveryField, read_patch};
use super::edits::{Edit, stale};
use super::if_match::tagged;
use super::teams::MemberParams;
use super::{Body, respond, respond_created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Id, Params};
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerParams {
    /// Text found in the name, phones, e-mail or tax ID.
    pub q: Option<String>,
    /// A saved view: `mine`, `team`, `created_this_week`, or `all`.
    pub view: Option<String>,
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
    /// Conditions as JSON: `[{"field":"level_id","op":"one_of","value":[1]}]`.
    pub filter: Option<String>,
}

impl CustomerParams {
    pub fn into_query(self) -> Result<CustomerListQuery, kuijing_service::ServiceError> {
        record_query(
            (self.q, self.view, self.filter),
            (self.sort, self.desc),
            (self.cursor, self.limit),
        )
    }
}

/// A list's filter conditions as the API takes them: JSON, or nothing.
pub(crate) fn filters_of(
    filter: Option<&str>,
) -> Result<Vec<FilterInput>, kuijing_service::ServiceError> {
    match filter.filter(|f| !f.trim().is_empty()) {
        Some(text) => serde_json::from_str(text).map_err(|_| {
            kuijing_service::ServiceError::Invalid(
                kuijing_domain::FieldError::new("filter", "invalid_value").into(),
            )
        }),
        None => Ok(Vec::new()),
    }
}

/// A list's query as the API takes it, for any kind: search, view and the
/// filter conditions as JSON; sort; where the page starts and its length.
pub(crate) fn record_query(
    (search, view, filter): (Option<String>, Option<String>, Option<String>),
    (sort, descending): (Option<String>, bool),
    (cursor, limit): (Option<String>, Option<u64>),
) -> Result<CustomerListQuery, kuijing_service::ServiceError> {
    let filters = filters_of(filter.as_deref())?;
    Ok(CustomerListQuery {
        search,
        filters,
        view,
        sort,
        descending,
        cursor,
        limit,
    })
}

#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(CustomerParams),
    responses((status = 200, body = ListPage<CustomerView>), (status = 422, body = Problem)))]
pub async fn list_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(params): Params<CustomerParams>,
) -> Response {
    let result = match params.into_query() {
        Ok(query) => state.app.list_customers(&caller, &query).await,
        Err(error) => Err(error),
    };
    respond(result, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = CustomerDetail), (status = 422, body = Problem)))]
pub async fn create_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    EveryField(body): EveryField<CustomerInput>,
) -> Response {
    respond_created(
        state.app.create_customer(&caller, body).await,
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    description = "The record with its version as `ETag` (`\"7\"`), to send back as `If-Match` on an edit.",
    responses((status = 200, body = CustomerDetail), (status = 404, body = Problem)))]
pub async fn get_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    let detail = state.app.get_customer(&caller, id).await.map(|mut detail| {
        crate::i18n::word_log_fields(&mut detail.change_log, lang);
        detail
    });
    let version = detail.as_ref().ok().map(|d| d.view.customer.version);
    tagged(respond(detail, &caller, lang), version)
}

#[utoipa::path(get, path = "/api/v1/customers/{id}/sales", tag = "customers",
    description = "The customer's opportunities, contracts, instalments and payments the caller may see, the first 20 of each with the total; a kind the caller may not view is left out.",
    responses((status = 200, body = CustomerSales), (status = 404, body = Problem)))]
pub async fn customer_sales(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.customer_sales(&caller, id).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", request_body = CustomerPatch,
    description = "Fields left out keep their stored values. The version read goes as `version` in the body or as an `If-Match` header holding the `ETag` of the record's detail (`\"7\"`); when both are sent they must name the same version (else 422 `if_match_disagrees`). A save on an older version answers 409 with the stored record as `current` and, as `changes`, each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent). An edit that sends neither (or `If-Match: *`) is not checked: it saves over whatever is stored now, including changes made since it was read. The 200 answer carries the new version as `ETag`.",
    responses((status = 200, body = CustomerDetail), (status = 409, description = "Saved by someone else meanwhile: `current` is the stored record, `changes` each field sent whose stored value is now different (`field`, `label`, `theirs` as stored, `yours` as sent)", body = Problem), (status = 422, body = Problem)))]
pub async fn update_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    edit: Edit,
) -> Response {
    let transfer = Some("/api/v1/customers/transfer");
    let body: CustomerPatch = match read_patch(edit.0.clone(), lang, &caller.request_id, transfer) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    // A name sent as `null` would clear what every customer must have.
    if edit.0.get("name").is_some_and(serde_json::Value::is_null) {
        let required = kuijing_domain::FieldError::new("name", "required");
        return respond::<()>(Err(ServiceError::Invalid(required.into())), &caller, lang);
    }
    match state.app.update_customer(&caller, id, body).await {
        Err(error @ ServiceError::Changed { .. }) => {
            stale(&state, &caller, lang, (Kind::Customer, id), &edit, error).await
        }
        result => {
            let version = result.as_ref().ok().map(|d| d.view.customer.version);
            tagged(respond(result, &caller, lang), version)
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers",
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    let batch = CustomerBatch {
        ids: vec![id],
        matching: None,
    };
    match state.app.delete_customers(&caller, &batch).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Affected {
    pub count: u64,
}

#[utoipa::path(post, path = "/api/v1/customers/transfer", tag = "customers", request_body = TransferInput,
    responses((status = 200, body = Affected), (status = 422, body = Problem)))]
pub async fn transfer_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<TransferInput>,
) -> Response {
    respond(
        state
            .app
            .transfer_customers(&caller, body)
            .await
            .map(|count| Affected { count }),
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/customers/delete", tag = "customers", request_body = CustomerBatch,
    description = "Deletes the customers of `ids`, or every customer that matches `matching` and that the caller may change; all or none: a locked one refuses the batch.",
    responses((status = 200, body = Affected), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn delete_customers(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<CustomerBatch>,
) -> Response {
    respond(
        state
            .app
            .delete_customers(&caller, &body)
            .await
            .map(|count| Affected { count }),
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/follow-ups", tag = "customers", request_body = FollowUpInput,
    responses((status = 201, body = kuijing_service::customers::FollowUpView), (status = 422, body = Problem)))]
pub async fn add_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FollowUpInput>,
) -> Response {
    respond_created(
        state
            .app
            .add_customer_follow_up(&caller, id, body, Vec::new())
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/team", tag = "customers", request_body = TeamInput,
    responses((status = 204, description = "Added or changed"), (status = 422, body = Problem)))]
pub async fn put_team_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<serde_json::Value>,
) -> Response {
    super::teams::put(&state, lang, &caller, (Kind::Customer, id), body).await
}

#[utoipa::path(delete, path = "/api/v1/customers/{id}/team", tag = "customers", params(MemberParams),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
pub async fn remove_team_member(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Params(params): Params<MemberParams>,
) -> Response {
    super::teams::remove(&state, lang, &caller, (Kind::Customer, id), params.user_id).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DuplicateParams {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The customer being edited, which is not its own duplicate.
    pub except: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/customers/duplicates", tag = "customers", params(DuplicateParams),
    responses((status = 200, body = Vec<DuplicateHint>)))]
pub async fn customer_duplicates(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<DuplicateParams>,
) -> Response {
    let result = state
        .app
        .customer_duplicates(
            &caller,
            p.name.as_deref(),
            p.phone.as_deref(),
            p.email.as_deref(),
            p.except,
        )
        .await;
    respond(result, &caller, lang)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KindParams {
    pub kind: String,
}

#[utoipa::path(get, path = "/api/v1/fields", tag = "fields", params(KindParams),
    responses((status = 200, body = Vec<FieldDef>)))]
pub async fn list_fields(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<KindParams>,
) -> Response {
    respond(state.app.list_fields(&caller, &p.kind).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/fields", tag = "fields", request_body = NewField,
    responses((status = 201, body = FieldDef), (status = 422, body = Problem)))]
pub async fn create_field(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<NewField>,
) -> Response {
    let builtin = |kind| crate::field_labels::builtin_labels(kind, lang);
    respond_created(
        state.app.create_field(&caller, body, &builtin).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/lock", tag = "customers",
    responses((status = 200, body = CustomerDetail), (status = 403, body = Problem)))]
pub async fn lock_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(
        state.app.lock_customer(&caller, id, true).await,
        &caller,
        lang,
    )
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/unlock", tag = "customers",
    responses((status = 200, body = CustomerDetail), (status = 403, body = Problem)))]
pub async fn unlock_customer(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(
        state.app.lock_customer(&caller, id, false).await,
        &caller,
        lang,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Name, phone or e-mail, or part of one.
    pub q: String,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = kuijing_service::search::SearchResults)))]
pub async fn search(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Params(p): Params<SearchParams>,
) -> Response {
    respond(state.app.search(&caller, &p.q).await, &caller, lang)
}

#[utoipa::path(patch, path = "/api/v1/fields/{id}", tag = "fields", request_body = FieldPatch,
    responses((status = 200, body = FieldDef), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_field(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Body(body): Body<FieldPatch>,
) -> Response {
    respond(
        state
            .app
            .update_field(&caller, id, body, &|kind| {
                crate::field_labels::builtin_labels(kind, lang)
            })
            .await,
        &caller,
        lang,
    )
}

#[utoipa::path(delete, path = "/api/v1/fields/{id}", tag = "fields",
    responses((status = 204, description = "Deleted; stored values are kept but no longer shown"), (status = 404, body = Problem)))]
pub async fn delete_field(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    match state.app.delete_field(&caller, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}
