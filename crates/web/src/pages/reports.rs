//! The reports pages: the list of reports, and each report with the
//! dashboard's "whose data" and period pickers, its chart and its table.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kuijing_service::Caller;
use kuijing_service::choices::Choice;
use kuijing_service::reports::{BUILT_IN, Report, ReportColumn, ReportQuery, Unit};

pub(crate) use super::report_chart::{chart_of, name_months};

mod own_scope;

use super::Shell;
use super::dashboard::{Picker, Query, insight_answer};
use super::forms::{answer, optional_number, optional_text};
use crate::AppState;
use crate::auth::PageUser;

use crate::extract::Params;
use crate::i18n::Lang;
use kuijing_service::ServiceError;

#[derive(Template)]
#[template(path = "reports.html")]
struct ListView {
    shell: Shell,
    names: Vec<&'static str>,
    saved: Vec<kuijing_service::report_builder::SavedReportView>,
    can_build: bool,
}

pub async fn list_reports(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Params(done): Params<super::profile::DoneQuery>,
) -> Response {
    let notice = done.done.as_deref().and_then(|d| done_notice(lang, d));
    let built = caller
        .require(kuijing_domain::Permission::new(
            kuijing_domain::Kind::Report,
            kuijing_domain::Action::View,
        ))
        .map(|()| {
            let mut shell = Shell::new(&state, &caller, lang, "/reports", "reports.title");
            shell.notice = notice;
            ListView {
                shell,
                names: BUILT_IN.iter().map(|(n, _)| *n).collect(),
                saved: Vec::new(),
                can_build: state.app.may_build_reports(&caller).is_ok(),
            }
        });
    let built = match built {
        Ok(mut view) => state.app.saved_reports(&caller).await.map(|saved| {
            view.saved = saved;
            view
        }),
        Err(e) => Err(e),
    };
    answer(built, StatusCode::OK, &caller, lang)
}

#[derive(Template)]
#[template(path = "report.html")]
pub(crate) struct ReportView {
    pub(crate) shell: Shell,
    pub(crate) query: Query,
    pub(crate) filter_action: String,
    pub(crate) departments: Vec<Choice>,
    pub(crate) people: Vec<Choice>,
    /// What "whose data: all" gives this viewer (`company`, `department`, `team`, `own`).
    pub(crate) whole: &'static str,
    pub(crate) report: Report,
    pub(crate) title: String,
    pub(crate) groupings: Vec<String>,
    /// The labels of the custom fields offered as groupings, by key.
    pub(crate) custom_labels: Vec<(String, String)>,
    pub(crate) pipelines: Vec<Choice>,
    pub(crate) chart: String,
    pub(crate) legend: Vec<(usize, String)>,
    /// Said under a chart that could not draw every row.
    pub(crate) chart_note: Option<String>,
    /// The query string of the current choice, for the export links.
    pub(crate) here: String,
    pub(crate) can_export: bool,
    /// For a saved report: its id, and whether the viewer may edit it.
    pub(crate) saved: Option<(i64, bool)>,
    /// What a built-in report counts, and on which day.
    pub(crate) hint: Option<String>,
    /// Whether the viewer may set targets.
    pub(crate) can_manage: bool,
}

impl Picker for ReportView {
    fn picked(&self) -> &Query {
        &self.query
    }
}

impl ReportView {
    /// Whether the table has a total row: not where nothing adds up (a
    /// target report's holders and years), as the export leaves it out.
    pub(crate) fn has_total(&self) -> bool {
        self.report.totals.iter().any(Option::is_some)
    }

    /// What the report does not count: money in currencies other than the
    /// one its figures are in (a target report's).
    pub(crate) fn uncounted(&self) -> Option<String> {
        let currency = self
            .report
            .columns
            .iter()
            .find_map(|c| c.currency.clone())?;
        super::dashboard::uncounted_note(&self.shell, &self.report.other_currencies, &currency)
    }

    /// What a target report leaves out: targets set in other currencies
    /// than the one its figures are in.
    pub(crate) fn left_out(&self) -> Option<String> {
        let currency = self
            .report
            .columns
            .iter()
            .find_map(|c| c.currency.clone())?;
        super::dashboard::left_out_note(&self.shell, &self.report.targets_left_out, &currency)
    }

    /// How each target holder measured against its people's targets added
    /// up is measured, as the dashboard says it for a group.
    pub(crate) fn added_up(&self) -> Vec<String> {
        let Some(currency) = self.report.columns.iter().find_map(|c| c.currency.clone()) else {
            return Vec::new();
        };
        self.report
            .added_up
            .iter()
            .map(|holder| {
                kuijing_service::dashboard::group_target_text(
                    Some(&holder.name),
                    (&currency, holder.sub_departments),
                    &holder.without_target,
                    &|key: &str| self.shell.t(key),
                )
            })
            .collect()
    }

