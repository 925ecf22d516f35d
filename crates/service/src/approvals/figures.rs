//! The approval figures, one way for the statistics (`/approvals/stats`)
//! and the approvals report: counted from the history, so every decision
//! counts, also one a resubmission later undid.
//!
//! * A submission is each time a record is put into its flow: the first
//!   submit and every resubmission.
//! * Approve and reject decisions are the approvers' own acts, one each.
//! * A submission ends approved (the flow's last step passed, or no flow),
//!   rejected (a rejection ends it) or withdrawn.
//! * The pass rate is the submissions that ended approved out of those
//!   that ended approved or rejected (withdrawn ones and those still in
//!   progress left out).
//! * A step lasts from its start until it passes or is rejected; a step
//!   withdrawn or submitted again meanwhile is not counted.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use kuijing_store::approvals::ActionFact;

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
    }
}

/// The figures per group of the history rows `rows` (oldest first) of the
/// approvals `counts` accepts, grouped by `key`, counting what happened
/// when `within` says. Also answers the figures of all the groups at once.
pub fn tally(
    rows: &[ActionFact],
    counts: &dyn Fn(&ActionFact) -> bool,
    key: &dyn Fn(&ActionFact) -> String,
    within: &dyn Fn(DateTime<Utc>) -> bool,
) -> (BTreeMap<String, Tally>, Tally) {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    // The start of each approval's current step, and whether its last
    // submission counts, with the key of its approval.
    let mut started: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut last_submission: HashMap<i64, (bool, String, bool)> = HashMap::new();
    for row in rows.iter().filter(|row| counts(row)) {
        let at = row.created_at;
        let here = within(at);
        let tally = groups.entry(key(row)).or_default();
        let end_step = |tally: &mut Tally, started: &mut HashMap<i64, DateTime<Utc>>| {
            if let Some(start) = started.remove(&row.approval_id)
                && here
            {
                tally.steps += 1;
                tally.step_seconds += (at - start).num_seconds().max(0);
            }
        };
        match row.action.as_str() {
            "submitted" | "resubmitted" => {
                started.remove(&row.approval_id);
                if here {
                    tally.submissions += 1;
                }
                let in_progress = row.status == "in_progress";
                last_submission.insert(row.approval_id, (here, key(row), in_progress));
            }
            "step_started" => {
                end_step(tally, &mut started);
                started.insert(row.approval_id, at);
            }
            "approve" if here => tally.approve_decisions += 1,
            "reject" => {
                if here {
                    tally.reject_decisions += 1;
                }
                end_step(tally, &mut started);
            }
            "approved" => {
                if here {
                    tally.approved += 1;
                }
                end_step(tally, &mut started);
            }
            "withdraw" | "withdrawn" => {
                if here && row.action == "withdraw" {
                    tally.withdrawn += 1;
                }
                started.remove(&row.approval_id);
            }
            _ => {}
        }
    }
    for (counted, group, in_progress) in last_submission.into_values() {
        if counted && in_progress {
            groups.entry(group).or_default().in_progress += 1;
        }
    }
    groups.retain(|_, tally| *tally != Tally::default());
    let mut all = Tally::default();
    for tally in groups.values() {
        all.add(tally);
    }
    (groups, all)
}
