//! What using sales and approvals found: a record transferred while in
//! approval (or after it ended) is withdrawn and submitted again by its
//! new owner; a resumed approval does not ask again for the approvers of
//! the steps it passed; a seat handed over can be handed back.

use serde_json::json;

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{
    SalesTeam, act, approval_id, contract, customer, flow, sales_team, submit,
};

/// A one-step flow decided by `approver`, and a draft contract of the rep
/// for a new customer: the contract's id.
async fn one_step_contract(
    t: &TestApp,
    team: &SalesTeam,
    (step, approver): (&str, i64),
    (buyer, amount): (&str, &str),
) -> i64 {
    flow(
        t,
        team,
        "contract",
        json!({ "steps": [
            { "name": step, "approvers": { "users": [approver] }, "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(t, &team.rep.1, buyer).await;
    contract(t, &team.rep.1, buyer, amount).await
}

async fn approval_of(t: &TestApp, token: &str, id: i64) -> (i64, Answer) {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), token).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    (approval_id(&detail), detail)
}

async fn transfer(t: &TestApp, team: &SalesTeam, id: i64, to: i64) {
    let moved = t
        .post(
            "/api/v1/contracts/transfer",
            &team.admin,
            json!({ "ids": [id], "owner_id": to }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
}

#[tokio::test]
async fn a_transferred_contract_is_withdrawn_and_submitted_again_by_its_new_owner() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let id = one_step_contract(
        &t,
        &team,
        ("Finance", team.finance.0),
        ("Transfer Ltd", "500"),
    )
    .await;
    assert_eq!(
        submit(&t, &team.rep.1, "contracts", id).await,
        "in_approval"
    );
    let (approval, _) = approval_of(&t, &team.rep.1, id).await;

    // Transferred while in approval: the approval stays pending.
    transfer(&t, &team, id, team.other_rep.0).await;
    let (_, seen) = approval_of(&t, &team.other_rep.1, id).await;
    assert_eq!(seen.body["status"], "in_approval", "{}", seen.text);
    assert_eq!(seen.body["approval"]["can_withdraw"], true, "{}", seen.text);

    // The former owner no longer sees it, so cannot act on it.
    let former = act(&t, &team.rep.1, approval, json!({ "action": "withdraw" })).await;
    assert_eq!(former.status, 404, "{}", former.text);
    // The new owner withdraws it and submits it again.
    let withdrawn = act(
        &t,
        &team.other_rep.1,
        approval,
        json!({ "action": "withdraw" }),
    )
    .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(
        submit(&t, &team.other_rep.1, "contracts", id).await,
        "in_approval"
    );
    let mine = t
        .get("/api/v1/approvals/submitted", &team.other_rep.1)
        .await;
    assert!(
        mine.text.contains(&format!("\"id\":{approval}")),
        "{}",
        mine.text
    );

    // Rejected, transferred back: its owner submits it again.
    let rejected = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "reject", "comment": "Wrong price" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    transfer(&t, &team, id, team.rep.0).await;
    assert_eq!(
        submit(&t, &team.rep.1, "contracts", id).await,
        "in_approval"
    );

    // Someone who neither submitted nor owns it, yet sees it (the
    // manager sees the department's records), may not withdraw it.
    let manager = act(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "withdraw" }),
    )
    .await;
    assert_eq!(manager.status, 404, "{}", manager.text);
    let other = act(
        &t,
        &team.other_rep.1,
        approval,
        json!({ "action": "withdraw" }),
    )
    .await;
    assert_eq!(other.status, 404, "{}", other.text);
}

#[tokio::test]
async fn a_resumed_approval_does_not_ask_again_for_the_approvers_chosen_before() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    flow(
        &t,
        &team,
        "contract",
        json!({ "resubmit": "from_rejected_step", "steps": [
            { "name": "Chosen", "approvers": "chosen_by_submitter", "mode": "any_one" },
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Resume Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "800").await;
    let path = format!("/api/v1/contracts/{id}/submit");
    let first = t
        .post(
            &path,
            &team.rep.1,
            json!({ "approvers": { "0": [team.manager.0] } }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let (approval, _) = approval_of(&t, &team.rep.1, id).await;
    let passed = act(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(passed.status, 200, "{}", passed.text);
    let rejected = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "reject", "comment": "Check the dates" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);

    // Nothing picked for the step passed: resumed at finance.
    let again = t.post(&path, &team.rep.1, json!({})).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let (_, detail) = approval_of(&t, &team.rep.1, id).await;
    let waiting = &detail.body["approval"]["waiting_for"];
    assert_eq!(waiting[0][0], team.finance.0, "{}", detail.text);
    assert!(!detail.text.contains("started_over"), "{}", detail.text);

    // Rejected again; another pick for the step passed is no change.
    let rejected = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "reject", "comment": "Still wrong" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    let other_pick = t
        .post(
            &path,
            &team.rep.1,
            json!({ "approvers": { "0": [team.finance.0] } }),
        )
        .await;
    assert_eq!(other_pick.status, 200, "{}", other_pick.text);
    let (_, detail) = approval_of(&t, &team.rep.1, id).await;
    assert_eq!(detail.body["approval"]["waiting_for"][0][0], team.finance.0);
    assert!(!detail.text.contains("started_over"), "{}", detail.text);
}

#[tokio::test]
async fn a_seat_handed_over_is_handed_back() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let id = one_step_contract(&t, &team, ("Manager", team.manager.0), ("Seat Ltd", "300")).await;
    submit(&t, &team.rep.1, "contracts", id).await;
    let (approval, _) = approval_of(&t, &team.rep.1, id).await;
    let over = act(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "hand_over", "to": team.finance.0 }),
    )
    .await;
    assert_eq!(over.status, 200, "{}", over.text);
    let back = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "hand_over", "to": team.manager.0 }),
    )
    .await;
    assert_eq!(back.status, 200, "{}", back.text);
    let approved = act(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(
        approved.body["approval"]["status"], "approved",
        "{}",
        approved.text
    );
}
