//! Report charts and pickers: a pie's legend and colours, value axes for
//! measures in different units, month labels, the "whose data" choice a
//! viewer actually gets, target against achievement over a quarter, and a
//! date grouped without saying by what.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::{create, customer, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

/// An approved contract of the caller's, signed on `day`.
async fn signed(t: &TestApp, token: &str, client: i64, amount: &str, day: &str) {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, token, "contracts", id).await, "approved");
}

async fn saved(t: &TestApp, token: &str, definition: Value) -> i64 {
    let created = t.post("/api/v1/custom-reports", token, definition).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_i64().expect("id")
}

/// Thirteen cities of 1..=13 new customers each.
async fn thirteen_cities(t: &TestApp, admin: &str) {
    for n in 1..=13 {
        for i in 0..n {
            create(
                t,
                admin,
                "/api/v1/customers",
                json!({ "name": format!("Buyer {n}-{i}"), "city": format!("City {n:02}") }),
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_pie_names_each_slice_in_a_colour_of_its_own_and_groups_the_rest() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    thirteen_cities(&t, &admin).await;
    let id = saved(
        &t,
        &admin,
        json!({ "name": "Customers by city", "kind": "customers",
                "group_by": ["city"], "measures": [{"op": "count"}], "chart": "pie" }),
    )
    .await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/custom/{id}?period=this_year"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let legend = html
        .split(r#"<ul class="pie-legend">"#)
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_else(|| panic!("a legend beside the pie: {html}"));
    // Eleven slices in colours of their own, the two smallest as "Other".
    assert_eq!(legend.matches("<li>").count(), 12, "{legend}");
    for colour in 0..11 {
        assert_eq!(
            legend.matches(&format!("key pie-{colour}\"")).count(),
            1,
            "{legend}"
        );
    }
    assert!(
        legend.contains("pie-other") && legend.contains(">Other<"),
        "{legend}"
    );
    // 91 customers in all: the largest 13 is 14.3%, the other 1 + 2 = 3.
    assert!(
        legend.contains(">City 13<") && legend.contains(">13 · 14.3%<"),
        "{legend}"
    );
    assert!(legend.contains(">3 · 3.3%<"), "{legend}");
    assert!(!legend.contains("City 01"), "{legend}");
    // A slice's hover names its own group and value, once.
    assert!(
        html.contains("<title>City 13: 13 (14.3%)</title>"),
        "{html}"
    );
    assert!(!html.contains("City 13 · City 13"), "{html}");
}

#[tokio::test]
async fn measures_in_different_units_have_their_own_value_axes_named_in_the_legend() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Axis Buyer").await;
    signed(&t, &admin, client, "30,000", "2021-02-03").await;
    signed(&t, &admin, client, "10,000", "2021-05-06").await;
    let both = saved(
        &t,
        &admin,
        json!({ "name": "Count and amount", "kind": "contracts",
                "group_by": ["signed_on:quarter"],
                "measures": [{"op": "count"}, {"op": "sum", "field": "amount"}], "chart": "bar" }),
    )
    .await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/reports/custom/{both}?{YEAR}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        html.matches(r#"class="grid""#).count(),
        4,
        "gridlines: {html}"
    );
    // Counts on the left (0 to 4), money on the right (0 to 32k).
    assert!(
        html.contains(">4</text>") && html.contains(">32k</text>"),
        "{html}"
    );
    assert!(html.contains("value-tick axis-1"), "{html}");
    assert!(html.contains("Records (left axis)"), "{html}");
    assert!(
        html.contains("(USD) (right axis)") || html.contains("(CNY) (right axis)"),
        "{html}"
    );

    // One unit: one axis, and the legend says nothing of sides.
    let one = saved(
        &t,
        &admin,
        json!({ "name": "Amount", "kind": "contracts", "group_by": ["signed_on:quarter"],
                "measures": [{"op": "sum", "field": "amount"}], "chart": "bar" }),
    )
    .await;
    let (_, html) = page(&t, &cookie, &format!("/reports/custom/{one}?{YEAR}"), "en").await;
    assert!(
        html.contains("value-tick axis-0") && !html.contains("axis-1"),
        "{html}"
    );
    assert!(!html.contains("left axis"), "{html}");
}

#[tokio::test]
async fn months_under_a_chart_are_named_short_with_the_year_once() {
    let t = TestApp::new().await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/sales?by=month&{YEAR}"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let wide = html
        .split(r#"<g class="ticks-wide">"#)
        .nth(1)
        .and_then(|rest| rest.split("</g>").next())
        .expect("labels for wide screens");
    assert!(
        wide.contains(">Jan</text>") && wide.contains(">Dec</text>"),
        "{wide}"
    );
    assert_eq!(wide.matches(">2021</text>").count(), 1, "{wide}");
    assert!(!wide.contains(">2021-03<"), "{wide}");
    // On a phone, every other month, in larger text.
    let narrow = html
        .split(r#"<g class="ticks-narrow">"#)
        .nth(1)
        .and_then(|rest| rest.split("</g>").next())
        .expect("labels for phones");
    assert!(
        narrow.contains(">Jan</text>") && !narrow.contains(">Feb</text>"),
        "{narrow}"
    );
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/reports/sales?by=month&{YEAR}"),
        "zh-Hans",
    )
    .await;
    assert!(html.contains(">3月</text>"), "{html}");
}

#[tokio::test]
async fn whose_data_offers_only_what_the_viewer_sees_and_names_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let own = t
        .role(
            &admin,
            "Own reports",
            &["report.view", "contract.view", "customer.view"],
            json!({ "contract": { "scope": "own" }, "customer": { "scope": "own" } }),
        )
        .await;
    t.user(&admin, "0932000001", json!({ "role_ids": [own] }))
        .await;
    let cookie = crate::auth::page_session(&t, "0932000001").await;
    for path in ["/reports/sales", "/dashboard"] {
        let (status, html) = page(&t, &cookie, path, "en").await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(!html.contains("The whole company"), "{path}: {html}");
        // Nobody else to choose: the whose-data choice is a sentence.
        assert!(
            html.contains("<strong>My own records</strong>")
                && html.contains(r#"<input type="hidden" name="scope" value="company">"#)
                && !html.contains(r#"<select name="scope">"#),
            "{path}: {html}"
        );
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/reports/sales", "en").await;
    assert!(
        html.contains(r#"<option value="company">The whole company</option>"#),
        "{html}"
    );
}

#[tokio::test]
async fn a_quarter_sets_its_months_targets_against_its_sales() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Quarter Buyer").await;
    signed(&t, &admin, client, "500", "2021-02-10").await;
    signed(&t, &admin, client, "700", "2021-04-10").await;
    signed(&t, &admin, client, "300", "2021-06-30").await;
    for month in 1..=12 {
        let set = t
            .post(
                "/api/v1/targets",
                &admin,
                json!({ "year": 2021, "month": month, "measure": "contract_amount", "amount": "1,000" }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    let quarter = "period=custom&from=2021-04-01&to=2021-06-30";
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{quarter}&by=department"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let keys: Vec<&str> = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["key2"].as_str())
        .collect();
    assert_eq!(
        keys,
        ["2021 (04-01 – 06-30)", "2021-04", "2021-05", "2021-06"],
        "{}",
        report.text
    );
    let columns = report.body["columns"].as_array().expect("columns");
    let at = |key: &str| columns.iter().position(|c| c["key"] == key).expect(key);
    let period = &report.body["rows"][0]["values"];
    assert_eq!(
        period[at("contract_amount_target")],
        300_000,
        "three months' targets"
    );
    assert_eq!(
        period[at("contract_amount_achieved")],
        100_000,
        "April to June only"
    );
    assert_eq!(period[at("contract_amount_rate")], 333, "33.3%, in tenths");

    // The whole year still stands against the whole year's target.
    let year = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &admin,
        )
        .await;
    let first = &year.body["rows"][0];
    assert_eq!(first["key2"], "2021", "{}", year.text);
    assert_eq!(first["values"][at("contract_amount_target")], 1_200_000);
    assert_eq!(first["values"][at("contract_amount_achieved")], 150_000);
}

#[tokio::test]
async fn a_date_grouped_without_a_bucket_is_refused_naming_it_with_the_other_faults() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let refused = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "x", "kind": "contracts", "group_by": ["signed_on"],
                    "measures": [{"op": "sum", "field": "status"}], "chart": "bar" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let errors = refused.body["errors"].as_array().expect("errors");
    let date = errors
        .iter()
        .find(|e| e["field"] == "group_by.0")
        .unwrap_or_else(|| panic!("{}", refused.text));
    assert_eq!(date["code"], "bucket_required");
    assert!(
        date["message"]
            .as_str()
            .is_some_and(|m| m.contains("day, week, month, quarter or year") || m.contains("日、")),
        "{}",
        refused.text
    );
    assert!(
        errors.iter().any(|e| e["field"] == "measures.0.field"),
        "every fault at once: {}",
        refused.text
    );
    // With a bucket it is saved.
    saved(
        &t,
        &admin,
        json!({ "name": "By month", "kind": "contracts", "group_by": ["signed_on:month"],
                "measures": [{"op": "count"}], "chart": "bar" }),
    )
    .await;
}
