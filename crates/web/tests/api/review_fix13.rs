//! An opportunity with an approved contract stays won.

use serde_json::json;

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer, first_error, sales_team, submit};

#[tokio::test]
async fn an_opportunity_with_an_approved_contract_is_not_lost_or_invalid() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = &team.rep.1;
    let client = customer(&t, rep, "Signed Deals Ltd").await;
    let deal = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Racks", "customer_id": client, "amount": "500" }),
    )
    .await;
    let signed = create(
        &t,
        rep,
        "/api/v1/contracts",
        json!({ "name": "Racks", "customer_id": client, "opportunity_id": deal, "amount": "500" }),
    )
    .await;
    let stage = format!("/api/v1/opportunities/{deal}/stage");
    // Before the contract is approved the deal may still be lost.
    let lost = t
        .post(&stage, rep, json!({ "outcome": "lost", "reason": "price" }))
        .await;
    assert_eq!(lost.status, 200, "{}", lost.text);
    // A lost deal takes no contract, made or submitted, until reopened.
    let submitted = t
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/contracts/{signed}/submit"),
            Some(rep),
            None,
        )
        .await;
    assert_eq!(submitted.status, 422, "{}", submitted.text);
    assert_eq!(
        first_error(&submitted),
        ("opportunity_id".into(), "opportunity_closed_empty".into())
    );
    let another = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Racks 2", "customer_id": client, "opportunity_id": deal, "amount": "50" }),
        )
        .await;
    assert_eq!(another.status, 422, "{}", another.text);
    assert_eq!(
        first_error(&another),
        ("opportunity_id".into(), "opportunity_closed_empty".into())
    );
    let reopened = t.post(&stage, rep, json!({ "outcome": "open" })).await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);

    assert_eq!(submit(&t, rep, "contracts", signed).await, "approved");
    let number = t
        .get(&format!("/api/v1/contracts/{signed}"), rep)
        .await
        .body["number"]
        .as_str()
        .expect("number")
        .to_string();
    for body in [
        json!({ "outcome": "lost", "reason": "price" }),
        json!({ "outcome": "invalid" }),
    ] {
        let refused = t.post(&stage, rep, body).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(
            first_error(&refused),
            ("outcome".into(), "opportunity_has_contract".into())
        );
        let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains(&number), "{message}");
        assert!(
            message.contains("void or withdraw the contract"),
            "{message}"
        );
    }
    let read = t.get(&format!("/api/v1/opportunities/{deal}"), rep).await;
    assert_eq!(read.body["outcome"], "open", "{}", read.text);
    let won = t.post(&stage, rep, json!({ "outcome": "won" })).await;
    assert_eq!(won.status, 200, "{}", won.text);
}

#[tokio::test]
async fn search_says_how_many_more_match_and_links_to_them() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for n in 0..11 {
        let made = t
            .post(
                "/api/v1/customers",
                &admin,
                json!({ "name": format!("Harbour Trading {n}") }),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let found = t.get("/api/v1/search?q=Harbour", &admin).await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.body["more"]["customer"], 3, "{}", found.text);
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/search?q=Harbour", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/customers?q=Harbour\""), "{html}");
    assert!(html.contains("3 more in Customers"), "{html}");
    // Users are counted too.
    for n in 0..9 {
        let name = format!("Harbour Agent {n}");
        t.user(&admin, &format!("09770000{n:02}"), json!({ "name": name }))
            .await;
    }
    let found = t.get("/api/v1/search?q=Harbour+Agent", &admin).await;
    assert_eq!(found.body["more"]["user"], 1, "{}", found.text);
}

