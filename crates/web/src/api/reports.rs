//! `/api/v1/reports`: the built-in reports, each a table of groups and
//! figures in the caller's scope, as JSON or as a CSV or XLSX file.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kuijing_service::report_builder::{self as builder, ReportDefinition, SavedReportView};
use kuijing_service::reports::{BUILT_IN, Report, ReportQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::customer_io::{format_of, send_file};
use super::dashboard::DashboardParams;
use super::{Body, respond, respond_created, respond_done};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, name_insight_fields};
use crate::extract::{Id, Params};
use crate::i18n::Lang;
use kuijing_service::ServiceError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `today`, `yesterday`, `this_week`, `last_week`, `this_month` (the
    /// default), `last_month`, `this_quarter`, `last_quarter`, `this_year`,
    /// `last_year` or `custom`.
    pub period: Option<String>,
    /// With `custom`: the first day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// With `custom`: the last day (included), at most ten years after `from`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// `company` (the default), `department` or `users`.
    pub scope: Option<String>,
    pub department_id: Option<i64>,
    /// Whether a department's sub-departments count (default true).
    pub with_children: Option<bool>,
    /// With `users`: the people, comma-separated ids.
    pub user_ids: Option<String>,
    /// One of the report's groupings (see `GET /api/v1/reports`); for
    /// customers also `custom:KEY`, a custom field such as a region.
    pub by: Option<String>,
    /// The funnel's pipeline.
    pub pipeline_id: Option<i64>,
    /// The target report's measure: `contract_amount` (the default) or
    /// `payment_amount`.
    pub measure: Option<String>,
    /// For the export: `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

impl ReportParams {
    fn query(self) -> (Result<ReportQuery, ServiceError>, Option<String>) {
        let insight = DashboardParams {
            period: self.period,
            from: self.from,
            to: self.to,
            scope: self.scope,
            department_id: self.department_id,
            with_children: self.with_children,
            user_ids: self.user_ids,
        }
        .query();
        let (by, pipeline_id, measure) = (self.by, self.pipeline_id, self.measure);
        (
            insight.map(|insight| ReportQuery {
                insight,
                by,
                pipeline_id,
                measure,
            }),
            self.format,
        )
    }
}

/// A built-in report and how it may be grouped.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportKind {
    pub name: &'static str,
    /// The groupings, the default first.
    pub by: Vec<&'static str>,
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "reports",
    description = "The built-in reports and their groupings.",
    responses((status = 200, body = Vec<ReportKind>), (status = 403, body = Problem)))]
