//! The HTML pages: the application shell, the customer pages and the
//! organisation pages.

mod approvals;
mod assets;
mod attachments;
mod batch_hint;
mod columns;
mod conditions;
pub(crate) mod conflict;
mod contact_form;
mod contact_page;
mod contacts;
mod contract_form;
mod contract_list;
mod contract_lists;
mod contract_plans;
mod contracts;
mod customer_io;
mod customers;
mod dashboard;
mod departments;
mod drill;
mod event_form;
mod field_settings;
mod flow_form;
mod flow_settings;
mod flow_vocabulary;
mod follow_up_list;
mod follow_ups;
mod forms;
mod import_checks;
mod import_run;
mod inbox;
mod lead_form;
mod lead_mapping;
mod lead_page;
mod leads;
mod list_notes;
mod numbering;
mod opportunities;
mod payments;
mod pool;
mod pool_draft;
mod pool_recycling;
mod pool_rules;
mod pool_settings;
mod product_lines;
mod products;
mod profile;
mod record_batch;
mod records;
mod report_chart;
pub(crate) mod report_form;
mod reports;
mod request_form;
mod request_kinds;
mod requests;
mod roles;
mod sales_import;
mod sales_settings;
mod schedule;
mod search;
mod session;
mod shell;
mod shell_text;
pub(crate) mod stale_form;
mod targets;
mod teams;
mod users;
pub(crate) mod view_check;

pub(crate) use assets::asset_version;
pub use shell::Shell;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kuijing_domain::{Action, Kind, Permission};

