//! Approval flows, approval figures, contracts and the opportunity board:
//! conditions labelled from their own kind, one pass rate, read-only board
//! cards, void reasons, outstanding amounts and lost-to-won answers.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form};
use crate::sales_fixtures::{
    SalesTeam, contract, create, customer, first_error, sales_team, submit,
};

/// A POST answered in another language than English.
async fn post_in(t: &TestApp, lang: &str, path: &str, token: &str, body: Value) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    t.send(request).await
}

/// A `refund` request kind whose form has an `amount` and a `channel`, and a
/// `channel` custom field on contracts: the same keys on two kinds.
async fn refund_kind_and_contract_channel(t: &TestApp, admin: &str) {
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "amount", "label": "Refund sum", "field_type": "money", "required": true },
                { "key": "channel", "label": "Refund channel", "field_type": "text" }
            ] }),
        )
        .await;
    assert!(kind.status.is_success(), "{}", kind.text);
    let field = t
        .post(
            "/api/v1/fields",
            admin,
            json!({ "kind": "contract", "key": "channel", "label": "Sales channel", "field_type": "text" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
}

fn flow(kind: &str, name: &str, manager: i64) -> Value {
    json!({ "kind": kind, "name": name, "definition": { "steps": [
        { "name": "Boss", "approvers": { "users": [manager] }, "mode": "any_one",
          "condition": [
            { "field": "amount", "op": "ge", "value": { "number": 100_000 }, "currency": "CNY" },
            { "field": "channel", "op": "eq", "value": { "text": "web" } }
          ] }
    ] } })
}

#[tokio::test]
async fn each_flow_labels_its_conditions_from_its_own_kind() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    refund_kind_and_contract_channel(&t, admin).await;
    let mut ids = Vec::new();
    for kind in ["contract", "refund"] {
        let made = t
            .post(
                "/api/v1/approvals/flows",
                admin,
                flow(kind, &format!("{kind} flow"), team.manager.0),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
        ids.push(made.body["id"].as_i64().expect("id"));
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;

    let (_, list) = page(&t, &cookie, "/settings/approval-flows", "en").await;
    assert!(
        list.contains("Amount is at least CNY 1,000.00; Sales channel is"),
        "{list}"
    );
    assert!(!list.contains("Refund sum"), "{list}");
    assert!(list.contains("Refund channel is"), "{list}");

    let (_, contract) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={}", ids[0]),
        "en",
    )
    .await;
    assert!(
        contract.contains("<option value=\"amount\" selected>Amount</option>"),
        "{contract}"
    );
    assert!(
        contract.contains("<option value=\"channel\" selected>Contracts · Sales channel</option>"),
        "{contract}"
    );

    let (_, refund) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={}", ids[1]),
        "en",
    )
    .await;
    assert!(
        refund.contains("<option value=\"amount\" selected>Amount</option>"),
        "{refund}"
    );
    assert!(
        refund.contains("<option value=\"channel\" selected>Refund · Refund channel</option>"),
        "{refund}"
    );
    // Editing, the form offers the flow's own kind's fields only.
    assert!(!refund.contains("Contracts · Sales channel"), "{refund}");
    assert!(!contract.contains("Refund · Refund channel"), "{contract}");
}

/// A contract flow of one step the manager decides.
async fn manager_flow(t: &TestApp, team: &SalesTeam) {
    let made = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Manager", "definition": { "steps": [
                { "name": "Boss", "approvers": { "users": [team.manager.0] }, "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
}

/// Takes `action` on the approval of contract `id`.
async fn act(t: &TestApp, token: &str, viewer: &str, id: i64, action: Value) {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), viewer).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("contract {id} waits: {}", detail.text));
    let answer = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            token,
            action,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

/// Two contracts approved, one rejected, one withdrawn and one waiting.
async fn five_approvals(t: &TestApp, team: &SalesTeam) -> Vec<i64> {
    manager_flow(t, team).await;
    let rep = team.rep.1.as_str();
    let client = customer(t, rep, "Harbour Freight").await;
    let mut ids = Vec::new();
    for amount in ["1000", "2000", "3000", "4000", "5000"] {
        let id = contract(t, rep, client, amount).await;
        assert_eq!(submit(t, rep, "contracts", id).await, "in_approval");
        ids.push(id);
    }
    let manager = team.manager.1.as_str();
    for id in &ids[..2] {
        act(t, manager, rep, *id, json!({ "action": "approve" })).await;
    }
    act(
        t,
        manager,
        rep,
        ids[2],
        json!({ "action": "reject", "comment": "Wrong terms" }),
    )
    .await;
    act(t, rep, rep, ids[3], json!({ "action": "withdraw" })).await;
    ids
}

