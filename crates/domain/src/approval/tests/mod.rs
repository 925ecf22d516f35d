use std::collections::{HashMap, HashSet};

use utoipa::ToSchema;

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
        currency: None,
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

mod definitions;
mod planning;
mod reading;
mod resubmit;
mod seats;
mod typed_conditions;
