//! A report's table put together from grouped statements, and the calendar helpers it needs.

use super::*;

/// How many groups a report shows at most.
pub(crate) const GROUP_LIMIT: u64 = 500;

/// How many groups a built report's export holds at most.
pub(crate) const EXPORT_GROUP_LIMIT: u64 = 200_000;

/// A table being put together from grouped statements.
#[derive(Default)]
pub(crate) struct Assembly {
    pub(crate) columns: Vec<ReportColumn>,
    cells: BTreeMap<(Option<String>, Option<String>), BTreeMap<usize, i64>>,
    /// Rate columns: (column, numerator, denominator).
    rates: Vec<(usize, usize, usize)>,
    /// Change columns: (column, of, base), base in the same row.
    changes: Vec<(usize, usize, usize)>,
    /// Columns whose total is not the sum of the rows.
    not_additive: BTreeSet<usize>,
    /// Totals computed on their own over all the rows (an average, a count
    /// of distinct contracts), in place of the sum of the groups.
    whole: BTreeMap<usize, i64>,
    /// Columns where a cell never put is unknown ("—"), not 0.
    pub(super) sparse: BTreeSet<usize>,
    pub(crate) truncated: bool,
    /// Currencies of money the figures leave out (a target report counts
    /// only money in its targets' currency).
    pub(crate) other_currencies: BTreeSet<String>,
    /// Targets left out for being in another currency (a target report's).
    pub(crate) targets_left_out: Vec<crate::dashboard::LeftOutTargets>,
    /// The target report's holders measured against their people's targets
    /// added up.
    pub(crate) added_up: Vec<super::AddedUpTarget>,
    /// Row keys every report shows, even empty (the months of the period).
    pub(crate) fixed_keys: Vec<String>,
    /// Columns (by key, in every currency) that have figures only in some
    /// rows (by key); elsewhere they are unknown ("—"), not 0: the funnel's
    /// open figures are the stages', won and lost ones their own rows'.
    pub(super) only_in: Vec<(String, BTreeSet<String>)>,
}

impl Assembly {
    pub(crate) fn column(
        &mut self,
        key: &str,
        unit: Unit,
        currency: Option<&str>,
        label: Option<(&str, Option<&str>)>,
    ) -> usize {
        if let Some(index) = self.columns.iter().position(|c| {
            c.key == key
                && c.currency.as_deref() == currency
                && c.field.as_deref() == label.map(|l| l.0)
        }) {
            return index;
        }
        self.columns.push(ReportColumn {
            key: key.to_string(),
            unit,
            currency: currency.map(str::to_string),
            field: label.map(|l| l.0.to_string()),
            field_label: label.and_then(|l| l.1.map(str::to_string)),
        });
        self.columns.len() - 1
    }

    pub(crate) fn put(&mut self, row: (Option<String>, Option<String>), column: usize, value: i64) {
        *self
            .cells
            .entry(row)
            .or_default()
            .entry(column)
            .or_default() += value;
    }

    pub(crate) fn note(&mut self, rows: &[Grouped]) {
        if rows.len() as u64 >= GROUP_LIMIT {
            self.truncated = true;
        }
    }

    /// A count (or a number) per group, whatever the currency.
    pub(crate) fn counts(&mut self, key: &str, unit: Unit, rows: &[Grouped], measure: usize) {
        self.counts_shifted(key, unit, rows, measure, &|k| k.to_string());
    }

    pub(super) fn counts_shifted(
        &mut self,
        key: &str,
        unit: Unit,
        rows: &[Grouped],
        measure: usize,
        shift: &dyn Fn(&str) -> String,
    ) {
        self.note(rows);
        let column = self.column(key, unit, None, None);
        for row in rows {
            let k1 = row.k1.as_deref().map(shift);
            self.put((k1, row.k2.clone()), column, row.measure(measure));
        }
    }

    /// An amount per group, one column per currency; the fallback currency
    /// has a column even when nothing was found.
    pub(crate) fn money(&mut self, key: &str, rows: &[Grouped], measure: usize, fallback: &str) {
        self.money_shifted(key, rows, measure, fallback, &|k| k.to_string());
    }

