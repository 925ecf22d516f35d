//! Sales rules a fresh user's review found broken: requests at once on one
//! contract (PostgreSQL runs them side by side), who may approve and
//! delete, the change log of approvals, payments without an instalment,
//! voiding, dates and currencies.

use std::sync::Arc;

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, PASSWORD, TestApp};
use crate::sales_fixtures::{SalesTeam, contract, customer, first_error, sales_team, submit};

/// Sends the same request `n` times at once and answers every reply.
async fn at_once(
    t: &Arc<TestApp>,
    n: usize,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Vec<Answer> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (t, method, path, token, body) = (
            t.clone(),
            method.clone(),
            path.to_string(),
            token.to_string(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            t.call(method, &path, Some(&token), body).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    answers
}

fn statuses(answers: &[Answer]) -> Vec<u16> {
    answers.iter().map(|a| a.status.as_u16()).collect()
}

/// Users who may approve contracts and payments (and see them), in their own
/// department: answers (id, token) of each.
async fn approvers(t: &TestApp, admin: &str, n: usize) -> Vec<(i64, String)> {
    let role = t
        .role(
            admin,
            "Approver",
            &[
                "contract.view",
                "contract.approve",
                "payment.view",
                "payment.approve",
                "approval.view",
            ],
            json!({ "contract": { "scope": "all" }, "payment": { "scope": "all" } }),
        )
        .await;
    let department = t.department(admin, "Approvers", 1).await;
    let mut found = Vec::new();
    for n in 0..n {
        let phone = format!("09720000{n:02}");
        let id = t
            .user(
                admin,
                &phone,
                json!({ "department_id": department, "role_ids": [role] }),
            )
            .await;
        found.push((id, t.login(&phone, PASSWORD).await));
    }
    found
}

/// A one-step flow of `kind` whose approvers are the named users.
async fn named_flow(t: &TestApp, admin: &str, kind: &str, users: &[i64], mode: &str) -> i64 {
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            admin,
            json!({
                "kind": kind,
                "name": format!("{kind} by name"),
                "definition": { "steps": [
                    { "name": "Named", "approvers": { "users": users }, "mode": mode }
                ] }
            }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    flow.body["id"].as_i64().expect("id")
}

/// An approved contract of `amount` of the rep's, with no flow in place.
async fn approved_contract(t: &TestApp, team: &SalesTeam, amount: &str) -> i64 {
    let buyer = customer(t, &team.rep.1, "Acme").await;
    let deal = contract(t, &team.rep.1, buyer, amount).await;
    assert_eq!(submit(t, &team.rep.1, "contracts", deal).await, "approved");
    deal
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn payments_saved_at_once_cannot_together_pass_the_contract() {
    let t = Arc::new(TestApp::new().await);
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "100").await;
    let body = json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "60" });
    let answers = at_once(
        &t,
        5,
        Method::POST,
        "/api/v1/payments",
        &team.rep.1,
        Some(body),
    )
    .await;
    let codes = statuses(&answers);
    assert_eq!(codes.iter().filter(|s| **s == 201).count(), 1, "{codes:?}");
    for answer in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert_eq!(
            first_error(answer),
            ("amount".into(), "exceeds_outstanding".into())
        );
    }
    let listed = t
        .get(&format!("/api/v1/payments?contract_id={deal}"), &team.rep.1)
        .await;
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn payments_approved_at_once_all_count_toward_the_contract() {
    let t = Arc::new(TestApp::new().await);
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "100").await;
    let approvers = approvers(&t, &team.admin, 1).await;
    named_flow(&t, &team.admin, "payment", &[approvers[0].0], "any_one").await;
    let mut approvals = Vec::new();
    for _ in 0..4 {
        let answer = t
            .post(
                "/api/v1/payments",
                &team.rep.1,
                json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "25" }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        let id = answer.body["id"].as_i64().expect("id");
        assert_eq!(submit(&t, &team.rep.1, "payments", id).await, "in_approval");
        let detail = t.get(&format!("/api/v1/payments/{id}"), &team.rep.1).await;
        approvals.push(
            detail.body["approval"]["approval"]["id"]
                .as_i64()
                .expect("approval"),
        );
    }
    let seats = approvals
        .into_iter()
        .map(|approval| (approval, approvers[0].1.clone()));
    approve_at_once(&t, seats).await;
    let after = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
        .await;
    assert_eq!(after.body["received"], 10000, "{}", after.text);
    assert_eq!(after.body["outstanding"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instalments_added_at_once_stay_within_the_contract() {
    let t = Arc::new(TestApp::new().await);
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "100").await;
    let body = json!({ "amount": "60", "planned_on": "2026-06-30" });
    let path = format!("/api/v1/contracts/{deal}/plans");
    let answers = at_once(&t, 4, Method::POST, &path, &team.rep.1, Some(body)).await;
    let codes = statuses(&answers);
    assert_eq!(codes.iter().filter(|s| **s == 201).count(), 1, "{codes:?}");
    for answer in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert_eq!(
            first_error(answer),
            ("amount".into(), "plans_exceed_amount".into())
        );
    }
    let plans = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
        .await;
    assert_eq!(plans.body["plans"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_contract_submitted_at_once_has_one_approval() {
    let t = Arc::new(TestApp::new().await);
    let team = sales_team(&t).await;
    let approvers = approvers(&t, &team.admin, 1).await;
    named_flow(&t, &team.admin, "contract", &[approvers[0].0], "any_one").await;
    let buyer = customer(&t, &team.rep.1, "Acme").await;
    let deal = contract(&t, &team.rep.1, buyer, "100").await;
    let path = format!("/api/v1/contracts/{deal}/submit");
    let answers = at_once(&t, 3, Method::POST, &path, &team.rep.1, None).await;
    let codes = statuses(&answers);
    assert_eq!(codes.iter().filter(|s| **s == 200).count(), 1, "{codes:?}");
    for answer in answers.iter().filter(|a| a.status != 200) {
        assert_eq!(answer.status, 409, "{}", answer.text);
        assert_eq!(answer.body["code"], "contract_not_submittable");
    }
    let waiting = t
        .get("/api/v1/approvals/waiting/count", &approvers[0].1)
        .await;
    assert_eq!(waiting.body["count"], 1, "{}", waiting.text);
    let submitted = t.get("/api/v1/approvals/submitted", &team.rep.1).await;
    assert_eq!(
        submitted.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        submitted.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn everyone_of_a_step_approving_at_once_approves_it() {
    let t = Arc::new(TestApp::new().await);
    let team = sales_team(&t).await;
    let approvers = approvers(&t, &team.admin, 4).await;
    let ids: Vec<i64> = approvers.iter().map(|(id, _)| *id).collect();
    named_flow(&t, &team.admin, "contract", &ids, "everyone").await;
    let buyer = customer(&t, &team.rep.1, "Acme").await;
    let deal = contract(&t, &team.rep.1, buyer, "100").await;
    assert_eq!(
        submit(&t, &team.rep.1, "contracts", deal).await,
        "in_approval"
    );
    let detail = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
        .await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");
    let seats = approvers.iter().map(|(_, token)| (approval, token.clone()));
    approve_at_once(&t, seats).await;
    let after = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
        .await;
    assert_eq!(after.body["status"], "approved", "{}", after.text);
    for (_, token) in &approvers {
        let waiting = t.get("/api/v1/approvals/waiting/count", token).await;
        assert_eq!(waiting.body["count"], 0);
    }
}

/// Submits a record with a body (approvers chosen, say).
async fn submit_with(t: &TestApp, token: &str, path: &str, body: Value) -> Answer {
    t.post(&format!("/api/v1/{path}/submit"), token, body).await
}

#[tokio::test]
async fn a_chosen_approver_or_one_handed_a_seat_must_hold_the_approve_permission() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, admin) = (team.rep.1.as_str(), team.admin.as_str());
    let deal = approved_contract(&t, &team, "5000").await;
    for kind in ["contract", "payment"] {
        let flow = t
            .post(
                "/api/v1/approvals/flows",
                admin,
                json!({ "kind": kind, "name": format!("{kind} chosen"), "definition": { "steps": [
                    { "name": "Chosen", "approvers": "chosen_by_submitter", "mode": "any_one" }
                ] } }),
            )
            .await;
        assert_eq!(flow.status, 201, "{}", flow.text);
    }
    let buyer = customer(&t, rep, "Globex").await;
    let draft = contract(&t, rep, buyer, "1000").await;
    let payment = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
        )
        .await;
    assert_eq!(payment.status, 201, "{}", payment.text);
    let payment = payment.body["id"].as_i64().expect("id");
    for path in [format!("contracts/{draft}"), format!("payments/{payment}")] {
        // Another rep may not approve contracts or payments.
        let refused = submit_with(
            &t,
            rep,
            &path,
            json!({ "approvers": { "0": [team.other_rep.0] } }),
        )
        .await;
        assert_eq!(refused.status, 422, "{path}: {}", refused.text);
        assert_eq!(
            first_error(&refused),
            ("approvers.0".into(), "approver_cannot_approve".into())
        );
        assert!(
            refused.text.contains("approve permission"),
            "{}",
            refused.text
        );
        let fine = submit_with(
            &t,
            rep,
            &path,
            json!({ "approvers": { "0": [team.manager.0] } }),
        )
        .await;
        assert_eq!(fine.status, 200, "{path}: {}", fine.text);
        assert_eq!(fine.body["status"], "in_approval");
        // Nor may the manager hand the seat to them.
        let approval = fine.body["approval"]["approval"]["id"]
            .as_i64()
            .expect("approval");
        let handed = t
            .post(
                &format!("/api/v1/approvals/{approval}/actions"),
                &team.manager.1,
                json!({ "action": "hand_over", "to": team.other_rep.0 }),
            )
            .await;
        assert_eq!(handed.status, 422, "{}", handed.text);
        assert_eq!(
            first_error(&handed),
            ("to".into(), "approver_cannot_approve".into())
        );
        let to_finance = t
            .post(
                &format!("/api/v1/approvals/{approval}/actions"),
                &team.manager.1,
                json!({ "action": "hand_over", "to": team.finance.0 }),
            )
            .await;
        assert_eq!(to_finance.status, 200, "{}", to_finance.text);
    }
    // The page offers only those who may approve.
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let (_, html) = crate::helpers::page(&t, &cookie, &format!("/payments/{payment}"), "en").await;
    assert!(html.contains("User 0971000004"), "finance offered");
    assert!(
        !html.contains("User 0971000003"),
        "the other rep is not offered"
    );
}

#[tokio::test]
async fn deleting_a_draft_payment_needs_the_delete_permission() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let deal = approved_contract(&t, &team, "5000").await;
    let role = t
        .role(
            admin,
            "Clerk",
            &[
                "contract.view",
                "payment.view",
                "payment.create",
                "payment.edit",
            ],
            json!({ "contract": { "scope": "all" }, "payment": { "scope": "own" } }),
        )
        .await;
    t.user(
        admin,
        "0973000001",
        json!({ "department_id": 1, "role_ids": [role] }),
    )
    .await;
    let clerk = t.login("0973000001", PASSWORD).await;
    let draft = t
        .post(
            "/api/v1/payments",
            &clerk,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.text);
    assert_eq!(draft.body["can_delete"], false, "{}", draft.text);
    let path = format!("/api/v1/payments/{}", draft.body["id"]);
    let refused = t.call(Method::DELETE, &path, Some(&clerk), None).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(t.get(&path, &clerk).await.status, 200);
    // With it, the same draft goes.
    assert_eq!(t.get(&path, admin).await.body["can_delete"], true);
    let deleted = t.call(Method::DELETE, &path, Some(admin), None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
}

#[tokio::test]
async fn instalment_delete_buttons_show_only_to_those_who_may_delete_them() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let role = t
        .role(
            admin,
            "Planner",
            &[
                "customer.view",
                "customer.create",
                "contract.view",
                "contract.create",
                "contract.edit",
                "contract.submit",
                "payment_plan.view",
                "payment_plan.create",
            ],
            json!({ "customer": { "scope": "own" }, "contract": { "scope": "own" } }),
        )
        .await;
    t.user(
        admin,
        "0973000002",
        json!({ "department_id": 1, "role_ids": [role] }),
    )
    .await;
    let planner = t.login("0973000002", PASSWORD).await;
    let buyer = customer(&t, &planner, "Initech").await;
    let deal = contract(&t, &planner, buyer, "1000").await;
    let plan = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            &planner,
            json!({ "amount": "500", "planned_on": "2026-06-30" }),
        )
        .await;
    assert_eq!(plan.status, 201, "{}", plan.text);
    let plan_id = plan.body[0]["id"].as_i64().expect("plan");
    let delete_form = format!("/contracts/{deal}/plans/{plan_id}/delete");
    let cookie = crate::auth::page_session(&t, "0973000002").await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/contracts/{deal}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("Add an instalment"), "may add an instalment");
    assert!(
        !html.contains(&delete_form),
        "no delete button without payment_plan.delete"
    );
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = crate::helpers::page(&t, &cookie, &format!("/contracts/{deal}"), "en").await;
    assert!(
        html.contains(&delete_form),
        "the administrator may delete it"
    );
}

