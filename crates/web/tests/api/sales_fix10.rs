//! Sales and approvals: a resubmission that resumes from the rejected
//! step asks only for the approvers of the steps still to come; the
//! approvals waiting for a disabled user are counted, listed and handed
//! over; request and flow editor errors name their fields in words; a
//! contract's payments follow its transfer; money in conditions and
//! request lists in the currency's decimals.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form};
use crate::sales_fixtures::{act, contract, customer, first_error, flow, sales_team, submit};

/// A request to the API answered in `lang`.
async fn call_in(
    t: &TestApp,
    (method, lang): (Method, &str),
    path: &str,
    token: &str,
    body: Value,
) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    t.send(request).await
}

/// Every message of a refusal.
fn messages(answer: &Answer) -> Vec<String> {
    answer.body["errors"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_resumed_resubmission_asks_only_for_the_steps_still_to_come() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    flow(
        &t,
        &team,
        "contract",
        json!({ "resubmit": "from_rejected_step", "steps": [
            { "name": "First pick", "approvers": "chosen_by_submitter", "mode": "any_one" },
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" },
            { "name": "Last pick", "approvers": "chosen_by_submitter", "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Picks Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "900").await;
    let cookie = page_session(&t, "0971000002").await;
    let path = format!("/api/v1/contracts/{id}/submit");

    // A first submission asks for both steps.
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(html.contains("First pick"), "{html}");
    assert!(html.contains("Last pick"), "{html}");
    let first = t
        .post(
            &path,
            &team.rep.1,
            json!({ "approvers": { "0": [team.manager.0], "2": [team.manager.0] } }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("an approval");
    assert_eq!(detail.body["approval"]["choices_kept"], json!([]));
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
        json!({ "action": "reject", "comment": "Wrong dates" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);

    // Sent back: the step passed keeps its approver and is not asked for.
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    assert_eq!(
        detail.body["approval"]["choices_kept"],
        json!([0]),
        "{}",
        detail.text
    );
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    let form = &html[html.find("/submit\"").expect("the submit form")..];
    let form = &form[..form.find("</form>").expect("its end")];
    assert!(!form.contains("First pick"), "{form}");
    assert!(!form.contains("value=\"0:"), "{form}");
    assert!(form.contains("Last pick"), "{form}");
    assert!(form.contains("value=\"2:"), "{form}");

    // The step still to come must be picked ...
    let missing = t.post(&path, &team.rep.1, json!({})).await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert!(missing.text.contains("approvers.2"), "{}", missing.text);
    assert!(!missing.text.contains("approvers.0"), "{}", missing.text);
    // ... while a pick sent for the step passed is ignored, even one
    // that could not be taken (the submitter themself).
    let again = t
        .post(
            &path,
            &team.rep.1,
            json!({ "approvers": { "0": [team.rep.0], "2": [team.manager.0] } }),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    assert_eq!(
        detail.body["approval"]["waiting_for"][0][0], team.finance.0,
        "{}",
        detail.text
    );
    assert!(!detail.text.contains("started_over"), "{}", detail.text);
    let steps = &detail.body["approval"]["steps"];
    assert_eq!(
        steps[0]["seats"][0]["user_id"], team.manager.0,
        "{}",
        detail.text
    );
    assert_eq!(steps[0]["state"], "passed", "{}", detail.text);
}

#[tokio::test]
async fn approvals_waiting_for_a_disabled_user_are_counted_listed_and_handed_over() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Away Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "400").await;
    let sent = t
        .post(
            &format!("/api/v1/contracts/{id}/submit"),
            &team.rep.1,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let finance = team.finance.0;
    let user_path = format!("/api/v1/users/{finance}");

    // Before: the user's page counts them, and disabling says so.
    let admin_cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin_cookie, &format!("/users/{finance}"), "en").await;
    assert!(
        html.contains("Approvals waiting for their decision: 1."),
        "{html}"
    );
    assert!(
        html.contains(&format!("/approvals?approver={finance}")),
        "{html}"
    );

    // Disabled: under the flow's default rule the approval keeps waiting,
    // and the answer says how many.
    let disabled = t
        .patch(&user_path, &team.admin, json!({ "status": "disabled" }))
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(disabled.body["waiting_approvals"], 1, "{}", disabled.text);
    let (_, html) = page(&t, &admin_cookie, &format!("/users/{finance}"), "zh-Hant").await;
    assert!(html.contains("有 1 個審批正等待這位員工處理"), "{html}");

    // An approval manager lists them; nobody else may.
    let listed = t
        .get(
            &format!("/api/v1/approvals/waiting?approver_id={finance}"),
            &team.admin,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
    let approval = listed.body["items"][0]["id"].as_i64().expect("one listed");
    let refused = t
        .get(
            &format!("/api/v1/approvals/waiting?approver_id={finance}"),
            &team.rep.1,
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let unknown = t
        .get("/api/v1/approvals/waiting?approver_id=987654", &team.admin)
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert!(unknown.text.contains("approver_id"), "{}", unknown.text);
    let (status, html) = page(
        &t,
        &admin_cookie,
        &format!("/approvals?approver={finance}"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!("/approvals/{approval}/act")),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"from\" value=\"{finance}\"")),
        "{html}"
    );
    let (status, _) = page(
        &t,
        &page_session(&t, "0971000002").await,
        &format!("/approvals?approver={finance}"),
        "en",
    )
    .await;
    assert_eq!(status, 403);

    // Handed over, it waits for the manager; the list is empty.
    let handed = act(
        &t,
        &team.admin,
        approval,
        json!({ "action": "hand_over", "from": finance, "to": team.manager.0 }),
    )
    .await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    let listed = t
        .get(
            &format!("/api/v1/approvals/waiting?approver_id={finance}"),
            &team.admin,
        )
        .await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
    let detail = t.get(&user_path, &team.admin).await;
    assert_eq!(detail.body["waiting_approvals"], 0, "{}", detail.text);
    let mine = t.get("/api/v1/approvals/waiting", &team.manager.1).await;
    assert_eq!(mine.body["total"], 1, "{}", mine.text);
}

async fn refund_kind(t: &TestApp, admin: &str) {
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "amount", "label": "Refund sum", "field_type": "money", "required": true },
                { "key": "reason", "label": "Reason", "field_type": "text" }
            ] }),
        )
        .await;
    assert_eq!(kind.status, 200, "{}", kind.text);
}

#[tokio::test]
async fn request_form_errors_name_the_field_by_its_label() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    refund_kind(&t, &team.admin).await;
    for amount in ["lots", "12.345", "1e20", "", "99999999999999"] {
        for lang in ["en", "zh-Hant", "zh-Hans"] {
            let answer = call_in(
                &t,
                (Method::POST, lang),
                "/api/v1/requests",
                &team.rep.1,
                json!({ "kind": "refund", "title": "Refund 7", "fields": { "amount": amount } }),
            )
            .await;
            assert_eq!(answer.status, 422, "{amount}: {}", answer.text);
            for message in messages(&answer) {
                assert!(!message.contains("custom."), "{lang} {amount}: {message}");
                assert!(message.contains("Refund sum"), "{lang} {amount}: {message}");
            }
        }
    }
    // The page's form likewise.
    let cookie = page_session(&t, "0971000002").await;
    let csrf = page_csrf(&t, &cookie).await;
    for lang_amount in ["lots", "12.345", ""] {
        let form = format!(
            "_csrf={csrf}&kind=refund&title=Refund+8&custom.amount={}",
            crate::helpers::urlencode(lang_amount)
        );
        let (status, html) = post_form(&t, &cookie, "/requests", form).await;
        assert_eq!(status, 422, "{html}");
        assert!(!html.contains("custom.amount:"), "{html}");
        assert!(!html.contains(">custom.amount"), "{html}");
        assert!(html.contains("Refund sum"), "{html}");
    }
}

#[tokio::test]
async fn request_form_options_that_read_the_same_are_refused_naming_both() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let kind = |options: Value| {
        json!({ "kind": "return", "name": "Return", "fields": [
            { "key": "state", "label": "Goods state", "field_type": "choice", "options": options }
        ] })
    };
    let refused = t
        .put(
            "/api/v1/requests/kinds",
            &team.admin,
            kind(json!(["Damaged", "damaged "])),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "fields.0.options");
    assert_eq!(refused.body["errors"][0]["code"], "option_repeated");
    let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Damaged") && message.contains("damaged"),
        "{message}"
    );
    // Blank options are left out and the rest kept trimmed.
    let saved = t
        .put(
            "/api/v1/requests/kinds",
            &team.admin,
            kind(json!([" Damaged ", "", "Whole"])),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let kinds = t.get("/api/v1/requests/kinds", &team.admin).await;
    let kind = kinds
        .body
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["kind"] == "return");
    let kind = kind.unwrap_or_else(|| panic!("{}", kinds.text));
    assert_eq!(kind["fields"][0]["options"], json!(["Damaged", "Whole"]));
}

