//! A group's target adds up the people who have one and names the others;
//! months without their own target share what the year's target leaves;
//! a created target is answered with its id; changes, win rates and pass
//! rates are tenths of a percent; report exports carry their notes and a
//! saved report's own name.

use axum::http::header;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp};
use crate::sales_fixtures::{create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";
const Q2: &str = "period=custom&from=2021-04-01&to=2021-06-30";

async fn set_target(t: &TestApp, token: &str, body: Value) -> Value {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
    set.body
}

async fn signed(t: &TestApp, token: &str, client: i64, amount: &str, day: &str) {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day} {amount}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
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

/// The twelve months of a year target of `year` cents with the months in
/// `own` set, as a sales manager reads the rule: the months without their
/// own share what is left evenly, the cents left over going to the first.
fn spread(year: i64, own: &[(usize, i64)]) -> [i64; 12] {
    let set: i64 = own.iter().map(|(_, a)| a).sum();
    let open = 12 - own.len() as i64;
    let rest = (year - set).max(0);
    let mut months = [0; 12];
    let mut given = 0;
    for (index, slot) in months.iter_mut().enumerate() {
        if let Some((_, amount)) = own.iter().find(|(m, _)| *m == index + 1) {
            *slot = *amount;
        } else {
            *slot = rest / open + i64::from(given < rest % open);
            given += 1;
        }
    }
    months
}

#[tokio::test]
async fn a_group_adds_up_the_targets_it_has_and_names_who_has_none() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other, manager) = (team.rep.0, team.other_rep.0, team.manager.0);
    let currency = t.app.currency();
    for (user, amount, money) in [
        (rep, "1000", currency.as_str()),
        (other, "3000", currency.as_str()),
        (manager, "500", "USD"),
    ] {
        set_target(
            &t,
            &team.admin,
            json!({ "year": 2021, "month": 0, "user_id": user,
                    "measure": "contract_amount", "amount": amount, "currency": money }),
        )
        .await;
    }
    let client = customer(&t, &team.rep.1, "Rep's client").await;
    signed(&t, &team.rep.1, client, "120", "2021-04-10").await;
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep},{other},{manager}"),
            &team.admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = contract_target(&board.body);
    assert_eq!(target["currency"], currency.as_str(), "{target}");
    assert_eq!(target["target"], 400_000, "the rep's and the other's");
    assert_eq!(target["achieved"], 12_000);
    assert_eq!(target["rate"], 30, "120 of 4000 is 3.0%");
    let april = &target["months"][3];
    assert_eq!(
        april["target"],
        spread(100_000, &[])[3] + spread(300_000, &[])[3]
    );
    let without = target["without_target"].as_array().expect("without_target");
    assert_eq!(without.len(), 1, "{target}");
    assert_eq!(without[0]["user_id"], manager);
    assert_eq!(without[0]["name"], "User 0971000001");

    // The department has no target of its own: its people's are added up.
    let profile = t
        .get(&format!("/api/v1/users/{manager}"), &team.admin)
        .await;
    let sales = profile.body["department_id"].as_i64().expect("department");
    let path = format!("/dashboard?{YEAR}&scope=department&department_id={sales}");
    let board = t.get(&format!("/api/v1{path}"), &team.admin).await;
    let target = contract_target(&board.body);
    assert_eq!(target["target"], 400_000, "{target}");
    assert_eq!(target["without_target"][0]["user_id"], manager);
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for (lang, words) in [
        ("en", "Added up from the people with a target"),
        ("zh-Hans", "未计入期间目标"),
        ("zh-Hant", "未計入期間目標"),
    ] {
        let (status, html) = crate::helpers::page(&t, &cookie, &path, lang).await;
        assert_eq!(status, 200);
        let note = html
            .split(r#"<p class="notice without-target" role="note">"#)
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_else(|| panic!("{lang}: no note"));
        assert!(
            note.contains(words) && note.contains("User 0971000001"),
            "{note}"
        );
        assert!(!note.contains("User 0971000002"), "the rep has one: {note}");
    }

    // A target of the department's own is the department's, as before.
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "department_id": sales,
                "measure": "contract_amount", "amount": "9000" }),
    )
    .await;
    let board = t.get(&format!("/api/v1{path}"), &team.admin).await;
    let target = contract_target(&board.body);
    assert_eq!(target["target"], 900_000, "{target}");
    assert_eq!(target["without_target"], json!([]));
}

