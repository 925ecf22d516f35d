//! Sales answers that say what is so: approval kinds named in the caller's
//! language, dry-run imports that say what they would do, a draft payment
//! of a void contract, and the way on from a record that cannot be edited.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use super::call_in;
use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form};
use crate::sales_fixtures::{SalesTeam, contract, create, customer, sales_team, submit};

#[tokio::test]
async fn the_approval_report_names_its_kinds_in_the_callers_language() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Globex").await;
    let deal = contract(&t, rep, client, "500").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    for (lang, contracts, payments) in
        [("zh-Hant", "合同", "回款"), ("en", "Contracts", "Payments")]
    {
        let report = call_in(
            &t,
            lang,
            "/api/v1/reports/approvals?by=kind",
            &team.admin,
            None,
        )
        .await;
        assert_eq!(report.status, 200, "{}", report.text);
        let rows = report.body["rows"].as_array().expect("rows");
        let label = |key: &str| {
            rows.iter()
                .find(|r| r["key"] == key)
                .and_then(|r| r["label"].as_str())
                .unwrap_or_else(|| panic!("{key}: {}", report.text))
                .to_string()
        };
        assert_eq!(label("contract"), contracts, "{}", report.text);
        assert_eq!(label("payment"), payments, "{}", report.text);
    }
}

/// Sends a file to an import endpoint as the whole body.
async fn import(t: &TestApp, token: &str, path: &str, csv: &str) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_string()))
        .expect("request");
    t.send(request).await
}

/// A multipart upload from a page: the token first, then the fields, then the file.
async fn upload(
    t: &TestApp,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
    csv: &str,
) -> Answer {
    let boundary = "FLOWFIXBOUNDARY";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    ));
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(request).await
}

fn counts(answer: &Answer) -> [Value; 5] {
    let b = &answer.body;
    [
        b["dry_run"].clone(),
        b["created"].clone(),
        b["updated"].clone(),
        b["would_create"].clone(),
        b["would_update"].clone(),
    ]
}

