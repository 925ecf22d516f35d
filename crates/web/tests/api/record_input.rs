//! What customers, leads and contacts take alike: phones that read as
//! numbers, next contacts within ten years, list conditions that compare
//! with something, a lead's team carried to its customer, and files refused
//! with messages that say why.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, urlencode};
use crate::sales_fixtures::{create, customer};

/// The codes of a refusal's errors, each with its field.
fn codes(answer: &crate::helpers::Answer) -> Vec<(String, String)> {
    answer.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let text = |key: &str| e[key].as_str().unwrap_or_default().to_string();
                    (text("field"), text("code"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_kind_refuses_a_phone_that_is_no_number_and_a_next_contact_decades_ahead() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let owner = customer(&t, &admin, "Phones Co").await;
    let kinds: [(&str, Value); 3] = [
        ("/api/v1/customers", json!({ "name": "Acme" })),
        ("/api/v1/leads", json!({ "name": "Acme lead" })),
        (
            "/api/v1/contacts",
            json!({ "name": "Wang", "customer_id": owner }),
        ),
    ];
    for (path, base) in &kinds {
        for bad in ["1", "x", "abc-2531-7099"] {
            let mut body = base.clone();
            body["phone"] = json!(bad);
            body["mobile"] = json!("0912 345 678");
            let refused = t.post(path, &admin, body).await;
            assert_eq!(refused.status, 422, "{path} {bad}: {}", refused.text);
            assert_eq!(
                codes(&refused),
                [("phone".to_string(), "phone_invalid".to_string())],
                "{path} {bad}"
            );
        }
        let mut body = base.clone();
        body["next_contact_at"] = json!("2099-01-01T01:00:00Z");
        let refused = t.post(path, &admin, body).await;
        assert_eq!(refused.status, 422, "{path}: {}", refused.text);
        assert_eq!(
            codes(&refused),
            [(
                "next_contact_at".to_string(),
                "next_contact_too_far".to_string()
            )],
            "{path}"
        );
        let mut body = base.clone();
        body["phone"] = json!("(02)2531-7099 轉 8");
        body["next_contact_at"] = json!("2030-01-01T01:00:00Z");
        let saved = t.post(path, &admin, body).await;
        assert_eq!(saved.status, 201, "{path}: {}", saved.text);
        assert_eq!(saved.body["phone"], "(02)2531-7099 轉 8", "{path}");
    }
}

#[tokio::test]
async fn a_condition_that_compares_with_nothing_is_refused_naming_the_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Listed Co").await;
    for (filter, code) in [
        (
            json!([{ "field": "level_id", "op": "one_of", "value": [] }]),
            "choose_values",
        ),
        (
            json!([{ "field": "name", "op": "contains", "value": "  " }]),
            "text_to_find",
        ),
        (
            json!([{ "field": "created_at", "op": "between", "value": { "from": "", "to": "" } }]),
            "range_empty",
        ),
    ] {
        let path = format!(
            "/api/v1/customers?filter={}",
            urlencode(&filter.to_string())
        );
        let refused = t.get(&path, &admin).await;
        assert_eq!(refused.status, 422, "{filter}: {}", refused.text);
        assert_eq!(
            codes(&refused),
            [("filters.0".to_string(), code.to_string())],
            "{filter}"
        );
    }

    // On the page, "is any of" with nothing picked shows the list again with
    // the message, rather than every customer as if nothing was asked.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let request = Request::builder()
        .uri("/customers?cond=level_id%7Cone_of")
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .body(Body::empty())
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert!(
        answer
            .text
            .contains("choose one or more values from the list"),
        "{}",
        answer.text
    );
    assert!(answer.text.contains("Listed Co"), "{}", answer.text);
}

#[tokio::test]
async fn a_converted_lead_takes_its_team_to_the_customer() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "Rep",
            &["lead.view", "customer.view"],
            json!({ "lead": { "scope": "own" }, "customer": { "scope": "own" } }),
        )
        .await;
    let colleague = t
        .user(&admin, "0973000001", json!({ "role_ids": [role] }))
        .await;
    let token = t.login("0973000001", PASSWORD).await;
    let lead = create(&t, &admin, "/api/v1/leads", json!({ "name": "Teamed Co" })).await;
    let member = json!({ "user_id": colleague, "can_write": true });
    let added = t
        .post(&format!("/api/v1/leads/{lead}/team"), &admin, member)
        .await;
    assert_eq!(added.status, 204, "{}", added.text);

    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [lead] }))
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    let lead_detail = t.get(&format!("/api/v1/leads/{lead}"), &admin).await;
    let customer = lead_detail.body["customer_id"].as_i64().expect("customer");
    let seen = t
        .get(&format!("/api/v1/customers/{customer}"), &token)
        .await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["team"][0]["user_id"], colleague, "{}", seen.text);
    assert_eq!(seen.body["team"][0]["can_write"], true);
}

