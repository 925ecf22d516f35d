//! How the steps and seats of an approval read once it moved on or ended:
//! a rejected or withdrawn approval waits for nobody.

use super::*;

/// Finance (any one of 5 and 6), then the director (2) above 1000.00.
fn two_steps() -> Approval {
    start(&contract_flow(), &amount(500_000), 3)
}

fn read(approval: &Approval) -> Vec<(&'static str, Vec<&'static str>)> {
    approval
        .plan
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let seats = step
                .approvers
                .iter()
                .map(|seat| approval.seat_state(index, seat))
                .collect();
            (approval.step_state(index), seats)
        })
        .collect()
}

#[test]
fn in_progress_the_current_step_is_pending_and_later_ones_upcoming() {
    let approval = two_steps();
    assert_eq!(
        read(&approval),
        [
            ("current", vec!["pending", "pending"]),
            ("waiting", vec!["upcoming"])
        ]
    );
}

#[test]
fn rejected_the_later_steps_are_not_reached() {
    let mut approval = two_steps();
    approval.reject(5).expect("rejects");
    assert_eq!(
        read(&approval),
        [
            ("ended", vec!["rejected", "not_needed"]),
            ("not_reached", vec!["not_reached"])
        ]
    );
}

#[test]
fn withdrawn_nothing_waits() {
    let mut approval = two_steps();
    approval.approve(6).expect("approves");
    approval.withdraw(3).expect("withdraws");
    assert_eq!(
        read(&approval),
        [
            ("passed", vec!["not_needed", "approved"]),
            ("ended", vec!["not_needed"])
        ]
    );
}

#[test]
fn approved_every_step_passed_and_undecided_seats_were_not_needed() {
    let mut approval = two_steps();
    approval.approve(5).expect("approves");
    approval.approve(2).expect("approves");
    assert_eq!(
        read(&approval),
        [
            ("passed", vec!["approved", "not_needed"]),
            ("passed", vec!["approved"])
        ]
    );
}
