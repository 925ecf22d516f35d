//! An owner sent with a customer's edit is pointed to the transfer.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn an_owner_sent_with_an_edit_points_to_the_transfer() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Owner Edit Co" }),
        )
        .await;
    let id = created.body["id"].as_i64().expect("id");
    let me = t.get("/api/v1/auth/me", &admin).await;
    let patched = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "owner_id": me.body["id"] }),
        )
        .await;
    assert_eq!(patched.status, 422, "{}", patched.text);
    assert_eq!(
        patched.body["errors"][0]["code"], "owner_by_transfer",
        "{}",
        patched.text
    );
    let message = patched.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("POST /api/v1/customers/transfer"),
        "{message}"
    );
    assert!(!message.contains("not a field of this form"), "{message}");
}
