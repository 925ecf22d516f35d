//! What a fresh user's review of approvals found: the page an approver
//! outside the record's scope lands on after deciding, resubmitting from
//! the rejected step after an edit, the approval figures of the report and
//! the API, the people a seat may be handed to, the customer and amount in
//! the approval lists, the facts as an object, and the language switch.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{Answer, PASSWORD, TestApp, page, post_form, report_row};
use crate::sales_fixtures::{
    SalesTeam, act_ok, approval_id, contract, customer, flow, sales_team, submit,
};

/// The contract as its owner reads it.
async fn detail(t: &TestApp, token: &str, id: i64) -> Answer {
    t.get(&format!("/api/v1/contracts/{id}"), token).await
}

fn waiting_ids(detail: &Answer) -> Vec<i64> {
    let mut ids: Vec<i64> = detail.body["approval"]["waiting_for"]
        .as_array()
        .map(|all| all.iter().filter_map(|pair| pair[0].as_i64()).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids
}

/// A manager of Finance (another department than the reps') who sees the
/// reports of their department and approves contracts: `(id, token)`.
async fn finance_manager(t: &TestApp, team: &SalesTeam) -> (i64, String) {
    let scope = json!({ "scope": "department_and_below" });
    let role = t
        .role(
            &team.admin,
            "Finance manager",
            &[
                "contract.view",
                "contract.approve",
                "payment.view",
                "approval.view",
                "report.view",
            ],
            json!({ "contract": scope, "payment": scope, "customer": scope, "user": scope }),
        )
        .await;
    let departments = t.get("/api/v1/departments", &team.admin).await;
    let finance = departments.body["items"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["name"] == "Finance"))
        .and_then(|d| d["id"].as_i64())
        .expect("the Finance department");
    let id = t
        .user(
            &team.admin,
            "0971000009",
            json!({ "department_id": finance, "role_ids": [role] }),
        )
        .await;
    (id, t.login("0971000009", PASSWORD).await)
}

#[tokio::test]
async fn an_approver_outside_the_scope_goes_to_the_inbox_after_deciding() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (outsider, _) = finance_manager(&t, &team).await;
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Finance", "approvers": { "users": [outsider] }, "mode": "any_one" },
            { "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Globex").await;
    let deal = contract(&t, &team.rep.1, buyer, "5000").await;
    assert_eq!(
        submit(&t, &team.rep.1, "contracts", deal).await,
        "in_approval"
    );
    let approval = approval_id(&detail(&t, &team.rep.1, deal).await);
    let back = format!("/contracts/{deal}");

    // The Finance manager opens the contract while it waits for them, and
    // approves: the contract is no longer theirs to see, so they land on
    // their approvals with the notice, not on a 404.
    let cookie = page_session(&t, "0971000009").await;
    let (status, _) = page(&t, &cookie, &back, "en").await;
    assert_eq!(status, 200);
    let csrf = page_csrf(&t, &cookie).await;
    let (status, location) = post_form(
        &t,
        &cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=approve&step=0&back={back}"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(location, "/approvals?done=approval_approve");
    let (status, _) = page(&t, &cookie, &back, "en").await;
    assert_eq!(status, 404, "the decision ended their access");
    let (status, html) = page(&t, &cookie, &location, "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("Approved."), "the notice shows: {html}");

    // The rep's manager sees the contract in their scope: back to it.
    let cookie = page_session(&t, "0971000001").await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, location) = post_form(
        &t,
        &cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=approve&step=1&back={back}"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(location, format!("{back}?done=approval_approve"));

    // Pressed again (a second tab, a double click): the manager may no
    // longer act, and is told why rather than shown the page silently.
    let (status, html) = post_form(
        &t,
        &cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=approve&step=1&back={back}"),
    )
    .await;
    assert!(status == 409 || status == 422, "{status}: {html}");
    assert!(
        html.contains("This approval has ended since the page showed it"),
        "{html}"
    );
}

/// Step 1 the submitter's superior; step 2 everyone named, above 10,000.
async fn two_step_flow(t: &TestApp, team: &SalesTeam, resubmit: &str, last: &[i64]) {
    flow(
        t,
        team,
        "contract",
        json!({ "resubmit": resubmit, "steps": [
            { "name": "Superior", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
            { "name": "Everyone", "approvers": { "users": last }, "mode": "everyone",
              "condition": [{ "field": "amount", "op": "gt", "value": { "number": 1_000_000 }, "currency": "CNY" }] }
        ] }),
    )
    .await;
}

async fn set_amount(t: &TestApp, token: &str, id: i64, amount: &str) {
    let path = format!("/api/v1/contracts/{id}");
    let answer = t.put(&path, token, json!({ "amount": amount })).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn an_edit_that_keeps_the_steps_resumes_at_the_rejected_step() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let finance = team.finance.0;
    two_step_flow(&t, &team, "from_rejected_step", &[finance]).await;
    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    let buyer = customer(&t, rep, "Initech").await;
    let deal = contract(&t, rep, buyer, "15000").await;
    submit(&t, rep, "contracts", deal).await;
    let approval = approval_id(&detail(&t, rep, deal).await);
    act_ok(&t, manager, approval, json!({ "action": "approve" })).await;
    let reject = json!({ "action": "reject", "comment": "Payment terms" });
    act_ok(&t, &team.finance.1, approval, reject.clone()).await;

    // 12,000 still needs both steps: it resumes at the rejected one.
    set_amount(&t, rep, deal, "12000").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "in_approval");
    let seen = detail(&t, rep, deal).await;
    assert_eq!(waiting_ids(&seen), vec![finance], "{}", seen.text);
    assert_eq!(seen.body["approval"]["approval"]["state"]["current"], 1);

    // 8,000 drops the second step: from the start, and the history says so.
    act_ok(&t, &team.finance.1, approval, reject).await;
    set_amount(&t, rep, deal, "8000").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "in_approval");
    let seen = detail(&t, rep, deal).await;
    assert_eq!(waiting_ids(&seen), vec![team.manager.0], "{}", seen.text);
    let history = seen.body["approval"]["history"]
        .as_array()
        .expect("history");
    assert!(
        history.iter().any(|h| h["action"] == "started_over"),
        "{}",
        seen.text
    );
    let cookie = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &cookie, &format!("/contracts/{deal}"), "en").await;
    assert!(
        html.contains("Changed since the rejection: starts again from the first step"),
        "{html}"
    );
}

