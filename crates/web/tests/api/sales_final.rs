//! The last of the sales issue: an opportunity's contracts on its page,
//! teams on opportunities and contracts, editable instalments, pipeline
//! order and default, the board's "see all", forms that report every
//! error at once, clearer messages and a fuller opportunity import.

use axum::http::Method;
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::sales_fixtures::{contract, create, customer, sales_team, submit};

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

/// The codes of a problem's field errors, in order.
fn codes(answer: &crate::helpers::Answer) -> Vec<(String, String)> {
    answer.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let text = |key: &str| e[key].as_str().unwrap_or_default().to_string();
                    (text("field"), text("code"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_instalment_is_changed_and_its_status_follows() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let method = crate::contracts_api::payment_method(&t, admin).await;
    let buyer = customer(&t, admin, "Cyberdyne").await;
    let deal = contract(&t, admin, buyer, "1000").await;
    assert_eq!(submit(&t, admin, "contracts", deal).await, "approved");
    let plans_path = format!("/api/v1/contracts/{deal}/plans");
    let plan = |amount: &str, on: &str| json!({ "amount": amount, "planned_on": on });
    let first = t.post(&plans_path, admin, plan("400", "2031-01-10")).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let plans = t.post(&plans_path, admin, plan("600", "2031-06-10")).await;
    let (a, b) = (
        plans.body[0]["id"].as_i64().expect("a"),
        plans.body[1]["id"].as_i64().expect("b"),
    );
    let payment = create(
        &t,
        admin,
        "/api/v1/payments",
        json!({ "contract_id": deal, "plan_id": a, "received_on": "2026-03-02", "amount": "300" }),
    )
    .await;
    assert_eq!(submit(&t, admin, "payments", payment).await, "approved");

    // Down to what it received: received in full.
    let changed = json!({ "amount": "300", "planned_on": "2031-01-10", "method_id": method,
                          "remind_days": 5, "notes": "First half" });
    let saved = t.put(&format!("{plans_path}/{a}"), admin, changed).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body[0]["status"], "received", "{}", saved.text);
    assert_eq!(saved.body[0]["remind_days"], 5);
    assert_eq!(saved.body[0]["notes"], "First half");
    assert_eq!(saved.body[0]["method_id"], method);

    // Every error at once: below what it received, and a reminder too far.
    let wrong = json!({ "amount": "200", "planned_on": "2031-01-10", "remind_days": 400 });
    let refused = t.put(&format!("{plans_path}/{a}"), admin, wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        codes(&refused),
        [
            ("remind_days".to_string(), "out_of_range".to_string()),
            ("amount".to_string(), "below_received".to_string()),
        ]
    );
    assert!(refused.text.contains("300.00"), "{}", refused.text);
    // Past the contract's amount with the others.
    let much = t
        .put(
            &format!("{plans_path}/{b}"),
            admin,
            plan("800", "2031-06-10"),
        )
        .await;
    assert_eq!(
        codes(&much),
        [("amount".to_string(), "plans_exceed_amount".to_string())]
    );

    // A date passed: overdue, and first in the numbering.
    let moved = t
        .put(
            &format!("{plans_path}/{b}"),
            admin,
            plan("700", "2020-01-10"),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body[0]["id"], b);
    assert_eq!(moved.body[0]["instalment"], 1);
    assert_eq!(moved.body[0]["status"], "overdue");

    // Kept in the change log, by instalment.
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), admin).await;
    let log = detail.body["change_log"].to_string();
    assert!(log.contains("plans.2.amount"), "{log}");
    assert!(log.contains("plans.2.planned_on"), "{log}");

    // Reps without the edit permission are refused.
    let rep_buyer = customer(&t, &team.rep.1, "Soylent").await;
    let rep_deal = contract(&t, &team.rep.1, rep_buyer, "50").await;
    let rep_plans = format!("/api/v1/contracts/{rep_deal}/plans");
    let made = t
        .post(&rep_plans, &team.rep.1, plan("50", "2031-01-01"))
        .await;
    let rep_plan = made.body[0]["id"].as_i64().expect("plan");
    let denied = t
        .put(
            &format!("{rep_plans}/{rep_plan}"),
            &team.rep.1,
            plan("40", "2031-01-01"),
        )
        .await;
    assert_eq!(denied.status, 403, "{}", denied.text);
}

