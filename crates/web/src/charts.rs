//! Charts drawn on the server as SVG: legible in light and dark themes (they
//! take their colours from the page's CSS variables), with each value in a
//! `<title>` shown on hover, and always beside a table for screen readers.

use std::fmt::Write;

/// One group of bars: a label and its values, one per series.
pub struct Group {
    pub label: String,
    pub values: Vec<i64>,
    /// The text shown on hover for each value.
    pub titles: Vec<String>,
    /// A second line under the label, such as the year under the first
    /// month of each year.
    pub note: Option<String>,
}

/// A value axis: the series drawn against it and how its ticks are
/// written. A chart has one on the left, and a second on the right for
/// series in another unit (a count beside an amount).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axis {
    /// The indexes of the series measured on this axis.
    pub series: Vec<usize>,
    /// How many stored units make one shown (100 for money kept in cents).
    pub divisor: i64,
    /// Written after each tick's figure, such as "%".
    pub suffix: &'static str,
}

impl Axis {
    /// One axis for every series, in whole units.
    #[cfg(test)]
    pub fn counts(series: usize) -> Vec<Axis> {
        vec![Axis {
            series: (0..series).collect(),
            divisor: 1,
            suffix: "",
        }]
    }

    /// One axis for every series, in money kept in minor units.
    pub fn money(series: usize) -> Vec<Axis> {
        vec![Axis {
            series: (0..series).collect(),
            divisor: 100,
            suffix: "",
        }]
    }
}

fn escape(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// How many gridlines above the base line a value axis has: both axes of
/// a chart share them, each with its own figures.
const STEPS: i64 = 4;

/// The top of an axis whose largest value is `max` (stored units): four
/// round steps (1, 2, 2.5 or 5 times a power of ten) that reach it, at
/// least one whole shown unit each.
fn axis_step(max: i64, divisor: i64) -> f64 {
    let divisor = divisor.max(1) as f64;
    let raw = (max.max(0) as f64 / divisor) / STEPS as f64;
    if raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * 0.999_999)
        .unwrap_or(10.0 * magnitude);
    step.max(1.0)
}

/// A tick's figure, short: 950, 1.5k, 12M.
fn compact(value: f64) -> String {
    let trim = |v: f64| {
        let text = format!("{v:.1}");
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    };
    let abs = value.abs();
    if abs >= 1e9 {
        format!("{}B", trim(value / 1e9))
    } else if abs >= 1e6 {
        format!("{}M", trim(value / 1e6))
    } else if abs >= 1e3 {
        format!("{}k", trim(value / 1e3))
    } else {
        trim(value)
    }
}

/// The frame of a chart over groups (bars or lines): its value axes with
/// their gridlines and figures, and the groups' labels under the base line
/// twice, one set for wide screens and a larger, thinner one for phones
/// (the style sheet shows one).
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// For each series, the value at the top of its axis (stored units).
    tops: Vec<f64>,
}

impl Frame {
    fn new(groups: &[Group], series: usize, axes: &[Axis]) -> Self {
        // Without axes each series is drawn against its own largest value.
        let mut tops: Vec<f64> = (0..series)
            .map(|s| {
                groups
                    .iter()
                    .filter_map(|g| g.values.get(s).copied())
                    .max()
                    .unwrap_or(0)
                    .max(1) as f64
            })
            .collect();
        for axis in axes {
            let max = groups
                .iter()
                .flat_map(|g| axis.series.iter().filter_map(|s| g.values.get(*s)))
                .copied()
                .max()
                .unwrap_or(0);
            let top = axis_step(max, axis.divisor) * STEPS as f64 * axis.divisor.max(1) as f64;
            for s in &axis.series {
                if let Some(t) = tops.get_mut(*s) {
                    *t = top;
                }
            }
        }
        let notes = groups.iter().any(|g| g.note.is_some());
        Frame {
            width: 720.0,
            height: if notes { 272.0 } else { 256.0 },
            left: if axes.is_empty() { 12.0 } else { 76.0 },
            right: if axes.len() > 1 { 76.0 } else { 12.0 },
            top: 14.0,
            bottom: if notes { 60.0 } else { 44.0 },
            tops,
        }
    }

    fn base(&self) -> f64 {
        self.height - self.bottom
    }

    fn slot(&self, count: usize) -> f64 {
        (self.width - self.left - self.right) / count.max(1) as f64
    }

