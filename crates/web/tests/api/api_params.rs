//! A query parameter an API operation does not take is refused, named, with
//! the ones it takes; a misspelt filter no longer answers every record.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn an_unknown_query_parameter_is_refused_naming_it_and_the_known_ones() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = t
        .post("/api/v1/customers", &admin, json!({ "name": "Param Co" }))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);

    let fine = t
        .get("/api/v1/customers?q=Param&limit=5&desc=true", &admin)
        .await;
    assert_eq!(fine.status, 200, "{}", fine.text);
    assert_eq!(fine.body["total"], 1, "{}", fine.text);

    let typo = t.get("/api/v1/customers?qq=Param&limit=5", &admin).await;
    assert_eq!(typo.status, 422, "{}", typo.text);
    let error = &typo.body["errors"][0];
    assert_eq!(error["field"], "qq", "{}", typo.text);
    assert_eq!(error["code"], "parameter_unknown", "{}", typo.text);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("qq") && message.contains("limit"),
        "{message}"
    );

    // Other lists too, and the repeated list keys they take still work.
    let typo = t.get("/api/v1/opportunities?per_page=5", &admin).await;
    assert_eq!(typo.status, 422, "{}", typo.text);
    assert_eq!(typo.body["errors"][0]["field"], "per_page", "{}", typo.text);
    let users = t.get("/api/v1/users?q=a", &admin).await;
    assert_eq!(users.status, 200, "{}", users.text);
}

#[tokio::test]
async fn a_misspelt_import_option_is_refused_and_writes_nothing() {
    use axum::body::Body;
    use axum::http::{Method, Request, header};

    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (kind, query) in [
        ("customers", "dryrun=true"),
        ("leads", "dry-run=1"),
        ("products", "dry_rnu=true"),
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/{kind}/import?{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from("name\nMisspelt Option Co\n"))
            .expect("request");
        let answer = t.send(request).await;
        assert_eq!(answer.status, 422, "{kind}: {}", answer.text);
        assert_eq!(
            answer.body["errors"][0]["code"], "parameter_unknown",
            "{kind}: {}",
            answer.text
        );
        let listed = t.get(&format!("/api/v1/{kind}?q=Misspelt"), &admin).await;
        assert_eq!(
            listed.body["items"].as_array().map(Vec::len),
            Some(0),
            "{kind}: {}",
            listed.text
        );
    }
    // The right spelling still runs a dry run.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/customers/import?dry_run=true")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from("name\nMisspelt Option Co\n"))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["written"], false, "{}", answer.text);
}
