//! Whoever is chosen for or handed a decision must hold a right to decide:
//! for a custom kind, one of the approve permissions or approval.manage, so
//! a rep cannot have a fellow rep wave their own request through.

use serde_json::json;

use crate::sales_fixtures::{first_error, sales_team};

#[tokio::test]
async fn a_custom_kinds_decision_goes_only_to_someone_who_may_decide() {
    let t = crate::helpers::TestApp::new().await;
    let team = sales_team(&t).await;
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            &team.admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "amount", "label": "Refund sum", "field_type": "money", "required": true }
            ] }),
        )
        .await;
    assert!(kind.status.is_success(), "{}", kind.text);
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "refund", "name": "Refund flow", "definition": { "steps": [
                { "name": "Chosen", "approvers": "chosen_by_submitter", "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let made = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "Refund 7", "fields": { "amount": "80" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let submit = |approver: i64| {
        let t = &t;
        let token = team.rep.1.clone();
        async move {
            t.post(
                &format!("/api/v1/requests/{id}/submit"),
                &token,
                json!({ "approvers": { "0": [approver] } }),
            )
            .await
        }
    };

    // A fellow rep holds no right to decide: refused, nothing started.
    let peer = submit(team.other_rep.0).await;
    assert_eq!(peer.status, 422, "{}", peer.text);
    assert_eq!(
        first_error(&peer),
        ("approvers.0".into(), "approver_cannot_approve".into())
    );
    let still = t.get(&format!("/api/v1/requests/{id}"), &team.rep.1).await;
    assert_eq!(still.body["status"], "draft", "{}", still.text);

    // The manager approves contracts and payments: taken.
    let manager = submit(team.manager.0).await;
    assert_eq!(manager.status, 200, "{}", manager.text);
    let waiting = t
        .get(&format!("/api/v1/requests/{id}"), &team.manager.1)
        .await;
    let approval = waiting.body["approval"]["approval"]["id"]
        .as_i64()
        .expect("approval");
    let act = |to: i64| {
        let t = &t;
        let token = team.manager.1.clone();
        async move {
            t.post(
                &format!("/api/v1/approvals/{approval}/actions"),
                &token,
                json!({ "action": "hand_over", "to": to }),
            )
            .await
        }
    };
    let to_peer = act(team.other_rep.0).await;
    assert_eq!(to_peer.status, 422, "{}", to_peer.text);
    assert_eq!(
        first_error(&to_peer),
        ("to".into(), "approver_cannot_approve".into())
    );
    let to_finance = act(team.finance.0).await;
    assert_eq!(to_finance.status, 200, "{}", to_finance.text);
}
