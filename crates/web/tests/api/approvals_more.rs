//! Approval flows, approval figures, contracts and the opportunity board:
//! conditions labelled from their own kind, one pass rate, read-only board
//! cards, void reasons, outstanding amounts and lost-to-won answers.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::sales_team;

/// A `refund` request kind whose form has an `amount` and a `channel`, and a
/// `channel` custom field on contracts: the same keys on two kinds.
async fn refund_kind_and_contract_channel(t: &TestApp, admin: &str) {
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "amount", "label": "Refund sum", "field_type": "money", "required": true },
                { "key": "channel", "label": "Refund channel", "field_type": "text" }
            ] }),
        )
        .await;
    assert!(kind.status.is_success(), "{}", kind.text);
    let field = t
        .post(
            "/api/v1/fields",
            admin,
            json!({ "kind": "contract", "key": "channel", "label": "Sales channel", "field_type": "text" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
}

fn flow(kind: &str, name: &str, manager: i64) -> Value {
    json!({ "kind": kind, "name": name, "definition": { "steps": [
        { "name": "Boss", "approvers": { "users": [manager] }, "mode": "any_one",
          "condition": [
            { "field": "amount", "op": "ge", "value": { "number": 100_000 } },
            { "field": "channel", "op": "eq", "value": { "text": "web" } }
          ] }
    ] } })
}

#[tokio::test]
async fn each_flow_labels_its_conditions_from_its_own_kind() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    refund_kind_and_contract_channel(&t, admin).await;
    let mut ids = Vec::new();
    for kind in ["contract", "refund"] {
        let made = t
            .post(
                "/api/v1/approvals/flows",
                admin,
                flow(kind, &format!("{kind} flow"), team.manager.0),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
        ids.push(made.body["id"].as_i64().expect("id"));
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;

    let (_, list) = page(&t, &cookie, "/settings/approval-flows", "en").await;
    assert!(
        list.contains("Amount is at least 1,000.00; Sales channel is"),
        "{list}"
    );
    assert!(!list.contains("Refund sum"), "{list}");
    assert!(list.contains("Refund channel is"), "{list}");

    let (_, contract) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={}", ids[0]),
        "en",
    )
    .await;
    assert!(
        contract.contains("<option value=\"amount\" selected>Amount</option>"),
        "{contract}"
    );
    assert!(
        contract.contains("<option value=\"channel\" selected>Contracts · Sales channel</option>"),
        "{contract}"
    );

    let (_, refund) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={}", ids[1]),
        "en",
    )
    .await;
    assert!(
        refund.contains("<option value=\"amount\" selected>Amount</option>"),
        "{refund}"
    );
    assert!(
        refund.contains("<option value=\"channel\" selected>Refund · Refund channel</option>"),
        "{refund}"
    );
    // Editing, the form offers the flow's own kind's fields only.
    assert!(!refund.contains("Contracts · Sales channel"), "{refund}");
    assert!(!contract.contains("Refund · Refund channel"), "{contract}");
}
