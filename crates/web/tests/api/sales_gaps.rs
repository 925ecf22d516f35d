//! Sales gaps: a payment refused for going past what its contract has
//! outstanding names the payments not yet approved it counted, in the
//! caller's language and as a list for programs.

use serde_json::json;

use crate::flow_fix::call_in;
use crate::sales_fixtures::{contract, create, customer, first_error, sales_team, submit};

#[tokio::test]
async fn a_payment_past_what_is_outstanding_names_the_payments_not_yet_approved() {
    let t = crate::helpers::TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "台灣大哥大").await;
    let id = contract(&t, rep, client, "10000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let draft = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "6000" }),
    )
    .await;
    let number = t.get(&format!("/api/v1/payments/{draft}"), rep).await.body["number"]
        .as_str()
        .expect("number")
        .to_string();

    let body = json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "5000" });
    let english = call_in(&t, "en", "/api/v1/payments", rep, Some(body.clone())).await;
    assert_eq!(english.status, 422, "{}", english.text);
    assert_eq!(
        first_error(&english),
        ("amount".into(), "exceeds_outstanding".into())
    );
    let error = &english.body["errors"][0];
    let message = error["message"].as_str().expect("message");
    assert!(message.contains(&number), "{message}");
    assert!(message.contains("6,000"), "{message}");
    assert!(message.contains("(Draft)"), "{message}");
    assert!(!message.contains("payment form"), "{message}");
    let pending = error["pending"].as_array().expect("pending");
    assert_eq!(pending.len(), 1, "{}", english.text);
    assert_eq!(pending[0]["id"], draft);
    assert_eq!(pending[0]["number"], number.as_str());
    assert_eq!(pending[0]["amount"], 600_000);
    assert_eq!(pending[0]["status"], "draft");
    assert_eq!(pending[0]["status_name"], "Draft");

    let chinese = call_in(&t, "zh-Hant", "/api/v1/payments", rep, Some(body)).await;
    let message = chinese.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains(&number), "{message}");
    assert!(message.contains("草稿"), "{message}");
    assert!(message.contains("尚未核准的回款"), "{message}");
    assert_eq!(
        chinese.body["errors"][0]["pending"][0]["status_name"],
        "草稿"
    );

    // Nothing pending, nothing named: the refusal keeps its own words.
    t.call(
        axum::http::Method::DELETE,
        &format!("/api/v1/payments/{draft}"),
        Some(rep),
        None,
    )
    .await;
    let alone = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "10000.01" }),
        )
        .await;
    assert_eq!(
        first_error(&alone),
        ("amount".into(), "exceeds_outstanding".into())
    );
    assert!(
        alone.body["errors"][0].get("pending").is_none(),
        "{}",
        alone.text
    );
}

/// The names of the roles a list answers, in order.
fn role_names(answer: &crate::helpers::Answer) -> Vec<String> {
    let items = answer.body["items"]
        .as_array()
        .or_else(|| answer.body.as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_string))
        .collect()
}

