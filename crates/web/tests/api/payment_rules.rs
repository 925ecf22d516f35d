//! Payments and voided contracts: a payment counts only against an approved
//! contract, so one of a contract voided meanwhile is neither submitted nor
//! approved, and a contract with payments in approval is not voided.

use serde_json::json;

use crate::auth::page_session;
use crate::helpers::{Answer, TestApp, page};
use crate::sales_fixtures::{SalesTeam, act, contract, customer, sales_team, submit};

/// An approved contract of the rep's, with no contract flow in place.
async fn approved_contract(t: &TestApp, team: &SalesTeam, amount: &str) -> i64 {
    let buyer = customer(t, &team.rep.1, "Initech").await;
    let deal = contract(t, &team.rep.1, buyer, amount).await;
    assert_eq!(submit(t, &team.rep.1, "contracts", deal).await, "approved");
    deal
}

/// A draft payment of the rep's against `deal`.
async fn draft_payment(t: &TestApp, team: &SalesTeam, deal: i64, amount: &str) -> i64 {
    let answer = t
        .post(
            "/api/v1/payments",
            &team.rep.1,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": amount }),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.body["id"].as_i64().expect("id")
}

/// Payments are approved by the finance clerk, in one step.
async fn payment_flow(t: &TestApp, team: &SalesTeam) {
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({
                "kind": "payment",
                "name": "Payments",
                "definition": { "steps": [
                    { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
                ] }
            }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
}

async fn void_contract(t: &TestApp, token: &str, deal: i64) -> Answer {
    t.post(
        &format!("/api/v1/contracts/{deal}/void"),
        token,
        json!({ "reason": "Cancelled" }),
    )
    .await
}

async fn payment_of(t: &TestApp, token: &str, id: i64) -> Answer {
    t.get(&format!("/api/v1/payments/{id}"), token).await
}

async fn received_of(t: &TestApp, token: &str, deal: i64) -> i64 {
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), token).await;
    detail.body["received"].as_i64().expect("received")
}

#[tokio::test]
async fn a_draft_payment_of_a_voided_contract_is_not_submitted() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "300").await;
    let paid = draft_payment(&t, &team, deal, "100").await;
    let voided = void_contract(&t, &team.manager.1, deal).await;
    assert_eq!(voided.status, 200, "{}", voided.text);
    let number = voided.body["number"].as_str().expect("number").to_string();
    let refused = t
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/payments/{paid}/submit"),
            Some(&team.rep.1),
            None,
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    // A draft is not rejected: it is deleted, or moved to another contract.
    assert_eq!(refused.body["code"], "payment_on_void_contract");
    let title = refused.body["title"].as_str().expect("title");
    assert!(title.contains(&number), "{title}");
    assert!(title.contains("is void"), "{title}");
    assert!(title.contains("cannot be submitted"), "{title}");
    assert!(title.contains("choose an approved contract"), "{title}");
    assert!(!title.contains("Reject"), "{title}");
    assert_eq!(
        payment_of(&t, &team.rep.1, paid).await.body["status"],
        "draft"
    );
    assert_eq!(received_of(&t, &team.rep.1, deal).await, 0);
    let list = t.get("/api/v1/payments", &team.manager.1).await;
    assert_eq!(list.body["totals"][0]["received"], 0, "{}", list.text);
}

#[tokio::test]
async fn a_contract_with_a_payment_in_approval_is_voided_only_once_it_is_rejected() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    payment_flow(&t, &team).await;
    let deal = approved_contract(&t, &team, "300").await;
    let paid = draft_payment(&t, &team, deal, "100").await;
    assert_eq!(
        submit(&t, &team.rep.1, "payments", paid).await,
        "in_approval"
    );
    let payment = payment_of(&t, &team.rep.1, paid).await;
    let number = payment.body["number"].as_str().expect("number");
    let refused = void_contract(&t, &team.manager.1, deal).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "contract_has_payments_in_approval");
    let title = refused.body["title"].as_str().expect("title");
    assert!(title.contains(number), "{title}");
    assert!(title.contains("withdraw or reject them first"), "{title}");
    let contract = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
        .await;
    assert_eq!(contract.body["status"], "approved");
    // Once the payment is rejected, the contract is voided.
    let approval = payment.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");
    let rejected = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "reject", "comment": "Not ours" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    let voided = void_contract(&t, &team.manager.1, deal).await;
    assert_eq!(voided.status, 200, "{}", voided.text);
}

