//! Insight figures that mean what they say: the funnel's won and lost are
//! rows of their own, never a stage's; the sales report's month-before
//! column has no total (it adds up to no period), while the year before's
//! and the period before's totals are those periods' own; the demo's
//! undated prospects take days from the files, not the day of the load.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::{create, customer, submit};

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");
const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

/// A report's column by key, in a currency for money (none otherwise).
fn column(report: &Value, key: &str, currency: Option<&str>) -> usize {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key && c["currency"].as_str() == currency)
        .unwrap_or_else(|| panic!("column {key} {currency:?}: {report}"))
}

/// A report's row by its key.
fn row<'a>(report: &'a Value, key: &str) -> &'a Vec<Value> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("row {key}: {report}"))["values"]
        .as_array()
        .expect("values")
}

const PRODUCTS: &str = include_str!("../../../service/demo/maven-crm/products.csv");

/// The (count, cents) of demo deals with an account, of a stage, closed in
/// 2017: a won deal worth its close value, a lost one (closed at 0 in the
/// file) what was at stake, its product's list price.
fn closed_in_2017(stage: &str) -> (i64, i64) {
    let price = |product: &str| -> i64 {
        let wanted = product.replace(' ', "");
        csv::Reader::from_reader(PRODUCTS.as_bytes())
            .records()
            .map(|r| r.expect("a product"))
            .find(|p| p[0].replace(' ', "") == wanted)
            .and_then(|p| p[2].trim().parse::<i64>().ok())
            .map_or(0, |d| d * 100)
    };
    let mut out = (0, 0);
    for r in csv::Reader::from_reader(PIPELINE.as_bytes()).records() {
        let r = r.expect("a row");
        if !r[3].trim().is_empty() && &r[4] == stage && r[6].starts_with("2017") {
            out.0 += 1;
            let value = r[7].trim().parse::<i64>().map(|d| d * 100).unwrap_or(0);
            out.1 += if stage == "Lost" && value == 0 {
                price(&r[2])
            } else {
                value
            };
        }
    }
    out
}

