//! The HTML pages: the application shell, the customer pages and the
//! organisation pages.

mod approvals;
mod attachments;
mod batch_hint;
mod columns;
pub(crate) mod conflict;
mod contact_form;
mod contact_page;
mod contacts;
mod contract_form;
mod contract_lists;
mod contracts;
mod customer_io;
mod customers;
mod dashboard;
mod departments;
mod drill;
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
mod records;
mod report_chart;
pub(crate) mod report_form;
mod reports;
mod request_form;
mod roles;
mod sales_import;
mod sales_settings;
mod schedule;
mod search;
mod session;
mod targets;
mod teams;
mod users;
pub(crate) mod view_check;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use kuijing_domain::{Action, Kind, Permission};
use kuijing_service::Caller;

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
            get(schedule::show_schedule).post(schedule::create_event),
        )
        .route("/schedule/new", get(schedule::new_event))
        .route(
            "/schedule/{id}",
            get(schedule::edit_event).post(schedule::update_event),
        )
        .route("/schedule/{id}/done", post(schedule::mark_done))
        .route("/schedule/{id}/delete", post(schedule::delete_event))
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
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/static/icon.svg", get(icon))
        .route("/manifest.webmanifest", get(manifest))
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

/// One entry of the navigation.
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    pub icon: &'static str,
    /// A count beside the entry, such as approvals waiting.
    pub badge: Option<i64>,
}

/// What every page of the application shows around its content.
pub struct Shell {
    pub lang: Lang,
    pub csrf: String,
    pub me_id: i64,
    pub me_name: String,
    pub me_initial: String,
    pub nav: Vec<NavItem>,
    pub settings_nav: Vec<NavItem>,
    pub active: &'static str,
    pub notice: Option<String>,
    /// Why a list shows another order or page than its address asked for
    /// (a sort it does not offer, a page link of another sort), above it.
    pub list_note: Option<String>,
    /// A list narrowed to the records behind a dashboard figure: what it
    /// shows, and where the whole list is.
    pub drill: Option<(String, String)>,
    pub title: String,
    pub zone: chrono_tz::Tz,
    /// The company currency: custom money on records without a currency
    /// of their own (customers, leads, contacts) is shown in it.
    pub currency: String,
    /// When the page was made, by the application's clock.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Shell {
    /// A one-time token for a create form (see `once`): a second submit of
    /// the same form lands on what the first created.
    pub fn once(&self) -> String {
        crate::once::token()
    }

