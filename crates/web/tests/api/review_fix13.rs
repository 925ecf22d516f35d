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
        assert!(message.contains("void the contract"), "{message}");
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
