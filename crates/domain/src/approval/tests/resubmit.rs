//! Resubmitting from the rejected step: resumed while the edit leaves the
//! steps up to the rejected one as they were, started over (and said so)
//! when it changes them.

use super::*;

/// The submitter's superior, then everyone of finance above 10,000.00.
fn two_step_flow() -> FlowDef {
    let mut big = step("Finance", ApproverRule::Role(100), Mode::Everyone);
    big.condition = vec![when("amount", Op::Gt, FactValue::Number(1_000_000))];
    let mut def = flow(vec![
        step(
            "Superior",
            ApproverRule::Superior { levels: 1 },
            Mode::AnyOne,
        ),
        big,
    ]);
    def.resubmit = Resubmit::FromRejectedStep;
    def
}

/// Submitted for 15,000.00 by 4, approved by their superior 3, rejected by
/// 5 of finance on the second step.
fn rejected_on_the_second_step(def: &FlowDef) -> Approval {
    let mut approval = start(def, &amount(1_500_000), 4);
    approval.approve(3).expect("the superior approves");
    approval.approve(6).expect("one of finance approves");
    approval.reject(5).expect("the other rejects");
    assert_eq!(approval.rejected_step, Some(1));
    approval
}

#[test]
fn an_edit_that_keeps_the_steps_resumes_at_the_rejected_step() {
    let def = two_step_flow();
    let mut approval = rejected_on_the_second_step(&def);
    let events = approval
        .resubmit(&def, &amount(1_200_000), 4, &Chosen::new(), &dir())
        .expect("resubmits");
    assert_eq!(
        events,
        vec![
            Event::Resubmitted,
            Event::StepStarted {
                step: 1,
                approvers: vec![5, 6]
            }
        ]
    );
    assert_eq!(approval.current, 1);
    assert_eq!(
        approval.plan[0].approvers[0].decision,
        Some(Decision::Approved)
    );
    // The rejected step is decided again by all of its approvers.
    assert_eq!(approval.waiting_for(), vec![5, 6]);
    approval.approve(5).expect("approves");
    approval.approve(6).expect("approves");
    assert_eq!(approval.status, Status::Approved);
}

#[test]
fn an_edit_that_drops_the_rejected_step_starts_over_and_says_so() {
    let def = two_step_flow();
    let mut approval = rejected_on_the_second_step(&def);
    let events = approval
        .resubmit(&def, &amount(900_000), 4, &Chosen::new(), &dir())
        .expect("resubmits");
    assert_eq!(
        events,
        vec![
            Event::Resubmitted,
            Event::StartedOver,
            Event::StepStarted {
                step: 0,
                approvers: vec![3]
            }
        ]
    );
    assert_eq!(approval.current, 0);
    assert_eq!(approval.plan.len(), 1);
    assert_eq!(approval.plan[0].approvers[0].decision, None);
}

#[test]
fn other_approvers_on_the_rejected_step_start_over() {
    let def = two_step_flow();
    let mut approval = rejected_on_the_second_step(&def);
    let mut six_disabled = dir();
    six_disabled.inactive.insert(6);
    let events = approval
        .resubmit(&def, &amount(1_200_000), 4, &Chosen::new(), &six_disabled)
        .expect("resubmits");
    assert_eq!(events[1], Event::StartedOver);
    assert_eq!(approval.current, 0);
    assert_eq!(approval.waiting_for(), vec![3]);
}

#[test]
fn a_flow_that_starts_from_the_start_never_resumes() {
    let mut def = two_step_flow();
    def.resubmit = Resubmit::FromStart;
    let mut approval = rejected_on_the_second_step(&def);
    let events = approval
        .resubmit(&def, &amount(1_500_000), 4, &Chosen::new(), &dir())
        .expect("resubmits");
    assert!(!events.contains(&Event::StartedOver), "{events:?}");
    assert_eq!(approval.current, 0);
    assert_eq!(approval.waiting_for(), vec![3]);
}

#[test]
fn a_withdrawn_approval_starts_from_the_start() {
    let def = two_step_flow();
    let mut approval = start(&def, &amount(1_500_000), 4);
    approval.approve(3).expect("approves");
    approval.withdraw(4).expect("withdraws");
    let events = approval
        .resubmit(&def, &amount(1_500_000), 4, &Chosen::new(), &dir())
        .expect("resubmits");
    assert!(!events.contains(&Event::StartedOver), "{events:?}");
    assert_eq!(approval.waiting_for(), vec![3]);
}

