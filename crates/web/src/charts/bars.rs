//! Horizontal bars, for many groups.

use std::fmt::Write;

use super::{
    Axis, CHAR_WIDTH, COLOURS, Group, NARROW_CHAR_WIDTH, STEPS, axis_step, compact, escape, fit,
};

/// Whether names under vertical bars would be cut or thinned out on a
/// phone: names (people, departments, choices), not days, months or
/// quarters, which read in order and may show every few, one of which
/// does not fit whole under its bars at the phone's size. Such names are
/// drawn as horizontal bars instead, each name beside its bar (cut with
/// "…" only past its room, whole on hover), none left out.
pub fn names_crowd_on_phone(labels: &[&str]) -> bool {
    let width = |label: &str| -> f64 {
        label
            .chars()
            .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
            .sum()
    };
    // The plot of vertical bars with one value axis: 720 wide less 88.
    let slot = 632.0 / labels.len().max(1) as f64;
    let dated = |label: &str| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | 'Q' | 'W'))
    };
    let long = |label: &str| width(label) * NARROW_CHAR_WIDTH + 4.0 > slot;
    labels.iter().any(|l| !dated(l) && long(l))
}

/// Horizontal bars, one row per group (for many groups, such as people),
/// the label on the left and each series as a thin bar, against a value
/// axis with gridlines: the first of `axes` under the bars, a second (for
/// series in another unit) above them. A group's `note` is a heading
/// across the whole chart above its row (a target holder above their
/// months, a year above its months). Labels and headings come twice, cut
/// to fit: a set for wide screens and a larger one for phones.
pub fn bars(groups: &[Group], series: &[&str], label: &str, axes: &[Axis]) -> String {
    let width = 720.0_f64;
    let label_width = 190.0_f64;
    let bar = 12.0_f64;
    let row = (bar * series.len().max(1) as f64 + 10.0).max(32.0);
    let heading = 34.0_f64;
    // The value axes' figures, above and below the bars, have room for
    // the phone's larger labels without touching a bar.
    let top = if axes.len() > 1 { 36.0 } else { 4.0 };
    let bottom = if axes.is_empty() { 0.0 } else { 40.0 };
    // Where each group's row starts, below the headings before it.
    let mut starts = Vec::with_capacity(groups.len());
    let mut y = top;
    for group in groups {
        if group.note.is_some() {
            y += heading;
        }
        starts.push(y);
        y += row;
    }
    let plot = (y - top).max(row);
    let height = top + plot + bottom;
    let room = width - label_width - 28.0;
    let mut tops = vec![1.0_f64; series.len()];
    let mut axis_tops = Vec::new();
    for axis in axes {
        let max = groups
            .iter()
            .flat_map(|g| axis.series.iter().filter_map(|s| g.values.get(*s)))
            .copied()
            .max()
            .unwrap_or(0);
        let step = axis_step(max, axis.divisor);
        axis_tops.push(step * STEPS as f64);
        for s in &axis.series {
            if let Some(t) = tops.get_mut(*s) {
                *t = step * STEPS as f64 * axis.divisor.max(1) as f64;
            }
        }
    }
    if axes.is_empty() {
        // Without axes each series is drawn against its own largest value.
        for (s, t) in tops.iter_mut().enumerate() {
            *t = groups
                .iter()
                .filter_map(|g| g.values.get(s).copied())
                .max()
                .unwrap_or(0)
                .max(1) as f64;
        }
    }
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart bars-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(label)
    );
    for (side, (axis, shown_top)) in axes.iter().zip(&axis_tops).take(2).enumerate() {
        for step in 0..=STEPS {
            let x = label_width + room * step as f64 / STEPS as f64;
            if side == 0 {
                let _ = write!(
                    svg,
                    r#"<line class="{class}" x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{y2}"/>"#,
                    class = if step == 0 { "axis" } else { "grid" },
                    y2 = top + plot
                );
            }
            // Hung below the bars, or standing on the top of the chart's
            // first row from above.
            let (y, baseline) = if side == 0 {
                (top + plot + 6.0, "hanging")
            } else {
                (top - 6.0, "auto")
            };
            let _ = write!(
                svg,
                r#"<text class="tick value-tick axis-{side}" x="{x:.1}" y="{y}" text-anchor="middle" dominant-baseline="{baseline}">{}{}</text>"#,
                compact(shown_top * step as f64 / STEPS as f64),
                axis.suffix
            );
        }
    }
    for (class, char_width) in [
        ("ticks-wide", CHAR_WIDTH),
        ("ticks-narrow", NARROW_CHAR_WIDTH),
    ] {
        let _ = write!(svg, r#"<g class="{class}">"#);
        for (group, y0) in groups.iter().zip(&starts) {
            if let Some(note) = &group.note {
                let _ = write!(
                    svg,
                    r#"<text class="tick note" x="4" y="{y:.1}" dominant-baseline="middle"><title>{}</title>{}</text>"#,
                    escape(note),
                    escape(&fit(note, (width - 8.0) / char_width)),
                    y = y0 - heading / 2.0 + 2.0,
                );
            }
            let _ = write!(
                svg,
                r#"<text class="tick" x="{x:.1}" y="{y:.1}" text-anchor="end" dominant-baseline="middle"><title>{}</title>{}</text>"#,
                escape(&group.label),
                escape(&fit(&group.label, (label_width - 12.0) / char_width)),
                x = label_width - 8.0,
                y = y0 + row / 2.0
            );
        }
        svg.push_str("</g>");
    }
    for (group, start) in groups.iter().zip(&starts) {
        let y0 = start + (row - bar * series.len().max(1) as f64) / 2.0;
        // Nothing (no target, nothing achieved) draws no bar, not a hairline
        // that reads as a small amount; the figure stays in the table.
        for (s, value) in group.values.iter().enumerate().filter(|(_, v)| **v > 0) {
            let share = (*value) as f64 / tops.get(s).copied().unwrap_or(1.0).max(1.0);
            let w = (share * room).max(1.0);
            let title = group.titles.get(s).map(String::as_str).unwrap_or_default();
            let _ = write!(
                svg,
                r#"<rect class="series-{c}" x="{label_width}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="2"><title>{}</title></rect>"#,
                escape(title),
                c = s % COLOURS,
                y = y0 + bar * s as f64,
                h = bar - 2.0,
            );
        }
    }
    svg.push_str("</svg>");
    svg
}
