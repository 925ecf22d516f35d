//! Approval statistics: the same figures as `/approvals/stats` (see
//! `approvals::figures`), over a period and what the viewer may see.

use super::*;
use crate::approvals::figures::{FigureQuery, Tally, tally};

/// The report's columns, in order; `decided` and the share follow them.
const COUNTS: [&str; 6] = [
    "submitted",
    "approve_decisions",
    "reject_decisions",
    "approved",
    "withdrawn",
    "in_progress",
];

impl App {
    pub(super) async fn approvals_report(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        frame: &Frame,
        by: &str,
        table: &mut Assembly,
    ) -> Result<()> {
        // Approvals count for the people whose contracts the viewer sees,
        // and, unless the viewer chose whose figures to see, also those
        // where the viewer held a seat: they acted on it, were handed it,
        // or it waits for them.
        let owners = frame.whose.owners(caller, Kind::Contract);
        let query = FigureQuery {
            by_submitter: by == "submitter",
            within: Some(frame.at),
            submitters: owners.as_deref(),
            seated: (!frame.whose.is_narrowed()).then_some(caller.user.id),
        };
        let (groups, all) = tally(tx, &query).await?;
        let columns: Vec<usize> = COUNTS
            .iter()
            .map(|name| table.column(name, Unit::Count, None, None))
            .collect();
        let decided = table.column("decided", Unit::Count, None, None);
        table.rate("approval_rate", columns[3], decided);
        // The average time of a step, in tenths of an hour.
        let hours = table.column("hours_per_step", Unit::Hours, None, None);
        // A group without a decided step has no average: "—", not 0.
        table.sparse.insert(hours);
        // Records approved on submit, for want of an active flow, apart.
        let without_flow = table.column("approved_without_flow", Unit::Count, None, None);
        let figures = |tally: &Tally| {
            [
                tally.submissions,
                tally.approve_decisions,
                tally.reject_decisions,
                tally.approved,
                tally.withdrawn,
                tally.in_progress,
            ]
        };
        let tenths = |tally: &Tally| {
            tally
                .average_step_seconds()
                .map(|seconds| (seconds * 10 + 1800) / 3600)
        };
        for (group, tally) in groups.iter().take(GROUP_LIMIT as usize) {
            let row = (Some(group.clone()), None);
            for (column, value) in columns.iter().zip(figures(tally)) {
                table.put(row.clone(), *column, value);
            }
            table.put(row.clone(), decided, tally.decided());
            table.put(row.clone(), without_flow, tally.approved_without_flow);
            if let Some(tenths) = tenths(tally) {
                table.put(row, hours, tenths);
            }
        }
        if groups.len() as u64 > GROUP_LIMIT {
            table.truncated = true;
        }
        // The average over every step, not a sum of the groups' averages.
        match tenths(&all) {
            Some(tenths) => table.total(hours, tenths),
            None => table.not_additive(hours),
        }
        Ok(())
    }
}
