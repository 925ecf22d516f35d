//! Sales and approvals: a resubmission that resumes from the rejected
//! step asks only for the approvers of the steps still to come; the
//! approvals waiting for a disabled user are counted, listed and handed
//! over.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{Answer, TestApp, page};
use crate::sales_fixtures::{SalesTeam, contract, customer, sales_team};

async fn flow(t: &TestApp, team: &SalesTeam, definition: Value) {
    let made = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Contract flow", "definition": definition }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
}

async fn act(t: &TestApp, token: &str, approval: i64, body: Value) -> Answer {
    t.post(
        &format!("/api/v1/approvals/{approval}/actions"),
        token,
        body,
    )
    .await
}

#[tokio::test]
async fn a_resumed_resubmission_asks_only_for_the_steps_still_to_come() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    flow(
        &t,
        &team,
        json!({ "resubmit": "from_rejected_step", "steps": [
            { "name": "First pick", "approvers": "chosen_by_submitter", "mode": "any_one" },
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" },
            { "name": "Last pick", "approvers": "chosen_by_submitter", "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Picks Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "900").await;
    let cookie = page_session(&t, "0971000002").await;
    let path = format!("/api/v1/contracts/{id}/submit");

    // A first submission asks for both steps.
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(html.contains("First pick"), "{html}");
    assert!(html.contains("Last pick"), "{html}");
    let first = t
        .post(
            &path,
            &team.rep.1,
            json!({ "approvers": { "0": [team.manager.0], "2": [team.manager.0] } }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    let approval = detail.body["approval"]["approval"]["id"].as_i64().unwrap();
    assert_eq!(detail.body["approval"]["choices_kept"], json!([]));
    let passed = act(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(passed.status, 200, "{}", passed.text);
    let rejected = act(
        &t,
        &team.finance.1,
        approval,
        json!({ "action": "reject", "comment": "Wrong dates" }),
    )
    .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);

    // Sent back: the step passed keeps its approver and is not asked for.
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    assert_eq!(
        detail.body["approval"]["choices_kept"],
        json!([0]),
        "{}",
        detail.text
    );
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    let form = &html[html.find("/submit\"").expect("the submit form")..];
    let form = &form[..form.find("</form>").expect("its end")];
    assert!(!form.contains("First pick"), "{form}");
    assert!(!form.contains("value=\"0:"), "{form}");
    assert!(form.contains("Last pick"), "{form}");
    assert!(form.contains("value=\"2:"), "{form}");

    // The step still to come must be picked ...
    let missing = t.post(&path, &team.rep.1, json!({})).await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert!(missing.text.contains("approvers.2"), "{}", missing.text);
    assert!(!missing.text.contains("approvers.0"), "{}", missing.text);
    // ... while a pick sent for the step passed is ignored, even one
    // that could not be taken (the submitter themself).
    let again = t
        .post(
            &path,
            &team.rep.1,
            json!({ "approvers": { "0": [team.rep.0], "2": [team.manager.0] } }),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &team.rep.1).await;
    assert_eq!(
        detail.body["approval"]["waiting_for"][0][0], team.finance.0,
        "{}",
        detail.text
    );
    assert!(!detail.text.contains("started_over"), "{}", detail.text);
    let steps = &detail.body["approval"]["steps"];
    assert_eq!(
        steps[0]["seats"][0]["user_id"], team.manager.0,
        "{}",
        detail.text
    );
    assert_eq!(steps[0]["state"], "passed", "{}", detail.text);
}

#[tokio::test]
async fn approvals_waiting_for_a_disabled_user_are_counted_listed_and_handed_over() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    flow(
        &t,
        &team,
        json!({ "steps": [
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
        ] }),
    )
    .await;
    let buyer = customer(&t, &team.rep.1, "Away Ltd").await;
    let id = contract(&t, &team.rep.1, buyer, "400").await;
    let sent = t
        .post(
            &format!("/api/v1/contracts/{id}/submit"),
            &team.rep.1,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let finance = team.finance.0;
    let user_path = format!("/api/v1/users/{finance}");

    // Before: the user's page counts them, and disabling says so.
    let admin_cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin_cookie, &format!("/users/{finance}"), "en").await;
    assert!(
        html.contains("Approvals waiting for their decision: 1."),
        "{html}"
    );
    assert!(
        html.contains(&format!("/approvals?approver={finance}")),
        "{html}"
    );

    // Disabled: under the flow's default rule the approval keeps waiting,
    // and the answer says how many.
    let disabled = t
        .patch(&user_path, &team.admin, json!({ "status": "disabled" }))
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(disabled.body["waiting_approvals"], 1, "{}", disabled.text);
    let (_, html) = page(&t, &admin_cookie, &format!("/users/{finance}"), "zh-Hant").await;
    assert!(html.contains("有 1 個審批正等待這位員工處理"), "{html}");

    // An approval manager lists them; nobody else may.
    let listed = t
        .get(
            &format!("/api/v1/approvals/waiting?approver_id={finance}"),
            &team.admin,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
    let approval = listed.body["items"][0]["id"].as_i64().unwrap();
    let refused = t
        .get(
            &format!("/api/v1/approvals/waiting?approver_id={finance}"),
            &team.rep.1,
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let unknown = t
        .get("/api/v1/approvals/waiting?approver_id=987654", &team.admin)
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert!(unknown.text.contains("approver_id"), "{}", unknown.text);
    let (status, html) = page(
        &t,
        &admin_cookie,
        &format!("/approvals?approver={finance}"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!("/approvals/{approval}/act")),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"from\" value=\"{finance}\"")),
        "{html}"
    );
    let (status, _) = page(
        &t,
        &page_session(&t, "0971000002").await,
        &format!("/approvals?approver={finance}"),
        "en",
    )
    .await;
    assert_eq!(status, 403);

    // Handed over, it waits for the manager; the list is empty.
    let handed = act(
        &t,
        &team.admin,
        approval,
        json!({ "action": "hand_over", "from": finance, "to": team.manager.0 }),
    )
    .await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    let listed = t
        .get(
            &format!("/api/v1/approvals/waiting?approver_id={finance}"),
            &team.admin,
        )
        .await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
    let detail = t.get(&user_path, &team.admin).await;
    assert_eq!(detail.body["waiting_approvals"], 0, "{}", detail.text);
    let mine = t.get("/api/v1/approvals/waiting", &team.manager.1).await;
    assert_eq!(mine.body["total"], 1, "{}", mine.text);
}