/// Rejected twice on its second step, then approved: two steps each time.
async fn rejected_twice_then_approved(t: &TestApp, team: &SalesTeam, second: &str) -> i64 {
    let rep = team.rep.1.as_str();
    let buyer = customer(t, rep, "Umbrella").await;
    let deal = contract(t, rep, buyer, "20000").await;
    submit(t, rep, "contracts", deal).await;
    let approval = approval_id(&detail(t, rep, deal).await);
    for round in 0..3 {
        if round > 0 {
            submit(t, rep, "contracts", deal).await;
        }
        act_ok(t, &team.manager.1, approval, json!({ "action": "approve" })).await;
        let last = if round < 2 {
            json!({ "action": "reject", "comment": "Not yet" })
        } else {
            json!({ "action": "approve" })
        };
        act_ok(t, second, approval, last).await;
    }
    assert_eq!(detail(t, rep, deal).await.body["status"], "approved");
    deal
}

#[tokio::test]
async fn the_report_and_the_statistics_count_every_decision_alike() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (outsider, outsider_token) = finance_manager(&t, &team).await;
    two_step_flow(&t, &team, "from_start", &[outsider]).await;
    rejected_twice_then_approved(&t, &team, &outsider_token).await;

    let stats = t.get("/api/v1/approvals/stats", &team.admin).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    let stat = stats
        .body
        .as_array()
        .and_then(|all| all.iter().find(|s| s["kind"] == "contract"))
        .unwrap_or_else(|| panic!("contract figures: {}", stats.text));
    assert_eq!(stat["total"], 1, "{}", stats.text);
    assert_eq!(stat["submissions"], 3, "{}", stats.text);
    assert_eq!(stat["approved_decisions"], 4, "{}", stats.text);
    assert_eq!(stat["rejected_decisions"], 2, "{}", stats.text);
    assert_eq!(stat["approved_submissions"], 1, "{}", stats.text);
    assert_eq!(stat["pass_rate"], 333, "{}", stats.text);
    assert!(stat["average_step_seconds"].is_i64(), "{}", stats.text);

    // The report says the same, for the administrator and for the Finance
    // manager who decided on it though the rep is outside their scope.
    for token in [team.admin.as_str(), outsider_token.as_str()] {
        let report = t.get("/api/v1/reports/approvals?by=kind", token).await;
        assert_eq!(report.status, 200, "{}", report.text);
        let row = report_row(&report, "contract");
        assert_eq!(row["submitted"], stat["submissions"], "{}", report.text);
        assert_eq!(row["approve_decisions"], stat["approved_decisions"]);
        assert_eq!(row["reject_decisions"], stat["rejected_decisions"]);
        assert_eq!(row["approved"], stat["approved_submissions"]);
        assert_eq!(row["decided"], 3);
        let share = row["approval_rate"].as_i64().expect("a pass rate");
        assert_eq!(share, 333, "{}", report.text);
        assert_eq!(Some(share), stat["pass_rate"].as_i64(), "the same tenths");
        let seconds = stat["average_step_seconds"].as_i64().unwrap_or_default();
        assert_eq!(row["hours_per_step"], (seconds * 10 + 1800) / 3600);
    }

    // The page says what the pass rate is and shows the time per step.
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/reports/approvals?by=kind", "en").await;
    assert!(html.contains("Pass rate = submissions approved"), "{html}");
    assert!(html.contains("Hours per step (average)"), "{html}");
    assert!(html.contains("Reject decisions"), "{html}");
}

