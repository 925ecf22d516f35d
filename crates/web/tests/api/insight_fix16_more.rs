//! The schedule's range named end by end, a rep's choices of whose data
//! worded for what they can do, builder refusals naming fields by their
//! labels, and a bad target measure listing the choices.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page};

async fn get_lang(t: &TestApp, path: &str, token: &str, lang: &str) -> crate::helpers::Answer {
    let request = axum::http::Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("accept-language", lang)
        .body(axum::body::Body::empty())
        .expect("request");
    t.send(request).await
}

fn errors(answer: &crate::helpers::Answer) -> Vec<(String, String, String)> {
    answer.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors: {}", answer.text))
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (text("field"), text("code"), text("message"))
        })
        .collect()
}

#[tokio::test]
async fn the_schedule_names_each_missing_or_bad_end_as_a_time() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let none = t.get("/api/v1/events", &admin).await;
    assert_eq!(none.status, 422, "{}", none.text);
    let found = errors(&none);
    assert_eq!(found.len(), 2, "{}", none.text);
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("from", "schedule_time_required")
    );
    assert_eq!(
        (found[1].0.as_str(), found[1].1.as_str()),
        ("to", "schedule_time_required")
    );
    assert!(
        found[0].2.starts_with("Start time (from) is required"),
        "{}",
        found[0].2
    );
    assert!(
        found[1].2.starts_with("End time (to) is required"),
        "{}",
        found[1].2
    );
    assert!(!none.text.contains("wrong kind"), "{}", none.text);

    let bad = t
        .get(
            "/api/v1/events?from=2026-03-01&to=2026-03-10T00:00:00Z",
            &admin,
        )
        .await;
    let found = errors(&bad);
    assert_eq!(found.len(), 1, "{}", bad.text);
    assert_eq!(found[0].1, "parameter_unreadable");
    assert!(found[0].2.contains("“from”"), "{}", found[0].2);
    assert!(found[0].2.contains("date and time"), "{}", found[0].2);

    // The end before the start: times, not dates, in every language.
    let path = "/api/v1/events?from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z";
    let backwards = t.get(path, &admin).await;
    let found = errors(&backwards);
    assert_eq!(found[0].0, "to");
    assert!(
        found[0]
            .2
            .starts_with("End time (to) is not after the start time (from)"),
        "{}",
        found[0].2
    );
    assert!(!found[0].2.contains("date"), "{}", found[0].2);
    for (lang, end, start) in [
        ("zh-Hant", "結束時間", "開始時間"),
        ("zh-Hans", "结束时间", "开始时间"),
    ] {
        let answer = get_lang(&t, path, &admin, lang).await;
        let message = &errors(&answer)[0].2;
        assert!(
            message.contains(end) && message.contains(start),
            "{message}"
        );
        assert!(!message.contains("日期"), "{message}");
    }
    let event = t
        .post(
            "/api/v1/events",
            &admin,
            json!({ "title": "Call", "starts_at": "2026-03-10T09:00:00Z",
                    "ends_at": "2026-03-10T08:00:00Z" }),
        )
        .await;
    let found = errors(&event);
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("ends_at", "ends_before_start")
    );
    assert!(
        found[0].2.contains("before the start time"),
        "{}",
        found[0].2
    );
    assert!(!found[0].2.contains("date"), "{}", found[0].2);
}

#[tokio::test]
async fn a_rep_choosing_whose_data_is_told_what_they_can_do() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let scopes = json!({ "contract": { "scope": "own" }, "payment": { "scope": "own" },
                         "customer": { "scope": "own" } });
    let reader = t
        .role(
            &admin,
            "Reader",
            &[
                "contract.view",
                "payment.view",
                "report.view",
                "customer.view",
            ],
            scopes,
        )
        .await;
    let sales = t.department(&admin, "Sales", 1).await;
    t.user(
        &admin,
        "0972000001",
        json!({ "department_id": sales, "role_ids": [reader] }),
    )
    .await;
    let cookie = page_session(&t, "0972000001").await;
    let own = "you can see only your own data, so there is no department to choose";
    for path in [
        "/dashboard?scope=department".to_string(),
        format!("/dashboard?scope=department&department_id={sales}"),
    ] {
        let (_, html) = page(&t, &cookie, &path, "en").await;
        assert!(html.contains(own), "{path}: {html}");
        assert!(!html.contains("is required"), "{path}: {html}");
    }
    let (_, html) = page(&t, &cookie, "/dashboard?scope=department", "zh-Hant").await;
    assert!(html.contains("您只能查看自己的資料"), "{html}");
    assert!(!html.contains("為必填"), "{html}");

    // No one chosen: they can choose only themselves.
    let (_, html) = page(&t, &cookie, "/dashboard?scope=users", "en").await;
    assert!(html.contains("the only person to choose is you"), "{html}");
    assert!(!html.contains("or a department"), "{html}");
    // The admin, who may choose anything, is still offered the company
    // or a department.
    let admin_cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin_cookie, "/dashboard?scope=users", "en").await;
    assert!(
        html.contains("or show the whole company or a department"),
        "{html}"
    );

    // A bad scope lists the real choices.
    let token = t.login("0972000001", PASSWORD).await;
    let bogus = t.get("/api/v1/dashboard?scope=bogus", &token).await;
    let found = errors(&bogus);
    assert_eq!(found[0].0, "scope", "{}", bogus.text);
    assert!(
        found[0].2.ends_with("company, department, users."),
        "{}",
        found[0].2
    );
    let (_, html) = page(&t, &cookie, "/dashboard?scope=bogus", "en").await;
    assert!(html.contains("company, department, users"), "{html}");
}

fn report(kind: &str, filters: Value) -> Value {
    json!({ "name": "Checked", "kind": kind, "group_by": ["owner_id"],
            "measures": [{"op": "count"}], "filters": filters, "chart": "table" })
}

#[tokio::test]
async fn builder_refusals_name_fields_by_their_labels() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // A field of customers in a first report on contracts: none of the
    // kind's fields, named as people know it.
    let body = report(
        "contracts",
        json!([{"field": "last_follow_up_at", "op": "passed"}]),
    );
    let refused = t.post("/api/v1/custom-reports", &admin, body.clone()).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let found = errors(&refused);
    assert_eq!(found.len(), 1, "{}", refused.text);
    assert_eq!(found[0].0, "filters.0.field");
    assert_eq!(found[0].1, "filter_not_in_kind");
    assert!(
        found[0]
            .2
            .starts_with("Filter 1 (Last follow-up): this is not one of the fields"),
        "{}",
        found[0].2
    );
    assert!(!found[0].2.contains("another kind"), "{}", found[0].2);
    assert!(!found[0].2.contains("last_follow_up_at"), "{}", found[0].2);
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri("/api/v1/custom-reports")
        .header("authorization", format!("Bearer {admin}"))
        .header("accept-language", "zh-Hant")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .expect("request");
    let zh = t.send(request).await;
    let message = &errors(&zh)[0].2;
    assert!(message.contains("最後跟進"), "{message}");
    assert!(!message.contains("last_follow_up_at"), "{message}");
}

#[tokio::test]
async fn a_bad_target_measure_lists_the_measures() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let refused = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2026, "month": 0, "measure": "profit", "amount": "1200" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let found = errors(&refused);
    let measure = found
        .iter()
        .find(|e| e.0 == "measure")
        .unwrap_or_else(|| panic!("{}", refused.text));
    assert!(
        measure.2.contains("contract_amount, payment_amount"),
        "{}",
        measure.2
    );
}
