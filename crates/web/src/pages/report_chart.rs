//! A report's chart: its series and value axes, months named in the
//! viewer's language, and a note when the chart leaves rows to the table.

use kuijing_service::reports::{
    MOST_BARS, MOST_POINTS, Report, ReportColumn, Unit, with_empty_buckets,
};

use super::Shell;
use super::reports::format_value;
use crate::charts::{self, Group};

/// The chart of a report (none for a table), its legend, and a note when
/// the chart leaves rows to the table.
pub(crate) fn chart_of(
    report: &Report,
    shell: &Shell,
    title: &str,
) -> (String, Vec<(usize, String)>, Option<String>) {
    let filled = with_empty_buckets(report);
    let report = filled.as_ref().unwrap_or(report);
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
    // Two groupings: a series per value of the second (the target report's
    // months are its own).
    if report.by2.is_some() && !report.is_target_report() && report.chart != "table" {
        return two_groupings(report, shell, title, &series, &legend);
    }
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
    let note = (total > most && !matches!(drawn_chart(report), "table" | "pie")).then(|| {
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
                        let column = report.columns.get(*i);
                        let unit = column.map_or(Unit::Count, |c| c.unit);
                        let currency = column.and_then(|c| c.currency.as_deref());
                        format!(
                            "{name} · {heading}: {}",
                            format_value(row.values.get(*i).copied().flatten(), unit, currency)
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
    // Names that would be cut or thinned out under bars on a phone are
    // drawn beside horizontal bars instead (read before months are named).
    let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
    let crowded = !targets && charts::names_crowd_on_phone(&labels);
    if !targets {
        name_months(&mut groups, shell);
    }
    // Series in the same unit share one value axis; a second unit (a count
    // beside an amount) gets its own on the right, said in the legend.
    let axes = value_axes(&series);
    let mut legend = legend;
    let chart = drawn_chart(report);
    let several_measures = chart != report.chart;
    let horizontal = (groups.len() > 12 || several || crowded)
        && !matches!(chart, "line" | "pie" | "funnel" | "table");
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
    let draw: charts::Draw = match chart {
        "line" => charts::lines,
        _ if horizontal => charts::bars,
        _ => charts::grouped_bars,
    };
    let note = if several_measures {
        let drawn = shell.t("insight_fix10.measures_drawn_as_bars");
        Some(note.map_or(drawn.clone(), |cut| format!("{drawn} {cut}")))
    } else {
        note
    };
    let svg = match chart {
        "table" => String::new(),
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
            let currency = series.first().and_then(|c| c.currency.as_deref());
            let figure = |value: i64| format_value(Some(value), unit, currency);
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
        // Measures in more than two scales (a count, a sum and an
        // average): a chart each, each with its own axis and figures.
        _ if axes.is_empty() && series.len() > 1 => {
            let plots: Vec<charts::Plot> = series
                .iter()
                .zip(&legend)
                .enumerate()
                .map(|(s, (column, (_, caption)))| charts::Plot {
                    caption: caption.clone(),
                    groups: groups.iter().map(|g| one_series(g, s)).collect(),
                    axes: vec![unit_axis(column, vec![0])],
                })
                .collect();
            let svg = charts::multiples(&plots, &[""], title, draw);
            return (svg, Vec::new(), note);
        }
        _ => draw(&groups, &names, title, &axes),
    };
    (svg, legend, note)
}

/// The chart a report is drawn as: its own, except that a pie or a funnel
/// draws one measure, so a built report saved with several before that was
/// refused is drawn as bars (and says so). The built-in funnel draws its
/// stages' count with every figure beside it.
pub(crate) fn drawn_chart(report: &Report) -> &str {
    let several = report.series.len() > 1 && !report.is_funnel_report();
    match report.chart.as_str() {
        "pie" | "funnel" if several && report.by2.is_none() => "bar",
        chart => chart,
    }
}

/// A group with only one of its series.
fn one_series(group: &Group, series: usize) -> Group {
    Group {
        label: group.label.clone(),
        values: group.values.get(series).copied().into_iter().collect(),
        titles: group.titles.get(series).cloned().into_iter().collect(),
        note: group.note.clone(),
    }
}

/// The most series a chart of two groupings draws: one per colour.
const MOST_SERIES: usize = charts::COLOURS;

/// A report grouped twice: the first grouping along the axis, a series
/// (in the legend) per value of the second, a chart per measure, each with
/// its own axis and figures. A pie or a funnel draws one grouping: a report
/// saved with two before that was refused is drawn as bars, and says so.
fn two_groupings(
    report: &Report,
    shell: &Shell,
    title: &str,
    series: &[&ReportColumn],
    legend: &[(usize, String)],
) -> (String, Vec<(usize, String)>, Option<String>) {
    let named = |label: &str| {
        if label.is_empty() {
            shell.t("reports.none")
        } else {
            label.to_string()
        }
    };
    let rows: Vec<charts::Row2> = report
        .rows
        .iter()
        .map(|row| charts::Row2 {
            first_key: row.key.clone(),
            first: named(&row.label),
            second_key: row.key2.clone(),
            second: named(row.label2.as_deref().unwrap_or_default()),
            values: report
                .series
                .iter()
                .map(|i| row.values.get(*i).copied().flatten())
                .collect(),
        })
        .collect();
    let headings: Vec<String> = legend.iter().map(|(_, l)| l.clone()).collect();
    // A pair of groups without rows counts and sums 0; it has no average.
    let figure = |measure: usize, value: Option<i64>| {
        let column = series.get(measure);
        let value = match column {
            Some(c) if c.key == "average" => value,
            _ => value.or(Some(0)),
        };
        let currency = column.and_then(|c| c.currency.as_deref());
        format_value(value, column.map_or(Unit::Count, |c| c.unit), currency)
    };
    let dated = report
        .rows
        .iter()
        .filter_map(|r| r.key2.as_deref())
        .all(bucket_like);
    let mut pivot = charts::pivot(&rows, &headings, &figure, MOST_SERIES, dated);
    let line = report.chart == "line";
    // As many bars or points in all as one grouping draws.
    let most = if line { MOST_POINTS } else { MOST_BARS * 2 };
    let most = (most / pivot.series.len().max(1)).clamp(1, MOST_BARS);
    let total = pivot.plots.first().map_or(0, Vec::len);
    let mut notes = Vec::new();
    if !matches!(report.chart.as_str(), "bar" | "line") {
        notes.push(shell.t("builder_fix2.drawn_as_bars"));
    }
    if total > most {
        notes.push(
            shell
                .t("insight_fix3.chart_cut")
                .replace("%{shown}", &most.to_string())
                .replace("%{total}", &total.to_string()),
        );
    }
    if pivot.left_out > 0 {
        notes.push(
            shell
                .t("builder_fix2.series_cut")
                .replace("%{shown}", &pivot.series.len().to_string())
                .replace(
                    "%{total}",
                    &(pivot.series.len() + pivot.left_out).to_string(),
                ),
        );
    }
    // Names along the axis that would be cut or thinned out under bars on
    // a phone are drawn beside horizontal bars instead, as with one
    // grouping (read before months are named).
    let crowded = pivot.plots.first().is_some_and(|groups| {
        let labels: Vec<&str> = groups.iter().take(most).map(|g| g.label.as_str()).collect();
        charts::names_crowd_on_phone(&labels)
    });
    for groups in pivot.plots.iter_mut() {
        groups.truncate(most);
        name_months(groups, shell);
    }
    let horizontal = !line && (total.min(most) > 12 || crowded);
    let draw: charts::Draw = match (line, horizontal) {
        (true, _) => charts::lines,
        (false, true) => charts::bars,
        (false, false) => charts::grouped_bars,
    };
    let every: Vec<usize> = (0..pivot.series.len()).collect();
    let plots: Vec<charts::Plot> = std::mem::take(&mut pivot.plots)
        .into_iter()
        .zip(series.iter().zip(&headings))
        .map(|(groups, (column, caption))| charts::Plot {
            caption: caption.clone(),
            groups,
            axes: vec![unit_axis(column, every.clone())],
        })
        .collect();
    let names: Vec<&str> = pivot.series.iter().map(String::as_str).collect();
    let svg = charts::multiples(&plots, &names, title, draw);
    let legend = pivot
        .series
        .iter()
        .enumerate()
        .map(|(i, name)| (i % charts::COLOURS, name.clone()))
        .collect();
    let note = (!notes.is_empty()).then(|| notes.join(" "));
    (svg, legend, note)
}

/// Whether a group's key is a date bucket: `2026`, `2026-Q1`, `2026-03`
/// or `2026-03-02`.
fn bucket_like(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() >= 4
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && (bytes.len() == 4 || bytes[4] == b'-')
}

/// The value axes of a report's series: one for each unit (and currency)
/// among them, the first on the left; an average has an axis of its own
/// on the right, never the scale of a sum or a count beside it. Series in
/// more than two units get none: each is drawn in a chart of its own.
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
        axes.push((
            column.unit,
            column.currency.clone(),
            averaged(column),
            unit_axis(column, vec![index]),
        ));
    }
    if axes.len() > 2 {
        return Vec::new();
    }
    // The average on the right, whichever measure comes first.
    axes.sort_by_key(|(_, _, average, _)| *average);
    axes.into_iter().map(|(_, _, _, axis)| axis).collect()
}

/// The value axis of series in a column's unit.
fn unit_axis(column: &ReportColumn, series: Vec<usize>) -> charts::Axis {
    let (divisor, suffix) = match column.unit {
        Unit::Count => (1, ""),
        Unit::Money => (100, ""),
        Unit::Percent => (10, "%"),
        Unit::Hours => (10, ""),
        Unit::Number => (1000, ""),
    };
    charts::Axis {
        series,
        divisor,
        suffix,
    }
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
