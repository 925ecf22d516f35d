//! Flow conditions on yes/no fields compare as yes or no; lead conversion
//! and the duplicate hint never name a customer the caller cannot see; list
//! pages say why they ignored a sort or a page link; statuses sort in a
//! business order; an API `limit` out of range is refused.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer, first_error, sales_team, submit};

async fn contract_status(t: &TestApp, token: &str, id: i64) -> String {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), token).await;
    detail.body["status"].as_str().expect("status").to_string()
}

async fn approve(t: &TestApp, token: &str, id: i64) {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), token).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("contract {id} waits: {}", detail.text));
    let answer = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            token,
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

fn urgent_flow(value: Value, op: &str) -> Value {
    json!({
        "kind": "contract",
        "name": "加急審批",
        "active": true,
        "definition": { "steps": [
            { "name": "直屬上級", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
            { "name": "加急", "approvers": { "users": [1] }, "mode": "any_one",
              "condition": [{ "field": "urgent", "op": op, "value": value }] }
        ] }
    })
}

#[tokio::test]
async fn a_flow_on_a_yes_no_field_compares_yes_and_no() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let field = t
        .post(
            "/api/v1/fields",
            &team.admin,
            json!({ "kind": "contract", "key": "urgent", "label": "加急", "field_type": "bool" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);

    // Neither an order nor a text that is no yes/no.
    let ordered = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            urgent_flow(json!({ "bool": true }), "gt"),
        )
        .await;
    assert_eq!(ordered.status, 422, "{}", ordered.text);
    let maybe = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            urgent_flow(json!({ "text": "maybe" }), "eq"),
        )
        .await;
    assert_eq!(maybe.status, 422, "{}", maybe.text);
    assert_eq!(
        first_error(&maybe),
        (
            "definition.steps.1.condition.0".into(),
            "condition_needs_yes_no".into()
        )
    );
    assert!(maybe.text.contains("yes or no"), "{}", maybe.text);

    // "是" written as a text is yes, and is kept as yes.
    let created = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            urgent_flow(json!({ "text": "是" }), "eq"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.body["definition"]["steps"][1]["condition"][0]["value"],
        json!({ "bool": true }),
        "{}",
        created.text
    );

    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    let client = customer(&t, rep, "加急客戶").await;
    let mut urgent = Vec::new();
    for (name, value) in [
        ("true", json!(true)),
        ("1", json!("1")),
        ("是", json!("是")),
    ] {
        let id = create(
            &t,
            rep,
            "/api/v1/contracts",
            json!({ "name": format!("加急 {name}"), "customer_id": client, "amount": "1000",
                    "custom": { "urgent": value } }),
        )
        .await;
        urgent.push(id);
    }
    let calm = create(
        &t,
        rep,
        "/api/v1/contracts",
        json!({ "name": "不急", "customer_id": client, "amount": "1000",
                "custom": { "urgent": "否" } }),
    )
    .await;

    // Not urgent: the superior alone.
    assert_eq!(submit(&t, rep, "contracts", calm).await, "in_approval");
    approve(&t, manager, calm).await;
    assert_eq!(contract_status(&t, rep, calm).await, "approved");

    // Urgent however it was written: the superior, then the administrator.
    for id in urgent {
        assert_eq!(submit(&t, rep, "contracts", id).await, "in_approval");
        approve(&t, manager, id).await;
        assert_eq!(
            contract_status(&t, rep, id).await,
            "in_approval",
            "contract {id}"
        );
        approve(&t, &team.admin, id).await;
        assert_eq!(contract_status(&t, rep, id).await, "approved");
    }
}

