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

use super::Shell;
use super::dashboard::{Picker, Query, insight_answer};
use super::forms::{answer, optional_number, optional_text};
use crate::AppState;
use crate::auth::PageUser;
use crate::charts::{self, Group};
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

    pub(crate) fn heading(&self, column: &ReportColumn) -> String {
        let text = |key: &str| self.shell.t(key);
        kuijing_service::reports::column_label(column, &text)
    }

    pub(crate) fn value(&self, value: &Option<i64>, column: &ReportColumn) -> String {
        format_value(*value, column.unit)
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

/// A figure as the table shows it.
pub(crate) fn format_value(value: Option<i64>, unit: Unit) -> String {
    let Some(value) = value else {
        return "—".into();
    };
    match unit {
        Unit::Count => kuijing_domain::money::grouped_count(value),
        Unit::Money => kuijing_domain::money::format_amount(value),
        Unit::Percent => format!("{}%", tenths(value)),
        Unit::Hours => tenths(value),
        Unit::Number => kuijing_domain::money::grouped_quantity(value),
    }
}

fn tenths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}.{}", value.abs() / 10, value.abs() % 10)
}

/// The most points a line draws, and the most bars a chart draws: beyond
/// them a chart no one can read; the table keeps every row.
const MOST_POINTS: usize = 400;
const MOST_BARS: usize = 60;

/// The chart of a report (none for a table), its legend, and a note when
/// the chart leaves rows to the table.
pub(crate) fn chart_of(
    report: &Report,
    shell: &Shell,
    title: &str,
) -> (String, Vec<(usize, String)>, Option<String>) {
    let text = |key: &str| shell.t(key);
    let label = |row: &kuijing_service::reports::ReportRow| {
        let mut text = if row.label.is_empty() {
            shell.t("reports.none")
        } else {
            row.label.clone()
        };
        if let Some(second) = &row.label2 {
            text.push_str(" · ");
            text.push_str(if second.is_empty() { "—" } else { second });
        }
        text
    };
    let series: Vec<&ReportColumn> = report
        .series
        .iter()
        .filter_map(|i| report.columns.get(*i))
        .collect();
    let legend: Vec<(usize, String)> = series
        .iter()
        .enumerate()
        .map(|(i, c)| (i, kuijing_service::reports::column_label(c, &text)))
        .collect();
    // The target report's chart draws the months, each named by its month:
    // the period rows stand in the table, and a bar per year beside its
    // months would dwarf them. Several holders are drawn as horizontal
    // bars, each holder's name a heading above their months, so neither
    // is cut to fit under a bar.
    let targets = report.is_target_report();
    let holders: std::collections::BTreeSet<&Option<String>> =
        report.rows.iter().map(|r| &r.key).collect();
    let several = targets && holders.len() > 1;
    // A period across years names its months with their year.
    let across = chrono::Datelike::year(&report.from) != chrono::Datelike::year(&report.to);
    let short = |row: &kuijing_service::reports::ReportRow| match &row.key2 {
        Some(month) if targets => {
            let month = if across {
                month.as_str()
            } else {
                month.split_once('-').map_or(month.as_str(), |(_, m)| m)
            };
            month.to_string()
        }
        _ => label(row),
    };
    let holder_of = |row: &kuijing_service::reports::ReportRow| {
        if row.label.is_empty() {
            shell.t("reports.none")
        } else {
            row.label.clone()
        }
    };
    let mut previous_holder: Option<Option<String>> = None;
    let most = if report.chart == "line" {
        MOST_POINTS
    } else {
        MOST_BARS
    };
    let charted = report
        .rows
        .iter()
        .filter(|row| !targets || row.key2.as_ref().is_some_and(|k| k.len() == 7))
        // The funnel draws its stages; won and lost are said beside it.
        .filter(|row| !report.is_outcome_row(row));
    let total = charted.clone().count();
    let note = (total > most && !matches!(report.chart.as_str(), "table" | "pie")).then(|| {
        shell
            .t("insight_fix3.chart_cut")
            .replace("%{shown}", &most.to_string())
            .replace("%{total}", &total.to_string())
    });
    let groups: Vec<Group> = charted
        .take(most)
        .map(|row| {
            let name = label(row);
            Group {
                values: report
                    .series
                    .iter()
                    .map(|i| row.values.get(*i).copied().flatten().unwrap_or(0))
                    .collect(),
                titles: report
                    .series
                    .iter()
                    .zip(&legend)
                    .map(|(i, (_, heading))| {
                        let unit = report.columns.get(*i).map_or(Unit::Count, |c| c.unit);
                        format!(
                            "{name} · {heading}: {}",
                            format_value(row.values.get(*i).copied().flatten(), unit)
                        )
                    })
                    .collect(),
                label: short(row),
                note: (several && previous_holder.as_ref() != Some(&row.key)).then(|| {
                    previous_holder = Some(row.key.clone());
                    holder_of(row)
                }),
            }
        })
        .collect();
    let mut groups = groups;
    if !targets {
        name_months(&mut groups, shell);
    }
    // Series in the same unit share one value axis; a second unit (a count
    // beside an amount) gets its own on the right, said in the legend.
    let axes = value_axes(&series);
    let mut legend = legend;
    let horizontal = (groups.len() > 12 || several)
        && !matches!(report.chart.as_str(), "line" | "pie" | "funnel" | "table");
    if axes.len() == 2 {
        // Horizontal bars have the first axis under them, the second above.
        let (first, second) = if horizontal {
            ("charts_fix.bottom_axis", "charts_fix.top_axis")
        } else {
            ("charts_fix.left_axis", "charts_fix.right_axis")
        };
        for (i, entry) in legend.iter_mut() {
            let side = if axes[0].series.contains(i) {
                first
            } else {
                second
            };
            entry.push_str(&format!(" ({})", shell.t(side)));
        }
    }
    let names: Vec<&str> = legend.iter().map(|(_, l)| l.as_str()).collect();
    let svg = match report.chart.as_str() {
        "table" => String::new(),
        "line" => charts::lines(&groups, &names, title, &axes),
        "pie" => {
            let slices: Vec<(String, i64)> = report
                .rows
                .iter()
                .filter(|row| !report.is_outcome_row(row))
                .map(|row| {
                    let value = report
                        .series
                        .first()
                        .and_then(|i| row.values.get(*i).copied().flatten());
                    (label(row), value.unwrap_or(0))
                })
                .collect();
            let unit = series.first().map_or(Unit::Count, |c| c.unit);
            let figure = |value: i64| format_value(Some(value), unit);
            charts::pie(&slices, title, &shell.t("charts_fix.other"), &figure)
        }
        "funnel" => {
            let stages: Vec<(String, i64, String)> = groups
                .iter()
                .map(|g| {
                    (
                        g.label.clone(),
                        g.values.first().copied().unwrap_or(0),
                        g.titles
                            .iter()
                            .map(|t| t.rsplit(": ").next().unwrap_or_default().to_string())
                            .collect::<Vec<_>>()
                            .join(" · "),
                    )
                })
                .collect();
            charts::funnel(&stages, title)
        }
        _ if horizontal => charts::bars(&groups, &names, title, &axes),
        _ => charts::grouped_bars(&groups, &names, title, &axes),
    };
    (svg, legend, note)
}

