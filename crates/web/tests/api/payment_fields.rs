//! Payment custom fields end to end: defined by an administrator, kept and
//! checked on create and edit (API and form), shown on the pages, listed,
//! filtered and sorted, exported and imported again, and branched on by a
//! payment approval flow.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form, urlencode};
use crate::sales_fidelity::upload;
use crate::sales_fixtures::{
    SalesTeam, contract, create, customer, first_error, sales_team, submit,
};

const REP_PHONE: &str = "0971000002";

/// A `channel` choice field and a `fee` money field on payments.
async fn payment_fields(t: &TestApp, admin: &str) {
    for body in [
        json!({ "kind": "payment", "key": "channel", "label": "Channel", "field_type": "choice",
                "options": ["Wire", "Cheque"] }),
        json!({ "kind": "payment", "key": "fee", "label": "Bank fee", "field_type": "money" }),
    ] {
        let made = t.post("/api/v1/fields", admin, body).await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
}

/// An approved contract of the rep's, able to take payments.
async fn approved_contract(t: &TestApp, team: &SalesTeam, amount: &str) -> i64 {
    let client = customer(t, &team.rep.1, "Acme 股份有限公司").await;
    let id = contract(t, &team.rep.1, client, amount).await;
    assert_eq!(submit(t, &team.rep.1, "contracts", id).await, "approved");
    id
}

async fn payment(t: &TestApp, token: &str, contract: i64, custom: Value) -> i64 {
    create(
        t,
        token,
        "/api/v1/payments",
        json!({ "contract_id": contract, "received_on": "2026-01-05", "amount": "100",
                "custom": custom }),
    )
    .await
}

fn numbers(answer: &crate::helpers::Answer) -> Vec<String> {
    answer.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| p["number"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn payments_keep_check_filter_and_sort_custom_values_through_the_api() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    payment_fields(&t, &team.admin).await;
    let rep = team.rep.1.as_str();
    let deal = approved_contract(&t, &team, "1000").await;

    let wire = payment(&t, rep, deal, json!({ "channel": "Wire", "fee": "12.50" })).await;
    let detail = t.get(&format!("/api/v1/payments/{wire}"), rep).await;
    assert_eq!(detail.body["custom"]["channel"], "Wire", "{}", detail.text);
    assert!(
        detail.body["custom"]["fee"]
            .as_str()
            .is_some_and(|fee| fee.starts_with("12.5")),
        "{}",
        detail.text
    );

    // A value not among the choices is refused, named by the field's key.
    let refused = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-01-05", "amount": "100",
                    "custom": { "channel": "Cash" } }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused).0,
        "custom.channel",
        "{}",
        refused.text
    );
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("Channel"), "{message}");
    let refused = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-01-05", "amount": "100",
                    "custom": { "fee": "a lot" } }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(first_error(&refused).0, "custom.fee", "{}", refused.text);

    // An edit changes the value it sends and keeps the one it leaves out;
    // the change log names the field.
    let edited = t
        .put(
            &format!("/api/v1/payments/{wire}"),
            rep,
            json!({ "custom": { "fee": "20" } }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["custom"]["channel"], "Wire", "{}", edited.text);
    assert!(
        edited.body["custom"]["fee"]
            .as_str()
            .is_some_and(|fee| fee.starts_with("20")),
        "{}",
        edited.text
    );
    let log = edited.body["change_log"].to_string();
    assert!(log.contains("Bank fee") || log.contains("fee"), "{log}");

    let cheque = payment(&t, rep, deal, json!({ "channel": "Cheque", "fee": "3" })).await;
    let plain = payment(&t, rep, deal, json!({})).await;
    let number = |id: i64| {
        let t = &t;
        async move {
            t.get(&format!("/api/v1/payments/{id}"), rep).await.body["number"]
                .as_str()
                .expect("number")
                .to_string()
        }
    };
    let (wire_no, cheque_no, plain_no) = (
        number(wire).await,
        number(cheque).await,
        number(plain).await,
    );

    // The list narrowed by a custom field, and sorted by one.
    let filter = urlencode(r#"[{"field":"custom.channel","op":"equals","value":"Wire"}]"#);
    let listed = t
        .get(&format!("/api/v1/payments?filter={filter}"), rep)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(numbers(&listed), vec![wire_no.clone()], "{}", listed.text);
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
    let filter =
        urlencode(r#"[{"field":"custom.fee","op":"between","value":{"from":"1","to":"5"}}]"#);
    let listed = t
        .get(&format!("/api/v1/payments?filter={filter}"), rep)
        .await;
    assert_eq!(numbers(&listed), vec![cheque_no.clone()], "{}", listed.text);
    let unknown = urlencode(r#"[{"field":"custom.nothing","op":"equals","value":"x"}]"#);
    let refused = t
        .get(&format!("/api/v1/payments?filter={unknown}"), rep)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let sorted = t.get("/api/v1/payments?sort=custom.fee", rep).await;
    assert_eq!(sorted.status, 200, "{}", sorted.text);
    assert_eq!(
        numbers(&sorted),
        vec![cheque_no.clone(), wire_no.clone(), plain_no.clone()],
        "{}",
        sorted.text
    );
    let sorted = t.get("/api/v1/payments?sort=-custom.fee", rep).await;
    assert_eq!(
        numbers(&sorted),
        vec![wire_no, cheque_no, plain_no],
        "{}",
        sorted.text
    );
}

#[tokio::test]
async fn required_and_unique_payment_fields_are_enforced_and_defaults_filled() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let deal = approved_contract(&t, &team, "1000").await;
    for body in [
        json!({ "kind": "payment", "key": "receipt", "label": "Receipt", "field_type": "text",
                "required": true, "unique": true }),
        json!({ "kind": "payment", "key": "bank", "label": "Bank", "field_type": "text",
                "default_value": "Taiwan Bank" }),
    ] {
        let made = t.post("/api/v1/fields", &team.admin, body).await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let refused = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-01-05", "amount": "100" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("custom.receipt".into(), "required".into()),
        "{}",
        refused.text
    );
    let first = payment(&t, rep, deal, json!({ "receipt": "R-1" })).await;
    let detail = t.get(&format!("/api/v1/payments/{first}"), rep).await;
    assert_eq!(
        detail.body["custom"]["bank"], "Taiwan Bank",
        "{}",
        detail.text
    );
    // Another payment may not hold the same receipt, whatever its case.
    let taken = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-01-05", "amount": "100",
                    "custom": { "receipt": "r-1" } }),
        )
        .await;
    assert_eq!(taken.status, 422, "{}", taken.text);
    assert_eq!(
        first_error(&taken),
        ("custom.receipt".into(), "custom_value_taken".into()),
        "{}",
        taken.text
    );
    // The payment itself keeps its own on an edit; once deleted, its
    // receipt is free again.
    let kept = t
        .put(
            &format!("/api/v1/payments/{first}"),
            rep,
            json!({ "notes": "Checked" }),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/payments/{first}"),
            Some(rep),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    payment(&t, rep, deal, json!({ "receipt": "R-1" })).await;
}

