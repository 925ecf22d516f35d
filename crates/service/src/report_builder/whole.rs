//! What a built report computes over all its rows at once rather than per
//! group (the averages' totals, every total where groups are left out),
//! and the order of stages.

use std::collections::{BTreeMap, BTreeSet};

use kuijing_store::figures::Grouped;
use kuijing_store::pipelines::Pipeline;

use super::order::{RowKey, custom_label, is_money, per_unit};
use super::{Checked, rounded};
use crate::reports::{Assembly, ReportRow, Unit};

/// Keeps the first `limit` groups of `rows` (fetched one beyond the limit)
/// and tells whether any were left out. A group cut in the middle of its
/// currencies is left out whole rather than shown in part.
pub(super) fn cut(rows: &mut Vec<Grouped>, limit: u64) -> bool {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return false;
    }
    let first_left = (rows[limit].k1.clone(), rows[limit].k2.clone());
    rows.truncate(limit);
    while rows
        .last()
        .is_some_and(|r| (r.k1.clone(), r.k2.clone()) == first_left)
    {
        rows.pop();
    }
    true
}

/// How many rows of each group have a value, measure by measure (from a
/// statement with the same groups as the sums'): what averages divide by.
#[derive(Default)]
pub(super) struct Present(BTreeMap<(RowKey, Option<String>), Grouped>);

impl Present {
    pub(super) fn new(rows: Vec<Grouped>) -> Self {
        Self(
            rows.into_iter()
                .map(|row| {
                    (
                        ((row.k1.clone(), row.k2.clone()), row.currency.clone()),
                        row,
                    )
                })
                .collect(),
        )
    }

    /// How many rows of `row`'s group have a value for the measure at
    /// `index`.
    fn of(&self, row: &Grouped, index: usize) -> i64 {
        let group = ((row.k1.clone(), row.k2.clone()), row.currency.clone());
        self.0.get(&group).map_or(0, |p| p.measure(index))
    }
}

/// A measure's sum and its rows with a value per group, and per currency
/// where it is money (the fallback where a row has none); other measures
/// add up every currency's rows.
pub(super) fn sums(
    rows: &[Grouped],
    present: &Present,
    index: usize,
    money: bool,
    fallback: &str,
) -> BTreeMap<(RowKey, Option<String>), (i64, i64)> {
    let mut sums: BTreeMap<(RowKey, Option<String>), (i64, i64)> = BTreeMap::new();
    for row in rows {
        let currency = money.then(|| row.currency.clone().unwrap_or_else(|| fallback.to_string()));
        let entry = sums
            .entry(((row.k1.clone(), row.k2.clone()), currency))
            .or_default();
        entry.0 += row.measure(index);
        entry.1 += present.of(row, index);
    }
    sums
}

/// What a sum or an average shows, from the database's sum and the number
/// of rows with a value: an average is over those rows only, and there is
/// none where no row has a value. `per_unit` turns the sum into the
/// column's unit (10 for a custom money field's thousandths as hundredths).
pub(super) fn figure(average: bool, sum: i64, present: i64, per_unit: i64) -> Option<i64> {
    if average {
        rounded(sum, present.saturating_mul(per_unit))
    } else {
        rounded(sum, per_unit)
    }
}

/// Sets the totals the groups cannot give: each average column's, the
/// average over all the rows the report counts that have a value (none
/// where none has), never a mean of the groups' means; and where groups
/// are left out (`all`), every column's, so the total row counts the
/// whole and not only the groups shown. `whole` is the database's figures
/// in one statement without groups (one row per currency when money is
/// measured), `present` its rows with a value.
pub(super) fn whole_totals(
    table: &mut Assembly,
    checked: &Checked,
    (whole, present): (&[Grouped], &Present),
    fallback: &str,
    all: bool,
) {
    for (index, (op, field)) in checked.measures.iter().enumerate() {
        let average = op == "average";
        if !average && !all {
            continue;
        }
        // A count has no field.
        let Some(field) = field else {
            let count = whole.iter().map(|row| row.measure(index)).sum();
            let column = table.column(op, Unit::Count, None, None);
            table.total(column, count);
            continue;
        };
        let name = field.name();
        let at = Some((name.as_str(), custom_label(field)));
        let money = is_money(field);
        let unit = if money { Unit::Money } else { Unit::Number };
        for ((_, currency), (sum, count)) in sums(whole, present, index, money, fallback) {
            let column = table.column(op, unit, currency.as_deref(), at);
            match figure(average, sum, count, per_unit(field)) {
                Some(value) => table.total(column, value),
                None => table.not_additive(column),
            }
        }
    }
}

/// Leaves empty the cells of averages (by column, with the rows that have
/// a value there) where no record of the group has a value: the table
/// would show 0. Rows ordered by their first figure (`by_value`) stay in
/// that order, the empty ones last.
pub(super) fn leave_empty(
    rows: &mut [ReportRow],
    valued: &BTreeMap<usize, BTreeSet<RowKey>>,
    by_value: bool,
) {
    for row in rows.iter_mut() {
        let key = (row.key.clone(), row.key2.clone());
        for (column, with_value) in valued {
            if !with_value.contains(&key) {
                row.values[*column] = None;
            }
        }
    }
    if by_value {
        rows.sort_by_key(|r| std::cmp::Reverse(r.values.first().copied().flatten()));
    }
}

/// Puts rows grouped by stage in the order of their pipelines and of the
/// stages within each (as the pipeline settings order them), not by size:
/// a funnel reads from the first stage to the last. Rows of stages no
/// longer known, and rows without a stage, come last.
pub(super) fn in_stage_order(rows: &mut [ReportRow], pipelines: &[Pipeline]) {
    let positions: Vec<String> = pipelines
        .iter()
        .flat_map(|p| p.stages.iter().map(|s| s.id.to_string()))
        .collect();
    rows.sort_by_key(|row| {
        row.key
            .as_ref()
            .and_then(|key| positions.iter().position(|p| p == key))
            .unwrap_or(usize::MAX)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_are_over_the_rows_with_a_value_and_none_without() {
        // 123.45 and 0.55 in thousandths, two of three rows with a value.
        assert_eq!(figure(true, 124_000, 2, 1), Some(62_000));
        assert_eq!(figure(true, 124_000, 2, 10), Some(6_200));
        assert_eq!(figure(true, 0, 0, 1), None);
        assert_eq!(figure(false, 124_000, 2, 10), Some(12_400));
        assert_eq!(figure(false, 0, 0, 1), Some(0));
    }
}
