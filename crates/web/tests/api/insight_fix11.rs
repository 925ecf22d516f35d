//! Dashboard and report findings from using them: the dashboard in the
//! company's currency whatever the money is in, empty days drawn on line
//! charts, yes/no groups alike on both databases, and smaller wording.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

fn left_out(list: &Value) -> Vec<(String, String, i64, i64)> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|l| {
            (
                l["measure"].as_str().expect("measure").to_string(),
                l["currency"].as_str().expect("currency").to_string(),
                l["count"].as_i64().expect("count"),
                l["amount"].as_i64().expect("amount"),
            )
        })
        .collect()
}

/// The demo's pipeline: the funnel with the most open opportunities.
fn demo_funnel(board: &Value) -> Value {
    board["funnels"]
        .as_array()
        .expect("funnels")
        .iter()
        .max_by_key(|f| {
            f["stages"]
                .as_array()
                .map(|s| s.iter().filter_map(|s| s["count"].as_i64()).sum::<i64>())
        })
        .expect("a funnel")
        .clone()
}

fn open_amount(funnel: &Value) -> i64 {
    funnel["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["amount"].as_i64().expect("amount"))
        .sum()
}

#[tokio::test]
async fn the_dashboard_stays_in_the_company_currency_and_names_other_money_as_left_out() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let before = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(before.body["currency"], "USD");
    let usd_open = open_amount(&demo_funnel(&before.body));
    assert!(usd_open > 0, "the demo has open opportunities");

    // One large contract of 2017 in yuan (more than all the dollars), and
    // one open opportunity in yuan.
    t.sql(
        "update contracts set currency = 'CNY', amount = 900000000000 \
         where id = (select min(id) from contracts where status = 'approved' \
         and signed_on >= '2017-03-01' and signed_on < '2017-04-01')",
    )
    .await;
    let moved: i64 = 123_456;
    let opportunity = t
        .get("/api/v1/opportunities?outcome=open&limit=1", &admin)
        .await;
    let first = &opportunity.body["items"][0];
    let id = first["id"].as_i64().expect("an open opportunity");
    let its_amount = first["amount"].as_i64().expect("its amount");
    t.sql(&format!(
        "update opportunities set currency = 'CNY', amount = {moved} where id = {id}"
    ))
    .await;

    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["currency"], "USD", "the company's, always");
    let funnel = demo_funnel(&board.body);
    assert_eq!(open_amount(&funnel), usd_open - its_amount);
    assert_eq!(
        left_out(&funnel["left_out"]),
        vec![("open_amount".into(), "CNY".into(), 1, moved)]
    );
    assert_eq!(
        left_out(&board.body["brief_left_out"]),
        vec![("contract_amount".into(), "CNY".into(), 1, 900_000_000_000)]
    );
    let contracts = board.body["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == "contracts_approved")
        .expect("contracts")
        .clone();
    assert!(
        contracts["current"]["amounts"]
            .as_array()
            .expect("amounts")
            .iter()
            .any(|a| a["currency"] == "CNY"),
        "the figure still holds every currency: {contracts}"
    );

    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{YEAR_2017}"), "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("1 open opportunity in CNY (CNY 1,234.56)"),
        "under the funnel: {html}"
    );
    // Under the brief, the trend and the rankings.
    assert_eq!(html.matches("1 approved contract in CNY").count(), 3);
    assert!(
        !html.contains("CNY 9,000,000,000.00 ·"),
        "not beside the dollars"
    );
    let (_, zh) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{YEAR_2017}"), "zh-Hant").await;
    assert!(zh.contains("CNY 進行中商機 1 個"), "{zh}");
}

