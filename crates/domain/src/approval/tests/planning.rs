//! Planning: who approves each step, by rule, condition and mode.

use super::*;

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
