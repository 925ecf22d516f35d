//! Approval flows through the API: a two-step contract flow whose second
//! step applies above an amount, who may read a contract while it waits for
//! them, rejection, withdrawal, resubmission, and the figures.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{
    SalesTeam, act, approval_id, contract, customer, first_error, sales_team, submit,
};

/// Step 1: the submitter's direct superior. Step 2, above 100,000.00 (in
/// cents): the finance clerk.
async fn contract_flow(t: &TestApp, team: &SalesTeam) -> i64 {
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({
                "kind": "contract",
                "name": "合同審批",
                "definition": { "steps": [
                    { "name": "直屬上級", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
                    { "name": "財務", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
                      "condition": [{ "field": "amount", "op": "gt", "value": { "number": 10_000_000 }, "currency": "CNY" }] }
                ] }
            }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    flow.body["id"].as_i64().expect("id")
}

async fn contract_of(t: &TestApp, token: &str, id: i64) -> Answer {
    t.get(&format!("/api/v1/contracts/{id}"), token).await
}

async fn waiting_count(t: &TestApp, token: &str) -> i64 {
    let answer = t.get("/api/v1/approvals/waiting/count", token).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["count"].as_i64().expect("count")
}

/// The id of the approval of a contract, from its detail.
async fn approval_of(t: &TestApp, token: &str, id: i64) -> i64 {
    approval_id(&contract_of(t, token, id).await)
}

#[tokio::test]
async fn a_small_contract_needs_the_superior_and_a_large_one_finance_too() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    contract_flow(&t, &team).await;
    let (rep, manager, finance) = (
        team.rep.1.as_str(),
        team.manager.1.as_str(),
        team.finance.1.as_str(),
    );
    let client = customer(&t, rep, "統一企業").await;

    let small = contract(&t, rep, client, "50,000").await;
    assert_eq!(submit(&t, rep, "contracts", small).await, "in_approval");
    assert_eq!(waiting_count(&t, manager).await, 1);
    assert_eq!(waiting_count(&t, finance).await, 0);
    let approval = approval_of(&t, rep, small).await;
    let waiting = t.get("/api/v1/approvals/waiting", manager).await;
    assert_eq!(waiting.body["items"][0]["id"], approval, "{}", waiting.text);
    assert_eq!(waiting.body["items"][0]["kind"], "contract");
    // A contract in approval is not edited.
    let edit = t
        .call(
            axum::http::Method::PUT,
            &format!("/api/v1/contracts/{small}"),
            Some(rep),
            Some(json!({ "name": "Changed", "customer_id": client, "amount": "1" })),
        )
        .await;
    assert_eq!(edit.status, 409);
    assert_eq!(edit.body["code"], "contract_not_editable");
    // The submitter does not decide.
    let own = act(&t, rep, approval, json!({ "action": "approve" })).await;
    assert_eq!(own.status, 409, "{}", own.text);
    assert_eq!(own.body["code"], "not_an_approver");

    let approved = act(&t, manager, approval, json!({ "action": "approve" })).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.body["approval"]["status"], "approved");
    assert_eq!(contract_of(&t, rep, small).await.body["status"], "approved");
    assert_eq!(waiting_count(&t, manager).await, 0);
    assert_eq!(waiting_count(&t, finance).await, 0);

    let large = contract(&t, rep, client, "200000").await;
    assert_eq!(submit(&t, rep, "contracts", large).await, "in_approval");
    let approval = approval_of(&t, rep, large).await;
    // Outside the clerk's scope, and not yet theirs to decide: a later
    // approver is told it is not their turn.
    assert_eq!(contract_of(&t, finance, large).await.status, 404);
    let early = act(&t, finance, approval, json!({ "action": "approve" })).await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert_eq!(early.body["code"], "not_an_approver");
    act(&t, manager, approval, json!({ "action": "approve" })).await;
    assert_eq!(
        contract_of(&t, rep, large).await.body["status"],
        "in_approval"
    );
    assert_eq!(waiting_count(&t, finance).await, 1);
    let seen = contract_of(&t, finance, large).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["approval"]["can_decide"], true);
    assert_eq!(seen.body["can_edit"], false);

    // Rejecting needs a comment; with one, the contract goes back.
    let bare = act(&t, finance, approval, json!({ "action": "reject" })).await;
    assert_eq!(bare.status, 422, "{}", bare.text);
    assert_eq!(first_error(&bare), ("comment".into(), "required".into()));
    assert_eq!(
        bare.body["errors"][0]["message"],
        "Comment is required to reject: tell the submitter what to change."
    );
    let rejected = act(
        &t,
        finance,
        approval,
        json!({ "action": "reject", "comment": "付款條件需改為月結 30 天" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    let back = contract_of(&t, rep, large).await;
    assert_eq!(back.body["status"], "rejected");
    let comments: Vec<&Value> = back.body["approval"]["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["action"] == "reject")
        .collect();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0]["comment"], "付款條件需改為月結 30 天");
    assert_eq!(comments[0]["actor_id"], team.finance.0);
    // Decided, the contract is outside the clerk's scope again.
    assert_eq!(contract_of(&t, finance, large).await.status, 404);
    assert_eq!(waiting_count(&t, finance).await, 0);

    // Submitted again it starts over; withdrawn, it waits for no one.
    assert_eq!(submit(&t, rep, "contracts", large).await, "in_approval");
    assert_eq!(approval_of(&t, rep, large).await, approval);
    assert_eq!(waiting_count(&t, manager).await, 1);
    let by_manager = act(&t, manager, approval, json!({ "action": "withdraw" })).await;
    assert_eq!(by_manager.status, 409);
    assert_eq!(by_manager.body["code"], "not_submitter");
    let withdrawn = act(&t, rep, approval, json!({ "action": "withdraw" })).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(
        contract_of(&t, rep, large).await.body["status"],
        "withdrawn"
    );
    assert_eq!(waiting_count(&t, manager).await, 0);
    let again = act(&t, rep, approval, json!({ "action": "withdraw" })).await;
    assert_eq!(again.body["code"], "not_in_progress");

    assert_eq!(submit(&t, rep, "contracts", large).await, "in_approval");
    act(&t, manager, approval, json!({ "action": "approve" })).await;
    let last = act(&t, finance, approval, json!({ "action": "approve" })).await;
    assert_eq!(last.status, 200, "{}", last.text);
    assert_eq!(contract_of(&t, rep, large).await.body["status"], "approved");
    assert_eq!(contract_of(&t, finance, large).await.status, 404);

    // One more, rejected by the superior, for the figures.
    let third = contract(&t, rep, client, "30000").await;
    submit(&t, rep, "contracts", third).await;
    let approval = approval_of(&t, rep, third).await;
    act(
        &t,
        manager,
        approval,
        json!({ "action": "reject", "comment": "重複的合同" }),
    )
    .await;
    let submitted = t.get("/api/v1/approvals/submitted", rep).await;
    assert_eq!(submitted.body["total"], 3, "{}", submitted.text);
    // Paged, the total still counts them all.
    let page = t.get("/api/v1/approvals/submitted?limit=1", rep).await;
    assert_eq!(page.body["total"], 3, "{}", page.text);
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(1));
    let cursor = page.body["next_cursor"].as_str().expect("a next page");
    let next = t
        .get(
            &format!("/api/v1/approvals/submitted?limit=2&cursor={cursor}"),
            rep,
        )
        .await;
    assert_eq!(next.body["items"].as_array().map(Vec::len), Some(2));
    assert!(next.body["next_cursor"].is_null(), "{}", next.text);

    let stats = t.get("/api/v1/approvals/stats", &team.admin).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    let contracts = stats
        .body
        .as_array()
        .and_then(|all| all.iter().find(|s| s["kind"] == "contract"))
        .expect("contract figures");
    assert_eq!(contracts["approved"], 2);
    // Decisions ever made count, also a rejection a resubmission undid.
    let approved = contracts["approved_decisions"].as_i64().expect("approved");
    let rejected = contracts["rejected_decisions"].as_i64().expect("rejected");
    assert!(rejected >= 1 && approved >= 2, "{}", stats.text);
    // Where the approvals stand now: two approved, one rejected.
    assert_eq!(contracts["rejected"], 1, "{}", stats.text);
    // The pass rate is submissions approved out of those decided: two
    // approved, two rejected (one of them before a resubmission).
    assert_eq!(contracts["submissions"], 5, "{}", stats.text);
    assert_eq!(contracts["rejected_decisions"], 2, "{}", stats.text);
    assert_eq!(contracts["pass_rate"], 500, "{}", stats.text);
}

