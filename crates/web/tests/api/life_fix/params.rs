//! A query parameter that does not read is named as sent, with what was
//! sent and the form it takes, whatever label a form gives a field of the
//! same name.

use crate::helpers::TestApp;

async fn refusal(t: &TestApp, token: &str, path: &str, lang: &str) -> String {
    let request = axum::http::Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("accept-language", lang)
        .body(axum::body::Body::empty())
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 422, "{path}: {}", answer.text);
    assert_eq!(
        answer.body["errors"][0]["code"], "parameter_unreadable",
        "{}",
        answer.text
    );
    answer.body["errors"][0]["message"]
        .as_str()
        .expect("a message")
        .to_string()
}

#[tokio::test]
async fn a_date_parameter_is_named_with_the_form_it_takes() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let events = refusal(
        &t,
        &admin,
        "/api/v1/events?from=2026-12-19&to=2026-12-31T00:00:00Z",
        "en",
    )
    .await;
    assert_eq!(
        events,
        "Query parameter “from”: “2026-12-19” cannot be read; it takes a date and time, such as 2026-12-19T09:00:00Z or 2026-12-19T09:00:00+08:00."
    );
    let events = refusal(
        &t,
        &admin,
        "/api/v1/events?from=2026-12-19&to=2026-12-31T00:00:00Z",
        "zh-Hant",
    )
    .await;
    assert!(
        events.starts_with("查詢參數「from」：無法讀取「2026-12-19」，應為日期和時間"),
        "{events}"
    );
    assert!(!events.contains("審批人"), "{events}");

    let contacts = refusal(&t, &admin, "/api/v1/contacts?from=xx", "en").await;
    assert_eq!(
        contacts,
        "Query parameter “from”: “xx” cannot be read; it takes a date, such as 2026-12-19."
    );
    let contacts = refusal(&t, &admin, "/api/v1/contacts?from=xx", "zh-Hans").await;
    assert_eq!(
        contacts,
        "查询参数「from」：无法读取“xx”，应为日期，例如 2026-12-19。"
    );
}

#[tokio::test]
async fn numbers_and_choices_say_so_on_every_list() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = refusal(&t, &admin, "/api/v1/opportunities?customer_id=anna", "en").await;
    assert!(
        customer.contains("“customer_id”") && customer.contains("a whole number"),
        "{customer}"
    );
    // A parameter a list does not take is named as sent too.
    let unknown = t.get("/api/v1/customers?owner_id=4", &admin).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    let message = unknown.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.starts_with("owner_id is not a parameter"),
        "{message}"
    );
    let limit = refusal(&t, &admin, "/api/v1/leads?limit=many", "en").await;
    assert!(
        limit.contains("“limit”") && limit.contains("a whole number"),
        "{limit}"
    );
}