/// Lets the sales team's second rep work with leads too, their own only.
async fn leads_for(t: &TestApp, admin: &str, user: i64) {
    let role = t
        .role(
            admin,
            "Leads",
            &[
                "lead.view",
                "lead.create",
                "lead.edit",
                "lead.convert",
                "customer.view",
                "customer.create",
                "customer.edit",
            ],
            json!({ "lead": { "scope": "own" }, "customer": { "scope": "own" } }),
        )
        .await;
    let current = t.get(&format!("/api/v1/users/{user}"), admin).await;
    let mut roles = current.body["role_ids"].as_array().expect("roles").clone();
    roles.push(json!(role));
    let patched = t
        .patch(
            &format!("/api/v1/users/{user}"),
            admin,
            json!({ "role_ids": roles }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
}

#[tokio::test]
async fn a_customer_outside_the_view_is_neither_named_nor_numbered() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other) = (team.rep.1.as_str(), team.other_rep.1.as_str());
    // Ids that differ from the lead's, so the answer cannot show it by chance.
    customer(&t, rep, "第一商業銀行").await;
    customer(&t, rep, "華南商業銀行").await;
    let hidden = customer(&t, rep, "台灣積體電路製造股份有限公司").await;
    leads_for(&t, &team.admin, team.other_rep.0).await;
    let lead = create(
        &t,
        other,
        "/api/v1/leads",
        json!({ "name": "台灣積體電路製造", "contact_name": "王經理" }),
    )
    .await;
    assert_ne!(lead, hidden);

    let asked = t
        .post("/api/v1/leads/convert", other, json!({ "ids": [lead] }))
        .await;
    assert_eq!(asked.status, 409, "{}", asked.text);
    assert_eq!(asked.body["code"], "duplicate_customer");
    let found = &asked.body["duplicates"][0]["matches"][0];
    assert_eq!(found["visible"], false, "{}", asked.text);
    assert_eq!(found["id"], Value::Null, "{}", asked.text);
    assert_eq!(found["name"], Value::Null, "{}", asked.text);
    assert_eq!(found["matched"], json!(["name"]));
    assert!(
        asked
            .text
            .contains("a customer that exists outside your view"),
        "{}",
        asked.text
    );
    assert!(
        !asked.text.contains(&format!("#{hidden}")),
        "{}",
        asked.text
    );
    assert!(!asked.text.contains("股份有限公司"), "{}", asked.text);

    // Guessing the id says nothing more than a wrong guess.
    let guessed = t
        .post(
            "/api/v1/leads/convert",
            other,
            json!({ "ids": [lead], "on_duplicate": "link", "customer_id": hidden }),
        )
        .await;
    assert_eq!(guessed.status, 409, "{}", guessed.text);
    assert_eq!(guessed.body["duplicates"][0]["reason"], "not_a_match");
    let wrong = t
        .post(
            "/api/v1/leads/convert",
            other,
            json!({ "ids": [lead], "on_duplicate": "link", "customer_id": hidden + 100 }),
        )
        .await;
    assert_eq!(
        wrong.body["duplicates"][0]["reason"],
        guessed.body["duplicates"][0]["reason"]
    );

    // In Chinese too.
    let zh = t
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/leads/convert")
                .header("authorization", format!("Bearer {other}"))
                .header("accept-language", "zh-Hant")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(json!({ "ids": [lead] }).to_string()))
                .expect("request"),
        )
        .await;
    assert_eq!(zh.status, 409, "{}", zh.text);
    assert!(zh.text.contains("一個您看不到的既有客戶"), "{}", zh.text);

    // The hint while typing: that it exists, not which it is.
    let name = crate::helpers::urlencode("台灣積體電路製造");
    let path = format!("/api/v1/customers/duplicates?name={name}");
    let hint = t.get(&path, other).await;
    assert_eq!(hint.status, 200, "{}", hint.text);
    assert_eq!(hint.body[0]["visible"], false, "{}", hint.text);
    assert_eq!(hint.body[0]["id"], Value::Null, "{}", hint.text);
    assert_eq!(hint.body[0]["name"], Value::Null, "{}", hint.text);
    // Its owner sees which.
    let own = t.get(&path, rep).await;
    assert_eq!(own.body[0]["id"], hidden, "{}", own.text);
    assert_eq!(own.body[0]["visible"], true);
}

fn urlencoded(text: &str) -> String {
    crate::helpers::urlencode(text)
}

#[tokio::test]
async fn list_pages_say_why_they_ignore_a_sort_or_a_page_link() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let mut clients = Vec::new();
    for name in ["甲公司", "乙公司", "丙公司"] {
        clients.push(customer(&t, rep, name).await);
    }
    for amount in ["100", "300", "200"] {
        crate::sales_fixtures::contract(&t, rep, clients[0], amount).await;
    }

    // Customers: a column the list does not sort by.
    let (status, html) = crate::helpers::page(&t, &cookie, "/customers?sort=colour", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("This list cannot be sorted by “colour”"),
        "{html}"
    );
    assert!(html.contains("the newest first"), "{html}");
    for name in ["甲公司", "乙公司", "丙公司"] {
        assert!(html.contains(name), "the list is still shown: {html}");
    }
    let (_, html) = crate::helpers::page(&t, &cookie, "/customers?sort=colour", "zh-Hant").await;
    assert!(html.contains("此列表不能依「colour」排序"), "{html}");
    // A sort it offers says nothing.
    let (_, html) = crate::helpers::page(&t, &cookie, "/customers?sort=name&dir=asc", "en").await;
    assert!(!html.contains("list-note"), "{html}");

    // Customers: a page link made under another sort starts again.
    let by_name = t.get("/api/v1/customers?sort=name&limit=1", rep).await;
    let cursor = by_name.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let path = format!("/customers?cursor={}", urlencoded(&cursor));
    let (status, html) = crate::helpers::page(&t, &cookie, &path, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("The page link was made for another sort of this list"),
        "{html}"
    );
    for name in ["甲公司", "乙公司", "丙公司"] {
        assert!(html.contains(name), "the first page is shown: {html}");
    }

    // Contracts: the same two.
    let (status, html) = crate::helpers::page(&t, &cookie, "/contracts?sort=-colour", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("This list cannot be sorted by “colour”"),
        "{html}"
    );
    for amount in ["CNY 100.00", "CNY 200.00", "CNY 300.00"] {
        assert!(html.contains(amount), "the list is still shown: {html}");
    }
    let by_amount = t.get("/api/v1/contracts?sort=amount&limit=1", rep).await;
    let cursor = by_amount.body["next_cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("a next page: {}", by_amount.text))
        .to_string();
    let path = format!("/contracts?sort=name&cursor={}", urlencoded(&cursor));
    let (status, html) = crate::helpers::page(&t, &cookie, &path, "zh-Hans").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("这个翻页链接来自此列表的另一种排序"),
        "{html}"
    );
    for amount in ["CNY 100.00", "CNY 200.00", "CNY 300.00"] {
        assert!(html.contains(amount), "the first page is shown: {html}");
    }
    // The API still refuses both.
    let refused = t.get("/api/v1/contracts?sort=colour", rep).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
}

