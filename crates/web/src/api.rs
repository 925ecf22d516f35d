//! The JSON API under `/api/v1`, described by an OpenAPI document that is
//! generated from the same route list the router is built from.

mod all_fields;
mod approvals;
pub(crate) mod attachments;
mod auth;
mod body;
mod contacts;
mod contracts;
pub(crate) mod customer_io;
mod customers;
mod dashboard;
mod departments;
mod edits;
mod events;
mod exports;
mod follow_ups;
mod if_match;
mod leads;
pub(crate) mod list_columns;
mod numbering;
mod opportunities;
mod options;
mod payments;
mod pipelines;
mod pools;
mod products;
mod reports;
mod requests;
mod roles;
mod teams;
mod users;

pub use body::{Body, BodyOrDefault};
pub(crate) use body::{body_error, read_value};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(OpenApi)]
#[openapi(
    info(title = "Kuijing CRM", description = "The REST API of Kuijing CRM. A `POST` may carry an `Idempotency-Key` header: sent again by the same user to the same path with the same body, it answers as the first did (`Idempotent-Replayed: true`); with another body it is refused with 422 (`idempotency_key_reused`). An edit (`PUT`) keeps every field its body leaves out."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(crate::error::Problem, crate::error::FieldProblem))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// Every API route, each with its documentation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(
            departments::list_departments,
            departments::create_department
        ))
        .routes(routes!(
            departments::get_department,
            departments::update_department,
            departments::delete_department
        ))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(users::reset_password))
        .routes(routes!(roles::list_roles, roles::create_role))
        .routes(routes!(
            roles::get_role,
            roles::update_role,
            roles::delete_role
        ))
        .routes(routes!(
            customers::list_customers,
            customers::create_customer
        ))
        .routes(routes!(customers::customer_duplicates))
        .routes(routes!(pools::release_to_pool))
        .routes(routes!(pools::list_pools, pools::create_pool))
        .routes(routes!(pools::recycling_soon))
        .routes(routes!(
            pools::get_pool,
            pools::update_pool,
            pools::delete_pool
        ))
        .routes(routes!(pools::list_pool_customers))
        .routes(routes!(pools::claim_from_pool))
        .routes(routes!(pools::assign_from_pool))
        .routes(routes!(pools::move_between_pools))
        .routes(routes!(customer_io::export_customers))
        .routes(routes!(customer_io::import_template))
        .routes(routes!(customer_io::import_customers))
        .routes(routes!(customers::transfer_customers))
        .routes(routes!(customers::delete_customers))
        .routes(routes!(
            customers::get_customer,
            customers::update_customer,
            customers::delete_customer
        ))
        .routes(routes!(customers::customer_sales))
        .routes(routes!(customers::add_follow_up))
        .routes(routes!(
            attachments::list_attachments,
            attachments::upload_attachment
        ))
        .routes(routes!(
            attachments::download_attachment,
            attachments::delete_attachment
        ))
        .routes(routes!(customers::lock_customer))
        .routes(routes!(customers::unlock_customer))
        .routes(routes!(customers::search))
        .routes(routes!(
            customers::put_team_member,
            customers::remove_team_member
        ))
        .routes(routes!(customers::list_fields, customers::create_field))
        .routes(routes!(options::list_options, options::create_option))
        .routes(routes!(options::update_option))
        .routes(routes!(customers::update_field, customers::delete_field))
        .routes(routes!(numbering::list_number_rules))
        .routes(routes!(numbering::set_number_rule))
        .routes(routes!(leads::list_leads, leads::create_lead))
        .routes(routes!(leads::export_leads))
        .routes(routes!(exports::import_leads))
        .routes(routes!(leads::transfer_leads))
        .routes(routes!(leads::get_field_mapping, leads::put_field_mapping))
        .routes(routes!(
            attachments::list_lead_attachments,
            attachments::upload_lead_attachment
        ))
        .routes(routes!(leads::convert_leads))
        .routes(routes!(
            leads::get_lead,
            leads::update_lead,
            leads::delete_lead
        ))
        .routes(routes!(leads::add_lead_follow_up))
        .routes(routes!(teams::put_lead_member, teams::remove_lead_member))
        .routes(routes!(contacts::list_contacts, contacts::create_contact))
        .routes(routes!(contacts::export_contacts))
        .routes(routes!(exports::import_contacts))
        .routes(routes!(contacts::transfer_contacts))
        .routes(routes!(contacts::add_contact_follow_up))
        .routes(routes!(
            attachments::list_contact_attachments,
            attachments::upload_contact_attachment
        ))
        .routes(routes!(
            contacts::get_contact,
            contacts::update_contact,
            contacts::delete_contact
        ))
        .routes(routes!(products::list_products, products::create_product))
        .routes(routes!(
            products::get_product,
            products::update_product,
            products::delete_product
        ))
        .routes(routes!(
            products::list_categories,
            products::create_category
        ))
        .routes(routes!(
            products::update_category,
            products::delete_category
        ))
        .routes(routes!(
            pipelines::list_pipelines,
            pipelines::create_pipeline
        ))
        .routes(routes!(pipelines::update_pipeline))
        .routes(routes!(pipelines::set_default_pipeline))
        .routes(routes!(pipelines::move_stage))
        .routes(routes!(
            opportunities::list_opportunities,
            opportunities::create_opportunity
        ))
        .routes(routes!(opportunities::opportunity_board))
        .routes(routes!(opportunities::move_opportunities))
        .routes(routes!(opportunities::transfer_opportunities))
        .routes(routes!(opportunities::delete_opportunities))
        .routes(routes!(
            opportunities::get_opportunity,
            opportunities::update_opportunity,
            opportunities::delete_opportunity
        ))
        .routes(routes!(opportunities::move_opportunity))
        .routes(routes!(opportunities::add_opportunity_follow_up))
        .routes(routes!(
            teams::put_opportunity_member,
            teams::remove_opportunity_member
        ))
        .routes(routes!(
            attachments::list_opportunity_attachments,
            attachments::upload_opportunity_attachment
        ))
        .routes(routes!(
            contracts::list_contracts,
            contracts::create_contract
        ))
        .routes(routes!(contracts::transfer_contracts))
        .routes(routes!(contracts::delete_contracts))
        .routes(routes!(
            contracts::get_contract,
            contracts::update_contract,
            contracts::delete_contract
        ))
        .routes(routes!(contracts::submit_contract))
        .routes(routes!(contracts::void_contract))
        .routes(routes!(
            teams::put_contract_member,
            teams::remove_contract_member
        ))
        .routes(routes!(contracts::add_payment_plan))
        .routes(routes!(
            contracts::update_payment_plan,
            contracts::delete_payment_plan
        ))
        .routes(routes!(
            attachments::list_contract_attachments,
            attachments::upload_contract_attachment
        ))
        .routes(routes!(payments::list_payments, payments::create_payment))
        .routes(routes!(
            payments::get_payment,
            payments::update_payment,
            payments::delete_payment
        ))
        .routes(routes!(payments::submit_payment))
        .routes(routes!(payments::void_payment))
        .routes(routes!(
            attachments::list_payment_attachments,
            attachments::upload_payment_attachment
        ))
        .routes(routes!(approvals::list_flows, approvals::create_flow))
        .routes(routes!(approvals::update_flow))
        .routes(routes!(approvals::approvals_waiting))
        .routes(routes!(approvals::approvals_waiting_count))
        .routes(routes!(approvals::approvals_submitted))
        .routes(routes!(approvals::act_on_approval))
        .routes(routes!(approvals::approval_stats))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(follow_ups::list_follow_ups))
        .routes(routes!(exports::export_sales))
        .routes(routes!(exports::import_products))
        .routes(routes!(exports::import_opportunities))
        .routes(routes!(exports::import_contracts))
        .routes(routes!(exports::import_payments))
        .routes(routes!(exports::import_template))
        .routes(routes!(dashboard::set_target, dashboard::list_targets))
        .routes(routes!(dashboard::delete_target))
        .routes(routes!(
            requests::list_request_kinds,
            requests::save_request_kind
        ))
        .routes(routes!(requests::list_requests, requests::create_request))
        .routes(routes!(
            requests::get_request,
            requests::update_request,
            requests::delete_request
        ))
        .routes(routes!(requests::submit_request))
        .routes(routes!(requests::list_notifications))
        .routes(routes!(requests::read_all_notifications))
        .routes(routes!(requests::read_notification))
        .routes(routes!(requests::list_views, requests::save_view))
        .routes(routes!(requests::delete_view))
        .routes(routes!(reports::list_reports))
        .routes(routes!(reports::get_report))
        .routes(routes!(reports::export_report))
        .routes(routes!(reports::builder_fields))
        .routes(routes!(reports::builder_catalog))
        .routes(routes!(reports::list_saved, reports::create_saved))
        .routes(routes!(
            reports::get_saved,
            reports::update_saved,
            reports::delete_saved
        ))
        .routes(routes!(reports::run_saved))
        .routes(routes!(reports::export_saved))
        .routes(routes!(
            list_columns::get_list_columns,
            list_columns::put_list_columns,
            list_columns::reset_list_columns
        ))
        .routes(routes!(events::list_events, events::create_event))
        .routes(routes!(
            events::get_event,
            events::update_event,
            events::delete_event
        ))
        .routes(routes!(attachments::upload_follow_up_attachment))
}

