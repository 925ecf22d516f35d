//! Contacts: they belong to a customer the creator may see, one is primary,
//! and they follow their owner's scope.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, ids};

#[tokio::test]
async fn contacts_belong_to_visible_customers_and_one_is_primary() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "rep",
            &[
                "customer.view",
                "customer.create",
                "contact.view",
                "contact.create",
                "contact.edit",
            ],
            json!({ "customer": { "scope": "own" }, "contact": { "scope": "own" } }),
        )
        .await;
    t.user(&admin, "0983000001", json!({ "role_ids": [role] }))
        .await;
    t.user(&admin, "0983000002", json!({ "role_ids": [role] }))
        .await;
    let a = t.login("0983000001", PASSWORD).await;
    let b = t.login("0983000002", PASSWORD).await;
    let customer = t
        .post("/api/v1/customers", &a, json!({ "name": "People Inc" }))
        .await
        .body["id"]
        .as_i64()
        .expect("id");

    let refused = t
        .post(
            "/api/v1/contacts",
            &b,
            json!({ "customer_id": customer, "name": "Spy" }),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["errors"][0]["field"], "customer_id");

    let first = t.post("/api/v1/contacts", &a, json!({ "customer_id": customer, "name": "王經理", "mobile": "0912-000-111", "is_primary": true })).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first_id = first.body["id"].as_i64().expect("id");
    let second = t.post("/api/v1/contacts", &a, json!({ "customer_id": customer, "name": "李助理", "email": "li＠people.com", "is_primary": true })).await;
    assert_eq!(second.body["email"], "li@people.com");
    assert_eq!(
        t.get(&format!("/api/v1/contacts/{first_id}"), &a)
            .await
            .body["is_primary"],
        false
    );

    let list = t
        .get(&format!("/api/v1/contacts?customer_id={customer}"), &a)
        .await;
    assert_eq!(list.body["total"], 2);
    assert_eq!(
        t.get("/api/v1/contacts?q=0912000111", &a).await.body["total"],
        1
    );
    assert_eq!(ids(&t.get("/api/v1/contacts", &b).await), Vec::<i64>::new());
    assert_eq!(
        t.get(&format!("/api/v1/contacts/{first_id}"), &b)
            .await
            .status,
        404
    );

    let stale = t
        .call(
            axum::http::Method::PUT,
            &format!("/api/v1/contacts/{first_id}"),
            Some(&a),
            Some(json!({ "customer_id": customer, "name": "王總", "version": 99 })),
        )
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.body["current"]["name"], "王經理");
}