    /// The chart the report is drawn as (see
    /// [`super::report_chart::drawn_chart`]).
    pub(crate) fn drawn_chart(&self) -> &str {
        super::report_chart::drawn_chart(&self.report)
    }

    pub(crate) fn heading(&self, column: &ReportColumn) -> String {
        let text = |key: &str| self.shell.t(key);
        kuijing_service::reports::column_label(column, &text)
    }

    pub(crate) fn value(&self, value: &Option<i64>, column: &ReportColumn) -> String {
        format_value(*value, column.unit, column.currency.as_deref())
    }

    pub(crate) fn label(&self, label: &str) -> String {
        if label.is_empty() {
            self.shell.t("reports.none")
        } else {
            label.to_string()
        }
    }

    pub(crate) fn is_by(&self, by: &str) -> bool {
        self.report.by == by
    }

    pub(crate) fn grouping_label(&self, by: &str) -> String {
        // A custom field's grouping is named by the label the report carries.
        let carried = if by == self.report.by {
            self.report.by_label.as_ref()
        } else if self.report.by2.as_deref() == Some(by) {
            self.report.by2_label.as_ref()
        } else {
            None
        };
        let offered = by.strip_prefix("custom:").and_then(|key| {
            self.custom_labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, label)| label)
        });
        if let Some(label) = carried.or(offered) {
            return format!("{} · {label}", self.shell.t("report_by.custom"));
        }
        let text = |key: &str| self.shell.t(key);
        kuijing_service::reports::grouping_label(by, &text)
    }

    /// Whether the bar of choices and actions above the report has anything
    /// that works for this viewer (a grouping to change, a pipeline or a
    /// measure to pick, an export, an edit); without, it is not shown.
    pub(crate) fn has_options(&self) -> bool {
        self.groupings.len() > 1
            || !self.pipelines.is_empty()
            || !self.measures().is_empty()
            || self.can_export
            || self.saved.is_some_and(|(_, editable)| editable)
    }

    pub(crate) fn is_pipeline(&self, id: &i64) -> bool {
        self.query.pipeline_id == id.to_string()
    }

    /// The measures the target report offers, with the chosen one.
    pub(crate) fn measures(&self) -> Vec<(&'static str, bool)> {
        if self.report.name != "targets" {
            return Vec::new();
        }
        let chosen = match self.query.measure.as_str() {
            "" => "contract_amount",
            other => other,
        };
        kuijing_service::dashboard::MEASURES
            .iter()
            .map(|m| (*m, *m == chosen))
            .collect()
    }

    /// The funnel's figures beside its stages, in the currency its chart
    /// draws: the weighted forecast, and what was won and lost in the
    /// period (amount and count).
    pub(crate) fn funnel_facts(&self) -> Vec<(String, String)> {
        if self.report.name != "funnel" {
            return Vec::new();
        }
        let report = &self.report;
        let currency = report
            .series
            .iter()
            .filter_map(|i| report.columns.get(*i))
            .find_map(|c| c.currency.clone())
            .unwrap_or_default();
        let total = |key: &str, money: bool| -> i64 {
            report
                .columns
                .iter()
                .position(|c| c.key == key && (!money || c.currency.as_deref() == Some(&currency)))
                .and_then(|i| report.totals.get(i).copied().flatten())
                .unwrap_or(0)
        };
        let money = |key: &str| self.shell.money(&total(key, true), &currency);
        vec![
            (self.shell.t("dashboard.forecast"), money("forecast")),
            (
                self.shell.t("dashboard.won"),
                format!("{} ({})", money("won_amount"), total("won", false)),
            ),
            (
                self.shell.t("dashboard.lost"),
                format!("{} ({})", money("lost_amount"), total("lost", false)),
            ),
        ]
    }

    /// Where targets are set, when the target report found none.
    pub(crate) fn set_targets_link(&self) -> Option<String> {
        (self.report.name == "targets" && self.report.rows.is_empty() && self.can_manage).then(
            || {
                format!(
                    "/settings/targets?year={}",
                    chrono::Datelike::year(&self.report.to)
                )
            },
        )
    }
}

/// The confirmation after a report was saved or deleted.
fn done_notice(lang: Lang, done: &str) -> Option<String> {
    matches!(done, "saved" | "deleted").then(|| lang.t(&format!("done.{done}")))
}

