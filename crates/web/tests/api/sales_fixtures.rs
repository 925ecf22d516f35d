//! A small sales team and the records the sales tests start from.

use serde_json::{Value, json};

use crate::helpers::{Answer, PASSWORD, TestApp};

/// A manager with two reps under them in Sales, a finance clerk in Finance,
/// each seeing only their own records except the manager.
pub struct SalesTeam {
    pub admin: String,
    pub manager: (i64, String),
    pub rep: (i64, String),
    pub other_rep: (i64, String),
    pub finance: (i64, String),
}

const SELLING: &[&str] = &[
    "customer.view",
    "customer.create",
    "customer.edit",
    "product.view",
    "opportunity.view",
    "opportunity.create",
    "opportunity.edit",
    "opportunity.delete",
    "opportunity.transfer",
    "contract.view",
    "contract.create",
    "contract.edit",
    "contract.delete",
    "contract.submit",
    "payment_plan.view",
    "payment_plan.create",
    "payment_plan.delete",
    "payment.view",
    "payment.create",
    "payment.edit",
    "payment.delete",
    "payment.submit",
    "follow_up.create",
    "approval.view",
];

/// The same data scope on every sales kind.
fn scopes(scope: &str) -> Value {
    let kinds = [
        "customer",
        "opportunity",
        "contract",
        "payment_plan",
        "payment",
        "user",
    ];
    let mut map = serde_json::Map::new();
    for kind in kinds {
        map.insert(kind.to_string(), json!({ "scope": scope }));
    }
    Value::Object(map)
}

pub async fn sales_team(t: &TestApp) -> SalesTeam {
    let admin = t.admin().await;
    let rep_role = t.role(&admin, "Rep", SELLING, scopes("own")).await;
    // Those who approve hold the approve permissions (a submitter's choice
    // and a hand-over must fall on such a person).
    let managing: Vec<&str> = SELLING
        .iter()
        .copied()
        .chain(["contract.approve", "payment.approve"])
        .collect();
    let manager_role = t
        .role(&admin, "Manager", &managing, scopes("department_and_below"))
        .await;
    let finance_role = t
        .role(
            &admin,
            "Finance",
            &[
                "contract.view",
                "payment.view",
                "approval.view",
                "contract.approve",
                "payment.approve",
            ],
            scopes("own"),
        )
        .await;
    let sales = t.department(&admin, "Sales", 1).await;
    let finance_department = t.department(&admin, "Finance", 1).await;
    let manager = t
        .user(
            &admin,
            "0971000001",
            json!({ "department_id": sales, "role_ids": [manager_role] }),
        )
        .await;
    let rep = t
        .user(
            &admin,
            "0971000002",
            json!({ "department_id": sales, "superior_id": manager, "role_ids": [rep_role] }),
        )
        .await;
    let other_rep = t
        .user(
            &admin,
            "0971000003",
            json!({ "department_id": sales, "superior_id": manager, "role_ids": [rep_role] }),
        )
        .await;
    let finance = t
        .user(
            &admin,
            "0971000004",
            json!({ "department_id": finance_department, "role_ids": [finance_role] }),
        )
        .await;
    SalesTeam {
        manager: (manager, t.login("0971000001", PASSWORD).await),
        rep: (rep, t.login("0971000002", PASSWORD).await),
        other_rep: (other_rep, t.login("0971000003", PASSWORD).await),
        finance: (finance, t.login("0971000004", PASSWORD).await),
        admin,
    }
}

/// Creates a record with `POST path` and answers its id.
pub async fn create(t: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let answer = t.post(path, token, body).await;
    assert_eq!(answer.status, 201, "POST {path}: {}", answer.text);
    answer.body["id"].as_i64().expect("id")
}

pub async fn customer(t: &TestApp, token: &str, name: &str) -> i64 {
    create(t, token, "/api/v1/customers", json!({ "name": name })).await
}

pub async fn product(t: &TestApp, admin: &str, name: &str, price: &str) -> i64 {
    create(
        t,
        admin,
        "/api/v1/products",
        json!({ "name": name, "price": price }),
    )
    .await
}

/// A contract of `amount` for a customer of the caller's.
pub async fn contract(t: &TestApp, token: &str, customer: i64, amount: &str) -> i64 {
    let body = json!({ "name": format!("Contract of {amount}"), "customer_id": customer, "amount": amount });
    create(t, token, "/api/v1/contracts", body).await
}

/// Submits a record (`contracts` or `payments`) and answers its status.
pub async fn submit(t: &TestApp, token: &str, kind: &str, id: i64) -> String {
    let answer = t
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/{kind}/{id}/submit"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "submit {kind} {id}: {}", answer.text);
    answer.body["status"].as_str().expect("status").to_string()
}

/// The first error of a problem document: its field and code.
pub fn first_error(answer: &Answer) -> (String, String) {
    let error = &answer.body["errors"][0];
    (
        error["field"].as_str().unwrap_or_default().to_string(),
        error["code"].as_str().unwrap_or_default().to_string(),
    )
}

/// Saves an active approval flow of `kind` as the administrator: its id.
pub async fn flow(t: &TestApp, team: &SalesTeam, kind: &str, definition: Value) -> i64 {
    let made = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": kind, "name": format!("{kind} flow"), "definition": definition }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    made.body["id"].as_i64().expect("flow id")
}

/// An action on an approval (`approve`, `reject`, `hand_over`,
/// `withdraw`) as `token`, answered as it is.
pub async fn act(t: &TestApp, token: &str, approval: i64, body: Value) -> Answer {
    t.post(
        &format!("/api/v1/approvals/{approval}/actions"),
        token,
        body,
    )
    .await
}

/// An action on an approval that must be taken.
pub async fn act_ok(t: &TestApp, token: &str, approval: i64, body: Value) -> Answer {
    let answer = act(t, token, approval, body).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer
}

/// The id of the approval a record's detail shows.
pub fn approval_id(detail: &Answer) -> i64 {
    detail.body["approval"]["approval"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an approval: {}", detail.text))
}
