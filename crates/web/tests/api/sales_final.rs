//! The last of the sales issue: an opportunity's contracts on its page,
//! teams on opportunities and contracts, editable instalments, pipeline
//! order and default, the board's "see all", forms that report every
//! error at once, clearer messages and a fuller opportunity import.

use axum::http::Method;
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::sales_fixtures::{contract, create, customer, sales_team};

/// An opportunity of `customer` made by the caller: its id.
async fn opportunity(t: &TestApp, token: &str, customer: i64, name: &str) -> i64 {
    let body = json!({ "name": name, "customer_id": customer, "amount": "800" });
    create(t, token, "/api/v1/opportunities", body).await
}

#[tokio::test]
async fn an_opportunity_lists_its_contracts_the_caller_may_see() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Globex").await;
    let deal = opportunity(&t, &team.rep.1, buyer, "Globex renewal").await;
    let signed = create(
        &t,
        &team.rep.1,
        "/api/v1/contracts",
        json!({ "name": "Renewal 2025", "customer_id": buyer, "opportunity_id": deal,
                "amount": "750", "signed_on": "2025-03-04" }),
    )
    .await;
    // Another contract of the same customer, not from the opportunity.
    create(
        &t,
        &team.rep.1,
        "/api/v1/contracts",
        json!({ "name": "Unrelated", "customer_id": buyer, "amount": "10" }),
    )
    .await;

    let detail = t
        .get(&format!("/api/v1/opportunities/{deal}"), &team.rep.1)
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let contracts = detail.body["contracts"].as_array().expect("contracts");
    let ids: Vec<i64> = contracts.iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(ids, [signed]);
    assert_eq!(contracts[0]["status"], "draft");

    let cookie = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &cookie, &format!("/opportunities/{deal}"), "en").await;
    assert_eq!(status, 200);
    let number = contracts[0]["number"].as_str().expect("number");
    assert!(
        html.contains(&format!("href=\"/contracts/{signed}\">{number}</a>")),
        "{html}"
    );
    assert!(html.contains("750.00"), "{html}");
    assert!(html.contains("Draft"), "{html}");
    let new_contract = format!("/contracts/new?customer_id={buyer}&opportunity_id={deal}");
    assert!(html.contains(&new_contract), "{html}");
    // The new-contract form comes filled with the opportunity and customer.
    let (status, form) = page(
        &t,
        &cookie,
        &format!("/contracts/new?customer_id={buyer}&opportunity_id={deal}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(form.contains("Globex renewal"), "{form}");
    let hidden = format!("name=\"opportunity_id\" value=\"{deal}\"");
    assert!(form.contains(&hidden), "{form}");

    // The manager sees the rep's contracts through the department scope.
    let other = t
        .get(&format!("/api/v1/opportunities/{deal}"), &team.manager.1)
        .await;
    assert_eq!(other.body["contracts"].as_array().map(Vec::len), Some(1));
}

/// The first stage after the one an opportunity stands in.
async fn next_stage(t: &TestApp, token: &str) -> i64 {
    let pipelines = t.get("/api/v1/pipelines", token).await;
    pipelines.body[0]["stages"][1]["id"]
        .as_i64()
        .expect("stage")
}

#[tokio::test]
async fn an_opportunity_team_member_reads_or_writes_until_removed() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Umbrella").await;
    let deal = opportunity(&t, &team.rep.1, buyer, "Umbrella fleet").await;
    let path = format!("/api/v1/opportunities/{deal}");
    let stage = next_stage(&t, &team.admin).await;
    let move_stage = json!({ "stage_id": stage });

    // Out of scope, the colleague neither sees nor moves it.
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 404);
    // A rep without the team permission cannot share it.
    let member = json!({ "user_id": team.other_rep.0 });
    let refused = t
        .post(&format!("{path}/team"), &team.rep.1, member.clone())
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);

    // Read only: they see it, but neither move it nor write follow-ups.
    let added = t.post(&format!("{path}/team"), &team.admin, member).await;
    assert_eq!(added.status, 204, "{}", added.text);
    let seen = t.get(&path, &team.other_rep.1).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["team"][0]["user_id"], team.other_rep.0);
    assert_eq!(seen.body["team"][0]["can_write"], false);
    let moved = t
        .post(
            &format!("{path}/stage"),
            &team.other_rep.1,
            move_stage.clone(),
        )
        .await;
    assert_eq!(moved.status, 403, "{}", moved.text);
    let note = json!({ "content": "Called them" });
    let written = t
        .post(
            &format!("{path}/follow-ups"),
            &team.other_rep.1,
            note.clone(),
        )
        .await;
    assert_eq!(written.status, 409, "{}", written.text);
    assert_eq!(written.body["code"], "team_read_only_record");

    // Read and write: now they may.
    let write = json!({ "user_id": team.other_rep.0, "can_write": true });
    let changed = t.post(&format!("{path}/team"), &team.admin, write).await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    let moved = t
        .post(&format!("{path}/stage"), &team.other_rep.1, move_stage)
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let written = t
        .post(&format!("{path}/follow-ups"), &team.other_rep.1, note)
        .await;
    assert_eq!(written.status, 201, "{}", written.text);

    // The owner is no member of their own record; a date past is refused.
    let owner = json!({ "user_id": team.rep.0, "expires_on": "2000-01-01" });
    let refused = t.post(&format!("{path}/team"), &team.admin, owner).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let codes: Vec<&str> = refused.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(codes, ["owns_record", "date_past"]);

    // Removed: out of sight again, and the change log says so.
    let removed = t
        .call(
            Method::DELETE,
            &format!("{path}/team?user_id={}", team.other_rep.0),
            Some(&team.admin),
            None,
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 404);
    let detail = t.get(&path, &team.admin).await;
    let logged = detail.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e.to_string().contains("\"team\""))
        .count();
    assert_eq!(logged, 3, "{}", detail.body["change_log"]);
}