/// A figure as the table shows it; money in the decimals of its column's
/// currency (`1,000` in yen).
pub(crate) fn format_value(value: Option<i64>, unit: Unit, currency: Option<&str>) -> String {
    let Some(value) = value else {
        return "—".into();
    };
    match unit {
        Unit::Count => kuijing_domain::money::grouped_count(value),
        Unit::Money => match currency {
            Some(currency) => kuijing_domain::money::format_in(value, currency),
            None => kuijing_domain::money::format_amount(value),
        },
        Unit::Percent => format!("{}%", tenths(value)),
        Unit::Hours => tenths(value),
        Unit::Number => kuijing_domain::money::grouped_quantity(value),
    }
}

fn tenths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}.{}", value.abs() / 10, value.abs() % 10)
}

/// The page's choice as a query string (for the export links).
pub(crate) fn query_string(query: &Query) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("period", &query.period),
        ("from", &query.from),
        ("to", &query.to),
        ("scope", &query.scope),
        ("department_id", &query.department_id),
        ("by", &query.by),
        ("pipeline_id", &query.pipeline_id),
        ("measure", &query.measure),
    ] {
        if !value.is_empty() {
            out.append_pair(key, value);
        }
    }
    if query.only_department() {
        out.append_pair("only_department", "1");
    }
    for user in &query.user_id {
        out.append_pair("user_id", user);
    }
    out.finish()
}

fn report_query(query: &Query) -> Result<ReportQuery, ServiceError> {
    Ok(ReportQuery {
        insight: query.service()?,
        by: optional_text(&query.by),
        pipeline_id: optional_number(&query.pipeline_id),
        measure: optional_text(&query.measure),
    })
}

/// Names for the rows that are not records: outcomes, approval kinds
/// (the API names them alike, `api::reports::name_fixed_rows`).
pub(crate) fn name_fixed_rows(report: &mut Report, shell: &Shell) {
    let text = |k: &str| shell.t(k);
    let fixed: Vec<Option<String>> = report
        .rows
        .iter()
        .map(|row| kuijing_service::reports::fixed_row_label(report, row.key.as_deref(), &text))
        .collect();
    for (row, own) in report.rows.iter_mut().zip(fixed) {
        if let Some(own) = own {
            row.label = own;
        }
    }
    kuijing_service::reports::name_target_months(report, &text);
    kuijing_service::reports::name_added_up(report);
}

/// A builder field's coded value (an outcome, a document's status, a
/// follow-up's kind) in the viewer's language; none where no text has it.
pub(crate) fn coded_value(shell: &Shell, field: &str, value: &str) -> Option<String> {
    kuijing_service::reports::coded_value(field, value, &|key: &str| shell.t(key))
}

async fn view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    name: &str,
    query: Query,
) -> Result<ReportView, kuijing_service::ServiceError> {
    let mut report = state
        .app
        .report(caller, name, &report_query(&query)?)
        .await?;
    let shell = Shell::new(state, caller, lang, "/reports", "reports.title");
    name_fixed_rows(&mut report, &shell);
    let title = shell.tk("report_names", name);
    let shell_hint = if name == "targets" {
        shell.t("target_fix.targets_hint")
    } else if name == "approvals" {
        shell.t("approvals_fix3.approvals_hint")
    } else {
        shell.tk("report_hints", name)
    };
    let (chart, legend, chart_note) = chart_of(&report, &shell, &title);
    let mut groupings: Vec<String> = BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, by)| by.iter().map(|b| b.to_string()).collect())
        .unwrap_or_default();
    let mut custom_labels = Vec::new();
    if name == "customers" {
        for field in state
            .app
            .custom_fields(kuijing_domain::Kind::Customer)
            .await?
        {
            groupings.push(format!("custom:{}", field.key));
            custom_labels.push((field.key, field.label));
        }
    }
    let pipelines = if name == "funnel" {
        state
            .app
            .pipelines(caller)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect()
    } else {
        Vec::new()
    };
    let (departments, people) = state.app.insight_choices(caller).await?;
    Ok(ReportView {
        departments,
        people,
        whole: state.app.insight_whole(caller).await?,
        can_export: caller.can(kuijing_domain::Permission::new(
            kuijing_domain::Kind::Report,
            kuijing_domain::Action::Export,
        )),
        here: query_string(&query),
        filter_action: format!("/reports/{name}"),
        shell,
        query,
        report,
        title,
        groupings,
        custom_labels,
        pipelines,
        chart,
        legend,
        chart_note,
        saved: None,
        hint: Some(shell_hint),
        can_manage: caller.can(kuijing_domain::Permission::new(
            kuijing_domain::Kind::Report,
            kuijing_domain::Action::Manage,
        )),
    })
}