#[tokio::test]
async fn a_quarter_stands_against_the_year_target_spread_over_months_without_their_own() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // The company: 12,345.67 for 2021, April 3,000 and November 500 of it.
    let (year, own) = (1_234_567, [(4, 300_000), (11, 50_000)]);
    for (month, amount) in [(0, "12345.67"), (4, "3000"), (11, "500")] {
        set_target(
            &t,
            &admin,
            json!({ "year": 2021, "month": month, "measure": "contract_amount", "amount": amount }),
        )
        .await;
    }
    let client = customer(&t, &admin, "Client").await;
    signed(&t, &admin, client, "2500", "2021-05-20").await;
    let months = spread(year, &own);
    assert_eq!(
        months.iter().sum::<i64>(),
        year,
        "the months add up to the year"
    );
    let quarter: i64 = months[3..6].iter().sum();

    let board = t.get(&format!("/api/v1/dashboard?{Q2}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = contract_target(&board.body);
    assert_eq!(target["target"], quarter, "{target}");
    for (index, month) in target["months"]
        .as_array()
        .expect("months")
        .iter()
        .enumerate()
    {
        assert_eq!(month["target"], months[3 + index], "{month}");
    }
    let rate = (250_000 * 2000 + quarter) / (quarter * 2);
    assert_eq!(target["rate"], rate);
    // The whole year still stands against the year's own target.
    let board = t.get(&format!("/api/v1/dashboard?{YEAR}"), &admin).await;
    assert_eq!(contract_target(&board.body)["target"], year);

    // The target report: the period row and each month alike.
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{Q2}&by=department&measure=contract_amount"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let column = report.body["columns"]
        .as_array()
        .and_then(|c| c.iter().position(|c| c["key"] == "contract_amount_target"))
        .expect("target column");
    let rows = report.body["rows"].as_array().expect("rows");
    let row = |key2: &str| {
        rows.iter()
            .find(|r| r["key"] == "company" && r["key2"] == key2)
            .unwrap_or_else(|| panic!("no {key2}: {}", report.text))["values"][column]
            .clone()
    };
    assert_eq!(row("2021 (04-01 – 06-30)"), quarter);
    assert_eq!(row("2021-05"), months[4]);
}

#[tokio::test]
async fn a_created_target_is_answered_with_its_id() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 2, "measure": "payment_amount", "amount": "1,250.50" }),
    )
    .await;
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["amount"], 125_050);
    assert_eq!(created["month"], 2);
    assert_eq!(created["measure"], "payment_amount");
    let listed = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(listed.body[0]["id"], id, "{}", listed.text);
    let doc = t
        .call(axum::http::Method::GET, "/api/openapi.json", None, None)
        .await;
    let answers = &doc.body["paths"]["/api/v1/targets"]["post"]["responses"];
    assert!(answers.get("201").is_some(), "{answers}");
    assert!(answers.get("204").is_none(), "{answers}");
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/targets/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
}

#[tokio::test]
async fn changes_and_funnel_win_rates_are_tenths_of_a_percent() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Client").await;
    signed(&t, &admin, client, "800", "2021-01-10").await;
    signed(&t, &admin, client, "900", "2021-02-10").await;
    let path = "dashboard?period=custom&from=2021-02-01&to=2021-02-28";
    let board = t.get(&format!("/api/v1/{path}"), &admin).await;
    let change = board.body["brief"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["key"] == "contracts_approved"))
        .map(|b| b["change"].clone())
        .unwrap_or_else(|| panic!("{}", board.text));
    assert_eq!(change, 125, "900 against 800 is up 12.5%");
    let stages = &board.body["funnels"][0]["stages"];
    let pipelines = t.get("/api/v1/pipelines", &admin).await;
    let set = pipelines.body[0]["stages"][0]["win_rate"]
        .as_i64()
        .expect("win rate");
    assert_eq!(stages[0]["win_rate"], set * 10, "{stages}");
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (_, html) = crate::helpers::page(&t, &cookie, &format!("/{path}"), "en").await;
    assert!(html.contains("▲ 12.5%"), "the change in tenths");
    assert!(
        html.contains(&format!(r#">{set}.0%</td>"#)),
        "the win rate in tenths"
    );
}

#[tokio::test]
async fn exports_carry_the_left_out_note_and_a_saved_report_its_own_name() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let currency = t.app.currency();
    let other = if currency == "USD" { "EUR" } else { "USD" };
    let team = sales_team(&t).await;
    for (user, money) in [(team.rep.0, currency.as_str()), (team.other_rep.0, other)] {
        set_target(
            &t,
            &admin,
            json!({ "year": 2021, "month": 0, "user_id": user, "measure": "contract_amount",
                    "amount": "1000", "currency": money }),
        )
        .await;
    }
    let export = t
        .get(
            &format!("/api/v1/reports/targets/export?format=csv&{YEAR}&by=owner"),
            &admin,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    // Under the table, beside the note on the total row's people.
    assert!(
        export
            .text
            .lines()
            .any(|line| line.contains("Not counted here: 1 target set in") && line.contains(other)),
        "{}",
        export.text
    );

    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "華東/回款 \"Q2\"", "kind": "contracts", "group_by": ["owner_id"],
                    "measures": [{"op": "count"}], "chart": "table" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    for format in ["xlsx", "csv"] {
        let file = t
            .get(
                &format!("/api/v1/custom-reports/{id}/export?format={format}&{YEAR}"),
                &admin,
            )
            .await;
        assert_eq!(file.status, 200, "{}", file.text);
        let disposition = file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ASCII header");
        assert_eq!(
            disposition,
            format!(
                "attachment; filename=\"Q2.{format}\"; \
                 filename*=UTF-8''%E8%8F%AF%E6%9D%B1_%E5%9B%9E%E6%AC%BE%20_Q2_.{format}"
            )
        );
    }
}
