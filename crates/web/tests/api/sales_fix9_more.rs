//! More of what using sales found: a stage with an outcome, every problem
//! of a product row, the line-total message, multipart attachments, a
//! rejection without a comment in the browser, and a disabled approver
//! marked on the panel.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{Answer, TestApp, page, post_form};
use crate::sales_fixtures::{contract, customer, first_error, product, sales_team, submit};

#[tokio::test]
async fn a_stage_with_a_closing_outcome_is_refused_naming_both_fields() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Stage Ltd").await;
    let made = t
        .post(
            "/api/v1/opportunities",
            &team.rep.1,
            json!({ "name": "Deal", "customer_id": buyer, "amount": "100" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let first = made.body["stage_id"].as_i64().expect("stage");
    let path = format!("/api/v1/opportunities/{id}/stage");
    let both = t
        .post(
            &path,
            &team.rep.1,
            json!({ "stage_id": first + 2, "outcome": "won" }),
        )
        .await;
    assert_eq!(both.status, 422, "{}", both.text);
    let fields: Vec<&str> = both.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["stage_id", "outcome"], "{}", both.text);
    assert!(both.text.contains("not both"), "{}", both.text);
    let still = t
        .get(&format!("/api/v1/opportunities/{id}"), &team.rep.1)
        .await;
    assert_eq!(still.body["outcome"], "open");
    assert_eq!(still.body["stage_id"], first);
    // Closing alone still works.
    let won = t
        .post(&path, &team.rep.1, json!({ "outcome": "won" }))
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
}

#[tokio::test]
async fn a_product_row_names_every_problem_and_a_line_total_too_large_says_so() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let csv = "name,price,currency,on sale\nRouter,abc,XYZ,maybe\n";
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/products/import?format=csv&dry_run=true")
        .header(header::AUTHORIZATION, format!("Bearer {}", team.admin))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(csv.as_bytes().to_vec()))
        .expect("request");
    let report = t.send(request).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let mut fields: Vec<String> = report.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["field"].as_str().map(str::to_string))
        .collect();
    fields.sort();
    assert_eq!(fields, ["currency", "on_sale", "price"], "{}", report.text);

    let big = product(&t, &team.admin, "Big", "999,999,999,999").await;
    let buyer = customer(&t, &team.rep.1, "Huge Ltd").await;
    let huge = t
        .post(
            "/api/v1/opportunities",
            &team.rep.1,
            json!({ "name": "Huge", "customer_id": buyer,
                    "lines": [{ "product_id": big, "quantity": "1000" }] }),
        )
        .await;
    assert_eq!(huge.status, 422, "{}", huge.text);
    assert_eq!(
        first_error(&huge),
        ("lines.0.quantity".into(), "line_total_too_large".into())
    );
    assert!(huge.text.contains("line total"), "{}", huge.text);
}

fn multipart(file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "kuijing-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send_file(t: &TestApp, token: &str, path: &str, (kind, body): (&str, Vec<u8>)) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, kind)
        .body(Body::from(body))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn an_attachment_comes_as_a_multipart_form_or_the_whole_body() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Files Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "100").await;
    let path = format!("/api/v1/contracts/{id}/attachments");
    let (kind, body) = multipart("notes.txt", b"hello there");
    let form = send_file(&t, &team.rep.1, &path, (&kind, body)).await;
    assert_eq!(form.status, 201, "{}", form.text);
    assert_eq!(form.body["file_name"], "notes.txt", "{}", form.text);
    let stored = form.body["id"].as_i64().expect("id");
    let file = t
        .get(&format!("/api/v1/attachments/{stored}"), &team.rep.1)
        .await;
    assert_eq!(file.text, "hello there");

    // The whole body with its name still works.
    let raw = send_file(
        &t,
        &team.rep.1,
        &format!("{path}?name=raw.txt"),
        ("application/octet-stream", b"plain".to_vec()),
    )
    .await;
    assert_eq!(raw.status, 201, "{}", raw.text);
    // A URL-encoded form is never a file: refused, naming the fix.
    let encoded = send_file(
        &t,
        &team.rep.1,
        &format!("{path}?name=x.txt"),
        ("application/x-www-form-urlencoded", b"a=b".to_vec()),
    )
    .await;
    assert_eq!(encoded.status, 422, "{}", encoded.text);
    assert_eq!(
        first_error(&encoded),
        ("file".into(), "attachment_content_type".into())
    );
    assert!(encoded.text.contains("multipart"), "{}", encoded.text);
}

#[tokio::test]
async fn a_rejection_without_a_comment_shows_the_record_again_and_a_disabled_approver_is_marked() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let made = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Flow", "definition": { "steps": [
                { "name": "Both", "approvers": { "users": [team.manager.0, team.finance.0] }, "mode": "everyone" }
            ] } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let buyer = customer(&t, &team.rep.1, "Panel Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "100").await;
    submit(&t, &team.rep.1, "contracts", id).await;
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");

    let cookie = page_session(&t, "0971000001").await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, body) = post_form(
        &t,
        &cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=reject&step=0&comment=&back=%2Fcontracts%2F{id}"),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("approval-error"), "{body}");
    assert!(body.contains("action=\"/approvals/"), "{body}");
    assert!(body.contains("<textarea name=\"comment\""), "{body}");

    // Finance is disabled while the approval waits for them.
    let disabled = t
        .patch(
            &format!("/api/v1/users/{}", team.finance.0),
            &team.admin,
            json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    let seen = t.get(&format!("/api/v1/contracts/{id}"), &team.admin).await;
    assert_eq!(
        seen.body["approval"]["waiting_disabled"],
        json!([team.finance.0]),
        "{}",
        seen.text
    );
    let admin_cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = page(&t, &admin_cookie, &format!("/contracts/{id}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("status-disabled"), "{html}");
    assert!(html.contains("hand their seat over below"), "{html}");
}
