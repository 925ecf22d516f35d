//! Insight, the gaps closed: the funnel counts only open opportunities at
//! its stages (won, lost and the forecast beside them).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{TestApp, page};
use crate::sales_fixtures::{customer, sales_team};

const THIS_MONTH: &str = "period=this_month";

/// A report's column by key, in a currency for money (none for counts).
fn column(report: &Value, key: &str, currency: Option<&str>) -> usize {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key && c["currency"].as_str() == currency)
        .unwrap_or_else(|| panic!("column {key} {currency:?}: {report}"))
}

/// A report's figure in a row (by its key) and column.
fn cell(report: &Value, row: &str, index: usize) -> i64 {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == row)
        .unwrap_or_else(|| panic!("row {row}: {report}"))["values"][index]
        .as_i64()
        .unwrap_or(0)
}

fn total(report: &Value, index: usize) -> i64 {
    report["totals"][index].as_i64().unwrap_or(0)
}

/// Minor units as the API takes an amount.
fn amount_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What the test expects of one stage: open count and amount, and the
/// amount weighted by the stage's win rate (summed, then divided once).
#[derive(Default, Debug)]
struct Expected {
    open: i64,
    amount: i64,
}

impl Expected {
    fn forecast(&self, rate: i64) -> i64 {
        (self.amount * rate + 50) / 100
    }
}

