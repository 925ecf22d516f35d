//! The buckets of a period a chart over dates draws: every day, week,
//! month, quarter or year of it, those without records at zero, on the
//! page and in the exports alike.

use super::{Report, ReportRow};

/// The most points a line draws, and the most bars a chart draws: beyond
/// them a chart no one can read; the table keeps every row.
pub const MOST_POINTS: usize = 400;
pub const MOST_BARS: usize = 60;

/// A line or bars over days, weeks, months, quarters or years with every
/// bucket of the period drawn, those without records at zero, so that time
/// runs evenly along the axis, the line never joins across empty days and
/// no gap between bars vanishes. A line's table keeps only the groups with
/// records; a bar chart's table shows the empty buckets too (see
/// [`bars_with_empty_buckets`]). None where nothing is to be filled:
/// another chart, a first grouping that is no date bucket, more buckets
/// than the chart draws, or groups outside the period (grouped by another
/// date than the period's).
pub fn with_empty_buckets(report: &Report) -> Option<Report> {
    let most = match report.chart.as_str() {
        "line" => MOST_POINTS,
        "bar" => MOST_BARS,
        _ => return None,
    };
    let keys = period_buckets(report.buckets[0]?, report.from, report.to, most)?;
    let model = report.rows.iter().find(|r| r.key.is_some())?;
    let known: std::collections::BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    if report
        .rows
        .iter()
        .filter_map(|r| r.key.as_deref())
        .any(|k| !known.contains(k))
    {
        return None;
    }
    let empty: Vec<Option<i64>> = report
        .columns
        .iter()
        .map(|c| (c.key != "average").then_some(0))
        .collect();
    let mut rows = Vec::with_capacity(keys.len().max(report.rows.len()));
    for key in &keys {
        let held: Vec<&ReportRow> = report
            .rows
            .iter()
            .filter(|r| r.key.as_deref() == Some(key.as_str()))
            .collect();
        if held.is_empty() {
            rows.push(ReportRow {
                key: Some(key.clone()),
                label: key.clone(),
                key2: model.key2.clone(),
                label2: model.label2.clone(),
                values: empty.clone(),
            });
        } else {
            rows.extend(held.into_iter().cloned());
        }
    }
    rows.extend(report.rows.iter().filter(|r| r.key.is_none()).cloned());
    Some(Report {
        rows,
        ..report.clone()
    })
}

/// A bar chart's report with the empty buckets of its period at zero, for
/// its table as for its bars; none where nothing is to be filled.
pub fn bars_with_empty_buckets(report: &Report) -> Option<Report> {
    (report.chart == "bar")
        .then(|| with_empty_buckets(report))
        .flatten()
}

/// The keys of the buckets from `from` to `to` (both included) as the
/// builder writes them (`2026`, `2026-Q1`, `2026-03`, `2026-03-02`, a week
/// by its Monday); none when there are more than `most`.
pub fn period_buckets(
    bucket: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    most: usize,
) -> Option<Vec<String>> {
    use chrono::{Datelike, Duration, Months};
    let (mut day, step): (
        chrono::NaiveDate,
        fn(chrono::NaiveDate) -> Option<chrono::NaiveDate>,
    ) = match bucket {
        "day" => (from, |d| d.checked_add_signed(Duration::days(1))),
        "week" => (
            from - Duration::days(i64::from(from.weekday().num_days_from_monday())),
            |d| d.checked_add_signed(Duration::days(7)),
        ),
        "month" => (from.with_day(1)?, |d| d.checked_add_months(Months::new(1))),
        "quarter" => (
            chrono::NaiveDate::from_ymd_opt(from.year(), (from.month0() / 3) * 3 + 1, 1)?,
            |d| d.checked_add_months(Months::new(3)),
        ),
        "year" => (chrono::NaiveDate::from_ymd_opt(from.year(), 1, 1)?, |d| {
            d.checked_add_months(Months::new(12))
        }),
        _ => return None,
    };
    let mut keys = Vec::new();
    while day <= to {
        if keys.len() == most {
            return None;
        }
        keys.push(match bucket {
            "day" | "week" => day.format("%Y-%m-%d").to_string(),
            "month" => day.format("%Y-%m").to_string(),
            "quarter" => format!("{}-Q{}", day.year(), day.month0() / 3 + 1),
            _ => day.year().to_string(),
        });
        day = step(day)?;
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::period_buckets;

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_period_has_every_bucket_as_the_builder_keys_them() {
        let weeks = period_buckets("week", day(2017, 1, 1), day(2017, 1, 16), 400);
        assert_eq!(
            weeks,
            Some(vec![
                "2016-12-26".to_string(),
                "2017-01-02".into(),
                "2017-01-09".into(),
                "2017-01-16".into()
            ])
        );
        let days = period_buckets("day", day(2016, 2, 28), day(2016, 3, 1), 400);
        assert_eq!(
            days,
            Some(vec![
                "2016-02-28".to_string(),
                "2016-02-29".into(),
                "2016-03-01".into()
            ])
        );
        let months = period_buckets("month", day(2016, 11, 15), day(2017, 1, 31), 400);
        assert_eq!(
            months,
            Some(vec![
                "2016-11".to_string(),
                "2016-12".into(),
                "2017-01".into()
            ])
        );
        let quarters = period_buckets("quarter", day(2016, 11, 15), day(2017, 4, 1), 400);
        assert_eq!(
            quarters,
            Some(vec![
                "2016-Q4".to_string(),
                "2017-Q1".into(),
                "2017-Q2".into()
            ])
        );
        // More than a line draws: none.
        assert_eq!(
            period_buckets("day", day(2016, 1, 1), day(2017, 12, 31), 400),
            None
        );
        assert_eq!(
            period_buckets("hour", day(2016, 1, 1), day(2016, 1, 2), 400),
            None
        );
    }
}
