//! Targets count in the company's currency only, on the dashboard as in
//! the target report: a person's or a department's target set in another
//! currency stands as no target, and is named as left out; a department
//! whose own target is in another currency adds up its people's.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

/// The dashboard's contract target card for `query`.
async fn card(t: &TestApp, token: &str, query: &str) -> Value {
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR}&{query}"), token)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    board.body["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|v| v["measure"] == "contract_amount")
        .cloned()
        .unwrap_or_else(|| panic!("no contract target: {}", board.text))
}

#[tokio::test]
async fn a_target_in_another_currency_is_no_target_on_the_dashboard_as_in_the_report() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let company = t.app.currency();
    let other = if company == "USD" { "EUR" } else { "USD" };
    let (rep, other_rep) = (team.rep.0, team.other_rep.0);
    let client = customer(&t, &team.rep.1, "Buyer").await;
    let id = create(
        &t,
        &team.rep.1,
        "/api/v1/contracts",
        json!({ "name": "Signed", "customer_id": client, "amount": "300",
                "signed_on": "2021-05-04" }),
    )
    .await;
    assert_eq!(submit(&t, &team.rep.1, "contracts", id).await, "approved");
    // The rep's only target is in another currency.
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": rep, "measure": "contract_amount",
                "amount": "1200", "currency": other }),
    )
    .await;
    let mine = card(&t, &team.admin, &format!("scope=users&user_ids={rep}")).await;
    assert_eq!(mine["currency"], company.as_str(), "{mine}");
    assert!(mine["target"].is_null(), "{mine}");
    assert!(mine["rate"].is_null(), "{mine}");
    assert_eq!(mine["achieved"], 30_000, "{mine}");
    assert_eq!(
        mine["targets_left_out"],
        json!([{ "currency": other, "targets": 1 }]),
        "{mine}"
    );
    // The report by owner says the same of the same person.
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=owner"),
            &team.admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report.body["columns"][0]["currency"], company.as_str());
    assert_eq!(
        report.body["targets_left_out"],
        json!([{ "currency": other, "targets": 1 }]),
        "{}",
        report.text
    );

    // A department whose own target is in another currency adds up its
    // people's targets in the company's, as in the report; its own and the
    // rep's are named as left out.
    let departments = t.get("/api/v1/departments", &team.admin).await;
    let sales = departments.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["name"] == "Sales")
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("{}", departments.text));
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "department_id": sales,
                "measure": "contract_amount", "amount": "99999", "currency": other }),
    )
    .await;
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": other_rep,
                "measure": "contract_amount", "amount": "2400", "currency": company }),
    )
    .await;
    let department = card(
        &t,
        &team.admin,
        &format!("scope=department&department_id={sales}"),
    )
    .await;
    assert_eq!(department["currency"], company.as_str(), "{department}");
    assert_eq!(department["target"], 240_000, "{department}");
    assert_eq!(department["added_up"], true, "{department}");
    assert_eq!(department["achieved"], 0, "{department}");
    assert_eq!(
        department["achieved_without_target"], 30_000,
        "{department}"
    );
    assert_eq!(
        department["targets_left_out"],
        json!([{ "currency": other, "targets": 2 }]),
        "{department}"
    );
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &team.admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let added = report.body["added_up"]
        .as_array()
        .expect("added_up")
        .iter()
        .any(|a| a["key"].as_str().and_then(|k| k.parse::<i64>().ok()) == Some(sales));
    assert!(added, "{}", report.text);
}