use crate::AppState;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::imports::{ImportKind, RecordImport};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(session::show_login).post(session::login))
        .route("/logout", post(session::logout))
        .route("/language", post(session::set_language))
        .route("/search", get(search::search))
        .route(
            "/contacts",
            get(contacts::list_contacts).post(contact_form::create_contact),
        )
        .route("/contacts/new", get(contact_form::new_contact))
        .route("/contacts/export", get(contacts::export_contacts))
        .route(
            "/contacts/import",
            get(customer_io::show_import)
                .post(customer_io::upload_import)
                .layer(Extension(RecordImport::Contact)),
        )
        .route(
            "/contacts/import/confirm",
            post(customer_io::confirm_import).layer(Extension(RecordImport::Contact)),
        )
        .route("/contacts/transfer", post(contacts::transfer_contacts))
        .route("/contacts/delete", post(contacts::delete_contacts))
        .route(
            "/contacts/{id}",
            get(contact_page::show_contact).post(contact_form::update_contact),
        )
        .route("/contacts/{id}/edit", get(contact_form::edit_contact))
        .route(
            "/contacts/{id}/follow-ups",
            post(contact_page::add_follow_up),
        )
        .route("/contacts/{id}/attachments", post(attachments::upload))
        .route(
            "/leads",
            get(leads::list_leads).post(lead_form::create_lead),
        )
        .route("/leads/new", get(lead_form::new_lead))
        .route("/leads/export", get(leads::export_leads))
        .route(
            "/leads/import",
            get(customer_io::show_import)
                .post(customer_io::upload_import)
                .layer(Extension(RecordImport::Lead)),
        )
        .route(
            "/leads/import/confirm",
            post(customer_io::confirm_import).layer(Extension(RecordImport::Lead)),
        )
        .route("/leads/transfer", post(leads::transfer_leads))
        .route("/leads/convert", post(leads::convert_leads))
        .route("/leads/delete", post(leads::delete_leads))
        .route(
            "/leads/{id}",
            get(lead_page::show_lead).post(lead_form::update_lead),
        )
        .route("/leads/{id}/edit", get(lead_form::edit_lead))
        .route("/leads/{id}/follow-ups", post(lead_page::add_follow_up))
        .route("/leads/{id}/team", post(teams::put_lead_member))
        .route("/leads/{id}/team/remove", post(teams::remove_lead_member))
        .route("/leads/{id}/convert", post(leads::convert_lead))
        .route("/leads/{id}/attachments", post(attachments::upload))
        .route("/follow-ups", get(follow_up_list::list_follow_ups))
        .route(
            "/opportunities",
            get(opportunities::list_opportunities).post(opportunities::create_opportunity),
        )
        .route("/opportunities/board", get(opportunities::board))
        .route(
            "/opportunities/import",
            get(sales_import::show_import)
                .post(sales_import::upload_import)
                .layer(Extension(ImportKind::Opportunity)),
        )
        .route("/opportunities/transfer", post(opportunities::transfer))
        .route("/opportunities/stage", post(opportunities::move_many))
        .route("/opportunities/delete", post(opportunities::delete_many))
        .route("/opportunities/export", get(opportunities::export))
        .route("/opportunities/new", get(opportunities::new_opportunity))
        .route(
            "/opportunities/{id}",
            get(opportunities::show_opportunity).post(opportunities::update_opportunity),
        )
        .route(
            "/opportunities/{id}/edit",
            get(opportunities::edit_opportunity),
        )
        .route("/opportunities/{id}/stage", post(opportunities::move_stage))
        .route(
            "/opportunities/{id}/team",
            post(teams::put_opportunity_member),
        )
        .route(
            "/opportunities/{id}/team/remove",
            post(teams::remove_opportunity_member),
        )
        .route(
            "/opportunities/{id}/follow-ups",
            post(opportunities::add_follow_up),
        )
        .route(
            "/opportunities/{id}/delete",
            post(opportunities::delete_opportunity),
        )
        .route(
            "/contracts",
            get(contracts::list_contracts).post(contract_form::create_contract),
        )
        .route("/contracts/new", get(contract_form::new_contract))
        .route(
            "/contracts/import",
            get(sales_import::show_import)
                .post(sales_import::upload_import)
                .layer(Extension(ImportKind::Contract)),
        )
        .route("/contracts/transfer", post(contracts::transfer_contracts))
        .route("/contracts/delete", post(contracts::delete_contracts))
        .route("/contracts/export", get(contracts::export_contracts))
        .route("/payments/export", get(payments::export_payments))
        .route("/list-columns/{kind}", post(columns::save_columns))
        .route(
            "/schedule",
            get(schedule::show_schedule).post(event_form::create_event),
        )
        .route("/schedule/new", get(event_form::new_event))
        .route(
            "/schedule/{id}",
            get(event_form::edit_event).post(event_form::update_event),
        )
        .route("/schedule/{id}/done", post(event_form::mark_done))
        .route("/schedule/{id}/delete", post(event_form::delete_event))
        .route(
            "/contracts/{id}",
            get(contracts::show_contract).post(contract_form::update_contract),
        )
        .route("/contracts/{id}/edit", get(contract_form::edit_contract))
        .route("/contracts/{id}/submit", post(contracts::submit_contract))
        .route("/contracts/{id}/void", post(contracts::void_contract))
        .route("/contracts/{id}/team", post(teams::put_contract_member))
        .route(
            "/contracts/{id}/team/remove",
            post(teams::remove_contract_member),
        )
        .route("/contracts/{id}/delete", post(contracts::delete_contract))
        .route("/contracts/{id}/plans", post(contracts::add_plan))
        .route("/contracts/{id}/plans/{plan}", post(contracts::update_plan))
        .route(
            "/contracts/{id}/plans/{plan}/delete",
            post(contracts::delete_plan),
        )
        .route(
            "/payments",
            get(payments::list_payments).post(payments::create_payment),
        )
        .route("/payments/new", get(payments::new_payment))
        .route(
            "/payments/import",
            get(sales_import::show_import)
                .post(sales_import::upload_import)
                .layer(Extension(ImportKind::Payment)),
        )
        .route(
            "/payments/{id}",
            get(payments::show_payment).post(payments::update_payment),
        )
        .route("/payments/{id}/edit", get(payments::edit_payment))
        .route("/payments/{id}/submit", post(payments::submit_payment))
        .route("/payments/{id}/void", post(payments::void_payment))
        .route("/payments/{id}/delete", post(payments::delete_payment))
        .route("/approvals", get(approvals::list_approvals))
        .route("/approvals/{id}/act", post(approvals::act))
        .route("/notifications", get(inbox::notifications))
        .route("/notifications/read", post(inbox::read_all))
        .route("/notifications/{id}/open", get(inbox::open_notification))
        .route("/views", post(inbox::save_view))
        .route("/views/delete", post(inbox::delete_view))
        .route(
            "/requests",
            get(inbox::list_requests).post(inbox::create_request),
        )
        .route("/requests/new", get(inbox::new_request))
        .route(
            "/requests/{id}",
            get(inbox::request_page).post(inbox::update_request),
        )
        .route("/requests/{id}/edit", get(inbox::edit_request))
        .route("/requests/{id}/submit", post(inbox::submit_request))
        .route("/requests/{id}/delete", post(inbox::delete_request))
        .route(
            "/settings/fields",
            get(field_settings::show).post(field_settings::create_field),
        )
        .route("/settings/fields/{id}", post(field_settings::update_field))
        .route("/settings/fields/mapping", post(lead_mapping::save_mapping))
        .route(
            "/settings/fields/{id}/delete",
            post(field_settings::delete_field),
        )
        .route("/settings/options", post(field_settings::create_option))
        .route(
            "/settings/options/{id}",
            post(field_settings::update_option),
        )
        .route(
            "/settings/request-forms",
            get(inbox::request_kinds).post(inbox::save_request_kind),
        )
        .route(
            "/products",
            get(products::list_products).post(products::create_product),
        )
        .route("/products/new", get(products::new_product))
        .route(
            "/products/import",
            get(sales_import::show_import)
                .post(sales_import::upload_import)
                .layer(Extension(ImportKind::Product)),
        )
        .route("/products/{id}", post(products::update_product))
        .route("/products/{id}/edit", get(products::edit_product))
        .route("/products/{id}/delete", post(products::delete_product))
        .route("/products/categories", post(products::create_category))
        .route(
            "/products/categories/{id}/delete",
            post(products::delete_category),
        )
        .route(
            "/settings/pipelines",
            get(sales_settings::show_pipelines).post(sales_settings::create_pipeline),
        )
        .route(
            "/settings/pipelines/{id}",
            post(sales_settings::update_pipeline),
        )
        .route(
            "/settings/pipelines/{id}/stages",
            post(sales_settings::move_stage),
        )
        .route(
            "/settings/pipelines/{id}/default",
            post(sales_settings::set_default_pipeline),
        )
        .route("/settings/numbering", get(numbering::show_numbering))
        .route(
            "/settings/numbering/{kind}",
            post(numbering::save_number_rule),
        )
        .route(
            "/settings/approval-flows",
            get(flow_settings::show_flows).post(flow_settings::save_flow),
        )
        .route("/dashboard", get(dashboard::show_dashboard))
        .route("/reports", get(reports::list_reports))
        .route("/reports/{name}", get(reports::show_report))
        .route(
            "/reports/custom/new",
            get(report_form::new_report).post(report_form::create_report),
        )
        .route(
            "/reports/custom/{id}/edit",
            get(report_form::edit_report).post(report_form::update_report),
        )
        .route("/reports/custom/{id}", get(reports::show_saved))
        .route("/reports/custom/{id}/export", get(reports::export_saved))
        .route("/reports/custom/{id}/delete", post(reports::delete_saved))
        .route("/reports/{name}/export", get(reports::export_report))
        .route(
            "/settings/targets",
            get(targets::show_targets).post(targets::save_targets),
        )
        .route(
            "/settings/targets/{id}/delete",
            post(targets::delete_target),
        )
        .route("/exports/{kind}", get(export_sales))
        .route("/pool", get(pool::show_pool))
        .route("/pool/claim", post(pool::claim))
        .route("/pool/assign", post(pool::assign))
        .route("/pool/move", post(pool::move_customers))
        .route("/pool/recycling", get(pool_recycling::show))
        .route(
            "/settings/pools",
            get(pool_settings::list).post(pool_settings::create),
        )
        .route(
            "/settings/pools/{id}",
            get(pool_settings::show).post(pool_settings::save),
        )
        .route("/settings/pools/{id}/delete", post(pool_settings::delete))
        .route("/customers/{id}/release", post(pool::release))
        .route("/customers/{id}/lock", post(customers::set_lock))
        .route("/customers/{id}/contacts", post(customers::add_contact))
        .route("/customers/{id}/attachments", post(attachments::upload))
        .route("/opportunities/{id}/attachments", post(attachments::upload))
        .route("/contracts/{id}/attachments", post(attachments::upload))
        .route("/payments/{id}/attachments", post(attachments::upload))
        .route("/attachments/{id}/delete", post(attachments::delete))
        .route("/profile", get(profile::show_profile))
        .route("/profile/password", post(profile::change_password))
        .route("/customers/export", get(customer_io::export_customers))
        .route(
            "/customers/import",
            get(customer_io::show_import)
                .post(customer_io::upload_import)
                .layer(Extension(RecordImport::Customer)),
        )
        .route(
            "/customers/import/confirm",
            post(customer_io::confirm_import).layer(Extension(RecordImport::Customer)),
        )
        .route(
            "/customers",
            get(customers::list_customers).post(customers::create_customer),
        )
        .route("/customers/new", get(customers::new_customer))
        .route("/customers/transfer", post(customers::transfer_customers))
        .route("/customers/delete", post(customers::delete_customers))
        .route(
            "/customers/{id}",
            get(customers::show_customer).post(customers::update_customer),
        )
        .route("/customers/{id}/edit", get(customers::edit_customer))
        .route("/customers/{id}/follow-ups", post(customers::add_follow_up))
        .route("/customers/{id}/team", post(customers::put_team_member))
        .route(
            "/customers/{id}/team/remove",
            post(customers::remove_team_member),
        )
        .route(
            "/departments",
            get(departments::list_departments).post(departments::create_department),
        )
        .route(
            "/departments/{id}",
            get(departments::show_department).post(departments::update_department),
        )
        .route(
            "/departments/{id}/delete",
            post(departments::delete_department),
        )
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/users/new", get(users::new_user))
        .route(
            "/users/{id}",
            get(users::show_user).post(users::update_user),
        )
        .route("/users/{id}/edit", get(users::edit_user))
        .route("/users/{id}/status", post(users::set_status))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/roles", get(roles::list_roles).post(roles::create_role))
        .route("/roles/new", get(roles::new_role))
        .route(
            "/roles/{id}",
            get(roles::show_role).post(roles::update_role),
        )
        .route("/roles/{id}/delete", post(roles::delete_role))
        .route("/static/app.css", get(assets::stylesheet))
        .route("/static/app.js", get(assets::script))
        .route("/static/icon.svg", get(assets::icon))
        .route("/manifest.webmanifest", get(assets::manifest))
}