/// The value axes of a report's series: one for each unit (and currency)
/// among them, the first on the left; an average has an axis of its own
/// on the right, never the scale of a sum or a count beside it. Series in
/// more than two units get none and are each drawn against their own
/// largest value.
fn value_axes(series: &[&ReportColumn]) -> Vec<charts::Axis> {
    let averaged = |c: &ReportColumn| c.key == "average";
    let mut axes: Vec<(Unit, Option<String>, bool, charts::Axis)> = Vec::new();
    for (index, column) in series.iter().enumerate() {
        if let Some((_, _, _, axis)) = axes.iter_mut().find(|(unit, currency, average, _)| {
            *unit == column.unit && *currency == column.currency && *average == averaged(column)
        }) {
            axis.series.push(index);
            continue;
        }
        let (divisor, suffix) = match column.unit {
            Unit::Count => (1, ""),
            Unit::Money => (100, ""),
            Unit::Percent => (10, "%"),
            Unit::Hours => (10, ""),
            Unit::Number => (1000, ""),
        };
        axes.push((
            column.unit,
            column.currency.clone(),
            averaged(column),
            charts::Axis {
                series: vec![index],
                divisor,
                suffix,
            },
        ));
    }
    if axes.len() > 2 {
        return Vec::new();
    }
    // The average on the right, whichever measure comes first.
    axes.sort_by_key(|(_, _, average, _)| *average);
    axes.into_iter().map(|(_, _, _, axis)| axis).collect()
}

/// Months ("2026-03") under a chart named short, as the viewer's language
/// names them ("Mar", "3月"), with the year under the first month and under
/// each January; other labels are left as they are.
pub(crate) fn name_months(groups: &mut [Group], shell: &Shell) {
    use chrono::Datelike;
    let month_of = |label: &str| -> Option<(String, usize)> {
        let (year, month) = label.split_once('-')?;
        let month: usize = month.parse().ok()?;
        (year.len() == 4
            && year.parse::<i32>().is_ok()
            && (1..=12).contains(&month)
            && label.len() == 7)
            .then(|| (year.to_string(), month))
    };
    let day_of = |label: &str| chrono::NaiveDate::parse_from_str(label, "%Y-%m-%d").ok();
    if !groups.is_empty() && groups.iter().all(|g| day_of(&g.label).is_some()) {
        // Days read as month and day, the year said once under its first.
        let mut year = None;
        for group in groups.iter_mut() {
            let Some(day) = day_of(&group.label) else {
                continue;
            };
            group.label = day.format("%m-%d").to_string();
            if year != Some(day.year()) {
                group.note = Some(day.year().to_string());
                year = Some(day.year());
            }
        }
        return;
    }
    if groups.is_empty() || !groups.iter().all(|g| month_of(&g.label).is_some()) {
        return;
    }
    let names = shell.t("charts_fix.months");
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    for (index, group) in groups.iter_mut().enumerate() {
        let Some((year, month)) = month_of(&group.label) else {
            continue;
        };
        if let Some(name) = names.get(month - 1).filter(|_| names.len() == 12) {
            group.label = (*name).to_string();
        }
        if index == 0 || month == 1 {
            group.note = Some(year);
        }
    }
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
        ("only_department", &query.only_department),
        ("by", &query.by),
        ("pipeline_id", &query.pipeline_id),
        ("measure", &query.measure),
    ] {
        if !value.is_empty() {
            out.append_pair(key, value);
        }
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
        shell.t("approval_fix.approvals_hint")
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