#[tokio::test]
async fn without_an_active_flow_a_contract_is_approved_on_submit() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "長榮海運").await;
    let id = contract(&t, rep, client, "80000").await;
    assert_eq!(contract_of(&t, rep, id).await.body["status"], "draft");
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let detail = contract_of(&t, rep, id).await;
    assert_eq!(detail.body["approval"]["approval"]["status"], "approved");
    assert!(detail.body["approved_at"].is_string());
    // Made without a signing date, it is dated the day it was approved, so
    // it counts in the figures like its payments.
    let approved_at = detail.body["approved_at"].as_str().expect("approved");
    let signed_on = detail.body["signed_on"].as_str().expect("dated");
    assert_eq!(&approved_at[..4], &signed_on[..4], "{}", detail.text);
    assert_eq!(waiting_count(&t, &team.manager.1).await, 0);
    // Approved, it is not submitted twice.
    let twice = t
        .post(&format!("/api/v1/contracts/{id}/submit"), rep, json!({}))
        .await;
    assert_eq!(twice.status, 409);
    assert_eq!(twice.body["code"], "contract_not_submittable");

    // An inactive flow is no flow.
    let flow = contract_flow(&t, &team).await;
    let off = t
        .call(
            axum::http::Method::PUT,
            &format!("/api/v1/approvals/flows/{flow}"),
            Some(&team.admin),
            Some(json!({
                "kind": "contract",
                "name": "合同審批",
                "active": false,
                "definition": { "steps": [
                    { "name": "直屬上級", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }
                ] }
            })),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    let next = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", next).await, "approved");
}

