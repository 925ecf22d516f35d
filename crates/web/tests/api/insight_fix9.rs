//! Dashboard and report findings on the demo company, each figure counted
//! here from the demo's own files: a built report with more groups than a
//! page shows totals every group and exports them all.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");

/// One row of the pipeline file that became an opportunity.
pub(crate) struct Deal {
    pub agent: String,
    pub stage: String,
    pub engaged: String,
    pub closed: String,
    pub cents: i64,
}

pub(crate) fn deals() -> Vec<Deal> {
    csv::Reader::from_reader(PIPELINE.as_bytes())
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| !r[3].trim().is_empty())
        .map(|r| Deal {
            agent: r[1].to_string(),
            stage: r[4].to_string(),
            engaged: r[5].to_string(),
            closed: r[6].to_string(),
            cents: r[7].trim().parse::<i64>().unwrap_or(0) * 100,
        })
        .collect()
}

fn column(report: &Value, key: &str) -> usize {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("{key}: {report}"))
}

#[tokio::test]
async fn a_built_report_beyond_the_shown_groups_totals_all_of_them_and_exports_every_group() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({
                "name": "Won deals by day and owner",
                "kind": "opportunities",
                "group_by": ["created_at:day", "owner_id"],
                "measures": [{"op": "count"}, {"op": "sum", "field": "amount"}],
                "filters": [{"field": "outcome", "op": "eq", "value": "won"}],
                "chart": "table"
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let period = "period=custom&from=2016-01-01&to=2017-12-31";

    let won: Vec<Deal> = deals()
        .into_iter()
        .filter(|d| d.stage == "Won" && d.engaged.as_str() >= "2016-01-01")
        .filter(|d| d.engaged.as_str() <= "2017-12-31")
        .collect();
    let groups: BTreeSet<(String, String)> = won
        .iter()
        .map(|d| (d.engaged.clone(), d.agent.clone()))
        .collect();
    assert!(groups.len() > 500, "{} groups", groups.len());
    let cents: i64 = won.iter().map(|d| d.cents).sum();

    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{period}"),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let report = &figures.body;
    assert_eq!(report["truncated"], true);
    assert_eq!(report["totals_of_all"], true);
    assert_eq!(report["rows"].as_array().expect("rows").len(), 500);
    let (count, sum) = (column(report, "count"), column(report, "sum"));
    assert_eq!(report["totals"][count], json!(won.len()));
    assert_eq!(report["totals"][sum], json!(cents));

    // The page says the total is of all the groups.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/reports/custom/{id}?{period}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("the total row counts all groups"), "{html}");

    // The export holds every group, and the total of them all.
    let csv = t
        .get(
            &format!("/api/v1/custom-reports/{id}/export?{period}&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let text = csv.text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), groups.len() + 1, "every group and the total");
    let last = rows.last().expect("the total");
    assert_eq!(&last[0], "Total");
    assert_eq!(last[2].parse::<usize>().expect("a count"), won.len());
    let per_group: BTreeMap<(String, String), i64> = rows[..groups.len()]
        .iter()
        .map(|r| ((r[0].to_string(), r[1].to_string()), 1))
        .collect();
    assert_eq!(per_group.len(), groups.len());
}

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

#[tokio::test]
async fn the_sales_report_by_owner_is_sorted_by_the_contract_amount_it_draws() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let mut amounts: BTreeMap<String, i64> = BTreeMap::new();
    for deal in deals()
        .into_iter()
        .filter(|d| d.stage == "Won" && d.closed.starts_with("2017"))
    {
        *amounts.entry(deal.agent).or_default() += deal.cents;
    }
    let mut expected: Vec<(String, i64)> = amounts.into_iter().collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=owner"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let amount = column(&report.body, "contract_amount");
    let shown: Vec<(String, i64)> = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["label"].as_str().expect("label").to_string(),
                r["values"][amount].as_i64().unwrap_or(0),
            )
        })
        .filter(|(_, cents)| *cents > 0)
        .collect();
    assert_eq!(shown, expected);
}

