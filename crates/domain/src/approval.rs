//! The approval engine (審批流): flows that administrators define per kind
//! (contract, payment, custom kinds), and a pure state machine that plans an
//! approval from a flow and the submitted facts, then takes the approvers'
//! actions one at a time.
//!
//! Nothing here does I/O. The org chart is asked through [`Directory`], which
//! the service implements over a snapshot; the service stores the definition
//! and the [`Approval`] as JSON, and one history row per [`Event`].
//!
//! Decisions worth knowing:
//! * The submitter is never their own approver: they are removed from every
//!   approver list, and a step left empty is treated as one with no approver
//!   ([`NoApprover`] decides). Inactive users are dropped the same way, and so
//!   is a [`NoApprover::Fallback`] user who is inactive or the submitter
//!   (then the submit fails with `no_approver`).
//! * [`Mode::AnyOne`] (或簽): the first decision settles the step, be it an
//!   approval or a rejection. [`Mode::Everyone`] (會簽): all must approve, any
//!   rejection rejects. A rejection always ends the approval (back to the
//!   submitter), whatever the mode.
//! * A step skipped for want of approvers stays in the plan (with no seats and
//!   the reason), so the timeline can show it; a step whose condition does not
//!   hold is left out of the plan.
//! * A user disabled while an approval waits for them leaves their undecided
//!   seats (on the current step and the steps still to come) to the flow's
//!   rule for no approver ([`Approval::vacate`]): the fallback user takes
//!   them over, or with [`NoApprover::Skip`] the seats are vacated (a step
//!   whose seats are all vacated passes by itself); with
//!   [`NoApprover::Refuse`] they stay, for an approval manager to hand over
//!   ([`Approval::hand_over`] passes any undecided seat, not only one's own).
//! * Approvers the submitter chooses must be active and other than the
//!   submitter: choosing oneself is refused at submit, not silently dropped.
//! * Step numbers in [`Event`]s and in [`Approval`] are positions in
//!   [`Approval::plan`]; the two submit-time errors (`no_approver`,
//!   `chosen_missing`) name the step's position in [`FlowDef::steps`], since
//!   there is no plan yet.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

/// What the submitter's record says, by field name: the amount (in minor
/// units), the department, the kind of contract, and so on.
pub type Facts = BTreeMap<String, FactValue>;

/// Approvers the submitter names, by the step's position in the flow.
pub type Chosen = BTreeMap<usize, Vec<i64>>;

/// The most superior levels a step may climb.
pub const MAX_LEVELS: u8 = 10;

/// A flow: the steps in order, and what to do when a step finds no approver
/// or a rejected approval is submitted again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowDef {
    pub steps: Vec<StepDef>,
    #[serde(default)]
    pub when_no_approver: NoApprover,
    #[serde(default)]
    pub resubmit: Resubmit,
}

/// One step. It applies only when every comparison of `condition` holds on
/// the facts (none = always): two steps with opposite conditions make the
/// branches of an if/else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub name: String,
    pub approvers: ApproverRule,
    pub mode: Mode,
    #[serde(default)]
    pub condition: Vec<Comparison>,
}

/// `field op value`, e.g. `amount > 100000` (cents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub field: String,
    pub op: Op,
    pub value: FactValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// The fact is one of the values of a list.
    In,
}

/// A fact or a value to compare it with. Money is a `Number` in minor units;
/// users, departments and choices are `Id`s. Values of different variants are
/// never equal, so `Number(5)` is not `Id(5)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactValue {
    Number(i64),
    Text(String),
    Id(i64),
    #[schema(no_recursion)]
    List(Vec<FactValue>),
}

/// Who approves a step, found from the submitter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApproverRule {
    /// These users.
    Users(Vec<i64>),
    /// The superior exactly `levels` above the submitter (1 = direct).
    Superior { levels: u8 },
    /// One sequential step per level, from the direct superior up to
    /// `levels`, stopping early at the top of the chain.
    SuperiorsUpTo { levels: u8 },
    /// Every active member of the role.
    Role(i64),
    /// The head of the submitter's department; when the submitter is that
    /// head, the head of the parent department.
    DepartmentHead,
    /// The users the submitter names at submit time.
    ChosenBySubmitter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 或簽: the first decision settles the step.
    AnyOne,
    /// 會簽: all must approve; any rejection rejects.
    Everyone,
}

/// What a step with no usable approver does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoApprover {
    /// The step passes by itself; the skip is recorded.
    Skip,
    /// This user (an administrator, say) approves instead.
    Fallback(i64),
    /// The submit fails, naming the step. The default: nothing passes
    /// unseen unless an administrator says so.
    #[default]
    Refuse,
}

/// Where a rejected approval starts again when submitted anew.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resubmit {
    #[default]
    FromStart,
    /// At the rejected step, the earlier steps staying passed, when the new
    /// plan has the same steps (same flow step, level and approvers) before
    /// it; otherwise from the start. A withdrawn approval has no rejected
    /// step and always starts again.
    FromRejectedStep,
}

/// A problem of a definition; `step` is the position in `steps`, `None` for
/// the flow as a whole. `code` is a message key (`errors.<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DefError {
    pub step: Option<usize>,
    pub code: &'static str,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
            Self::In => "in",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        [
            Self::Eq,
            Self::Ne,
            Self::Gt,
            Self::Ge,
            Self::Lt,
            Self::Le,
            Self::In,
        ]
        .into_iter()
        .find(|op| op.as_str() == text)
        .ok_or("invalid_choice")
    }

    fn orders(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnyOne => "any_one",
            Self::Everyone => "everyone",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "any_one" => Ok(Self::AnyOne),
            "everyone" => Ok(Self::Everyone),
            _ => Err("invalid_choice"),
        }
    }
}

impl FactValue {
    /// The variant's name, to tell the types of values apart.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Number(_) => "number",
            Self::Text(_) => "text",
            Self::Id(_) => "id",
            Self::List(_) => "list",
        }
    }
}

impl Comparison {
    /// Whether the comparison holds. A missing fact, or one of another type
    /// than the value, never does (not even for `Ne`).
    pub fn holds(&self, facts: &Facts) -> bool {
        let Some(fact) = facts.get(&self.field) else {
            return false;
        };
        match (self.op, fact, &self.value) {
            (Op::In, _, FactValue::List(items)) => items.contains(fact),
            (Op::In, _, _) => false,
            (Op::Eq, _, value) => fact == value,
            (Op::Ne, _, value) => fact.kind() == value.kind() && fact != value,
            (op, FactValue::Number(a), FactValue::Number(b)) => match op {
                Op::Gt => a > b,
                Op::Ge => a >= b,
                Op::Lt => a < b,
                _ => a <= b,
            },
            _ => false,
        }
    }

