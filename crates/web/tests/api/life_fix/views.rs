//! A saved view is checked by its list before it is kept; a list narrowed
//! to nothing says so and offers to clear the narrowing, rather than
//! inviting the first record.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};

#[tokio::test]
async fn a_view_whose_query_the_list_refuses_is_not_saved() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let bad = t
        .post(
            "/api/v1/views",
            &admin,
            json!({ "kind": "customer", "name": "bad", "query": "cond=nonsense%7Cxx&cv=1" }),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.body["errors"][0]["field"], "query", "{}", bad.text);
    let message = bad.body["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.starts_with("This view cannot be saved"),
        "{message}"
    );
    assert!(message.contains("nonsense"), "{message}");
    let unreadable = t
        .post(
            "/api/v1/views",
            &admin,
            json!({ "kind": "lead", "name": "bad", "query": "limit=20&customer_id=&c=%5B%5B%22name%22%2C%22contains%22%2C%22%22%5D%5D" }),
        )
        .await;
    assert_eq!(unreadable.status, 422, "{}", unreadable.text);
    let views = t.get("/api/v1/views?kind=customer", &admin).await;
    assert_eq!(
        views.body.as_array().map(Vec::len),
        Some(0),
        "{}",
        views.text
    );

    let good = t
        .post(
            "/api/v1/views",
            &admin,
            json!({ "kind": "customer", "name": "Named", "query": "cond=name%7Ccontains&cv=Co" }),
        )
        .await;
    assert_eq!(good.status, 201, "{}", good.text);

    // The page refuses it too, in the user's language.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&kind=customer&name=bad&path=%2Fcustomers&query={}",
        crate::helpers::urlencode("cond=nonsense|xx&cv=1")
    );
    let (_, html) = post_form(&t, &cookie, "/views", form).await;
    assert!(html.contains("This view cannot be saved"), "{html}");
    let views = t.get("/api/v1/views?kind=customer", &admin).await;
    assert_eq!(
        views.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        views.text
    );
}

#[tokio::test]
async fn a_list_narrowed_to_nothing_offers_to_clear_the_narrowing() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for path in [
        "/customers?owner_id=999999",
        "/leads?q=nobody-at-all",
        "/contacts?q=nobody-at-all",
        "/opportunities?q=nobody-at-all",
        "/contracts?q=nobody-at-all",
        "/payments?q=nobody-at-all",
        "/products?q=nobody-at-all",
    ] {
        let (status, html) = page(&t, &cookie, path, "en").await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("No records match these filters"),
            "{path}: {html}"
        );
        assert!(!html.contains("create the first"), "{path}");
    }
    let (_, html) = page(&t, &cookie, "/customers", "en").await;
    assert!(!html.contains("No records match these filters"));
}