pub async fn list_reports(Extension(lang): Extension<Lang>, ApiUser(caller): ApiUser) -> Response {
    let kinds = caller
        .require(kuijing_domain::Permission::new(
            kuijing_domain::Kind::Report,
            kuijing_domain::Action::View,
        ))
        .map(|()| {
            BUILT_IN
                .iter()
                .map(|(name, by)| ReportKind {
                    name,
                    by: by.to_vec(),
                })
                .collect::<Vec<_>>()
        });
    respond(kinds, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/reports/{name}", tag = "reports",
    params(("name" = String, Path, description = "`customers`, `lead_conversion`, `pool`, `follow_ups`, `sales`, `products`, `funnel`, `win_rates`, `targets` or `approvals`"), ReportParams),
    description = "Every figure is computed in the database, in the caller's data scope and the company's time zone. Amounts are in minor units, one column per currency; percentages and hours in tenths, quantities in thousandths.",
    responses((status = 200, body = Report), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(name): Path<String>,
    Params(p): Params<ReportParams>,
) -> Response {
    let result = match p.query().0 {
        Ok(query) => state.app.report(&caller, &name, &query).await,
        Err(error) => Err(error),
    };
    let result = result.map(|mut report| {
        name_fixed_rows(&mut report, lang);
        report
    });
    respond(
        result.map_err(|e| name_insight_fields(e, lang)),
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/reports/{name}/export", tag = "reports",
    params(("name" = String, Path, description = "A built-in report"), ReportParams),
    description = "The report's table as CSV or XLSX (numbers as numbers), with a total row.",
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(name): Path<String>,
    Params(p): Params<ReportParams>,
) -> Response {
    let (query, format) = p.query();
    let result = match query {
        Ok(query) => export(&state, &caller, lang, &name, &query, format.as_deref()).await,
        Err(error) => Err(error),
    };
    result.unwrap_or_else(|error| problem(error, &caller, lang))
}

/// The export for the API and the pages alike; the pages show a refusal
/// on the report's own form.
pub(crate) async fn export(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    name: &str,
    query: &ReportQuery,
    format: Option<&str>,
) -> Result<Response, ServiceError> {
    let format = format_of(format)?;
    let text = |key: &str| lang.t(key);
    let path = state
        .app
        .export_report(caller, name, query, format, &text)
        .await?;
    send_file(path, format, name).await
}

/// Rows that are no record named in the caller's language, as the pages
/// and the exports name them: the funnel's outcomes, the target report's
/// company row, contracts and payments in the approval report. A row's
/// `key` stays as it is (`contract`, `payment`, a request kind's code).
fn name_fixed_rows(report: &mut Report, lang: Lang) {
    let text = |key: &str| lang.t(key);
    let named: Vec<Option<String>> = report
        .rows
        .iter()
        .map(|row| kuijing_service::reports::fixed_row_label(report, row.key.as_deref(), &text))
        .collect();
    for (row, label) in report.rows.iter_mut().zip(named) {
        if let Some(label) = label {
            row.label = label;
        }
    }
    kuijing_service::reports::name_target_months(report, &text);
    kuijing_service::reports::name_added_up(report);
}

/// A refusal as a problem document, with the pickers' fields named as they show them.
fn problem(error: ServiceError, caller: &kuijing_service::Caller, lang: Lang) -> Response {
    ApiError::from_service(name_insight_fields(error, lang), lang, &caller.request_id)
        .into_response()
}

/// What the report builder offers: the kinds and each one's system fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuilderKind {
    pub kind: &'static str,
    pub fields: Vec<BuilderField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuilderField {
    pub name: &'static str,
    /// Whether rows may be grouped by it.
    pub groups: bool,
    /// Whether it may be summed or averaged.
    pub measured: bool,
    /// Whether it takes a bucket (`day`, `week`, `month`, `quarter`, `year`).
    pub dated: bool,
}

#[utoipa::path(get, path = "/api/v1/custom-reports/fields", tag = "reports",
    description = "The kinds the report builder offers and their system fields; custom fields are named `custom.KEY` (see `/api/v1/fields`).",
    responses((status = 200, body = Vec<BuilderKind>)))]
pub async fn builder_fields() -> axum::Json<Vec<BuilderKind>> {
    axum::Json(
        builder::kinds()
            .into_iter()
            .map(|kind| BuilderKind {
                kind,
                fields: builder::fields_of(kind)
                    .into_iter()
                    .map(|(name, groups, measured, dated)| BuilderField {
                        name,
                        groups,
                        measured,
                        dated,
                    })
                    .collect(),
            })
            .collect(),
    )
}

#[utoipa::path(get, path = "/api/v1/custom-reports/catalog/{kind}", tag = "reports",
    params(("kind" = String, Path, description = "`customers`, `leads`, `contacts`, `opportunities`, `contracts`, `payments` or `follow_ups`")),
    description = "What the builder offers for a kind (needs `report.create`): every field, custom ones included, with whether it groups, is measured or takes a day bucket, the filter operators that fit it and the choices of fields that hold ids or options; and the users, departments and roles a report may be shared with.",
    responses((status = 200, body = builder::BuilderCatalog), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn builder_catalog(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Path(kind): Path<String>,
) -> Response {
    respond(
        state.app.report_catalog(&caller, &kind).await,
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/custom-reports", tag = "reports",
    description = "The saved reports the caller may open: their own, those shared with them, their department or one of their roles (all of them with `report.manage`).",
    responses((status = 200, body = Vec<SavedReportView>), (status = 403, body = Problem)))]
pub async fn list_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
) -> Response {
    respond(state.app.saved_reports(&caller).await, &caller, lang)
}

#[utoipa::path(post, path = "/api/v1/custom-reports", tag = "reports", request_body = ReportDefinition,
    description = "Saves a report of the builder (needs `report.create`). An unknown field, a sum over a text field or a grouping by an amount answers 422 naming the field.",
    responses((status = 201, body = SavedReportView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Body(body): Body<ReportDefinition>,
) -> Response {
    let saved = state.app.create_report(&caller, &body).await;
    let saved = named(&state, &caller, &body.kind, saved, lang).await;
    respond_created(saved, &caller, lang)
}

/// A builder refusal with each field named by its label (a custom field's
/// own, a system field's in the caller's language).
async fn named<T>(
    state: &AppState,
    caller: &kuijing_service::Caller,
    kind: &str,
    result: Result<T, ServiceError>,
    lang: Lang,
) -> Result<T, ServiceError> {
    match result {
        Err(error @ ServiceError::Invalid(_)) => {
            let catalog = match state.app.report_catalog(caller, kind).await {
                Ok(catalog) => Some(catalog),
                Err(_) => state.app.report_catalog(caller, "customers").await.ok(),
            };
            Err(match catalog {
                Some(catalog) => {
                    crate::pages::report_form::name_builder_fields(error, &catalog, lang)
                }
                None => error,
            })
        }
        other => other,
    }
}

#[utoipa::path(get, path = "/api/v1/custom-reports/{id}", tag = "reports",
    params(("id" = i64, Path)),
    description = "A saved report's definition; 404 for one that is not shared with the caller.",
    responses((status = 200, body = SavedReportView), (status = 404, body = Problem)))]