#[tokio::test]
async fn the_pass_rate_and_the_approved_share_are_approved_out_of_decided() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    five_approvals(&t, &team).await;
    let stats = t.get("/api/v1/approvals/stats", &team.admin).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    let contracts = stats
        .body
        .as_array()
        .and_then(|all| all.iter().find(|s| s["kind"] == "contract"))
        .unwrap_or_else(|| panic!("contract figures: {}", stats.text));
    assert_eq!(contracts["total"], 5, "{}", stats.text);
    assert_eq!(contracts["pass_rate"], 667, "{}", stats.text);

    let report = t
        .get("/api/v1/reports/approvals?by=kind", &team.admin)
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let column = |key: &str| {
        report.body["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .position(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("column {key}: {}", report.text))
    };
    let row = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == "contract")
        .unwrap_or_else(|| panic!("contract row: {}", report.text));
    assert_eq!(row["values"][column("submitted")], 5, "{}", report.text);
    assert_eq!(row["values"][column("decided")], 3, "{}", report.text);
    // In tenths of a percent: 66.7, the statistics' pass rate alike.
    let share = row["values"][column("approval_rate")]
        .as_i64()
        .expect("share");
    assert_eq!(share, 667, "{}", report.text);
    assert_eq!(Some(share), contracts["pass_rate"].as_i64());

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/reports/approvals?by=kind", "en").await;
    assert!(html.contains("Pass rate (approved / decided)"), "{html}");
}

/// An opportunity of the rep's, for `customer`.
async fn opportunity(t: &TestApp, token: &str, customer: i64, name: &str) -> i64 {
    create(
        t,
        token,
        "/api/v1/opportunities",
        json!({ "name": name, "customer_id": customer }),
    )
    .await
}

#[tokio::test]
async fn a_read_only_member_can_neither_drag_nor_move_a_card() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Umbrella").await;
    let deal = opportunity(&t, &team.rep.1, buyer, "Umbrella fleet").await;
    let added = t
        .post(
            &format!("/api/v1/opportunities/{deal}/team"),
            &team.admin,
            json!({ "user_id": team.other_rep.0 }),
        )
        .await;
    assert_eq!(added.status, 204, "{}", added.text);

    let owner = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &owner, "/opportunities/board", "en").await;
    assert!(
        html.contains(&format!("draggable=\"true\" data-card=\"{deal}\"")),
        "{html}"
    );
    let reader = page_session(&t, "0971000003").await;
    let (status, html) = page(&t, &reader, "/opportunities/board", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("<li class=\"board-card\" data-card=\"{deal}\"")),
        "the card is shown, not draggable: {html}"
    );
    assert!(
        !html.contains(&format!("action=\"/opportunities/{deal}/stage\"")),
        "{html}"
    );

    let pipelines = t.get("/api/v1/pipelines", &team.admin).await;
    let stage = pipelines.body[0]["stages"][1]["id"]
        .as_i64()
        .expect("stage");
    let moved = t
        .post(
            &format!("/api/v1/opportunities/{deal}/stage"),
            &team.other_rep.1,
            json!({ "stage_id": stage }),
        )
        .await;
    assert_eq!(moved.status, 403, "{}", moved.text);
    assert_eq!(
        moved.body["code"], "opportunity_read_only",
        "{}",
        moved.text
    );
    let title = moved.body["title"].as_str().unwrap_or_default();
    assert!(
        title.contains("not change it") && title.contains("let you write"),
        "{title}"
    );
    let zh = post_in(
        &t,
        "zh-Hant",
        &format!("/api/v1/opportunities/{deal}/stage"),
        &team.other_rep.1,
        json!({ "stage_id": stage }),
    )
    .await;
    assert!(
        zh.body["title"]
            .as_str()
            .is_some_and(|t| t.contains("唯讀")),
        "{}",
        zh.text
    );
    let unmoved = t
        .get(&format!("/api/v1/opportunities/{deal}"), &team.rep.1)
        .await;
    assert_ne!(unmoved.body["stage_id"], stage, "{}", unmoved.text);
}