/// The statuses of a list's items, in its order, page by page.
async fn statuses(t: &TestApp, token: &str, path: &str, field: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t.get(&format!("{path}&limit=2{cursor}"), token).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for item in page.body["items"].as_array().expect("items") {
            let item = item.get("opportunity").unwrap_or(item);
            found.push(item[field].as_str().expect("a status").to_string());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={}", urlencoded(next)),
            None => return found,
        }
    }
}

#[tokio::test]
async fn statuses_and_outcomes_sort_in_their_business_order() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "排序客戶").await;
    // Stored in an order that is neither the business order nor the codes'.
    let stored = [
        "void",
        "approved",
        "draft",
        "withdrawn",
        "in_approval",
        "rejected",
    ];
    for (place, status) in stored.iter().enumerate() {
        let id = crate::sales_fixtures::contract(&t, rep, client, &format!("{}", place + 1)).await;
        t.sql(&format!(
            "update contracts set status = '{status}' where id = {id}"
        ))
        .await;
    }
    let business = [
        "draft",
        "in_approval",
        "approved",
        "rejected",
        "withdrawn",
        "void",
    ];
    let found = statuses(&t, rep, "/api/v1/contracts?sort=status", "status").await;
    assert_eq!(found, business);
    let mut backwards = business.to_vec();
    backwards.reverse();
    let found = statuses(&t, rep, "/api/v1/contracts?sort=-status", "status").await;
    assert_eq!(found, backwards);

    let outcomes = ["won", "invalid", "open", "lost"];
    for outcome in outcomes {
        let id = create(
            &t,
            rep,
            "/api/v1/opportunities",
            json!({ "name": format!("商機 {outcome}"), "customer_id": client, "amount": "10" }),
        )
        .await;
        t.sql(&format!(
            "update opportunities set outcome = '{outcome}' where id = {id}"
        ))
        .await;
    }
    let found = statuses(&t, rep, "/api/v1/opportunities?sort=outcome", "outcome").await;
    assert_eq!(found, ["open", "won", "lost", "invalid"]);
    let found = statuses(&t, rep, "/api/v1/opportunities?sort=-outcome", "outcome").await;
    assert_eq!(found, ["invalid", "lost", "won", "open"]);
}

#[tokio::test]
async fn an_api_limit_outside_its_range_is_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for path in [
        "/api/v1/customers?limit=500",
        "/api/v1/customers?limit=0",
        "/api/v1/contracts?limit=201",
        "/api/v1/approvals/waiting?limit=-3",
        "/api/v1/users?limit=1000",
    ] {
        let refused = t.get(path, &admin).await;
        assert_eq!(refused.status, 422, "{path}: {}", refused.text);
        assert_eq!(
            first_error(&refused),
            ("limit".into(), "limit_out_of_range".into()),
            "{path}"
        );
        assert!(refused.text.contains("from 1 to 200"), "{}", refused.text);
    }
    for path in ["/api/v1/customers?limit=200", "/api/v1/customers?limit=1"] {
        let answer = t.get(path, &admin).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
    }
    let zh = t
        .send(
            axum::http::Request::builder()
                .uri("/api/v1/customers?limit=201")
                .header("authorization", format!("Bearer {admin}"))
                .header("accept-language", "zh-Hans")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(zh.status, 422, "{}", zh.text);
    assert!(zh.text.contains("必须在 1 到 200 之间"), "{}", zh.text);
}