pub async fn get_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond(state.app.saved_report(&caller, id).await, &caller, lang)
}

/// A changed definition, with the version it was read at. `filters`,
/// `period_field` and `shares` left out keep what the report has.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedReportUpdate {
    pub version: i64,
    pub name: String,
    pub kind: String,
    pub group_by: Vec<String>,
    pub measures: Vec<builder::MeasureInput>,
    pub filters: Option<Vec<builder::FilterInput>>,
    pub period_field: Option<String>,
    pub chart: String,
    pub shares: Option<Vec<builder::ShareInput>>,
}

impl SavedReportUpdate {
    /// The whole definition: what the body gives over what is saved.
    fn over(self, saved: ReportDefinition) -> ReportDefinition {
        ReportDefinition {
            name: self.name,
            kind: self.kind,
            group_by: self.group_by,
            measures: self.measures,
            filters: self.filters.unwrap_or(saved.filters),
            period_field: match self.period_field {
                Some(field) if field.trim().is_empty() => None,
                Some(field) => Some(field),
                None => saved.period_field,
            },
            chart: self.chart,
            shares: self.shares.unwrap_or(saved.shares),
        }
    }
}

#[utoipa::path(put, path = "/api/v1/custom-reports/{id}", tag = "reports", request_body = SavedReportUpdate,
    params(("id" = i64, Path)),
    description = "Changes a saved report (its maker, or someone with `report.manage`); 409 when someone saved it since `version`.",
    responses((status = 200, body = SavedReportView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    body: Result<Body<SavedReportUpdate>, ApiError>,
) -> Response {
    // The report is looked up first: a missing one is 404 whatever the body.
    let current = match state.app.saved_report(&caller, id).await {
        Ok(current) => current,
        Err(error) => return respond(Err::<SavedReportView, _>(error), &caller, lang),
    };
    let Body(body) = match body {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let version = body.version;
    let definition = body.over(current.definition);
    let saved = state
        .app
        .update_report(&caller, (id, version), &definition)
        .await;
    let saved = named(&state, &caller, &definition.kind, saved, lang).await;
    respond(saved, &caller, lang)
}

#[utoipa::path(delete, path = "/api/v1/custom-reports/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
) -> Response {
    respond_done(state.app.delete_report(&caller, id).await, &caller, lang)
}

#[utoipa::path(get, path = "/api/v1/custom-reports/{id}/figures", tag = "reports",
    params(("id" = i64, Path), ReportParams),
    description = "A saved report's figures for the caller: always within the caller's own data scope, for the period and people chosen.",
    responses((status = 200, body = Report), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn run_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Params(p): Params<ReportParams>,
) -> Response {
    let result = match p.query().0 {
        Ok(query) => state.app.run_report(&caller, id, &query.insight).await,
        Err(error) => Err(error),
    };
    // Coded values (an outcome, a status) named in the caller's language
    // in `label`; `key` keeps the value itself.
    let result = result.map(|mut report| {
        kuijing_service::reports::name_coded_rows(&mut report, &|key: &str| lang.t(key));
        report
    });
    respond(
        result.map_err(|e| name_insight_fields(e, lang)),
        &caller,
        lang,
    )
}

#[utoipa::path(get, path = "/api/v1/custom-reports/{id}/export", tag = "reports",
    params(("id" = i64, Path), ReportParams),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn export_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ApiUser(caller): ApiUser,
    Id(id): Id,
    Params(p): Params<ReportParams>,
) -> Response {
    let (query, format) = p.query();
    let result = match query {
        Ok(query) => export_custom(&state, &caller, lang, id, &query, format.as_deref()).await,
        Err(error) => Err(error),
    };
    result.unwrap_or_else(|error| problem(error, &caller, lang))
}

/// A saved report's export, for the API and the pages.
pub(crate) async fn export_custom(
    state: &AppState,
    caller: &kuijing_service::Caller,
    lang: Lang,
    id: i64,
    query: &ReportQuery,
    format: Option<&str>,
) -> Result<Response, ServiceError> {
    let format = format_of(format)?;
    let text = |key: &str| lang.t(key);
    let (path, name) = state
        .app
        .export_saved_report(caller, id, &query.insight, format, &text)
        .await?;
    send_file(path, format, &name).await
}