#[tokio::test]
async fn voiding_a_contract_needs_a_reason_the_log_keeps_and_the_contract_shows() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Initech").await;
    let id = contract(&t, rep, client, "8000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let path = format!("/api/v1/contracts/{id}/void");
    // Voiding is for those who approve contracts.
    let manager = team.manager.1.as_str();

    let bare = t.call(Method::POST, &path, Some(manager), None).await;
    assert_eq!(bare.status, 422, "{}", bare.text);
    assert_eq!(first_error(&bare), ("reason".into(), "required".into()));
    let blank = t.post(&path, manager, json!({ "reason": "  " })).await;
    assert_eq!(first_error(&blank), ("reason".into(), "required".into()));
    let long = t
        .post(&path, manager, json!({ "reason": "x".repeat(501) }))
        .await;
    assert_eq!(long.status, 422, "{}", long.text);
    assert_eq!(first_error(&long).0, "reason");
    let still = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(still.body["status"], "approved", "{}", still.text);

    // The form asks for it too.
    let cookie = page_session(&t, "0971000001").await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, html) = post_form(
        &t,
        &cookie,
        &format!("/contracts/{id}/void"),
        format!("_csrf={csrf}&reason="),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("name=\"reason\""), "{html}");
    let (status, _) = post_form(
        &t,
        &cookie,
        &format!("/contracts/{id}/void"),
        format!("_csrf={csrf}&reason=Signed+twice+by+mistake"),
    )
    .await;
    assert_eq!(status, 303);

    let void = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(void.body["status"], "void", "{}", void.text);
    assert_eq!(void.body["void_reason"], "Signed twice by mistake");
    let logged = void.body["change_log"]
        .as_array()
        .expect("change log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .any(|f| f["field"] == "void_reason" && f["new"] == "Signed twice by mistake");
    assert!(logged, "{}", void.text);
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(
        html.contains("<strong>Reason for voiding</strong>: Signed twice by mistake"),
        "{html}"
    );
    assert!(html.contains("Void: no payments are expected."), "{html}");
}

#[tokio::test]
async fn only_approved_contracts_show_what_is_outstanding() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Hooli").await;
    let draft = contract(&t, rep, client, "5000").await;
    let approved = contract(&t, rep, client, "7000").await;
    submit(&t, rep, "contracts", approved).await;
    let cookie = page_session(&t, "0971000002").await;

    let (_, html) = page(&t, &cookie, &format!("/contracts/{draft}"), "en").await;
    assert!(
        html.contains("Payments open once approved: submit the contract for approval."),
        "{html}"
    );
    assert!(!html.contains("Outstanding"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/contracts/{draft}"), "zh-Hans").await;
    assert!(html.contains("审批通过后才开始回款"), "{html}");

    let (_, html) = page(&t, &cookie, &format!("/contracts/{approved}"), "en").await;
    assert!(html.contains("Outstanding CNY 7,000.00"), "{html}");
    assert!(!html.contains("Payments open once approved"), "{html}");
}

#[tokio::test]
async fn a_lost_opportunity_is_reopened_before_it_is_won_and_its_reason_is_capped() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let buyer = customer(&t, rep, "Globex").await;
    let deal = opportunity(&t, rep, buyer, "Globex rollout").await;
    let path = format!("/api/v1/opportunities/{deal}/stage");

    let long = t
        .post(
            &path,
            rep,
            json!({ "outcome": "lost", "reason": "x".repeat(201) }),
        )
        .await;
    assert_eq!(long.status, 422, "{}", long.text);
    assert_eq!(first_error(&long).0, "reason", "{}", long.text);
    assert!(
        long.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("200")),
        "{}",
        long.text
    );
    let lost = t
        .post(
            &path,
            rep,
            json!({ "outcome": "lost", "reason": "y".repeat(200) }),
        )
        .await;
    assert_eq!(lost.status, 200, "{}", lost.text);

    let won = t.post(&path, rep, json!({ "outcome": "won" })).await;
    assert_eq!(won.status, 422, "{}", won.text);
    assert_eq!(
        first_error(&won),
        ("outcome".into(), "closed_outcome".into())
    );
    let message = won.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.starts_with("Outcome: "), "{message}");
    assert!(message.contains("reopen it first"), "{message}");
    assert!(!message.contains("stage_id"), "{message}");
    let zh = post_in(&t, "zh-Hans", &path, rep, json!({ "outcome": "won" })).await;
    assert!(
        zh.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("重新打开")),
        "{}",
        zh.text
    );

    let reopened = t.post(&path, rep, json!({ "outcome": "open" })).await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    let won = t.post(&path, rep, json!({ "outcome": "won" })).await;
    assert_eq!(won.status, 200, "{}", won.text);
}
