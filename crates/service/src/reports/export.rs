//! A report's table written to CSV or XLSX.

use super::*;

/// A column's heading in a language: its measure, and its currency.
pub fn column_label(column: &ReportColumn, text: &(dyn Fn(&str) -> String + Sync)) -> String {
    // A report's own wording of a column comes first (the funnel's open
    // figures beside won and lost ones), then the general one.
    let own_key = format!("insight7.report_columns.{}", column.key);
    let mut own = text(&own_key);
    if own == own_key {
        // The approval figures' words, with what each counts.
        for section in ["approval_fix", "approvals_fix3", "targets_fix12"] {
            let approvals = format!("{section}.report_columns.{}", column.key);
            let found = text(&approvals);
            if found != approvals {
                own = found;
                break;
            }
        }
    }
    let mut name = if own == own_key {
        text(&format!("report_columns.{}", column.key))
    } else {
        own
    };
    if let Some(field) = &column.field {
        let label = column
            .field_label
            .clone()
            .unwrap_or_else(|| text(&format!("fields.{field}")));
        name = format!("{name} · {label}");
    }
    // A share (a rate against the period before) has no currency, though
    // it is worked out in one.
    match &column.currency {
        Some(currency) if column.unit != Unit::Percent => format!("{name} ({currency})"),
        _ => name,
    }
}

/// A grouping's name in a language: a report's own grouping, a field of
/// the builder, or a custom field's key.
pub fn grouping_label(by: &str, text: &(dyn Fn(&str) -> String + Sync)) -> String {
    if let Some(key) = by.strip_prefix("custom:").or(by.strip_prefix("custom.")) {
        return format!("{} · {key}", text("report_by.custom"));
    }
    let key = format!("report_by.{by}");
    let own = text(&key);
    if own != key {
        return own;
    }
    text(&format!("fields.{by}"))
}

/// A row that is no record, named in a language: the company's own target
/// in the target report, what was won and lost in the period in the funnel,
/// contracts and payments in the approval report by kind (request kinds
/// carry the names their administrators gave them).
pub fn fixed_row_label(
    report: &Report,
    key: Option<&str>,
    text: &(dyn Fn(&str) -> String + Sync),
) -> Option<String> {
    if report.is_target_report() && key == Some("company") {
        return Some(text("dashboard.company"));
    }
    if report.is_target_report() && report.by == "owner" && key == Some(super::targets::TOTAL) {
        return Some(text("targets_fix12.total_row"));
    }
    match key {
        Some(outcome) if report.is_funnel_report() && FUNNEL_OUTCOMES.contains(&outcome) => {
            Some(text(&format!("dashboard.{outcome}")))
        }
        Some(kind)
            if report.name == "approvals"
                && report.by == "kind"
                && crate::approvals::RECORD_KINDS.contains(&kind) =>
        {
            Some(text(&format!("kinds.{kind}")))
        }
        _ => None,
    }
}

/// A month (`YYYY-MM`) as the dashboard names it, in a language: "Jan
/// 2017", "2017年1月"; none for anything else.
pub fn month_label(month: &str, text: &(dyn Fn(&str) -> String + Sync)) -> Option<String> {
    let (year, number) = month.split_once('-')?;
    let number: usize = number.parse().ok()?;
    if year.len() != 4 || year.parse::<i32>().is_err() || !(1..=12).contains(&number) {
        return None;
    }
    let names = text("charts_fix.months");
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    let name = match names.get(number - 1) {
        Some(name) if names.len() == 12 => (*name).to_string(),
        _ => number.to_string(),
    };
    Some(
        text("insight_fix9.month_of")
            .replace("%{year}", year)
            .replace("%{month}", &name),
    )
}

/// The target report's holders added up named as their rows are (the
/// company and the total row in the reader's language).
pub fn name_added_up(report: &mut Report) {
    for holder in &mut report.added_up {
        if let Some(row) = report
            .rows
            .iter()
            .find(|r| r.key.as_deref() == Some(&holder.key))
        {
            holder.name.clone_from(&row.label);
        }
    }
}

/// The target report's whole months named as the dashboard names them
/// ("Jan 2017"), on its page, in its files and in the API alike; a month
/// the period covers in part keeps its days.
pub fn name_target_months(report: &mut Report, text: &(dyn Fn(&str) -> String + Sync)) {
    if !report.is_target_report() {
        return;
    }
    for row in &mut report.rows {
        let Some(month) = row.key2.as_deref() else {
            continue;
        };
        if row.label2.as_deref() != Some(month) {
            continue;
        }
        if let Some(named) = month_label(month, text) {
            row.label2 = Some(named);
        }
    }
}