/// The status changes in a record's change log, oldest first, each with
/// who made it: (actor id, old, new).
fn status_changes(detail: &Answer) -> Vec<(i64, String, String)> {
    let mut found: Vec<(i64, i64, String, String)> = detail.body["change_log"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|entry| {
            let (id, actor) = (
                entry["id"].as_i64().unwrap_or(0),
                entry["actor_id"].as_i64().unwrap_or(0),
            );
            entry["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["field"] == "status")
                .map(move |f| {
                    (
                        id,
                        actor,
                        f["old"].as_str().unwrap_or_default().to_string(),
                        f["new"].as_str().unwrap_or_default().to_string(),
                    )
                })
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(_, actor, old, new)| (actor, old, new))
        .collect()
}

#[tokio::test]
async fn every_status_change_by_an_approval_is_in_the_change_log_with_who() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    named_flow(&t, &team.admin, "contract", &[team.manager.0], "any_one").await;
    let buyer = customer(&t, rep, "Umbrella").await;
    let deal = contract(&t, rep, buyer, "1000").await;
    let act = |token: &str, body: Value| {
        let token = token.to_string();
        let t = &t;
        async move {
            let detail = t.get(&format!("/api/v1/contracts/{deal}"), &token).await;
            let approval = detail.body["approval"]["approval"]["id"]
                .as_i64()
                .expect("approval");
            let answer = t
                .post(
                    &format!("/api/v1/approvals/{approval}/actions"),
                    &token,
                    body,
                )
                .await;
            assert_eq!(answer.status, 200, "{}", answer.text);
        }
    };
    assert_eq!(submit(&t, rep, "contracts", deal).await, "in_approval");
    act(
        manager,
        json!({ "action": "reject", "comment": "Fix the terms" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "in_approval");
    act(rep, json!({ "action": "withdraw" })).await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "in_approval");
    act(manager, json!({ "action": "approve" })).await;
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), rep).await;
    let (r, m) = (team.rep.0, team.manager.0);
    let s = |actor: i64, old: &str, new: &str| (actor, old.to_string(), new.to_string());
    assert_eq!(
        status_changes(&detail),
        vec![
            s(r, "draft", "in_approval"),
            s(m, "in_approval", "rejected"),
            s(r, "rejected", "in_approval"),
            s(r, "in_approval", "withdrawn"),
            s(r, "withdrawn", "in_approval"),
            s(m, "in_approval", "approved"),
        ]
    );

    // A payment's approval likewise.
    named_flow(&t, &team.admin, "payment", &[team.manager.0], "any_one").await;
    let paid = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
        )
        .await;
    let paid = paid.body["id"].as_i64().expect("payment");
    assert_eq!(submit(&t, rep, "payments", paid).await, "in_approval");
    let detail = t.get(&format!("/api/v1/payments/{paid}"), rep).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");
    let approved = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            manager,
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    let detail = t.get(&format!("/api/v1/payments/{paid}"), rep).await;
    assert_eq!(
        status_changes(&detail),
        vec![
            s(r, "draft", "in_approval"),
            s(m, "in_approval", "approved")
        ]
    );
}

