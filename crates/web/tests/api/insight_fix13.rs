//! Dashboard, targets and reports: a rep's target report opens by owner; a
//! group's month counts those with a target in that month; the builder
//! filters date-times by days ago and by having passed; a count beside
//! money counts the records the money counts; dates typed in full-width
//! digits are read.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};
use crate::sales_fixtures::{create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";
const MARCH: &str = "period=custom&from=2021-03-01&to=2021-03-31";

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

async fn signed(
    t: &TestApp,
    token: &str,
    client: i64,
    (amount, currency): (&str, &str),
    day: &str,
) {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day} {amount}"), "customer_id": client,
                "amount": amount, "currency": currency, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, token, "contracts", id).await, "approved");
}

fn contract_target(board: &Value) -> &Value {
    board["targets"]
        .as_array()
        .and_then(|all| all.iter().find(|v| v["measure"] == "contract_amount"))
        .unwrap_or_else(|| panic!("no contract target: {board}"))
}

#[tokio::test]
async fn a_rep_opens_the_target_report_by_owner_and_a_chosen_grouping_is_kept() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let scopes = json!({ "contract": { "scope": "own" }, "payment": { "scope": "own" } });
    let reader = t
        .role(
            &admin,
            "Reader",
            &["contract.view", "payment.view", "report.view"],
            scopes,
        )
        .await;
    let sales = t.department(&admin, "Sales", 1).await;
    let rep = t
        .user(
            &admin,
            "0972000001",
            json!({ "department_id": sales, "role_ids": [reader] }),
        )
        .await;
    let colleague = t
        .user(
            &admin,
            "0972000002",
            json!({ "department_id": sales, "role_ids": [reader] }),
        )
        .await;
    for user in [rep, colleague] {
        set_target(
            &t,
            &admin,
            json!({ "year": 2021, "month": 0, "user_id": user,
                    "measure": "contract_amount", "amount": "1200" }),
        )
        .await;
    }
    let token = t.login("0972000001", PASSWORD).await;
    let opened = t
        .get(&format!("/api/v1/reports/targets?{YEAR}"), &token)
        .await;
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert_eq!(opened.body["by"], "owner", "{}", opened.text);
    let keys: Vec<&str> = opened.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["key"].as_str())
        .collect();
    assert!(keys.contains(&rep.to_string().as_str()), "{keys:?}");
    assert!(!keys.contains(&colleague.to_string().as_str()), "{keys:?}");

    // The rep's own choice stays, even when it shows nothing.
    let chosen = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &token,
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    assert_eq!(chosen.body["by"], "department");

    // Someone who sees everyone still opens it by department.
    let all = t
        .get(&format!("/api/v1/reports/targets?{YEAR}"), &admin)
        .await;
    assert_eq!(all.body["by"], "department", "{}", all.text);

    // The page opens by owner too, with the rep's row.
    let cookie = crate::auth::page_session(&t, "0972000001").await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/reports/targets?{YEAR}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("User 0972000001"), "{html}");
}