    pub fn new(
        state: &AppState,
        caller: &Caller,
        lang: Lang,
        active: &'static str,
        title_key: &str,
    ) -> Self {
        let can = |kind: Kind| caller.can(Permission::new(kind, Action::View));
        // The modules in their order; each appears once its pages exist.
        let mut nav = Vec::new();
        nav.push(NavItem {
            key: "nav.dashboard",
            href: "/dashboard",
            icon: "chart",
            badge: None,
        });
        if can(Kind::Lead) {
            nav.push(NavItem {
                key: "nav.leads",
                href: "/leads",
                icon: "lead",
                badge: None,
            });
        }
        if can(Kind::Customer) {
            nav.push(NavItem {
                key: "nav.customers",
                href: "/customers",
                icon: "building",
                badge: None,
            });
        }
        if can(Kind::Opportunity) {
            nav.push(NavItem {
                key: "nav.opportunities",
                href: "/opportunities",
                icon: "funnel",
                badge: None,
            });
        }
        if can(Kind::Contract) {
            nav.push(NavItem {
                key: "nav.contracts",
                href: "/contracts",
                icon: "contract",
                badge: None,
            });
        }
        if can(Kind::Contact) {
            nav.push(NavItem {
                key: "nav.contacts",
                href: "/contacts",
                icon: "user",
                badge: None,
            });
        }
        if can(Kind::Pool) {
            nav.push(NavItem {
                key: "nav.pool",
                href: "/pool",
                icon: "pool",
                badge: None,
            });
        }
        if can(Kind::Payment) {
            nav.push(NavItem {
                key: "nav.payments",
                href: "/payments",
                icon: "coin",
                badge: None,
            });
        }
        if can(Kind::Product) {
            nav.push(NavItem {
                key: "nav.products",
                href: "/products",
                icon: "box",
                badge: None,
            });
        }
        if can(Kind::Event) {
            nav.push(NavItem {
                key: "schedule.nav",
                href: "/schedule",
                icon: "calendar",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Report, Action::View)) {
            nav.push(NavItem {
                key: "nav.reports",
                href: "/reports",
                icon: "chart",
                badge: None,
            });
        }
        nav.push(NavItem {
            key: "nav.approvals",
            href: "/approvals",
            icon: "check",
            badge: (caller.waiting_approvals > 0).then_some(caller.waiting_approvals),
        });
        nav.push(NavItem {
            key: "nav.notifications",
            href: "/notifications",
            icon: "bell",
            badge: (caller.unread_notifications > 0).then_some(caller.unread_notifications),
        });
        nav.push(NavItem {
            key: "nav.profile",
            href: "/profile",
            icon: "user",
            badge: None,
        });
        let mut settings_nav = Vec::new();
        if can(Kind::Department) {
            settings_nav.push(NavItem {
                key: "nav.departments",
                href: "/departments",
                icon: "tree",
                badge: None,
            });
        }
        if can(Kind::User) {
            settings_nav.push(NavItem {
                key: "nav.users",
                href: "/users",
                icon: "users",
                badge: None,
            });
        }
        if can(Kind::Role) {
            settings_nav.push(NavItem {
                key: "nav.roles",
                href: "/roles",
                icon: "shield",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Settings, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "nav.fields",
                href: "/settings/fields",
                icon: "contract",
                badge: None,
            });
            settings_nav.push(NavItem {
                key: "nav.pipelines",
                href: "/settings/pipelines",
                icon: "funnel",
                badge: None,
            });
            settings_nav.push(NavItem {
                key: "nav.numbering",
                href: "/settings/numbering",
                icon: "contract",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Pool, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "pools.nav",
                href: "/settings/pools",
                icon: "pool",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Report, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "nav.targets",
                href: "/settings/targets",
                icon: "chart",
                badge: None,
            });
        }
        if caller.can(Permission::new(Kind::Approval, Action::Manage)) {
            settings_nav.push(NavItem {
                key: "nav.flows",
                href: "/settings/approval-flows",
                icon: "check",
                badge: None,
            });
            settings_nav.push(NavItem {
                key: "nav.request_forms",
                href: "/settings/request-forms",
                icon: "contract",
                badge: None,
            });
        }
        Self {
            lang,
            csrf: caller.session.csrf_token.clone(),
            me_id: caller.user.id,
            me_initial: caller
                .user
                .name
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
            me_name: caller.user.name.clone(),
            nav,
            settings_nav,
            active,
            notice: None,
            list_note: None,
            drill: None,
            title: lang.t(title_key),
            zone: state.app.time_zone(),
            currency: state.app.currency(),
            now: state.app.now(),
        }
    }

    /// Shows a confirmation after a redirect (`?done=saved`).
    pub fn with_notice(mut self, done: Option<&str>) -> Self {
        self.notice = done
            .filter(|d| d.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|d| self.lang.t(&format!("done.{d}")));
        self
    }

    /// Puts the count of a batch action into its confirmation.
    pub fn with_count(mut self, count: Option<u64>) -> Self {
        if let (Some(notice), Some(count)) = (self.notice.as_mut(), count) {
            *notice = notice.replace("%{count}", &count.to_string());
        }
        self
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The count the phone's "More" entry shows: what its hidden items count.
    pub fn more_badge(&self) -> Option<i64> {
        let total: i64 = self.nav.iter().skip(4).filter_map(|item| item.badge).sum();
        (total > 0).then_some(total)
    }

    /// A text with a number in it (`第 %{n} 期`).
    pub fn tn(&self, key: &str, n: &impl std::fmt::Display) -> String {
        self.lang.t(key).replace("%{n}", &n.to_string())
    }

    /// Which zone a time on a form is typed in.
    pub fn zone_hint(&self) -> String {
        self.t("customers.zone_hint")
            .replace("%{zone}", self.zone.name())
    }

    /// The text of `prefix.key`, for keys made of a value (`status.active`).
    pub fn tk(&self, prefix: &str, key: &str) -> String {
        self.lang.t(&format!("{prefix}.{key}"))
    }

    /// An approval history row's action in words; the newer ones are in
    /// their own section of the locales.
    pub fn approval_action(&self, action: &str) -> String {
        let text = self.tk("approval_action", action);
        if text == format!("approval_action.{action}") {
            self.tk("approval_fix.approval_action", action)
        } else {
            text
        }
    }

    /// A logged value as a person reads it: statuses and yes/no in words.
    pub fn value_label(&self, field: &str, value: &str) -> String {
        match (field, value) {
            ("status", _) => {
                // A user's status, or a contract's or a payment's.
                let key = format!("status.{value}");
                let text = self.lang.t(&key);
                if text == key {
                    self.tk("doc_status", value)
                } else {
                    text
                }
            }
            ("recycle_reason", kind) => self.tk("pools.soon.reasons", kind),
            // The other fields whose logged value is a code of a fixed list.
            ("outcome" | "gender", code) => {
                let key = format!("{field}.{code}");
                let text = self.lang.t(&key);
                if text == key { code.to_string() } else { text }
            }
            (_, "true") => self.t("customers.yes"),
            (_, "false") => self.t("customers.no"),
            _ => value.to_string(),
        }
    }

    /// The label of a logged field: a custom field shows its key, a field the
    /// locale does not name shows as stored.
    pub fn field_label(&self, field: &str) -> String {
        if let Some(key) = field.strip_prefix("custom.") {
            return key.to_string();
        }
        // An instalment's field: `plans.2.amount` is instalment 2's amount.
        if let Some(("plans", rest)) = field.split_once('.')
            && let Some((n, inner)) = rest.split_once('.')
        {
            let inner = if inner == "method_id" {
                "payment_method_id"
            } else {
                inner
            };
            let plan = self.tn("contracts.instalment_n", &n);
            return format!("{plan} · {}", self.field_label(inner));
        }
        let key = format!("fields.{field}");
        let label = self.lang.t(&key);
        if label != key {
            return label;
        }
        let more = format!("sales3.fields.{field}");
        let label = self.lang.t(&more);
        if label == more {
            field.to_string()
        } else {
            label
        }
    }

    /// A fingerprint of the stylesheet and script, added to their links so a
    /// browser fetches them again after an upgrade instead of its cached copy.
    pub fn assets(&self) -> &'static str {
        asset_version()
    }

    pub fn langs(&self) -> [Lang; 3] {
        Lang::ALL
    }

    /// An amount in minor units with its currency: `USD 1,234.50`, or
    /// `JPY 1,000` in a currency without decimals.
    pub fn money(&self, minor: &i64, currency: &str) -> String {
        kuijing_domain::money::format_money(*minor, currency)
    }

    /// An amount as a form is filled with it, in the decimals of its
    /// currency: `1234.50`, `1000` in yen.
    pub fn plain_amount(&self, minor: &i64, currency: &str) -> String {
        kuijing_domain::money::amount_text_in(*minor, currency)
    }

    /// A quantity kept in thousandths: `1.5`.
    pub fn quantity(&self, milli: &i64) -> String {
        kuijing_domain::money::quantity_text(*milli)
    }

    /// A discount kept in basis points, as a percentage: `12.5`.
    pub fn discount(&self, basis_points: &i64) -> String {
        kuijing_domain::money::discount_text(*basis_points)
    }

    /// A calendar date, as stored (never shifted by a time zone).
    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }

