//! Requests of custom approval kinds with their own forms, notifications
//! (approvals as they move, the daily reminders), and saved views.

use chrono::Duration;
use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::{contract, customer, first_error, sales_team, submit};

fn refund_form() -> Value {
    json!({
        "kind": "refund",
        "name": "退款",
        "fields": [
            { "key": "amount", "label": "退款金額", "field_type": "money", "required": true },
            { "key": "reason", "label": "原因", "field_type": "choice", "required": true,
              "options": ["品質問題", "重複付款"] },
            { "key": "note", "label": "說明", "field_type": "long_text" }
        ]
    })
}

async fn unread(t: &TestApp, token: &str) -> Vec<Value> {
    let answer = t.get("/api/v1/notifications?unread=true", token).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_refund_request_runs_through_its_flow_and_tells_each_person_in_turn() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;

    // The form: contract is a kind of its own; keys are checked.
    let mut reserved = refund_form();
    reserved["kind"] = json!("contract");
    let refused = t.put("/api/v1/requests/kinds", &team.admin, reserved).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("kind".into(), "kind_reserved".into())
    );
    let mut bad_key = refund_form();
    bad_key["fields"][1]["key"] = json!("Reason!");
    let refused = t.put("/api/v1/requests/kinds", &team.admin, bad_key).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        first_error(&refused),
        ("fields.1.key".into(), "key_invalid".into())
    );
    let by_rep = t
        .put("/api/v1/requests/kinds", &team.rep.1, refund_form())
        .await;
    assert_eq!(by_rep.status, 403, "only approval managers define forms");
    let form = t
        .put("/api/v1/requests/kinds", &team.admin, refund_form())
        .await;
    assert_eq!(form.status, 200, "{}", form.text);
    let again = t
        .put("/api/v1/requests/kinds", &team.admin, refund_form())
        .await;
    assert_eq!(first_error(&again), ("kind".into(), "kind_taken".into()));

    // Its flow: the superior, then finance above 1,000.00.
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "refund", "name": "退款審批", "definition": { "steps": [
                { "name": "上級", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
                { "name": "財務", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
                  "condition": [{ "field": "amount", "op": "gt", "value": { "number": 100_000 }, "currency": "CNY" }] }
            ] } }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);

    // A request missing a required field names it; nothing is made.
    let missing = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "訂單 1024 退款", "fields": { "amount": "1,500.50" } }),
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert_eq!(
        first_error(&missing),
        ("fields.reason".into(), "required".into())
    );
    assert!(missing.text.contains("原因"), "{}", missing.text);
    let wrong = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "x", "fields": { "amount": "12", "reason": "不喜歡" } }),
        )
        .await;
    assert_eq!(
        first_error(&wrong),
        ("fields.reason".into(), "invalid_choice".into())
    );
    assert_eq!(
        t.get("/api/v1/requests", &team.rep.1).await.body["total"],
        0
    );

    let made = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "訂單 1024 退款",
                    "fields": { "amount": "1,500.50", "reason": "重複付款" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["amount"], 150_050);
    assert_eq!(made.body["status"], "draft");
    let id = made.body["id"].as_i64().expect("id");
    let path = format!("/api/v1/requests/{id}");
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 404);
    assert_eq!(
        t.get(&path, &team.manager.1).await.status,
        404,
        "not on it yet"
    );

    assert_eq!(submit(&t, &team.rep.1, "requests", id).await, "in_approval");
    let told = unread(&t, &team.manager.1).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["kind"], "approval_waiting");
    assert_eq!(told[0]["record_kind"], "refund");
    assert_eq!(told[0]["record_id"], id);
    assert!(
        unread(&t, &team.finance.1).await.is_empty(),
        "finance comes second"
    );
    let waiting = t.get(&path, &team.manager.1).await;
    assert_eq!(waiting.status, 200, "the approver opens it");
    let approval = waiting.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");

    // Under approval it cannot change; nor can a draft-only delete touch it.
    let edit = t
        .put(
            &path,
            &team.rep.1,
            json!({ "title": "changed", "fields": { "amount": "1", "reason": "品質問題" } }),
        )
        .await;
    assert_eq!(edit.status, 409, "{}", edit.text);
    let act = |token: String, action: &'static str| {
        let t = &t;
        async move {
            t.post(
                &format!("/api/v1/approvals/{approval}/actions"),
                &token,
                json!({ "action": action }),
            )
            .await
        }
    };
    assert_eq!(act(team.manager.1.clone(), "approve").await.status, 200);
    let told = unread(&t, &team.finance.1).await;
    assert_eq!(told.len(), 1, "above 1,000.00 finance decides too");
    assert_eq!(act(team.finance.1.clone(), "approve").await.status, 200);
    let done = t.get(&path, &team.rep.1).await;
    assert_eq!(done.body["status"], "approved", "{}", done.text);
    let told = unread(&t, &team.rep.1).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["kind"], "approval_approved");

    // The pages: the request with its panel, and the forms' settings.
    let rep = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &rep, &format!("/requests/{id}"), "zh-Hant").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("重複付款") && html.contains("退款審批"),
        "{html}"
    );
    let admin = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &admin, "/settings/request-forms?kind=refund", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("退款金額"));
    let (status, _) = page(&t, &rep, "/settings/request-forms", "en").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_small_request_without_a_second_step_and_a_draft_that_is_deleted() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    assert_eq!(
        t.put("/api/v1/requests/kinds", &team.admin, refund_form())
            .await
            .status,
        200
    );
    // With no flow for the kind, a request is approved on submit.
    let small = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "small", "fields": { "amount": "10", "reason": "品質問題" } }),
        )
        .await;
    let id = small.body["id"].as_i64().expect("id");
    assert_eq!(submit(&t, &team.rep.1, "requests", id).await, "approved");
    let refused = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/requests/{id}"),
            Some(&team.rep.1),
            None,
        )
        .await;
    assert_eq!(refused.status, 409);
    let draft = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "draft", "fields": { "amount": "10", "reason": "品質問題" } }),
        )
        .await;
    let draft = draft.body["id"].as_i64().expect("id");
    let theirs = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/requests/{draft}"),
            Some(&team.other_rep.1),
            None,
        )
        .await;
    assert_eq!(theirs.status, 404);
    let deleted = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/requests/{draft}"),
            Some(&team.rep.1),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        t.get("/api/v1/requests", &team.rep.1).await.body["total"],
        1
    );
}

