//! Rates in a report's CSV file are numbers in percent under a heading
//! that names the unit, never text such as "45.0%".

use serde_json::Value;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

/// Reads the CSV export of `report` back and checks each rate column
/// against the report's figures (tenths of a percent): the heading ends in
/// "(%)" and each figure is the rate in percent, as a plain number.
async fn rates_read_back_as_numbers(t: &TestApp, token: &str, report: &str) -> usize {
    let answer = t
        .get(&format!("/api/v1/reports/{report}?{YEAR_2017}"), token)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = &answer.body;
    let skip = if body["by2"].is_null() { 1 } else { 2 };
    let rates: Vec<usize> = body["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .enumerate()
        .filter(|(_, c)| c["unit"] == "percent")
        .map(|(at, _)| at)
        .collect();
    let file = t
        .get(
            &format!("/api/v1/reports/{report}/export?{YEAR_2017}&format=csv"),
            token,
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.text);
    let text = file.text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let mut checked = 0;
    for at in &rates {
        assert!(
            header[at + skip].ends_with(" (%)"),
            "{report}: {:?}",
            &header[at + skip]
        );
        for (row, line) in body["rows"].as_array().expect("rows").iter().zip(&rows) {
            let cell = &line[at + skip];
            match row["values"][at].as_i64() {
                Some(tenths) => {
                    let read: f64 = cell
                        .parse()
                        .unwrap_or_else(|_| panic!("{report}: {cell:?} is no number"));
                    assert_eq!(read, tenths as f64 / 10.0, "{report}: {cell}");
                    checked += 1;
                }
                None => assert_eq!(cell, "", "{report}"),
            }
        }
    }
    checked
}

#[tokio::test]
async fn rates_in_report_files_are_numbers_in_percent() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let mut checked = 0;
    for report in ["funnel", "win_rates", "approvals", "lead_conversion"] {
        checked += rates_read_back_as_numbers(&t, &admin, report).await;
    }
    assert!(checked > 0, "some rate was read back");
}

/// The rate columns' headings in a language, as the file writes them.
fn headings(text: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_rate_heading_names_its_unit_in_every_language() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let report: Value = t
        .get(&format!("/api/v1/reports/win_rates?{YEAR_2017}"), &admin)
        .await
        .body;
    let at = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["unit"] == "percent")
        .expect("a rate column")
        + 1;
    for lang in ["en", "zh-Hans", "zh-Hant"] {
        let request = axum::http::Request::builder()
            .uri(format!(
                "/api/v1/reports/win_rates/export?{YEAR_2017}&format=csv"
            ))
            .header(axum::http::header::ACCEPT_LANGUAGE, lang)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {admin}"))
            .body(axum::body::Body::empty())
            .expect("request");
        let file = t.send(request).await;
        assert_eq!(file.status, 200, "{lang}: {}", file.text);
        let names = headings(&file.text);
        assert!(names[at].ends_with(" (%)"), "{lang}: {names:?}");
    }
}