#[tokio::test]
async fn flow_editor_errors_name_the_field_and_the_fix() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let flow = |levels: i64, fallback: i64| {
        json!({ "kind": "contract", "name": "Levels", "definition": {
            "when_no_approver": { "fallback": fallback },
            "steps": [
                { "name": "Boss", "approvers": { "superior": { "levels": levels } }, "mode": "any_one" }
            ] } })
    };
    // A number past what levels take, in three languages.
    for (lang, words) in [
        ("en", ["Step 1", "Levels up", "between 1 and 10"]),
        ("zh-Hant", ["第 1 步", "上幾級", "1 與 10"]),
        ("zh-Hans", ["第 1 步", "上几级", "1 与 10"]),
    ] {
        let answer = call_in(
            &t,
            (Method::POST, lang),
            "/api/v1/approvals/flows",
            &team.admin,
            flow(300, team.finance.0),
        )
        .await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert_eq!(
            first_error(&answer),
            (
                "definition.steps.0.approvers.superior.levels".to_string(),
                "levels_out_of_range".to_string()
            )
        );
        let said = messages(&answer).join(" ");
        for word in words {
            assert!(said.contains(word), "{lang}: {said}");
        }
        assert!(!said.contains("wrong"), "{said}");
    }
    // A condition on the amount compared with a text names the amount in
    // words.
    let answer = call_in(
        &t,
        (Method::POST, "en"),
        "/api/v1/approvals/flows",
        &team.admin,
        json!({ "kind": "contract", "name": "Amounts", "definition": { "steps": [
            { "name": "Boss", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [{ "field": "amount", "op": "gt", "value": { "text": "many" } }] }
        ] } }),
    )
    .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let said = messages(&answer).join(" ");
    assert!(said.contains("the amount is a figure"), "{said}");

    // Levels 0 and an unknown person for steps without an approver: the
    // step named by its place and name, the person by the editor's label.
    let answer = call_in(
        &t,
        (Method::POST, "en"),
        "/api/v1/approvals/flows",
        &team.admin,
        flow(0, 987_654),
    )
    .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let said = messages(&answer);
    assert!(
        said.iter()
            .any(|m| m.starts_with("Person for steps without an approver")),
        "{said:?}"
    );
    assert!(said.iter().any(|m| m.contains("Step 1 “Boss”")), "{said:?}");
    assert!(said.iter().all(|m| !m.starts_with("fallback")), "{said:?}");

    // The settings page says the same beside the form.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Levels&kind=contract&active=on&when_no_approver=fallback&fallback=&resubmit=from_start&step_name=Boss&step_rule=superior&step_levels=300&step_mode=any_one"
    );
    let (status, html) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Person for steps without an approver: choose"),
        "{html}"
    );
    assert!(!html.contains("fallback:"), "{html}");
    assert!(
        html.contains("Step 1 “Boss”: the number of superior levels"),
        "{html}"
    );
}