#[tokio::test]
async fn the_payment_form_pages_and_list_carry_custom_fields() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    payment_fields(&t, &team.admin).await;
    let deal = approved_contract(&t, &team, "1000").await;

    // Administrators find payments among the kinds of the field settings.
    let admin_cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &admin_cookie, "/settings/fields?kind=payment", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("/settings/fields?kind=payment"), "{html}");
    assert!(html.contains("Bank fee"), "{html}");

    let cookie = page_session(&t, REP_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/payments/new?contract_id={deal}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"custom.channel\""), "{html}");
    assert!(html.contains("name=\"custom.fee\""), "{html}");

    // A bad value: the form again, saying which field.
    let (status, html) = post_form(
        &t,
        &cookie,
        "/payments",
        format!(
            "_csrf={csrf}&contract_id={deal}&received_on=2026-01-05&amount=100&custom.channel=Cash"
        ),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("class=\"err\""), "{html}");
    let (status, location) = post_form(
        &t,
        &cookie,
        "/payments",
        format!(
            "_csrf={csrf}&contract_id={deal}&received_on=2026-01-05&amount=100&custom.channel=Cheque&custom.fee=7.25"
        ),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let id: i64 = location
        .trim_start_matches("/payments/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{location}"));
    let stored = t.get(&format!("/api/v1/payments/{id}"), &team.rep.1).await;
    assert_eq!(
        stored.body["custom"]["channel"], "Cheque",
        "{}",
        stored.text
    );

    // The page shows them; the edit form holds them and saves a change.
    let (_, html) = page(&t, &cookie, &format!("/payments/{id}"), "en").await;
    assert!(
        html.contains("Channel") && html.contains("Cheque"),
        "{html}"
    );
    assert!(html.contains("7.25"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/payments/{id}/edit"), "en").await;
    assert!(
        html.contains("<option value=\"Cheque\" selected>"),
        "{html}"
    );
    let version = stored.body["version"].as_i64().expect("version");
    let (status, location) = post_form(
        &t,
        &cookie,
        &format!("/payments/{id}"),
        format!(
            "_csrf={csrf}&contract_id={deal}&received_on=2026-01-05&amount=100&version={version}&custom.channel=Wire&custom.fee=7.25"
        ),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let stored = t.get(&format!("/api/v1/payments/{id}"), &team.rep.1).await;
    assert_eq!(stored.body["custom"]["channel"], "Wire", "{}", stored.text);

    // The list: a condition on the field narrows it, and the field may be
    // a column.
    let other = payment(&t, &team.rep.1, deal, json!({ "channel": "Cheque" })).await;
    let other_no = t
        .get(&format!("/api/v1/payments/{other}"), &team.rep.1)
        .await
        .body["number"]
        .as_str()
        .expect("number")
        .to_string();
    let wire_no = stored.body["number"].as_str().expect("number").to_string();
    let (status, html) = page(
        &t,
        &cookie,
        &format!(
            "/payments?cond={}&cv=Wire",
            urlencode("custom.channel|equals")
        ),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&wire_no), "{html}");
    assert!(!html.contains(&other_no), "{html}");
    assert!(html.contains("class=\"chips\""), "{html}");
    // A choice picked from the list of the field's options, as the box
    // offers it.
    let (status, html) = page(
        &t,
        &cookie,
        &format!(
            "/payments?cond={}&cvc={}",
            urlencode("custom.channel|equals"),
            urlencode("custom.channel|Cheque")
        ),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&other_no), "{html}");
    assert!(!html.contains(&wire_no), "{html}");
    let (status, html) = page(
        &t,
        &cookie,
        &format!(
            "/payments?cond={}&cv=lots",
            urlencode("custom.fee|at_least")
        ),
        "en",
    )
    .await;
    assert_eq!(status, 422, "{html}");
    let columns = t
        .put(
            "/api/v1/list-columns/payments",
            &team.rep.1,
            json!({ "columns": ["number", "amount", "custom.channel"] }),
        )
        .await;
    assert!(columns.status.is_success(), "{}", columns.text);
    let (_, html) = page(&t, &cookie, "/payments", "en").await;
    assert!(html.contains(">Channel<"), "{html}");
}

