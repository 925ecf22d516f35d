//! API edits keep what their body leaves out, and an `Idempotency-Key` sent
//! again with another body is refused.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{create, customer, product};

/// A field of `kind` for the custom values the tests keep.
async fn region_field(t: &TestApp, admin: &str, kind: &str) {
    let body = json!({ "kind": kind, "key": "region", "label": "Region", "field_type": "text" });
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

fn put_ok(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 200, "{}", answer.text);
    &answer.body
}

#[tokio::test]
async fn a_partial_opportunity_edit_keeps_lines_amount_contacts_and_custom_values() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let widget = product(&t, &admin, "Widget", "100").await;
    region_field(&t, &admin, "opportunity").await;
    let contact = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "Lin" }),
    )
    .await;
    let id = create(
        &t,
        &admin,
        "/api/v1/opportunities",
        json!({
            "name": "Deal", "customer_id": acme, "notes": "first call",
            "expected_close_on": "2026-06-30",
            "lines": [{ "product_id": widget, "quantity": "2", "discount": "10" }],
            "contact_ids": [contact], "custom": { "region": "North" }
        }),
    )
    .await;
    let path = format!("/api/v1/opportunities/{id}");
    let created = t.get(&path, &admin).await.body;
    assert_eq!(created["amount"], 18000, "{created}");

    // Only the name: everything else stays as it was.
    let renamed = t.put(&path, &admin, json!({ "name": "Bigger deal" })).await;
    let body = put_ok(&renamed);
    assert_eq!(body["name"], "Bigger deal");
    assert_eq!(body["lines"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["lines"][0]["quantity"], 2000);
    assert_eq!(body["lines"][0]["discount"], 1000);
    assert_eq!(body["amount"], 18000);
    assert_eq!(body["amount_by_hand"], false);
    assert_eq!(body["contacts"][0][0], contact, "{body}");
    assert_eq!(body["custom"]["region"], "North");
    assert_eq!(body["notes"], "first call");
    assert_eq!(body["expected_close_on"], "2026-06-30");

    // The amount goes on following new lines…
    let more = json!({ "lines": [{ "product_id": widget, "quantity": "3" }] });
    let body = put_ok(&t.put(&path, &admin, more).await).clone();
    assert_eq!(body["amount"], 30000, "{body}");
    // …an amount by hand stays by hand when the lines change…
    put_ok(&t.put(&path, &admin, json!({ "amount": "999" })).await);
    let fewer = json!({ "lines": [{ "product_id": widget, "quantity": "1" }] });
    let body = put_ok(&t.put(&path, &admin, fewer).await).clone();
    assert_eq!(body["amount"], 99900, "{body}");
    assert_eq!(body["amount_by_hand"], true);
    // …and `null` lets it follow them again.
    let body = put_ok(&t.put(&path, &admin, json!({ "amount": null })).await).clone();
    assert_eq!(body["amount"], 10000, "{body}");
    assert_eq!(body["amount_by_hand"], false);

    // Sent empty, a list is cleared; a custom value sent as null is cleared.
    let cleared =
        json!({ "lines": [], "contact_ids": [], "custom": { "region": null }, "notes": null });
    let body = put_ok(&t.put(&path, &admin, cleared).await).clone();
    assert_eq!(body["lines"], json!([]), "{body}");
    assert_eq!(body["amount"], 0);
    assert_eq!(body["contacts"], json!([]));
    assert!(body["custom"].get("region").is_none(), "{body}");
    assert_eq!(body["notes"], Value::Null);
    assert_eq!(body["name"], "Bigger deal");

    // A version read before another save is still refused.
    let stale = json!({ "name": "Late", "version": created["version"] });
    assert_eq!(t.put(&path, &admin, stale).await.status, 409);
    // Bad input is named by its field and saves nothing.
    let bad = t
        .put(&path, &admin, json!({ "expected_close_on": "2026-02-30" }))
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.body["errors"][0]["field"], "expected_close_on");
    assert_eq!(t.get(&path, &admin).await.body["name"], "Bigger deal");
}

#[tokio::test]
async fn a_partial_contract_edit_keeps_lines_amount_and_custom_values() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let widget = product(&t, &admin, "Widget", "250").await;
    region_field(&t, &admin, "contract").await;
    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({
            "name": "Supply", "customer_id": acme, "signed_on": "2026-03-01",
            "lines": [{ "product_id": widget, "quantity": "4" }],
            "custom": { "region": "South" }
        }),
    )
    .await;
    let path = format!("/api/v1/contracts/{id}");
    let body = put_ok(&t.put(&path, &admin, json!({ "notes": "rush" })).await).clone();
    assert_eq!(body["lines"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["amount"], 100000);
    assert_eq!(body["custom"]["region"], "South");
    assert_eq!(body["signed_on"], "2026-03-01");
    assert_eq!(body["name"], "Supply");
    assert_eq!(body["notes"], "rush");

    let body = put_ok(&t.put(&path, &admin, json!({ "lines": [] })).await).clone();
    assert_eq!(body["lines"], json!([]), "{body}");
    assert_eq!(body["amount"], 0);
    assert_eq!(body["custom"]["region"], "South");
    assert_eq!(body["notes"], "rush");
}