/// The points of a page's first line chart.
fn line_points(html: &str) -> usize {
    html.split(r#"<polyline class="line-0" points=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map_or(0, |points| points.split_whitespace().count())
}

#[tokio::test]
async fn a_line_over_weeks_draws_every_week_of_the_period_and_names_them_whole() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "Contracts by week", "kind": "contracts",
                    "group_by": ["signed_on:week"],
                    "measures": [{ "op": "sum", "field": "amount" }], "chart": "line" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let period = "period=custom&from=2017-01-01&to=2017-06-30";
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{period}"),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let rows = figures.body["rows"].as_array().expect("rows").len();
    // The weeks from the Monday of January 1 (2016-12-26) to June 26.
    let weeks = 27;
    assert!(
        rows > 0 && rows < weeks,
        "the demo signs nothing in some weeks: {rows}"
    );

    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/reports/custom/{id}?{period}"), "en").await;
    assert_eq!(status, 200);
    assert_eq!(line_points(&html), weeks, "empty weeks drawn at zero");
    // The table keeps the weeks with contracts.
    let table = html.split("<tbody>").nth(1).expect("a table");
    let table = table.split("</tbody>").next().unwrap_or_default();
    assert_eq!(table.matches("<tr>").count(), rows);
    // Week labels are shown whole (fewer of them), never cut to "02-…".
    let wide = html
        .split(r#"<g class="ticks-wide">"#)
        .nth(1)
        .and_then(|rest| rest.split("</g>").next())
        .expect("labels");
    assert!(!wide.contains("…"), "{wide}");
    assert!(
        wide.contains(">12-26</text>") && wide.contains(">06-26</text>"),
        "{wide}"
    );

    // A bar chart, and a line over another date than the period's, are
    // drawn as before.
    let answer = t
        .put(
            &format!("/api/v1/custom-reports/{id}"),
            &admin,
            json!({ "name": "Contracts by week", "kind": "contracts",
                    "group_by": ["signed_on:week"], "version": created.body["version"],
                    "measures": [{ "op": "sum", "field": "amount" }], "chart": "bar" }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let (_, html) =
        crate::helpers::page(&t, &cookie, &format!("/reports/custom/{id}?{period}"), "en").await;
    assert_eq!(html.matches(r#"<rect class="series-0""#).count(), rows);
}

#[tokio::test]
async fn smaller_wording_one_person_a_parameter_twice_rates_with_percent_and_month_names() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;

    // A list opened from one person's figure says "1 person".
    let me = t.get("/api/v1/auth/me", &admin).await;
    let my_id = me.body["id"]
        .as_i64()
        .or_else(|| me.body["user"]["id"].as_i64())
        .expect("my id");
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/customers?from=2017-01-01&to=2017-12-31&owner_id={my_id}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("1 person"), "{html}");
    assert!(!html.contains("1 people"));

    // The opportunities behind "new opportunities" total their amount as
    // the dashboard showed it.
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    let new = board.body["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == "new_opportunities")
        .expect("new opportunities")
        .clone();
    let listed = t
        .get(
            "/api/v1/opportunities?from=2017-01-01&to=2017-12-31&limit=1",
            &admin,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(
        listed.body["totals"], new["current"]["amounts"],
        "{}",
        listed.text
    );
    let usd = listed.body["totals"][0]["amount"]
        .as_i64()
        .expect("an amount");
    let (_, html) = crate::helpers::page(
        &t,
        &cookie,
        "/opportunities?from=2017-01-01&to=2017-12-31",
        "en",
    )
    .await;
    assert!(html.contains("Amount · USD"), "{html}");
    assert!(
        html.contains(&kuijing_domain::money::format_money(usd, "USD")),
        "{html}"
    );

    // A parameter given twice is named as such.
    let twice = t
        .get("/api/v1/dashboard?period=custom&period=custom", &admin)
        .await;
    assert_eq!(twice.status, 422, "{}", twice.text);
    assert_eq!(twice.body["errors"][0]["field"], "period", "{}", twice.text);
    assert_eq!(twice.body["errors"][0]["code"], "parameter_twice");
    assert!(
        twice.text.contains("period is given more than once"),
        "{}",
        twice.text
    );

    // Rates in a CSV file are numbers in percent, the heading naming the
    // unit.
    let csv = t
        .get(
            &format!("/api/v1/reports/sales/export?{YEAR_2017}&by=owner&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let text = csv.text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let at = header
        .iter()
        .position(|h| h == "Received of signed (%)")
        .unwrap_or_else(|| panic!("{header:?}"));
    let rates: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[at].to_string())
        .filter(|r| !r.is_empty())
        .collect();
    assert!(!rates.is_empty());
    assert!(rates.iter().all(|r| r.parse::<f64>().is_ok()), "{rates:?}");

    // The target report names its months as the dashboard does.
    let target = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2017, "month": 1, "measure": "contract_amount", "amount": "1000" }),
        )
        .await;
    assert_eq!(target.status, 201, "{}", target.text);
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR_2017}&by=department&measure=contract_amount"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let january = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key2"] == "2017-01")
        .unwrap_or_else(|| panic!("{}", report.text))
        .clone();
    assert_eq!(january["label2"], "Jan 2017");
    let (_, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{YEAR_2017}&by=department&measure=contract_amount"),
        "en",
    )
    .await;
    assert!(html.contains(">Jan 2017<"), "{html}");
    assert!(!html.contains(">2017-01<"), "{html}");
}
