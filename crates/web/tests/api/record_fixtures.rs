//! What the lead and contact tests share: files sent as a body, a rep with
//! their own scope, and records made through the API.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, PASSWORD, TestApp};

/// Sends a file as the whole body of a POST.
pub async fn send_bytes(t: &TestApp, token: &str, path: &str, bytes: &[u8]) -> Answer {
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

/// A sales rep who sees and changes only their own leads, customers and
/// contacts; answers their token.
pub async fn own_scope_rep(t: &TestApp, admin: &str, phone: &str) -> String {
    let role = t
        .role(
            admin,
            &format!("own {phone}"),
            &[
                "lead.view",
                "lead.create",
                "lead.edit",
                "lead.export",
                "lead.import",
                "customer.view",
                "customer.create",
                "customer.edit",
                "contact.view",
                "contact.create",
                "contact.edit",
                "contact.export",
                "contact.import",
                "follow_up.create",
            ],
            json!({
                "lead": { "scope": "own" },
                "customer": { "scope": "own" },
                "contact": { "scope": "own" }
            }),
        )
        .await;
    t.user(admin, phone, json!({ "role_ids": [role] })).await;
    t.login(phone, PASSWORD).await
}

/// Creates a record through the API and answers its id.
pub async fn made(t: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let answer = t.post(path, token, body).await;
    assert_eq!(answer.status, 201, "{path}: {}", answer.text);
    answer.body["id"].as_i64().expect("id")
}

/// A custom field of `kind`.
pub async fn custom_field(t: &TestApp, admin: &str, kind: &str, key: &str, field_type: &str) {
    let body =
        json!({ "kind": kind, "key": key, "label": key.to_uppercase(), "field_type": field_type });
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

/// The rows of a CSV export, header first, without the last column (the
/// creation time, which an import does not set).
pub fn rows_of(csv: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let mut row: Vec<String> = r.expect("row").iter().map(str::to_string).collect();
            row.pop();
            row
        })
        .collect();
    rows[1..].sort();
    rows
}