#[tokio::test]
async fn a_payment_waiting_when_its_contract_was_voided_cannot_pass_but_can_be_rejected() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    payment_flow(&t, &team).await;
    let deal = approved_contract(&t, &team, "300").await;
    let paid = draft_payment(&t, &team, deal, "100").await;
    assert_eq!(
        submit(&t, &team.rep.1, "payments", paid).await,
        "in_approval"
    );
    // Voided before voiding looked at payments in approval.
    t.sql(&format!(
        "update contracts set status = 'void' where id = {deal}"
    ))
    .await;
    let payment = payment_of(&t, &team.rep.1, paid).await;
    let approval = payment.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");
    let refused = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "payment_contract_not_approved");
    let title = refused.body["title"].as_str().expect("title");
    assert!(title.contains("is void"), "{title}");
    assert_eq!(
        payment_of(&t, &team.rep.1, paid).await.body["status"],
        "in_approval"
    );
    assert_eq!(received_of(&t, &team.rep.1, deal).await, 0);
    let list = t.get("/api/v1/payments", &team.manager.1).await;
    assert_eq!(list.body["totals"][0]["received"], 0, "{}", list.text);
    let rejected = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "reject", "comment": "Contract void" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(
        payment_of(&t, &team.rep.1, paid).await.body["status"],
        "rejected"
    );
}

#[tokio::test]
async fn voiding_a_contract_needs_the_right_to_approve_contracts_as_a_payment_does() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "300").await;
    let path = format!("/api/v1/contracts/{deal}");
    // The rep may change the contract, not void it; nor see the box.
    let detail = t.get(&path, &team.rep.1).await;
    assert_eq!(detail.body["can_void"], false, "{}", detail.text);
    let refused = void_contract(&t, &team.rep.1, deal).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let rep_cookie = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &rep_cookie, &format!("/contracts/{deal}"), "en").await;
    assert_eq!(status, 200);
    assert!(!html.contains(&format!("/contracts/{deal}/void")), "{html}");
    assert_eq!(t.get(&path, &team.rep.1).await.body["status"], "approved");
    // The manager, who approves contracts, sees the box and voids it.
    assert_eq!(t.get(&path, &team.manager.1).await.body["can_void"], true);
    let manager_cookie = page_session(&t, "0971000001").await;
    let (_, html) = page(&t, &manager_cookie, &format!("/contracts/{deal}"), "en").await;
    assert!(html.contains(&format!("/contracts/{deal}/void")), "{html}");
    let voided = void_contract(&t, &team.manager.1, deal).await;
    assert_eq!(voided.status, 200, "{}", voided.text);
    assert_eq!(voided.body["can_void"], false);
}

#[tokio::test]
async fn a_contract_not_approved_offers_no_payment_form_and_owes_nothing_yet() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Globex").await;
    let draft = contract(&t, &team.rep.1, buyer, "300").await;
    let detail = t
        .get(&format!("/api/v1/contracts/{draft}"), &team.rep.1)
        .await;
    assert!(detail.body["outstanding"].is_null(), "{}", detail.text);
    let list = t.get("/api/v1/contracts", &team.rep.1).await;
    assert!(
        list.body["items"][0]["outstanding"].is_null(),
        "{}",
        list.text
    );
    let cookie = page_session(&t, "0971000002").await;
    let path = format!("/payments/new?contract_id={draft}");
    let (status, html) = page(&t, &cookie, &path, "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-no-payments"), "{html}");
    assert!(html.contains("Payments open once approved"), "{html}");
    assert!(!html.contains("name=\"amount\""), "{html}");
    assert!(!html.contains("Outstanding"), "{html}");
    // Once approved, the form is offered with what is outstanding.
    assert_eq!(
        submit(&t, &team.rep.1, "contracts", draft).await,
        "approved"
    );
    let detail = t
        .get(&format!("/api/v1/contracts/{draft}"), &team.rep.1)
        .await;
    assert_eq!(detail.body["outstanding"], 30000, "{}", detail.text);
    let (_, html) = page(&t, &cookie, &path, "en").await;
    assert!(!html.contains("data-no-payments"), "{html}");
    assert!(html.contains("name=\"amount\""), "{html}");
    assert!(html.contains("Outstanding"), "{html}");
    // A void one says no payments are expected.
    assert_eq!(void_contract(&t, &team.manager.1, draft).await.status, 200);
    let detail = t
        .get(&format!("/api/v1/contracts/{draft}"), &team.rep.1)
        .await;
    assert!(detail.body["outstanding"].is_null(), "{}", detail.text);
    let (_, html) = page(&t, &cookie, &path, "en").await;
    assert!(html.contains("no payments are expected"), "{html}");
    assert!(!html.contains("name=\"amount\""), "{html}");
}