    /// Where a value of a series stands.
    fn y(&self, series: usize, value: i64) -> f64 {
        let top = self.tops.get(series).copied().unwrap_or(1.0).max(1.0);
        self.base() - (value.max(0) as f64 / top) * (self.base() - self.top)
    }

    fn open(&self, svg: &mut String, label: &str) {
        let _ = write!(
            svg,
            r#"<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">"#,
            self.width,
            self.height,
            escape(label)
        );
    }

    /// The gridlines, each axis's figures and the base line.
    fn axes(&self, svg: &mut String, axes: &[Axis]) {
        let span = self.base() - self.top;
        for step in 1..=STEPS {
            let y = self.base() - span * step as f64 / STEPS as f64;
            let _ = write!(
                svg,
                r#"<line class="grid" x1="{}" y1="{y:.1}" x2="{}" y2="{y:.1}"/>"#,
                self.left,
                self.width - self.right
            );
        }
        for (side, axis) in axes.iter().take(2).enumerate() {
            let Some(first) = axis.series.first() else {
                continue;
            };
            let top = self.tops.get(*first).copied().unwrap_or(1.0) / axis.divisor.max(1) as f64;
            let (x, anchor) = if side == 0 {
                (self.left - 6.0, "end")
            } else {
                (self.width - self.right + 6.0, "start")
            };
            for step in 0..=STEPS {
                let y = self.base() - span * step as f64 / STEPS as f64;
                let _ = write!(
                    svg,
                    r#"<text class="tick value-tick axis-{side}" x="{x}" y="{y:.1}" text-anchor="{anchor}" dominant-baseline="middle">{}{}</text>"#,
                    compact(top * step as f64 / STEPS as f64),
                    axis.suffix
                );
            }
        }
        let _ = write!(
            svg,
            r#"<line class="axis" x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
            self.left,
            self.width - self.right,
            y = self.base()
        );
    }