/// A builder field's coded value (an opportunity's outcome, a contract's
/// or payment's status, a follow-up's kind) in a language; none where the
/// field has no coded values or no text names the value.
pub fn coded_value(
    field: &str,
    value: &str,
    text: &(dyn Fn(&str) -> String + Sync),
) -> Option<String> {
    let prefix = match field {
        "outcome" => "outcome",
        "kind" => "kinds",
        "status" => "doc_status",
        _ => return None,
    };
    let key = format!("{prefix}.{value}");
    let named = text(&key);
    (named != key).then_some(named)
}

/// A saved report's rows grouped by a field of coded values named in a
/// language, as its page, its exports and its figures in the API show
/// them; each row keeps its value in `key` (`key2`).
pub fn name_coded_rows(report: &mut Report, text: &(dyn Fn(&str) -> String + Sync)) {
    let (first, second) = (report.by.clone(), report.by2.clone());
    let yes_no = |key: Option<&str>| match key {
        Some("true") => Some(text("report_form.yes")),
        Some("false") => Some(text("report_form.no")),
        _ => None,
    };
    for row in &mut report.rows {
        if report.yes_no[0]
            && let Some(named) = yes_no(row.key.as_deref())
        {
            row.label = named;
        }
        if report.yes_no[1]
            && let Some(named) = yes_no(row.key2.as_deref())
        {
            row.label2 = Some(named);
        }
        if let Some(named) = row
            .key
            .as_deref()
            .and_then(|key| coded_value(&first, key, text))
        {
            row.label = named;
        }
        if let (Some(field), Some(key)) = (&second, row.key2.as_deref())
            && let Some(named) = coded_value(field, key, text)
        {
            row.label2 = Some(named);
        }
    }
}

/// How many decimals a unit's whole numbers carry.
pub fn decimals(unit: Unit) -> u8 {
    match unit {
        Unit::Count => 0,
        Unit::Money => 2,
        Unit::Percent | Unit::Hours => 1,
        Unit::Number => 3,
    }
}

/// A column's heading in a report's file: rates are written as numbers
/// in percent (`45.0`, formatted 45.0% in a spreadsheet), so their
/// heading names the unit, "(%)", in CSV and XLSX alike.
pub fn file_heading(column: &ReportColumn, text: &(dyn Fn(&str) -> String + Sync)) -> String {
    let label = column_label(column, text);
    if column.unit == Unit::Percent {
        format!("{label} (%)")
    } else {
        label
    }
}

/// A report's table written to a file: the groups, each column, a total.
pub(crate) fn write_report(
    dir: &std::path::Path,
    report: &Report,
    format: crate::spreadsheets::Format,
    text: &(dyn Fn(&str) -> String + Sync),
) -> Result<tempfile::TempPath> {
    use crate::spreadsheets::{Cell, TableWriter};
    let io = |e: std::io::Error| ServiceError::Internal(format!("export file: {e}"));
    let mut writer = TableWriter::new(format, &dir.join("tmp")).map_err(io)?;
    let named = |by: &str, label: &Option<String>| match label {
        Some(label) => format!("{} · {label}", text("report_by.custom")),
        None => grouping_label(by, text),
    };
    let mut header = vec![Cell::Text(named(&report.by, &report.by_label))];
    if let Some(by2) = &report.by2 {
        header.push(Cell::Text(named(by2, &report.by2_label)));
    }
    header.extend(
        report
            .columns
            .iter()
            .map(|c| Cell::Text(file_heading(c, text))),
    );
    writer.write_cells(&header).map_err(io)?;
    // Rates as percentages; money in the decimals of its column's
    // currency (yen and won whole), thousands grouped in a spreadsheet.
    let number = |value: Option<i64>, column: &ReportColumn| match (value, column.unit) {
        (None, _) => Cell::Empty,
        (Some(tenths), Unit::Percent) => Cell::Percent(tenths),
        (Some(minor), Unit::Money) => match column.currency.as_deref() {
            Some(currency) => Cell::money(minor, currency),
            None => Cell::Money { minor, decimals: 2 },
        },
        (Some(value), unit) => Cell::Number {
            value,
            decimals: decimals(unit),
        },
    };
    let none = text("reports.none");
    for row in &report.rows {
        let label = |l: &str| {
            if l.is_empty() {
                none.clone()
            } else {
                l.to_string()
            }
        };
        let own = fixed_row_label(report, row.key.as_deref(), text);
        let mut cells = vec![Cell::Text(own.unwrap_or_else(|| label(&row.label)))];
        if report.by2.is_some() {
            cells.push(Cell::Text(label(row.label2.as_deref().unwrap_or_default())));
        }
        cells.extend(
            row.values
                .iter()
                .zip(&report.columns)
                .map(|(v, c)| number(*v, c)),
        );
        writer.write_cells(&cells).map_err(io)?;
    }
    // Where nothing adds up (a target report's holders and years), there is
    // no total row rather than an empty one.
    if report.totals.iter().any(Option::is_some) {
        let mut cells = vec![Cell::Text(text("reports.total"))];
        if report.by2.is_some() {
            cells.push(Cell::Empty);
        }
        cells.extend(
            report
                .totals
                .iter()
                .zip(&report.columns)
                .map(|(v, c)| number(*v, c)),
        );
        writer.write_cells(&cells).map_err(io)?;
    }
    // The page's notes on targets left out and on targets added up from a
    // group's people, under the table after a blank row, so a file read
    // alone says what its targets count.
    let notes = target_notes(report, text);
    if !notes.is_empty() {
        // Every row as wide as the header: CSV rows keep one width.
        let mut row = vec![Cell::Empty; header.len()];
        writer.write_cells(&row).map_err(io)?;
        for note in notes {
            row[0] = crate::spreadsheets::Cell::Text(note);
            writer.write_cells(&row).map_err(io)?;
        }
    }
    finish_noting_cut(writer, report, text, header.len()).map_err(io)
}

