//! Rules found by trying to break the sales modules: amounts that are not
//! numbers, line totals past any contract, payments that together pass the
//! contract's amount, currencies that must match, and flows that must name
//! what exists.

use serde_json::json;

use crate::helpers::TestApp;
use crate::sales_fixtures::{contract, customer, first_error, product, sales_team, submit};

#[tokio::test]
async fn amounts_must_be_numbers_and_lines_cannot_overflow() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for bad in ["12abc", "(5)", "12,34", "5%"] {
        let answer = t
            .post(
                "/api/v1/products",
                &admin,
                json!({ "name": format!("P {bad}"), "price": bad }),
            )
            .await;
        assert_eq!(answer.status, 422, "{bad}");
        assert_eq!(
            first_error(&answer),
            ("price".into(), "invalid_number".into()),
            "{bad}"
        );
    }
    let item = product(&t, &admin, "Widget", "10").await;
    let buyer = customer(&t, &admin, "Acme").await;
    let huge = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Huge", "customer_id": buyer, "lines": [{ "product_id": item, "price": "999999999999", "quantity": "1000" }] }),
        )
        .await;
    assert_eq!(huge.status, 422, "{}", huge.text);
    assert_eq!(first_error(&huge).1, "line_total_too_large");
    // The list still answers for everyone.
    assert_eq!(t.get("/api/v1/opportunities", &admin).await.status, 200);
}

#[tokio::test]
async fn drafts_together_cannot_pass_the_contract_unnoticed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Acme").await;
    let deal = contract(&t, &admin, buyer, "1000").await;
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    let pay = |amount: &str, confirm: bool| json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": amount, "confirm_exceeding": confirm });
    let first = t.post("/api/v1/payments", &admin, pay("600", false)).await;
    assert_eq!(first.status, 201, "{}", first.text);
    // A second draft would take the contract past its amount with the first.
    let second = t.post("/api/v1/payments", &admin, pay("600", false)).await;
    assert_eq!(
        first_error(&second),
        ("amount".into(), "exceeds_outstanding".into())
    );
    let confirmed = t.post("/api/v1/payments", &admin, pay("600", true)).await;
    assert_eq!(confirmed.status, 201);
    let future = t
        .post(
            "/api/v1/payments",
            &admin,
            json!({ "contract_id": deal, "received_on": "2030-01-01", "amount": "1" }),
        )
        .await;
    assert_eq!(
        first_error(&future),
        ("received_on".into(), "date_future".into())
    );
}

#[tokio::test]
async fn records_keep_their_currency_and_products_must_be_priced_in_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let dollars = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "Chip", "price": "5", "currency": "USD" }),
        )
        .await;
    let chip = dollars.body["id"].as_i64().expect("id");
    let yuan = product(&t, &admin, "Board", "10").await;
    let buyer = customer(&t, &admin, "Acme").await;
    // From its first product, an opportunity takes its currency.
    let deal = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Chips", "customer_id": buyer, "lines": [{ "product_id": chip }] }),
        )
        .await;
    assert_eq!(deal.status, 201, "{}", deal.text);
    assert_eq!(deal.body["currency"], "USD");
    let id = deal.body["id"].as_i64().expect("id");
    // A product priced in another currency cannot join it.
    let mixed = t
        .put(&format!("/api/v1/opportunities/{id}"), &admin, json!({ "name": "Chips", "customer_id": buyer, "lines": [{ "product_id": chip }, { "product_id": yuan }] }))
        .await;
    assert_eq!(
        first_error(&mixed),
        ("lines.1.product_id".into(), "currency_mismatch".into())
    );
    // An edit that names no currency keeps the record's.
    let kept = t
        .put(&format!("/api/v1/opportunities/{id}"), &admin, json!({ "name": "Chips, more", "customer_id": buyer, "lines": [{ "product_id": chip, "quantity": "2" }] }))
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    assert_eq!(kept.body["currency"], "USD");
    assert_eq!(kept.body["amount"], 1000);
}

#[tokio::test]
async fn one_flow_of_a_kind_is_active_and_it_names_what_exists() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let flow = |name: &str, approvers: serde_json::Value| json!({ "kind": "contract", "name": name, "definition": { "steps": [{ "name": "Step", "approvers": approvers, "mode": "any_one" }] } });
    let unknown = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            flow("Ghost", json!({ "users": [9999] })),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(first_error(&unknown).1, "user_unknown");
    let first = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            flow("First", json!({ "superior": { "levels": 1 } })),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let second = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            flow("Second", json!({ "users": [team.finance.0] })),
        )
        .await;
    assert_eq!(second.status, 201);
    let flows = t.get("/api/v1/approvals/flows", &team.admin).await;
    let active: Vec<&str> = flows
        .body
        .as_array()
        .expect("flows")
        .iter()
        .filter(|f| f["active"] == true)
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert_eq!(active, ["Second"]);
    // Stats are for those who manage approvals.
    assert_eq!(
        t.get("/api/v1/approvals/stats", &team.rep.1).await.status,
        403
    );
}

