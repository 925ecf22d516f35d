//! The shapes an approval is read in: its panel on a record's page (steps
//! and seats) and the figures per kind.

use super::*;

/// An approval as its record's page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalView {
    pub approval: StoredApproval,
    /// The plan's steps as people read them: a rejected or withdrawn
    /// approval's later steps are `not_reached`, never waiting.
    pub steps: Vec<StepReading>,
    /// The steps (positions in the flow's `steps`) whose approvers the
    /// submitter chose and a resubmission now keeps, resuming after them:
    /// a submit asks no approvers for them, and ignores any sent.
    pub choices_kept: Vec<usize>,
    pub flow_name: Option<String>,
    pub history: Vec<ActionRow>,
    /// Who must act now, by name.
    pub waiting_for: Vec<(i64, String)>,
    /// Those of `waiting_for` who were disabled since: they act no more,
    /// and an approval manager hands their seats over.
    pub waiting_disabled: Vec<i64>,
    /// The names of everyone on the plan and in the history.
    pub people: Vec<(i64, String)>,
    /// Whether the caller may approve, reject or hand over now.
    pub can_decide: bool,
    pub can_withdraw: bool,
    /// Whether the caller may hand over the seat of anyone the approval
    /// waits for (`approval.manage`, while it is in progress).
    pub can_reassign: bool,
}

/// A step of an approval's plan as its panel shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepReading {
    pub name: String,
    /// `any_one` or `everyone`.
    pub mode: String,
    /// `passed`, `skipped`, `current` (being decided), `waiting` (later in
    /// an approval in progress), `ended` (where a rejection or withdrawal
    /// stopped it) or `not_reached` (after that).
    pub state: String,
    pub seats: Vec<SeatReading>,
}

/// An approver's seat on a step as its panel shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeatReading {
    pub user_id: i64,
    /// `approved`, `rejected`, `handed_over`, `vacated`; undecided:
    /// `pending` (must decide now), `upcoming` (a later step of an
    /// approval in progress), `not_reached` (a step the approval ended
    /// before) or `not_needed` (a step that passed or ended without it).
    pub state: String,
}

impl StepReading {
    /// Every step of an approval's plan, read.
    pub fn of(state: &Approval) -> Vec<StepReading> {
        state
            .plan
            .iter()
            .enumerate()
            .map(|(index, step)| StepReading {
                name: step.name.clone(),
                mode: step.mode.as_str().into(),
                state: state.step_state(index).into(),
                seats: step
                    .approvers
                    .iter()
                    .map(|seat| SeatReading {
                        user_id: seat.user,
                        state: state.seat_state(index, seat).into(),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The approval figures of a kind. `total` and the statuses count the
/// approvals (one per record) that went through a flow by where they
/// stand now; the others count
/// from the history, every submission and decision, also those a
/// resubmission later undid — as the approvals report does.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindStats {
    pub kind: String,
    pub total: i64,
    pub approved: i64,
    pub rejected: i64,
    pub in_progress: i64,
    pub withdrawn: i64,
    /// Times records were submitted: first submissions and resubmissions.
    pub submissions: i64,
    /// Submissions that ended approved.
    pub approved_submissions: i64,
    /// Reject decisions ever taken (each ends its submission).
    pub rejected_decisions: i64,
    /// Approve decisions ever taken, one per approver and step.
    pub approved_decisions: i64,
    /// Submissions that ended approved out of those that ended approved or
    /// rejected, in tenths of a percent rounded half up (667 is 66.7%), as
    /// the reports' rates; withdrawn ones and
    /// those in progress left out.
    pub pass_rate: Option<i64>,
    /// The average time of a step, from its start until it passed or was
    /// rejected, in seconds.
    pub average_step_seconds: Option<i64>,
    /// Records approved on submit because their kind had no active flow:
    /// decided by nobody, so counted here only, in none of the figures
    /// above (`total` and the statuses included).
    pub approved_without_flow: i64,
}
