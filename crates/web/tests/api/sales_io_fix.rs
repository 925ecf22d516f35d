//! Payments and sales files: a payment belongs to its contract's owner
//! whoever records or imports it; import problems name custom fields by
//! their label; percent fields carry their sign; yen and won show whole.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, Answer, PASSWORD, TestApp, page};
use crate::sales_fixtures::{SalesTeam, contract, create, customer, sales_team, submit};

/// Uploads a file to an import endpoint (multipart), the answer in `lang`.
async fn upload_in(t: &TestApp, token: &str, path: &str, csv: &str, lang: &str) -> Answer {
    let boundary = "XSALESIOBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(request).await
}

/// An approved contract of the rep's for `amount`, and its number.
async fn rep_contract(t: &TestApp, team: &SalesTeam, amount: &str) -> (i64, String) {
    let client = customer(t, &team.rep.1, "Acme 股份有限公司").await;
    let id = contract(t, &team.rep.1, client, amount).await;
    assert_eq!(submit(t, &team.rep.1, "contracts", id).await, "approved");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    let number = detail.body["number"].as_str().expect("number").to_string();
    (id, number)
}

fn numbers(answer: &Answer) -> Vec<String> {
    answer.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| p["number"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn an_imported_payment_belongs_to_the_contracts_owner() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (_, number) = rep_contract(&t, &team, "1000").await;
    let csv = format!("Number,Contract,Date received,Amount\nPAY-IMP-1,{number},2026-01-05,300\n");
    let done = upload_in(&t, &team.admin, "/api/v1/payments/import", &csv, "en").await;
    assert_eq!(done.body["written"], true, "{}", done.text);

    // The rep owns it, lists it and submits it.
    let listed = t.get("/api/v1/payments", &team.rep.1).await;
    assert_eq!(numbers(&listed), vec!["PAY-IMP-1"], "{}", listed.text);
    let payment = &listed.body["items"][0];
    assert_eq!(payment["owner_id"], team.rep.0, "{}", listed.text);
    let id = payment["id"].as_i64().expect("id");
    assert_eq!(submit(&t, &team.rep.1, "payments", id).await, "approved");
    // Its manager counts it among their people's; the other rep sees nothing.
    let managed = t.get("/api/v1/payments", &team.manager.1).await;
    assert_eq!(numbers(&managed), vec!["PAY-IMP-1"], "{}", managed.text);
    let other = t.get("/api/v1/payments", &team.other_rep.1).await;
    assert!(numbers(&other).is_empty(), "{}", other.text);

    // An owner column names another owner, who must be in the importer's scope.
    let csv = format!(
        "Number,Contract,Date received,Amount,Owner\nPAY-IMP-2,{number},2026-01-06,100,0971000003\n"
    );
    let done = upload_in(&t, &team.admin, "/api/v1/payments/import", &csv, "en").await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let other = t.get("/api/v1/payments", &team.other_rep.1).await;
    assert_eq!(numbers(&other), vec!["PAY-IMP-2"], "{}", other.text);
    let csv = format!(
        "Number,Contract,Date received,Amount,Owner\nPAY-IMP-3,{number},2026-01-06,100,0971000003\n"
    );
    // A clerk who sees every contract but only their own payments.
    let scopes = json!({ "contract": { "scope": "all" }, "payment": { "scope": "own" } });
    let permissions = [
        "contract.view",
        "payment.view",
        "payment.create",
        "payment.import",
    ];
    let clerk_role = t.role(&team.admin, "Clerk", &permissions, scopes).await;
    t.user(
        &team.admin,
        "0971000009",
        json!({ "role_ids": [clerk_role] }),
    )
    .await;
    let clerk = t.login("0971000009", PASSWORD).await;
    let refused = upload_in(&t, &clerk, "/api/v1/payments/import", &csv, "en").await;
    assert_eq!(refused.body["written"], false, "{}", refused.text);
    let problem = &refused.body["problems"][0];
    assert_eq!(problem["field"], "owner_id", "{}", refused.text);
    assert_eq!(
        problem["code"], "payment_owner_out_of_scope",
        "{}",
        refused.text
    );
    let message = problem["message"].as_str().unwrap_or_default();
    assert!(message.contains("contract's owner"), "{message}");
    // Without the column, the clerk's payment is the rep's.
    let csv = format!("Number,Contract,Date received,Amount\nPAY-IMP-4,{number},2026-01-06,100\n");
    let done = upload_in(&t, &clerk, "/api/v1/payments/import", &csv, "en").await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let listed = t.get("/api/v1/payments", &team.rep.1).await;
    assert!(
        numbers(&listed).contains(&"PAY-IMP-4".to_string()),
        "{}",
        listed.text
    );
}

#[tokio::test]
async fn a_payment_recorded_by_a_team_member_belongs_to_the_contracts_owner() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (contract_id, _) = rep_contract(&t, &team, "1000").await;
    let joined = t
        .post(
            &format!("/api/v1/contracts/{contract_id}/team"),
            &team.admin,
            json!({ "user_id": team.other_rep.0, "can_write": true }),
        )
        .await;
    assert!(joined.status.is_success(), "{}", joined.text);
    let made = t
        .post(
            "/api/v1/payments",
            &team.other_rep.1,
            json!({ "contract_id": contract_id, "received_on": "2026-01-05", "amount": "200" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["owner_id"], team.rep.0, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    // The owner sees it; the one who recorded it still does, and submits it.
    let listed = t.get("/api/v1/payments", &team.rep.1).await;
    assert_eq!(numbers(&listed).len(), 1, "{}", listed.text);
    assert_eq!(
        submit(&t, &team.other_rep.1, "payments", id).await,
        "approved"
    );
}

/// A custom field named `key` labelled `label` of `field_type` on `kind`.
async fn field(t: &TestApp, admin: &str, kind: &str, key: &str, label: &str, field_type: &str) {
    let body = json!({ "kind": kind, "key": key, "label": label, "field_type": field_type,
                       "options": ["Wire", "Cheque"] });
    let made = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
}

/// The problems of a refused import: each one's column and message.
fn problems(answer: &Answer) -> Vec<(String, String)> {
    assert_eq!(answer.body["written"], false, "{}", answer.text);
    answer.body["problems"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap_or_default().to_string(),
                p["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn sales_import_problems_name_custom_fields_by_their_label() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    for kind in ["payment", "contract", "opportunity", "product"] {
        field(&t, admin, kind, "rate_x", "佣金比例", "percent").await;
    }
    let (_, number) = rep_contract(&t, &team, "1000").await;
    customer(&t, admin, "Globex 有限公司").await;
    let files = [
        (
            "/api/v1/payments/import",
            format!("Contract,Date received,Amount,佣金比例\n{number},2026-01-05,100,lots\n"),
        ),
        (
            "/api/v1/contracts/import",
            "Name,Customer,Amount,佣金比例\nDeal,Globex 有限公司,100,lots\n".to_string(),
        ),
        (
            "/api/v1/opportunities/import",
            "Name,Customer,Amount,佣金比例\nDeal,Globex 有限公司,100,lots\n".to_string(),
        ),
        (
            "/api/v1/products/import",
            "Name,Price,佣金比例\nRouter,100,lots\n".to_string(),
        ),
    ];
    for (path, csv) in files {
        let answer = upload_in(&t, admin, path, &csv, "zh-Hans").await;
        let found = problems(&answer);
        let custom: Vec<_> = found.iter().filter(|(f, _)| f == "custom.rate_x").collect();
        assert_eq!(custom.len(), 1, "{path}: {}", answer.text);
        let message = &custom[0].1;
        assert!(
            message.contains("佣金比例") && !message.contains("rate_x"),
            "{path}: {message}"
        );
    }
}

/// A contract in yen with a percent and a money field.
struct YenDeal {
    admin: String,
    client: i64,
    contract: i64,
}

async fn yen_deal(t: &TestApp) -> YenDeal {
    let admin = t.admin().await;
    field(t, &admin, "contract", "rate", "Commission", "percent").await;
    field(t, &admin, "contract", "fee", "Bank fee", "money").await;
    let client = customer(t, &admin, "Tokyo KK").await;
    let contract = create(
        t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Yen deal", "customer_id": client, "amount": "5000", "currency": "JPY",
                "custom": { "rate": "12.5", "fee": "1000.00" } }),
    )
    .await;
    YenDeal {
        admin,
        client,
        contract,
    }
}

#[tokio::test]
async fn yen_custom_money_takes_no_decimals_and_percents_carry_their_sign() {
    let t = TestApp::new().await;
    let deal = yen_deal(&t).await;
    let admin = deal.admin.as_str();
    // A whole amount typed with zero decimals is kept whole.
    let stored = t
        .get(&format!("/api/v1/contracts/{}", deal.contract), admin)
        .await;
    assert_eq!(stored.body["custom"]["fee"], "1000", "{}", stored.text);
    // Decimals in yen are refused, naming the field by its label and the currency.
    let refused = t
        .call(
            Method::POST,
            "/api/v1/contracts",
            Some(admin),
            Some(
                json!({ "name": "Yen", "customer_id": deal.client, "amount": "5000",
                         "currency": "JPY", "custom": { "fee": "10.5" } }),
            ),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let error = &refused.body["errors"][0];
    assert_eq!(error["field"], "custom.fee", "{}", refused.text);
    assert_eq!(error["code"], "whole_amount_only", "{}", refused.text);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Bank fee") && message.contains("JPY"),
        "{message}"
    );
    // In dollars the same decimals are fine.
    let dollars = t
        .post(
            "/api/v1/contracts",
            admin,
            json!({ "name": "Usd", "customer_id": deal.client, "amount": "5000",
                    "currency": "USD", "custom": { "fee": "10.5", "rate": "7%" } }),
        )
        .await;
    assert_eq!(dollars.status, 201, "{}", dollars.text);
    assert_eq!(dollars.body["custom"]["rate"], "7", "{}", dollars.text);
}

#[tokio::test]
async fn yen_and_percent_values_read_whole_and_signed_on_pages_and_in_exports() {
    let mut t = TestApp::new().await;
    let deal = yen_deal(&t).await;
    let admin = deal.admin.as_str();
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let id = deal.contract;

    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(html.contains("<dd>12.5%</dd>"), "{html}");
    assert!(html.contains("<dd>1,000</dd>"), "{html}");
    // The form is filled with whole yen.
    let (_, form) = page(&t, &cookie, &format!("/contracts/{id}/edit"), "en").await;
    assert!(form.contains("value=\"5000\""), "{form}");
    assert!(!form.contains("5000.00"), "{form}");
    // A list column of the percent field carries the sign.
    let chosen = t
        .put(
            "/api/v1/list-columns/contracts",
            admin,
            json!({ "columns": ["number", "amount", "custom.rate"] }),
        )
        .await;
    assert!(chosen.status.is_success(), "{}", chosen.text);
    let (_, list) = page(&t, &cookie, "/contracts", "en").await;
    assert!(list.contains(">12.5%<"), "{list}");
    // The export writes yen whole and the percent with its sign.
    let file = t.get("/api/v1/exports/contracts?format=csv", admin).await;
    assert_eq!(file.status, 200, "{}", file.text);
    let row = file.text.lines().nth(1).unwrap_or_default().to_string();
    assert!(row.contains(",5000,") && !row.contains("5000.00"), "{row}");
    assert!(row.contains(",12.5%") && row.contains(",1000"), "{row}");

    // Approved, its payment form is filled with what is outstanding, whole.
    assert_eq!(submit(&t, admin, "contracts", id).await, "approved");
    let (_, form) = page(
        &t,
        &cookie,
        &format!("/payments/new?contract_id={id}"),
        "en",
    )
    .await;
    assert!(form.contains("value=\"5000\""), "{form}");

    // With yen as the company currency, the dashboard and the sales report
    // write 5,000 yen whole.
    t.sql("insert into company_settings (key, value) values ('currency', 'JPY')")
        .await;
    t.restart().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for path in ["/dashboard", "/reports/sales?by=owner"] {
        let (status, html) = page(&t, &cookie, path, "en").await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("5,000"), "{path}: {html}");
        assert!(!html.contains("5,000.00"), "{path}: {html}");
    }
}

#[tokio::test]
async fn product_lines_in_the_change_log_write_yen_whole() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Tokyo KK").await;
    let router = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Router", "price": "100", "currency": "JPY" }),
    )
    .await;
    let deal = create(
        &t,
        &admin,
        "/api/v1/opportunities",
        json!({ "name": "Deal", "customer_id": client, "currency": "JPY",
                "lines": [{ "product_id": router, "quantity": "2" }] }),
    )
    .await;
    let edited = t
        .put(
            &format!("/api/v1/opportunities/{deal}"),
            &admin,
            json!({ "name": "Deal", "customer_id": client, "currency": "JPY", "version": 1,
                    "lines": [{ "product_id": router, "quantity": "3" }] }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let log = edited.body["change_log"].to_string();
    assert!(
        log.contains("Router × 2 @ 100\"") && log.contains("Router × 3 @ 100\""),
        "{log}"
    );
    // The export's lines read the same, and the amount is whole.
    let file = t
        .get("/api/v1/exports/opportunities?format=csv", &admin)
        .await;
    assert!(file.text.contains("Router × 3 @ 100"), "{}", file.text);
    assert!(!file.text.contains("300.00"), "{}", file.text);
}
