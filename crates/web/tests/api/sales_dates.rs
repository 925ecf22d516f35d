//! Sales dates: years outside 1900 to 2999 refused in the API, on forms
//! and in imports.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, post_form};
use crate::sales_fixtures::{contract, create, customer, first_error, sales_team, submit};

#[tokio::test]
async fn years_outside_1900_to_2999_are_refused_everywhere() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = &team.rep.1;
    let acme = customer(&t, rep, "Acme").await;

    for (field, day) in [
        ("signed_on", "0001-01-01"),
        ("starts_on", "9999-12-31"),
        ("ends_on", "3000-01-01"),
    ] {
        let body = json!({ "name": "Deal", "customer_id": acme, "amount": "100", field: day });
        let answer = t.post("/api/v1/contracts", rep, body).await;
        assert_eq!(answer.status, 422, "{field} {day}: {}", answer.text);
        assert_eq!(
            first_error(&answer),
            (field.to_string(), "date_out_of_range".to_string())
        );
    }
    let body = json!({ "name": "Deal", "customer_id": acme, "signed_on": "1900-01-01", "ends_on": "2999-12-31", "amount": "100" });
    create(&t, rep, "/api/v1/contracts", body).await;

    let answer = t
        .post(
            "/api/v1/opportunities",
            rep,
            json!({ "name": "Lead deal", "customer_id": acme, "expected_close_on": "0001-01-01" }),
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        first_error(&answer),
        ("expected_close_on".into(), "date_out_of_range".into())
    );

    let deal = contract(&t, rep, acme, "1000").await;
    let plan = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            rep,
            json!({ "amount": "100", "planned_on": "9999-01-01" }),
        )
        .await;
    assert_eq!(plan.status, 422, "{}", plan.text);
    assert_eq!(
        first_error(&plan),
        ("planned_on".into(), "date_out_of_range".into())
    );
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let payment = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "1899-12-31", "amount": "10" }),
        )
        .await;
    assert_eq!(payment.status, 422, "{}", payment.text);
    assert_eq!(
        first_error(&payment),
        ("received_on".into(), "date_out_of_range".into())
    );
    let message = payment.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("1900 to 2999"), "{message}");

    // The form shows the message by the field and keeps what was typed.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let mine = customer(&t, &team.admin, "Own customer").await;
    let form =
        format!("_csrf={csrf}&name=Typed+deal&customer_id={mine}&signed_on=0001-05-06&amount=100");
    let (status, html) = post_form(&t, &cookie, "/contracts", form).await;
    assert_eq!(status, 422, "the form again: {html}");
    assert!(
        html.contains("must be a date in the years 1900 to 2999"),
        "{html}"
    );
    assert!(html.contains("0001-05-06") && html.contains("Typed deal"));

    // An import reports the row and writes nothing.
    let file = "標題,客戶,金額,簽約日期\nOld deal,Own customer,100,0001/01/01\n";
    let answer = crate::sales_import::upload(
        &t,
        &team.admin,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["written"], false, "{}", answer.text);
    let problem = &answer.body["problems"][0];
    assert_eq!(problem["field"], "signed_on", "{}", answer.text);
    assert_eq!(problem["code"], "date_out_of_range", "{}", answer.text);
}