/// The list's totals block of a page.
fn totals_of(html: &str) -> &str {
    let start = html.find("<dl class=\"totals\">").expect("totals");
    let end = start + html[start..].find("</dl>").expect("end of totals");
    &html[start..end]
}

#[tokio::test]
async fn payment_totals_count_only_approved_payments_as_received() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "300").await;
    let kept = draft_payment(&t, &team, deal, "100").await;
    assert_eq!(submit(&t, &team.rep.1, "payments", kept).await, "approved");
    let voided = draft_payment(&t, &team, deal, "50").await;
    assert_eq!(
        submit(&t, &team.rep.1, "payments", voided).await,
        "approved"
    );
    let void = t
        .post(
            &format!("/api/v1/payments/{voided}/void"),
            &team.manager.1,
            json!({ "reason": "Returned" }),
        )
        .await;
    assert_eq!(void.status, 200, "{}", void.text);
    draft_payment(&t, &team, deal, "30").await;
    let list = t.get("/api/v1/payments", &team.rep.1).await;
    let totals = &list.body["totals"][0];
    assert_eq!(totals["count"], 3, "{}", list.text);
    assert_eq!(totals["approved"], 1, "{}", list.text);
    assert_eq!(totals["amount"], 10000, "{}", list.text);
    assert_eq!(totals["received"], 10000, "{}", list.text);
    let void_only = t.get("/api/v1/payments?status=void", &team.rep.1).await;
    assert_eq!(
        void_only.body["totals"][0]["received"], 0,
        "{}",
        void_only.text
    );
    assert_eq!(
        void_only.body["totals"][0]["count"], 1,
        "{}",
        void_only.text
    );
    assert_eq!(received_of(&t, &team.rep.1, deal).await, 10000);

    let cookie = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &cookie, "/payments", "en").await;
    assert_eq!(status, 200);
    let totals = totals_of(&html);
    assert!(totals.contains("100.00"), "{totals}");
    assert!(
        !totals.contains("150.00") && !totals.contains("180.00"),
        "{totals}"
    );
    assert!(totals.contains("1 of 3 approved"), "{totals}");
    // "Void" is offered by the status filter, and filters.
    assert!(html.contains("<option value=\"void\""), "{html}");
    let (_, html) = page(&t, &cookie, "/payments?status=void", "en").await;
    assert!(html.contains("<option value=\"void\" selected"), "{html}");
    assert!(totals_of(&html).contains("0.00"), "{html}");
}

#[tokio::test]
async fn an_approved_document_s_edit_page_says_why_it_cannot_be_edited() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let deal = approved_contract(&t, &team, "1000").await;
    let paid = draft_payment(&t, &team, deal, "100").await;
    assert_eq!(submit(&t, &team.rep.1, "payments", paid).await, "approved");
    let cookie = page_session(&t, "0971000002").await;
    for (path, says) in [
        (
            format!("/contracts/{deal}/edit"),
            "This contract cannot be edited",
        ),
        (
            format!("/payments/{paid}/edit"),
            "This payment cannot be edited",
        ),
    ] {
        let (status, html) = page(&t, &cookie, &path, "en").await;
        assert_eq!(status, 409, "{path}: {html}");
        assert!(html.contains(says), "{path}: {html}");
    }
}
