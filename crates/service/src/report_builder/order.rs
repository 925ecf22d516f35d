//! A builder's rows in time order, yes/no keys and labels, and rounded
//! averages.

use std::collections::BTreeMap;

use super::{Resolved, Type};
use kuijing_domain::fields::FieldType as CustomType;

/// Whether a grouping is a yes/no field, system or custom alike.
pub(super) fn is_yes_no(field: &Resolved) -> bool {
    match field {
        Resolved::System(f) => f.kind == Type::Bool,
        Resolved::Custom(_, _, t) => *t == CustomType::Bool,
    }
}

/// Whether a measured field is money: a system amount, or a custom money
/// field, which holds money in its record's currency (the company's where
/// the kind has none).
pub(super) fn is_money(field: &Resolved) -> bool {
    match field {
        Resolved::System(f) => f.kind == Type::Money,
        Resolved::Custom(_, _, t) => *t == CustomType::Money,
    }
}

/// A custom field's label, as a column names it (system fields are named
/// in the reader's language by the pages).
pub(super) fn custom_label(field: &Resolved) -> Option<&str> {
    match field {
        Resolved::System(_) => None,
        Resolved::Custom(_, label, _) => Some(label),
    }
}

/// What a measured field's sums are divided by to be in its column's unit:
/// a custom field is summed in thousandths, and money is in hundredths.
pub(super) fn per_unit(field: &Resolved) -> i64 {
    match field {
        Resolved::Custom(_, _, CustomType::Money) => 1000 / kuijing_domain::money::MINOR_PER_MAJOR,
        _ => 1,
    }
}

/// A yes/no group's key the same on both databases: SQLite keeps 1 and 0,
/// PostgreSQL `true` and `false`; the key is `true` or `false` on both.
pub(super) fn yes_no_key(key: &mut Option<String>) {
    let same = match key.as_deref() {
        Some("1" | "true") => "true",
        Some("0" | "false") => "false",
        _ => return,
    };
    *key = Some(same.to_string());
}

/// Yes and no for true/false groups (named in the reader's language by
/// [`crate::reports::name_coded_rows`]).
pub(super) fn bool_label(field: &Resolved, key: &str) -> String {
    match key {
        "true" if is_yes_no(field) => "Yes".into(),
        "false" if is_yes_no(field) => "No".into(),
        _ => key.to_string(),
    }
}

/// Where a date bucket falls in time: `YYYY`, `YYYY-Qn`, `YYYY-MM` or
/// `YYYY-MM-DD` (a day, or the Monday of a week) as (year, month, day);
/// none for anything else.
fn bucket_time(key: &str) -> Option<(i32, u32, u32)> {
    let mut parts = key.splitn(3, '-');
    let year = parts.next()?.parse::<i32>().ok()?;
    let (month, day) = match (parts.next(), parts.next()) {
        (None, _) => (1, 1),
        (Some(quarter), None) if quarter.starts_with('Q') => {
            let q = quarter[1..]
                .parse::<u32>()
                .ok()
                .filter(|q| (1..=4).contains(q))?;
            (q * 3 - 2, 1)
        }
        (Some(month), day) => (
            month.parse::<u32>().ok()?,
            day.map_or(Some(1), |d| d.parse::<u32>().ok())?,
        ),
    };
    Some((year, month, day))
}

/// Orders a group's keys in time: buckets by when they fall, those without
/// a day last.
fn time_order(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    let at = |k: &Option<String>| {
        let key = k.as_deref();
        (
            key.is_none(),
            key.and_then(bucket_time),
            key.map(str::to_string),
        )
    };
    at(a).cmp(&at(b))
}

/// Orders a builder's rows where a grouping is a date bucket: a dated first
/// grouping in time (and within each bucket, a dated second one in time, or
/// the largest first); a dated second grouping in time within each first
/// group, the groups largest first.
pub(super) fn in_time_order(rows: &mut [crate::reports::ReportRow], dated: (bool, bool)) {
    let first = |r: &crate::reports::ReportRow| r.values.first().copied().flatten().unwrap_or(0);
    let mut group_totals: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for row in rows.iter() {
        *group_totals.entry(row.key.clone()).or_default() += first(row);
    }
    rows.sort_by(|a, b| {
        let outer = if dated.0 {
            time_order(&a.key, &b.key)
        } else {
            let total = |k: &Option<String>| group_totals.get(k).copied().unwrap_or(0);
            total(&b.key)
                .cmp(&total(&a.key))
                .then_with(|| a.key.cmp(&b.key))
        };
        outer.then_with(|| {
            if dated.1 {
                time_order(&a.key2, &b.key2)
            } else {
                first(b).cmp(&first(a))
            }
        })
    });
}

/// A row's keys: its first and second grouping's values.
pub(super) type RowKey = (Option<String>, Option<String>);

/// `sum` divided by `count`, rounded half away from zero; none of nothing.
pub(super) fn rounded(sum: i64, count: i64) -> Option<i64> {
    if count == 0 {
        return None;
    }
    let (sum, count) = (i128::from(sum), i128::from(count));
    Some(((sum * 2 + sum.signum() * count) / (count * 2)) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_round_half_away_from_zero() {
        assert_eq!(rounded(5, 2), Some(3));
        assert_eq!(rounded(-5, 2), Some(-3));
        assert_eq!(rounded(4, 3), Some(1));
        assert_eq!(rounded(0, 0), None);
    }

    #[test]
    fn date_buckets_fall_in_time() {
        assert_eq!(bucket_time("2020"), Some((2020, 1, 1)));
        assert_eq!(bucket_time("2020-Q3"), Some((2020, 7, 1)));
        assert_eq!(bucket_time("2020-11"), Some((2020, 11, 1)));
        assert_eq!(bucket_time("2020-11-30"), Some((2020, 11, 30)));
        assert_eq!(bucket_time("2020-Q5"), None);
        let key = |k: &str| Some(k.to_string());
        let mut keys = [None, key("2021-01"), key("2020-12"), key("2020-02")];
        keys.sort_by(time_order);
        assert_eq!(keys, [key("2020-02"), key("2020-12"), key("2021-01"), None]);
    }
}
