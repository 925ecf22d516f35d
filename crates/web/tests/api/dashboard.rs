//! The dashboard's figures, checked against sums this test computes from the
//! demo company's own files: the brief, the trend by month, the funnel and
//! its forecast, and the scope of a rep.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");
const PRODUCTS: &str = include_str!("../../../service/demo/maven-crm/products.csv");

struct Row {
    agent: String,
    product: String,
    account: String,
    stage: String,
    close_date: String,
    cents: i64,
}

fn rows() -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(PIPELINE.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            Row {
                agent: r[1].to_string(),
                product: r[2].to_string(),
                account: r[3].trim().to_string(),
                stage: r[4].to_string(),
                close_date: r[6].to_string(),
                cents: r[7].trim().parse::<i64>().map(|d| d * 100).unwrap_or(0),
            }
        })
        .collect()
}

/// List prices in cents by product name, case and spaces ignored.
fn prices() -> BTreeMap<String, i64> {
    let key = |name: &str| name.to_lowercase().replace(' ', "");
    csv::Reader::from_reader(PRODUCTS.as_bytes())
        .records()
        .map(|r| {
            let r = r.expect("a product");
            (key(&r[0]), r[2].parse::<i64>().expect("price") * 100)
        })
        .collect()
}

fn amount(figure: &Value, currency: &str) -> i64 {
    figure["amounts"]
        .as_array()
        .expect("amounts")
        .iter()
        .filter(|s| s["currency"] == currency)
        .map(|s| s["amount"].as_i64().expect("amount"))
        .sum()
}

fn brief<'a>(board: &'a Value, key: &str) -> &'a Value {
    board["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == key)
        .expect(key)
}

