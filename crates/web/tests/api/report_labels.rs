//! What a report says beside its numbers: a chart that leaves rows to the
//! table says so, days and coded values are named for people, and custom
//! fields are offered as groupings by their labels.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::{create, customer, submit};

async fn saved(t: &TestApp, token: &str, definition: Value) -> i64 {
    let created = t.post("/api/v1/custom-reports", token, definition).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_i64().expect("id")
}

#[tokio::test]
async fn a_chart_of_more_bars_than_it_draws_says_the_table_has_them_all() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for n in 0..61 {
        create(
            &t,
            &admin,
            "/api/v1/customers",
            json!({ "name": format!("Buyer {n}"), "city": format!("Town {n:02}") }),
        )
        .await;
    }
    let id = saved(
        &t,
        &admin,
        json!({ "name": "By town", "kind": "customers", "group_by": ["city"],
                "measures": [{"op": "count"}], "chart": "bar" }),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let path = format!("/reports/custom/{id}?period=this_year");
    let (status, html) = page(&t, &cookie, &path, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("The chart draws the first 60 of 61 rows"),
        "{html}"
    );
    assert!(html.contains("Town 60"), "the table has the last one");
}

#[tokio::test]
async fn days_and_outcomes_are_named_for_people() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Daily Buyer").await;
    for day in ["2021-03-01", "2021-03-02"] {
        let id = create(
            &t,
            &admin,
            "/api/v1/contracts",
            json!({ "name": format!("On {day}"), "customer_id": client,
                    "amount": "100", "signed_on": day }),
        )
        .await;
        assert_eq!(submit(&t, &admin, "contracts", id).await, "approved");
    }
    let by_day = saved(
        &t,
        &admin,
        json!({ "name": "By day", "kind": "contracts", "group_by": ["signed_on:day"],
                "measures": [{"op": "count"}], "chart": "bar" }),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let period = "period=custom&from=2021-03-01&to=2021-03-31";
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/reports/custom/{by_day}?{period}"),
        "en",
    )
    .await;
    let chart = html.split("</svg>").next().unwrap_or_default();
    assert!(
        chart.contains(">03-01<") && chart.contains(">03-02<"),
        "{chart}"
    );
    assert!(chart.contains(">2021<"), "the year once: {chart}");

    create(
        &t,
        &admin,
        "/api/v1/opportunities",
        json!({ "name": "Open deal", "customer_id": client, "amount": "10" }),
    )
    .await;
    let by_outcome = saved(
        &t,
        &admin,
        json!({ "name": "By outcome", "kind": "opportunities", "group_by": ["outcome"],
                "measures": [{"op": "count"}], "chart": "table" }),
    )
    .await;
    let path = format!("/reports/custom/{by_outcome}?period=this_year");
    let (_, html) = page(&t, &cookie, &path, "zh-Hant").await;
    let open = html.split("<tbody>").nth(1).unwrap_or_default();
    assert!(!open.contains(">open<"), "{open}");
    let (_, english) = page(&t, &cookie, &path, "en").await;
    assert!(english.contains("<th scope=\"row\">Open</th>"), "{english}");
}

#[tokio::test]
async fn custom_fields_are_offered_as_groupings_by_their_labels() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (key, label) in [
        ("revenue", "Annual revenue"),
        ("country", "Country of origin"),
    ] {
        let body = json!({ "kind": "customer", "key": key, "label": label, "field_type": "text" });
        let made = t.post("/api/v1/fields", &admin, body).await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, "/reports/customers", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Annual revenue") && html.contains("Country of origin"),
        "{html}"
    );
    assert!(
        !html.contains("· revenue<") && !html.contains("· country<"),
        "{html}"
    );
}
