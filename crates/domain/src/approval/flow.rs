//! The flow an administrator defines: steps, their approvers and modes, and
//! what happens when a step finds no one or a rejection is resubmitted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Comparison, FactValue, Facts, MAX_LEVELS, Op};

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