/// The options of the first `<select name="to"` of a page after `from`.
fn hand_over_options(html: &str, from: &str) -> String {
    let start = html.find(from).expect("the form");
    let rest = &html[start..];
    let select = rest.find("<select name=\"to\"").expect("a select");
    let end = rest[select..].find("</select>").expect("its end");
    rest[select..select + end].to_string()
}

#[tokio::test]
async fn the_hand_over_list_leaves_out_those_the_server_refuses() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (outsider, _) = finance_manager(&t, &team).await;
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Both", "approvers": { "users": [team.manager.0, team.finance.0] }, "mode": "everyone" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Hooli").await;
    let deal = contract(&t, &team.rep.1, buyer, "3000").await;
    submit(&t, &team.rep.1, "contracts", deal).await;
    let cookie = page_session(&t, "0971000001").await;
    let (_, html) = page(&t, &cookie, &format!("/contracts/{deal}"), "en").await;
    let options = hand_over_options(&html, "value=\"approve\"");
    assert!(
        options.contains(&format!("value=\"{outsider}\"")),
        "{options}"
    );
    for refused in [team.finance.0, team.manager.0, team.rep.0] {
        assert!(
            !options.contains(&format!("value=\"{refused}\"")),
            "{refused} is offered: {options}"
        );
    }
    // The manager's own "hand over for someone" list leaves them out too.
    let admin_cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin_cookie, &format!("/contracts/{deal}"), "en").await;
    let options = hand_over_options(&html, "name=\"from\"");
    assert!(
        options.contains(&format!("value=\"{outsider}\"")),
        "{options}"
    );
    for refused in [team.finance.0, team.manager.0, team.rep.0] {
        assert!(
            !options.contains(&format!("value=\"{refused}\"")),
            "{options}"
        );
    }
}

#[tokio::test]
async fn the_approval_lists_show_the_customer_and_the_amount() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Soylent Trading").await;
    let deal = contract(&t, &team.rep.1, buyer, "15000").await;
    submit(&t, &team.rep.1, "contracts", deal).await;
    let waiting = t.get("/api/v1/approvals/waiting", &team.manager.1).await;
    let item = &waiting.body["items"][0];
    assert_eq!(item["customer_name"], "Soylent Trading", "{}", waiting.text);
    assert_eq!(item["customer_id"], buyer);
    assert_eq!(item["amount"], 1_500_000);
    let currency = item["currency"].as_str().expect("a currency").to_string();
    let submitted = t.get("/api/v1/approvals/submitted", &team.rep.1).await;
    assert_eq!(
        submitted.body["items"][0]["customer_name"],
        "Soylent Trading"
    );
    for (phone, path) in [
        ("0971000001", "/approvals"),
        ("0971000002", "/approvals?tab=submitted"),
    ] {
        let cookie = page_session(&t, phone).await;
        let (_, html) = page(&t, &cookie, path, "en").await;
        assert!(html.contains("Soylent Trading"), "{html}");
        assert!(html.contains(&format!("{currency} 15,000.00")), "{html}");
        // Labelled for the phone's stacked rows too.
        assert!(html.contains("data-label=\"Customer\""), "{html}");
        assert!(html.contains("data-label=\"Amount\""), "{html}");
    }
}

#[tokio::test]
async fn the_facts_are_an_object() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Vandelay").await;
    let deal = contract(&t, &team.rep.1, buyer, "700").await;
    submit(&t, &team.rep.1, "contracts", deal).await;
    let seen = detail(&t, &team.rep.1, deal).await;
    let facts = &seen.body["approval"]["approval"]["facts"];
    assert!(facts.is_object(), "{}", seen.text);
    assert!(facts.get("amount").is_some(), "{facts}");
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let schema = &doc.body["components"]["schemas"]["StoredApproval"]["properties"]["facts"];
    assert_eq!(schema["type"], "object", "{schema}");
}

async fn switch_language(t: &TestApp, cookie: &str, referer: &str, back: &str) -> String {
    let csrf = page_csrf(t, cookie).await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/language")
        .header(header::COOKIE, cookie)
        .header(header::HOST, "crm.local")
        .header(header::REFERER, referer)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={csrf}&lang=zh-Hant&back={back}")))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 303, "{}", answer.text);
    answer
        .headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_language_switch_returns_to_the_page_it_was_used_on() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let here = "/opportunities/board?pipeline_id=1";
    let location = switch_language(
        &t,
        &cookie,
        &format!("http://crm.local{here}"),
        "/opportunities",
    )
    .await;
    assert_eq!(location, here);
    // Another site's address is no place to go back to.
    let location = switch_language(
        &t,
        &cookie,
        "http://elsewhere.example/opportunities/board",
        "/opportunities",
    )
    .await;
    assert_eq!(location, "/opportunities");
    // The board shows the first error's message when a drag is refused.
    let script = include_str!("../../static/app.js");
    assert!(script.contains("problem.errors[0]"), "app.js");
}