    /// The groups' labels: a set for wide screens and a set for phones.
    fn labels(&self, svg: &mut String, groups: &[Group]) {
        let slot = self.slot(groups.len());
        for (class, char_width, line) in [
            ("ticks-wide", CHAR_WIDTH, 16.0),
            ("ticks-narrow", NARROW_CHAR_WIDTH, 28.0),
        ] {
            let _ = write!(svg, r#"<g class="{class}">"#);
            for (index, group) in groups.iter().enumerate() {
                let x = self.left + slot * index as f64 + slot / 2.0;
                let y = self.base() + line;
                if let Some(text) = tick_label(&group.label, index, slot, groups.len(), char_width)
                {
                    let _ = write!(
                        svg,
                        r#"<text class="tick" x="{x:.1}" y="{y:.1}" text-anchor="middle"><title>{}</title>{}</text>"#,
                        escape(&group.label),
                        escape(&text),
                    );
                }
                if let Some(note) = &group.note {
                    let _ = write!(
                        svg,
                        r#"<text class="tick note" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                        y + line * 0.9,
                        escape(note),
                    );
                }
            }
            svg.push_str("</g>");
        }
    }
}

/// Grouped vertical bars (for example this year's month beside last
/// year's). `series` names the series, in the order of the values; each
/// is drawn against the axis in `axes` that lists it.
pub fn grouped_bars(groups: &[Group], series: &[&str], label: &str, axes: &[Axis]) -> String {
    let frame = Frame::new(groups, series.len(), axes);
    let slot = frame.slot(groups.len());
    let bar = (slot * 0.8 / series.len().max(1) as f64).min(28.0);
    let mut svg = String::new();
    frame.open(&mut svg, label);
    frame.axes(&mut svg, axes);
    for (index, group) in groups.iter().enumerate() {
        let x0 = frame.left + slot * index as f64 + (slot - bar * series.len() as f64) / 2.0;
        for (s, value) in group.values.iter().enumerate() {
            let y = frame.y(s, *value);
            let h = frame.base() - y;
            let x = x0 + bar * s as f64;
            let title = group.titles.get(s).map(String::as_str).unwrap_or_default();
            let _ = write!(
                svg,
                r#"<rect class="series-{c}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="2"><title>{}</title></rect>"#,
                escape(title),
                c = s % COLOURS,
                w = (bar - 2.0).max(1.0),
            );
        }
    }
    frame.labels(&mut svg, groups);
    svg.push_str("</svg>");
    svg
}

/// The width of a tick label's character, in the chart's units (12px text;
/// wide characters such as Chinese count twice).
const CHAR_WIDTH: f64 = 7.0;

/// The same for the labels shown on phones, whose text is larger in the
/// chart's units so that it is about 12px once the chart is shrunk to a
/// phone's width.
const NARROW_CHAR_WIDTH: f64 = 17.0;

/// A group's label as it fits under its bars without touching the next
/// one: shortened with "…" when long, and only every few labels shown when
/// even two characters do not fit (the whole label stays on hover).
fn tick_label(
    label: &str,
    index: usize,
    slot: f64,
    count: usize,
    char_width: f64,
) -> Option<String> {
    let width = |c: char| if c.is_ascii() { 1.0 } else { 2.0 };
    let room = (slot - 4.0).max(0.0) / char_width;
    let total: f64 = label.chars().map(width).sum();
    let every = if room >= total.min(3.0) {
        1
    } else {
        let needed = total.clamp(2.0, 6.0) + 1.0;
        ((needed * char_width / slot.max(1.0)).ceil() as usize).clamp(1, count.max(1))
    };
    if !index.is_multiple_of(every) {
        return None;
    }
    let room = (room * every as f64).max(2.0);
    if total <= room {
        return Some(label.to_string());
    }
    let mut used = 1.0;
    let mut short = String::new();
    for c in label.chars() {
        if used + width(c) > room {
            break;
        }
        used += width(c);
        short.push(c);
    }
    short.push('…');
    Some(short)
}

/// A funnel: one row per stage, its name and figures on a line of their
/// own above a centred bar as wide as its share of the largest. The chart is
/// narrow, so its 13px text stays legible on a phone; a name too long for
/// its line is shortened with "…" (the whole stays on hover).
pub fn funnel(stages: &[(String, i64, String)], label: &str) -> String {
    let width = 360.0_f64;
    let row = 50.0_f64;
    let height = row * stages.len().max(1) as f64;
    let max = stages.iter().map(|(_, v, _)| *v).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart funnel-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(label)
    );
    for (index, (name, value, figures)) in stages.iter().enumerate() {
        let y = index as f64 * row;
        let w = ((*value).max(0) as f64 / max * width).max(4.0);
        let x = (width - w) / 2.0;
        let room = width - label_width(figures) - 12.0;
        // A stage with nothing at it has no bar, only its line of figures.
        let bar = if *value > 0 {
            format!(
                r#"<rect class="series-0" x="{x:.1}" y="{:.1}" width="{w:.1}" height="24" rx="3"/>"#,
                y + 21.0
            )
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            r#"<g><title>{whole}</title><text class="label" x="0" y="{ty:.1}">{short}</text><text class="label" x="{width}" y="{ty:.1}" text-anchor="end">{figures}</text>{bar}</g>"#,
            whole = escape(&format!("{name} · {figures}")),
            ty = y + 11.0,
            short = escape(&shortened(name, room)),
            figures = escape(figures),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// How wide a 13px label is, in the chart's units (wide characters such
/// as Chinese count about twice).
fn label_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 7.5 } else { 13.0 })
        .sum()
}