#[tokio::test]
async fn instalment_and_contract_end_reminders_come_once_to_the_owner() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Initech").await;
    let deal = contract(&t, &admin, buyer, "1000").await;
    let ends = t
        .put(
            &format!("/api/v1/contracts/{deal}"),
            &admin,
            json!({ "name": "Contract of 1000", "customer_id": buyer, "amount": "1000",
                    "ends_on": "2026-03-25", "version": 1 }),
        )
        .await;
    assert_eq!(ends.status, 200, "{}", ends.text);
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    // Due on the 7th, to be reminded 3 days before.
    let plan = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            &admin,
            json!({ "amount": "400", "planned_on": "2026-03-07", "remind_days": 3 }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);

    // 2 March: the contract ends within 30 days; the instalment is not due yet.
    t.app.schedule_jobs().await.expect("scheduled");
    t.app.run_due_jobs("test").await.expect("ran");
    let told = unread(&t, &admin).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["kind"], "contract_expiring");
    assert_eq!(told[0]["params"]["date"], "2026-03-25");

    // 4 March: three days before; told once however often the job runs.
    t.clock.advance(Duration::days(2));
    for _ in 0..2 {
        t.app.schedule_jobs().await.expect("scheduled");
        t.app.run_due_jobs("test").await.expect("ran");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 4).expect("date");
        t.app.send_reminders(today).await.expect("reminders");
    }
    let told = unread(&t, &admin).await;
    assert_eq!(told.len(), 2, "{told:#?}");
    assert_eq!(told[0]["kind"], "instalment_due");
    assert_eq!(told[0]["params"]["instalment"], 1);

    // 9 March: overdue.
    t.clock.advance(Duration::days(5));
    t.app.schedule_jobs().await.expect("scheduled");
    t.app.run_due_jobs("test").await.expect("ran");
    let told = unread(&t, &admin).await;
    assert_eq!(told[0]["kind"], "instalment_overdue");
    assert_eq!(told.len(), 3);

    // Read one by opening it; the rest all at once. Nobody else reads them.
    let first = told[0]["id"].as_i64().expect("id");
    t.user(&admin, "13700000009", json!({ "name": "Other" }))
        .await;
    let other = t.login("13700000009", crate::helpers::PASSWORD).await;
    let foreign = t
        .post(
            &format!("/api/v1/notifications/{first}/read"),
            &other,
            json!({}),
        )
        .await;
    assert_eq!(foreign.status, 404);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, _) = page(&t, &cookie, &format!("/notifications/{first}/open"), "en").await;
    assert_eq!(status, 303);
    assert_eq!(unread(&t, &admin).await.len(), 2);
    let (status, html) = page(&t, &cookie, "/notifications", "zh-Hans").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("合同") && html.contains("2026-03-25"),
        "{html}"
    );
    let marked = t
        .post("/api/v1/notifications/read", &admin, json!({}))
        .await;
    assert_eq!(marked.body["marked"], 2);
    assert!(unread(&t, &admin).await.is_empty());
}

