//! A built report's averages are over the records that have a value: an
//! empty custom field is left out, not counted as 0; a group where no
//! record has a value has no average (null, an empty export cell), and the
//! total row's average is over all the records with a value. A custom
//! money field is money in its record's currency.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer, submit};

const PERIOD: &str = "period=custom&from=2026-03-01&to=2026-03-31";

/// A contract field of `field_type` keyed `cost_x`, and contracts signed
/// in March 2026, each (currency, value of `cost_x`) — the last one
/// submitted, so that it is approved, the others drafts.
async fn contracts(t: &TestApp, admin: &str, field_type: &str, values: &[(&str, Option<&str>)]) {
    let field = json!({ "kind": "contract", "key": "cost_x", "label": "Cost X",
                        "field_type": field_type });
    let answer = t.post("/api/v1/fields", admin, field).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let client = customer(t, admin, "Averaged").await;
    let mut last = 0;
    for (n, (currency, value)) in values.iter().enumerate() {
        let mut body = json!({ "name": format!("Contract {n}"), "customer_id": client,
                               "amount": "100", "currency": currency, "signed_on": "2026-03-02" });
        if let Some(value) = value {
            body["custom"] = json!({ "cost_x": value });
        }
        last = create(t, admin, "/api/v1/contracts", body).await;
    }
    assert_eq!(submit(t, admin, "contracts", last).await, "approved");
}

/// A report on contracts by status: a count, the sum and the average of
/// `cost_x`; its figures and its CSV export.
async fn report(t: &TestApp, admin: &str) -> (Value, String) {
    let id = create(
        t,
        admin,
        "/api/v1/custom-reports",
        json!({ "name": "Cost by status", "kind": "contracts", "group_by": ["status"],
                "measures": [{"op": "count"}, {"op": "sum", "field": "custom.cost_x"},
                             {"op": "average", "field": "custom.cost_x"}],
                "chart": "table" }),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{PERIOD}"),
            admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let csv = t
        .get(
            &format!("/api/v1/custom-reports/{id}/export?{PERIOD}&format=csv"),
            admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    (figures.body, csv.text)
}

/// The column of `key` (in `currency` where given).
fn column(report: &Value, key: &str, currency: Option<&str>) -> usize {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key && currency.is_none_or(|cur| c["currency"] == cur))
        .unwrap_or_else(|| panic!("{key} {currency:?}: {report}"))
}

/// The figure of `status` (or of the total row) in `column`.
fn cell(report: &Value, status: Option<&str>, column: usize) -> Value {
    match status {
        Some(status) => report["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["key"] == status)
            .unwrap_or_else(|| panic!("{status}: {report}"))["values"][column]
            .clone(),
        None => report["totals"][column].clone(),
    }
}

/// The CSV line of a row by its label, split into cells.
fn line(csv: &str, label: &str) -> Vec<String> {
    csv.lines()
        .find(|l| l.starts_with(&format!("{label},")))
        .unwrap_or_else(|| panic!("{label}: {csv}"))
        .split(',')
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_average_leaves_out_empty_values_and_is_empty_where_a_group_has_none() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cny = "CNY";
    let values = [
        (cny, Some("123.45")),
        (cny, Some("0.55")),
        (cny, None),
        (cny, None),
    ];
    contracts(&t, &admin, "number", &values).await;
    let (report, csv) = report(&t, &admin).await;
    let (count, sum, average) = (
        column(&report, "count", None),
        column(&report, "sum", None),
        column(&report, "average", None),
    );
    assert_eq!(report["columns"][average]["unit"], "number", "{report}");
    // Drafts: 124 over the two with a value, not over all three.
    assert_eq!(cell(&report, Some("draft"), count), 3, "{report}");
    assert_eq!(cell(&report, Some("draft"), sum), 124_000, "{report}");
    assert_eq!(cell(&report, Some("draft"), average), 62_000, "{report}");
    // The approved contract has no value: no average, a sum of nothing.
    assert_eq!(
        cell(&report, Some("approved"), average),
        Value::Null,
        "{report}"
    );
    assert_eq!(cell(&report, Some("approved"), sum), 0, "{report}");
    // The total: over the two of four that have a value.
    assert_eq!(cell(&report, None, average), 62_000, "{report}");
    assert_eq!(cell(&report, None, sum), 124_000, "{report}");
    assert_eq!(
        line(&csv, "Draft")[1..],
        ["3", "124.000", "62.000"],
        "{csv}"
    );
    assert_eq!(line(&csv, "Approved")[1..], ["1", "0.000", ""], "{csv}");
}

#[tokio::test]
async fn nothing_to_average_gives_no_average_in_any_row_nor_the_total() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    contracts(&t, &admin, "number", &[("CNY", None), ("CNY", None)]).await;
    let (report, csv) = report(&t, &admin).await;
    let average = column(&report, "average", None);
    assert_eq!(
        cell(&report, Some("draft"), average),
        Value::Null,
        "{report}"
    );
    assert_eq!(
        cell(&report, Some("approved"), average),
        Value::Null,
        "{report}"
    );
    assert_eq!(cell(&report, None, average), Value::Null, "{report}");
    assert_eq!(line(&csv, "Draft")[1..], ["1", "0.000", ""], "{csv}");
}

#[tokio::test]
async fn a_custom_money_field_is_summed_and_averaged_as_money_in_its_record_currency() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let values = [
        ("CNY", Some("123.45")),
        ("CNY", Some("0.55")),
        ("CNY", None),
        ("USD", Some("10")),
        ("USD", None),
    ];
    contracts(&t, &admin, "money", &values).await;
    let (report, csv) = report(&t, &admin).await;
    let (average, usd_average) = (
        column(&report, "average", Some("CNY")),
        column(&report, "average", Some("USD")),
    );
    let sum = column(&report, "sum", Some("CNY"));
    for at in [average, usd_average, sum] {
        assert_eq!(report["columns"][at]["unit"], "money", "{report}");
    }
    // In hundredths, as every amount.
    assert_eq!(cell(&report, Some("draft"), sum), 12_400, "{report}");
    assert_eq!(cell(&report, Some("draft"), average), 6_200, "{report}");
    assert_eq!(cell(&report, Some("draft"), usd_average), 1_000, "{report}");
    // The approved contract is in dollars, without a value.
    assert_eq!(
        cell(&report, Some("approved"), average),
        Value::Null,
        "{report}"
    );
    assert_eq!(
        cell(&report, Some("approved"), usd_average),
        Value::Null,
        "{report}"
    );
    assert_eq!(cell(&report, None, average), 6_200, "{report}");
    assert_eq!(cell(&report, None, usd_average), 1_000, "{report}");
    let draft = line(&csv, "Draft");
    assert!(draft.contains(&"62.00".to_string()), "{csv}");
    assert!(draft.contains(&"124.00".to_string()), "{csv}");
    assert!(!csv.contains("62.000"), "{csv}");
}