/// Closes a report's file, with a last row saying so where groups were
/// left out (and whether the total row counts them).
fn finish_noting_cut(
    mut writer: crate::spreadsheets::TableWriter,
    report: &Report,
    text: &(dyn Fn(&str) -> String + Sync),
    width: usize,
) -> std::io::Result<tempfile::TempPath> {
    if report.truncated {
        let key = if report.totals_of_all {
            "insight_fix9.reports.export_cut_total"
        } else {
            "insight_fix9.reports.export_cut"
        };
        let note = text(key).replace("%{n}", &report.rows.len().to_string());
        // As wide as the header: CSV rows keep one width.
        let mut row = vec![crate::spreadsheets::Cell::Empty; width.max(1)];
        row[0] = crate::spreadsheets::Cell::Text(note);
        writer.write_cells(&row)?;
    }
    writer.finish()
}

/// A target report's notes under its table, on the page and in its
/// exports alike: the targets left out for their currency, then how each
/// holder measured against its people's targets added up is measured.
pub fn target_notes(report: &Report, text: &(dyn Fn(&str) -> String + Sync)) -> Vec<String> {
    let Some(currency) = report.columns.iter().find_map(|c| c.currency.as_deref()) else {
        return Vec::new();
    };
    let mut notes: Vec<String> = left_out_text(&report.targets_left_out, currency, text)
        .into_iter()
        .collect();
    for holder in &report.added_up {
        let name = fixed_row_label(report, Some(&holder.key), text);
        notes.push(crate::dashboard::group_target_text(
            Some(name.as_deref().unwrap_or(&holder.name)),
            (currency, holder.sub_departments),
            &holder.without_target,
            text,
        ));
    }
    notes
}

/// Names the targets left out for being set in another currency than the
/// figures', and how many in each, so a target shown as "—" or smaller
/// than set is not read as unset: the page's note and the exports' alike.
pub fn left_out_text(
    left: &[crate::dashboard::LeftOutTargets],
    currency: &str,
    text: &(dyn Fn(&str) -> String + Sync),
) -> Option<String> {
    (!left.is_empty()).then(|| {
        let list: Vec<String> = left
            .iter()
            .map(|l| {
                let key = if l.targets == 1 {
                    "insight_fix.targets_in_one"
                } else {
                    "insight_fix.targets_in_many"
                };
                text(key)
                    .replace("%{count}", &l.targets.to_string())
                    .replace("%{currency}", &l.currency)
            })
            .collect();
        text("insight_fix.targets_left_out")
            .replace("%{list}", &list.join(&text("insight_fix.separator")))
            .replace("%{currency}", currency)
    })
}

impl App {
    /// A built-in report as CSV or XLSX: the table the page shows.
    pub async fn export_report(
        &self,
        caller: &Caller,
        name: &str,
        query: &ReportQuery,
        format: crate::spreadsheets::Format,
        text: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<tempfile::TempPath> {
        caller.require(Permission::new(Kind::Report, Action::Export))?;
        let mut report = self.report(caller, name, query).await?;
        name_target_months(&mut report, text);
        write_report(&self.settings.data_dir, &report, format, text)
    }
}
