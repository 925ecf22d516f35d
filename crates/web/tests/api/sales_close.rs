//! Sales messages that name what to fix: a flow step without an approver,
//! a hand-over's from and to, a payment past what is outstanding, amounts
//! that must be more than 0, and every bad field of a payment at once.

use serde_json::json;

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{contract, customer, flow, sales_team, submit};

/// The message of the error of `field` in a problem document.
fn message_of(answer: &Answer, field: &str) -> String {
    answer.body["errors"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["field"] == field))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("an error on {field}: {}", answer.text))
        .to_string()
}

/// The fields of a problem document's errors, in order.
fn fields_of(answer: &Answer) -> Vec<String> {
    answer.body["errors"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_step_without_an_approver_is_named_with_what_an_administrator_must_set_up() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    // The first step applies and finds the superior; the second finds no
    // department head (Sales has none).
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Superior", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
            { "name": "Head of sales", "approvers": "department_head", "mode": "any_one" }
        ] }),
    )
    .await;
    let client = customer(&t, rep, "廣達").await;
    let id = contract(&t, rep, client, "1000").await;
    let refused = t
        .post(&format!("/api/v1/contracts/{id}/submit"), rep, json!({}))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = message_of(&refused, "flow");
    assert!(message.contains("step 2"), "{message}");
    assert!(message.contains("Head of sales"), "{message}");
    assert!(
        message.contains("Settings → Departments") && message.contains("has no head"),
        "the department's head is what to set up: {message}"
    );
    assert!(!message.contains("%{"), "{message}");
    // The contract stays a draft.
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(detail.body["status"], "draft", "{}", detail.text);

    // A superior missing is told as such, in the user's language.
    let other = t
        .put(
            "/api/v1/approvals/flows/1",
            &team.admin,
            json!({ "kind": "contract", "name": "contract flow", "definition": { "steps": [
                { "name": "兩級上級", "approvers": { "superior": { "levels": 2 } }, "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(other.status, 200, "{}", other.text);
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri(format!("/api/v1/contracts/{id}/submit"))
        .header("accept-language", "zh-Hant")
        .header("authorization", format!("Bearer {rep}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{}"))
        .expect("request");
    let refused = t.send(request).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = message_of(&refused, "flow");
    assert!(message.contains("第 1 步（兩級上級）"), "{message}");
    assert!(message.contains("直屬上級"), "{message}");
}

#[tokio::test]
async fn a_hand_over_for_someone_else_records_from_whom_to_whom() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, admin) = (team.rep.1.as_str(), team.admin.as_str());
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
        ] }),
    )
    .await;
    let client = customer(&t, rep, "緯創").await;
    let id = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "in_approval");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("an approval");
    let handed = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            admin,
            json!({ "action": "hand_over", "from": team.finance.0, "to": team.manager.0 }),
        )
        .await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    let history = handed.body["history"].as_array().expect("history");
    let row = history
        .iter()
        .find(|h| h["action"] == "hand_over")
        .unwrap_or_else(|| panic!("a hand-over: {}", handed.text));
    assert_eq!(row["from_id"], team.finance.0);
    assert_eq!(row["target_id"], team.manager.0);
    assert_eq!(row["actor_id"], 1);

    // The record's page names both people on the history line.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, page) = crate::helpers::page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    let names = t.get("/api/v1/users?limit=100", admin).await;
    let name = |user: i64| {
        names.body["items"]
            .as_array()
            .and_then(|all| all.iter().find(|u| u["id"] == user))
            .and_then(|u| u["name"].as_str())
            .expect("a name")
            .to_string()
    };
    let line = format!("{} → {}", name(team.finance.0), name(team.manager.0));
    assert!(page.contains(&line), "{line} in the history: {page}");
}

#[tokio::test]
async fn a_payment_past_the_outstanding_amount_names_both_amounts_and_asks_to_confirm() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "仁寶").await;
    let id = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let first = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": id, "received_on": "2026-01-05", "amount": "400" }),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let refused = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": id, "received_on": "2026-01-05", "amount": "700" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = message_of(&refused, "amount");
    assert!(
        message.contains("700.00"),
        "the payment's amount: {message}"
    );
    assert!(message.contains("600.00"), "what is outstanding: {message}");
    assert!(message.contains("confirm"), "{message}");

    // The page shows the same words and the box to tick.
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let (status, page) = crate::helpers::post_form(
        &t,
        &cookie,
        "/payments",
        format!("_csrf={csrf}&contract_id={id}&received_on=2026-01-05&amount=700"),
    )
    .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("name=\"confirm_exceeding\""), "{page}");
    assert!(page.contains("600.00"), "{page}");
    let (status, done) = crate::helpers::post_form(
        &t,
        &cookie,
        "/payments",
        format!(
            "_csrf={csrf}&contract_id={id}&received_on=2026-01-05&amount=700&confirm_exceeding=1"
        ),
    )
    .await;
    assert_eq!(status, 303, "{done}");
}

