//! An approval's state: its plan, seats, status and the events it records.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

use super::{DefError, Mode};

/// An approval under way or finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Approval {
    pub plan: Vec<PlannedStep>,
    /// The step being decided; `plan.len()` once approved.
    pub current: usize,
    pub status: Status,
    pub submitter: i64,
    /// The step of the last rejection, until the next submit.
    pub rejected_step: Option<usize>,
}

/// A step of the plan: a flow step, or one level of a
/// [`ApproverRule::SuperiorsUpTo`] step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlannedStep {
    /// The position in [`FlowDef::steps`].
    pub step: usize,
    /// The superior level, for the levels of `SuperiorsUpTo`.
    pub level: Option<u8>,
    pub name: String,
    pub mode: Mode,
    pub approvers: Vec<Seat>,
    /// Why the step passed by itself, when it did (it then has no seats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Seat {
    pub user: i64,
    pub decision: Option<Decision>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
    /// The seat passed to `to`, who got a seat of their own on the step.
    HandedOver {
        to: i64,
    },
    /// The seat's user was disabled and the flow skips missing approvers.
    Vacated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Nobody found, or only inactive users.
    NoApprover,
    /// The submitter was the only approver found.
    OnlySubmitter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InProgress,
    Approved,
    Rejected,
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "in_progress" => Ok(Self::InProgress),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            "withdrawn" => Ok(Self::Withdrawn),
            _ => Err("invalid_choice"),
        }
    }
}

/// What happened, in order, for the history and the notifications. `step` is
/// a position in [`Approval::plan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Submitted,
    StepStarted {
        step: usize,
        approvers: Vec<i64>,
    },
    StepPassed {
        step: usize,
    },
    StepSkipped {
        step: usize,
        reason: SkipReason,
    },
    Approved,
    Rejected {
        step: usize,
        by: i64,
    },
    HandedOver {
        step: usize,
        from: i64,
        to: i64,
    },
    /// A disabled user's seat was given up (see [`Approval::vacate`]).
    SeatVacated {
        step: usize,
        user: i64,
    },
    Withdrawn,
    Resubmitted,
    /// A resubmission meant to resume from the rejected step started from
    /// the first step instead: the edit changed the steps that apply (or
    /// their approvers) up to the rejected one.
    StartedOver,
}

impl Event {
    /// The event's name, as in the JSON `event` tag.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::StepStarted { .. } => "step_started",
            Self::StepPassed { .. } => "step_passed",
            Self::StepSkipped { .. } => "step_skipped",
            Self::Approved => "approved",
            Self::Rejected { .. } => "rejected",
            Self::HandedOver { .. } => "handed_over",
            Self::SeatVacated { .. } => "seat_vacated",
            Self::Withdrawn => "withdrawn",
            Self::Resubmitted => "resubmitted",
            Self::StartedOver => "started_over",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApprovalError {
    #[error("the approval is not in progress")]
    NotInProgress,
    /// The user has no seat on the current step.
    #[error("not an approver of the current step")]
    NotAnApprover,
    /// The user's seat on the current step is decided.
    #[error("already decided")]
    AlreadyDecided,
    /// The user handed their seat on the current step over to someone else.
    #[error("handed over")]
    HandedOver,
    /// Withdrawing by someone who neither submitted the approval nor owns
    /// the record.
    #[error("only the submitter or the record's owner may withdraw")]
    NotSubmitter,
    /// Submitting again an approval that is neither rejected nor withdrawn.
    #[error("only a rejected or withdrawn approval can be submitted again")]
    NotResubmittable,
    /// `step` is the position in [`FlowDef::steps`].
    #[error("step {step} has no approver")]
    NoApprover { step: usize },
    /// `step` is the position in [`FlowDef::steps`].
    #[error("step {step} needs approvers chosen by the submitter")]
    ChosenMissing { step: usize },
    /// The submitter chose themselves; `step` is the position in
    /// [`FlowDef::steps`].
    #[error("step {step}: the submitter cannot approve their own submission")]
    ChosenSelf { step: usize },
    /// The submitter chose a disabled user; `step` as above.
    #[error("step {step}: a chosen approver is not active")]
    ChosenInactive { step: usize },
    #[error("invalid approval flow")]
    InvalidFlow(Vec<DefError>),
    #[error("cannot hand over to oneself")]
    HandOverToSelf,
    #[error("cannot hand over to the submitter")]
    HandOverToSubmitter,
    #[error("the user already has a seat on this step")]
    AlreadyASeat,
}

impl ApprovalError {
    /// A message key (`errors.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotInProgress => "not_in_progress",
            Self::NotAnApprover => "not_an_approver",
            Self::AlreadyDecided => "already_decided",
            Self::HandedOver => "handed_over",
            Self::NotSubmitter => "not_submitter",
            Self::NotResubmittable => "not_resubmittable",
            Self::NoApprover { .. } => "no_approver",
            Self::ChosenMissing { .. } => "chosen_missing",
            Self::ChosenSelf { .. } => "chosen_self",
            Self::ChosenInactive { .. } => "chosen_inactive",
            Self::InvalidFlow(_) => "invalid_flow",
            Self::HandOverToSelf => "hand_over_to_self",
            Self::HandOverToSubmitter => "hand_over_to_submitter",
            Self::AlreadyASeat => "already_a_seat",
        }
    }
}

