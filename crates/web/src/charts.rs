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
            // Room above the top gridline for its figure at the phone's
            // larger size, clear of whatever stands above the chart.
            top: 24.0,
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
            let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
            let every = axis_every(&labels, slot, char_width);
            for (index, group) in groups.iter().enumerate() {
                let x = self.left + slot * index as f64 + slot / 2.0;
                let y = self.base() + line;
                if let Some(text) = shown_tick(&group.label, index, slot, every, char_width) {
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
        // Nothing draws no bar (the figure stays in the table).
        for (s, value) in group.values.iter().enumerate().filter(|(_, v)| **v > 0) {
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

/// The longest label (in characters, wide ones counting twice) that is
/// never cut: days and weeks (`02-13`), months and quarters read only
/// whole, so fewer of them are shown instead.
const WHOLE_LABEL: f64 = 8.0;

/// A group's label as it fits under its bars without touching the next
/// one: a short one (a day, a week, a month) whole, only every few shown
/// when they do not all fit; a long one shortened with "…", and only every
/// few shown when even two characters do not fit (the whole label stays
/// on hover).
#[cfg(test)]
fn tick_label(
    label: &str,
    index: usize,
    slot: f64,
    count: usize,
    char_width: f64,
) -> Option<String> {
    let every = tick_every(label, slot, count, char_width);
    shown_tick(label, index, slot, every, char_width)
}

/// How many slots apart the labels stand so that none touches the next:
/// the widest need of all of them, one stride for the whole axis (a short
/// label shown whole beside a long one cut to its slot would run into it).
fn axis_every(labels: &[&str], slot: f64, char_width: f64) -> usize {
    labels
        .iter()
        .map(|label| tick_every(label, slot, labels.len(), char_width))
        .max()
        .unwrap_or(1)
}

/// The label at `index` when labels stand `every` slots apart: shortened
/// to the room of its stride.
fn shown_tick(
    label: &str,
    index: usize,
    slot: f64,
    every: usize,
    char_width: f64,
) -> Option<String> {
    if !index.is_multiple_of(every) {
        return None;
    }
    let room = ((slot * every as f64 - 4.0).max(0.0) / char_width).max(2.0);
    Some(fit(label, room))
}

/// How many slots apart one label needs its neighbours.
fn tick_every(label: &str, slot: f64, count: usize, char_width: f64) -> usize {
    let width = |c: char| if c.is_ascii() { 1.0 } else { 2.0 };
    let room = (slot - 4.0).max(0.0) / char_width;
    let total: f64 = label.chars().map(width).sum();
    if room >= total {
        1
    } else if total <= WHOLE_LABEL {
        // With a character's room between neighbours.
        ((((total + 1.0) * char_width + 4.0) / slot.max(1.0)).ceil() as usize)
            .clamp(1, count.max(1))
    } else if room >= 3.0 {
        1
    } else {
        let needed = total.clamp(2.0, 6.0) + 1.0;
        ((needed * char_width / slot.max(1.0)).ceil() as usize).clamp(1, count.max(1))
    }
}

/// A label cut to `room` characters (wide characters such as Chinese
/// count twice), with "…" when cut.
fn fit(label: &str, room: f64) -> String {
    let width = |c: char| if c.is_ascii() { 1.0 } else { 2.0 };
    if label.chars().map(width).sum::<f64>() <= room {
        return label.to_string();
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
    short
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
pub const COLOURS: usize = 8;

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

mod bars;
mod multiples;
mod pie;
#[cfg(test)]
mod tests;

pub use bars::{bars, names_crowd_on_phone};
pub use multiples::{Draw, Plot, Row2, multiples, pivot};
pub use pie::pie;