    /// The type of fact this comparison expects, when it can tell.
    fn fact_kind(&self) -> Option<&'static str> {
        match (&self.op, &self.value) {
            (Op::In, FactValue::List(items)) => items.first().map(FactValue::kind),
            (_, value) => Some(value.kind()),
        }
    }

    fn problem(&self) -> Option<&'static str> {
        if self.field.trim().is_empty() {
            return Some("field_required");
        }
        match (self.op, &self.value) {
            (Op::In, FactValue::List(items)) if items.is_empty() => Some("empty_list"),
            (Op::In, FactValue::List(items)) => {
                if items.iter().any(|item| matches!(item, FactValue::List(_))) {
                    Some("nested_list")
                } else if items.iter().any(|item| item.kind() != items[0].kind()) {
                    Some("mismatched_types")
                } else {
                    None
                }
            }
            (Op::In, _) => Some("in_needs_list"),
            (_, FactValue::List(_)) => Some("list_needs_in"),
            (op, value) if op.orders() && !matches!(value, FactValue::Number(_)) => {
                Some("order_needs_number")
            }
            _ => None,
        }
    }
}

impl StepDef {
    /// Whether the step applies to these facts.
    pub fn applies(&self, facts: &Facts) -> bool {
        self.condition.iter().all(|c| c.holds(facts))
    }