#[tokio::test]
async fn a_transferred_contract_takes_its_payments_along() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Payer Ltd").await;
    let deal = contract(&t, &team.rep.1, buyer, "1000").await;
    assert_eq!(submit(&t, &team.rep.1, "contracts", deal).await, "approved");
    let paid = t
        .post(
            "/api/v1/payments",
            &team.rep.1,
            json!({ "contract_id": deal, "received_on": "2026-02-27", "amount": "400" }),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let payment = paid.body["id"].as_i64().expect("a payment");
    let other = t
        .post(
            "/api/v1/payments",
            &team.rep.1,
            json!({ "contract_id": deal, "received_on": "2026-02-28", "amount": "100" }),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);

    let moved = t
        .post(
            "/api/v1/contracts/transfer",
            &team.admin,
            json!({ "ids": [deal], "owner_id": team.other_rep.0 }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);

    // The new owner sees and owns both payments; the former owner no longer
    // sees them.
    let theirs = t
        .get(
            &format!("/api/v1/payments?contract_id={deal}"),
            &team.other_rep.1,
        )
        .await;
    assert_eq!(theirs.body["total"], 2, "{}", theirs.text);
    let former = t
        .get(&format!("/api/v1/payments?contract_id={deal}"), &team.rep.1)
        .await;
    assert_eq!(former.body["total"], 0, "{}", former.text);
    let detail = t
        .get(&format!("/api/v1/payments/{payment}"), &team.other_rep.1)
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(detail.body["owner_id"], team.other_rep.0, "{}", detail.text);
    let logged = detail.body["change_log"].to_string();
    assert!(logged.contains("owner_id"), "{logged}");
}

#[tokio::test]
async fn money_in_conditions_and_request_lists_shows_the_currency_decimals() {
    let mut t = TestApp::new().await;
    let team = sales_team(&t).await;
    refund_kind(&t, &team.admin).await;
    t.sql("insert into company_settings (key, value) values ('currency', 'JPY')")
        .await;
    t.restart().await;
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "refund", "name": "Refunds", "definition": { "steps": [
                { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
                  "condition": [{ "field": "amount", "op": "gt", "value": { "number": 1_500_000 }, "currency": "JPY" }] }
            ] } }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/settings/approval-flows", "en").await;
    assert!(html.contains("15,000"), "{html}");
    assert!(!html.contains("15,000.00"), "{html}");
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={}", flow.body["id"]),
        "en",
    )
    .await;
    assert!(html.contains("value=\"15000\""), "{html}");
    assert!(!html.contains("15000.00"), "{html}");

    // Yen take no decimals in a request; whole ones show grouped.
    let yen_decimals = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "Refund 9", "fields": { "amount": "20000.50" } }),
        )
        .await;
    assert_eq!(yen_decimals.status, 422, "{}", yen_decimals.text);
    assert_eq!(first_error(&yen_decimals).1, "whole_amount_only");
    let made = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "Refund 9", "fields": { "amount": "20000" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("a request");
    let sent = t
        .post(
            &format!("/api/v1/requests/{id}/submit"),
            &team.rep.1,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let finance = page_session(&t, "0971000004").await;
    let (_, html) = page(&t, &finance, "/approvals", "en").await;
    assert!(html.contains("JPY 20,000"), "{html}");
    assert!(!html.contains("20,000.00"), "{html}");
    let rep = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &rep, "/approvals?tab=submitted", "en").await;
    assert!(html.contains("JPY 20,000"), "{html}");
}
