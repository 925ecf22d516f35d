//! Sales and approvals: a resubmission that resumes from the rejected
//! step asks only for the approvers of the steps still to come.

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