    /// The step's problems; `kinds` carries the type each field was first
    /// compared as, so one field is not a number here and a text there.
    fn problems(&self, kinds: &mut BTreeMap<String, &'static str>) -> Vec<&'static str> {
        let mut codes = Vec::new();
        if self.name.trim().is_empty() {
            codes.push("name_required");
        }
        match self.approvers {
            ApproverRule::Users(ref users) if users.is_empty() => codes.push("no_users"),
            ApproverRule::Superior { levels } | ApproverRule::SuperiorsUpTo { levels }
                if levels == 0 || levels > MAX_LEVELS =>
            {
                codes.push("levels_out_of_range")
            }
            _ => {}
        }
        if self.never_applies() {
            codes.push("empty_range");
        }
        for comparison in &self.condition {
            if let Some(code) = comparison.problem() {
                codes.push(code);
            } else if let Some(kind) = comparison.fact_kind() {
                let known = kinds.entry(comparison.field.clone()).or_insert(kind);
                if *known != kind {
                    codes.push("mismatched_types");
                }
            }
        }
        codes
    }
}

impl StepDef {
    /// Whether the numeric comparisons on one field leave no number that
    /// meets them all ("above 100 and up to 50"): the step could never apply.
    fn never_applies(&self) -> bool {
        let mut bounds: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for c in &self.condition {
            let FactValue::Number(n) = c.value else {
                continue;
            };
            let (low, high) = match c.op {
                Op::Gt => (n.saturating_add(1), i64::MAX),
                Op::Ge => (n, i64::MAX),
                Op::Lt => (i64::MIN, n.saturating_sub(1)),
                Op::Le => (i64::MIN, n),
                Op::Eq => (n, n),
                Op::Ne | Op::In => continue,
            };
            let entry = bounds.entry(&c.field).or_insert((i64::MIN, i64::MAX));
            entry.0 = entry.0.max(low);
            entry.1 = entry.1.min(high);
        }
        bounds.values().any(|(low, high)| low > high)
    }
}

impl FlowDef {
    /// Checks the definition before it is saved (and again at submit).
    pub fn check(&self) -> Result<(), Vec<DefError>> {
        let mut errors = Vec::new();
        if self.steps.is_empty() {
            errors.push(DefError {
                step: None,
                code: "no_steps",
            });
        }
        let mut kinds = BTreeMap::new();
        for (index, step) in self.steps.iter().enumerate() {
            errors.extend(step.problems(&mut kinds).into_iter().map(|code| DefError {
                step: Some(index),
                code,
            }));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The org chart as the engine needs it. The service implements it over a
/// snapshot taken at submit; [`MapDirectory`] is a ready one.
pub trait Directory {
    /// The user's direct superior.
    fn superior(&self, user: i64) -> Option<i64>;
    /// The head of the user's department.
    fn department_head(&self, user: i64) -> Option<i64>;
    /// The head of the parent of the user's department, for a submitter who
    /// heads their own department.
    fn parent_department_head(&self, user: i64) -> Option<i64>;
    /// The members of a role, active or not.
    fn role_members(&self, role: i64) -> Vec<i64>;
    fn is_active(&self, user: i64) -> bool;
}

/// A [`Directory`] over maps; users not in `inactive` are active.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapDirectory {
    /// User → direct superior.
    pub superiors: HashMap<i64, i64>,
    /// User → department.
    pub departments: HashMap<i64, i64>,
    /// Department → parent department.
    pub parents: HashMap<i64, i64>,
    /// Department → head.
    pub heads: HashMap<i64, i64>,
    /// Role → members.
    pub roles: HashMap<i64, Vec<i64>>,
    pub inactive: HashSet<i64>,
}

impl Directory for MapDirectory {
    fn superior(&self, user: i64) -> Option<i64> {
        self.superiors.get(&user).copied()
    }

    fn department_head(&self, user: i64) -> Option<i64> {
        let department = self.departments.get(&user)?;
        self.heads.get(department).copied()
    }

    fn parent_department_head(&self, user: i64) -> Option<i64> {
        let parent = self.parents.get(self.departments.get(&user)?)?;
        self.heads.get(parent).copied()
    }

    fn role_members(&self, role: i64) -> Vec<i64> {
        self.roles.get(&role).cloned().unwrap_or_default()
    }

    fn is_active(&self, user: i64) -> bool {
        !self.inactive.contains(&user)
    }
}

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
    /// The user's seat on the current step is decided (or handed over).
    #[error("already decided")]
    AlreadyDecided,
    #[error("only the submitter may do this")]
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

/// The superiors of a user, nearest first, at most `levels` of them,
/// stopping at the top or at a loop in the data.
fn superiors(dir: &dyn Directory, user: i64, levels: u8) -> Vec<i64> {
    let mut chain = Vec::new();
    let mut current = user;
    while chain.len() < usize::from(levels) {
        match dir.superior(current) {
            Some(next) if next != user && !chain.contains(&next) => {
                chain.push(next);
                current = next;
            }
            _ => break,
        }
    }
    chain
}

/// A superior level (for `SuperiorsUpTo`) and the users it names.
type Group = (Option<u8>, Vec<i64>);

/// The approvers a step names, before filtering: one group for most rules,
/// one per level for `SuperiorsUpTo` (a single empty group at the top).
fn candidates(
    index: usize,
    rule: &ApproverRule,
    submitter: i64,
    chosen: &Chosen,
    dir: &dyn Directory,
) -> Result<Vec<Group>, ApprovalError> {
    let group = match rule {
        ApproverRule::Users(users) => users.clone(),
        ApproverRule::Superior { levels } => {
            let chain = superiors(dir, submitter, *levels);
            if chain.len() == usize::from(*levels) {
                chain.last().copied().into_iter().collect()
            } else {
                Vec::new()
            }
        }
        ApproverRule::SuperiorsUpTo { levels } => {
            let chain = superiors(dir, submitter, *levels);
            if chain.is_empty() {
                return Ok(vec![(Some(1), Vec::new())]);
            }
            return Ok((1..).zip(chain).map(|(l, u)| (Some(l), vec![u])).collect());
        }
        ApproverRule::Role(role) => dir.role_members(*role),
        ApproverRule::DepartmentHead => match dir.department_head(submitter) {
            Some(head) if head == submitter => {
                dir.parent_department_head(submitter).into_iter().collect()
            }
            head => head.into_iter().collect(),
        },
        ApproverRule::ChosenBySubmitter => match chosen.get(&index) {
            Some(users) if users.contains(&submitter) => {
                return Err(ApprovalError::ChosenSelf { step: index });
            }
            Some(users) if users.iter().any(|user| !dir.is_active(*user)) => {
                return Err(ApprovalError::ChosenInactive { step: index });
            }
            Some(users) if !users.is_empty() => users.clone(),
            _ => return Err(ApprovalError::ChosenMissing { step: index }),
        },
    };
    Ok(vec![(None, group)])
}

/// Active users other than the submitter, once each, in the given order; or
/// why there are none.
fn usable(users: Vec<i64>, submitter: i64, dir: &dyn Directory) -> Result<Vec<i64>, SkipReason> {
    let mut kept = Vec::new();
    let mut saw_submitter = false;
    for user in users {
        if user == submitter {
            saw_submitter = true;
        } else if dir.is_active(user) && !kept.contains(&user) {
            kept.push(user);
        }
    }
    match (kept.is_empty(), saw_submitter) {
        (false, _) => Ok(kept),
        (true, true) => Err(SkipReason::OnlySubmitter),
        (true, false) => Err(SkipReason::NoApprover),
    }
}

/// The steps that apply to the facts, with their approvers.
fn plan(
    def: &FlowDef,
    facts: &Facts,
    submitter: i64,
    chosen: &Chosen,
    dir: &dyn Directory,
) -> Result<Vec<PlannedStep>, ApprovalError> {
    def.check().map_err(ApprovalError::InvalidFlow)?;
    let mut plan = Vec::new();
    for (index, step) in def.steps.iter().enumerate() {
        if !step.applies(facts) {
            continue;
        }
        for (level, users) in candidates(index, &step.approvers, submitter, chosen, dir)? {
            let (users, skipped) = match usable(users, submitter, dir) {
                Ok(users) => (users, None),
                Err(reason) => match def.when_no_approver {
                    NoApprover::Skip => (Vec::new(), Some(reason)),
                    NoApprover::Fallback(user) if user != submitter && dir.is_active(user) => {
                        (vec![user], None)
                    }
                    _ => return Err(ApprovalError::NoApprover { step: index }),
                },
            };
            plan.push(PlannedStep {
                step: index,
                level,
                name: step.name.clone(),
                mode: step.mode,
                approvers: users
                    .into_iter()
                    .map(|user| Seat {
                        user,
                        decision: None,
                    })
                    .collect(),
                skipped,
            });
        }
    }
    Ok(plan)
}

impl PlannedStep {
    /// Whether the step's decisions pass it. Vacated seats do not hold a
    /// step back; a step whose seats were all vacated passes.
    fn passed(&self) -> bool {
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
    fn emptied(&self) -> bool {
        !self.approvers.is_empty()
            && self.approvers.iter().all(|seat| {
                matches!(
                    seat.decision,
                    Some(Decision::HandedOver { .. } | Decision::Vacated)
                )
            })
    }

    /// The approvers the plan gave the step, without those handed over to.
    fn planned_users(&self) -> Vec<i64> {
        let handed_to: Vec<i64> = self
            .approvers
            .iter()
            .filter_map(|seat| match seat.decision {
                Some(Decision::HandedOver { to }) => Some(to),
                _ => None,
            })
            .collect();
        let mut users: Vec<i64> = self
            .approvers
            .iter()
            .map(|seat| seat.user)
            .filter(|user| !handed_to.contains(user))
            .collect();
        users.sort_unstable();
        users
    }

    /// Whether two plans mean the same step, decisions aside.
    fn same_as(&self, other: &PlannedStep) -> bool {
        self.step == other.step
            && self.level == other.level
            && self.skipped == other.skipped
            && self.planned_users() == other.planned_users()
    }
}

impl Approval {
    /// Plans the approval and starts its first step. A plan whose steps all
    /// fall away (conditions) or pass by themselves is approved at once.
    pub fn submit(
        def: &FlowDef,
        facts: &Facts,
        submitter: i64,
        chosen: &Chosen,
        dir: &dyn Directory,
    ) -> Result<(Approval, Vec<Event>), ApprovalError> {
        let mut approval = Approval {
            plan: plan(def, facts, submitter, chosen, dir)?,
            current: 0,
            status: Status::InProgress,
            submitter,
            rejected_step: None,
        };
        let mut events = vec![Event::Submitted];
        approval.enter(0, &mut events);
        Ok((approval, events))
    }

    /// The step being decided, while in progress.
    pub fn current_step(&self) -> Option<&PlannedStep> {
        match self.status {
            Status::InProgress => self.plan.get(self.current),
            _ => None,
        }
    }

    /// The users who must act now.
    pub fn waiting_for(&self) -> Vec<i64> {
        self.current_step()
            .map(|step| {
                step.approvers
                    .iter()
                    .filter(|seat| seat.decision.is_none())
                    .map(|seat| seat.user)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn approve(&mut self, user: i64) -> Result<Vec<Event>, ApprovalError> {
        self.decide(user, Decision::Approved)?;
        let mut events = Vec::new();
        if self.plan.get(self.current).is_some_and(PlannedStep::passed) {
            events.push(Event::StepPassed { step: self.current });
            self.enter(self.current + 1, &mut events);
        }
        Ok(events)
    }

    /// Rejects the whole approval, back to the submitter.
    pub fn reject(&mut self, user: i64) -> Result<Vec<Event>, ApprovalError> {
        self.decide(user, Decision::Rejected)?;
        self.status = Status::Rejected;
        self.rejected_step = Some(self.current);
        Ok(vec![Event::Rejected {
            step: self.current,
            by: user,
        }])
    }

    /// Passes `from`'s seat to `to`, who gets a seat of their own on the
    /// step. `from` hands over their own seat, or an approval manager hands
    /// over a seat that waits for someone who cannot act (a disabled user);
    /// who may do so, and whether `to` is an active user, is for the caller
    /// to check.
    pub fn hand_over(&mut self, from: i64, to: i64) -> Result<Vec<Event>, ApprovalError> {
        let seat = self.open_seat(from)?;
        if from == to {
            return Err(ApprovalError::HandOverToSelf);
        }
        if to == self.submitter {
            return Err(ApprovalError::HandOverToSubmitter);
        }
        let Some(step) = self.plan.get_mut(self.current) else {
            return Err(ApprovalError::NotInProgress);
        };
        if step.approvers.iter().any(|seat| seat.user == to) {
            return Err(ApprovalError::AlreadyASeat);
        }
        if let Some(seat) = step.approvers.get_mut(seat) {
            seat.decision = Some(Decision::HandedOver { to });
        }
        step.approvers.push(Seat {
            user: to,
            decision: None,
        });
        Ok(vec![Event::HandedOver {
            step: self.current,
            from,
            to,
        }])
    }

    /// Gives up the undecided seats of a user who was disabled, on the
    /// current step and the steps still to come, by the flow's rule for no
    /// approver: an active fallback user (not the submitter) takes each
    /// seat over, [`NoApprover::Skip`] vacates it; with
    /// [`NoApprover::Refuse`] (or a fallback who cannot act) nothing
    /// changes and the seats wait for an approval manager to hand them
    /// over. When the current step has nobody left to wait for, it passes.
    pub fn vacate(
        &mut self,
        user: i64,
        rule: NoApprover,
        dir: &dyn Directory,
    ) -> Result<Vec<Event>, ApprovalError> {
        if self.status != Status::InProgress {
            return Err(ApprovalError::NotInProgress);
        }
        let fallback = match rule {
            NoApprover::Fallback(to) if to != user && to != self.submitter && dir.is_active(to) => {
                Some(to)
            }
            NoApprover::Skip => None,
            _ => return Ok(Vec::new()),
        };
        let mut events = Vec::new();
        for (index, step) in self.plan.iter_mut().enumerate().skip(self.current) {
            let Some(seat) = step
                .approvers
                .iter()
                .position(|seat| seat.user == user && seat.decision.is_none())
            else {
                continue;
            };
            match fallback {
                Some(to) if !step.approvers.iter().any(|seat| seat.user == to) => {
                    step.approvers[seat].decision = Some(Decision::HandedOver { to });
                    step.approvers.push(Seat {
                        user: to,
                        decision: None,
                    });
                    events.push(Event::HandedOver {
                        step: index,
                        from: user,
                        to,
                    });
                }
                _ => {
                    step.approvers[seat].decision = Some(Decision::Vacated);
                    events.push(Event::SeatVacated { step: index, user });
                }
            }
        }
        if self.plan.get(self.current).is_some_and(PlannedStep::passed) {
            events.push(Event::StepPassed { step: self.current });
            self.enter(self.current + 1, &mut events);
        }
        Ok(events)
    }

    pub fn withdraw(&mut self, by: i64) -> Result<Vec<Event>, ApprovalError> {
        if by != self.submitter {
            return Err(ApprovalError::NotSubmitter);
        }
        if self.status != Status::InProgress {
            return Err(ApprovalError::NotInProgress);
        }
        self.status = Status::Withdrawn;
        Ok(vec![Event::Withdrawn])
    }

    /// Plans anew with the new facts and starts again (see [`Resubmit`]).
    /// On an error the approval is left as it was.
    pub fn resubmit(
        &mut self,
        def: &FlowDef,
        facts: &Facts,
        by: i64,
        chosen: &Chosen,
        dir: &dyn Directory,
    ) -> Result<Vec<Event>, ApprovalError> {
        if by != self.submitter {
            return Err(ApprovalError::NotSubmitter);
        }
        if !matches!(self.status, Status::Rejected | Status::Withdrawn) {
            return Err(ApprovalError::NotResubmittable);
        }
        let mut plan = plan(def, facts, by, chosen, dir)?;
        let start = match (def.resubmit, self.rejected_step) {
            (Resubmit::FromRejectedStep, Some(rejected)) if self.same_before(&plan, rejected) => {
                for (new, old) in plan.iter_mut().zip(&self.plan).take(rejected) {
                    *new = old.clone();
                }
                rejected
            }
            _ => 0,
        };
        self.plan = plan;
        self.status = Status::InProgress;
        self.rejected_step = None;
        let mut events = vec![Event::Resubmitted];
        self.enter(start, &mut events);
        Ok(events)
    }

    /// Whether `plan` has the same steps as ours before `step`.
    fn same_before(&self, plan: &[PlannedStep], step: usize) -> bool {
        match (self.plan.get(..step), plan.get(..step)) {
            (Some(old), Some(new)) => old.iter().zip(new).all(|(a, b)| a.same_as(b)),
            _ => false,
        }
    }

    /// The position of the user's undecided seat on the current step.
    fn open_seat(&self, user: i64) -> Result<usize, ApprovalError> {
        let Some(step) = self.current_step() else {
            return Err(ApprovalError::NotInProgress);
        };
        let Some(seat) = step.approvers.iter().position(|seat| seat.user == user) else {
            return Err(ApprovalError::NotAnApprover);
        };
        match step.approvers[seat].decision {
            Some(_) => Err(ApprovalError::AlreadyDecided),
            None => Ok(seat),
        }
    }

    fn decide(&mut self, user: i64, decision: Decision) -> Result<(), ApprovalError> {
        let seat = self.open_seat(user)?;
        if let Some(seat) = self
            .plan
            .get_mut(self.current)
            .and_then(|step| step.approvers.get_mut(seat))
        {
            seat.decision = Some(decision);
        }
        Ok(())
    }

    /// Moves to `step`, passing the skipped steps, and starts the first step
    /// with approvers; past the last step, the approval is approved.
    fn enter(&mut self, step: usize, events: &mut Vec<Event>) {
        self.current = step;
        while let Some(planned) = self.plan.get(self.current) {
            let reason = planned
                .skipped
                .or_else(|| planned.emptied().then_some(SkipReason::NoApprover));
            if let Some(reason) = reason {
                events.push(Event::StepSkipped {
                    step: self.current,
                    reason,
                });
                self.current += 1;
                continue;
            }
            events.push(Event::StepStarted {
                step: self.current,
                approvers: planned.approvers.iter().map(|seat| seat.user).collect(),
            });
            return;
        }
        self.status = Status::Approved;
        events.push(Event::Approved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Departments: 10 (head 1) ─┬─ 20 sales (head 2)
    ///                           └─ 30 support (no head)
    /// Users: 1 ← 2 ← 3 ← 4 (superiors); 2, 3, 4 in sales; 9 in support under 2.
    /// Role 100 (finance): 5, 6 and 7, who is inactive. 8 is the administrator.
    fn dir() -> MapDirectory {
        MapDirectory {
            superiors: HashMap::from([(2, 1), (3, 2), (4, 3), (9, 2)]),
            departments: HashMap::from([(1, 10), (2, 20), (3, 20), (4, 20), (9, 30)]),
            parents: HashMap::from([(20, 10), (30, 10)]),
            heads: HashMap::from([(10, 1), (20, 2)]),
            roles: HashMap::from([(100, vec![5, 6, 7])]),
            inactive: HashSet::from([7]),
        }
    }

    fn step(name: &str, approvers: ApproverRule, mode: Mode) -> StepDef {
        StepDef {
            name: name.to_string(),
            approvers,
            mode,
            condition: Vec::new(),
        }
    }

    fn when(field: &str, op: Op, value: FactValue) -> Comparison {
        Comparison {
            field: field.to_string(),
            op,
            value,
        }
    }

    fn flow(steps: Vec<StepDef>) -> FlowDef {
        FlowDef {
            steps,
            when_no_approver: NoApprover::Refuse,
            resubmit: Resubmit::FromStart,
        }
    }

    fn amount(cents: i64) -> Facts {
        Facts::from([("amount".to_string(), FactValue::Number(cents))])
    }

    fn start(def: &FlowDef, facts: &Facts, submitter: i64) -> Approval {
        Approval::submit(def, facts, submitter, &Chosen::new(), &dir())
            .expect("submits")
            .0
    }

    fn users(approval: &Approval) -> Vec<Vec<i64>> {
        let seats = |s: &PlannedStep| s.approvers.iter().map(|seat| seat.user).collect();
        approval.plan.iter().map(seats).collect()
    }

    fn code<T>(result: Result<T, ApprovalError>) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(error) => error.code(),
        }
    }

    /// Finance (any one of the role), then the sales director above 1000.00.
    fn contract_flow() -> FlowDef {
        let mut big = step("Director", ApproverRule::Users(vec![2]), Mode::AnyOne);
        big.condition = vec![when("amount", Op::Gt, FactValue::Number(100_000))];
        flow(vec![
            step("Finance", ApproverRule::Role(100), Mode::AnyOne),
            big,
        ])
    }

    #[test]
    fn any_one_passes_on_the_first_approval() {
        let def = flow(vec![step("Finance", ApproverRule::Role(100), Mode::AnyOne)]);
        let (mut approval, events) =
            Approval::submit(&def, &amount(1), 4, &Chosen::new(), &dir()).expect("submits");
        assert_eq!(
            events,
            vec![
                Event::Submitted,
                Event::StepStarted {
                    step: 0,
                    approvers: vec![5, 6]
                }
            ]
        );
        assert_eq!(approval.waiting_for(), vec![5, 6]);
        let events = approval.approve(6).expect("approves");
        assert_eq!(events, vec![Event::StepPassed { step: 0 }, Event::Approved]);
        assert_eq!(approval.status, Status::Approved);
        assert!(approval.waiting_for().is_empty());
        assert_eq!(code(approval.approve(5)), "not_in_progress");
    }

    #[test]
    fn everyone_needs_every_approval_and_one_rejection_rejects() {
        let def = flow(vec![step(
            "Finance",
            ApproverRule::Role(100),
            Mode::Everyone,
        )]);
        let mut approval = start(&def, &amount(1), 4);
        assert!(approval.approve(5).expect("approves").is_empty());
        assert_eq!(code(approval.approve(5)), "already_decided");
        assert_eq!(code(approval.approve(3)), "not_an_approver");
        assert_eq!(approval.waiting_for(), vec![6]);
        approval.approve(6).expect("approves");
        assert_eq!(approval.status, Status::Approved);

        let mut approval = start(&def, &amount(1), 4);
        approval.approve(5).expect("approves");
        let events = approval.reject(6).expect("rejects");
        assert_eq!(events, vec![Event::Rejected { step: 0, by: 6 }]);
        assert_eq!(approval.status, Status::Rejected);
        assert_eq!(approval.rejected_step, Some(0));
        assert!(approval.waiting_for().is_empty());
    }

    #[test]
    fn a_second_step_applies_above_an_amount_only() {
        let def = contract_flow();
        assert_eq!(users(&start(&def, &amount(100_000), 4)), vec![vec![5, 6]]);
        let mut approval = start(&def, &amount(100_001), 4);
        assert_eq!(users(&approval), vec![vec![5, 6], vec![2]]);
        let events = approval.approve(5).expect("approves");
        assert_eq!(
            events,
            vec![
                Event::StepPassed { step: 0 },
                Event::StepStarted {
                    step: 1,
                    approvers: vec![2]
                }
            ]
        );
        assert_eq!(approval.waiting_for(), vec![2]);
        approval.approve(2).expect("approves");
        assert_eq!(approval.status, Status::Approved);
    }

    #[test]
    fn alternative_branches_cover_both_sides() {
        let mut sales = step("Sales head", ApproverRule::Users(vec![2]), Mode::AnyOne);
        sales.condition = vec![when("department", Op::Eq, FactValue::Id(20))];
        let mut other = step("Others", ApproverRule::Users(vec![1]), Mode::AnyOne);
        other.condition = vec![when("department", Op::Ne, FactValue::Id(20))];
        let mut small = step("Small", ApproverRule::Users(vec![5]), Mode::AnyOne);
        small.condition = vec![when("amount", Op::Le, FactValue::Number(500))];
        let mut large = step("Large", ApproverRule::Users(vec![6]), Mode::AnyOne);
        large.condition = vec![when("amount", Op::Gt, FactValue::Number(500))];
        let def = flow(vec![sales, other, small, large]);
        let facts = |department, cents| {
            let mut facts = amount(cents);
            facts.insert("department".to_string(), FactValue::Id(department));
            facts
        };
        assert_eq!(
            users(&start(&def, &facts(20, 500), 4)),
            vec![vec![2], vec![5]]
        );
        assert_eq!(
            users(&start(&def, &facts(30, 501), 9)),
            vec![vec![1], vec![6]]
        );

        let mut listed = step("Listed", ApproverRule::Users(vec![5]), Mode::AnyOne);
        let departments = FactValue::List(vec![FactValue::Id(20), FactValue::Id(30)]);
        listed.condition = vec![when("department", Op::In, departments)];
        let def = flow(vec![listed]);
        assert_eq!(start(&def, &facts(30, 1), 9).status, Status::InProgress);
        assert_eq!(start(&def, &facts(10, 1), 9).status, Status::Approved);
        // A missing fact, or one of another type, holds no comparison.
        assert_eq!(start(&def, &amount(1), 9).status, Status::Approved);
        let wrong_type = when("department", Op::Ne, FactValue::Id(20));
        assert!(!wrong_type.holds(&Facts::from([(
            "department".to_string(),
            FactValue::Text("20".to_string())
        )])));
    }

    #[test]
    fn superiors_are_found_by_level() {
        let def = flow(vec![step(
            "Grand boss",
            ApproverRule::Superior { levels: 2 },
            Mode::AnyOne,
        )]);
        assert_eq!(users(&start(&def, &amount(1), 4)), vec![vec![2]]);
        // 2 has only one superior above.
        let refused = Approval::submit(&def, &amount(1), 2, &Chosen::new(), &dir());
        assert_eq!(refused, Err(ApprovalError::NoApprover { step: 0 }));
    }

    #[test]
    fn superiors_up_to_a_level_stop_at_the_top() {
        let def = flow(vec![step(
            "Chain",
            ApproverRule::SuperiorsUpTo { levels: 5 },
            Mode::AnyOne,
        )]);
        let mut approval = start(&def, &amount(1), 4);
        assert_eq!(users(&approval), vec![vec![3], vec![2], vec![1]]);
        let levels: Vec<_> = approval.plan.iter().map(|s| s.level).collect();
        assert_eq!(levels, vec![Some(1), Some(2), Some(3)]);
        for user in [3, 2] {
            approval.approve(user).expect("approves");
            assert_eq!(approval.status, Status::InProgress);
        }
        approval.approve(1).expect("approves");
        assert_eq!(approval.status, Status::Approved);

        let two = flow(vec![step(
            "Chain",
            ApproverRule::SuperiorsUpTo { levels: 2 },
            Mode::AnyOne,
        )]);
        assert_eq!(users(&start(&two, &amount(1), 4)), vec![vec![3], vec![2]]);
    }

    #[test]
    fn role_members_are_approvers_but_not_the_inactive() {
        let def = flow(vec![step(
            "Finance",
            ApproverRule::Role(100),
            Mode::Everyone,
        )]);
        assert_eq!(users(&start(&def, &amount(1), 4)), vec![vec![5, 6]]);
        let inactive = flow(vec![step(
            "Gone",
            ApproverRule::Users(vec![7]),
            Mode::AnyOne,
        )]);
        let refused = Approval::submit(&inactive, &amount(1), 4, &Chosen::new(), &dir());
        assert_eq!(refused, Err(ApprovalError::NoApprover { step: 0 }));
    }

    #[test]
    fn the_department_head_or_the_parents_for_the_head_himself() {
        let def = flow(vec![step(
            "Head",
            ApproverRule::DepartmentHead,
            Mode::AnyOne,
        )]);
        assert_eq!(users(&start(&def, &amount(1), 4)), vec![vec![2]]);
        assert_eq!(users(&start(&def, &amount(1), 2)), vec![vec![1]]);
        let headless = Approval::submit(&def, &amount(1), 9, &Chosen::new(), &dir());
        assert_eq!(code(headless), "no_approver");
    }

    #[test]
    fn the_submitter_chooses_approvers_when_asked_to() {
        let def = flow(vec![
            step("Finance", ApproverRule::Role(100), Mode::AnyOne),
            step("Chosen", ApproverRule::ChosenBySubmitter, Mode::Everyone),
        ]);
        let chosen = Chosen::from([(1, vec![9, 1, 9])]);
        let (approval, _) = Approval::submit(&def, &amount(1), 4, &chosen, &dir()).expect("ok");
        assert_eq!(users(&approval), vec![vec![5, 6], vec![9, 1]]);
        for chosen in [Chosen::new(), Chosen::from([(1, vec![])])] {
            let missing = Approval::submit(&def, &amount(1), 4, &chosen, &dir());
            assert_eq!(missing, Err(ApprovalError::ChosenMissing { step: 1 }));
        }
    }

    #[test]
    fn no_approver_skips_falls_back_or_refuses() {
        let mut def = flow(vec![
            step("Headless", ApproverRule::DepartmentHead, Mode::AnyOne),
            step("Finance", ApproverRule::Role(100), Mode::AnyOne),
        ]);
        def.when_no_approver = NoApprover::Skip;
        let (mut approval, events) =
            Approval::submit(&def, &amount(1), 9, &Chosen::new(), &dir()).expect("submits");
        assert_eq!(
            events,
            vec![
                Event::Submitted,
                Event::StepSkipped {
                    step: 0,
                    reason: SkipReason::NoApprover
                },
                Event::StepStarted {
                    step: 1,
                    approvers: vec![5, 6]
                }
            ]
        );
        assert_eq!(approval.current, 1);
        approval.approve(5).expect("approves");
        assert_eq!(approval.status, Status::Approved);

        def.when_no_approver = NoApprover::Fallback(8);
        assert_eq!(
            users(&start(&def, &amount(1), 9)),
            vec![vec![8], vec![5, 6]]
        );
        // A fallback who is the submitter, or inactive, is no approver either.
        let own = Approval::submit(&def, &amount(1), 8, &Chosen::new(), &dir());
        assert_eq!(own, Err(ApprovalError::NoApprover { step: 0 }));
        def.when_no_approver = NoApprover::Fallback(7);
        assert_eq!(
            code(Approval::submit(
                &def,
                &amount(1),
                9,
                &Chosen::new(),
                &dir()
            )),
            "no_approver"
        );

        def.when_no_approver = NoApprover::Refuse;
        let refused = Approval::submit(&def, &amount(1), 9, &Chosen::new(), &dir());
        assert_eq!(refused, Err(ApprovalError::NoApprover { step: 0 }));
    }

    #[test]
    fn the_submitter_is_not_their_own_approver() {
        let mut def = flow(vec![step(
            "Pair",
            ApproverRule::Users(vec![4, 5]),
            Mode::Everyone,
        )]);
        assert_eq!(users(&start(&def, &amount(1), 4)), vec![vec![5]]);
        def.steps[0].approvers = ApproverRule::Users(vec![4]);
        def.when_no_approver = NoApprover::Skip;
        let (approval, events) =
            Approval::submit(&def, &amount(1), 4, &Chosen::new(), &dir()).expect("submits");
        assert_eq!(approval.plan[0].skipped, Some(SkipReason::OnlySubmitter));
        assert_eq!(events.last(), Some(&Event::Approved));
    }

    #[test]
    fn a_handed_over_seat_passes_to_the_new_approver() {
        let def = flow(vec![step(
            "Finance",
            ApproverRule::Role(100),
            Mode::Everyone,
        )]);
        let mut approval = start(&def, &amount(1), 4);
        assert_eq!(code(approval.hand_over(5, 5)), "hand_over_to_self");
        assert_eq!(code(approval.hand_over(5, 6)), "already_a_seat");
        assert_eq!(code(approval.hand_over(5, 4)), "hand_over_to_submitter");
        assert_eq!(code(approval.hand_over(3, 9)), "not_an_approver");
        let events = approval.hand_over(5, 9).expect("hands over");
        assert_eq!(
            events,
            vec![Event::HandedOver {
                step: 0,
                from: 5,
                to: 9
            }]
        );
        assert_eq!(approval.waiting_for(), vec![6, 9]);
        assert_eq!(code(approval.approve(5)), "already_decided");
        approval.approve(6).expect("approves");
        assert_eq!(approval.status, Status::InProgress);
        approval.approve(9).expect("approves");
        assert_eq!(approval.status, Status::Approved);
    }

    /// A directory where user 5 (of the finance role) has been disabled.
    fn with_five_disabled() -> MapDirectory {
        let mut directory = dir();
        directory.inactive.insert(5);
        directory
    }

    #[test]
    fn a_manager_hands_over_the_seat_of_a_disabled_approver() {
        let def = flow(vec![step(
            "Finance",
            ApproverRule::Role(100),
            Mode::Everyone,
        )]);
        let mut approval = start(&def, &amount(1), 4);
        // Refuse: disabling 5 leaves the seat for a manager.
        let kept = approval.vacate(5, NoApprover::Refuse, &with_five_disabled());
        assert_eq!(kept, Ok(Vec::new()));
        assert_eq!(approval.waiting_for(), vec![5, 6]);
        // The manager (8, no seat of their own) passes 5's seat to 9.
        approval.hand_over(5, 9).expect("hands over");
        assert_eq!(approval.waiting_for(), vec![6, 9]);
        approval.approve(6).expect("approves");
        approval.approve(9).expect("approves");
        assert_eq!(approval.status, Status::Approved);
    }

    #[test]
    fn a_disabled_approvers_seats_go_to_the_fallback_user() {
        let mut def = flow(vec![
            step("Finance", ApproverRule::Role(100), Mode::Everyone),
            step("Again", ApproverRule::Users(vec![5]), Mode::AnyOne),
        ]);
        def.when_no_approver = NoApprover::Fallback(8);
        let mut approval = start(&def, &amount(1), 4);
        let events = approval
            .vacate(5, def.when_no_approver, &with_five_disabled())
            .expect("vacates");
        assert_eq!(
            events,
            vec![
                Event::HandedOver {
                    step: 0,
                    from: 5,
                    to: 8
                },
                Event::HandedOver {
                    step: 1,
                    from: 5,
                    to: 8
                },
            ]
        );
        assert_eq!(approval.waiting_for(), vec![6, 8]);
        approval.approve(6).expect("approves");
        approval.approve(8).expect("approves");
        assert_eq!(approval.waiting_for(), vec![8]);
        approval.approve(8).expect("approves");
        assert_eq!(approval.status, Status::Approved);

        // A fallback who is the disabled user, or inactive, leaves the seat.
        let mut approval = start(&def, &amount(1), 4);
        for rule in [NoApprover::Fallback(5), NoApprover::Fallback(7)] {
            assert_eq!(
                approval.vacate(5, rule, &with_five_disabled()),
                Ok(Vec::new())
            );
        }
        assert_eq!(approval.waiting_for(), vec![5, 6]);
    }

    #[test]
    fn skipping_vacates_the_seat_and_passes_a_step_left_empty() {
        let mut def = flow(vec![
            step("Finance", ApproverRule::Role(100), Mode::Everyone),
            step("Only five", ApproverRule::Users(vec![5]), Mode::AnyOne),
            step(
                "Superior",
                ApproverRule::Superior { levels: 1 },
                Mode::AnyOne,
            ),
        ]);
        def.when_no_approver = NoApprover::Skip;
        let mut approval = start(&def, &amount(1), 4);
        approval.approve(6).expect("approves");
        let events = approval
            .vacate(5, NoApprover::Skip, &with_five_disabled())
            .expect("vacates");
        assert_eq!(
            events,
            vec![
                Event::SeatVacated { step: 0, user: 5 },
                Event::SeatVacated { step: 1, user: 5 },
                Event::StepPassed { step: 0 },
                Event::StepSkipped {
                    step: 1,
                    reason: SkipReason::NoApprover
                },
                Event::StepStarted {
                    step: 2,
                    approvers: vec![3]
                },
            ]
        );
        assert_eq!(approval.waiting_for(), vec![3]);

        // An any-one step whose only waiting seat is vacated passes too.
        let def = flow(vec![step(
            "Only five",
            ApproverRule::Users(vec![5]),
            Mode::AnyOne,
        )]);
        let mut approval = start(&def, &amount(1), 4);
        approval
            .vacate(5, NoApprover::Skip, &with_five_disabled())
            .expect("vacates");
        assert_eq!(approval.status, Status::Approved);
        assert_eq!(
            code(approval.vacate(5, NoApprover::Skip, &dir())),
            "not_in_progress"
        );
    }

    #[test]
    fn the_submitter_cannot_choose_themselves_or_a_disabled_user() {
        let def = flow(vec![step(
            "Chosen",
            ApproverRule::ChosenBySubmitter,
            Mode::AnyOne,
        )]);
        for chosen in [vec![4], vec![4, 5]] {
            let own = Approval::submit(&def, &amount(1), 4, &Chosen::from([(0, chosen)]), &dir());
            assert_eq!(own, Err(ApprovalError::ChosenSelf { step: 0 }));
        }
        let disabled = Approval::submit(&def, &amount(1), 4, &Chosen::from([(0, vec![7])]), &dir());
        assert_eq!(disabled, Err(ApprovalError::ChosenInactive { step: 0 }));
    }

    #[test]
    fn only_the_submitter_withdraws_and_only_in_progress() {
        let def = contract_flow();
        let mut approval = start(&def, &amount(1), 4);
        assert_eq!(code(approval.withdraw(5)), "not_submitter");
        assert_eq!(approval.withdraw(4), Ok(vec![Event::Withdrawn]));
        assert_eq!(approval.status, Status::Withdrawn);
        assert_eq!(code(approval.withdraw(4)), "not_in_progress");
        assert_eq!(code(approval.approve(5)), "not_in_progress");
        assert!(approval.waiting_for().is_empty());
    }

    #[test]
    fn resubmitting_starts_again_from_the_start() {
        let def = contract_flow();
        let mut approval = start(&def, &amount(200_000), 4);
        assert_eq!(
            code(approval.resubmit(&def, &amount(1), 4, &Chosen::new(), &dir())),
            "not_resubmittable"
        );
        approval.approve(5).expect("approves");
        approval.reject(2).expect("rejects");
        assert_eq!(
            code(approval.resubmit(&def, &amount(1), 2, &Chosen::new(), &dir())),
            "not_submitter"
        );
        let events = approval
            .resubmit(&def, &amount(150_000), 4, &Chosen::new(), &dir())
            .expect("resubmits");
        assert_eq!(events[0], Event::Resubmitted);
        assert_eq!(approval.current, 0);
        assert_eq!(approval.status, Status::InProgress);
        assert_eq!(approval.rejected_step, None);
        assert_eq!(approval.waiting_for(), vec![5, 6]);
    }

    #[test]
    fn resubmitting_from_the_rejected_step_keeps_the_steps_before() {
        let mut def = contract_flow();
        def.resubmit = Resubmit::FromRejectedStep;
        let mut approval = start(&def, &amount(200_000), 4);
        approval.approve(5).expect("approves");
        approval.reject(2).expect("rejects");
        let events = approval
            .resubmit(&def, &amount(150_000), 4, &Chosen::new(), &dir())
            .expect("resubmits");
        assert_eq!(
            events,
            vec![
                Event::Resubmitted,
                Event::StepStarted {
                    step: 1,
                    approvers: vec![2]
                }
            ]
        );
        assert_eq!(
            approval.plan[0].approvers[0].decision,
            Some(Decision::Approved)
        );
        approval.approve(2).expect("approves");
        assert_eq!(approval.status, Status::Approved);

        // A new step before the rejected one: from the start.
        let mut approval = start(&def, &amount(200_000), 4);
        approval.approve(5).expect("approves");
        approval.reject(2).expect("rejects");
        let mut first = step("Boss", ApproverRule::Users(vec![1]), Mode::AnyOne);
        first.condition = vec![when("amount", Op::Ge, FactValue::Number(150_000))];
        def.steps.insert(0, first);
        approval
            .resubmit(&def, &amount(150_000), 4, &Chosen::new(), &dir())
            .expect("resubmits");
        assert_eq!(approval.current, 0);
        assert_eq!(approval.waiting_for(), vec![1]);
    }

    #[test]
    fn a_plan_without_steps_is_approved_at_once() {
        let mut only_big = step("Director", ApproverRule::Users(vec![2]), Mode::AnyOne);
        only_big.condition = vec![when("amount", Op::Gt, FactValue::Number(100))];
        let (approval, events) =
            Approval::submit(&flow(vec![only_big]), &amount(5), 4, &Chosen::new(), &dir())
                .expect("submits");
        assert_eq!(approval.status, Status::Approved);
        assert_eq!(events, vec![Event::Submitted, Event::Approved]);
    }

    #[test]
    fn approvals_and_flows_round_trip_through_json() {
        let json = r#"{"steps":[{"name":"Boss","approvers":{"superior":{"levels":1}},
            "mode":"any_one","condition":[{"field":"amount","op":"gt","value":{"number":100000}}]},
            {"name":"Finance","approvers":{"role":100},"mode":"everyone"}],
            "when_no_approver":{"fallback":8},"resubmit":"from_rejected_step"}"#;
        let def: FlowDef = serde_json::from_str(json).expect("parses");
        assert_eq!(def.check(), Ok(()));
        assert_eq!(def.when_no_approver, NoApprover::Fallback(8));
        let text = serde_json::to_string(&def).expect("serializes");
        assert_eq!(serde_json::from_str::<FlowDef>(&text).expect("parses"), def);

        let mut approval = start(&def, &amount(200_000), 4);
        approval.hand_over(3, 9).expect("hands over");
        let text = serde_json::to_string(&approval).expect("serializes");
        assert_eq!(
            serde_json::from_str::<Approval>(&text).expect("parses"),
            approval
        );
        let event = serde_json::to_value(Event::Rejected { step: 1, by: 2 }).expect("serializes");
        assert_eq!(
            event,
            serde_json::json!({"event": "rejected", "step": 1, "by": 2})
        );

        let mut schemas = Vec::new();
        <FlowDef as ToSchema>::schemas(&mut schemas);
        <Approval as ToSchema>::schemas(&mut schemas);
        assert!(schemas.iter().any(|(name, _)| name == "FactValue"));
    }

    #[test]
    fn check_names_the_step_and_the_problem() {
        assert_eq!(
            flow(vec![]).check(),
            Err(vec![DefError {
                step: None,
                code: "no_steps"
            }])
        );
        let list = |items| FactValue::List(items);
        let mut bad = step(" ", ApproverRule::Users(vec![]), Mode::AnyOne);
        bad.condition = vec![
            when("", Op::Eq, FactValue::Number(1)),
            when("kind", Op::In, FactValue::Text("a".to_string())),
            when("kind", Op::Eq, list(vec![])),
            when("kind", Op::Gt, FactValue::Text("a".to_string())),
            when("kind", Op::In, list(vec![])),
            when(
                "kind",
                Op::In,
                list(vec![FactValue::Id(1), FactValue::Number(1)]),
            ),
            when("kind", Op::In, list(vec![list(vec![])])),
        ];
        let mut mixed = step("Mixed", ApproverRule::Superior { levels: 0 }, Mode::AnyOne);
        mixed.condition = vec![
            when("amount", Op::Gt, FactValue::Number(1)),
            when("amount", Op::Eq, FactValue::Text("1".to_string())),
        ];
        let far = step(
            "Far",
            ApproverRule::SuperiorsUpTo { levels: 11 },
            Mode::AnyOne,
        );
        let Err(errors) = flow(vec![bad, mixed, far]).check() else {
            panic!("the flow has errors");
        };
        let found: Vec<_> = errors.iter().map(|e| (e.step, e.code)).collect();
        assert_eq!(
            found,
            vec![
                (Some(0), "name_required"),
                (Some(0), "no_users"),
                (Some(0), "field_required"),
                (Some(0), "in_needs_list"),
                (Some(0), "list_needs_in"),
                (Some(0), "order_needs_number"),
                (Some(0), "empty_list"),
                (Some(0), "mismatched_types"),
                (Some(0), "nested_list"),
                (Some(1), "levels_out_of_range"),
                (Some(1), "mismatched_types"),
                (Some(2), "levels_out_of_range"),
            ]
        );
        let invalid = Approval::submit(&flow(vec![]), &amount(1), 4, &Chosen::new(), &dir());
        assert_eq!(code(invalid), "invalid_flow");
    }

    #[test]
    fn a_step_whose_amount_range_is_empty_is_refused() {
        let ranged = |low: Op, a: i64, high: Op, b: i64| {
            let mut s = step("Range", ApproverRule::Superior { levels: 1 }, Mode::AnyOne);
            s.condition = vec![
                when("amount", low, FactValue::Number(a)),
                when("amount", high, FactValue::Number(b)),
            ];
            flow(vec![
                step("First", ApproverRule::DepartmentHead, Mode::AnyOne),
                s,
            ])
        };
        let empty = ranged(Op::Gt, 10_000, Op::Le, 5_000).check();
        assert_eq!(
            empty,
            Err(vec![DefError {
                step: Some(1),
                code: "empty_range"
            }])
        );
        assert!(ranged(Op::Gt, 100, Op::Le, 100).check().is_err());
        assert!(ranged(Op::Gt, 100, Op::Lt, 101).check().is_err());
        assert!(ranged(Op::Gt, 100, Op::Le, 101).check().is_ok());
        assert!(ranged(Op::Ge, 100, Op::Le, 100).check().is_ok());
        // Different fields never contradict each other.
        let mut two = ranged(Op::Gt, 100, Op::Le, 50);
        two.steps[1].condition[1].field = "discount".into();
        assert!(two.check().is_ok());
    }

    #[test]
    fn names_parse_back() {
        for status in [
            Status::InProgress,
            Status::Approved,
            Status::Rejected,
            Status::Withdrawn,
        ] {
            assert_eq!(Status::parse(status.as_str()), Ok(status));
        }
        assert_eq!(Mode::parse(Mode::Everyone.as_str()), Ok(Mode::Everyone));
        assert_eq!(Op::parse("le"), Ok(Op::Le));
        assert_eq!(Status::parse("done"), Err("invalid_choice"));
        assert_eq!(Event::Withdrawn.as_str(), "withdrawn");
    }
}
