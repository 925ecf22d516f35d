//! Reports grouped twice, drawn as one series per value of the second
//! grouping along the first; and small multiples, one chart per measure,
//! where one chart cannot give every measure an axis with figures.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Axis, Group, escape};

/// One row of a table grouped twice: the first grouping's key and label
/// (drawn along the axis), the second's (one series each), and the row's
/// figure for each measure.
pub struct Row2 {
    pub first_key: Option<String>,
    pub first: String,
    pub second_key: Option<String>,
    pub second: String,
    pub values: Vec<Option<i64>>,
}

/// Rows grouped twice, as a chart draws them.
pub struct Pivot {
    /// The series: the values of the second grouping drawn, in order.
    pub series: Vec<String>,
    /// How many values of the second grouping the chart leaves to the table.
    pub left_out: usize,
    /// For each measure, the groups along the first grouping with a value
    /// per series (a pair of groupings with no row draws nothing, and says
    /// "—" on hover).
    pub plots: Vec<Vec<Group>>,
}

/// Turns rows grouped twice into series: one per value of the second
/// grouping (at most `most`, the largest by the first measure; in time
/// when the second grouping is `dated`, largest first otherwise), the
/// first grouping's values along the axis in the rows' order. `headings`
/// name the measures; `figure` writes a measure's value as the table does.
pub fn pivot(
    rows: &[Row2],
    headings: &[String],
    figure: &dyn Fn(usize, Option<i64>) -> String,
    most: usize,
    dated: bool,
) -> Pivot {
    // The second grouping's values with their size, in order of first sight.
    let mut seconds: Vec<(Option<String>, String, i64)> = Vec::new();
    let mut firsts: Vec<(Option<String>, String)> = Vec::new();
    let mut cells: BTreeMap<(Option<String>, Option<String>), &Row2> = BTreeMap::new();
    for row in rows {
        let size = row.values.first().copied().flatten().unwrap_or(0).abs();
        match seconds.iter_mut().find(|(k, _, _)| *k == row.second_key) {
            Some((_, _, total)) => *total += size,
            None => seconds.push((row.second_key.clone(), row.second.clone(), size)),
        }
        if !firsts.iter().any(|(k, _)| *k == row.first_key) {
            firsts.push((row.first_key.clone(), row.first.clone()));
        }
        cells.insert((row.first_key.clone(), row.second_key.clone()), row);
    }
    let all = seconds.len();
    seconds.sort_by_key(|s| std::cmp::Reverse(s.2));
    seconds.truncate(most.max(1));
    if dated {
        // Buckets (`2026`, `2026-Q1`, `2026-03`, `2026-03-02`) sort as text;
        // rows without a day come last.
        seconds.sort_by(|a, b| (a.0.is_none(), &a.0).cmp(&(b.0.is_none(), &b.0)));
    }
    let plots = headings
        .iter()
        .enumerate()
        .map(|(measure, heading)| {
            firsts
                .iter()
                .map(|(key, label)| {
                    let mut values = Vec::with_capacity(seconds.len());
                    let mut titles = Vec::with_capacity(seconds.len());
                    for (key2, label2, _) in &seconds {
                        let value = cells
                            .get(&(key.clone(), key2.clone()))
                            .and_then(|row| row.values.get(measure).copied().flatten());
                        values.push(value.unwrap_or(0));
                        titles.push(format!(
                            "{label} · {label2} · {heading}: {}",
                            figure(measure, value)
                        ));
                    }
                    Group {
                        label: label.clone(),
                        values,
                        titles,
                        note: None,
                    }
                })
                .collect()
        })
        .collect();
    Pivot {
        series: seconds.into_iter().map(|(_, label, _)| label).collect(),
        left_out: all.saturating_sub(most.max(1)),
        plots,
    }
}

/// One chart of several: what it draws (a measure), its groups and axes.
pub struct Plot {
    pub caption: String,
    pub groups: Vec<Group>,
    pub axes: Vec<Axis>,
}

/// How a chart over groups is drawn: [`super::grouped_bars`],
/// [`super::bars`] or [`super::lines`].
pub type Draw = fn(&[Group], &[&str], &str, &[Axis]) -> String;

/// Small multiples: one chart per plot, each under its caption and with
/// its own value axis, stacked so each keeps the page's width.
pub fn multiples(plots: &[Plot], series: &[&str], label: &str, draw: Draw) -> String {
    let mut html = String::from(r#"<div class="chart-multiples">"#);
    for plot in plots {
        let _ = write!(
            html,
            r#"<figure class="chart-multiple"><figcaption>{}</figcaption>{}</figure>"#,
            escape(&plot.caption),
            draw(
                &plot.groups,
                series,
                &format!("{label} · {}", plot.caption),
                &plot.axes
            ),
        );
    }
    html.push_str("</div>");
    html
}