#[tokio::test]
async fn the_dashboard_adds_up_what_the_files_say() {
    let t = TestApp::new().await;
    let report = t.app.load_demo().await.expect("demo loads");
    let token = t.login(ADMIN_PHONE, PASSWORD).await;
    let rows = rows();
    let won_2017: Vec<&Row> = rows
        .iter()
        .filter(|r| r.stage == "Won" && !r.account.is_empty() && r.close_date.starts_with("2017"))
        .collect();

    let board = t
        .get(
            "/api/v1/dashboard?period=custom&from=2017-01-01&to=2017-12-31",
            &token,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let board = board.body;
    assert_eq!(board["currency"], "USD");
    let contracts = brief(&board, "contracts_approved");
    assert_eq!(contracts["current"]["count"], won_2017.len());
    assert_eq!(
        amount(&contracts["current"], "USD"),
        won_2017.iter().map(|r| r.cents).sum::<i64>()
    );
    let payments = brief(&board, "payments_received");
    assert_eq!(
        amount(&payments["current"], "USD"),
        amount(&contracts["current"], "USD")
    );

    // The trend: each month of 2017 as the file has it.
    let mut by_month: BTreeMap<String, i64> = BTreeMap::new();
    for r in &won_2017 {
        *by_month.entry(r.close_date[..7].to_string()).or_default() += r.cents;
    }
    for month in board["trend"].as_array().expect("trend") {
        let key = month["month"].as_str().expect("month");
        assert_eq!(
            month["contracts"].as_i64(),
            Some(by_month.get(key).copied().unwrap_or(0)),
            "{key}"
        );
        assert_eq!(month["payments"], month["contracts"], "{key}");
    }

    // The funnel: open opportunities per stage, and the weighted forecast.
    let prices = prices();
    let funnel = board["funnels"]
        .as_array()
        .expect("funnels")
        .iter()
        .find(|f| f["name"] == "Maven CRM")
        .expect("the demo pipeline");
    let mut forecast = 0i64;
    for (stage, rate) in [("Prospecting", 20), ("Engaging", 60)] {
        let open: Vec<&Row> = rows
            .iter()
            .filter(|r| r.stage == stage && !r.account.is_empty())
            .collect();
        let sum: i64 = open
            .iter()
            .map(|r| prices[&r.product.to_lowercase().replace(' ', "")])
            .sum();
        forecast += sum * rate;
        let shown = funnel["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .find(|s| s["name"] == stage)
            .expect(stage);
        assert_eq!(shown["count"], open.len(), "{stage}");
        assert_eq!(shown["amount"], sum, "{stage}");
    }
    assert_eq!(funnel["forecast"].as_i64(), Some((forecast + 50) / 100));
    let won_in_pipeline = amount(&funnel["won"], "USD");
    assert_eq!(won_in_pipeline, amount(&contracts["current"], "USD"));

    // A rep's dashboard counts their own deals only.
    let rep = report
        .users
        .iter()
        .find(|u| u.name == "Darcel Schlecht")
        .expect("a rep");
    let rep_token = t
        .login(&rep.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    let theirs = t
        .get(
            "/api/v1/dashboard?period=custom&from=2017-01-01&to=2017-12-31",
            &rep_token,
        )
        .await;
    let mine: Vec<&&Row> = won_2017.iter().filter(|r| r.agent == rep.name).collect();
    let contracts = brief(&theirs.body, "contracts_approved");
    assert_eq!(contracts["current"]["count"], mine.len());
    assert_eq!(
        amount(&contracts["current"], "USD"),
        mine.iter().map(|r| r.cents).sum::<i64>()
    );
    // And the rep cannot widen it by naming someone else.
    let others = report
        .users
        .iter()
        .find(|u| u.name == "Moses Frase")
        .expect("another rep");
    let ids = t.get("/api/v1/users?q=Moses", &token).await;
    let other_id = ids.body["items"][0]["id"].as_i64().expect("id");
    let widened = t
        .get(
            &format!("/api/v1/dashboard?period=custom&from=2017-01-01&to=2017-12-31&scope=users&user_ids={other_id}"),
            &rep_token,
        )
        .await;
    assert_eq!(widened.status, 422, "{}: {}", others.name, widened.text);
    assert_eq!(widened.body["errors"][0]["field"], "user_ids");

    // The period before a year is the year before: nothing in 2016.
    assert_eq!(board["previous_from"], "2016-01-01");
}

#[tokio::test]
async fn targets_are_set_by_managers_of_reports_and_shown_against_what_was_achieved() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            serde_json::json!({ "year": 2026, "month": 3, "measure": "contract_amount", "amount": "1000" }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);
    let bad = t
        .post(
            "/api/v1/targets",
            &admin,
            serde_json::json!({ "year": 2026, "month": 13, "measure": "visits", "amount": "-1" }),
        )
        .await;
    assert_eq!(bad.status, 422);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(fields.contains(&"month") && fields.contains(&"measure") && fields.contains(&"amount"));
    // The test clock's month is March: its target is March's.
    let board = t.get("/api/v1/dashboard?period=this_month", &admin).await;
    let target = &board.body["targets"][0];
    assert_eq!(target["measure"], "contract_amount");
    assert_eq!(target["months"][0]["month"], 3);
    assert_eq!(target["months"][0]["target"], 100_000);
    assert_eq!(target["target"], 100_000);
    assert_eq!(target["achieved"], 0);
    let year = t.get("/api/v1/dashboard?period=this_year", &admin).await;
    let target = &year.body["targets"][0];
    assert_eq!(target["months"][2]["target"], 100_000);
    assert_eq!(
        target["target"],
        serde_json::Value::Null,
        "March alone is no year's target"
    );
}

#[tokio::test]
async fn a_rep_is_measured_against_their_own_target_not_the_companys() {
    let t = TestApp::new().await;
    let team = crate::sales_fixtures::sales_team(&t).await;
    for (user, amount) in [(None, "9000"), (Some(team.rep.0), "100")] {
        let set = t
            .post(
                "/api/v1/targets",
                &team.admin,
                serde_json::json!({ "year": 2026, "month": 0, "user_id": user, "measure": "contract_amount", "amount": amount }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    let theirs = t
        .get("/api/v1/dashboard?period=this_year", &team.rep.1)
        .await;
    assert_eq!(
        theirs.body["targets"][0]["target"], 10_000,
        "{}",
        theirs.text
    );
    let company = t
        .get("/api/v1/dashboard?period=this_year", &team.admin)
        .await;
    assert_eq!(company.body["targets"][0]["target"], 900_000);
    let chosen = t
        .get(
            &format!(
                "/api/v1/dashboard?period=this_year&scope=users&user_ids={}",
                team.rep.0
            ),
            &team.admin,
        )
        .await;
    assert_eq!(chosen.body["targets"][0]["target"], 10_000);
}
