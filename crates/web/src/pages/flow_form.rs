//! The approval flow form: steps in rows, each with as many conditions as
//! it has (field, operator, value), so whatever a flow holds — made here or
//! through the API — is shown and saved back unchanged.

use kuijing_domain::FieldErrors;
use kuijing_domain::approval::{
    ApproverRule, Comparison, FlowDef, Mode, NoApprover, Op, Resubmit, StepDef,
};
use kuijing_service::ServiceError;
use kuijing_service::approvals::{Flow, FlowInput};
use serde::Deserialize;

pub use super::flow_vocabulary::{FlowField, Vocabulary, flow_fields};
use super::forms::optional_number;

/// How many step rows the flow form offers at least; there is always one
/// empty row more than the steps, and "add a step" adds another.
const STEP_ROWS: usize = 5;

/// The operators a condition may use, in the order the form offers them.
pub const OPS: [&str; 7] = ["eq", "ne", "gt", "ge", "lt", "le", "in"];

/// The facts every kind has, in the order the form offers them.
pub const COMMON_FACTS: [&str; 4] = ["amount", "currency", "department_id", "owner_id"];

/// One condition of a step as the form shows it: the field, the operator
/// and the value as text; or, in `raw`, a condition the three cannot say
/// (a value of another type than its field's, a field the form does not
/// offer) kept as it was.
#[derive(Debug, Default, Clone)]
pub struct CondRow {
    pub field: String,
    pub op: String,
    pub value: String,
    /// The currency of an amount (for a condition on money).
    pub currency: String,
    pub raw: String,
}

/// One step row of the flow form, as shown.
#[derive(Default)]
pub struct StepRow {
    pub name: String,
    pub rule: String,
    /// The named people of a "users" step, by id.
    pub users: Vec<String>,
    pub levels: String,
    pub role: String,
    pub mode: String,
    /// The step's conditions, then one empty row for another.
    pub conditions: Vec<CondRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FlowForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub custom_kind: String,
    #[serde(default)]
    pub active: String,
    #[serde(default)]
    pub when_no_approver: String,
    #[serde(default)]
    pub fallback: String,
    #[serde(default)]
    pub resubmit: String,
    #[serde(default)]
    step_name: Vec<String>,
    #[serde(default)]
    step_rule: Vec<String>,
    /// The people of the "users" steps, as `row:user` (a row's select
    /// takes several).
    #[serde(default)]
    step_users: Vec<String>,
    #[serde(default)]
    step_levels: Vec<String>,
    #[serde(default)]
    step_role: Vec<String>,
    #[serde(default)]
    step_mode: Vec<String>,
    /// The condition rows: the step row each belongs to, then its field,
    /// operator, value and (for a condition the row cannot say) the whole.
    #[serde(default)]
    cond_step: Vec<String>,
    #[serde(default)]
    cond_field: Vec<String>,
    #[serde(default)]
    cond_op: Vec<String>,
    #[serde(default)]
    cond_value: Vec<String>,
    /// The currency each condition's amount is stated in (read for
    /// conditions on money only).
    #[serde(default)]
    cond_currency: Vec<String>,
    #[serde(default)]
    cond_raw: Vec<String>,
    /// Set by the "add a step" button: show the form again with another
    /// empty row, saving nothing.
    #[serde(default)]
    pub more: String,
    #[serde(default)]
    pub version: String,
}

fn at(list: &[String], index: usize) -> String {
    list.get(index).cloned().unwrap_or_default()
}

impl FlowForm {
    /// The empty form of a new, active contract flow.
    pub fn new_flow() -> Self {
        Self {
            kind: "contract".into(),
            active: "1".into(),
            ..Self::default()
        }
    }

    pub fn kind(&self) -> String {
        if self.kind == "custom" {
            self.custom_kind.trim().to_string()
        } else {
            self.kind.clone()
        }
    }

    /// The rows with a name, in order, then empty ones: at least
    /// `STEP_ROWS`, one more than the steps, and another after "add a step".
    pub fn rows(&self) -> Vec<StepRow> {
        let mut rows: Vec<StepRow> = (0..self.step_name.len())
            .filter(|i| !self.step_name[*i].trim().is_empty())
            .map(|i| {
                let mut conditions: Vec<CondRow> = (0..self.cond_step.len())
                    .filter(|c| self.cond_step[*c].parse::<usize>().ok() == Some(i))
                    .map(|c| CondRow {
                        field: at(&self.cond_field, c),
                        op: at(&self.cond_op, c),
                        value: at(&self.cond_value, c),
                        currency: at(&self.cond_currency, c),
                        raw: at(&self.cond_raw, c),
                    })
                    .filter(|row| {
                        !(row.raw.is_empty() && row.field.is_empty() && row.value.trim().is_empty())
                    })
                    .collect();
                conditions.push(CondRow::default());
                StepRow {
                    name: at(&self.step_name, i),
                    rule: at(&self.step_rule, i),
                    users: self
                        .step_users
                        .iter()
                        .filter_map(|pair| pair.split_once(':'))
                        .filter(|(row, _)| row.parse::<usize>().ok() == Some(i))
                        .map(|(_, user)| user.to_string())
                        .collect(),
                    levels: at(&self.step_levels, i),
                    role: at(&self.step_role, i),
                    mode: at(&self.step_mode, i),
                    conditions,
                }
            })
            .collect();
        let mut total = STEP_ROWS.max(rows.len() + 1);
        if !self.more.is_empty() {
            total += 1;
        }
        while rows.len() < total {
            rows.push(StepRow {
                conditions: vec![CondRow::default()],
                ..StepRow::default()
            });
        }
        rows
    }

