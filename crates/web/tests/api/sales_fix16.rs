//! Dates typed with slashes or full-width digits on the sales forms, the
//! change log of payments' and contracts' choices, import rows named as
//! rows, a confirmed payment lowered, and the wording of refusals.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, post_form, urlencode};
use crate::sales_fixtures::{contract, create, customer, first_error, sales_team, submit};
use crate::sales_import::upload;

#[tokio::test]
async fn sales_forms_read_dates_with_slashes_and_full_width_digits_and_refuse_the_rest() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let mine = customer(&t, &team.admin, "Own customer").await;
    let wide = urlencode("２０２６-１２-３１");
    let form = format!(
        "_csrf={csrf}&name=Typed&customer_id={mine}&amount=100&signed_on=2026/12/03&ends_on={wide}"
    );
    let (status, location) = post_form(&t, &cookie, "/contracts", form).await;
    assert_eq!(status, 303, "{location}");
    let id: i64 = location
        .trim_start_matches("/contracts/")
        .split('?')
        .next()
        .unwrap_or("")
        .parse()
        .expect("id");
    let saved = t.get(&format!("/api/v1/contracts/{id}"), &team.admin).await;
    assert_eq!(saved.body["signed_on"], "2026-12-03", "{}", saved.text);
    assert_eq!(saved.body["ends_on"], "2026-12-31", "{}", saved.text);

    // Anything that is no date is refused by its field, never saved empty.
    let form = format!("_csrf={csrf}&name=Bad&customer_id={mine}&amount=100&signed_on=12/03/2026");
    let (status, html) = post_form(&t, &cookie, "/contracts", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("12/03/2026"), "kept as typed");

    let form = format!(
        "_csrf={csrf}&name=Deal&customer_id={mine}&amount=100&expected_close_on={}",
        urlencode("２０２６／１２／０３")
    );
    let (status, location) = post_form(&t, &cookie, "/opportunities", form).await;
    assert_eq!(status, 303, "{location}");
    let id: i64 = location
        .trim_start_matches("/opportunities/")
        .split('?')
        .next()
        .unwrap_or("")
        .parse()
        .expect("id");
    let saved = t
        .get(&format!("/api/v1/opportunities/{id}"), &team.admin)
        .await;
    assert_eq!(
        saved.body["expected_close_on"], "2026-12-03",
        "{}",
        saved.text
    );
    let form =
        format!("_csrf={csrf}&name=Deal2&customer_id={mine}&amount=100&expected_close_on=soon");
    let (status, _) = post_form(&t, &cookie, "/opportunities", form).await;
    assert_eq!(status, 422);

    // The API reads the same days; what it cannot read it names.
    let made = t
        .post(
            "/api/v1/contracts",
            &team.admin,
            json!({ "name": "By API", "customer_id": mine, "amount": "100", "signed_on": "2026/12/03" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["signed_on"], "2026-12-03");
    let refused = t
        .post(
            "/api/v1/contracts",
            &team.admin,
            json!({ "name": "By API", "customer_id": mine, "amount": "100", "ends_on": "3 Dec" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(first_error(&refused).0, "ends_on");
}

/// The payment methods the company starts with: (id, label).
async fn methods(t: &TestApp, token: &str) -> Vec<(i64, String)> {
    let options = t.get("/api/v1/options", token).await;
    options
        .body
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["kind"] == "payment" && o["field"] == "method_id")
        .filter_map(|o| Some((o["id"].as_i64()?, o["label"].as_str()?.to_string())))
        .collect()
}

/// The fields a record's change log names, newest entry first.
fn logged(detail: &serde_json::Value) -> Vec<serde_json::Value> {
    detail["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .flat_map(|e| e["fields"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn payment_and_contract_choices_are_logged_by_name() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let all = methods(&t, admin).await;
    let ((wire, wire_name), (cheque, cheque_name)) = (all[0].clone(), all[1].clone());
    let client = customer(&t, admin, "Logged").await;
    let deal = contract(&t, admin, client, "1000").await;
    let changed = t
        .put(
            &format!("/api/v1/contracts/{deal}"),
            admin,
            json!({ "payment_method_id": wire, "starts_on": "2026-01-02" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let fields = logged(
        &t.get(&format!("/api/v1/contracts/{deal}"), admin)
            .await
            .body,
    );
    let method = fields
        .iter()
        .find(|f| f["field"] == "payment_method_id")
        .expect("method logged");
    assert_eq!(method["new"].as_str(), Some(wire_name.as_str()));
    assert!(fields.iter().any(|f| f["field"] == "starts_on"));

    assert_eq!(submit(&t, admin, "contracts", deal).await, "approved");
    for amount in ["400", "600"] {
        let plan = t
            .post(
                &format!("/api/v1/contracts/{deal}/plans"),
                admin,
                json!({ "amount": amount, "planned_on": "2026-05-01" }),
            )
            .await;
        assert!(plan.status.is_success(), "{}", plan.text);
    }
    let plans = t.get(&format!("/api/v1/contracts/{deal}"), admin).await;
    let plan_ids: Vec<i64> = plans.body["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let paid = create(
        &t,
        admin,
        "/api/v1/payments",
        json!({ "contract_id": deal, "plan_id": plan_ids[0], "method_id": wire,
                "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    let edit = t
        .put(
            &format!("/api/v1/payments/{paid}"),
            admin,
            json!({ "method_id": cheque, "plan_id": plan_ids[1] }),
        )
        .await;
    assert_eq!(edit.status, 200, "{}", edit.text);
    let fields = logged(&t.get(&format!("/api/v1/payments/{paid}"), admin).await.body);
    let method = fields
        .iter()
        .find(|f| f["field"] == "method_id")
        .expect("method logged");
    assert_eq!(
        (method["old"].as_str(), method["new"].as_str()),
        (Some(wire_name.as_str()), Some(cheque_name.as_str()))
    );
    let plan = fields
        .iter()
        .find(|f| f["field"] == "plan_id")
        .expect("instalment logged");
    assert_eq!(
        (plan["old"].as_str(), plan["new"].as_str()),
        (Some("1"), Some("2"))
    );

    // The page words them as the form does.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) =
        crate::helpers::page(&t, &cookie, &format!("/payments/{paid}"), "zh-Hant").await;
    assert!(html.contains("第 2 期"), "{html}");
    assert!(html.contains("付款方式"), "{html}");
}

#[tokio::test]
async fn a_trial_import_names_earlier_rows_of_the_file_by_row() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Rows").await;
    let id = contract(&t, rep, client, "750").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let number = t.get(&format!("/api/v1/contracts/{id}"), rep).await.body["number"]
        .as_str()
        .expect("number")
        .to_string();
    let file = format!(
        "Contract,Date received,Amount\n{number},2026-03-01,700\n{number},2026-03-02,100\n"
    );
    let answer = upload(
        &t,
        &team.admin,
        "/api/v1/payments/import",
        ("p.csv", file.as_bytes()),
        &["check"],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let problem = &answer.body["problems"][0];
    assert_eq!(problem["row"], 3, "{}", answer.text);
    let message = problem["message"].as_str().expect("message");
    assert!(
        message.contains("row 2 of this file, CNY 700.00"),
        "{message}"
    );
    assert!(!message.contains("HK"), "no number given: {message}");
    let pending = &problem["pending"][0];
    assert_eq!(pending["row"], 2, "{}", answer.text);
    assert!(
        pending["id"].is_null() && pending["number"].is_null(),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn a_confirmed_payment_lowered_keeps_its_confirmation_and_the_form_shows_the_box() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Over").await;
    let id = contract(&t, rep, client, "50").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "100", "confirm_exceeding": true }),
    )
    .await;
    let lowered = t
        .put(
            &format!("/api/v1/payments/{paid}"),
            rep,
            json!({ "amount": "90" }),
        )
        .await;
    assert_eq!(lowered.status, 200, "{}", lowered.text);
    assert_eq!(
        lowered.body["exceeding_confirmed"], true,
        "{}",
        lowered.text
    );
    let raised = t
        .put(
            &format!("/api/v1/payments/{paid}"),
            rep,
            json!({ "amount": "120" }),
        )
        .await;
    assert_eq!(
        first_error(&raised),
        ("amount".into(), "exceeds_outstanding".into())
    );
    // Nothing else waits: the message points to no list.
    let message = raised.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(!message.contains("listed on the payment form"), "{message}");
    assert!(message.contains("120.00"), "{message}");

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) =
        crate::helpers::page(&t, &cookie, &format!("/payments/{paid}/edit"), "zh-Hant").await;
    assert!(html.contains("name=\"confirm_exceeding\""), "{html}");
}

#[tokio::test]
async fn the_contract_export_has_outstanding_and_overpaid_columns() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Export").await;
    let over = contract(&t, rep, client, "1000").await;
    let open = contract(&t, rep, client, "1000").await;
    for (id, amount) in [(over, "1200"), (open, "300")] {
        assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
        let paid = create(
            &t,
            rep,
            "/api/v1/payments",
            json!({ "contract_id": id, "received_on": "2026-03-02", "amount": amount,
                    "confirm_exceeding": true }),
        )
        .await;
        assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    }
    let export = t
        .get("/api/v1/exports/contracts?format=csv", &team.admin)
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    let text = export.text.trim_start_matches('\u{feff}');
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let at = |name: &str| {
        rows[0]
            .iter()
            .position(|h| h.contains(name))
            .unwrap_or_else(|| panic!("{name} in {}", text))
    };
    let (outstanding, overpaid, currency) = (at("Outstanding"), at("Paid over"), at("Currency"));
    let mut numbers = Vec::new();
    for id in [over, open] {
        let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
        numbers.push(detail.body["number"].as_str().expect("number").to_string());
    }
    let (over_no, open_no) = (numbers[0].clone(), numbers[1].clone());
    let row = |no: &str| rows.iter().find(|r| r[0] == no).expect("row").clone();
    assert_eq!(row(&over_no)[outstanding], "0.00", "{text}");
    assert_eq!(row(&over_no)[overpaid], "200.00", "{text}");
    assert_eq!(row(&open_no)[outstanding], "700.00", "{text}");
    assert_eq!(row(&open_no)[overpaid], "0.00", "{text}");
    assert_eq!(row(&open_no)[currency], "CNY", "{text}");
}