fn left_out(board: &Value, key: &str) -> Vec<(String, String, i64)> {
    board[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}: {board}"))
        .iter()
        .map(|l| {
            (
                l["measure"].as_str().expect("measure").to_string(),
                l["currency"].as_str().expect("currency").to_string(),
                l["count"].as_i64().expect("count"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_dashboard_names_money_its_trend_and_rankings_leave_out_and_links_won_and_lost() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    // One won deal of 2017 was in euros: its contract and its payment.
    let deal = deals()
        .into_iter()
        .find(|d| d.stage == "Won" && d.closed.starts_with("2017-06"))
        .expect("a deal won in June 2017");
    let number = csv::Reader::from_reader(PIPELINE.as_bytes())
        .records()
        .map(|r| r.expect("row"))
        .find(|r| r[1] == deal.agent && r[6] == deal.closed && &r[4] == "Won")
        .map(|r| r[0].to_string())
        .expect("its id");
    t.sql(&format!(
        "update contracts set currency = 'EUR' where number = '{number}'"
    ))
    .await;
    t.sql(&format!(
        "update payments set currency = 'EUR' where contract_id = (select id from contracts where number = '{number}')"
    ))
    .await;

    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let euros = vec![
        ("contract_amount".to_string(), "EUR".to_string(), 1),
        ("payment_amount".to_string(), "EUR".to_string(), 1),
    ];
    assert_eq!(left_out(&board.body, "trend_left_out"), euros);
    assert_eq!(left_out(&board.body, "rankings_left_out"), euros);
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{YEAR_2017}"), "en").await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("1 approved contract in EUR").count(),
        3,
        "under the brief, the trend and the rankings"
    );

    // Won and lost in the period link the opportunities closed in it.
    let closed_2017 = |stage: &str| {
        deals()
            .iter()
            .filter(|d| d.stage == stage && d.closed.starts_with("2017"))
            .count()
    };
    for (outcome, stage) in [("won", "Won"), ("lost", "Lost")] {
        // The demo's pipeline (the company's default one is empty).
        let funnel = board.body["funnels"]
            .as_array()
            .expect("funnels")
            .iter()
            .max_by_key(|f| f["won"]["count"].as_i64())
            .expect("a funnel");
        assert_eq!(
            funnel[outcome]["count"],
            json!(closed_2017(stage)),
            "{outcome}"
        );
        let pipeline = funnel["pipeline_id"].as_i64().expect("pipeline");
        let href = format!(
            "/opportunities?pipeline_id={pipeline}&#38;outcome={outcome}&#38;closed=1&#38;from=2017-01-01&#38;to=2017-12-31"
        );
        assert!(html.contains(&href), "{outcome}: {href}");
        let listed = t
            .get(
                &format!(
                    "/api/v1/opportunities?pipeline_id={pipeline}&outcome={outcome}&closed=true&from=2017-01-01&to=2017-12-31&limit=1"
                ),
                &admin,
            )
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        assert_eq!(listed.body["total"], json!(closed_2017(stage)), "{outcome}");
        let (status, list) =
            crate::helpers::page(&t, &cookie, &href.replace("&#38;", "&"), "en").await;
        assert_eq!(status, 200);
        assert!(
            list.contains("won or lost 2017-01-01 – 2017-12-31"),
            "{list}"
        );
    }
}

#[tokio::test]
async fn a_running_month_is_compared_with_the_same_days_of_the_month_before() {
    let t = TestApp::new().await;
    // The test clock stands at 2026-03-02: a customer on February 1, one on
    // February 10 and one today.
    for (back, name) in [
        (29, "First of February"),
        (-9, "Tenth of February"),
        (-20, "Today"),
    ] {
        t.clock.advance(chrono::Duration::days(-back));
        let admin = t.login(ADMIN_PHONE, PASSWORD).await;
        let created = t
            .post("/api/v1/customers", &admin, json!({ "name": name }))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
    }
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let board = t.get("/api/v1/dashboard?period=this_month", &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["previous_from"], "2026-02-01");
    assert_eq!(board.body["previous_to"], "2026-02-02");
    assert_eq!(board.body["compared_so_far"], true);
    let brief = board.body["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == "new_customers")
        .expect("new customers")
        .clone();
    assert_eq!(brief["current"]["count"], 1);
    assert_eq!(
        brief["previous"]["count"], 1,
        "February 10 is past the span"
    );
    assert_eq!(brief["change"], 0);
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (_, html) = crate::helpers::page(&t, &cookie, "/dashboard?period=this_month", "en").await;
    assert!(html.contains("against Feb 1–2"), "{html}");
    // A month that has ended compares whole.
    let last = t.get("/api/v1/dashboard?period=last_month", &admin).await;
    assert_eq!(last.body["compared_so_far"], false);
    assert_eq!(last.body["previous_to"], "2026-01-31");
}
