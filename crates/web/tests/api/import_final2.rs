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

/// The names a list answers for one condition, sorted.
async fn names_where(t: &TestApp, token: &str, kind: &str, condition: Value) -> Vec<String> {
    let filter = serde_json::to_string(&json!([condition])).expect("json");
    let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let answer = t
        .get(&format!("/api/v1/{kind}?filter={encoded}"), token)
        .await;
    assert_eq!(answer.status, 200, "{condition}: {}", answer.text);
    let mut names: Vec<String> = answer.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn custom_number_money_date_and_yes_no_filters_compare_as_their_types() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (kind, path) in [("lead", "leads"), ("customer", "customers")] {
        for (key, field_type) in [
            ("score", "number"),
            ("budget", "money"),
            ("due", "date"),
            ("vip", "bool"),
        ] {
            crate::record_fixtures::custom_field(&t, &admin, kind, key, field_type).await;
        }
        let api = format!("/api/v1/{path}");
        for (name, custom) in [
            (
                "A",
                json!({ "score": "9", "budget": "200", "due": "2024-01-05", "vip": "yes" }),
            ),
            (
                "B",
                json!({ "score": "10", "budget": "1,000", "due": "2024-10-01", "vip": "no" }),
            ),
            (
                "C",
                json!({ "score": "100", "budget": "99.5", "due": "2023-12-31" }),
            ),
        ] {
            made(&t, &admin, &api, json!({ "name": name, "custom": custom })).await;
        }
        let check = |condition: Value, expected: &[&str]| {
            let (t, admin) = (&t, &admin);
            let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            async move {
                let found = names_where(t, admin, path, condition.clone()).await;
                assert_eq!(found, expected, "{kind}: {condition}");
            }
        };
        // As text "9" > "10" and "100"; as numbers it is below both.
        check(
            json!({ "field": "custom.score", "op": "between", "value": { "from": "10" } }),
            &["B", "C"],
        )
        .await;
        check(
            json!({ "field": "custom.score", "op": "between", "value": { "to": "9" } }),
            &["A"],
        )
        .await;
        check(
            json!({ "field": "custom.score", "op": "equals", "value": "10.0" }),
            &["B"],
        )
        .await;
        // As text "99.5" lies between "200" and "999"; as money it does not.
        check(json!({ "field": "custom.budget", "op": "between", "value": { "from": "200", "to": "999" } }), &["A"]).await;
        check(
            json!({ "field": "custom.budget", "op": "between", "value": { "from": "1000" } }),
            &["B"],
        )
        .await;
        // "2024-1-5" as text sorts after every day of 2024; as a date it is 5 January.
        check(json!({ "field": "custom.due", "op": "between", "value": { "from": "2024-1-5", "to": "2024/1/31" } }), &["A"]).await;
        check(
            json!({ "field": "custom.due", "op": "between", "value": { "to": "2024-1-4" } }),
            &["C"],
        )
        .await;
        // A stored yes reads as 1 on SQLite and `true` on PostgreSQL.
        check(
            json!({ "field": "custom.vip", "op": "equals", "value": true }),
            &["A"],
        )
        .await;
        check(
            json!({ "field": "custom.vip", "op": "equals", "value": "false" }),
            &["B"],
        )
        .await;
        check(json!({ "field": "custom.due", "op": "is_empty" }), &[]).await;
        check(
            json!({ "field": "custom.budget", "op": "not_empty" }),
            &["A", "B", "C"],
        )
        .await;

        // A range that is not a number is refused, naming the field.
        let filter =
            json!([{ "field": "custom.score", "op": "between", "value": { "from": "lots" } }]);
        let encoded: String =
            form_urlencoded::byte_serialize(filter.to_string().as_bytes()).collect();
        let bad = t.get(&format!("{api}?filter={encoded}"), &admin).await;
        assert_eq!(bad.status, 422, "{kind}: {}", bad.text);
    }
}

#[tokio::test]
async fn the_lead_list_page_offers_ranges_for_number_and_date_custom_fields() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    crate::record_fixtures::custom_field(&t, &admin, "lead", "score", "number").await;
    crate::record_fixtures::custom_field(&t, &admin, "lead", "due", "date").await;
    crate::record_fixtures::custom_field(&t, &admin, "lead", "vip", "bool").await;
    for (name, score, due, vip) in [
        ("Nine Co", "9", "2024-01-05", "yes"),
        ("Ten Co", "10", "2024-10-01", "no"),
    ] {
        let custom = json!({ "score": score, "due": due, "vip": vip });
        made(
            &t,
            &admin,
            "/api/v1/leads",
            json!({ "name": name, "custom": custom }),
        )
        .await;
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/leads", "en").await;
    assert_eq!(status, 200);
    for offered in [
        "custom.score|at_least",
        "custom.score|at_most",
        "custom.due|on_or_after",
        "custom.due|this_month",
        "custom.vip|yes",
    ] {
        assert!(html.contains(offered), "the adder offers {offered}");
    }
    assert!(
        !html.contains("custom.score|contains"),
        "no text operators on a number"
    );

    let shown = |query: &str| {
        let (t, cookie) = (&t, &cookie);
        let path = format!("/leads?{query}");
        async move { crate::helpers::page(t, cookie, &path, "en").await }
    };
    let (status, html) = shown("cond=custom.score%7Cat_least&cv=10").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Ten Co") && !html.contains("Nine Co"),
        "typed range"
    );
    assert!(html.contains("at least"), "the chip says the operator");
    let (_, html) = shown("cond=custom.due%7Con_or_before&cv=2024-1-5").await;
    assert!(
        html.contains("Nine Co") && !html.contains("Ten Co"),
        "typed day"
    );
    let (_, html) = shown("cond=custom.vip%7Cyes").await;
    assert!(
        html.contains("Nine Co") && !html.contains("Ten Co"),
        "yes/no"
    );
    let (_, zh) = crate::helpers::page(
        &t,
        &cookie,
        "/leads?cond=custom.score%7Cat_most&cv=9",
        "zh-Hant",
    )
    .await;
    assert!(zh.contains("至多") && zh.contains("Nine Co") && !zh.contains("Ten Co"));
}