#[tokio::test]
async fn the_funnel_counts_open_opportunities_at_stages_and_won_lost_and_forecast_beside_them() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let created = t
        .post(
            "/api/v1/pipelines",
            admin,
            json!({ "name": "Channel", "stages": [
                { "name": "Contact", "win_rate": 10 },
                { "name": "Offer", "win_rate": 55 },
                { "name": "Signing", "win_rate": 90 }
            ] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let pipeline = created.body["id"].as_i64().expect("pipeline");
    let stages: Vec<i64> = (0..3)
        .map(|i| created.body["stages"][i]["id"].as_i64().expect("stage"))
        .collect();
    let rates = [10, 55, 90];

    // (whose: 0 the rep, 1 the other rep; stage; cents; outcome)
    let deals: [(usize, usize, i64, &str); 10] = [
        (0, 0, 100_033, "open"),
        (0, 0, 20_001, "open"),
        (0, 1, 350_017, "open"),
        (0, 2, 99_999, "won"),
        (0, 1, 12_345, "lost"),
        (1, 1, 77_777, "open"),
        (1, 2, 500_000, "open"),
        (1, 0, 4_321, "won"),
        (1, 2, 8_888, "lost"),
        (1, 2, 1_111, "invalid"),
    ];
    let reps = [&team.rep, &team.other_rep];
    let mut clients = Vec::new();
    for (i, (_, token)) in reps.iter().enumerate() {
        clients.push(customer(&t, token, &format!("Funnel client {i}")).await);
    }
    let mut currency = String::new();
    for (n, (who, stage, cents, outcome)) in deals.iter().enumerate() {
        let token = &reps[*who].1;
        let answer = t
            .post(
                "/api/v1/opportunities",
                token,
                json!({ "name": format!("Deal {n}"), "customer_id": clients[*who],
                        "pipeline_id": pipeline, "stage_id": stages[*stage],
                        "amount": amount_text(*cents) }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        currency = answer.body["currency"].as_str().expect("currency").into();
        let id = answer.body["id"].as_i64().expect("id");
        if *outcome != "open" {
            let moved = t
                .post(
                    &format!("/api/v1/opportunities/{id}/stage"),
                    token,
                    json!({ "outcome": outcome, "reason": "Price" }),
                )
                .await;
            assert_eq!(moved.status, 200, "{}", moved.text);
        }
    }
    // What each viewer should see, computed here: (stages, won, lost).
    let expect = |whose: &[usize]| {
        let mut at: Vec<Expected> = (0..3).map(|_| Expected::default()).collect();
        let mut closed: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for (_, stage, cents, outcome) in deals.iter().filter(|d| whose.contains(&d.0)) {
            if *outcome == "open" {
                at[*stage].open += 1;
                at[*stage].amount += cents;
            } else {
                let entry = closed.entry(outcome).or_default();
                entry.0 += 1;
                entry.1 += cents;
            }
        }
        let won = closed.get("won").copied().unwrap_or_default();
        let lost = closed.get("lost").copied().unwrap_or_default();
        (at, won, lost)
    };

    // The funnel report, as the administrator sees it.
    let (at, won, lost) = expect(&[0, 1]);
    let report = t
        .get(
            &format!("/api/v1/reports/funnel?{THIS_MONTH}&pipeline_id={pipeline}"),
            admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let report = report.body;
    let keys: Vec<String> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["key"].as_str().unwrap_or_default().to_string())
        .collect();
    let stage_keys: Vec<String> = stages.iter().map(i64::to_string).collect();
    assert_eq!(keys, stage_keys, "only the stages are rows");
    let c = Some(currency.as_str());
    let (open, open_amount, forecast) = (
        column(&report, "open", None),
        column(&report, "open_amount", c),
        column(&report, "forecast", c),
    );
    let mut all_forecast = 0;
    for (i, stage) in stage_keys.iter().enumerate() {
        assert_eq!(cell(&report, stage, open), at[i].open, "open at {i}");
        assert_eq!(
            cell(&report, stage, open_amount),
            at[i].amount,
            "amount at {i}"
        );
        assert_eq!(
            cell(&report, stage, forecast),
            at[i].forecast(rates[i]),
            "forecast at {i}"
        );
        all_forecast += at[i].forecast(rates[i]);
    }
    assert_eq!(total(&report, open), at.iter().map(|s| s.open).sum::<i64>());
    assert_eq!(
        total(&report, open_amount),
        at.iter().map(|s| s.amount).sum::<i64>()
    );
    assert_eq!(total(&report, forecast), all_forecast);
    assert_eq!(total(&report, column(&report, "won", None)), won.0);
    assert_eq!(total(&report, column(&report, "won_amount", c)), won.1);
    assert_eq!(total(&report, column(&report, "lost", None)), lost.0);
    assert_eq!(total(&report, column(&report, "lost_amount", c)), lost.1);

    // The page says the same beside its chart, and names no outcome a stage.
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/funnel?{THIS_MONTH}&pipeline_id={pipeline}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Weighted forecast"), "{html}");
    assert!(html.contains("Amount lost"), "{html}");
    assert!(!html.contains("<th scope=\"row\">Won</th>"), "{html}");

    // The dashboard's funnel for the administrator, the manager (both
    // reps) and each rep (their own only).
    for (who, token, whose) in [
        ("admin", admin, vec![0, 1]),
        ("manager", team.manager.1.as_str(), vec![0, 1]),
        ("rep", team.rep.1.as_str(), vec![0]),
        ("other rep", team.other_rep.1.as_str(), vec![1]),
    ] {
        let (at, won, lost) = expect(&whose);
        let board = t
            .get(&format!("/api/v1/dashboard?{THIS_MONTH}"), token)
            .await;
        assert_eq!(board.status, 200, "{who}: {}", board.text);
        let funnel = board.body["funnels"]
            .as_array()
            .expect("funnels")
            .iter()
            .find(|f| f["pipeline_id"] == pipeline)
            .unwrap_or_else(|| panic!("{who}: {}", board.text))
            .clone();
        let mut forecast = 0;
        for (i, shown) in funnel["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .enumerate()
        {
            assert_eq!(shown["count"], at[i].open, "{who} count at {i}");
            assert_eq!(shown["amount"], at[i].amount, "{who} amount at {i}");
            assert_eq!(
                shown["forecast"],
                at[i].forecast(rates[i]),
                "{who} forecast at {i}"
            );
            forecast += at[i].forecast(rates[i]);
        }
        assert_eq!(funnel["forecast"], forecast, "{who}");
        assert_eq!(funnel["won"]["count"], won.0, "{who}");
        assert_eq!(funnel["won"]["amounts"][0]["amount"], won.1, "{who}");
        assert_eq!(funnel["lost"]["count"], lost.0, "{who}");
        assert_eq!(funnel["lost"]["amounts"][0]["amount"], lost.1, "{who}");
    }
}