#[tokio::test]
async fn partial_edits_of_payments_products_leads_and_contacts_keep_the_rest() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;

    let widget = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Widget", "price": "12.50", "unit": "box", "description": "Blue" }),
    )
    .await;
    let path = format!("/api/v1/products/{widget}");
    let body = put_ok(&t.put(&path, &admin, json!({ "name": "Widget 2" })).await).clone();
    assert_eq!(body["price"], 1250, "{body}");
    assert_eq!(body["unit"], "box");
    assert_eq!(body["description"], "Blue");

    let lead = create(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Beta", "phone": "02-2345-6789", "notes": "met at fair" }),
    )
    .await;
    let path = format!("/api/v1/leads/{lead}");
    let body = put_ok(
        &t.put(&path, &admin, json!({ "contact_name": "Chen" }))
            .await,
    )
    .clone();
    assert_eq!(body["contact_name"], "Chen");
    assert_eq!(body["notes"], "met at fair", "{body}");
    assert!(
        body["phone"].as_str().is_some_and(|p| !p.is_empty()),
        "{body}"
    );

    let contact = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "Lin", "is_primary": true, "post": "Buyer" }),
    )
    .await;
    let path = format!("/api/v1/contacts/{contact}");
    let body = put_ok(
        &t.put(&path, &admin, json!({ "notes": "prefers mail" }))
            .await,
    )
    .clone();
    assert_eq!(body["is_primary"], true, "{body}");
    assert_eq!(body["post"], "Buyer");
    assert_eq!(body["name"], "Lin");

    let contract = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "C", "customer_id": acme, "amount": "500" }),
    )
    .await;
    assert_eq!(
        crate::sales_fixtures::submit(&t, &admin, "contracts", contract).await,
        "approved"
    );
    let payment = create(
        &t,
        &admin,
        "/api/v1/payments",
        json!({ "contract_id": contract, "received_on": "2026-03-01", "amount": "120", "notes": "wire" }),
    )
    .await;
    let path = format!("/api/v1/payments/{payment}");
    let body = put_ok(&t.put(&path, &admin, json!({ "amount": "130" })).await).clone();
    assert_eq!(body["amount"], 13000, "{body}");
    assert_eq!(body["notes"], "wire");
    assert_eq!(body["received_on"], "2026-03-01");
}

/// A POST with an `Idempotency-Key`, in Traditional Chinese.
async fn post_keyed(t: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "zh-TW")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn an_idempotency_key_sent_again_with_another_body_is_refused() {
    let mut t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let path = "/api/v1/opportunities";
    let body = json!({ "name": "Once", "customer_id": acme, "amount": "100" });

    let first = post_keyed(&t, &admin, path, "key-1", &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    // The same body, its keys in another order and spaced out: the first answer.
    let spelled = r#"{ "amount": "100",  "customer_id": ACME, "name": "Once" }"#
        .replace("ACME", &acme.to_string());
    let again = post_keyed(
        &t,
        &admin,
        path,
        "key-1",
        &serde_json::from_str(&spelled).expect("json"),
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");

    // Another body under the same key: 422 naming the header and the fix.
    let other = json!({ "name": "Twice", "customer_id": acme, "amount": "100" });
    let refused = post_keyed(&t, &admin, path, "key-1", &other).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(refused.body["code"], "idempotency_key_reused");
    assert_eq!(refused.body["errors"][0]["field"], "Idempotency-Key");
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("Idempotency-Key") && message.contains("新的金鑰"),
        "{message}"
    );
    let listed = t.get("/api/v1/opportunities", &admin).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));

    // The key on another path, or another user's same key, is a new request.
    let contract = json!({ "name": "Deal", "customer_id": acme, "amount": "5" });
    let elsewhere = post_keyed(&t, &admin, "/api/v1/contracts", "key-1", &contract).await;
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.text);
    assert!(elsewhere.headers.get("idempotent-replayed").is_none());
    let team = crate::sales_fixtures::sales_team(&t).await;
    let theirs = customer(&t, &team.manager.1, "Their customer").await;
    let theirs = json!({ "name": "Theirs", "customer_id": theirs });
    let answer = post_keyed(&t, &team.manager.1, path, "key-1", &theirs).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_ne!(answer.body["id"], first.body["id"]);

    // Another instance on the same database answers alike.
    t.restart().await;
    let refused = post_keyed(&t, &admin, path, "key-1", &other).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let replayed = post_keyed(&t, &admin, path, "key-1", &body).await;
    assert_eq!(replayed.status, 201, "{}", replayed.text);
    assert_eq!(replayed.body["id"], first.body["id"]);
}
