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
}

fn escape(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// Grouped vertical bars (for example this year's month beside last
/// year's). `series` names the series, in the order of the values.
pub fn grouped_bars(groups: &[Group], series: &[&str], label: &str) -> String {
    let width = 720.0_f64;
    let height = 240.0_f64;
    let (left, bottom, top) = (8.0, 28.0, 12.0);
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (width - left * 2.0) / groups.len().max(1) as f64;
    let bar = (slot * 0.8 / series.len().max(1) as f64).min(28.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(label)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{left}" y1="{y}" x2="{x2}" y2="{y}"/>"#,
        y = height - bottom,
        x2 = width - left
    );
    for (index, group) in groups.iter().enumerate() {
        let x0 = left + slot * index as f64 + (slot - bar * series.len() as f64) / 2.0;
        for (s, value) in group.values.iter().enumerate() {
            let h = (*value as f64 / max) * (height - bottom - top);
            let x = x0 + bar * s as f64;
            let y = height - bottom - h;
            let title = group.titles.get(s).map(String::as_str).unwrap_or_default();
            let _ = write!(
                svg,
                r#"<rect class="series-{s}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="2"><title>{}</title></rect>"#,
                escape(title),
                w = (bar - 2.0).max(1.0),
            );
        }
        if let Some(text) = tick_label(&group.label, index, slot, groups.len()) {
            let _ = write!(
                svg,
                r#"<text class="tick" x="{x:.1}" y="{y}" text-anchor="middle"><title>{}</title>{}</text>"#,
                escape(&group.label),
                escape(&text),
                x = left + slot * index as f64 + slot / 2.0,
                y = height - 10.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The width of a tick label's character, in the chart's units (12px text;
/// wide characters such as Chinese count twice).
const CHAR_WIDTH: f64 = 7.0;

/// A group's label as it fits under its bars without touching the next
/// one: shortened with "…" when long, and only every few labels shown when
/// even two characters do not fit (the whole label stays on hover).
fn tick_label(label: &str, index: usize, slot: f64, count: usize) -> Option<String> {
    let width = |c: char| if c.is_ascii() { 1.0 } else { 2.0 };
    let room = (slot - 4.0).max(0.0) / CHAR_WIDTH;
    let every = if room >= 2.0 {
        1
    } else {
        let needed = label.chars().map(width).sum::<f64>().clamp(2.0, 6.0);
        ((needed * CHAR_WIDTH / slot.max(1.0)).ceil() as usize).clamp(1, count.max(1))
    };
    if !index.is_multiple_of(every) {
        return None;
    }
    let room = room.max(2.0) * every as f64;
    let total: f64 = label.chars().map(width).sum();
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
/// per value that shows the value on hover.
pub fn lines(groups: &[Group], series: &[&str], label: &str) -> String {
    let width = 720.0_f64;
    let height = 240.0_f64;
    let (left, bottom, top) = (12.0, 28.0, 14.0);
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (width - left * 2.0) / groups.len().max(1) as f64;
    let x_of = |index: usize| left + slot * index as f64 + slot / 2.0;
    let y_of = |value: i64| height - bottom - (value.max(0) as f64 / max) * (height - bottom - top);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(label)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{left}" y1="{y}" x2="{x2}" y2="{y}"/>"#,
        y = height - bottom,
        x2 = width - left
    );
    for s in 0..series.len() {
        let points: Vec<String> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                format!(
                    "{:.1},{:.1}",
                    x_of(i),
                    y_of(g.values.get(s).copied().unwrap_or(0))
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
                y_of(value),
                escape(title),
                c = s % COLOURS
            );
        }
    }
    // Every label when they fit, else every few.
    let every = groups.len().div_ceil(12).max(1);
    for (i, g) in groups.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x_of(i),
            height - 10.0,
            escape(&g.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one row per group (for many groups, such as people),
/// the label on the left and each series as a thin bar.
pub fn bars(groups: &[Group], series: &[&str], label: &str) -> String {
    let width = 720.0_f64;
    let label_width = 190.0_f64;
    let bar = 12.0_f64;
    let row = bar * series.len().max(1) as f64 + 10.0;
    let height = row * groups.len().max(1) as f64 + 4.0;
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let room = width - label_width - 12.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart bars-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        escape(label)
    );
    for (index, group) in groups.iter().enumerate() {
        let y0 = index as f64 * row + 4.0;
        let short: String = group.label.chars().take(24).collect();
        let _ = write!(
            svg,
            r#"<text class="label" x="{x:.1}" y="{y:.1}" text-anchor="end">{}</text>"#,
            escape(&short),
            x = label_width - 8.0,
            y = y0 + (row - 10.0) / 2.0
        );
        for (s, value) in group.values.iter().enumerate() {
            let w = ((*value).max(0) as f64 / max * room).max(1.0);
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

/// A pie of one series: a slice per group, as large as its share.
pub fn pie(slices: &[(String, i64, String)], label: &str) -> String {
    let size = 240.0_f64;
    let (cx, cy, r) = (size / 2.0, size / 2.0, size / 2.0 - 8.0);
    let total: i64 = slices.iter().map(|(_, v, _)| (*v).max(0)).sum();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart pie-chart" viewBox="0 0 {size} {size}" role="img" aria-label="{}">"#,
        escape(label)
    );
    if total == 0 {
        let _ = write!(
            svg,
            r#"<circle class="empty" cx="{cx}" cy="{cy}" r="{r}"/>"#
        );
    }
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (index, (name, value, title)) in slices.iter().enumerate() {
        let value = (*value).max(0);
        if value == 0 || total == 0 {
            continue;
        }
        let share = value as f64 / total as f64;
        let class = index % COLOURS;
        let text = escape(&format!("{name} · {title}"));
        if share >= 0.9999 {
            let _ = write!(
                svg,
                r#"<circle class="series-{class}" cx="{cx}" cy="{cy}" r="{r}"><title>{text}</title></circle>"#
            );
            break;
        }
        let end = angle + share * std::f64::consts::TAU;
        let (x1, y1) = (cx + r * angle.cos(), cy + r * angle.sin());
        let (x2, y2) = (cx + r * end.cos(), cy + r * end.sin());
        let large = i32::from(share > 0.5);
        let _ = write!(
            svg,
            r#"<path class="series-{class} slice" d="M{cx},{cy} L{x1:.2},{y1:.2} A{r},{r} 0 {large} 1 {x2:.2},{y2:.2} Z"><title>{text}</title></path>"#
        );
        angle = end;
    }
    svg.push_str("</svg>");
    svg
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
        }];
        let svg = grouped_bars(&groups, &["now", "before"], "Trend & more");
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
        let svg = lines(&groups, &["now", "before"], "Lines");
        assert!(svg.contains("<title>USD 5.00</title>") && svg.contains("&lt;b&gt;"));
        let svg = bars(&groups, &["now", "before"], "Bars");
        assert!(svg.contains("<title>USD 10.00</title>"));
        let svg = pie(
            &[("A".into(), 1, "1".into()), ("<B>".into(), 3, "3".into())],
            "Pie",
        );
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("&lt;B&gt; · 3"));
        assert!(pie(&[], "Empty").contains("empty"));
        // Labels never run into the next group's.
        let many: Vec<Group> = (0..40)
            .map(|i| Group {
                label: format!("Someone with a long name {i}"),
                values: vec![i],
                titles: vec![String::new()],
            })
            .collect();
        let svg = grouped_bars(&many, &["a"], "Many");
        let shown: Vec<&str> = svg
            .split("</title>")
            .skip(1)
            .filter_map(|rest| rest.split("</text>").next())
            .filter(|t| !t.contains('<'))
            .collect();
        assert!(!shown.is_empty() && shown.len() < 40, "{shown:?}");
        assert!(shown.iter().all(|t| t.chars().count() <= 6), "{shown:?}");
        assert_eq!(
            tick_label("01", 0, 58.0, 12),
            Some("01".into()),
            "months fit"
        );
        // No data still draws an empty chart rather than dividing by zero.
        assert!(grouped_bars(&[], &["a"], "x").starts_with("<svg"));
    }
}
