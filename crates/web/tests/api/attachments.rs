//! Attachments: content-checked uploads, downloads under the original name,
//! and nothing for those who cannot see the record.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

async fn upload(
    t: &TestApp,
    token: &str,
    customer: i64,
    name: &str,
    bytes: &[u8],
) -> crate::helpers::Answer {
    let name: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/customers/{customer}/attachments?name={name}"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn an_attachment_is_checked_kept_and_fetched_only_by_those_who_see_the_customer() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "rep",
            &["customer.view", "customer.create", "customer.edit"],
            json!({ "customer": { "scope": "own" } }),
        )
        .await;
    t.user(&admin, "0985000001", json!({ "role_ids": [role] }))
        .await;
    t.user(&admin, "0985000002", json!({ "role_ids": [role] }))
        .await;
    let a = t.login("0985000001", PASSWORD).await;
    let b = t.login("0985000002", PASSWORD).await;
    let customer = t
        .post("/api/v1/customers", &a, json!({ "name": "Files Co" }))
        .await
        .body["id"]
        .as_i64()
        .expect("id");

    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let stored = upload(&t, &a, customer, "../報價單.png", png).await;
    assert_eq!(stored.status, 201, "{}", stored.text);
    assert_eq!(stored.body["file_name"], "報價單.png");
    assert_eq!(stored.body["content_type"], "image/png");
    let id = stored.body["id"].as_i64().expect("id");

    let exe = upload(
        &t,
        &a,
        customer,
        "invoice.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff",
    )
    .await;
    assert_eq!(exe.status, 422);
    assert_eq!(exe.body["errors"][0]["code"], "file_type_refused");
    assert_eq!(
        upload(&t, &b, customer, "x.txt", b"hello").await.status,
        404
    );

    let list = t
        .get(&format!("/api/v1/customers/{customer}/attachments"), &a)
        .await;
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    let file = t.get(&format!("/api/v1/attachments/{id}"), &a).await;
    assert_eq!(file.status, 200);
    assert!(
        file.headers["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("UTF-8''%E5%A0%B1%E5%83%B9%E5%96%AE.png")
    );
    assert_eq!(
        t.get(&format!("/api/v1/attachments/{id}"), &b).await.status,
        404
    );
    assert_eq!(
        t.get(&format!("/api/v1/customers/{customer}/attachments"), &b)
            .await
            .status,
        404
    );
    assert_eq!(
        t.call(
            Method::DELETE,
            &format!("/api/v1/attachments/{id}"),
            Some(&b),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        t.call(
            Method::DELETE,
            &format!("/api/v1/attachments/{id}"),
            Some(&a),
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        t.get(&format!("/api/v1/attachments/{id}"), &a).await.status,
        404
    );
}
