//! Targets of one holder stay in one currency; chosen people are measured
//! against their targets added up; the dashboard's change against the
//! period before is rounded, not cut; targets and reports name their
//! fields in the reader's language.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp};
use crate::sales_fixtures::{create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

/// An approved contract of the caller's, signed on `day`.
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

/// A request's answer in a language: its status and body.
async fn in_language(
    t: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    lang: &str,
) -> (u16, Value) {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    };
    let answer = t.send(request.expect("request")).await;
    (answer.status.as_u16(), answer.body)
}

fn message_of<'a>(body: &'a Value, field: &str) -> &'a str {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no message on {field}: {body}"))
}

#[tokio::test]
async fn a_target_in_another_currency_than_the_holders_others_is_refused() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.0;
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": rep, "measure": "contract_amount",
                "amount": "12000", "currency": "CNY" }),
    )
    .await;
    let usd_month = json!({ "year": 2021, "month": 3, "user_id": rep,
                            "measure": "contract_amount", "amount": "500", "currency": "USD" });
    for (lang, words) in [
        ("en", "are in CNY"),
        ("zh-Hant", "以 CNY 設定"),
        ("zh-Hans", "以 CNY 设定"),
    ] {
        let (status, body) = in_language(
            &t,
            Method::POST,
            "/api/v1/targets",
            &team.admin,
            Some(usd_month.clone()),
            lang,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let message = message_of(&body, "currency");
        assert!(message.contains(words), "{lang}: {message}");
        assert!(!message.contains("target_currency_mixed"), "{message}");
    }
    // The other measure, another year and another holder are free to use
    // another currency.
    for other in [
        json!({ "year": 2021, "month": 3, "user_id": rep, "measure": "payment_amount",
                "amount": "500", "currency": "USD" }),
        json!({ "year": 2022, "month": 3, "user_id": rep, "measure": "contract_amount",
                "amount": "500", "currency": "USD" }),
        json!({ "year": 2021, "month": 3, "user_id": team.other_rep.0,
                "measure": "contract_amount", "amount": "500", "currency": "USD" }),
    ] {
        set_target(&t, &team.admin, other).await;
    }
    // Nothing saved was lost: the year's target is still the CNY one.
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep}"),
            &team.admin,
        )
        .await;
    let contract = board.body["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|v| v["measure"] == "contract_amount")
        .unwrap_or_else(|| panic!("{}", board.text));
    assert_eq!(contract["currency"], "CNY", "{contract}");
    assert_eq!(contract["target"], 1_200_000);
    // Replacing the holder's only target of the measure moves it to the
    // new currency.
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": rep, "measure": "contract_amount",
                "amount": "13000", "currency": "USD" }),
    )
    .await;
    set_target(&t, &team.admin, usd_month).await;
    let saved = t
        .get(
            &format!("/api/v1/targets?year=2021&user_id={rep}"),
            &team.admin,
        )
        .await;
    let currencies: Vec<&str> = saved
        .body
        .as_array()
        .expect("targets")
        .iter()
        .filter(|v| v["measure"] == "contract_amount")
        .map(|v| v["currency"].as_str().expect("currency"))
        .collect();
    assert_eq!(currencies, ["USD", "USD"], "{}", saved.text);
}

#[tokio::test]
async fn the_targets_page_refuses_a_second_currency_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 1, "measure": "contract_amount",
                "amount": "100", "currency": "CNY" }),
    )
    .await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    // January emptied (left as it is) and February typed in dollars.
    let form = format!(
        "_csrf={csrf}&year=2021&department_id=&user_id=&currency=USD\
         &key=contract_amount:1&amount=&key=contract_amount:2&amount=234.5"
    );
    let (status, html) = crate::helpers::post_form(&t, &cookie, "/settings/targets", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("are in CNY"), "{html}");
    assert!(html.contains("234.5"), "what was typed stays: {html}");
    let saved = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(
        saved.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        saved.text
    );
    assert_eq!(saved.body[0]["currency"], "CNY");
    // Typed again together with January, all of it moves to dollars.
    let form = format!(
        "_csrf={csrf}&year=2021&department_id=&user_id=&currency=USD\
         &key=contract_amount:1&amount=100&key=contract_amount:2&amount=234.5"
    );
    let (status, back) = crate::helpers::post_form(&t, &cookie, "/settings/targets", form).await;
    assert_eq!(status, 303, "{back}");
    let saved = t.get("/api/v1/targets?year=2021", &admin).await;
    assert!(
        saved
            .body
            .as_array()
            .expect("targets")
            .iter()
            .all(|v| v["currency"] == "USD"),
        "{}",
        saved.text
    );
}