#[test]
fn a_resumed_approval_keeps_the_approvers_chosen_for_the_steps_passed() {
    let mut def = flow(vec![
        step("Chosen", ApproverRule::ChosenBySubmitter, Mode::AnyOne),
        step("Director", ApproverRule::Users(vec![2]), Mode::AnyOne),
    ]);
    def.resubmit = Resubmit::FromRejectedStep;
    let mut approval = start_chosen(&def, 4, &Chosen::from([(0, vec![5])]));
    approval.approve(5).expect("the chosen approves");
    approval.reject(2).expect("the director rejects");
    let rejected = approval.clone();

    // No pick for the step passed: resumed at the director.
    let events = approval
        .resubmit(&def, &amount(1), 4, &Chosen::new(), &dir())
        .expect("resubmits without a pick");
    assert!(!events.contains(&Event::StartedOver));
    assert_eq!(approval.current, 1);
    assert_eq!(approval.waiting_for(), vec![2]);

    // Another pick for it is no change either.
    let mut approval = rejected;
    let events = approval
        .resubmit(&def, &amount(1), 4, &Chosen::from([(0, vec![6])]), &dir())
        .expect("resubmits with another pick");
    assert!(!events.contains(&Event::StartedOver));
    assert_eq!(approval.plan[0].approvers[0].user, 5);
    assert_eq!(approval.waiting_for(), vec![2]);
}

#[test]
fn the_steps_kept_are_those_passed_whose_chosen_approvers_are_still_active() {
    let mut def = flow(vec![
        step("Chosen", ApproverRule::ChosenBySubmitter, Mode::AnyOne),
        step("Director", ApproverRule::Users(vec![2]), Mode::AnyOne),
        step("Later", ApproverRule::ChosenBySubmitter, Mode::AnyOne),
    ]);
    def.resubmit = Resubmit::FromRejectedStep;
    let chosen = Chosen::from([(0, vec![5]), (2, vec![6])]);
    let mut approval = start_chosen(&def, 4, &chosen);
    // In progress, nothing is kept: nothing is to resubmit.
    assert!(approval.choices_kept(&def, &dir()).is_empty());
    approval.approve(5).expect("the chosen approves");
    approval.reject(2).expect("the director rejects");
    // Only the step passed: the later one is picked again.
    assert_eq!(
        approval.choices_kept(&def, &dir()),
        Chosen::from([(0, vec![5])])
    );
    // One chosen then and disabled since is asked for again.
    let mut five_disabled = dir();
    five_disabled.inactive.insert(5);
    assert!(approval.choices_kept(&def, &five_disabled).is_empty());
    // A flow that starts over keeps nothing.
    let mut from_start = def.clone();
    from_start.resubmit = Resubmit::FromStart;
    assert!(approval.choices_kept(&from_start, &dir()).is_empty());
}

#[test]
fn starting_over_keeps_the_approvers_chosen_for_the_steps_passed() {
    let mut def = flow(vec![
        step("Chosen", ApproverRule::ChosenBySubmitter, Mode::AnyOne),
        step("Director", ApproverRule::Users(vec![2]), Mode::AnyOne),
    ]);
    def.resubmit = Resubmit::FromRejectedStep;
    def.steps[1].condition = vec![when("amount", Op::Gt, FactValue::Number(0))];
    let mut approval = start_chosen(&def, 4, &Chosen::from([(0, vec![5])]));
    approval.approve(5).expect("the chosen approves");
    approval.reject(2).expect("the director rejects");
    // The edit drops the director's step: started over, and the step
    // passed needs no pick again.
    let events = approval
        .resubmit(&def, &amount(0), 4, &Chosen::new(), &dir())
        .expect("resubmits without a pick");
    assert!(events.contains(&Event::StartedOver), "{events:?}");
    assert_eq!(approval.current, 0);
    assert_eq!(approval.waiting_for(), vec![5]);
}

fn start_chosen(def: &FlowDef, submitter: i64, chosen: &Chosen) -> Approval {
    Approval::submit(def, &amount(1), submitter, chosen, &dir())
        .expect("submits")
        .0
}
