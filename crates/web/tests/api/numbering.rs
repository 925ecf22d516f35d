//! Number rules set by administrators, and numbers typed by hand that the
//! rule passes over.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::sales_fixtures::{create, customer, first_error, sales_team};

#[tokio::test]
async fn a_number_typed_by_hand_is_passed_over_by_the_rule() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "台積電").await;
    let rules = t.get("/api/v1/number-rules", &team.admin).await;
    assert_eq!(rules.status, 200, "{}", rules.text);
    let first = rules.body[0]["example"]
        .as_str()
        .expect("example")
        .to_string();
    assert_eq!(rules.body[0]["kind"], "contract");

    // Someone types the number the rule would give next.
    let typed = create(
        &t,
        rep,
        "/api/v1/contracts",
        json!({ "name": "Typed", "customer_id": client, "amount": "1", "number": first }),
    )
    .await;
    let numbered = create(
        &t,
        rep,
        "/api/v1/contracts",
        json!({ "name": "Numbered", "customer_id": client, "amount": "1" }),
    )
    .await;
    let number_of = async |id: i64| {
        t.get(&format!("/api/v1/contracts/{id}"), rep).await.body["number"]
            .as_str()
            .expect("number")
            .to_string()
    };
    assert_eq!(number_of(typed).await, first);
    let next = number_of(numbered).await;
    assert_ne!(next, first);
    assert_eq!(next, format!("{}2", &first[..first.len() - 1]));
}

#[tokio::test]
async fn administrators_set_the_rule_and_it_is_checked() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let client = customer(&t, &team.admin, "鴻海").await;
    let rule = json!({ "prefix": " C- ", "date_part": "year", "reset": "yearly", "width": 3 });
    let set = t
        .put("/api/v1/number-rules/contract", &team.admin, rule.clone())
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let example = set.body["example"].as_str().expect("example").to_string();
    assert!(
        example.starts_with("C-") && example.ends_with("001"),
        "{example}"
    );
    let id = create(
        &t,
        &team.admin,
        "/api/v1/contracts",
        json!({ "name": "Ruled", "customer_id": client, "amount": "1" }),
    )
    .await;
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.admin).await;
    assert_eq!(detail.body["number"], example.as_str());

    let repeating = json!({ "prefix": "C", "date_part": "none", "reset": "daily", "width": 3 });
    let refused = t
        .put("/api/v1/number-rules/contract", &team.admin, repeating)
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        first_error(&refused),
        ("reset".into(), "reset_finer_than_date".into())
    );
    let by_rep = t
        .put("/api/v1/number-rules/contract", &team.rep.1, rule.clone())
        .await;
    assert_eq!(by_rep.status, 403);
    let unknown = t.put("/api/v1/number-rules/lead", &team.admin, rule).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn the_numbering_page_saves_a_rule_and_keeps_what_was_typed_when_refused() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, location) = post_form(
        &t,
        &cookie,
        "/settings/numbering/payment",
        format!("_csrf={csrf}&prefix=PAY&date_part=yyyymm&reset=monthly&width=5"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let (_, html) = page(&t, &cookie, "/settings/numbering", "zh-Hant").await;
    assert!(html.contains("value=\"PAY\""), "{html}");
    assert!(html.contains("00001"), "the example follows the rule");

    let (status, html) = post_form(
        &t,
        &cookie,
        "/settings/numbering/payment",
        format!("_csrf={csrf}&prefix=PAY2&date_part=none&reset=daily&width=abc"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("value=\"PAY2\"") && html.contains("value=\"abc\""),
        "{html}"
    );
    assert!(
        html.contains("Digits of the sequence"),
        "the field is named: {html}"
    );
}