#[tokio::test]
async fn payment_custom_values_export_and_import_again() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    payment_fields(&t, &team.admin).await;
    let admin = team.admin.as_str();
    let deal = approved_contract(&t, &team, "1000").await;
    let paid = payment(&t, admin, deal, json!({ "channel": "Wire", "fee": "12.5" })).await;
    let before = t.get(&format!("/api/v1/payments/{paid}"), admin).await;
    let file = t.get("/api/v1/exports/payments?format=csv", admin).await;
    assert_eq!(file.status, 200, "{}", file.text);
    let header = file.text.lines().next().unwrap_or_default().to_string();
    assert!(
        header.contains("Channel") && header.contains("Bank fee"),
        "{header}"
    );
    assert!(file.text.contains("Wire"), "{}", file.text);
    let template = t
        .get("/api/v1/imports/payments/template?format=csv", admin)
        .await;
    assert_eq!(template.status, 200, "{}", template.text);
    assert!(template.text.contains("Bank fee"), "{}", template.text);
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/payments/{paid}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let done = upload(
        &t,
        admin,
        "/api/v1/payments/import",
        "p.csv",
        file.text.as_bytes(),
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let listed = t.get("/api/v1/payments", admin).await;
    let again = &listed.body["items"][0];
    assert_eq!(again["custom"], before.body["custom"], "{}", listed.text);
    assert_eq!(again["number"], before.body["number"], "{}", listed.text);

    // A bad value in the file is named by row and field.
    let bad = file.text.replace("Wire", "Cash");
    let refused = upload(
        &t,
        admin,
        "/api/v1/payments/import",
        "p.csv",
        bad.as_bytes(),
    )
    .await;
    assert_eq!(refused.body["written"], false, "{}", refused.text);
    let problems = refused.body["problems"].to_string();
    assert!(problems.contains("custom.channel"), "{problems}");
}

#[tokio::test]
async fn a_payment_flow_branches_on_a_payment_custom_field() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    payment_fields(&t, &team.admin).await;
    let flow = json!({
        "kind": "payment",
        "name": "Payments by channel",
        "definition": { "steps": [
            { "name": "Wire check", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [{ "field": "channel", "op": "eq", "value": { "text": "Wire" } }] },
            { "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }
        ] }
    });
    let created = t.post("/api/v1/approvals/flows", &team.admin, flow).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let rep = team.rep.1.as_str();
    let deal = approved_contract(&t, &team, "1000").await;
    let waiting = |token: String| {
        let t = &t;
        async move {
            t.get("/api/v1/approvals/waiting/count", &token).await.body["count"]
                .as_i64()
                .expect("count")
        }
    };

    // A cheque goes straight to the manager.
    let cheque = payment(&t, rep, deal, json!({ "channel": "Cheque" })).await;
    assert_eq!(submit(&t, rep, "payments", cheque).await, "in_approval");
    assert_eq!(waiting(team.finance.1.clone()).await, 0);
    assert_eq!(waiting(team.manager.1.clone()).await, 1);

    // A wire waits for finance first.
    let wire = payment(&t, rep, deal, json!({ "channel": "Wire" })).await;
    assert_eq!(submit(&t, rep, "payments", wire).await, "in_approval");
    assert_eq!(waiting(team.finance.1.clone()).await, 1);
    assert_eq!(waiting(team.manager.1.clone()).await, 1);
    let detail = t.get(&format!("/api/v1/payments/{wire}"), rep).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", detail.text));
    let approved = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            &team.finance.1,
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(waiting(team.finance.1.clone()).await, 0);
    assert_eq!(waiting(team.manager.1.clone()).await, 2);
}