    /// The flow the form describes. A condition that cannot be read is
    /// refused beside its step's row, naming its field.
    pub fn input(&self, vocabulary: &Vocabulary) -> Result<FlowInput, ServiceError> {
        let mut steps = Vec::new();
        let mut errors = FieldErrors::new();
        for row in self
            .rows()
            .into_iter()
            .filter(|r| !r.name.trim().is_empty())
        {
            let index = steps.len();
            let number = |text: &str| optional_number(text).unwrap_or(0);
            let approvers = match row.rule.as_str() {
                "users" => ApproverRule::Users(
                    row.users
                        .iter()
                        .filter_map(|u| optional_number(u))
                        .collect(),
                ),
                "superior" => ApproverRule::Superior {
                    levels: u8::try_from(number(&row.levels)).unwrap_or(0),
                },
                "superiors_up_to" => ApproverRule::SuperiorsUpTo {
                    levels: u8::try_from(number(&row.levels)).unwrap_or(0),
                },
                "role" => ApproverRule::Role(number(&row.role)),
                "department_head" => ApproverRule::DepartmentHead,
                _ => ApproverRule::ChosenBySubmitter,
            };
            let mut condition = Vec::new();
            for (place, cond) in row.conditions.iter().enumerate() {
                let at = format!("definition.steps.{index}.conditions.{place}");
                if !cond.raw.is_empty() {
                    match serde_json::from_str::<Comparison>(&cond.raw) {
                        Ok(kept) => condition.push(kept),
                        Err(_) => errors.add(at, "invalid_choice"),
                    }
                    continue;
                }
                let field = cond.field.trim();
                if field.is_empty() {
                    if !cond.value.trim().is_empty() {
                        errors.add(at, "field_required");
                    }
                    continue;
                }
                let label = vocabulary.label(field);
                let Ok(op) = Op::parse(&cond.op) else {
                    errors.add_labelled(at, &label, "operator_unknown");
                    continue;
                };
                // A blank currency of an amount is left for the service to
                // refuse, naming the step and the field.
                let currency = Some(cond.currency.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty() && vocabulary.is_money(field));
                match vocabulary.read_value(field, op, &cond.value) {
                    Ok(value) => condition.push(Comparison {
                        field: field.to_string(),
                        op,
                        value,
                        currency,
                    }),
                    Err(code) => errors.add_labelled(at, &label, code),
                }
            }
            steps.push(StepDef {
                name: row.name.trim().to_string(),
                approvers,
                mode: if row.mode == "everyone" {
                    Mode::Everyone
                } else {
                    Mode::AnyOne
                },
                condition,
            });
        }
        errors.into_result()?;
        let when_no_approver = match self.when_no_approver.as_str() {
            "skip" => NoApprover::Skip,
            "fallback" => NoApprover::Fallback(optional_number(&self.fallback).unwrap_or(0)),
            _ => NoApprover::Refuse,
        };
        let resubmit = if self.resubmit == "from_rejected_step" {
            Resubmit::FromRejectedStep
        } else {
            Resubmit::FromStart
        };
        Ok(FlowInput {
            kind: self.kind(),
            name: self.name.clone(),
            active: !self.active.is_empty(),
            definition: FlowDef {
                steps,
                when_no_approver,
                resubmit,
            },
            version: optional_number(&self.version),
        })
    }

    /// The form of a stored flow, every condition in a row of its step.
    pub fn of(flow: &Flow, vocabulary: &Vocabulary) -> Self {
        let mut form = Self {
            name: flow.name.clone(),
            kind: if ["contract", "payment"].contains(&flow.kind.as_str()) {
                flow.kind.clone()
            } else {
                "custom".into()
            },
            custom_kind: flow.kind.clone(),
            active: if flow.active {
                "1".into()
            } else {
                String::new()
            },
            version: flow.version.to_string(),
            ..Self::default()
        };
        let definition = &flow.definition;
        match definition.when_no_approver {
            NoApprover::Skip => form.when_no_approver = "skip".into(),
            NoApprover::Fallback(user) => {
                form.when_no_approver = "fallback".into();
                form.fallback = user.to_string();
            }
            NoApprover::Refuse => form.when_no_approver = "refuse".into(),
        }
        if definition.resubmit == Resubmit::FromRejectedStep {
            form.resubmit = "from_rejected_step".into();
        }
        for (index, step) in definition.steps.iter().enumerate() {
            form.step_name.push(step.name.clone());
            let (rule, levels, role) = match &step.approvers {
                ApproverRule::Users(users) => {
                    form.step_users
                        .extend(users.iter().map(|user| format!("{index}:{user}")));
                    ("users", String::new(), String::new())
                }
                ApproverRule::Superior { levels } => {
                    ("superior", levels.to_string(), String::new())
                }
                ApproverRule::SuperiorsUpTo { levels } => {
                    ("superiors_up_to", levels.to_string(), String::new())
                }
                ApproverRule::Role(role) => ("role", String::new(), role.to_string()),
                ApproverRule::DepartmentHead => ("department_head", String::new(), String::new()),
                ApproverRule::ChosenBySubmitter => ("chosen", String::new(), String::new()),
            };
            form.step_rule.push(rule.into());
            form.step_levels.push(levels);
            form.step_role.push(role);
            form.step_mode.push(step.mode.as_str().into());
            for condition in &step.condition {
                let row = vocabulary.row_of(condition);
                form.cond_step.push(index.to_string());
                form.cond_field.push(row.field);
                form.cond_op.push(row.op);
                form.cond_value.push(row.value);
                form.cond_currency.push(row.currency);
                form.cond_raw.push(row.raw);
            }
        }
        form
    }
}
