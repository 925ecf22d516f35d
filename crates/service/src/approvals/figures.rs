//! The approval figures, one way for the statistics (`/approvals/stats`)
//! and the approvals report: counted by the database from the history
//! (see `kuijing_store::approval_figures` for what each counts), so every
//! decision counts, also one a resubmission later undid. A record approved
//! on submit for want of an active flow was decided by nobody: it counts
//! apart, never in the pass rate.

use std::collections::BTreeMap;

use kuijing_store::Tx;
pub(crate) use kuijing_store::approval_figures::FigureQuery;
use kuijing_store::approval_figures::{GroupFigures, figures};

use crate::error::Result;

/// The figures of a group (a kind, a submitter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub submissions: i64,
    pub approve_decisions: i64,
    pub reject_decisions: i64,
    /// Submissions that ended approved.
    pub approved: i64,
    /// Submissions withdrawn by their submitter.
    pub withdrawn: i64,
    /// Approvals in progress now whose last submission counts.
    pub in_progress: i64,
    /// Steps that passed or were rejected, and their time in seconds.
    pub steps: i64,
    pub step_seconds: i64,
    /// Records approved on submit with no active flow.
    pub approved_without_flow: i64,
}

impl From<&GroupFigures> for Tally {
    fn from(row: &GroupFigures) -> Self {
        Tally {
            submissions: row.submissions,
            approve_decisions: row.approve_decisions,
            reject_decisions: row.reject_decisions,
            approved: row.approved,
            withdrawn: row.withdrawn,
            in_progress: row.in_progress,
            steps: row.steps,
            step_seconds: row.step_seconds,
            approved_without_flow: row.approved_without_flow,
        }
    }
}

impl Tally {
    /// Submissions that ended approved or rejected.
    pub fn decided(&self) -> i64 {
        self.approved + self.reject_decisions
    }

    /// Approved out of decided, in tenths of a percent rounded half up.
    pub fn pass_rate(&self) -> Option<i64> {
        super::views::pass_rate(self.approved, self.reject_decisions)
    }

    /// The average time of a step, in seconds.
    pub fn average_step_seconds(&self) -> Option<i64> {
        (self.steps > 0).then(|| self.step_seconds / self.steps)
    }

    fn add(&mut self, other: &Tally) {
        self.submissions += other.submissions;
        self.approve_decisions += other.approve_decisions;
        self.reject_decisions += other.reject_decisions;
        self.approved += other.approved;
        self.withdrawn += other.withdrawn;
        self.in_progress += other.in_progress;
        self.steps += other.steps;
        self.step_seconds += other.step_seconds;
        self.approved_without_flow += other.approved_without_flow;
    }
}

/// The figures per group of the approvals `query` counts, and of all the
/// groups at once (the average step over every step, not an average of
/// the groups' averages).
pub(crate) async fn tally(
    tx: &mut Tx,
    query: &FigureQuery<'_>,
) -> Result<(BTreeMap<String, Tally>, Tally)> {
    let groups: BTreeMap<String, Tally> = figures(tx, query)
        .await?
        .iter()
        .map(|row| (row.grp.clone(), Tally::from(row)))
        .collect();
    let mut all = Tally::default();
    for tally in groups.values() {
        all.add(tally);
    }
    Ok((groups, all))
}