    pub(super) fn money_shifted(
        &mut self,
        key: &str,
        rows: &[Grouped],
        measure: usize,
        fallback: &str,
        shift: &dyn Fn(&str) -> String,
    ) {
        self.note(rows);
        let mut currencies: BTreeSet<String> =
            rows.iter().filter_map(|r| r.currency.clone()).collect();
        if currencies.is_empty() {
            // The currencies already shown, so an empty comparison sits
            // beside the figures it compares with.
            currencies = self
                .columns
                .iter()
                .filter(|c| c.unit == Unit::Money)
                .filter_map(|c| c.currency.clone())
                .collect();
        }
        if currencies.is_empty() {
            currencies.insert(fallback.to_string());
        }
        for currency in &currencies {
            self.column(key, Unit::Money, Some(currency), None);
        }
        for row in rows {
            let currency = row.currency.clone().unwrap_or_else(|| fallback.to_string());
            let column = self.column(key, Unit::Money, Some(&currency), None);
            let k1 = row.k1.as_deref().map(shift);
            self.put((k1, row.k2.clone()), column, row.measure(measure));
        }
    }

    /// A rate column: numerator out of denominator, in tenths of a percent.
    pub(super) fn rate(&mut self, key: &str, numerator: usize, denominator: usize) -> usize {
        let column = self.column(key, Unit::Percent, None, None);
        self.rates.push((column, numerator, denominator));
        column
    }

    /// The columns of `of` with the column of `base` in the same currency,
    /// and that currency.
    pub(super) fn currency_pairs(&self, of: &str, base: &str) -> Vec<(usize, usize, String)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.key == of)
            .filter_map(|(i, c)| {
                let currency = c.currency.clone()?;
                let b = self.columns.iter().position(|d| {
                    d.key == base && d.currency.as_deref() == Some(currency.as_str())
                })?;
                Some((i, b, currency))
            })
            .collect()
    }

    /// Per currency, a rate of one money column against another.
    pub(super) fn money_rates(&mut self, key: &str, of: &str, base: &str) {
        let pairs = self.currency_pairs(of, base);
        for (numerator, denominator, currency) in pairs {
            let column = self.column(key, Unit::Percent, Some(&currency), None);
            self.rates.push((column, numerator, denominator));
        }
    }

    /// Per currency, the change of one money column against another.
    pub(super) fn money_changes(&mut self, key: &str, of: &str, base: &str) {
        let pairs = self.currency_pairs(of, base);
        for (of, base, currency) in pairs {
            let column = self.column(key, Unit::Percent, Some(&currency), None);
            self.changes.push((column, of, base));
        }
    }

    /// The columns of `key` have figures only in the rows of `rows`.
    pub(super) fn only_in(&mut self, key: &str, rows: &[String]) {
        self.only_in
            .push((key.to_string(), rows.iter().cloned().collect()));
    }

    pub(crate) fn not_additive(&mut self, column: usize) {
        self.not_additive.insert(column);
    }

    /// A column's total, computed over all the rows at once rather than
    /// added up from its groups.
    pub(crate) fn total(&mut self, column: usize, value: i64) {
        self.not_additive.insert(column);
        self.whole.insert(column, value);
    }

    /// The rows and totals, rows in key order (or by the first figure,
    /// largest first, when `by_value`).
    pub(crate) fn finish(
        self,
        by_value: bool,
    ) -> (Vec<ReportColumn>, Vec<ReportRow>, Vec<Option<i64>>) {
        let width = self.columns.len();
        let mut cells = self.cells;
        for key in &self.fixed_keys {
            cells.entry((Some(key.clone()), None)).or_default();
        }
        let sparse = &self.sparse;
        let only_in: Vec<(usize, &BTreeSet<String>)> = self
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                self.only_in
                    .iter()
                    .find(|(key, _)| *key == c.key)
                    .map(|(_, rows)| (i, rows))
            })
            .collect();
        let outside = |key: &Option<String>, column: usize| -> bool {
            only_in
                .iter()
                .any(|(c, rows)| *c == column && !key.as_ref().is_some_and(|k| rows.contains(k)))
        };
        let value_of = |values: &BTreeMap<usize, i64>, column: usize| -> Option<i64> {
            match values.get(&column) {
                Some(value) => Some(*value),
                None if sparse.contains(&column) => None,
                None => Some(0),
            }
        };
        let rate = |n: i64, d: i64| -> Option<i64> {
            kuijing_domain::dates::rate_tenths(i128::from(n), i128::from(d))
        };
        let change = |n: i64, d: i64| -> Option<i64> {
            (d != 0).then(|| {
                let diff = i128::from(n) - i128::from(d);
                let d = i128::from(d).abs();
                ((diff * 1000 + diff.signum() * d / 2) / d) as i64
            })
        };
        let derived: BTreeSet<usize> = self
            .rates
            .iter()
            .map(|r| r.0)
            .chain(self.changes.iter().map(|c| c.0))
            .collect();
        let mut rows: Vec<ReportRow> = cells
            .into_iter()
            .map(|((key, key2), values)| {
                let mut out: Vec<Option<i64>> = (0..width)
                    .map(|c| {
                        if outside(&key, c) {
                            None
                        } else {
                            value_of(&values, c)
                        }
                    })
                    .collect();
                for (column, n, d) in &self.rates {
                    out[*column] = match (out[*n], out[*d]) {
                        (Some(n), Some(d)) => rate(n, d),
                        _ => None,
                    };
                }
                for (column, of, base) in &self.changes {
                    out[*column] = change(out[*of].unwrap_or(0), out[*base].unwrap_or(0));
                }
                ReportRow {
                    label: key.clone().unwrap_or_default(),
                    label2: key2.clone(),
                    key,
                    key2,
                    values: out,
                }
            })
            .collect();
        if by_value {
            rows.sort_by_key(|r| std::cmp::Reverse(r.values.first().copied().flatten()));
        } else if !self.fixed_keys.is_empty() {
            // The fixed keys in their order (stages, months), then the rest.
            let order = |key: &Option<String>| {
                key.as_ref()
                    .and_then(|k| self.fixed_keys.iter().position(|f| f == k))
                    .unwrap_or(usize::MAX)
            };
            rows.sort_by_key(|r| order(&r.key));
        }
        let mut totals: Vec<Option<i64>> = (0..width)
            .map(|c| {
                if let Some(whole) = self.whole.get(&c) {
                    Some(*whole)
                } else if derived.contains(&c) || self.not_additive.contains(&c) {
                    None
                } else {
                    Some(rows.iter().filter_map(|r| r.values[c]).sum())
                }
            })
            .collect();
        for (column, n, d) in &self.rates {
            totals[*column] = match (totals[*n], totals[*d]) {
                (Some(n), Some(d)) => rate(n, d),
                _ => None,
            };
        }
        for (column, of, base) in &self.changes {
            totals[*column] = change(totals[*of].unwrap_or(0), totals[*base].unwrap_or(0));
        }
        (self.columns, rows, totals)
    }
}