#[tokio::test]
async fn a_stage_change_of_many_names_the_opportunity_it_refuses() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = &team.rep.1;
    let client = customer(&t, rep, "Many Deals Ltd").await;
    let mut made = Vec::new();
    for name in ["Cabling", "Cooling"] {
        let body = json!({ "name": name, "customer_id": client, "amount": "100" });
        made.push(create(&t, rep, "/api/v1/opportunities", body).await);
    }
    let won = t
        .post(
            &format!("/api/v1/opportunities/{}/stage", made[1]),
            rep,
            json!({ "outcome": "won" }),
        )
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
    let refused = t
        .post(
            "/api/v1/opportunities/stage",
            rep,
            json!({ "ids": made, "outcome": "lost", "reason": "budget" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(first_error(&refused).0, "outcome");
    let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("Cooling"), "{message}");
    assert!(!message.contains("Cabling"), "{message}");
}

#[tokio::test]
async fn a_request_saved_without_some_fields_keeps_their_values() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    refund_kind(
        &t,
        &team.admin,
        json!([
            { "key": "amount", "label": "Refund sum", "field_type": "money" },
            { "key": "reason", "label": "Reason", "field_type": "text" }
        ]),
    )
    .await;
    let rep = &team.rep.1;
    let made = t
        .post(
            "/api/v1/requests",
            rep,
            json!({ "kind": "refund", "title": "Refund 1",
                    "fields": { "amount": "120", "reason": "Broken" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let saved = t
        .put(
            &format!("/api/v1/requests/{id}"),
            rep,
            json!({ "title": "Refund 1 (urgent)", "version": made.body["version"],
                    "fields": { "reason": "Broken twice" } }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["title"], "Refund 1 (urgent)");
    assert_eq!(saved.body["fields"]["reason"], "Broken twice");
    assert_eq!(
        saved.body["fields"]["amount"], made.body["fields"]["amount"],
        "{}",
        saved.text
    );
}

#[tokio::test]
async fn a_stale_request_form_keeps_the_entries_and_a_second_save_goes_over() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    refund_kind(
        &t,
        &team.admin,
        json!([{ "key": "reason", "label": "Reason", "field_type": "text" }]),
    )
    .await;
    let rep = &team.rep.1;
    let made = t
        .post(
            "/api/v1/requests",
            rep,
            json!({ "kind": "refund", "title": "Refund 1", "fields": { "reason": "Broken" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = |title: &str, version: i64| {
        format!("_csrf={csrf}&kind=refund&title={title}&custom.reason=Mine&version={version}")
    };
    let path = format!("/requests/{id}");
    let (status, _) = crate::helpers::post_form(&t, &cookie, &path, form("First", 1)).await;
    assert_eq!(status, 303);
    // The other tab, on version 1: told what they saved beside it, entries
    // kept, the newer version on the form.
    let (status, html) = crate::helpers::post_form(&t, &cookie, &path, form("Second", 1)).await;
    assert_eq!(status, 409, "{html}");
    // Their title beside mine, side by side.
    assert!(html.contains("class=\"conflict span2\""), "{html}");
    assert!(
        html.contains("conflict-both") && html.contains(">First<"),
        "{html}"
    );
    assert!(html.contains("value=\"Second\""), "{html}");
    assert!(html.contains("name=\"version\" value=\"2\""), "{html}");
    let (status, _) = crate::helpers::post_form(&t, &cookie, &path, form("Second", 2)).await;
    assert_eq!(status, 303);
    let stored = t.get(&format!("/api/v1/requests/{id}"), rep).await;
    assert_eq!(stored.body["title"], "Second");
}

#[tokio::test]
async fn a_new_request_sent_twice_is_made_once() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    refund_kind(&t, &team.admin, json!([])).await;
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/requests/new?kind=refund", "en").await;
    assert_eq!(status, 200);
    let once = html
        .split("name=\"_once\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no token: {html}"))
        .to_string();
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&_once={once}&kind=refund&title=Refund+9");
    for _ in 0..2 {
        let (status, _) = crate::helpers::post_form(&t, &cookie, "/requests", form.clone()).await;
        assert_eq!(status, 303);
    }
    let mine = t.get("/api/v1/requests", &team.rep.1).await;
    assert_eq!(mine.text.matches("Refund 9").count(), 1, "{}", mine.text);
}

/// A custom request kind `refund` with the given form fields.
async fn refund_kind(t: &TestApp, admin: &str, fields: serde_json::Value) {
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            admin,
            json!({ "kind": "refund", "name": "Refund", "fields": fields }),
        )
        .await;
    assert_eq!(kind.status, 200, "{}", kind.text);
}