async fn upload(t: &TestApp, token: &str, path: &str, bytes: &[u8]) -> crate::helpers::Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn a_refused_file_says_why_and_the_page_leads_back_to_the_record() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, "Files Co").await;
    let path = format!("/api/v1/customers/{id}/attachments");

    let empty = upload(&t, &admin, &format!("{path}?name=a.txt"), b"").await;
    assert_eq!(empty.status, 422, "{}", empty.text);
    assert_eq!(codes(&empty)[0].1, "attachment_empty");
    assert!(
        empty.text.contains("choose a file that has content"),
        "{}",
        empty.text
    );
    let unnamed = upload(&t, &admin, &path, b"hello").await;
    assert_eq!(unnamed.status, 422, "{}", unnamed.text);
    assert_eq!(codes(&unnamed)[0].1, "file_name_invalid");
    let over = vec![b'a'; 40 * 1024 * 1024];
    let too_large = upload(&t, &admin, &format!("{path}?name=big.txt"), &over).await;
    assert_eq!(too_large.status, 422, "{}", too_large.text);
    assert_eq!(codes(&too_large)[0].1, "file_too_large");

    // From the page: the refusal offers the way back to the customer.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let boundary = "record-input-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"empty.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/customers/{id}/attachments"))
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert!(
        answer.text.contains("choose a file that has content"),
        "{}",
        answer.text
    );
    assert!(
        answer.text.contains(&format!("href=\"/customers/{id}\"")),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn a_converted_lead_gives_its_customer_its_last_follow_up() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let lead = create(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Followed Co" }),
    )
    .await;
    let note = json!({ "content": "Asked for a quote", "happened_at": "2026-01-05T03:00:00Z" });
    let written = t
        .post(&format!("/api/v1/leads/{lead}/follow-ups"), &admin, note)
        .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [lead] }))
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    let detail = t.get(&format!("/api/v1/leads/{lead}"), &admin).await;
    let customer = detail.body["customer_id"].as_i64().expect("customer");
    let seen = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    let last = seen.body["last_follow_up_at"].as_str().unwrap_or_default();
    assert!(last.starts_with("2026-01-05T03:00:00"), "{}", seen.text);
}

#[tokio::test]
async fn a_customer_with_contacts_always_has_a_primary_one() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let owner = customer(&t, &admin, "Primary Co").await;
    let first = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "name": "First", "customer_id": owner }),
    )
    .await;
    let second = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "name": "Second", "customer_id": owner }),
    )
    .await;
    let primary = |answer: &crate::helpers::Answer| answer.body["is_primary"].clone();
    let seen = t.get(&format!("/api/v1/contacts/{first}"), &admin).await;
    assert_eq!(primary(&seen), true, "{}", seen.text);
    let seen = t.get(&format!("/api/v1/contacts/{second}"), &admin).await;
    assert_eq!(primary(&seen), false, "{}", seen.text);
    let gone = t
        .call(
            Method::DELETE,
            &format!("/api/v1/contacts/{first}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let seen = t.get(&format!("/api/v1/contacts/{second}"), &admin).await;
    assert_eq!(primary(&seen), true, "{}", seen.text);
}

#[tokio::test]
async fn a_form_sent_twice_at_the_same_moment_creates_once_and_both_land_on_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/customers/new", "en").await;
    assert_eq!(status, 200);
    let marker = "name=\"_once\" value=\"";
    let start = html.find(marker).expect("a one-time token") + marker.len();
    let once = &html[start..start + html[start..].find('"').expect("end")];
    let form = format!("_csrf={csrf}&_once={once}&name=Double+Click+Co");
    let send = || crate::helpers::post_form(&t, &cookie, "/customers", form.clone());
    let ((first, led), (second, again)) = tokio::join!(send(), send());
    assert_eq!(
        (first.as_u16(), second.as_u16()),
        (303, 303),
        "{led} {again}"
    );
    assert!(led.starts_with("/customers/"), "{led}");
    assert_eq!(led, again, "both land on the one customer");
    let found = t.get("/api/v1/customers?q=Double%20Click", &admin).await;
    assert_eq!(found.body["total"], 1, "{}", found.text);
}