/// The offsets of a time zone in force over `[from, to)`, for SQLite.
pub(crate) fn zone_over(zone: chrono_tz::Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Zone {
    zone_stepped(zone, (from, to), chrono::Duration::hours(6))
}

/// The offsets of the company's zone from 1900 to 2200, each with the
/// instant it starts (the first from the year 1, so every record has one),
/// as the customers counted per day read them (`customer_days`). Offsets
/// are looked for a day apart: no zone changes twice within a day.
pub(crate) fn zone_starts(zone: chrono_tz::Tz) -> Vec<(DateTime<Utc>, i32)> {
    let at = |year| {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .unwrap_or_default()
    };
    let over = zone_stepped(zone, (at(1900), at(2200)), chrono::Duration::days(1));
    let mut starts = Vec::with_capacity(over.offsets.len());
    let mut start = at(1);
    for (until, offset) in over.offsets {
        starts.push((start, offset));
        start = until.unwrap_or(start);
    }
    starts
}

fn zone_stepped(
    zone: chrono_tz::Tz,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    step: chrono::Duration,
) -> Zone {
    use chrono::Offset;
    let offset_at = |at: DateTime<Utc>| at.with_timezone(&zone).offset().fix().local_minus_utc();
    let mut offsets = Vec::new();
    let mut current = offset_at(from);
    let mut at = from;
    while at < to {
        let next = (at + step).min(to);
        if offset_at(next) != current {
            // Find the change to the second.
            let (mut low, mut high) = (at, next);
            while (high - low).num_seconds() > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(middle) == current {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            offsets.push((Some(high), current));
            current = offset_at(high);
        }
        at = next;
    }
    offsets.push((None, current));
    Zone {
        name: zone.name().to_string(),
        offsets,
    }
}

/// The first day of each month from `from` up to (not including) `to`.
pub(super) fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut month = from.with_day(1).unwrap_or(from);
    while month < to && out.len() < 240 {
        out.push(month.format("%Y-%m").to_string());
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to);
    }
    out
}

pub(super) fn year_later(month: &str) -> String {
    match month.split_once('-') {
        Some((year, rest)) => match year.parse::<i32>() {
            Ok(y) => format!("{:04}-{rest}", y + 1),
            Err(_) => month.to_string(),
        },
        None => month.to_string(),
    }
}

pub(super) fn year_earlier(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(chrono::Months::new(12))
        .unwrap_or(day)
}
