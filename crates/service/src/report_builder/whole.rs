//! What a built report computes over all its rows at once rather than per
//! group (the averages' totals, every total where groups are left out),
//! and the order of stages.

use kuijing_store::figures::Grouped;
use kuijing_store::pipelines::Pipeline;

use super::{Checked, Resolved, Type, rounded};
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

/// Sets the totals the groups cannot give: each average column's, the
/// average over all the rows the report counts, never a mean of the groups'
/// means; and where groups are left out (`all`), every column's, so the
/// total row counts the whole and not only the groups shown. `whole` is the
/// database's figures in one statement without groups (one row per
/// currency when money is measured).
pub(super) fn whole_totals(
    table: &mut Assembly,
    checked: &Checked,
    whole: &[Grouped],
    fallback: &str,
    all: bool,
) {
    for (index, (op, field)) in checked.measures.iter().enumerate() {
        let average = op == "average";
        if !average && !all {
            continue;
        }
        let position = index + 1;
        let value = |sum: i64, count: i64| {
            if average { rounded(sum, count) } else { sum }
        };
        if op == "count" {
            let count = whole.iter().map(|row| row.measure(position)).sum();
            let column = table.column(op, Unit::Count, None, None);
            table.total(column, count);
            continue;
        }
        let name = field.as_ref().map(Resolved::name);
        let label = match field {
            Some(Resolved::Custom(_, label, _)) => Some(label.as_str()),
            _ => None,
        };
        let at = name.as_deref().map(|n| (n, label));
        let is_money = matches!(field, Some(Resolved::System(f)) if f.kind == Type::Money);
        if is_money {
            for row in whole {
                let currency = row.currency.as_deref().unwrap_or(fallback);
                let column = table.column(op, Unit::Money, Some(currency), at);
                table.total(column, value(row.measure(position), row.m1));
            }
        } else {
            let (sum, count) = whole.iter().fold((0, 0), |(sum, count), row| {
                (sum + row.measure(position), count + row.m1)
            });
            let column = table.column(op, Unit::Number, None, at);
            table.total(column, value(sum, count));
        }
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