#[tokio::test]
async fn a_payment_reports_an_unapproved_contract_with_its_other_bad_fields() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "英業達").await;
    let draft = contract(&t, rep, client, "1000").await;
    let refused = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": draft, "received_on": "2999-12-31", "amount": "-5", "notes": "x".repeat(1001) }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let mut fields = fields_of(&refused);
    fields.sort();
    assert_eq!(
        fields,
        vec!["amount", "contract_id", "notes", "received_on"],
        "{}",
        refused.text
    );
    // An amount below zero is told to be more than 0, not "0 or more".
    let amount = message_of(&refused, "amount");
    assert!(amount.contains("more than 0"), "{amount}");

    // A number that may be 0 says "0 or more" with its field's name.
    let product = t
        .post(
            "/api/v1/products",
            &team.admin,
            json!({ "name": "Gauge", "price": "-1" }),
        )
        .await;
    assert_eq!(product.status, 422, "{}", product.text);
    let price = message_of(&product, "price");
    assert!(
        price.contains("Price") && price.contains("0 or more"),
        "{price}"
    );
}

/// The fields of a problem document's errors, sorted.
fn sorted_fields(answer: &Answer) -> Vec<String> {
    let mut fields = fields_of(answer);
    fields.sort();
    fields
}

#[tokio::test]
async fn a_sales_body_reports_every_bad_field_at_once() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "和碩").await;

    let opportunity = t
        .post(
            "/api/v1/opportunities",
            rep,
            json!({ "name": "Servers", "customer_id": "Pegatron", "amount": "12.345",
                    "expected_close_on": "2026-02-30", "next_contact_at": "tomorrow" }),
        )
        .await;
    assert_eq!(opportunity.status, 422, "{}", opportunity.text);
    assert_eq!(
        sorted_fields(&opportunity),
        vec![
            "amount",
            "customer_id",
            "expected_close_on",
            "next_contact_at"
        ],
        "{}",
        opportunity.text
    );
    let date = message_of(&opportunity, "expected_close_on");
    assert!(date.contains("2024-01-05"), "how to write a date: {date}");

    let contract_body = json!({ "name": "Racks", "customer_id": client, "amount": "-3",
        "signed_on": "2026-13-01", "starts_on": "2026-01-01", "ends_on": "yesterday" });
    let refused = t.post("/api/v1/contracts", rep, contract_body).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        sorted_fields(&refused),
        vec!["amount", "ends_on", "signed_on"],
        "{}",
        refused.text
    );
    let deal = contract(&t, rep, client, "1000").await;
    let updated = t
        .put(
            &format!("/api/v1/contracts/{deal}"),
            rep,
            json!({ "name": "", "customer_id": client, "signed_on": "2026-02-29", "amount": "x" }),
        )
        .await;
    assert_eq!(updated.status, 422, "{}", updated.text);
    assert_eq!(
        sorted_fields(&updated),
        vec!["amount", "name", "signed_on"],
        "{}",
        updated.text
    );

    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let plan = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            rep,
            json!({ "amount": "0", "planned_on": "2026-04-31", "remind_days": 400 }),
        )
        .await;
    assert_eq!(plan.status, 422, "{}", plan.text);
    assert_eq!(
        sorted_fields(&plan),
        vec!["amount", "planned_on", "remind_days"],
        "{}",
        plan.text
    );
    // A required date left out is named too, beside the others.
    let payment = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "amount": "abc", "plan_id": "first" }),
        )
        .await;
    assert_eq!(payment.status, 422, "{}", payment.text);
    assert_eq!(
        sorted_fields(&payment),
        vec!["amount", "plan_id", "received_on"],
        "{}",
        payment.text
    );
    // Nothing was saved.
    let payments = t
        .get(&format!("/api/v1/payments?contract_id={deal}"), rep)
        .await;
    assert_eq!(payments.body["items"], json!([]), "{}", payments.text);
}

#[tokio::test]
async fn the_submitter_chooses_several_approvers_for_a_step_on_the_page() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Chosen", "approvers": "chosen_by_submitter", "mode": "everyone" }
        ] }),
    )
    .await;
    let client = customer(&t, rep, "光寶").await;
    let id = contract(&t, rep, client, "1000").await;
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    // The page offers a picker that takes several people, and says how
    // they decide.
    let (_, page) = crate::helpers::page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(
        page.contains("name=\"approver\" multiple"),
        "a picker of several: {page}"
    );
    assert!(page.contains("everyone approves"), "{page}");
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let (status, location) = crate::helpers::post_form(
        &t,
        &cookie,
        &format!("/contracts/{id}/submit"),
        format!(
            "_csrf={csrf}&approver=0%3A{}&approver=0%3A{}",
            team.manager.0, team.finance.0
        ),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    let mut waiting: Vec<i64> = detail.body["approval"]["waiting_for"]
        .as_array()
        .map(|all| all.iter().filter_map(|pair| pair[0].as_i64()).collect())
        .unwrap_or_default();
    waiting.sort_unstable();
    let mut both = vec![team.manager.0, team.finance.0];
    both.sort_unstable();
    assert_eq!(waiting, both, "{}", detail.text);

    // Through the API, likewise: one approval is not enough for everyone.
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");
    let first = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            &team.manager.1,
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(detail.body["status"], "in_approval", "{}", detail.text);
}