/// Adds an instalment and answers the contract's instalments.
async fn add_plan(t: &TestApp, token: &str, deal: i64, amount: &str, planned_on: &str) -> Value {
    let answer = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            token,
            json!({ "amount": amount, "planned_on": planned_on }),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.body
}

/// (instalment, planned date, received, status) of each instalment.
fn plan_rows(plans: &Value) -> Vec<(i64, String, i64, String)> {
    plans
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["instalment"].as_i64().unwrap_or(0),
                p["planned_on"].as_str().unwrap_or_default().to_string(),
                p["received"].as_i64().unwrap_or(0),
                p["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn instalments_are_numbered_by_planned_date() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let deal = approved_contract(&t, &team, "300").await;
    add_plan(&t, rep, deal, "100", "2026-08-31").await;
    add_plan(&t, rep, deal, "100", "2026-06-30").await;
    let plans = add_plan(&t, rep, deal, "100", "2026-07-31").await;
    let row = |n: i64, day: &str| (n, day.to_string(), 0, "pending".to_string());
    assert_eq!(
        plan_rows(&plans),
        vec![
            row(1, "2026-06-30"),
            row(2, "2026-07-31"),
            row(3, "2026-08-31")
        ]
    );
    let first = plans[0]["id"].as_i64().expect("id");
    let deleted = t
        .call(
            Method::DELETE,
            &format!("/api/v1/contracts/{deal}/plans/{first}"),
            Some(rep),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), rep).await;
    assert_eq!(
        plan_rows(&detail.body["plans"]),
        vec![row(1, "2026-07-31"), row(2, "2026-08-31")]
    );
}

