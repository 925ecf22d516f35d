//! A saved view whose custom field was deleted since says so in words the
//! user knows, not by the field's key; optimistic locking through the
//! `ETag` of a record's detail and an edit's `If-Match` header.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, urlencode};

async fn deleted_field_view(t: &TestApp, admin: &str) -> String {
    let field = t
        .post(
            "/api/v1/fields",
            admin,
            json!({ "kind": "customer", "key": "region", "label": "銷售區域", "field_type": "text" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
    let condition = urlencode(r#"[["custom.region","contains","north"]]"#);
    let query = format!("c={condition}");
    let saved = t
        .post(
            "/api/v1/views",
            admin,
            json!({ "kind": "customer", "name": "北區", "query": query }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let id = field.body["id"].as_i64().expect("field id");
    let gone = t
        .call(
            Method::DELETE,
            &format!("/api/v1/fields/{id}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    saved.body["query"].as_str().expect("query").to_string()
}

#[tokio::test]
async fn a_view_on_a_deleted_custom_field_says_it_is_gone_and_how_to_mend_the_view() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let query = deleted_field_view(&t, &admin).await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;

    let (status, html) = page(&t, &cookie, &format!("/customers?{query}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("is on a custom field of customers that no longer exists")
            && html.contains("save it again under the same name")
            && html.contains("delete it"),
        "{html}"
    );
    assert!(!html.contains("custom.region is not a field"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/customers?{query}"), "zh-Hant").await;
    assert!(
        html.contains("客戶自訂欄位已不存在") && html.contains("「我的檢視」中刪除它"),
        "{html}"
    );

    // The API names the key it was sent, and how to mend a view.
    let filter = urlencode(r#"[{"field":"custom.region","op":"contains","value":"x"}]"#);
    let refused = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "field_unknown");
    let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("custom.region: this custom field of customers no longer exists")
            && message.contains("DELETE /api/v1/views/{id}"),
        "{message}"
    );
    // A field the list never had is still named as sent.
    let filter = urlencode(r#"[{"field":"colour","op":"contains","value":"x"}]"#);
    let refused = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("colour is not a field of customers"),
        "{message}"
    );
}

async fn edit(
    t: &TestApp,
    (method, path): (Method, &str),
    token: &str,
    tag: Option<&str>,
    body: Value,
) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(tag) = tag {
        request = request.header(header::IF_MATCH, tag);
    }
    t.send(request.body(Body::from(body.to_string())).expect("request"))
        .await
}

fn etag(answer: &Answer) -> String {
    answer
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn if_match_carries_the_version_read_and_a_stale_one_is_a_conflict() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = t
        .post("/api/v1/customers", &admin, json!({ "name": "Northwind" }))
        .await;
    let lead = t
        .post("/api/v1/leads", &admin, json!({ "name": "Eastwind" }))
        .await;
    let customer_id = customer.body["id"].as_i64().expect("customer");
    let contact = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({ "name": "王小明", "customer_id": customer_id }),
        )
        .await;
    assert_eq!(contact.status, 201, "{}", contact.text);
    let records = [
        (
            Method::PATCH,
            format!("/api/v1/customers/{customer_id}"),
            "name",
        ),
        (
            Method::PUT,
            format!("/api/v1/leads/{}", lead.body["id"]),
            "name",
        ),
        (
            Method::PUT,
            format!("/api/v1/contacts/{}", contact.body["id"]),
            "post",
        ),
    ];
    for (method, path, field) in records {
        let read = t.get(&path, &admin).await;
        assert_eq!(read.status, 200, "{}", read.text);
        let version = read.body["version"].as_i64().expect("version");
        assert_eq!(etag(&read), format!("\"{version}\""), "{path}");

        let first = edit(
            &t,
            (method.clone(), &path),
            &admin,
            Some(&etag(&read)),
            json!({ field: "One" }),
        )
        .await;
        assert_eq!(first.status, 200, "{path}: {}", first.text);
        assert_eq!(etag(&first), format!("\"{}\"", version + 1), "{path}");
        // The same tag again is stale now: 409 with what is stored.
        let stale = edit(
            &t,
            (method.clone(), &path),
            &admin,
            Some(&etag(&read)),
            json!({ field: "Two" }),
        )
        .await;
        assert_eq!(stale.status, 409, "{path}: {}", stale.text);
        assert_eq!(stale.body["current"][field], "One", "{path}");
        assert_eq!(stale.body["changes"][0]["field"], field, "{path}");
        // A tag that is no version, or that the body contradicts, is refused.
        let bad = edit(
            &t,
            (method.clone(), &path),
            &admin,
            Some("\"abc\""),
            json!({ field: "Two" }),
        )
        .await;
        assert_eq!(bad.status, 422, "{path}: {}", bad.text);
        assert_eq!(bad.body["errors"][0]["field"], "If-Match");
        assert!(bad.text.contains("is not a version"), "{}", bad.text);
        let tag = format!("\"{}\"", version + 1);
        let two = edit(
            &t,
            (method.clone(), &path),
            &admin,
            Some(&tag),
            json!({ field: "Two", "version": version }),
        )
        .await;
        assert_eq!(two.status, 422, "{path}: {}", two.text);
        assert_eq!(two.body["errors"][0]["code"], "if_match_disagrees");
        // `*` and no version at all check nothing: the edit saves over
        // what is stored (documented; version stays optional).
        let any = edit(
            &t,
            (method.clone(), &path),
            &admin,
            Some("*"),
            json!({ field: "Three" }),
        )
        .await;
        assert_eq!(any.status, 200, "{path}: {}", any.text);
        let blind = edit(
            &t,
            (method.clone(), &path),
            &admin,
            None,
            json!({ field: "Four" }),
        )
        .await;
        assert_eq!(blind.status, 200, "{path}: {}", blind.text);
        assert_eq!(blind.body[field], "Four", "{path}");
    }
}

#[tokio::test]
async fn the_api_description_says_what_an_edit_without_a_version_does() {
    let t = TestApp::new().await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    for (path, method) in [
        ("/api/v1/customers/{id}", "patch"),
        ("/api/v1/leads/{id}", "put"),
        ("/api/v1/contacts/{id}", "put"),
    ] {
        let text = doc.body["paths"][path][method]["description"]
            .as_str()
            .unwrap_or("");
        assert!(
            text.contains("If-Match") && text.contains("sends neither"),
            "{path}: {text}"
        );
        let read = doc.body["paths"][path]["get"]["description"]
            .as_str()
            .unwrap_or("");
        assert!(read.contains("ETag"), "{path}: {read}");
    }
}