#[tokio::test]
async fn an_instalment_is_changed_from_the_contract_page() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Tyrell").await;
    let deal = contract(&t, &admin, buyer, "1000").await;
    let plans = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            &admin,
            json!({ "amount": "400", "planned_on": "2031-01-10" }),
        )
        .await;
    let plan = plans.body[0]["id"].as_i64().expect("plan");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let page_path = format!("/contracts/{deal}");

    let (_, html) = page(&t, &cookie, &page_path, "en").await;
    assert!(
        html.contains(&format!("?edit_plan={plan}#plan-edit")),
        "{html}"
    );
    let (_, html) = page(&t, &cookie, &format!("{page_path}?edit_plan={plan}"), "en").await;
    assert!(
        html.contains(&format!("action=\"{page_path}/plans/{plan}\"")),
        "{html}"
    );
    assert!(html.contains("value=\"400.00\""), "{html}");

    // Refused: the form stays open with what was typed.
    let form = format!("_csrf={csrf}&amount=2000&planned_on=2031-02-01&remind_days=2&notes=Later");
    let (status, html) = post_form(&t, &cookie, &format!("{page_path}/plans/{plan}"), form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("value=\"2000\""), "{html}");
    assert!(html.contains(">Later</textarea>"), "{html}");

    let form = format!("_csrf={csrf}&amount=500&planned_on=2031-02-01&remind_days=2&notes=Later");
    let (status, location) =
        post_form(&t, &cookie, &format!("{page_path}/plans/{plan}"), form).await;
    assert_eq!(status, 303, "{location}");
    let (_, html) = page(&t, &cookie, &page_path, "en").await;
    assert!(html.contains("500.00"), "{html}");
    assert!(html.contains("Later"), "{html}");
    assert!(html.contains("No. 1 · Amount"), "{html}");
}

#[tokio::test]
async fn stages_move_up_and_down_and_another_pipeline_becomes_the_default() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/pipelines",
            &admin,
            json!({ "name": "Projects", "stages": [
                { "name": "Brief", "win_rate": 10 },
                { "name": "Offer", "win_rate": 50 },
                { "name": "Signing", "win_rate": 90 } ] }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let stage = |n: usize| made.body["stages"][n]["id"].as_i64().expect("stage");
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .map(|s| s["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    // From the API: the last stage up, the first stays first.
    let moved = t
        .post(
            &format!("/api/v1/pipelines/{id}/stages/{}/move", stage(2)),
            &admin,
            json!({ "direction": "up" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(names(&moved.body), ["Brief", "Signing", "Offer"]);
    let stays = t
        .post(
            &format!("/api/v1/pipelines/{id}/stages/{}/move", stage(0)),
            &admin,
            json!({ "direction": "up" }),
        )
        .await;
    assert_eq!(names(&stays.body), ["Brief", "Signing", "Offer"]);
    let sideways = t
        .post(
            &format!("/api/v1/pipelines/{id}/stages/{}/move", stage(0)),
            &admin,
            json!({ "direction": "left" }),
        )
        .await;
    assert_eq!(sideways.status, 422, "{}", sideways.text);

    // From the settings page: the first stage down, without script.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, html) = page(&t, &cookie, "/settings/pipelines", "en").await;
    assert!(
        html.contains(&format!(
            "form=\"move-{id}\" name=\"move\" value=\"down:{}\"",
            stage(0)
        )),
        "{html}"
    );
    let form = format!("_csrf={csrf}&move=down:{}", stage(0));
    let (status, location) = post_form(
        &t,
        &cookie,
        &format!("/settings/pipelines/{id}/stages"),
        form,
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let all = t.get("/api/v1/pipelines", &admin).await;
    let projects = all
        .body
        .as_array()
        .expect("pipelines")
        .iter()
        .find(|p| p["id"] == id);
    assert_eq!(
        names(projects.expect("projects")),
        ["Signing", "Brief", "Offer"]
    );

    // The default: made from the page, one at a time; an inactive one refused.
    let (status, location) = post_form(
        &t,
        &cookie,
        &format!("/settings/pipelines/{id}/default"),
        format!("_csrf={csrf}"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let all = t.get("/api/v1/pipelines", &admin).await;
    let defaults: Vec<i64> = all
        .body
        .as_array()
        .expect("pipelines")
        .iter()
        .filter(|p| p["is_default"] == true)
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert_eq!(defaults, [id]);
    let buyer = customer(&t, &admin, "Initrode").await;
    let deal = opportunity(&t, &admin, buyer, "Default pipeline").await;
    let detail = t
        .get(&format!("/api/v1/opportunities/{deal}"), &admin)
        .await;
    assert_eq!(detail.body["pipeline_id"], id);
    assert_eq!(detail.body["stage_id"], stage(2));

    let off = t
        .post(
            "/api/v1/pipelines",
            &admin,
            json!({ "name": "Old", "active": false, "stages": [{ "name": "Only", "win_rate": 50 }] }),
        )
        .await;
    let off = off.body["id"].as_i64().expect("id");
    let refused = t
        .post(
            &format!("/api/v1/pipelines/{off}/default"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "pipeline_inactive");
    assert!(
        refused.body["title"]
            .as_str()
            .unwrap_or_default()
            .contains("turn it on"),
        "{}",
        refused.text
    );
}
