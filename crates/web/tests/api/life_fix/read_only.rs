//! A read-only team member adding a contact to the customer is told the
//! access is read-only, not that the customer cannot be seen.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn a_read_only_team_member_is_told_so_when_adding_a_contact() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "Contact reader",
            &[
                "customer.view",
                "contact.view",
                "contact.create",
                "contact.edit",
            ],
            json!({ "customer": { "scope": "own" }, "contact": { "scope": "own" } }),
        )
        .await;
    let desk = t.department(&admin, "Reading desk", 1).await;
    let reader = t
        .user(
            &admin,
            "0983000031",
            json!({ "department_id": desk, "role_ids": [role] }),
        )
        .await;
    t.user(
        &admin,
        "0983000032",
        json!({ "department_id": desk, "role_ids": [role] }),
    )
    .await;
    let customer = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Shared Read Co" }),
        )
        .await;
    let customer = customer.body["id"].as_i64().expect("id");
    let added = t
        .post(
            &format!("/api/v1/customers/{customer}/team"),
            &admin,
            json!({ "user_id": reader, "can_write": false }),
        )
        .await;
    assert_eq!(added.status, 204, "{}", added.text);

    let token = t.login("0983000031", PASSWORD).await;
    let refused = t
        .post(
            "/api/v1/contacts",
            &token,
            json!({ "customer_id": customer, "name": "Ms Lin" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["errors"][0]["code"], "customer_read_only",
        "{}",
        refused.text
    );
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("read only"), "{message}");

    // Someone who cannot see the customer still hears nothing of it.
    let outsider = t.login("0983000032", PASSWORD).await;
    let hidden = t
        .post(
            "/api/v1/contacts",
            &outsider,
            json!({ "customer_id": customer, "name": "Ms Lin" }),
        )
        .await;
    assert_eq!(hidden.status, 422, "{}", hidden.text);
    assert_eq!(
        hidden.body["errors"][0]["code"], "customer_unknown",
        "{}",
        hidden.text
    );
}
