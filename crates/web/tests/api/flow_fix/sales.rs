//! Sales answers that say what is so: approval kinds named in the caller's
//! language, dry-run imports that say what they would do, a draft payment
//! of a void contract, and the way on from a record that cannot be edited.

use serde_json::json;

use super::call_in;
use crate::helpers::TestApp;
use crate::sales_fixtures::{contract, create, customer, sales_team, submit};

#[tokio::test]
async fn the_approval_report_names_its_kinds_in_the_callers_language() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Globex").await;
    let deal = contract(&t, rep, client, "500").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    for (lang, contracts, payments) in
        [("zh-Hant", "合同", "回款"), ("en", "Contracts", "Payments")]
    {
        let report = call_in(
            &t,
            lang,
            "/api/v1/reports/approvals?by=kind",
            &team.admin,
            None,
        )
        .await;
        assert_eq!(report.status, 200, "{}", report.text);
        let rows = report.body["rows"].as_array().expect("rows");
        let label = |key: &str| {
            rows.iter()
                .find(|r| r["key"] == key)
                .and_then(|r| r["label"].as_str())
                .unwrap_or_else(|| panic!("{key}: {}", report.text))
                .to_string()
        };
        assert_eq!(label("contract"), contracts, "{}", report.text);
        assert_eq!(label("payment"), payments, "{}", report.text);
    }
}