/// The first page after signing in: the organisation for those who manage
/// it, the user's own account for everyone else.
async fn home(crate::auth::PageUser(caller): crate::auth::PageUser) -> Response {
    let target = if caller.can(Permission::new(Kind::Customer, Action::View)) {
        "/dashboard"
    } else if caller.can(Permission::new(Kind::User, Action::View)) {
        "/users"
    } else {
        "/profile"
    };
    axum::response::Redirect::to(target).into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: String,
}

/// A list's export from its page: the same file the API gives.
async fn export_sales(
    State(state): State<AppState>,
    axum::Extension(lang): axum::Extension<Lang>,
    crate::auth::PageUser(caller): crate::auth::PageUser,
    headers: axum::http::HeaderMap,
    axum::extract::Path(kind): axum::extract::Path<String>,
    crate::extract::Params(query): crate::extract::Params<ExportQuery>,
) -> Response {
    let format = if query.format.is_empty() {
        "xlsx"
    } else {
        query.format.as_str()
    };
    let filter = crate::api::SalesExportFilter::default();
    crate::api::exports_page(
        &state,
        (&caller, &headers),
        lang,
        &kind,
        (Some(format), &filter),
    )
    .await
}

pub async fn not_found(request: Request) -> Response {
    let (lang, request_id) = crate::request_id::answer_in(request.extensions());
    if request.uri().path().starts_with("/api/") {
        // Told apart from a missing record, so a client sees it called a
        // path that does not exist.
        let mut error = crate::error::ApiError::from_service(
            kuijing_service::ServiceError::NotFound,
            lang,
            &request_id,
        );
        error.0.code = "unknown_route".into();
        return error.into_response();
    }
    PageError::not_found(lang, &request_id).into_response()
}

/// Renders a template, or a plain error page if it cannot be rendered.
pub fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
