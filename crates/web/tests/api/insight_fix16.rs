//! The target report counts a department whose targets are all in another
//! currency like one with no target: its achievement is what was achieved
//! without a target, and its target is named among those left out.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

/// The report's figure in `column` on the row of `key` for the whole year.
fn figure(report: &Value, key: &str, column: &str) -> Option<Value> {
    let at = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == column)?;
    let row = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key && r["key2"] == "2017")?;
    Some(row["values"][at].clone())
}

#[tokio::test]
async fn a_department_with_a_target_only_in_another_currency_counts_as_without_target() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let currency = t.app.currency();
    let other = if currency == "TWD" { "USD" } else { "TWD" };
    let departments = t.get("/api/v1/departments", &admin).await;
    let teams: Vec<(i64, String)> = departments.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|d| !d["parent_id"].is_null())
        .map(|d| {
            let id = d["id"].as_i64().expect("id");
            (id, d["name"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    assert!(teams.len() >= 2, "{}", departments.text);
    let ((home, _), (abroad, abroad_name)) = (&teams[0], &teams[1]);
    for (department, money) in [(home, currency.as_str()), (abroad, other)] {
        let set = t
            .post(
                "/api/v1/targets",
                &admin,
                json!({ "year": 2017, "month": 0, "department_id": department,
                        "measure": "contract_amount", "amount": "1000000",
                        "currency": money }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR_2017}&by=department"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let body = &report.body;
    assert_eq!(
        body["columns"][0]["currency"],
        currency.as_str(),
        "{}",
        report.text
    );
    // The target in another currency is named, not counted.
    assert_eq!(
        body["targets_left_out"],
        json!([{ "currency": other, "targets": 1 }]),
        "{}",
        report.text
    );
    // The department with a target in the report's currency stands
    // against it.
    let target = figure(body, &home.to_string(), "contract_amount_target");
    assert!(target.is_some_and(|t| !t.is_null()), "{}", report.text);
    // The other is no holder of a target of its own: no row of achievement
    // beside an empty target.
    let abroad_key = abroad.to_string();
    assert!(
        figure(body, &abroad_key, "contract_amount_achieved").is_none(),
        "{}",
        report.text
    );
    // What it achieved counts under "achieved without target" in the
    // company's row, which names it.
    let without = figure(body, "company", "contract_amount_achieved_without_target")
        .and_then(|v| v.as_i64())
        .unwrap_or_default();
    assert!(without > 0, "{}", report.text);
    let company = body["added_up"]
        .as_array()
        .expect("added_up")
        .iter()
        .find(|a| a["key"] == "company")
        .unwrap_or_else(|| panic!("{}", report.text))
        .clone();
    assert!(
        company["without_target"]
            .to_string()
            .contains(abroad_name.as_str()),
        "{}",
        report.text
    );
}