#[tokio::test]
async fn exports_need_their_permission_and_never_write_a_formula() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let mine = customer(&t, &team.rep.1, "Mine Ltd").await;
    let theirs = customer(&t, &team.other_rep.1, "Theirs Ltd").await;
    for (token, customer, name) in [
        (&team.rep.1, mine, "=HYPERLINK(\"x\")"),
        (&team.other_rep.1, theirs, "Secret deal"),
    ] {
        let made = t
            .post(
                "/api/v1/opportunities",
                token,
                json!({ "name": name, "customer_id": customer }),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    // Reps export nothing unless a role lets them; the administrator grants it.
    let refused = t
        .get("/api/v1/exports/opportunities?format=csv", &team.rep.1)
        .await;
    assert_eq!(refused.status, 403);
    let file = t
        .get("/api/v1/exports/opportunities?format=csv", &team.admin)
        .await;
    assert_eq!(file.status, 200);
    assert!(file.text.contains("'=HYPERLINK"), "{}", file.text);
    assert!(file.text.contains("Secret deal"));
    let manager = t
        .get("/api/v1/exports/opportunities?format=csv", &team.manager.1)
        .await;
    assert_eq!(manager.status, 403, "export is its own permission");
    assert_eq!(
        t.get("/api/v1/exports/spaceships", &team.admin)
            .await
            .status,
        404
    );
}

async fn upload(t: &TestApp, token: &str, path: &str, bytes: &str) -> crate::helpers::Answer {
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri(path)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/octet-stream")
        .body(axum::body::Body::from(bytes.to_string()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn products_import_all_or_nothing_by_code_or_name() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let existing = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "Servo", "code": "SV-1", "price": "100" }),
        )
        .await;
    assert_eq!(existing.status, 201);
    let motion = t
        .post(
            "/api/v1/product-categories",
            &admin,
            json!({ "name": "Motion" }),
        )
        .await;
    assert_eq!(motion.status, 201, "{}", motion.text);
    // Headers in Chinese; one bad price keeps every row out.
    let file = "名稱,產品編號,產品分類,單位,價格\nServo motor,SV-1,Motion,set,120\nGear,,Motion,box,12abc\n";
    let checked = upload(&t, &admin, "/api/v1/products/import?format=csv", file).await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(checked.body["written"], false);
    assert_eq!(checked.body["problems"][0]["row"], 3);
    assert_eq!(checked.body["problems"][0]["field"], "price");
    let list = t.get("/api/v1/products", &admin).await;
    assert_eq!(list.body["total"], 1, "nothing was written");

    let file = "名稱,產品編號,產品分類,單位,價格\nServo motor,SV-1,Motion,set,120\nGear,,Motion,box,\"1,200\"\n";
    let done = upload(&t, &admin, "/api/v1/products/import?format=csv", file).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(done.body["updated"], 1);
    assert_eq!(done.body["created"], 1);
    let servo = t
        .get(&format!("/api/v1/products/{}", existing.body["id"]), &admin)
        .await;
    assert_eq!(servo.body["name"], "Servo motor");
    assert_eq!(servo.body["price"], 12_000);
    let team = sales_team(&t).await;
    let refused = upload(&t, &team.rep.1, "/api/v1/products/import?format=csv", file).await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn opportunities_import_with_their_customer_pipeline_and_stage() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    customer(&t, &team.rep.1, "Acme 股份有限公司").await;
    customer(&t, &team.other_rep.1, "Hidden Ltd").await;
    let file = "Name,Customer,Stage,Amount,Expected close date\nRenewal,Acme,Needs confirmed,\"1,000\",2026/4/1\nSneaky,Hidden Ltd,,5,\n";
    // The rep's customer is found by its name without the company suffix;
    // another rep's customer is not the rep's to use.
    let refused = upload(
        &t,
        &team.rep.1,
        "/api/v1/opportunities/import?format=csv",
        file,
    )
    .await;
    assert_eq!(refused.status, 403, "the rep's role has no import");
    let grant = t
        .role(
            &team.admin,
            "Rep who imports",
            &[
                "customer.view",
                "opportunity.view",
                "opportunity.create",
                "opportunity.import",
            ],
            json!({ "customer": { "scope": "own" }, "opportunity": { "scope": "own" } }),
        )
        .await;
    let set = t
        .patch(
            &format!("/api/v1/users/{}", team.rep.0),
            &team.admin,
            json!({ "role_ids": [grant] }),
        )
        .await;
    assert!(set.status.is_success(), "{}", set.text);
    let checked = upload(
        &t,
        &team.rep.1,
        "/api/v1/opportunities/import?format=csv",
        file,
    )
    .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(checked.body["written"], false);
    assert_eq!(checked.body["problems"][0]["row"], 3);
    assert_eq!(checked.body["problems"][0]["field"], "customer_id");
    let file = "Name,Customer,Stage,Amount,Expected close date\nRenewal,Acme,Needs confirmed,\"1,000\",2026/4/1\n";
    let done = upload(
        &t,
        &team.rep.1,
        "/api/v1/opportunities/import?format=csv",
        file,
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let list = t.get("/api/v1/opportunities", &team.rep.1).await;
    let made = &list.body["items"][0];
    assert_eq!(made["name"], "Renewal");
    assert_eq!(made["amount"], 100_000);
    assert_eq!(made["expected_close_on"], "2026-04-01");
    assert_eq!(made["stage_name"], "Needs confirmed");
    let detail = t
        .get(
            &format!("/api/v1/opportunities/{}", made["id"]),
            &team.rep.1,
        )
        .await;
    assert_eq!(detail.body["stage_history"][0]["via"], "import");
}
