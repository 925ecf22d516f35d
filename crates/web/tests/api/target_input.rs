//! Target amounts as typed: a currency mark of another currency, an empty
//! amount, an unknown currency and a too large amount are refused with a
//! message that names the fix, and a save over a target someone else saved
//! meanwhile is refused with what is saved now, on the API and the page.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form, urlencode};

fn year_target(amount: &str, currency: &str) -> Value {
    json!({ "year": 2021, "measure": "contract_amount", "amount": amount, "currency": currency })
}

/// The one problem of a refused save: its field, code and message.
fn only_problem(answer: &crate::helpers::Answer) -> (String, String, String) {
    assert_eq!(answer.status, 422, "{}", answer.text);
    let errors = answer.body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{}", answer.text);
    let text = |key: &str| errors[0][key].as_str().unwrap_or_default().to_string();
    (text("field"), text("code"), text("message"))
}

#[tokio::test]
async fn amounts_in_another_currency_empty_or_too_large_and_unknown_currencies_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // A euro sign on a dollar target is not 1,000 dollars.
    let euro = t
        .post("/api/v1/targets", &admin, year_target("€1000", "USD"))
        .await;
    let (field, code, message) = only_problem(&euro);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("amount", "target_amount_other_currency")
    );
    assert!(message.contains("€ is not USD"), "{message}");
    assert!(message.contains("type the amount in USD"), "{message}");
    let code = t
        .post("/api/v1/targets", &admin, year_target("1000 EUR", "USD"))
        .await;
    assert_eq!(only_problem(&code).1, "target_amount_other_currency");
    let dollar = t
        .post("/api/v1/targets", &admin, year_target("$1000", "CNY"))
        .await;
    assert_eq!(only_problem(&dollar).1, "target_amount_other_currency");
    // A mark of the target's own currency is fine.
    let own = t
        .post("/api/v1/targets", &admin, year_target("$1,000", "USD"))
        .await;
    assert_eq!(own.status, 201, "{}", own.text);
    assert_eq!(own.body["amount"], 100_000);
    assert_eq!(own.body["currency"], "USD");

    // Empty: required, not "not a number".
    let empty = t
        .post("/api/v1/targets", &admin, year_target("", "USD"))
        .await;
    let (field, code, message) = only_problem(&empty);
    assert_eq!((field.as_str(), code.as_str()), ("amount", "required"));
    assert!(message.contains("is required"), "{message}");

    // An unknown currency is named with the choices, and nothing else is
    // said in an empty currency (a month beside the dollar year target).
    let unknown = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2021, "month": 3, "measure": "contract_amount",
                    "amount": "100", "currency": "XYZ" }),
        )
        .await;
    let (field, code, message) = only_problem(&unknown);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("currency", "target_currency_unknown")
    );
    assert!(message.contains("CNY, TWD, HKD, USD"), "{message}");

    // Too large: the limit is said.
    let large = t
        .post(
            "/api/v1/targets",
            &admin,
            year_target("2000000000000", "USD"),
        )
        .await;
    let (_, code, message) = only_problem(&large);
    assert_eq!(code, "target_amount_over_limit");
    assert!(message.contains("USD 1,000,000,000,000.00"), "{message}");

    // Nothing refused was saved.
    let saved = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(
        saved.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        saved.text
    );
    assert_eq!(saved.body[0]["amount"], 100_000);
}

#[tokio::test]
async fn a_save_over_a_target_saved_meanwhile_answers_409_with_the_target_as_it_is() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let mut first = year_target("1000", "USD");
    first["version"] = json!(0);
    let made = t.post("/api/v1/targets", &admin, first.clone()).await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["version"], 1);
    // Another save read at version 1 goes in, and raises it.
    let mut second = year_target("2000", "USD");
    second["version"] = json!(1);
    let saved = t.post("/api/v1/targets", &admin, second).await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    assert_eq!(saved.body["version"], 2);
    assert_eq!(saved.body["id"], made.body["id"], "the same target");
    // A save read at version 1, or as new, is now stale.
    for version in [1, 0] {
        let mut stale = year_target("3000", "USD");
        stale["version"] = json!(version);
        let refused = t.post("/api/v1/targets", &admin, stale).await;
        assert_eq!(refused.status, 409, "{}", refused.text);
        assert_eq!(refused.body["code"], "stale");
        assert_eq!(refused.body["version"], 2);
        assert_eq!(
            refused.body["current"]["amount"], 200_000,
            "{}",
            refused.text
        );
    }
    let stored = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(stored.body[0]["amount"], 200_000);
    // Without a version the save is not checked, as before.
    let unchecked = t
        .post("/api/v1/targets", &admin, year_target("4000", "USD"))
        .await;
    assert_eq!(unchecked.status, 201, "{}", unchecked.text);
    assert_eq!(unchecked.body["version"], 3);
}

/// The form of the targets page saving `amount` for the year's contracts
/// target (in USD), read at `version`.
fn year_form(csrf: &str, amount: &str, version: i64) -> String {
    format!(
        "_csrf={csrf}&year=2021&department_id=&user_id=&currency=USD\
         &key=contract_amount%3A0&version={version}&amount={}\
         &key=contract_amount%3A1&version=0&amount=",
        urlencode(amount)
    )
}

#[tokio::test]
async fn the_targets_page_refuses_a_stale_save_naming_what_is_saved_and_keeping_what_was_typed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    // The page carries each cell's version.
    let (status, html) = page(&t, &cookie, "/settings/targets?year=2021", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"version\" value=\"0\""), "{html}");
    // Opened empty; meanwhile another administrator sets 2,000.
    let other = t
        .post("/api/v1/targets", &admin, year_target("2000", "USD"))
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    let (status, html) = post_form(
        &t,
        &cookie,
        "/settings/targets",
        year_form(&csrf, "1500", 0),
    )
    .await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("Someone else saved some of these targets"),
        "{html}"
    );
    assert!(html.contains("now saved as USD 2,000.00"), "{html}");
    assert!(
        html.contains("value=\"1500\""),
        "what was typed is kept: {html}"
    );
    assert!(
        html.contains("name=\"version\" value=\"1\""),
        "read again: {html}"
    );
    let stored = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(stored.body[0]["amount"], 200_000, "nothing lost");
    // Saved again on what is there now, it goes in.
    let (status, _) = post_form(
        &t,
        &cookie,
        "/settings/targets",
        year_form(&csrf, "1500", 1),
    )
    .await;
    assert_eq!(status, 303);
    let stored = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(stored.body[0]["amount"], 150_000);

    // A mark of another currency is refused on the page too, naming the cell.
    let (status, html) = post_form(
        &t,
        &cookie,
        "/settings/targets",
        year_form(&csrf, "€1000", 2),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("€ is not USD"), "{html}");
}

#[test]
fn on_a_phone_the_targets_amounts_share_the_rows_whole_width() {
    // The month heads its row; the two amounts take half the width each,
    // wide enough for 12000000.00 in a readable size (checked at 360 and
    // 390 px in a browser).
    let css = include_str!("../../static/app.css");
    let phone = &css[css
        .find("@media (max-width: 640px) {\n  .table.targets, .table.targets thead")
        .expect("the targets' phone rules")..];
    let phone = &phone[..phone.find("\n}\n").expect("its end")];
    for rule in [
        ".table.targets tr { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);",
        ".table.targets tbody th { grid-column: 1 / -1;",
        ".targets input { font-size: 16px;",
        "min-width: 7.5rem;",
    ] {
        assert!(phone.contains(rule), "{rule}");
    }
}