#[tokio::test]
async fn a_saved_view_is_the_users_own_and_keeps_filters_not_the_page() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let saved = t
        .post(
            "/api/v1/views",
            &team.rep.1,
            json!({ "kind": "opportunity", "name": "重點大單", "query": "q=big&outcome=open&cursor=MTI&done=saved" }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    assert_eq!(saved.body["query"], "q=big&outcome=open");
    let id = saved.body["id"].as_i64().expect("id");
    // The same name again replaces it when asked to.
    let replaced = t
        .post(
            "/api/v1/views",
            &team.rep.1,
            json!({ "kind": "opportunity", "name": "重點大單", "query": "q=bigger", "replace": true }),
        )
        .await;
    assert_eq!(replaced.body["id"], id);
    let mine = t.get("/api/v1/views?kind=opportunity", &team.rep.1).await;
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1));
    assert_eq!(mine.body[0]["query"], "q=bigger");
    let theirs = t
        .get("/api/v1/views?kind=opportunity", &team.other_rep.1)
        .await;
    assert_eq!(theirs.body.as_array().map(Vec::len), Some(0));
    let bad = t
        .post(
            "/api/v1/views",
            &team.rep.1,
            json!({ "kind": "spaceship", "name": " ", "query": "" }),
        )
        .await;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> = bad.body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str().map(str::to_string))
        .collect();
    assert_eq!(fields, ["kind", "name"]);

    let rep = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &rep, "/opportunities", "zh-Hant").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("/opportunities?q=bigger") && html.contains("重點大單"),
        "{html}"
    );
    let other = page_session(&t, "0971000003").await;
    let (_, html) = page(&t, &other, "/opportunities", "zh-Hant").await;
    assert!(!html.contains("重點大單"));
    // Customers too, and the view's tab is current when its list is open.
    let customers = t
        .post(
            "/api/v1/views",
            &team.rep.1,
            json!({ "kind": "customer", "name": "新竹客戶", "query": "q=%E6%96%B0%E7%AB%B9&view=&sort=&dir=" }),
        )
        .await;
    assert_eq!(customers.body["query"], "q=%E6%96%B0%E7%AB%B9");
    let (status, html) = page(&t, &rep, "/customers?q=%E6%96%B0%E7%AB%B9", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("aria-current=\"page\">新竹客戶</a>"),
        "{html}"
    );

    let path = format!("/api/v1/views/{id}");
    let foreign = t
        .call(
            axum::http::Method::DELETE,
            &path,
            Some(&team.other_rep.1),
            None,
        )
        .await;
    assert_eq!(foreign.status, 404);
    let deleted = t
        .call(axum::http::Method::DELETE, &path, Some(&team.rep.1), None)
        .await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn administrators_add_custom_fields_and_options_on_the_settings_page() {
    use crate::auth::page_csrf;
    use crate::helpers::post_form;
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;

    // A bad key is shown on the form again with its message; the label stays.
    let form =
        format!("_csrf={csrf}&kind=customer&label=Region&key=Bad+Key&field_type=choice&options=");
    let (status, html) = post_form(&t, &cookie, "/settings/fields", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("value=\"Region\""), "{html}");
    assert!(html.contains("lowercase letters"), "{html}");

    let form = format!(
        "_csrf={csrf}&kind=customer&label=Region&key=region&field_type=choice&options=North%2C+South&required=on"
    );
    let (status, location) = post_form(&t, &cookie, "/settings/fields", form).await;
    assert_eq!(status, 303, "{location}");
    let fields = t.get("/api/v1/fields?kind=customer", &admin).await;
    assert_eq!(fields.body[0]["key"], "region", "{}", fields.text);
    assert_eq!(fields.body[0]["options"], json!(["North", "South"]));
    let id = fields.body[0]["id"].as_i64().expect("id");
    // The customer form now asks for it.
    let (_, html) = page(&t, &cookie, "/customers/new", "en").await;
    assert!(html.contains("name=\"custom.region\""));
    let form =
        format!("_csrf={csrf}&kind=customer&label=Sales+region&options=North%2C+South%2C+East");
    let (status, _) = post_form(&t, &cookie, &format!("/settings/fields/{id}"), form).await;
    assert_eq!(status, 303);
    let fields = t.get("/api/v1/fields?kind=customer", &admin).await;
    assert_eq!(fields.body[0]["label"], "Sales region");
    assert_eq!(
        fields.body[0]["required"], false,
        "an unticked box clears it"
    );

    // Options: add one, retire it; it is no longer offered.
    let form = format!("_csrf={csrf}&kind=customer&list=customer%3Aindustry_id&label=Shipbuilding");
    let (status, _) = post_form(&t, &cookie, "/settings/options", form).await;
    assert_eq!(status, 303);
    let options = t.get("/api/v1/options", &admin).await;
    let made = options
        .body
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["label"] == "Shipbuilding")
        .cloned()
        .expect("made");
    let option = made["id"].as_i64().expect("id");
    let form = format!("_csrf={csrf}&kind=customer&change=retire");
    let (status, _) = post_form(&t, &cookie, &format!("/settings/options/{option}"), form).await;
    assert_eq!(status, 303);
    let options = t.get("/api/v1/options", &admin).await;
    let retired = options
        .body
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["id"] == option)
        .cloned()
        .expect("kept");
    assert_eq!(retired["active"], false);
    assert_eq!(retired["label"], "Shipbuilding", "retiring keeps the label");
    let (status, html) = page(&t, &cookie, "/settings/fields", "zh-Hant").await;
    assert_eq!(status, 200);
    assert!(html.contains("已停用") && html.contains("Sales region"));
}
