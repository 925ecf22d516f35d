//! An overpaid contract shows what was paid over its amount (API, list,
//! page) and offers a further payment only with a warning; refusals past
//! an instalment, and import rows past what is outstanding, name the
//! amounts and the payments not yet approved they counted.

use serde_json::json;

use crate::auth::page_session_as;
use crate::flow_fix::call_in;
use crate::helpers::{PASSWORD, TestApp, page};
use crate::sales_fixtures::{contract, create, customer, first_error, sales_team, submit};
use crate::sales_import::upload;

async fn number_of(t: &TestApp, token: &str, path: &str) -> String {
    t.get(path, token).await.body["number"]
        .as_str()
        .expect("number")
        .to_string()
}

#[tokio::test]
async fn an_overpaid_contract_shows_the_excess_and_warns_before_a_further_payment() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "遠傳").await;
    let id = contract(&t, rep, client, "1000").await;
    let even = contract(&t, rep, client, "500").await;
    for contract in [id, even] {
        assert_eq!(submit(&t, rep, "contracts", contract).await, "approved");
    }
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "1200",
                "confirm_exceeding": true }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");

    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(detail.body["overpaid"], 20_000, "{}", detail.text);
    let text = detail.body["overpaid_text"]
        .as_str()
        .expect("overpaid_text");
    assert!(text.contains("200.00"), "{text}");
    assert_eq!(detail.body["outstanding"], 0);
    let other = t.get(&format!("/api/v1/contracts/{even}"), rep).await;
    assert_eq!(other.body["overpaid"], 0);
    assert!(other.body["overpaid_text"].is_null(), "{}", other.text);
    let list = t.get("/api/v1/contracts", rep).await;
    let row = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == id)
        .expect("listed")
        .clone();
    assert_eq!(row["overpaid"], 20_000);
    let openapi = t
        .call(axum::http::Method::GET, "/api/openapi.json", None, None)
        .await;
    assert!(openapi.text.contains("overpaid_text"));

    let cookie = page_session_as(&t, "0971000002", PASSWORD).await;
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(html.contains("data-paid-in-full"), "{html}");
    assert!(html.contains("Paid over by"), "{html}");
    assert!(html.contains("Record a payment anyway"));
    assert!(
        !html.contains(&format!(
            "class=\"btn primary\" href=\"/payments/new?contract_id={id}\""
        )),
        "no plain offer of a payment"
    );
    let (_, html) = page(&t, &cookie, &format!("/contracts/{even}"), "en").await;
    assert!(!html.contains("data-paid-in-full"));
    assert!(html.contains(&format!(
        "class=\"btn primary\" href=\"/payments/new?contract_id={even}\""
    )));

    // The form asks to confirm at once, with the warning.
    let (_, form) = page(
        &t,
        &cookie,
        &format!("/payments/new?contract_id={id}"),
        "en",
    )
    .await;
    assert!(form.contains("data-paid-in-full"));
    assert!(form.contains("name=\"confirm_exceeding\""), "{form}");
    let (_, form) = page(
        &t,
        &cookie,
        &format!("/payments/new?contract_id={even}"),
        "en",
    )
    .await;
    assert!(!form.contains("name=\"confirm_exceeding\""));

    // The list tags the received amount with the excess.
    let (_, list) = page(&t, &cookie, "/contracts", "zh-Hant").await;
    assert!(list.contains("paid-over"), "{list}");
    assert!(list.contains("200.00"), "{list}");
}

#[tokio::test]
async fn a_payment_past_its_instalment_names_the_instalments_payments_not_yet_approved() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "聯發科").await;
    let id = contract(&t, rep, client, "1000").await;
    let plans_path = format!("/api/v1/contracts/{id}/plans");
    for (amount, day) in [("600", "2026-04-01"), ("400", "2026-05-01")] {
        let plan = t
            .post(
                &plans_path,
                rep,
                json!({ "amount": amount, "planned_on": day }),
            )
            .await;
        assert!(plan.status.is_success(), "{}", plan.text);
    }
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    let first = detail.body["plans"][0]["id"].as_i64().expect("plan");
    let second = detail.body["plans"][1]["id"].as_i64().expect("plan");
    let on_first = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "plan_id": first, "received_on": "2026-03-02", "amount": "300" }),
    )
    .await;
    let on_second = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "plan_id": second, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    let named = number_of(&t, rep, &format!("/api/v1/payments/{on_first}")).await;
    let other = number_of(&t, rep, &format!("/api/v1/payments/{on_second}")).await;

    let body = json!({ "contract_id": id, "plan_id": first, "received_on": "2026-03-02", "amount": "400" });
    let refused = call_in(&t, "en", "/api/v1/payments", rep, Some(body)).await;
    assert_eq!(
        first_error(&refused),
        ("amount".into(), "exceeds_instalment".into())
    );
    let error = &refused.body["errors"][0];
    let message = error["message"].as_str().expect("message");
    assert!(message.contains(&named), "{message}");
    assert!(
        !message.contains(&other),
        "only the instalment's: {message}"
    );
    assert!(
        message.contains("300.00") && message.contains("(Draft)"),
        "{message}"
    );
    let pending = error["pending"].as_array().expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["id"], on_first);

    // The form names them in the field's message.
    let cookie = page_session_as(&t, "0971000002", PASSWORD).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form =
        format!("_csrf={csrf}&contract_id={id}&plan_id={first}&received_on=2026-03-02&amount=400");
    let (status, html) = crate::helpers::post_form(&t, &cookie, "/payments", form).await;
    assert_eq!(status, 422);
    assert!(html.contains(&named), "{html}");
    assert!(html.contains("name=\"confirm_exceeding\""));
}

#[tokio::test]
async fn an_import_row_past_what_is_outstanding_names_the_amounts_and_the_payments_counted() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "廣達").await;
    let id = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let contract_no = number_of(&t, rep, &format!("/api/v1/contracts/{id}")).await;
    let draft = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "300" }),
    )
    .await;
    let draft_no = number_of(&t, rep, &format!("/api/v1/payments/{draft}")).await;

    let file = format!(
        "Contract,Date received,Amount\n\
         {contract_no},2026-03-01,200\n\
         {contract_no},2026-03-02,800\n"
    );
    let answer = upload(
        &t,
        &team.admin,
        "/api/v1/payments/import",
        ("p.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let problem = &answer.body["problems"][0];
    assert_eq!(
        problem["code"], "exceeds_outstanding_import",
        "{}",
        answer.text
    );
    assert_eq!(problem["row"], 3);
    let message = problem["message"].as_str().expect("message");
    // 1000 less the draft of 300 and the file's first row of 200.
    assert!(message.contains("800.00"), "{message}");
    assert!(message.contains("500.00"), "{message}");
    assert!(message.contains(&draft_no), "{message}");
    assert!(message.contains("300.00"), "{message}");
    let pending = problem["pending"].as_array().expect("pending");
    assert_eq!(pending.len(), 2, "the draft and the file's first row");
    assert_eq!(pending[0]["number"], draft_no.as_str());
}