#[tokio::test]
async fn a_transferred_opportunity_keeps_its_former_owner_in_the_team_when_asked() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Stark").await;
    let kept = opportunity(&t, &team.rep.1, buyer, "Kept").await;
    let dropped = opportunity(&t, &team.rep.1, buyer, "Dropped").await;
    for (id, keep) in [(kept, json!("read")), (dropped, json!(null))] {
        let body = json!({ "ids": [id], "owner_id": team.other_rep.0, "keep_former_owner": keep });
        let moved = t
            .post("/api/v1/opportunities/transfer", &team.manager.1, body)
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
    }
    let seen = t
        .get(&format!("/api/v1/opportunities/{kept}"), &team.rep.1)
        .await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["team"][0]["user_id"], team.rep.0);
    assert_eq!(seen.body["team"][0]["can_write"], false);
    let gone = t
        .get(&format!("/api/v1/opportunities/{dropped}"), &team.rep.1)
        .await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn a_contract_team_is_kept_from_its_page() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Wayne").await;
    let deal = contract(&t, &team.rep.1, buyer, "900").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let path = format!("/contracts/{deal}");

    let (_, html) = page(&t, &cookie, &path, "en").await;
    assert!(html.contains(&format!("action=\"{path}/team\"")), "{html}");
    assert!(
        html.contains("Only the owner works on this record"),
        "{html}"
    );

    // The owner refused, with what was typed kept.
    let form = format!(
        "_csrf={csrf}&user_id={}&access=write&expires_on=2999-01-01",
        team.rep.0
    );
    let (status, html) = post_form(&t, &cookie, &format!("{path}/team"), form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("already owns the record"), "{html}");
    assert!(html.contains("value=\"2999-01-01\""), "{html}");

    let form = format!(
        "_csrf={csrf}&user_id={}&access=write&expires_on=2999-01-01",
        team.other_rep.0
    );
    let (status, location) = post_form(&t, &cookie, &format!("{path}/team"), form).await;
    assert_eq!(status, 303, "{location}");
    let (_, html) = page(&t, &cookie, &path, "en").await;
    assert!(html.contains("User 0971000003"), "{html}");
    assert!(html.contains("May edit"), "{html}");
    assert!(html.contains("2999-01-01"), "{html}");
    let api = format!("/api/v1/contracts/{deal}");
    assert_eq!(t.get(&api, &team.other_rep.1).await.status, 200);

    let form = format!("_csrf={csrf}&user_id={}", team.other_rep.0);
    let (status, location) = post_form(&t, &cookie, &format!("{path}/team/remove"), form).await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(t.get(&api, &team.other_rep.1).await.status, 404);
    let (_, html) = page(&t, &cookie, &path, "zh-Hant").await;
    assert!(html.contains("目前只有負責人處理此紀錄"), "{html}");
}