#[tokio::test]
async fn a_flow_is_checked_before_it_is_saved_and_only_administrators_define_one() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let bad = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({
                "kind": "contract",
                "name": "Bad",
                "definition": { "steps": [
                    { "name": "Nobody", "approvers": { "users": [] }, "mode": "any_one" },
                    { "name": "Big", "approvers": { "superior": { "levels": 1 } }, "mode": "everyone",
                      "condition": [{ "field": "amount", "op": "gt", "value": { "text": "many" } }] }
                ] }
            }),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let errors: Vec<(String, String)> = bad.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            ("definition.steps.0".to_string(), "no_users".to_string()),
            (
                "definition.steps.1".to_string(),
                "order_needs_number".to_string()
            ),
            (
                "definition.steps.1.condition.0".to_string(),
                "condition_needs_number".to_string()
            ),
        ]
    );
    let by_rep = t
        .post(
            "/api/v1/approvals/flows",
            &team.rep.1,
            json!({ "kind": "contract", "name": "Mine", "definition": { "steps": [
                { "name": "A", "approvers": { "users": [team.rep.0] }, "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(by_rep.status, 403);
}

#[tokio::test]
async fn an_approver_hands_the_decision_over_to_someone_else() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    contract_flow(&t, &team).await;
    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    let client = customer(&t, rep, "聯發科").await;
    let id = contract(&t, rep, client, "1000").await;
    submit(&t, rep, "contracts", id).await;
    let approval = approval_of(&t, rep, id).await;

    let nobody = act(&t, manager, approval, json!({ "action": "hand_over" })).await;
    assert_eq!(first_error(&nobody), ("to".into(), "required".into()));
    let to_self = act(
        &t,
        manager,
        approval,
        json!({ "action": "hand_over", "to": team.manager.0 }),
    )
    .await;
    assert_eq!(to_self.status, 422, "{}", to_self.text);
    assert_eq!(
        first_error(&to_self),
        ("to".into(), "hand_over_to_self".into())
    );
    let unknown = act(&t, manager, approval, json!({ "action": "sign" })).await;
    assert_eq!(
        first_error(&unknown),
        ("action".into(), "invalid_choice".into())
    );

    let handed = act(
        &t,
        manager,
        approval,
        json!({ "action": "hand_over", "to": team.finance.0, "comment": "請財務決定" }),
    )
    .await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    assert_eq!(waiting_count(&t, manager).await, 0);
    assert_eq!(waiting_count(&t, &team.finance.1).await, 1);
    let approved = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(contract_of(&t, rep, id).await.body["status"], "approved");
}

/// A decision names the step it is for: when the same person sits on two
/// steps, a second "approve" sent for the first step (a double click, a page
/// sent again) is refused and never decides the next step unseen.
#[tokio::test]
async fn a_decision_sent_twice_does_not_decide_the_next_step() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({
                "kind": "contract",
                "name": "Twice",
                "definition": { "steps": [
                    { "name": "Superior", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
                    { "name": "Manager again", "approvers": { "users": [team.manager.0] }, "mode": "any_one" }
                ] }
            }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    let client = customer(&t, rep, "Twice Ltd").await;
    let deal = contract(&t, rep, client, "500").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "in_approval");
    let approval = approval_of(&t, rep, deal).await;

    let first = act(
        &t,
        manager,
        approval,
        json!({ "action": "approve", "step": 0 }),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    // A step beyond the current one is not reached yet, not "moved on".
    let early = act(
        &t,
        manager,
        approval,
        json!({ "action": "approve", "step": 2 }),
    )
    .await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert_eq!(
        early.body["code"], "approval_step_not_reached",
        "{}",
        early.text
    );
    let again = act(
        &t,
        manager,
        approval,
        json!({ "action": "approve", "step": 0 }),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["code"], "approval_moved_on", "{}", again.text);
    assert!(again.text.contains("moved on"), "{}", again.text);
    let detail = contract_of(&t, rep, deal).await;
    assert_eq!(detail.body["status"], "in_approval", "{}", detail.text);
    assert_eq!(detail.body["approval"]["approval"]["state"]["current"], 1);

    // Sent for the step it now stands at, the decision is taken.
    let second = act(
        &t,
        manager,
        approval,
        json!({ "action": "approve", "step": 1 }),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(contract_of(&t, rep, deal).await.body["status"], "approved");
    // Once it has ended, a decision sent for its last step is told so.
    let late = act(
        &t,
        manager,
        approval,
        json!({ "action": "approve", "step": 1 }),
    )
    .await;
    assert_eq!(late.status, 409, "{}", late.text);
    assert_eq!(late.body["code"], "approval_ended", "{}", late.text);
}
