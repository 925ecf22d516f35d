//! A pie of one series, its slices named in a legend beside it.

use std::fmt::Write;

use super::escape;

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
pub(super) fn pie_slices(slices: &[(String, i64)], other: &str) -> Vec<(String, i64, String)> {
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
