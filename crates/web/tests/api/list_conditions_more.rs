//! More of the record lists' conditions and narrowing: date-time custom
//! fields filtered by the company's days (periods and ranges), a customer's
//! contacts the same on its tab and in the contact list, and sales lists
//! sorted on every column they show.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp, urlencode as encoded};

/// The names a list answers for one condition, in name order.
async fn names_where(t: &TestApp, token: &str, path: &str, condition: Value) -> Vec<String> {
    let filter = encoded(&json!([condition]).to_string());
    let url = format!("{path}?filter={filter}&sort=name&limit=100");
    let answer = t.get(&url, token).await;
    assert_eq!(answer.status, 200, "{url}: {}", answer.text);
    answer.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_string())
        .collect()
}

/// Records A to E with a date-time field `met`, the clock at Monday
/// 2026-03-02 17:00 in Shanghai (the company's zone, eight hours ahead of
/// UTC): A is met today there, B and C yesterday (C on the last day of
/// February in UTC), D on the last day of February, E never.
const MET: [(&str, Option<&str>); 5] = [
    ("A", Some("2026-03-01T16:30:00Z")),
    ("B", Some("2026-03-01T23:59:59+08:00")),
    ("C", Some("2026-02-28T17:00:00Z")),
    ("D", Some("2026-02-28T15:00:00Z")),
    ("E", None),
];

/// Each condition on `met` and the records it keeps.
fn met_conditions() -> Vec<(Value, &'static str)> {
    let on = |op: &str| json!({ "field": "custom.met", "op": op });
    let between = |range: Value| json!({ "field": "custom.met", "op": "between", "value": range });
    vec![
        (on("today"), "A"),
        (on("yesterday"), "BC"),
        (on("this_week"), "A"),
        (on("last_week"), "BCD"),
        (on("this_month"), "ABC"),
        (on("last_month"), "D"),
        (on("this_year"), "ABCD"),
        (on("last_year"), ""),
        (on("is_empty"), "E"),
        (on("not_empty"), "ABCD"),
        (
            between(json!({ "from": "2026-03-01", "to": "2026-03-01" })),
            "BC",
        ),
        (between(json!({ "from": "2026-03-02" })), "A"),
        (between(json!({ "to": "2026-02-28" })), "D"),
        (
            between(json!({ "from": "2026-02-28", "to": "2026-03-01" })),
            "BCD",
        ),
    ]
}

#[tokio::test]
async fn date_time_fields_take_periods_and_ranges_in_the_company_zone() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for kind in ["customer", "lead", "contact"] {
        let body = json!({ "kind": kind, "key": "met", "label": "Met", "field_type": "date_time" });
        let answer = t.post("/api/v1/fields", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    let holder = t
        .post("/api/v1/customers", &admin, json!({ "name": "Holder" }))
        .await;
    let holder = holder.body["id"].as_i64().expect("customer id");
    for (name, met) in MET {
        let custom = met.map_or_else(|| json!({}), |at| json!({ "met": at }));
        for (path, body) in [
            (
                "/api/v1/customers",
                json!({ "name": name, "custom": custom }),
            ),
            ("/api/v1/leads", json!({ "name": name, "custom": custom })),
            (
                "/api/v1/contacts",
                json!({ "name": name, "customer_id": holder, "custom": custom }),
            ),
        ] {
            let answer = t.post(path, &admin, body).await;
            assert_eq!(answer.status, 201, "{path}: {}", answer.text);
        }
    }
    for path in ["/api/v1/customers", "/api/v1/leads", "/api/v1/contacts"] {
        for (condition, kept) in met_conditions() {
            let mut names = names_where(&t, &admin, path, condition.clone()).await;
            names.retain(|n| n != "Holder");
            let kept: Vec<String> = kept.chars().map(String::from).collect();
            assert_eq!(names, kept, "{path} where {condition}");
        }
    }
    // A range that is not a day names its side.
    let bad = encoded(
        &json!([{ "field": "custom.met", "op": "between", "value": { "from": "soon" } }])
            .to_string(),
    );
    let answer = t
        .get(&format!("/api/v1/customers?filter={bad}"), &admin)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.body["errors"][0]["field"], "filters.0",
        "{}",
        answer.text
    );
    // Text operators stay refused on a date-time.
    let contains = json!({ "field": "custom.met", "op": "contains", "value": "2026" });
    let filter = encoded(&json!([contains]).to_string());
    let answer = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
}

#[tokio::test]
async fn the_condition_builder_offers_periods_and_ranges_on_date_time_fields() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body =
        json!({ "kind": "customer", "key": "met", "label": "Met", "field_type": "date_time" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    for (name, met) in [
        ("Today Co", "2026-03-01T16:30:00Z"),
        ("Feb Co", "2026-02-28T15:00:00Z"),
    ] {
        let body = json!({ "name": name, "custom": { "met": met } });
        assert_eq!(t.post("/api/v1/customers", &admin, body).await.status, 201);
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/customers", "en").await;
    assert_eq!(status, 200);
    for offered in [
        "custom.met|today",
        "custom.met|last_month",
        "custom.met|between",
        "custom.met|on_or_after",
        "custom.met|on_or_before",
    ] {
        assert!(html.contains(offered), "the adder offers {offered}");
    }
    assert!(!html.contains("custom.met|contains"), "no text operators");
    let shown = |query: &str| {
        let (t, cookie) = (&t, &cookie);
        let path = format!("/customers?{query}");
        async move { crate::helpers::page(t, cookie, &path, "en").await }
    };
    let (status, html) = shown("cond=custom.met%7Ctoday").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Today Co") && !html.contains("Feb Co"),
        "today"
    );
    let (_, html) = shown("cond=custom.met%7Cbetween&cvf=2026-02-01&cvt=2026-02-28").await;
    assert!(
        html.contains("Feb Co") && !html.contains("Today Co"),
        "range"
    );
    let (_, html) = shown("cond=custom.met%7Con_or_after&cv=2026-03-02").await;
    assert!(
        html.contains("Today Co") && !html.contains("Feb Co"),
        "from a day"
    );
}