/// A label cut to `room` units, with "…" when cut.
fn shortened(text: &str, room: f64) -> String {
    if label_width(text) <= room {
        return text.to_string();
    }
    let mut used = label_width("…");
    let mut out = String::new();
    for c in text.chars() {
        let w = label_width(&c.to_string());
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// How many series colours the style sheet defines.
const COLOURS: usize = 6;

/// Lines over groups (months, days): one polyline per series, with a dot
/// per value that shows the value on hover; each series against its axis.
pub fn lines(groups: &[Group], series: &[&str], label: &str, axes: &[Axis]) -> String {
    let frame = Frame::new(groups, series.len(), axes);
    let slot = frame.slot(groups.len());
    let x_of = |index: usize| frame.left + slot * index as f64 + slot / 2.0;
    let mut svg = String::new();
    frame.open(&mut svg, label);
    frame.axes(&mut svg, axes);
    for s in 0..series.len() {
        let points: Vec<String> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                format!(
                    "{:.1},{:.1}",
                    x_of(i),
                    frame.y(s, g.values.get(s).copied().unwrap_or(0))
                )
            })
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="line-{c}" points="{}"/>"#,
            points.join(" "),
            c = s % COLOURS
        );
        for (i, g) in groups.iter().enumerate() {
            let value = g.values.get(s).copied().unwrap_or(0);
            let title = g.titles.get(s).map(String::as_str).unwrap_or_default();
            let _ = write!(
                svg,
                r#"<circle class="series-{c}" cx="{:.1}" cy="{:.1}" r="4"><title>{}</title></circle>"#,
                x_of(i),
                frame.y(s, value),
                escape(title),
                c = s % COLOURS
            );
        }
    }
    frame.labels(&mut svg, groups);
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one row per group (for many groups, such as people),
/// the label on the left and each series as a thin bar, against a value
/// axis with gridlines: the first of `axes` under the bars, a second (for
/// series in another unit) above them.
pub fn bars(groups: &[Group], series: &[&str], label: &str, axes: &[Axis]) -> String {
    let width = 720.0_f64;
    let label_width = 190.0_f64;
    let bar = 12.0_f64;
    let row = bar * series.len().max(1) as f64 + 10.0;
    let top = if axes.len() > 1 { 30.0 } else { 4.0 };
    let bottom = if axes.is_empty() { 0.0 } else { 30.0 };
    let plot = row * groups.len().max(1) as f64;
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
            let y = if side == 0 { top + plot + 18.0 } else { 16.0 };
            let _ = write!(
                svg,
                r#"<text class="tick value-tick axis-{side}" x="{x:.1}" y="{y}" text-anchor="middle">{}{}</text>"#,
                compact(shown_top * step as f64 / STEPS as f64),
                axis.suffix
            );
        }
    }
    for (index, group) in groups.iter().enumerate() {
        let y0 = top + index as f64 * row + 4.0;
        let short: String = group.label.chars().take(24).collect();
        let _ = write!(
            svg,
            r#"<text class="label" x="{x:.1}" y="{y:.1}" text-anchor="end">{}</text>"#,
            escape(&short),
            x = label_width - 8.0,
            y = y0 + (row - 10.0) / 2.0
        );
        for (s, value) in group.values.iter().enumerate() {
            let share = (*value).max(0) as f64 / tops.get(s).copied().unwrap_or(1.0).max(1.0);
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

/// How many slices a pie draws in colours of their own; beyond, the
/// smallest are drawn together as one "other" slice.
const PIE_COLOURS: usize = 11;

/// A pie of one series: a slice per group, as large as its share, each in
/// a colour of its own, beside a legend naming each slice with its value
/// and share (below the pie on a phone). Slices past eleven are drawn as
/// one named `other`. `figure` writes a value as the table does.
pub fn pie(
    slices: &[(String, i64)],
    label: &str,
    other: &str,
    figure: &dyn Fn(i64) -> String,
) -> String {
    let slices = pie_slices(slices, other);
    let size = 240.0_f64;
    let (cx, cy, r) = (size / 2.0, size / 2.0, size / 2.0 - 8.0);
    let total: i64 = slices.iter().map(|(_, v, _)| *v).sum();
    let share = |value: i64| {
        if total == 0 {
            0.0
        } else {
            value as f64 * 100.0 / total as f64
        }
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<div class="pie-wrap"><svg class="chart pie-chart" viewBox="0 0 {size} {size}" role="img" aria-label="{}">"#,
        escape(label)
    );
    if total == 0 {
        let _ = write!(
            svg,
            r#"<circle class="empty" cx="{cx}" cy="{cy}" r="{r}"/>"#
        );
    }
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (name, value, class) in &slices {
        if *value == 0 || total == 0 {
            continue;
        }
        let part = *value as f64 / total as f64;
        let text = escape(&format!(
            "{name}: {} ({:.1}%)",
            figure(*value),
            share(*value)
        ));
        if part >= 0.9999 {
            let _ = write!(
                svg,
                r#"<circle class="{class}" cx="{cx}" cy="{cy}" r="{r}"><title>{text}</title></circle>"#
            );
            break;
        }
        let end = angle + part * std::f64::consts::TAU;
        let (x1, y1) = (cx + r * angle.cos(), cy + r * angle.sin());
        let (x2, y2) = (cx + r * end.cos(), cy + r * end.sin());
        let large = i32::from(part > 0.5);
        let _ = write!(
            svg,
            r#"<path class="{class} slice" d="M{cx},{cy} L{x1:.2},{y1:.2} A{r},{r} 0 {large} 1 {x2:.2},{y2:.2} Z"><title>{text}</title></path>"#
        );
        angle = end;
    }
    svg.push_str(r#"</svg><ul class="pie-legend">"#);
    for (name, value, class) in &slices {
        let _ = write!(
            svg,
            r#"<li><span class="key {class}"></span><span class="pie-name">{}</span><span class="pie-figure">{} · {:.1}%</span></li>"#,
            escape(name),
            escape(&figure(*value)),
            share(*value)
        );
    }
    svg.push_str("</ul></div>");
    svg
}

/// A pie's slices with their colour classes: the eleven largest in their
/// own order, and the rest together as `other`.
fn pie_slices(slices: &[(String, i64)], other: &str) -> Vec<(String, i64, String)> {
    let slices: Vec<(String, i64)> = slices
        .iter()
        .map(|(name, value)| (name.clone(), (*value).max(0)))
        .collect();
    if slices.len() <= PIE_COLOURS + 1 {
        return slices
            .into_iter()
            .enumerate()
            .map(|(i, (name, value))| (name, value, format!("pie-{i}")))
            .collect();
    }
    let mut by_size: Vec<usize> = (0..slices.len()).collect();
    by_size.sort_by_key(|i| std::cmp::Reverse(slices[*i].1));
    let kept: std::collections::BTreeSet<usize> = by_size.into_iter().take(PIE_COLOURS).collect();
    let mut out: Vec<(String, i64, String)> = kept
        .iter()
        .enumerate()
        .map(|(colour, i)| (slices[*i].0.clone(), slices[*i].1, format!("pie-{colour}")))
        .collect();
    let rest: i64 = (0..slices.len())
        .filter(|i| !kept.contains(i))
        .map(|i| slices[i].1)
        .sum();
    out.push((other.to_string(), rest, "pie-other".to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_what_users_wrote_and_show_values_on_hover() {
        let groups = vec![Group {
            label: "<b>".into(),
            values: vec![10, 5],
            titles: vec!["USD 10.00".into(), "USD 5.00".into()],
            note: None,
        }];
        let svg = grouped_bars(
            &groups,
            &["now", "before"],
            "Trend & more",
            &Axis::counts(2),
        );
        assert!(svg.contains("&lt;b&gt;"));
        assert!(svg.contains("Trend &amp; more"));
        assert!(svg.contains("<title>USD 10.00</title>"));
        let svg = funnel(&[("Stage <1>".into(), 3, "3".into())], "Funnel");
        assert!(svg.contains("Stage &lt;1&gt;"));
        // A funnel's long name is cut to leave its figures room on the line.
        let svg = funnel(
            &[
                (
                    "A stage with a very long name indeed, longer than a phone".into(),
                    3,
                    "3 · 1,234,567.00".into(),
                ),
                ("接洽".into(), 1, "1 · 10.00".into()),
            ],
            "Funnel",
        );
        assert!(
            svg.contains("…</text>") && svg.contains(">接洽</text>"),
            "{svg}"
        );
        assert!(svg.contains("<title>A stage with a very long name indeed, longer than a phone · 3 · 1,234,567.00</title>"));
        let svg = lines(&groups, &["now", "before"], "Lines", &Axis::counts(2));
        assert!(svg.contains("<title>USD 5.00</title>") && svg.contains("&lt;b&gt;"));
        let svg = bars(&groups, &["now", "before"], "Bars", &Axis::counts(2));
        assert!(svg.contains("<title>USD 10.00</title>"));
        let figure = |v: i64| v.to_string();
        let svg = pie(
            &[("A".into(), 1), ("<B>".into(), 3)],
            "Pie",
            "Other",
            &figure,
        );
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("<title>&lt;B&gt;: 3 (75.0%)</title>"), "{svg}");
        assert!(pie(&[], "Empty", "Other", &figure).contains("empty"));
        // Labels never run into the next group's.
        let many: Vec<Group> = (0..40)
            .map(|i| Group {
                label: format!("Someone with a long name {i}"),
                values: vec![i],
                titles: vec![String::new()],
                note: None,
            })
            .collect();
        let svg = grouped_bars(&many, &["a"], "Many", &Axis::counts(1));
        let wide = svg
            .split(r#"<g class="ticks-wide">"#)
            .nth(1)
            .and_then(|rest| rest.split("</g>").next())
            .unwrap_or_default();
        let shown: Vec<&str> = wide
            .split("</title>")
            .skip(1)
            .filter_map(|rest| rest.split("</text>").next())
            .filter(|t| !t.contains('<'))
            .collect();
        assert!(!shown.is_empty() && shown.len() < 40, "{shown:?}");
        assert!(shown.iter().all(|t| t.chars().count() <= 6), "{shown:?}");
        assert_eq!(
            tick_label("01", 0, 58.0, 12, CHAR_WIDTH),
            Some("01".into()),
            "months fit"
        );
        // No data still draws an empty chart rather than dividing by zero.
        assert!(grouped_bars(&[], &["a"], "x", &Axis::counts(1)).starts_with("<svg"));
    }

    #[test]
    fn value_axes_end_on_round_figures_above_the_largest_value() {
        // 1,153,214.00 in cents: four steps of 300k reach 1.2M.
        assert_eq!(axis_step(115_321_400, 100), 300_000.0);
        assert_eq!(axis_step(0, 1), 1.0);
        assert_eq!(axis_step(3, 1), 1.0, "counts step by whole records");
        assert_eq!(compact(1_200_000.0), "1.2M");
        assert_eq!(compact(8_000.0), "8k");
        assert_eq!(compact(400.0), "400");
        let groups = vec![
            Group {
                label: "2026-Q1".into(),
                values: vec![2, 250_000],
                titles: vec![String::new(), String::new()],
                note: None,
            },
            Group {
                label: "2026-Q2".into(),
                values: vec![7, 100_000],
                titles: vec![String::new(), String::new()],
                note: Some("2026".into()),
            },
        ];
        let axes = vec![
            Axis {
                series: vec![0],
                divisor: 1,
                suffix: "",
            },
            Axis {
                series: vec![1],
                divisor: 100,
                suffix: "",
            },
        ];
        let svg = grouped_bars(&groups, &["count", "amount"], "Two units", &axes);
        // Counts 0 to 8 on the left, money 0 to 3.2k (four steps of 800) on the right.
        assert!(
            svg.contains(
                r#"axis-0" x="70" y="14.0" text-anchor="end" dominant-baseline="middle">8</text>"#
            ),
            "{svg}"
        );
        assert!(
            svg.contains(r#"text-anchor="start" dominant-baseline="middle">3.2k</text>"#),
            "{svg}"
        );
        assert!(
            svg.contains("2026</text>"),
            "the year under its label: {svg}"
        );
        // The taller bars stand at their own axis's share: 7 of 8, 2,500 of 3,200.
        assert!(svg.contains(r#"height="173."#), "{svg}");
        assert!(svg.contains(r#"height="154.7""#), "{svg}");
        let svg = grouped_bars(&groups, &["count", "amount"], "No axis", &[]);
        assert!(!svg.contains("value-tick"), "{svg}");
    }

    #[test]
    fn a_pie_keeps_eleven_colours_and_names_the_rest_other() {
        let slices: Vec<(String, i64)> = (1..=14).map(|n| (format!("S{n}"), n)).collect();
        let kept = pie_slices(&slices, "Other");
        assert_eq!(kept.len(), 12);
        let colours: std::collections::BTreeSet<&str> =
            kept.iter().map(|(_, _, c)| c.as_str()).collect();
        assert_eq!(colours.len(), 12, "{kept:?}");
        assert_eq!(
            kept.last(),
            Some(&("Other".to_string(), 1 + 2 + 3, "pie-other".to_string()))
        );
        assert_eq!(kept[0].0, "S4", "the kept keep their order");
        assert_eq!(pie_slices(&slices[..12], "Other").len(), 12, "twelve fit");
    }

    #[test]
    fn phone_labels_are_thinned_where_wide_ones_are_not() {
        // Twelve months over 632 units: a slot of about 53.
        let slot = (720.0 - 76.0 - 12.0) / 12.0;
        assert_eq!(
            tick_label("Mar", 2, slot, 12, CHAR_WIDTH),
            Some("Mar".into())
        );
        assert_eq!(tick_label("Feb", 1, slot, 12, NARROW_CHAR_WIDTH), None);
        assert_eq!(
            tick_label("Mar", 2, slot, 12, NARROW_CHAR_WIDTH),
            Some("Mar".into())
        );
    }
}