/// The OpenAPI document of every API route.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    router().split_for_parts().1
}

pub async fn serve_openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}

/// The text search and page of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Text to find in names (and phones and e-mails, for users).
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50); a number outside the range is refused (422, `limit_out_of_range`).
    pub limit: Option<u64>,
}

impl ListParams {
    fn page(&self, lang: Lang, request_id: &str) -> Result<kuijing_service::PageRequest, ApiError> {
        let cursor = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
                let errors = kuijing_domain::FieldError::new("cursor", "cursor_invalid").into();
                ApiError::from_service(
                    kuijing_service::ServiceError::Invalid(errors),
                    lang,
                    request_id,
                )
            })?),
            None => None,
        };
        Ok(kuijing_service::PageRequest {
            cursor,
            limit: self.limit,
            anchor: None,
        })
    }
}

/// The page a list asks for, or the problem with its cursor.
fn page_of(
    cursor: Option<String>,
    limit: Option<u64>,
    lang: Lang,
    request_id: &str,
) -> Result<kuijing_service::PageRequest, ApiError> {
    ListParams {
        q: None,
        cursor,
        limit,
    }
    .page(lang, request_id)
}

/// The page a sorted list asks for: its cursor must have been made under
/// the same `sort`, or it is refused naming the `cursor` parameter.
fn sorted_page_of(
    cursor: Option<&str>,
    sort: Option<&str>,
    limit: Option<u64>,
    lang: Lang,
    request_id: &str,
) -> Result<kuijing_service::PageRequest, ApiError> {
    kuijing_service::sorted_pages::page_of(cursor, sort, limit)
        .map_err(|error| ApiError::from_service(error, lang, request_id))
}

