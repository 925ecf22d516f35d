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
    let text = upload(&t, &a, customer, "invoice.pdf", b"Total: 1,200").await;
    assert_eq!(text.status, 422, "text named as a PDF: {}", text.text);
    assert_eq!(text.body["errors"][0]["code"], "file_type_misnamed");
    let message = text.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("PDF") && message.contains("TXT"),
        "{message}"
    );
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

/// A file sent from a record page's upload form.
async fn upload_from_page(
    t: &TestApp,
    cookie: &str,
    csrf: &str,
    path: &str,
    bytes: &[u8],
) -> (axum::http::StatusCode, String) {
    let boundary = "kuijing-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"報價單.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("{path}/attachments"))
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let answer = t.send(request).await;
    let location = answer
        .headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    (answer.status, location.unwrap_or(answer.text))
}

#[tokio::test]
async fn contracts_opportunities_and_payments_take_files_on_their_pages() {
    use crate::auth::{page_csrf, page_session};
    use crate::helpers::page;
    use crate::sales_fixtures::{contract, customer, sales_team};

    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let client = customer(&t, &team.rep.1, "中華電信").await;
    let signed = contract(&t, &team.rep.1, client, "1000").await;
    let opportunity = crate::sales_fixtures::create(
        &t,
        &team.rep.1,
        "/api/v1/opportunities",
        json!({ "name": "Fibre", "customer_id": client, "amount": "10" }),
    )
    .await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let rep = page_session(&t, "0971000002").await;
    let csrf = page_csrf(&t, &rep).await;
    for path in [
        format!("/contracts/{signed}"),
        format!("/opportunities/{opportunity}"),
    ] {
        let (status, location) = upload_from_page(&t, &rep, &csrf, &path, pdf).await;
        assert_eq!(status, 303, "{path}: {location}");
        assert_eq!(location, format!("{path}?done=attached"));
        let (_, html) = page(&t, &rep, &location, "en").await;
        assert!(html.contains("報價單.pdf"), "{path} lists the file");
        assert!(html.contains("File attached."), "{path} says so");
    }
    let files = t
        .get(
            &format!("/api/v1/contracts/{signed}/attachments"),
            &team.rep.1,
        )
        .await;
    let file = files.body[0]["id"].as_i64().expect("attachment id");

    // Another rep can neither add to the contract nor fetch or delete its file.
    let other = page_session(&t, "0971000003").await;
    let other_csrf = page_csrf(&t, &other).await;
    let (status, _) = upload_from_page(
        &t,
        &other,
        &other_csrf,
        &format!("/contracts/{signed}"),
        pdf,
    )
    .await;
    assert_eq!(status, 404);
    let fetched = t
        .get(&format!("/api/v1/attachments/{file}"), &team.other_rep.1)
        .await;
    assert_eq!(fetched.status, 404);
    let (status, _) = crate::helpers::post_form(
        &t,
        &other,
        &format!("/attachments/{file}/delete"),
        format!("_csrf={other_csrf}"),
    )
    .await;
    assert_eq!(status, 404);

    // The owner deletes it from the page and comes back to the contract.
    let (status, location) = crate::helpers::post_form(
        &t,
        &rep,
        &format!("/attachments/{file}/delete"),
        format!("_csrf={csrf}"),
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        format!("/contracts/{signed}?done=attachment_deleted")
    );
    let files = t
        .get(
            &format!("/api/v1/contracts/{signed}/attachments"),
            &team.rep.1,
        )
        .await;
    assert_eq!(files.body.as_array().map(Vec::len), Some(0));
}
