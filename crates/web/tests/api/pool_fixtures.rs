//! Builders for the pool tests: departments with reps in them, pools with
//! members and rules, customers owned by a rep.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};

/// The id of the pool every company starts with.
pub async fn first_pool(t: &TestApp, admin: &str) -> i64 {
    let pools = t.get("/api/v1/pools", admin).await;
    assert_eq!(pools.status, 200, "{}", pools.text);
    pools.body[0]["id"].as_i64().expect("pool")
}

/// A role that views, edits and releases its own customers and claims from pools.
pub async fn rep_role(t: &TestApp, admin: &str) -> i64 {
    t.role(
        admin,
        "pool rep",
        &[
            "customer.view",
            "customer.create",
            "customer.edit",
            "customer.release",
            "customer.lock",
            "follow_up.create",
            "pool.view",
            "pool.claim",
        ],
        json!({ "customer": { "scope": "own" } }),
    )
    .await
}

/// A rep in `department` with `role`: their id and token.
pub async fn rep(
    t: &TestApp,
    admin: &str,
    phone: &str,
    department: i64,
    role: i64,
) -> (i64, String) {
    let id = t
        .user(
            admin,
            phone,
            json!({ "department_id": department, "role_ids": [role] }),
        )
        .await;
    (id, t.login(phone, PASSWORD).await)
}

/// The top department's id.
pub async fn top_department(t: &TestApp, admin: &str) -> i64 {
    let list = t.get("/api/v1/departments", admin).await;
    list.body["items"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["parent_id"].is_null()))
        .and_then(|d| d["id"].as_i64())
        .unwrap_or_else(|| panic!("a top department: {}", list.text))
}

/// Creates a pool and answers its id.
pub async fn pool(t: &TestApp, admin: &str, body: Value) -> i64 {
    let created = t.post("/api/v1/pools", admin, body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_i64().expect("id")
}

/// Changes a pool; the answer must be a success.
pub async fn change_pool(t: &TestApp, admin: &str, pool: i64, body: Value) {
    let changed = t.patch(&format!("/api/v1/pools/{pool}"), admin, body).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
}

/// A customer created by (so owned by) the holder of `token`.
pub async fn owned_customer(t: &TestApp, token: &str, body: Value) -> i64 {
    let created = t.post("/api/v1/customers", token, body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_i64().expect("id")
}

/// Releases an owned customer into a pool (the releaser's first when `None`).
pub async fn release(t: &TestApp, token: &str, customer: i64, pool: Option<i64>) {
    let released = t
        .post(
            "/api/v1/customers/release",
            token,
            json!({ "ids": [customer], "pool_id": pool, "reason": "no budget" }),
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.text);
}

/// A customer as the admin sees it: owner and pool. Signs in afresh, as
/// the tests move the clock past a session's life.
pub async fn where_is(t: &TestApp, customer: i64) -> (Option<i64>, Option<i64>) {
    let admin = t.admin().await;
    let found = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    (
        found.body["owner_id"].as_i64(),
        found.body["pool_id"].as_i64(),
    )
}

/// Runs the day's jobs as the worker does; answers how many ran.
pub async fn run_the_day(t: &TestApp) -> usize {
    t.app.schedule_jobs().await.expect("scheduled");
    t.app.run_due_jobs("test").await.expect("ran")
}
