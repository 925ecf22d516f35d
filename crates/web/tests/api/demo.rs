//! The demo company loads the product's own copy of the Maven CRM files and
//! reproduces what the files say, counted here from the files themselves.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");

/// Per deal stage, rows with an account and the sum of their close values
/// in cents; and the rows without an account.
fn from_the_file() -> (BTreeMap<String, (i64, i64)>, i64) {
    let mut reader = csv::Reader::from_reader(PIPELINE.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (account, stage, value) = (
        column("account"),
        column("deal_stage"),
        column("close_value"),
    );
    let mut stages: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut without_account = 0;
    for record in reader.records() {
        let record = record.expect("a row");
        if record[account].trim().is_empty() {
            without_account += 1;
            continue;
        }
        let entry = stages.entry(record[stage].to_string()).or_default();
        entry.0 += 1;
        let cents: i64 = match record[value].trim() {
            "" => 0,
            dollars => dollars.parse::<i64>().expect("whole dollars") * 100,
        };
        entry.1 += cents;
    }
    (stages, without_account)
}

fn total(answer: &Value) -> i64 {
    answer["total"].as_i64().expect("a total")
}

#[tokio::test]
async fn the_demo_reproduces_the_files() {
    let app = TestApp::new().await;
    let report = app.app.load_demo().await.expect("demo loads");
    let (stages, without_account) = from_the_file();
    assert_eq!(report.customers, 85);
    assert_eq!(report.leads as i64, without_account);
    assert_eq!(without_account, 1425);
    for (stage, (count, _)) in &stages {
        assert_eq!(
            report.opportunities.get(stage).copied(),
            Some(*count as usize),
            "{stage}"
        );
    }
    assert_eq!(stages.values().map(|(n, _)| n).sum::<i64>(), 7375);
    assert_eq!(report.contracts as i64, stages["Won"].0);
    assert_eq!(report.contracts, 4238);
    assert!(
        report.unmatched_products.is_empty(),
        "GTXPro matches GTX Pro"
    );

    // The administrator sees it all through the API.
    let token = app.login(ADMIN_PHONE, PASSWORD).await;
    let customers = app.get("/api/v1/customers?limit=1", &token).await;
    assert_eq!(total(&customers.body), 85);
    let leads = app.get("/api/v1/leads?limit=1", &token).await;
    assert_eq!(total(&leads.body), 1425);
    for (outcome, stage) in [("won", "Won"), ("lost", "Lost")] {
        let found = app
            .get(
                &format!("/api/v1/opportunities?outcome={outcome}&limit=1"),
                &token,
            )
            .await;
        assert_eq!(found.status, 200, "{}", found.text);
        assert_eq!(total(&found.body), stages[stage].0, "{outcome}");
    }
    let contracts = app
        .get("/api/v1/contracts?status=approved&limit=1", &token)
        .await;
    assert_eq!(contracts.status, 200, "{}", contracts.text);
    assert_eq!(total(&contracts.body), 4238);
    let won_amount: i64 = contracts.body["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .filter(|t| t["currency"] == "USD")
        .map(|t| t["amount"].as_i64().expect("amount"))
        .sum();
    assert_eq!(
        won_amount, stages["Won"].1,
        "contract amounts are the won close values"
    );

    // A rep sees their own customers only, and signs in with the demo password.
    let rep = report
        .users
        .iter()
        .find(|u| u.name == "Darcel Schlecht")
        .expect("a demo rep");
    let rep_token = app
        .login(&rep.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    let theirs = app.get("/api/v1/customers?limit=1", &rep_token).await;
    assert!(total(&theirs.body) > 0 && total(&theirs.body) < 85);

    // Loading twice is refused: the demo goes into an empty company only.
    assert!(app.app.load_demo().await.is_err());
}