#[tokio::test]
async fn a_payment_against_no_instalment_counts_toward_the_earliest_open_ones() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let deal = approved_contract(&t, &team, "300").await;
    for day in ["2026-02-28", "2026-06-30", "2026-07-31"] {
        add_plan(&t, rep, deal, "100", day).await;
    }
    let paid = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "150" }),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let paid = paid.body["id"].as_i64().expect("id");
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), rep).await;
    assert_eq!(
        plan_rows(&detail.body["plans"]),
        vec![
            (1, "2026-02-28".into(), 10000, "received".into()),
            (2, "2026-06-30".into(), 5000, "partly_received".into()),
            (3, "2026-07-31".into(), 0, "pending".into()),
        ]
    );
}

#[tokio::test]
async fn an_approved_payment_is_voided_with_a_reason_and_then_the_contract_and_its_customer_deal() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let buyer = customer(&t, rep, "Hooli").await;
    let deal = contract(&t, rep, buyer, "300").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    assert_eq!(
        t.get(&format!("/api/v1/customers/{buyer}"), rep).await.body["dealt"],
        true
    );
    add_plan(&t, rep, deal, "300", "2026-06-30").await;
    let paid = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
        )
        .await;
    let paid = paid.body["id"].as_i64().expect("payment");
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    let path = format!("/api/v1/payments/{paid}/void");
    // A rep may not void it, and the contract cannot be voided while it counts.
    assert_eq!(
        t.get(&format!("/api/v1/payments/{paid}"), rep).await.body["can_void"],
        false
    );
    let refused = t.post(&path, rep, json!({ "reason": "Returned" })).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let early = t
        .post(
            &format!("/api/v1/contracts/{deal}/void"),
            team.manager.1.as_str(),
            json!({ "reason": "Cancelled" }),
        )
        .await;
    assert_eq!(
        early.body["code"], "contract_has_approved_payments",
        "{}",
        early.text
    );
    // The manager may approve payments: a reason is needed.
    let manager = team.manager.1.as_str();
    assert_eq!(
        t.get(&format!("/api/v1/payments/{paid}"), manager)
            .await
            .body["can_void"],
        true
    );
    let bare = t.post(&path, manager, json!({ "reason": " " })).await;
    assert_eq!(bare.status, 422, "{}", bare.text);
    assert_eq!(first_error(&bare), ("reason".into(), "required".into()));
    let voided = t
        .post(
            &path,
            manager,
            json!({ "reason": "Paid back to the customer" }),
        )
        .await;
    assert_eq!(voided.status, 200, "{}", voided.text);
    assert_eq!(voided.body["status"], "void");
    let log = &voided.body["change_log"][0]["fields"];
    assert!(
        log.to_string().contains("Paid back to the customer"),
        "{log}"
    );
    assert_eq!(voided.body["change_log"][0]["actor_id"], team.manager.0);
    let again = t.post(&path, manager, json!({ "reason": "Twice" })).await;
    assert_eq!(again.body["code"], "payment_not_approved", "{}", again.text);
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), rep).await;
    assert_eq!(detail.body["received"], 0);
    assert_eq!(plan_rows(&detail.body["plans"])[0].2, 0);
    // Now the contract is voided, and its customer, with no other approved
    // contract, is no longer dealt.
    let void = t
        .post(
            &format!("/api/v1/contracts/{deal}/void"),
            manager,
            json!({ "reason": "Cancelled" }),
        )
        .await;
    assert_eq!(void.status, 200, "{}", void.text);
    let customer = t.get(&format!("/api/v1/customers/{buyer}"), rep).await;
    assert_eq!(customer.body["dealt"], false, "{}", customer.text);
}

#[tokio::test]
async fn a_customer_with_another_approved_contract_stays_dealt_when_one_is_voided() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let buyer = customer(&t, rep, "Vandelay").await;
    let first = contract(&t, rep, buyer, "100").await;
    let second = contract(&t, rep, buyer, "200").await;
    for id in [first, second] {
        assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    }
    let void = t
        .post(
            &format!("/api/v1/contracts/{first}/void"),
            team.manager.1.as_str(),
            json!({ "reason": "Cancelled" }),
        )
        .await;
    assert_eq!(void.status, 200, "{}", void.text);
    assert_eq!(
        t.get(&format!("/api/v1/customers/{buyer}"), rep).await.body["dealt"],
        true
    );
}

/// Each approver approves their approval at the same moment; every one of
/// them is answered 200.
async fn approve_at_once(t: &Arc<TestApp>, seats: impl Iterator<Item = (i64, String)>) {
    let mut tasks = Vec::new();
    for (approval, token) in seats {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            t.post(
                &format!("/api/v1/approvals/{approval}/actions"),
                &token,
                json!({ "action": "approve" }),
            )
            .await
        }));
    }
    for task in tasks {
        let answer = task.await.expect("task");
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
}
