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
    assert_eq!(code(approval.approve(5)), "handed_over");
    assert_eq!(code(approval.reject(5)), "handed_over");
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
