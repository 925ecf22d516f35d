//! Seats and turns: handing over, disabled approvers, skipping,
//! withdrawing and resubmitting.

use super::*;

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
    let mut by_owner = approval.clone();
    assert_eq!(by_owner.withdraw_as(9, true), Ok(vec![Event::Withdrawn]));
    assert_eq!(code(approval.withdraw_as(9, false)), "not_submitter");
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
    // Whoever may submit the record now (its new owner) submits it again,
    // and becomes the submitter.
    let mut by_other = approval.clone();
    by_other
        .resubmit(&def, &amount(1), 9, &Chosen::new(), &dir())
        .expect("another resubmits");
    assert_eq!(by_other.submitter, 9);
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
fn a_seat_handed_over_can_be_handed_back() {
    let def = flow(vec![step(
        "Named",
        ApproverRule::Users(vec![5]),
        Mode::AnyOne,
    )]);
    let mut approval = start(&def, &amount(1), 4);
    approval.hand_over(5, 6).expect("hands over");
    assert_eq!(code(approval.hand_over(6, 6)), "hand_over_to_self");
    approval.hand_over(6, 5).expect("hands back");
    assert_eq!(approval.waiting_for(), vec![5]);
    assert_eq!(code(approval.approve(6)), "handed_over");
    approval.approve(5).expect("the former holder approves");
    assert_eq!(approval.status, Status::Approved);
}