#[tokio::test]
async fn a_dry_run_says_what_it_would_create_and_update() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    create(
        &t,
        admin,
        "/api/v1/customers",
        json!({ "name": "Acme Trading" }),
    )
    .await;
    let people = "Name,Phone\nAcme Trading,0223456789\nBeta Works,0287654321\n";
    let path = "/api/v1/customers/import?dry_run=true&duplicates=update&name=c.csv";
    let checked = import(&t, admin, path, people).await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(
        counts(&checked),
        [json!(true), json!(0), json!(0), json!(1), json!(1)],
        "{}",
        checked.text
    );
    let codes: Vec<&str> = checked.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert_eq!(codes, ["duplicate_would_update"], "{}", checked.text);
    let written = import(
        &t,
        admin,
        "/api/v1/customers/import?duplicates=update&name=c.csv",
        people,
    )
    .await;
    assert_eq!(
        counts(&written),
        [json!(false), json!(1), json!(1), json!(0), json!(0)],
        "{}",
        written.text
    );
    assert_eq!(written.body["problems"][0]["code"], "duplicate_updated");

    // Leads go the same way.
    let leads = import(
        &t,
        admin,
        "/api/v1/leads/import?dry_run=true&name=l.csv",
        "Name\nNew lead\n",
    )
    .await;
    assert_eq!(
        counts(&leads),
        [json!(true), json!(0), json!(0), json!(1), json!(0)],
        "{}",
        leads.text
    );

    // Sales files: a product to update by its code, one to create.
    create(
        &t,
        admin,
        "/api/v1/products",
        json!({ "name": "Widget", "code": "W-1", "price": "10" }),
    )
    .await;
    let products = "Name,Code,Price\nWidget,W-1,12\nGadget,G-1,50\n";
    let checked = import(
        &t,
        admin,
        "/api/v1/products/import?dry_run=true&name=p.csv",
        products,
    )
    .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(
        counts(&checked),
        [json!(true), json!(0), json!(0), json!(1), json!(1)],
        "{}",
        checked.text
    );
    customer(&t, admin, "Initrode").await;
    let deals = "Customer,Name,Amount\nInitrode,Big deal,1000\n";
    let checked = import(
        &t,
        admin,
        "/api/v1/opportunities/import?dry_run=true&name=o.csv",
        deals,
    )
    .await;
    assert_eq!(
        counts(&checked),
        [json!(true), json!(0), json!(0), json!(1), json!(0)],
        "{}",
        checked.text
    );

    // The pages say "would be".
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let shown = upload(
        &t,
        &cookie,
        "/products/import",
        &[("_csrf", &csrf), ("dry_run", "1")],
        products,
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(shown.text.contains("Would be created: 1"), "{}", shown.text);
    assert!(shown.text.contains("Would be updated: 1"), "{}", shown.text);
    let shown = upload(
        &t,
        &cookie,
        "/customers/import",
        &[("_csrf", &csrf), ("duplicates", "update")],
        "Name,Phone\nAcme Trading,0220000000\nGamma Ltd,0211111111\n",
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(shown.text.contains("Would be created: 1"), "{}", shown.text);
    assert!(shown.text.contains("Would be updated: 1"), "{}", shown.text);
    assert!(
        shown.text.contains("Would update the matching record #1"),
        "{}",
        shown.text
    );
    assert!(
        !shown.text.contains("Updated the existing"),
        "{}",
        shown.text
    );
}

async fn approved_deal(t: &TestApp, team: &SalesTeam) -> i64 {
    let rep = team.rep.1.as_str();
    let client = customer(t, rep, "Hooli").await;
    let deal = contract(t, rep, client, "900").await;
    assert_eq!(submit(t, rep, "contracts", deal).await, "approved");
    deal
}

#[tokio::test]
async fn a_draft_payment_of_a_void_contract_is_told_to_be_deleted_or_moved() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let deal = approved_deal(&t, &team).await;
    let rep = team.rep.1.as_str();
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    let voided = t
        .post(
            &format!("/api/v1/contracts/{deal}/void"),
            &team.manager.1,
            json!({ "reason": "Cancelled" }),
        )
        .await;
    assert_eq!(voided.status, 200, "{}", voided.text);
    let number = voided.body["number"].as_str().expect("number").to_string();
    let path = format!("/api/v1/payments/{paid}/submit");
    let refused = call_in(&t, "zh-Hant", &path, rep, Some(json!({}))).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "payment_on_void_contract");
    let title = refused.body["title"].as_str().expect("title");
    assert!(title.contains(&format!("合同 {number} 已作廢")), "{title}");
    assert!(title.contains("不能提交"), "{title}");
    assert!(title.contains("請刪除此回款"), "{title}");
    assert!(!title.contains("駁回"), "{title}");
}

#[tokio::test]
async fn a_record_that_cannot_be_edited_links_to_itself_and_its_list() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let deal = approved_deal(&t, &team).await;
    let rep = team.rep.1.as_str();
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    let cookie = page_session(&t, "0971000002").await;
    for (path, record, list, words) in [
        (
            format!("/contracts/{deal}/edit"),
            format!("/contracts/{deal}"),
            "/contracts",
            "Open the contract",
        ),
        (
            format!("/payments/{paid}/edit"),
            format!("/payments/{paid}"),
            "/payments",
            "Open the payment",
        ),
    ] {
        let (status, html) = page(&t, &cookie, &path, "en").await;
        assert_eq!(status, StatusCode::CONFLICT, "{html}");
        assert!(
            html.contains(&format!("href=\"{record}\">{words}</a>")),
            "{html}"
        );
        assert!(html.contains(&format!("href=\"{list}\">")), "{html}");
    }
    // A save sent from a page opened before the approval says the same.
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&name=Changed&customer_id=1&amount=900");
    let (status, html) = post_form(&t, &cookie, &format!("/contracts/{deal}"), form).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(
        html.contains(&format!("href=\"/contracts/{deal}\">Open the contract</a>")),
        "{html}"
    );
    assert!(
        html.contains("href=\"/contracts\">All contracts</a>"),
        "{html}"
    );
}
