use super::pie::pie_slices;
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
    assert!(shown.iter().all(|t| t.chars().count() <= 8), "{shown:?}");
    // Weeks (`02-13`) too many for their room are shown whole, every few
    // of them, never cut to "02-…".
    let slot = (720.0 - 76.0 - 12.0) / 27.0;
    let shown: Vec<String> = (0..27)
        .filter_map(|i| tick_label("02-13", i, slot, 27, CHAR_WIDTH))
        .collect();
    assert!(shown.len() > 5 && shown.len() < 27, "{shown:?}");
    assert!(shown.iter().all(|l| l == "02-13"), "{shown:?}");
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
            r#"axis-0" x="70" y="24.0" text-anchor="end" dominant-baseline="middle">8</text>"#
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
    assert!(svg.contains(r#"height="164.5""#), "{svg}");
    assert!(svg.contains(r#"height="146.9""#), "{svg}");
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
#[test]
fn a_short_label_beside_long_ones_sets_one_stride_for_the_whole_axis() {
    // Eleven industries on a phone: "(none)" would be shown whole across
    // its neighbour's slot while the long ones were cut to theirs.
    let labels = [
        "(none)",
        "technology",
        "employment",
        "entertainment",
        "finance",
        "marketing",
        "medical",
        "retail",
        "services",
        "software",
        "telecommunications",
    ];
    let slot = (720.0 - 76.0 - 12.0) / labels.len() as f64;
    let every = axis_every(&labels, slot, NARROW_CHAR_WIDTH);
    assert!(every > 1, "{every}");
    let shown: Vec<(usize, String)> = labels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| shown_tick(l, i, slot, every, NARROW_CHAR_WIDTH).map(|t| (i, t)))
        .collect();
    // Each shown label fits the stride it stands in, so none touches the next.
    for (_, text) in &shown {
        let wide: f64 = text
            .chars()
            .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
            .sum();
        assert!(wide * NARROW_CHAR_WIDTH <= slot * every as f64, "{text}");
    }
    assert_eq!(shown[0], (0, "(none)".to_string()));
    assert!(shown.iter().all(|(i, _)| i % every == 0));
    // The desktop's wider room shows more of them.
    assert!(axis_every(&labels, slot, CHAR_WIDTH) < every);
}

#[test]
fn horizontal_bars_put_a_note_as_a_heading_above_its_row_uncut() {
    let holder = "A holder whose name is far longer than the label column";
    let groups: Vec<Group> = (1..=3)
        .map(|m| Group {
            label: format!("{m:02}"),
            values: vec![m, m * 2],
            titles: vec![String::new(), String::new()],
            note: (m == 1).then(|| holder.to_string()),
        })
        .collect();
    let svg = bars(&groups, &["target", "achieved"], "Bars", &Axis::counts(2));
    // Whole in the wide set; the phone's set is cut to its width.
    assert!(svg.contains(&format!("</title>{holder}</text>")), "{svg}");
    assert_eq!(svg.matches("class=\"tick note\"").count(), 2, "{svg}");
    assert!(svg.contains("<g class=\"ticks-narrow\">"), "{svg}");
    assert!(svg.contains("</title>03</text>"), "{svg}");
    // A long label is cut with "…", whole on hover.
    let long = vec![Group {
        label: "Someone with a name far too long for the column".into(),
        values: vec![1],
        titles: vec![String::new()],
        note: None,
    }];
    let svg = bars(&long, &["a"], "Long", &Axis::counts(1));
    assert!(
        svg.contains("<title>Someone with a name far too long for the column</title>Someone"),
        "{svg}"
    );
    assert!(svg.contains("…</text>"), "{svg}");
}

#[test]
fn nothing_draws_no_bar_rather_than_a_hairline() {
    let groups = vec![
        Group {
            label: "2021-04".into(),
            values: vec![0, 500],
            titles: vec!["no target".into(), "500".into()],
            note: Some("Holder without a target".into()),
        },
        Group {
            label: "2021-05".into(),
            values: vec![1_000, 0],
            titles: vec!["1000".into(), "nothing".into()],
            note: None,
        },
    ];
    for svg in [
        bars::bars(&groups, &["target", "achieved"], "Targets", &Axis::money(2)),
        grouped_bars(&groups, &["target", "achieved"], "Targets", &Axis::money(2)),
    ] {
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert!(!svg.contains("<title>no target</title>"), "{svg}");
        assert!(!svg.contains("<title>nothing</title>"), "{svg}");
    }
}
fn row2(first: &str, second: &str, count: i64) -> Row2 {
    Row2 {
        first_key: Some(first.to_lowercase()),
        first: first.into(),
        second_key: Some(second.into()),
        second: second.into(),
        values: vec![Some(count), Some(count * 1000)],
    }
}

#[test]
fn two_groupings_draw_a_series_per_value_of_the_second_with_figures() {
    let rows = vec![
        row2("Ann", "2026-03", 2),
        row2("Ann", "2026-01", 5),
        row2("Bo", "2026-02", 1),
        row2("Bo", "2026-03", 4),
    ];
    let headings = vec!["Records".to_string(), "Amount".to_string()];
    let figure = |_: usize, v: Option<i64>| v.map_or("—".to_string(), |v| v.to_string());
    let pivot = pivot(&rows, &headings, &figure, 8, true);
    // Months are series in time; people along the axis, a value per month.
    assert_eq!(pivot.series, ["2026-01", "2026-02", "2026-03"]);
    assert_eq!(pivot.left_out, 0);
    assert_eq!(pivot.plots.len(), 2, "a set of groups per measure");
    let counts = &pivot.plots[0];
    let labels: Vec<&str> = counts.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["Ann", "Bo"]);
    assert_eq!(counts[0].values, [5, 0, 2]);
    assert_eq!(counts[1].values, [0, 1, 4]);
    assert_eq!(counts[0].titles[1], "Ann · 2026-02 · Records: —");
    assert_eq!(pivot.plots[1][1].titles[2], "Bo · 2026-03 · Amount: 4000");
    // Not dates: the largest first, and only the `most` largest drawn.
    let pivot2 = super::pivot(&rows, &headings, &figure, 2, false);
    assert_eq!(pivot2.series, ["2026-03", "2026-01"]);
    assert_eq!(pivot2.left_out, 1);

    let names: Vec<&str> = pivot.series.iter().map(String::as_str).collect();
    let plots: Vec<Plot> = pivot
        .plots
        .into_iter()
        .zip(&headings)
        .map(|(groups, caption)| Plot {
            caption: caption.clone(),
            groups,
            axes: vec![Axis {
                series: vec![0, 1, 2],
                divisor: 1,
                suffix: "",
            }],
        })
        .collect();
    let html = multiples(&plots, &names, "By month", grouped_bars);
    assert_eq!(html.matches("<figure").count(), 2, "{html}");
    assert!(html.contains("<figcaption>Amount</figcaption>"), "{html}");
    // Each chart has its axis figures: counts to 6, amounts to 6k.
    assert_eq!(html.matches("value-tick axis-0").count(), 10, "{html}");
    assert!(
        html.contains(">6</text>") && html.contains(">6k</text>"),
        "{html}"
    );
    // A bar per person, month and measure; a month without records draws
    // none (Bo in January, Ann in February).
    for (colour, bars) in [(0, 2), (1, 2), (2, 4)] {
        assert_eq!(
            html.matches(&format!(r#"<rect class="series-{colour}""#))
                .count(),
            bars,
            "a bar per person and measure: {html}"
        );
    }
    let html = multiples(&plots, &names, "By month", lines);
    assert_eq!(
        html.matches("<polyline").count(),
        6,
        "a line per month and measure"
    );
}

#[test]
fn names_too_long_for_a_phone_are_drawn_beside_horizontal_bars() {
    // People's names under five bars: cut or thinned on a phone.
    let people = ["Dustin Brinkmann", "Ann", "Bo", "Cy", "Di"];
    assert!(names_crowd_on_phone(&people));
    // Departments in Chinese, six of them: each wider than its slot.
    assert!(names_crowd_on_phone(&[
        "銷售一部",
        "銷售二部",
        "銷售三部",
        "客服部",
        "財務部",
        "總部"
    ]));
    // Short names fit whole.
    assert!(!names_crowd_on_phone(&["Ann", "Bo", "Cy"]));
    // Months, days and quarters read in order and may show every few.
    let months: Vec<String> = (1..=12).map(|m| format!("2021-{m:02}")).collect();
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    assert!(!names_crowd_on_phone(&months));
    assert!(!names_crowd_on_phone(&[
        "2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"
    ]));
}
