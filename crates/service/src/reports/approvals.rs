//! Approval statistics: the same figures as `/approvals/stats` (see
//! `approvals::figures`), over a period and what the viewer may see.

use std::collections::HashSet;

use super::*;
use crate::approvals::figures::{Tally, tally};

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
        let me = caller.user.id;
        let rows = kuijing_store::approvals::action_facts(tx).await?;
        let mut seated: HashSet<i64> = kuijing_store::approvals::waiting_ids(tx, me)
            .await?
            .into_iter()
            .collect();
        if !frame.whose.is_narrowed() {
            seated.extend(
                rows.iter()
                    .filter(|row| row.actor_id == Some(me) || row.target_id == Some(me))
                    .map(|row| row.approval_id),
            );
        } else {
            seated.clear();
        }
        let counts = |row: &kuijing_store::approvals::ActionFact| {
            owners
                .as_ref()
                .is_none_or(|owners| owners.contains(&row.submitter_id))
                || seated.contains(&row.approval_id)
        };
        let key = |row: &kuijing_store::approvals::ActionFact| {
            if by == "submitter" {
                row.submitter_id.to_string()
            } else {
                row.kind.clone()
            }
        };
        let (from, to) = frame.at;
        let within = |at: DateTime<Utc>| at >= from && at < to;
        let (groups, all) = tally(&rows, &counts, &key, &within);
        let columns: Vec<usize> = COUNTS
            .iter()
            .map(|name| table.column(name, Unit::Count, None, None))
            .collect();
        let decided = table.column("decided", Unit::Count, None, None);
        table.rate("approval_rate", columns[3], decided);
        // The average time of a step, in tenths of an hour.
        let hours = table.column("hours_per_step", Unit::Hours, None, None);
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