/// A list that is not paged: everything in scope, in one answer.
#[derive(Debug, Serialize)]
pub struct Everything<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

impl<T> Everything<T> {
    fn new(items: Vec<T>) -> Self {
        Self {
            total: items.len() as i64,
            items,
            next_cursor: None,
        }
    }
}

/// A created record: 201 with its JSON.
pub fn respond_created<T: Serialize>(
    result: kuijing_service::Result<T>,
    caller: &kuijing_service::Caller,
    lang: Lang,
) -> Response {
    answer(StatusCode::CREATED, result, None, caller, lang)
}

/// Turns a service result into JSON, or its error into a problem document.
pub fn respond<T: Serialize>(
    result: kuijing_service::Result<T>,
    caller: &kuijing_service::Caller,
    lang: Lang,
) -> Response {
    answer(StatusCode::OK, result, None, caller, lang)
}

/// As [`respond`], naming invalid fields as records of `kind` call them.
pub fn respond_in<T: Serialize>(
    kind: &str,
    result: kuijing_service::Result<T>,
    caller: &kuijing_service::Caller,
    lang: Lang,
) -> Response {
    answer(StatusCode::OK, result, Some(kind), caller, lang)
}

/// As [`respond_created`], naming invalid fields as records of `kind` call them.
pub fn respond_created_in<T: Serialize>(
    kind: &str,
    result: kuijing_service::Result<T>,
    caller: &kuijing_service::Caller,
    lang: Lang,
) -> Response {
    answer(StatusCode::CREATED, result, Some(kind), caller, lang)
}

pub(crate) use customer_io::send_file;
pub(crate) use dashboard::day_of;
pub(crate) use exports::kind_name;
pub(crate) use reports::{export as report_export, export_custom as saved_report_export};

pub(crate) use exports::SalesExportFilter;

/// A sales list's export for the pages: a browser that opened the address
/// is told why there is no file on a page (an API client in JSON).
pub(crate) async fn exports_page(
    state: &crate::AppState,
    (caller, headers): (&kuijing_service::Caller, &axum::http::HeaderMap),
    lang: Lang,
    kind: &str,
    (format, filter): (Option<&str>, &SalesExportFilter),
) -> Response {
    exports::export_file(state, caller, lang, kind, (format, filter))
        .await
        .unwrap_or_else(|error| {
            crate::error::error_answer(error, lang, &caller.request_id, headers)
        })
}

/// A deletion, or another change with nothing to tell: 204.
pub fn respond_done(
    result: kuijing_service::Result<()>,
    caller: &kuijing_service::Caller,
    lang: Lang,
) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => ApiError::from_service(error, lang, &caller.request_id).into_response(),
    }
}

fn answer<T: Serialize>(
    status: StatusCode,
    result: kuijing_service::Result<T>,
    kind: Option<&str>,
    caller: &kuijing_service::Caller,
    lang: Lang,
) -> Response {
    match result {
        Ok(value) => (status, Json(value)).into_response(),
        Err(error) => {
            ApiError::from_service_in(error, kind, lang, &caller.request_id).into_response()
        }
    }
}

/// Chosen rows as a query gives them: comma-separated ids, or none.
pub(crate) fn ids_of(
    text: Option<&str>,
) -> Result<Option<Vec<i64>>, kuijing_service::ServiceError> {
    match text.filter(|i| !i.trim().is_empty()) {
        None => Ok(None),
        Some(text) => text
            .split(',')
            .map(|i| i.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(|_| {
                kuijing_service::ServiceError::Invalid(
                    kuijing_domain::FieldError::new("ids", "invalid_value").into(),
                )
            }),
    }
}