#[tokio::test]
async fn a_group_month_counts_the_people_with_a_target_in_that_month() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other) = (team.rep.0, team.other_rep.0);
    let currency = t.app.currency();
    // The rep: 1,200 for the year. The other: 500 in March only.
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": rep,
                "measure": "contract_amount", "amount": "1200" }),
    )
    .await;
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 3, "user_id": other,
                "measure": "contract_amount", "amount": "500" }),
    )
    .await;
    let mine = customer(&t, &team.rep.1, "Rep's client").await;
    let theirs = customer(&t, &team.other_rep.1, "Other's client").await;
    let money = currency.as_str();
    signed(&t, &team.rep.1, mine, ("100", money), "2021-03-10").await;
    signed(&t, &team.other_rep.1, theirs, ("200", money), "2021-03-12").await;
    signed(&t, &team.other_rep.1, theirs, ("50", money), "2021-05-03").await;

    let people = format!("scope=users&user_ids={rep},{other}");
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR}&{people}"), &team.admin)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let year = contract_target(&board.body);
    // The year: only the rep has a target for all of it.
    assert_eq!(year["target"], 120_000, "{year}");
    assert_eq!(year["achieved"], 10_000);
    assert_eq!(year["achieved_without_target"], 25_000);
    // March counts the other beside the rep; May only the rep.
    let march = &year["months"][2];
    assert_eq!(march["target"], 10_000 + 50_000, "{march}");
    assert_eq!(march["achieved"], 30_000, "{march}");
    assert_eq!(march["achieved_without_target"], 0, "{march}");
    let may = &year["months"][4];
    assert_eq!(may["target"], 10_000, "{may}");
    assert_eq!(may["achieved"], 0, "{may}");
    assert_eq!(may["achieved_without_target"], 5_000, "{may}");

    // March alone reads as March within the year.
    let board = t
        .get(&format!("/api/v1/dashboard?{MARCH}&{people}"), &team.admin)
        .await;
    let alone = contract_target(&board.body);
    assert_eq!(alone["target"], 60_000, "{alone}");
    assert_eq!(alone["achieved"], 30_000, "{alone}");
    assert_eq!(alone["months"][0]["target"], march["target"]);
    assert_eq!(alone["months"][0]["achieved"], march["achieved"]);

    // The target report's total row, month by month, alike.
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=owner"),
            &team.admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let column = |key: &str| {
        report.body["columns"]
            .as_array()
            .and_then(|c| c.iter().position(|c| c["key"] == key))
            .unwrap_or_else(|| panic!("no {key}: {}", report.text))
    };
    let (target, achieved) = (
        column("contract_amount_target"),
        column("contract_amount_achieved"),
    );
    let total = |key2: &str| {
        report.body["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["key"] == "total" && r["key2"] == key2)
            .unwrap_or_else(|| panic!("no total {key2}: {}", report.text))["values"]
            .clone()
    };
    assert_eq!(total("2021-03")[target], 60_000);
    assert_eq!(total("2021-03")[achieved], 30_000);
    assert_eq!(total("2021-05")[target], 10_000);
    assert_eq!(total("2021")[target], 120_000);
    assert_eq!(total("2021")[achieved], 10_000);
}

