//! What a built report computes over all its rows at once rather than per
//! group (the averages' totals), and the order of stages.

use kuijing_store::figures::Grouped;
use kuijing_store::pipelines::Pipeline;

use super::{Checked, Resolved, Type, rounded};
use crate::reports::{Assembly, ReportRow, Unit};

/// Sets the total of each average column to the average over all the rows
/// the report counts, as the database computed it in one statement without
/// groups (`whole`: one row per currency when money is averaged), never a
/// mean of the groups' means.
pub(super) fn average_totals(
    table: &mut Assembly,
    checked: &Checked,
    whole: &[Grouped],
    fallback: &str,
) {
    for (index, (op, field)) in checked.measures.iter().enumerate() {
        if op != "average" {
            continue;
        }
        let position = index + 1;
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
                table.total(column, rounded(row.measure(position), row.m1));
            }
        } else {
            let (sum, count) = whole.iter().fold((0, 0), |(sum, count), row| {
                (sum + row.measure(position), count + row.m1)
            });
            let column = table.column(op, Unit::Number, None, at);
            table.total(column, rounded(sum, count));
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