#[tokio::test]
async fn chosen_people_are_measured_against_their_targets_added_up() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other) = (team.rep.0, team.other_rep.0);
    for (user, month, amount) in [
        (rep, 0, "1000"),
        (other, 0, "3000"),
        (rep, 4, "100"),
        (other, 4, "200"),
        (rep, 5, "50"),
    ] {
        set_target(
            &t,
            &team.admin,
            json!({ "year": 2021, "month": month, "user_id": user,
                    "measure": "contract_amount", "amount": amount, "currency": "CNY" }),
        )
        .await;
    }
    let mine = customer(&t, &team.rep.1, "Rep's client").await;
    signed(&t, &team.rep.1, mine, "120", "2021-04-10").await;
    let theirs = customer(&t, &team.other_rep.1, "Other's client").await;
    signed(&t, &team.other_rep.1, theirs, "80", "2021-04-20").await;
    signed(&t, &team.other_rep.1, theirs, "10", "2021-05-02").await;
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep},{other}"),
            &team.admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    assert_eq!(target["measure"], "contract_amount", "{}", board.text);
    assert_eq!(target["currency"], "CNY");
    assert_eq!(target["target"], 400_000);
    assert_eq!(target["achieved"], 21_000);
    assert_eq!(target["rate"], 53, "210 of 4000 is 5.25%, 5.3% in tenths");
    let april = &target["months"][3];
    assert_eq!(april["target"], 30_000);
    assert_eq!(april["achieved"], 20_000);
    assert_eq!(april["rate"], 667, "200 of 300 is 66.7%");
    // May: the rep's own and the other's share of what their year leaves
    // (2800 over eleven months, the six cents left going to the first six).
    let may = &target["months"][4];
    assert_eq!(may["target"], 5_000 + 25_455, "{may}");
    assert_eq!(may["achieved"], 1_000);
    // A person whose targets are in another currency is left out of the
    // year's target, and named, rather than adding dollars to yuan.
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": team.manager.0,
                "measure": "contract_amount", "amount": "500", "currency": "USD" }),
    )
    .await;
    let three = t
        .get(
            &format!(
                "/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep},{other},{}",
                team.manager.0
            ),
            &team.admin,
        )
        .await;
    let target = &three.body["targets"][0];
    assert_eq!(target["currency"], t.app.currency(), "{}", three.text);
    assert_eq!(target["target"], 400_000, "{}", three.text);
    assert_eq!(target["without_target"][0]["user_id"], team.manager.0);
}

#[tokio::test]
async fn the_change_against_the_period_before_is_rounded_not_cut() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Client").await;
    signed(&t, &admin, client, "1000", "2021-01-10").await;
    signed(&t, &admin, client, "1009.10", "2021-02-10").await;
    signed(&t, &admin, client, "1000", "2021-03-10").await;
    signed(&t, &admin, client, "17048", "2021-04-10").await;
    // In tenths of a percent: 0.91% is 0.9%, 1604.8% stays 1604.8%.
    for (month, expected) in [("02-01&to=2021-02-28", 9), ("04-01&to=2021-04-30", 16048)] {
        let board = t
            .get(
                &format!("/api/v1/dashboard?period=custom&from=2021-{month}"),
                &admin,
            )
            .await;
        let change = board.body["brief"]
            .as_array()
            .expect("brief")
            .iter()
            .find(|b| b["key"] == "contracts_approved")
            .map(|b| b["change"].clone())
            .unwrap_or_else(|| panic!("{}", board.text));
        assert_eq!(change, expected, "{month}: {}", board.text);
    }
}

#[tokio::test]
async fn the_measure_and_the_grouping_are_named_in_every_language() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (lang, measure, by) in [
        ("en", "Measure", "Group by"),
        ("zh-Hant", "指標", "分組"),
        ("zh-Hans", "指标", "分组"),
    ] {
        let (status, body) = in_language(
            &t,
            Method::POST,
            "/api/v1/targets",
            &admin,
            Some(json!({ "year": 2021, "measure": "visits", "amount": "1" })),
            lang,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let message = message_of(&body, "measure");
        assert!(
            message.contains(measure) && !message.contains("measure"),
            "{lang}: {message}"
        );
        let (status, body) = in_language(
            &t,
            Method::GET,
            "/api/v1/reports/sales?period=this_year&by=colour",
            &admin,
            None,
            lang,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let message = message_of(&body, "by");
        assert!(
            message.contains(by) && !message.contains("「by」"),
            "{lang}: {message}"
        );
    }
}

#[tokio::test]
async fn the_report_table_scrolls_in_its_own_box_with_months_on_one_line() {
    let t = TestApp::new().await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        "/reports/sales?period=custom&from=2021-01-01&to=2021-12-31&by=month",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<div class="table-wrap report-wrap" tabindex="0" role="region""#),
        "{html}"
    );
    let css = include_str!("../../static/app.css");
    let rules = &css[css.find(".report-wrap {").expect("the report's box")..];
    assert!(rules.contains(".report-table th, .report-table td.key2 { white-space: nowrap; }"));
}
