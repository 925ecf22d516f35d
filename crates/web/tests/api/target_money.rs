//! Targets in the company's money: the currency the company's data sets,
//! one rule for the dashboard and the report, the year's rate against the
//! year's target, the report's chart and export, and a second delete.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp};
use crate::sales_fixtures::{create, customer, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

/// An approved contract of the caller's, signed on `day`.
async fn signed(t: &TestApp, token: &str, client: i64, amount: &str, day: &str) -> i64 {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, token, "contracts", id).await, "approved");
    id
}

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

/// A report's row by its keys, as values by column key.
fn row(report: &Value, key: &str, key2: &str) -> std::collections::BTreeMap<String, Value> {
    let columns = report["columns"].as_array().expect("columns");
    let row = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key && r["key2"] == key2)
        .unwrap_or_else(|| panic!("row {key} {key2}: {report}"));
    columns
        .iter()
        .zip(row["values"].as_array().expect("values"))
        .map(|(c, v)| (c["key"].as_str().expect("key").to_string(), v.clone()))
        .collect()
}

/// A company whose data has set US dollars as its currency, as the demo
/// load does, over a configuration that says CNY.
async fn dollar_company() -> TestApp {
    let mut t = TestApp::new().await;
    assert_eq!(t.app.currency(), "CNY", "the configuration's default");
    t.sql("insert into company_settings (key, value) values ('currency', 'USD')")
        .await;
    t.restart().await;
    assert_eq!(
        t.app.currency(),
        "USD",
        "the stored currency outlives a restart"
    );
    t
}

#[tokio::test]
async fn a_dollar_company_meets_its_dollar_targets_on_the_dashboard_and_in_the_report() {
    let t = dollar_company().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Dollar Buyer").await;
    let contract = signed(&t, &admin, client, "2,500", "2021-03-10").await;
    let detail = t
        .get(&format!("/api/v1/contracts/{contract}"), &admin)
        .await;
    assert_eq!(detail.body["currency"], "USD", "{}", detail.text);
    // Set without a currency: the company's.
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 3, "measure": "contract_amount", "amount": "2,000" }),
    )
    .await;

    let board = t.get(&format!("/api/v1/dashboard?{YEAR}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    assert_eq!(target["currency"], "USD");
    assert_eq!(target["months"][2]["achieved"], 250_000);
    assert_eq!(target["months"][2]["rate"], 1250, "125.0%, in tenths");
    assert_eq!(target["other_currencies"], json!([]));

    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report.body["columns"][0]["currency"], "USD");
    let march = row(&report.body, "company", "2021-03");
    assert_eq!(march["contract_amount_rate"], 1250, "125.0%, in tenths");

    // The targets page offers the targets' currency, once.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, "/settings/targets?year=2021", "en").await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("<select name=\"currency\"").count(),
        1,
        "{html}"
    );
    assert!(html.contains("<option value=\"USD\" selected>"), "{html}");
}

#[tokio::test]
async fn a_target_in_a_currency_without_money_says_what_it_leaves_out() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Euro Buyer").await;
    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "In euros", "customer_id": client, "amount": "900",
                "currency": "EUR", "signed_on": "2021-05-04" }),
    )
    .await;
    assert_eq!(submit(&t, &admin, "contracts", id).await, "approved");
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 0, "measure": "contract_amount", "amount": "10,000" }),
    )
    .await;

    let board = t.get(&format!("/api/v1/dashboard?{YEAR}"), &admin).await;
    let target = &board.body["targets"][0];
    assert_eq!(target["currency"], "CNY");
    assert_eq!(target["achieved"], 0);
    assert_eq!(target["other_currencies"], json!(["EUR"]));
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &admin,
        )
        .await;
    assert_eq!(
        report.body["other_currencies"],
        json!(["EUR"]),
        "{}",
        report.text
    );

    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for path in [
        format!("/dashboard?{YEAR}"),
        format!("/reports/targets?{YEAR}&by=department"),
    ] {
        let (status, html) = crate::helpers::page(&t, &cookie, &path, "en").await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("Amounts in EUR are not counted: these targets are in CNY"),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn the_year_rate_is_the_years_achievement_out_of_the_years_target() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Yearly").await;
    signed(&t, &admin, client, "1,200", "2021-03-10").await;
    signed(&t, &admin, client, "800", "2021-06-10").await;
    // A March target only: no year target, so no year rate (never 2,000
    // out of March's 1,000).
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 3, "measure": "contract_amount", "amount": "1,000" }),
    )
    .await;
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &admin,
        )
        .await;
    let year = row(&report.body, "company", "2021");
    assert_eq!(year["contract_amount_achieved"], 200_000);
    assert_eq!(
        year["contract_amount_target"],
        Value::Null,
        "{}",
        report.text
    );
    assert_eq!(year["contract_amount_rate"], Value::Null);
    let board = t.get(&format!("/api/v1/dashboard?{YEAR}"), &admin).await;
    assert_eq!(board.body["targets"][0]["target"], Value::Null);
    assert_eq!(board.body["targets"][0]["rate"], Value::Null);

    // The year's own target: the year's achievement out of it.
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 0, "measure": "contract_amount", "amount": "10,000" }),
    )
    .await;
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &admin,
        )
        .await;
    let year = row(&report.body, "company", "2021");
    assert_eq!(year["contract_amount_target"], 1_000_000);
    assert_eq!(
        year["contract_amount_rate"], 200,
        "2,000 of 10,000 is 20.0%"
    );
    let march = row(&report.body, "company", "2021-03");
    assert_eq!(march["contract_amount_rate"], 1200, "March against March's");
    let board = t.get(&format!("/api/v1/dashboard?{YEAR}"), &admin).await;
    assert_eq!(board.body["targets"][0]["rate"], 200);

    // Twelve months set and no year target: their sum is the year's.
    let year_id = t.get("/api/v1/targets?year=2021", &admin).await.body[0]["id"]
        .as_i64()
        .expect("id");
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/targets/{year_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    for month in 1..=12 {
        set_target(
            &t,
            &admin,
            json!({ "year": 2021, "month": month, "measure": "contract_amount", "amount": "1,000" }),
        )
        .await;
    }
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &admin,
        )
        .await;
    let year = row(&report.body, "company", "2021");
    assert_eq!(year["contract_amount_target"], 1_200_000);
    assert_eq!(year["contract_amount_rate"], 167, "2,000 of 12,000");
}

