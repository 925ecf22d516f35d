//! The customer lifecycle's last gaps: unique custom fields on leads and
//! contacts, typed filters on custom fields, and stale saves on the pages.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp, post_form};
use crate::record_fixtures::made;

/// A unique custom field of `kind`.
async fn unique_field(t: &TestApp, admin: &str, kind: &str, key: &str) {
    let body = json!({ "kind": kind, "key": key, "label": key.to_uppercase(),
        "field_type": "text", "unique": true });
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

/// A lead or contact body for `kind` with the custom value `no`.
fn body_of(kind: &str, name: &str, customer: i64, no: &str) -> Value {
    match kind {
        "contact" => {
            json!({ "name": name, "customer_id": customer, "custom": { "member_no": no } })
        }
        _ => json!({ "name": name, "custom": { "member_no": no } }),
    }
}

#[tokio::test]
async fn leads_and_contacts_refuse_a_unique_custom_value_another_record_holds() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(&t, &admin, "/api/v1/customers", json!({ "name": "Holder" })).await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    for (kind, path) in [("lead", "leads"), ("contact", "contacts")] {
        unique_field(&t, &admin, kind, "member_no").await;
        let api = format!("/api/v1/{path}");
        let first = made(&t, &admin, &api, body_of(kind, "First", customer, "AB-12")).await;

        // Written another way, on create through the API.
        let again = t
            .post(
                &api,
                &admin,
                body_of(kind, "Again", customer, " ａｂ-１２ "),
            )
            .await;
        assert_eq!(again.status, 422, "{kind}: {}", again.text);
        assert_eq!(again.body["errors"][0]["field"], "custom.member_no");
        assert_eq!(again.body["errors"][0]["code"], "custom_value_taken");

        // On an edit through the API; its own value again is no repeat.
        let second = made(&t, &admin, &api, body_of(kind, "Second", customer, "CD-3")).await;
        let mut taken = body_of(kind, "Second", customer, "ab-12");
        taken["version"] = json!(1);
        let edit = t.put(&format!("{api}/{second}"), &admin, taken).await;
        assert_eq!(edit.status, 422, "{kind}: {}", edit.text);
        let mut own = body_of(kind, "First again", customer, "AB-12");
        own["version"] = json!(1);
        let edit = t.put(&format!("{api}/{first}"), &admin, own).await;
        assert_eq!(edit.status, 200, "{kind}: {}", edit.text);

        // The page's form says so beside the field and keeps what was typed.
        let extra = if kind == "contact" {
            format!("&customer_id={customer}")
        } else {
            String::new()
        };
        let typed = format!("_csrf={csrf}&name=Typed+Name{extra}&custom.member_no=Ab-12");
        let (status, html) = post_form(&t, &cookie, &format!("/{path}"), typed).await;
        assert_eq!(status, 422, "{kind}: {html}");
        assert!(html.contains("value=\"Typed Name\""), "{kind}: name kept");
        assert!(
            html.contains("another record already has this value"),
            "{kind}: the field says why"
        );
        let typed = format!("_csrf={csrf}&version=1&name=Second{extra}&custom.member_no=ab-12");
        let (status, _) = post_form(&t, &cookie, &format!("/{path}/{second}"), typed).await;
        assert_eq!(status, 422, "{kind}: the edit form refuses it too");

        let list = t.get(&api, &admin).await;
        assert_eq!(list.body["total"], 2, "{kind}: nothing else was saved");
    }
}