pub async fn show_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path(name): Path<String>,
    Params(query): Params<Query>,
) -> Response {
    let built = view(&state, &caller, lang, &name, query.clone())
        .await
        .map(|page| super::render(&page, StatusCode::OK));
    let title = lang.t(&format!("report_names.{name}"));
    insight_answer(
        &state,
        (&caller, lang),
        built,
        query,
        (format!("/reports/{name}"), Some(title)),
    )
    .await
}

pub async fn export_report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    Path(name): Path<String>,
    Params(query): Params<Query>,
) -> Response {
    let format = optional_text(&query.format);
    let built = match report_query(&query) {
        Ok(asked) => {
            crate::api::report_export(&state, &caller, lang, &name, &asked, format.as_deref()).await
        }
        Err(error) => Err(error),
    };
    let title = lang.t(&format!("report_names.{name}"));
    insight_answer(
        &state,
        (&caller, lang),
        built,
        query,
        (format!("/reports/{name}"), Some(title)),
    )
    .await
}

async fn saved_view(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    query: Query,
) -> Result<ReportView, kuijing_service::ServiceError> {
    let definition = state.app.saved_report(caller, id).await?;
    let mut report = state.app.run_report(caller, id, &query.service()?).await?;
    let mut shell = Shell::new(state, caller, lang, "/reports", "reports.title");
    shell.notice = done_notice(lang, &query.done);
    let title = definition.definition.name.clone();
    kuijing_service::reports::name_coded_rows(&mut report, &|key: &str| shell.t(key));
    // Bars over date buckets show the empty ones at zero, in the table too.
    if let Some(filled) = kuijing_service::reports::bars_with_empty_buckets(&report) {
        report = filled;
    }
    let (chart, legend, chart_note) = chart_of(&report, &shell, &title);
    let (departments, people) = state.app.insight_choices(caller).await?;
    Ok(ReportView {
        departments,
        people,
        whole: state.app.insight_whole(caller).await?,
        can_export: caller.can(kuijing_domain::Permission::new(
            kuijing_domain::Kind::Report,
            kuijing_domain::Action::Export,
        )),
        here: query_string(&query),
        filter_action: format!("/reports/custom/{id}"),
        shell,
        query,
        report,
        title,
        groupings: Vec::new(),
        custom_labels: Vec::new(),
        pipelines: Vec::new(),
        chart,
        legend,
        chart_note,
        saved: Some((id, definition.editable)),
        hint: None,
        can_manage: false,
    })
}

/// A saved report of the builder, run for the viewer.
pub async fn show_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    crate::extract::Id(id): crate::extract::Id,
    Params(query): Params<Query>,
) -> Response {
    let built = saved_view(&state, &caller, lang, id, query.clone())
        .await
        .map(|page| super::render(&page, StatusCode::OK));
    saved_answer(&state, (&caller, lang), id, built, query).await
}

/// A saved report's page or export, or its pickers again when refused.
async fn saved_answer(
    state: &AppState,
    (caller, lang): (&Caller, Lang),
    id: i64,
    built: Result<Response, ServiceError>,
    query: Query,
) -> Response {
    let title = match &built {
        Err(ServiceError::Invalid(_)) => state
            .app
            .saved_report(caller, id)
            .await
            .map(|d| d.definition.name)
            .ok(),
        _ => None,
    };
    insight_answer(
        state,
        (caller, lang),
        built,
        query,
        (
            format!("/reports/custom/{id}"),
            Some(title.unwrap_or_default()),
        ),
    )
    .await
}

pub async fn export_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    crate::extract::Id(id): crate::extract::Id,
    Params(query): Params<Query>,
) -> Response {
    let format = optional_text(&query.format);
    let built = match report_query(&query) {
        Ok(asked) => {
            crate::api::saved_report_export(&state, &caller, lang, id, &asked, format.as_deref())
                .await
        }
        Err(error) => Err(error),
    };
    saved_answer(&state, (&caller, lang), id, built, query).await
}

/// Deletes a saved report from its page.
pub async fn delete_saved(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    PageUser(caller): PageUser,
    crate::extract::Id(id): crate::extract::Id,
) -> Response {
    match state.app.delete_report(&caller, id).await {
        Ok(()) => super::forms::done("/reports", "deleted"),
        Err(error) => super::forms::error_page(error, &caller, lang),
    }
}
