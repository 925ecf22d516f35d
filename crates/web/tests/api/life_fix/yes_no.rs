//! A yes/no custom field reads as yes or no in the viewer's language, on a
//! record's page and in its list, never as `true` or `false`.

use serde_json::json;

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};

#[tokio::test]
async fn a_yes_no_field_reads_yes_or_no_on_the_page_and_in_the_list() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/fields",
            &admin,
            json!({ "kind": "customer", "key": "vip", "label": "VIP", "field_type": "bool" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let customer = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Yes Co", "custom": { "vip": true } }),
        )
        .await;
    assert_eq!(customer.status, 201, "{}", customer.text);
    let id = customer.body["id"].as_i64().expect("id");

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("<dt>VIP</dt><dd>Yes</dd>"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/customers/{id}"), "zh-Hant").await;
    assert!(html.contains("<dt>VIP</dt><dd>是</dd>"), "{html}");

    let chosen = t
        .put(
            "/api/v1/list-columns/customer",
            &admin,
            json!({ "columns": ["name", "custom.vip"] }),
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    let (_, list) = page(&t, &cookie, "/customers", "en").await;
    assert!(list.contains(">Yes<"), "{list}");
    assert!(!list.contains(">true<"), "{list}");
}