/// The payment methods of the options list, as `(id, key, label)`.
fn payment_methods(answer: &crate::helpers::Answer) -> Vec<(i64, String, String)> {
    answer
        .body
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["kind"] == "payment" && o["field"] == "method_id")
        .map(|o| {
            (
                o["id"].as_i64().expect("id"),
                o["builtin_key"].as_str().unwrap_or_default().to_string(),
                o["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_english_viewer_sees_built_in_roles_and_payment_methods_in_english_on_a_chinese_company()
{
    let t = crate::helpers::TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;

    let english = role_names(&t.get("/api/v1/roles", &admin).await);
    for name in [
        "Super administrator",
        "Administrator",
        "Sales manager",
        "Sales rep",
    ] {
        assert!(english.iter().any(|n| n == name), "{english:?}");
    }
    assert!(!english.iter().any(|n| n == "銷售代表"), "{english:?}");
    let chinese = role_names(&call_in(&t, "zh-Hant", "/api/v1/roles", &admin, None).await);
    assert!(chinese.iter().any(|n| n == "銷售代表"), "{chinese:?}");
    let me = t.get("/api/v1/auth/me", &admin).await;
    assert_eq!(
        me.body["roles"],
        json!(["Super administrator"]),
        "{}",
        me.text
    );

    // The report builder's share list and the pool settings name them so.
    let catalog = t
        .get("/api/v1/custom-reports/catalog/customers", &admin)
        .await;
    assert!(catalog.text.contains("\"Sales rep\""), "{}", catalog.text);
    assert!(!catalog.text.contains("銷售代表"), "{}", catalog.text);

    let methods = payment_methods(&t.get("/api/v1/options", &admin).await);
    let labels: Vec<&str> = methods.iter().map(|(_, _, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["Bank transfer", "Cheque", "Cash", "Credit card", "Other"]
    );
    assert_eq!(methods[0].1, "bank_transfer");
    let stored = payment_methods(&call_in(&t, "zh-Hant", "/api/v1/options", &admin, None).await);
    assert_eq!(stored[0].2, "銀行轉帳");

    // The pages name them so too.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, roles_page) = crate::helpers::page(&t, &cookie, "/roles", "en").await;
    assert!(roles_page.contains("Sales rep"), "{roles_page}");
    assert!(!roles_page.contains("銷售代表"), "{roles_page}");

    // Sent back as shown, a name stays as stored; renamed, it is shown as
    // the administrator wrote it, in every language.
    let rep = t.get("/api/v1/roles", &admin).await.body["items"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["code"] == "sales_rep")
        .and_then(|r| r["id"].as_i64())
        .expect("sales rep");
    let kept = t
        .patch(
            &format!("/api/v1/roles/{rep}"),
            &admin,
            json!({ "name": "Sales rep" }),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    let chinese = role_names(&call_in(&t, "zh-Hant", "/api/v1/roles", &admin, None).await);
    assert!(chinese.iter().any(|n| n == "銷售代表"), "{chinese:?}");
    let renamed = t
        .patch(
            &format!("/api/v1/roles/{rep}"),
            &admin,
            json!({ "name": "業務同仁" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let english = role_names(&t.get("/api/v1/roles", &admin).await);
    assert!(english.iter().any(|n| n == "業務同仁"), "{english:?}");

    let cash = methods[2].0;
    let renamed = t
        .patch(
            &format!("/api/v1/options/{cash}"),
            &admin,
            json!({ "label": "現金（櫃檯）" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let labels = payment_methods(&t.get("/api/v1/options", &admin).await);
    assert_eq!(labels[2].2, "現金（櫃檯）");
    assert_eq!(labels[1].2, "Cheque");
}

#[tokio::test]
async fn a_payment_saved_on_an_old_version_answers_409_with_what_changed() {
    let t = crate::helpers::TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "中華電信").await;
    let id = contract(&t, rep, client, "10000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "1000" }),
    )
    .await;
    let path = format!("/api/v1/payments/{payment}");
    let first = t
        .put(&path, rep, json!({ "amount": "2000", "version": 1 }))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);

    let late = t
        .put(
            &path,
            rep,
            json!({ "amount": "3000", "notes": "late", "version": 1 }),
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.text);
    assert_eq!(late.body["code"], "stale");
    assert_eq!(late.body["version"], 2);
    assert_eq!(late.body["current"]["amount"], 200_000);
    let changes = late.body["changes"].as_array().expect("changes");
    let amount = changes
        .iter()
        .find(|c| c["field"] == "amount")
        .expect("amount changed");
    assert_eq!(amount["theirs"], "2000.00");
    assert_eq!(amount["yours"], "3000");
    let stored = t.get(&path, rep).await;
    assert_eq!(stored.body["amount"], 200_000, "nothing saved");
    assert_eq!(stored.body["notes"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_request_saved_on_an_old_version_answers_409_with_what_changed() {
    let t = crate::helpers::TestApp::new().await;
    let team = sales_team(&t).await;
    let form = json!({
        "kind": "refund",
        "name": "Refund",
        "fields": [
            { "key": "amount", "label": "Refund amount", "field_type": "money", "required": true },
            { "key": "note", "label": "Note", "field_type": "long_text" }
        ]
    });
    let saved = t.put("/api/v1/requests/kinds", &team.admin, form).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let rep = team.rep.1.as_str();
    let id = create(
        &t,
        rep,
        "/api/v1/requests",
        json!({ "kind": "refund", "title": "Order 1024", "fields": { "amount": "1,500.50" } }),
    )
    .await;
    let path = format!("/api/v1/requests/{id}");
    let first = t
        .put(
            &path,
            rep,
            json!({ "title": "Order 1024", "fields": { "amount": "1,500.50", "note": "twice" }, "version": 1 }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);

    let late = t
        .put(
            &path,
            rep,
            json!({ "title": "Order 1025", "fields": { "amount": "1500.5" }, "version": 1 }),
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.text);
    assert_eq!(late.body["code"], "stale");
    assert_eq!(late.body["version"], 2);
    assert_eq!(late.body["current"]["title"], "Order 1024");
    let changed: Vec<&str> = late.body["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    // The note left out would keep its stored value: not a change.
    assert_eq!(changed, ["title"], "{}", late.text);
    let stored = t.get(&path, rep).await;
    assert_eq!(stored.body["title"], "Order 1024");
    assert_eq!(stored.body["fields"]["note"], "twice");
}