impl PlannedStep {
    /// Whether the step's decisions pass it. Vacated seats do not hold a
    /// step back; a step whose seats were all vacated passes.
    pub(super) fn passed(&self) -> bool {
        let approved = |seat: &Seat| seat.decision == Some(Decision::Approved);
        let settled = |seat: &Seat| {
            matches!(
                seat.decision,
                Some(Decision::Approved | Decision::HandedOver { .. } | Decision::Vacated)
            )
        };
        let all_settled = self.approvers.iter().all(settled);
        match self.mode {
            Mode::AnyOne => self.approvers.iter().any(approved) || all_settled,
            Mode::Everyone => all_settled,
        }
    }

    /// Whether nobody is left to decide: every seat vacated (or handed over
    /// to seats that were vacated).
    pub(super) fn emptied(&self) -> bool {
        !self.approvers.is_empty()
            && self.approvers.iter().all(|seat| {
                matches!(
                    seat.decision,
                    Some(Decision::HandedOver { .. } | Decision::Vacated)
                )
            })
    }

    /// The approvers the plan gave the step, without those handed over to:
    /// every hand-over adds one seat at the end, so the planned seats are
    /// the first ones (a seat handed back to its former holder is one of
    /// the added).
    pub(super) fn planned_users(&self) -> Vec<i64> {
        let handed = self
            .approvers
            .iter()
            .filter(|seat| matches!(seat.decision, Some(Decision::HandedOver { .. })))
            .count();
        let planned = self.approvers.len().saturating_sub(handed);
        let mut users: Vec<i64> = self.approvers[..planned]
            .iter()
            .map(|seat| seat.user)
            .collect();
        users.sort_unstable();
        users
    }

    /// Whether two plans mean the same step, decisions aside.
    pub(super) fn same_as(&self, other: &PlannedStep) -> bool {
        self.step == other.step
            && self.level == other.level
            && self.skipped == other.skipped
            && self.planned_users() == other.planned_users()
    }
}

impl Approval {
    /// Where a step of the plan (by its position) stands, as people read
    /// it: `skipped` (passed by itself), `passed`, `current` (being decided
    /// now), `waiting` (after the current step of an approval in
    /// progress), `ended` (the step a rejection or a withdrawal stopped)
    /// or `not_reached` (after that step: the approval ended before it).
    pub fn step_state(&self, index: usize) -> &'static str {
        let step = self.plan.get(index);
        if step.is_some_and(|step| step.skipped.is_some()) {
            return "skipped";
        }
        let in_progress = self.status == Status::InProgress;
        match index.cmp(&self.current) {
            std::cmp::Ordering::Less => "passed",
            std::cmp::Ordering::Equal if in_progress => "current",
            std::cmp::Ordering::Equal => "ended",
            std::cmp::Ordering::Greater if in_progress => "waiting",
            std::cmp::Ordering::Greater => "not_reached",
        }
    }

    /// Where a seat of a step stands: its decision (`approved`, `rejected`,
    /// `handed_over`, `vacated`), or for a seat with none `pending` (its
    /// approver must decide now), `upcoming` (on a later step of an
    /// approval in progress), `not_reached` (on a step the approval ended
    /// before) or `not_needed` (on a step that passed or ended without it).
    pub fn seat_state(&self, index: usize, seat: &Seat) -> &'static str {
        match seat.decision {
            Some(Decision::Approved) => "approved",
            Some(Decision::Rejected) => "rejected",
            Some(Decision::HandedOver { .. }) => "handed_over",
            Some(Decision::Vacated) => "vacated",
            None => match self.step_state(index) {
                "current" => "pending",
                "waiting" => "upcoming",
                "not_reached" => "not_reached",
                _ => "not_needed",
            },
        }
    }
}