    /// The day of an instant in the company's time zone, as addresses
    /// carry it: `2026-03-02`.
    pub fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.zone).format("%Y-%m-%d").to_string()
    }

    /// A custom field's value as the viewer reads it: yes or no in their
    /// language, choices and texts as they are.
    pub fn custom_text(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Bool(true) => self.t("customers.yes"),
            serde_json::Value::Bool(false) => self.t("customers.no"),
            other => kuijing_domain::fields::display(other),
        }
    }

    /// A custom field's value on a record's page, by its type: a percent
    /// with its sign (`12.5%`), money grouped in the decimals of the
    /// record's `currency` (`1,000` in yen; on a record without one, such
    /// as a customer, with the company currency's code, `USD 1,234.50`, as
    /// its change log shows it), yes or no in the viewer's language.
    pub fn custom_shown(
        &self,
        def: &kuijing_domain::fields::FieldDef,
        value: &serde_json::Value,
        currency: &str,
    ) -> String {
        if value.is_boolean() {
            return self.custom_text(value);
        }
        use kuijing_domain::fields::{FieldType, display_as};
        if currency.is_empty() && def.field_type == FieldType::Money {
            let shown = display_as(def.field_type, value, Some(&self.currency), true);
            return format!("{} {shown}", self.currency);
        }
        let currency = Some(currency).filter(|c| !c.is_empty());
        display_as(def.field_type, value, currency, true)
    }

    /// Now in the company's time zone, as a `datetime-local` box takes it.
    pub fn now_local(&self) -> String {
        self.now
            .with_timezone(&self.zone)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }

    /// A date and time in the company's time zone.
    pub fn datetime(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
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

/// The fingerprint of the static files, computed once.
pub(crate) fn asset_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        // FNV-1a over both files: cheap, stable, and enough to tell versions apart.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in include_str!("../static/app.css")
            .bytes()
            .chain(include_str!("../static/app.js").bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    })
}

async fn stylesheet() -> Response {
    static_file("text/css; charset=utf-8", include_str!("../static/app.css"))
}

async fn script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../static/app.js"),
    )
}

async fn icon() -> Response {
    static_file("image/svg+xml", include_str!("../static/icon.svg"))
}

async fn manifest(State(_): State<AppState>) -> Response {
    static_file(
        "application/manifest+json",
        include_str!("../static/manifest.webmanifest"),
    )
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