#[tokio::test]
async fn the_target_report_charts_months_by_name_and_exports_translated_rows_without_an_empty_total()
 {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Charted").await;
    signed(&t, &admin, client, "1,200", "2021-03-10").await;
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 3, "measure": "contract_amount", "amount": "1,000" }),
    )
    .await;

    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{YEAR}&by=department"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    let chart = html
        .split("<svg class=\"chart\"")
        .nth(1)
        .and_then(|rest| rest.split("</svg>").next())
        .expect("a chart");
    assert!(
        !chart.contains(">company"),
        "the key is not a label: {chart}"
    );
    assert!(!chart.contains("The whole company · 2021<"), "{chart}");
    assert!(chart.contains(">03<"), "months name the bars: {chart}");
    assert!(
        chart.contains("The whole company · Mar 2021 · "),
        "the hover says whose: {chart}"
    );

    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{YEAR}&by=department"),
        "zh-Hant",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("平均分攤年度目標減去已設月份目標後的餘額"),
        "the hint says how the year counts"
    );

    let csv = t
        .get(
            &format!("/api/v1/reports/targets/export?{YEAR}&by=department&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines.len(),
        14,
        "a header, the year and its months: {}",
        csv.text
    );
    let header = lines[0].trim_start_matches('\u{feff}');
    assert!(header.starts_with("Department,Month,"), "{header}");
    assert!(
        lines[1].starts_with("The whole company,2021,"),
        "{}",
        lines[1]
    );
    assert!(!csv.text.contains("\ncompany,"), "{}", csv.text);
    assert!(
        !csv.text.contains("Total"),
        "no empty total row: {}",
        csv.text
    );
}

#[tokio::test]
async fn deleting_a_target_twice_lands_back_on_the_targets_page() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    set_target(
        &t,
        &admin,
        json!({ "year": 2022, "month": 5, "measure": "payment_amount", "amount": "800" }),
    )
    .await;
    let id = t.get("/api/v1/targets?year=2022", &admin).await.body[0]["id"]
        .as_i64()
        .expect("id");
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&year=2022&department_id=&user_id=&currency=CNY");
    let path = format!("/settings/targets/{id}/delete");
    let (status, first) = crate::helpers::post_form(&t, &cookie, &path, form.clone()).await;
    assert_eq!(status, 303, "{first}");
    assert!(first.contains("done=deleted"), "{first}");
    let (status, second) = crate::helpers::post_form(&t, &cookie, &path, form).await;
    assert_eq!(status, 303, "{second}");
    assert!(
        second.starts_with("/settings/targets?year=2022"),
        "{second}"
    );
    assert!(second.contains("done=target_gone"), "{second}");
    let (status, html) = crate::helpers::page(&t, &cookie, &second, "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("That target had already been deleted"),
        "{html}"
    );
}

#[tokio::test]
async fn loading_the_demo_makes_its_dollars_the_company_currency() {
    let mut t = TestApp::new().await;
    t.app.load_demo().await.expect("the demo loads");
    assert_eq!(t.app.currency(), "USD");
    t.restart().await;
    assert_eq!(t.app.currency(), "USD", "kept in the database");
}