#[tokio::test]
async fn the_builder_filters_date_times_by_days_ago_and_by_having_passed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let catalog = t
        .get("/api/v1/custom-reports/catalog/customers", &admin)
        .await;
    assert_eq!(catalog.status, 200, "{}", catalog.text);
    let operators = |field: &str| {
        catalog.body["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == field)
            .unwrap_or_else(|| panic!("{field}"))["operators"]
            .as_array()
            .expect("operators")
            .clone()
    };
    // "Has passed" only where the time may lie ahead.
    let followed_up = operators("last_follow_up_at");
    assert!(
        followed_up.contains(&json!("older_than_days")),
        "{followed_up:?}"
    );
    assert!(!followed_up.contains(&json!("passed")), "{followed_up:?}");
    assert!(operators("next_contact_at").contains(&json!("passed")));

    // Never followed up and created 40 days ago; followed up today; new today.
    let forgotten = customer(&t, &admin, "Forgotten").await;
    let followed = customer(&t, &admin, "Followed").await;
    t.clock.advance(chrono::Duration::days(40));
    // Signed in again: a session does not last forty days.
    let admin = t.admin().await;
    let fresh = customer(&t, &admin, "Fresh").await;
    t.sql(&format!(
        "update customers set last_follow_up_at = \
         (select created_at from customers where id = {fresh}), \
         next_contact_at = (select created_at from customers where id = {fresh}) \
         where id = {followed}"
    ))
    .await;
    let report = |filter: Value| {
        json!({ "name": "Filtered", "kind": "customers", "group_by": ["owner_id"],
                "measures": [{"op": "count"}], "filters": [filter], "chart": "table" })
    };
    let count = |id: i64| {
        let t = &t;
        let admin = &admin;
        async move {
            let figures = t
                .get(
                    &format!(
                        "/api/v1/custom-reports/{id}/figures?period=custom&from=2026-03-01&to=2026-05-31"
                    ),
                    admin,
                )
                .await;
            assert_eq!(figures.status, 200, "{}", figures.text);
            figures.body["totals"][0].as_i64().unwrap_or_default()
        }
    };
    let older = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        report(json!({"field": "last_follow_up_at", "op": "older_than_days", "value": "３0"})),
    )
    .await;
    assert_eq!(count(older).await, 1, "only {forgotten}");
    let passed = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        report(json!({"field": "next_contact_at", "op": "passed"})),
    )
    .await;
    assert_eq!(
        count(passed).await,
        0,
        "a contact due now is not before now"
    );
    t.clock.advance(chrono::Duration::days(1));
    assert_eq!(count(passed).await, 1, "yesterday's due contact has passed");

    // Days that are not a number of days are refused, naming the fix.
    let refused = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            report(json!({"field": "last_follow_up_at", "op": "older_than_days", "value": "0"})),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "filters.0.value");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1 to 3660"),
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn a_count_beside_money_counts_the_records_the_money_counts() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let currency = t.app.currency();
    let other = if currency == "USD" { "EUR" } else { "USD" };
    let client = customer(&t, &admin, "Client").await;
    for (amount, money, day) in [
        ("100", currency.as_str(), "2026-03-01"),
        ("200", currency.as_str(), "2026-03-02"),
        ("300", other, "2026-03-02"),
    ] {
        signed(&t, &admin, client, (amount, money), day).await;
    }
    let period = "period=custom&from=2026-03-01&to=2026-03-31";
    let board = t.get(&format!("/api/v1/dashboard?{period}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let contracts = board.body["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == "contracts_approved")
        .expect("contracts")
        .clone();
    assert_eq!(
        contracts["current"]["count"], 3,
        "every record: {contracts}"
    );

    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{period}"), "en").await;
    assert_eq!(status, 200);
    let card = html
        .split("brief-card")
        .find(|card| card.contains("30,000") || card.contains("300.00"))
        .unwrap_or_else(|| panic!("no contracts card: {html}"));
    assert!(
        card.contains(r#"<p class="muted small">2 records</p>"#),
        "the two in {currency}: {card}"
    );
    assert!(
        html.contains(&format!("1 approved contract in {other}")),
        "the third is named apart"
    );
}

#[tokio::test]
async fn dates_typed_in_full_width_digits_are_read() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Client").await;
    // A body: a contract signed on a day typed with full-width digits.
    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Full width", "customer_id": client, "amount": "100",
                "signed_on": "２０17－01－01" }),
    )
    .await;
    let contract = t.get(&format!("/api/v1/contracts/{id}"), &admin).await;
    assert_eq!(
        contract.body["signed_on"], "2017-01-01",
        "{}",
        contract.text
    );
    // A text field keeps its full-width digits.
    let named = create(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "２０17 Trading" }),
    )
    .await;
    let customer = t.get(&format!("/api/v1/customers/{named}"), &admin).await;
    assert_eq!(customer.body["name"], "２０17 Trading");
    // A query: the dashboard's days.
    let board = t
        .get(
            "/api/v1/dashboard?period=custom&from=%EF%BC%92%EF%BC%9017-01-01&to=2017-12-31",
            &admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["from"], "2017-01-01");
    // The page shows the day it read in its date box, so "Show" keeps it.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        "/dashboard?period=custom&from=%EF%BC%92%EF%BC%9017-01-01&to=2017-12-31",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("name=\"from\" value=\"2017-01-01\""),
        "{html}"
    );
    // A target set with a body read in one piece.
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2017, "month": 0, "measure": "contract_amount", "amount": "１00" }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);
    // A body read in one piece: a team member until a full-width day.
    let east = t.department(&admin, "East", 1).await;
    let member = t
        .user(&admin, "0973000001", json!({ "department_id": east }))
        .await;
    let added = t
        .post(
            &format!("/api/v1/customers/{client}/team"),
            &admin,
            json!({ "user_id": member, "expires_on": "２０２６／12／31".replace('／', "－") }),
        )
        .await;
    assert_eq!(added.status, 204, "{}", added.text);
    // A day that does not exist is still refused, by name.
    let refused = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Bad day", "customer_id": client, "amount": "100",
                    "signed_on": "２０17－02－30" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "signed_on");
}
