//! Cases found by trying to break the foundation, each kept as a test.

use axum::http::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

/// A role with user rights but not role rights, scoped to a department.
async fn hr_user(t: &TestApp, admin: &str) -> (i64, i64, String) {
    let hr = t.department(admin, "HR", 1).await;
    let role = t
        .role(
            admin,
            "HR",
            &["user.view", "user.create", "user.edit", "user.disable"],
            json!({ "user": { "scope": "department" } }),
        )
        .await;
    let id = t
        .user(
            admin,
            "0955000001",
            json!({ "department_id": hr, "role_ids": [role] }),
        )
        .await;
    (id, hr, t.login("0955000001", PASSWORD).await)
}

fn administrator_role(roles: &serde_json::Value) -> i64 {
    roles["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| {
            r["permissions"]
                .as_array()
                .is_some_and(|p| p.iter().any(|x| x == "role.edit"))
        })
        .expect("administrator")["id"]
        .as_i64()
        .expect("id")
}

#[tokio::test]
async fn editing_users_does_not_let_anyone_hand_out_roles() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (me, hr, token) = hr_user(&t, &admin).await;
    let administrator = administrator_role(&t.get("/api/v1/roles", &admin).await.body);

    let own = t
        .patch(
            &format!("/api/v1/users/{me}"),
            &token,
            json!({ "role_ids": [administrator] }),
        )
        .await;
    assert_eq!(own.status, 422);
    assert_eq!(own.body["errors"][0]["code"], "own_roles_fixed");

    let other = t.post("/api/v1/users", &token, json!({ "phone": "0955000002", "password": PASSWORD, "name": "X", "department_id": hr, "role_ids": [administrator] })).await;
    assert_eq!(other.status, 422);
    assert_eq!(other.body["errors"][0]["code"], "roles_need_role_edit");
    assert_eq!(t.get("/api/v1/roles", &token).await.status, 403);
}

#[tokio::test]
async fn a_create_outside_the_callers_scope_is_refused_and_writes_nothing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (_, _, token) = hr_user(&t, &admin).await;
    let answer = t
        .post(
            "/api/v1/users",
            &token,
            json!({ "phone": "0955000003", "password": PASSWORD, "name": "Ghost" }),
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["field"], "department_id");
    assert_eq!(
        t.get("/api/v1/users?q=0955000003", &admin).await.body["total"],
        0
    );
}

#[tokio::test]
async fn a_change_of_roles_moves_the_version() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t.role(&admin, "R", &[], json!({})).await;
    let id = t.user(&admin, "0955000004", json!({})).await;
    let before = t.get(&format!("/api/v1/users/{id}"), &admin).await.body["version"]
        .as_i64()
        .expect("version");
    t.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({ "role_ids": [role] }),
    )
    .await;
    let stale = t
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({ "role_ids": [], "version": before }),
        )
        .await;
    assert_eq!(stale.status, 409);
}

#[tokio::test]
async fn junk_in_paths_queries_and_bodies_answers_with_problem_documents() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for path in [
        "/api/v1/users/abc",
        "/api/v1/users/1.5",
        "/api/v1/users/99999999999999999999",
    ] {
        let answer = t.get(path, &admin).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(
            answer.headers["content-type"], "application/problem+json",
            "{path}"
        );
    }
    let query = t.get("/api/v1/users?limit=abc", &admin).await;
    assert_eq!(query.status, 422);
    assert_eq!(query.body["errors"][0]["field"], "limit");

    let body = t
        .post(
            "/api/v1/departments",
            &admin,
            json!({ "name": "X", "parent_id": "abc" }),
        )
        .await;
    assert_eq!(body.status, 422);
    assert_eq!(body.body["errors"][0]["field"], "parent_id");
    let unknown = t
        .post(
            "/api/v1/departments",
            &admin,
            json!({ "name": "X", "foo": 1 }),
        )
        .await;
    assert_eq!(unknown.body["errors"][0]["field"], "foo");
    let missing = t
        .post("/api/v1/users", &admin, json!({ "phone": "0955000009" }))
        .await;
    assert_eq!(missing.status, 422);

    let page = t
        .send(
            axum::http::Request::builder()
                .uri("/users/abc")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_ne!(page.status, 400);
}

#[tokio::test]
async fn two_departments_of_one_name_under_one_parent_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    t.department(&admin, "銷售部", 1).await;
    let twin = t
        .post("/api/v1/departments", &admin, json!({ "name": " 銷售部 " }))
        .await;
    assert_eq!(twin.status, 422);
    assert_eq!(twin.body["errors"][0]["code"], "department_name_taken");
}

#[tokio::test]
async fn guessing_the_current_password_is_slowed_down() {
    let t = TestApp::new().await;
    let token = t.admin().await;
    for _ in 0..3 {
        let wrong = t
            .post(
                "/api/v1/auth/password",
                &token,
                json!({ "current_password": "guess", "new_password": "whatever-1" }),
            )
            .await;
        assert_eq!(wrong.status, 422);
    }
    let slowed = t
        .post(
            "/api/v1/auth/password",
            &token,
            json!({ "current_password": PASSWORD, "new_password": "whatever-1" }),
        )
        .await;
    assert_eq!(slowed.status, 429);
}

#[tokio::test]
async fn the_change_log_names_departments_and_roles_and_a_disabled_head_stays_head() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sales = t.department(&admin, "Sales", 1).await;
    let role = t.role(&admin, "Seller", &[], json!({})).await;
    let id = t.user(&admin, "0955000005", json!({})).await;
    t.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({ "department_id": sales, "role_ids": [role] }),
    )
    .await;
    let log =
        t.get(&format!("/api/v1/users/{id}"), &admin).await.body["change_log"][0]["fields"].clone();
    let field = |name: &str| {
        log.as_array()
            .expect("fields")
            .iter()
            .find(|f| f["field"] == name)
            .cloned()
            .expect(name)
    };
    assert_eq!(field("department_id")["new"], "Sales");
    assert_eq!(field("roles")["new"], "Seller");

    t.patch(
        &format!("/api/v1/departments/{sales}"),
        &admin,
        json!({ "head_id": id }),
    )
    .await;
    t.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({ "status": "disabled" }),
    )
    .await;
    let department = t.get(&format!("/api/v1/departments/{sales}"), &admin).await;
    // A disabled head stays head, shown as disabled.
    assert_eq!(department.body["head_id"], id);
    assert_eq!(department.body["head_disabled"], true);
    let _ = Method::GET;
}