#[tokio::test]
async fn the_funnel_keeps_won_and_lost_in_rows_of_their_own_and_its_totals_add_up() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.admin().await;
    let answer = t
        .get(&format!("/api/v1/reports/funnel?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let report = &answer.body;
    let keys: Vec<String> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["key"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(keys.len(), 4, "two stages, then won and lost: {keys:?}");
    assert_eq!(&keys[2..], ["won", "lost"]);
    let (prospecting, engaging) = (keys[0].as_str(), keys[1].as_str());
    let usd = Some("USD");
    let open = column(report, "open", None);
    let open_amount = column(report, "open_amount", usd);
    let forecast = column(report, "forecast", usd);
    let rate = column(report, "stage_win_rate", None);
    let won = column(report, "won", None);
    let won_amount = column(report, "won_amount", usd);
    let lost = column(report, "lost", None);
    let lost_amount = column(report, "lost_amount", usd);

    // The demo closes every deal at its last stage (Engaging): that stage's
    // row carries its open deals only.
    for stage in [prospecting, engaging] {
        for c in [won, won_amount, lost, lost_amount] {
            assert_eq!(row(report, stage)[c], Value::Null, "{stage} {c}");
        }
    }
    assert_eq!(row(report, prospecting)[open], 163);
    assert_eq!(row(report, engaging)[open], 501);
    // Won and lost rows have no open figures, and their own in their row.
    let (won_2017, lost_2017) = (closed_in_2017("Won"), closed_in_2017("Lost"));
    assert!(won_2017.0 > 0 && lost_2017.0 > 0);
    for (outcome, other) in [("won", "lost"), ("lost", "won")] {
        let values = row(report, outcome);
        for c in [open, open_amount, forecast, rate] {
            assert_eq!(values[c], Value::Null, "{outcome} {c}");
        }
        let other = column(report, other, None);
        assert_eq!(values[other], Value::Null, "{outcome}");
    }
    assert_eq!(row(report, "won")[won], won_2017.0);
    assert_eq!(row(report, "won")[won_amount], won_2017.1);
    assert_eq!(row(report, "lost")[lost], lost_2017.0);
    assert_eq!(row(report, "lost")[lost_amount], lost_2017.1);

    // Every total is its column's rows added up.
    let totals = report["totals"].as_array().expect("totals");
    assert_eq!(totals[open], 163 + 501);
    let sum = |c: usize| -> i64 {
        report["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["values"][c].as_i64())
            .sum()
    };
    for c in [
        open,
        open_amount,
        forecast,
        won,
        won_amount,
        lost,
        lost_amount,
    ] {
        assert_eq!(totals[c].as_i64(), Some(sum(c)), "total of {c}");
    }
    assert_eq!(totals[won], won_2017.0);
    assert_eq!(totals[lost_amount], lost_2017.1);
    assert_eq!(totals[rate], Value::Null, "rates do not add up");

    // The export says the same, the outcome rows named as the dashboard
    // names them.
    let csv = t
        .get(
            &format!("/api/v1/reports/funnel/export?{YEAR_2017}&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let text = csv.text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}: {header:?}"))
    };
    let (won_at, open_at) = (at("Won"), at("Open"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let labels: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        labels,
        [
            "Prospecting",
            "Engaging",
            "Won in the period",
            "Lost in the period",
            "Total"
        ]
    );
    assert_eq!(&rows[1][won_at], "", "the last stage has no won figure");
    assert_eq!(rows[2][won_at].to_string(), won_2017.0.to_string());
    assert_eq!(&rows[2][open_at], "");
    assert_eq!(rows[4][won_at].to_string(), won_2017.0.to_string());
    assert_eq!(&rows[4][open_at], "664");

    // The page's table has the outcome rows; its chart draws the stages.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/reports/funnel?{YEAR_2017}"), "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<th scope=\"row\">Won in the period</th>"),
        "{html}"
    );
    let chart_start = html
        .find("<svg class=\"chart funnel-chart\"")
        .expect("a chart");
    let chart = &html[chart_start..];
    let chart = &chart[..chart.find("</svg>").expect("the chart ends")];
    assert!(chart.contains("Engaging"), "{chart}");
    assert!(!chart.contains("in the period"), "{chart}");
    for lang in ["zh-Hant", "zh-Hans"] {
        let (status, html) = page(&t, &cookie, &format!("/reports/funnel?{YEAR_2017}"), lang).await;
        assert_eq!(status, 200);
        assert!(!html.contains("dashboard.won"), "{lang}");
    }
}

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

#[tokio::test]
async fn sales_totals_compare_whole_periods_and_the_month_before_has_none() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Monthly Buyer").await;
    for (amount, day) in [
        ("50", "2024-02-15"),
        ("70", "2024-03-31"),
        ("100", "2024-12-10"),
        ("200", "2025-01-05"),
        ("300", "2025-02-20"),
        ("400", "2025-03-01"),
        ("999", "2025-04-01"),
    ] {
        signed(&t, &admin, client, amount, day).await;
    }
    let quarter = "period=custom&from=2025-01-01&to=2025-03-31";
    let answer = t
        .get(&format!("/api/v1/reports/sales?{quarter}&by=month"), &admin)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let report = &answer.body;
    let currency = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find_map(|c| c["currency"].as_str())
        .expect("a currency")
        .to_string();
    let c = Some(currency.as_str());
    let amount = column(report, "contract_amount", c);
    let month_before = column(report, "contract_amount_month_before", c);
    let month_on_month = column(report, "contract_month_on_month", c);
    let year_before = column(report, "contract_amount_year_before", c);
    let year_on_year = column(report, "contract_year_on_year", c);
    // Each month against the one before it and the same month a year before.
    for (month, now, before, year) in [
        ("2025-01", 20_000, 10_000, 0),
        ("2025-02", 30_000, 20_000, 5_000),
        ("2025-03", 40_000, 30_000, 7_000),
    ] {
        let values = row(report, month);
        assert_eq!(values[amount], now, "{month}");
        assert_eq!(values[month_before], before, "{month}");
        assert_eq!(values[year_before], year, "{month}");
    }
    assert_eq!(row(report, "2025-01")[month_on_month], 1000, "+100.0%");
    assert_eq!(row(report, "2025-03")[year_on_year], 4714, "+471.4%");
    // The totals: the quarter, and the same quarter a year before; the
    // months before add up to no period, so they have no total.
    let totals = report["totals"].as_array().expect("totals");
    assert_eq!(totals[amount], 90_000);
    assert_eq!(totals[year_before], 12_000);
    assert_eq!(totals[year_on_year], 6500, "+650.0%");
    assert_eq!(totals[month_before], Value::Null);
    assert_eq!(totals[month_on_month], Value::Null);

    // Per person, the totals are the period before (the quarter before) and
    // the year before, whole.
    let answer = t
        .get(&format!("/api/v1/reports/sales?{quarter}&by=owner"), &admin)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let report = &answer.body;
    let totals = report["totals"].as_array().expect("totals");
    assert_eq!(totals[column(report, "contract_amount", c)], 90_000);
    assert_eq!(
        totals[column(report, "contract_amount_period_before", c)],
        10_000
    );
    assert_eq!(
        totals[column(report, "contract_amount_year_before", c)],
        12_000
    );
    assert_eq!(totals[column(report, "contract_period_on_period", c)], 8000);

    // The export's total row leaves the month before empty.
    let csv = t
        .get(
            &format!("/api/v1/reports/sales/export?{quarter}&by=month&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let text = csv.text.trim_start_matches('\u{feff}');
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(rows.len(), 4, "three months and the total");
    assert_eq!(&rows[3][0], "Total");
    assert_eq!(&rows[3][1 + month_before], "");
    assert_eq!(&rows[3][1 + year_before], "120.00");
}

#[tokio::test]
async fn demo_prospects_without_dates_take_days_from_the_files_not_the_load_day() {
    let t = TestApp::new().await;
    let loaded = t.app.load_demo().await.expect("demo loads");
    assert_eq!(loaded.opportunities["Prospecting"], 163);
    assert_eq!(loaded.leads, 1425);
    let admin = t.admin().await;
    // The test clock's month (March 2026), when the demo was loaded: nothing
    // in the files is that new.
    let board = t.get("/api/v1/dashboard?period=this_month", &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let new_opportunities = board.body["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == "new_opportunities")
        .expect("new opportunities")["current"]["count"]
        .as_i64();
    assert_eq!(new_opportunities, Some(0), "{}", board.text);
    let leads = t
        .get(
            "/api/v1/reports/lead_conversion?period=this_month&by=month",
            &admin,
        )
        .await;
    assert_eq!(leads.status, 200, "{}", leads.text);
    let new_leads = column(&leads.body, "new_leads", None);
    assert_eq!(leads.body["totals"][new_leads], 0, "{}", leads.text);

    // Every opportunity and lead is dated within the files' own span:
    // October 2016 to December 2017.
    for (kind, whole) in [("opportunities", 7375), ("leads", 1425)] {
        let path = if kind == "leads" {
            "/api/v1/reports/lead_conversion?period=custom&from=2016-10-01&to=2017-12-31&by=month"
        } else {
            "/api/v1/dashboard?period=custom&from=2016-10-01&to=2017-12-31"
        };
        let answer = t.get(path, &admin).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let counted = if kind == "leads" {
            answer.body["totals"][column(&answer.body, "new_leads", None)].as_i64()
        } else {
            answer.body["brief"]
                .as_array()
                .expect("brief")
                .iter()
                .find(|b| b["key"] == "new_opportunities")
                .expect("new opportunities")["current"]["count"]
                .as_i64()
        };
        assert_eq!(counted, Some(whole), "{kind}");
    }
}
