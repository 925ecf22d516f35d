//! Departments, users and roles: their rules, their errors, their change log.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, ids};

#[tokio::test]
async fn the_top_department_exists_from_the_start_and_can_be_renamed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let list = t.get("/api/v1/departments", &admin).await;
    assert_eq!(list.body["items"][0]["name"], "Head office");
    let renamed = t
        .patch("/api/v1/departments/1", &admin, json!({ "name": "總公司" }))
        .await;
    assert_eq!(renamed.body["name"], "總公司");
    let moved = t
        .patch("/api/v1/departments/1", &admin, json!({ "parent_id": 1 }))
        .await;
    assert_eq!(moved.status, 422);
    let deleted = t
        .call(
            axum::http::Method::DELETE,
            "/api/v1/departments/1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, 409);
    assert_eq!(deleted.body["code"], "department_is_top");
}

#[tokio::test]
async fn a_department_cannot_move_under_itself() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sales = t.department(&admin, "Sales", 1).await;
    let north = t.department(&admin, "North", sales).await;
    for parent in [sales, north] {
        let answer = t
            .patch(
                &format!("/api/v1/departments/{sales}"),
                &admin,
                json!({ "parent_id": parent }),
            )
            .await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert_eq!(answer.body["errors"][0]["field"], "parent_id");
        assert_eq!(answer.body["errors"][0]["code"], "department_cycle");
    }
    let detail = t.get(&format!("/api/v1/departments/{sales}"), &admin).await;
    assert_eq!(detail.body["parent_id"], 1);
}

#[tokio::test]
async fn deleting_a_department_is_refused_while_it_has_users_or_sub_departments() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sales = t.department(&admin, "Sales", 1).await;
    let north = t.department(&admin, "North", sales).await;
    let delete = |id: i64| {
        let t = &t;
        let admin = admin.clone();
        async move {
            t.call(
                axum::http::Method::DELETE,
                &format!("/api/v1/departments/{id}"),
                Some(&admin),
                None,
            )
            .await
        }
    };
    assert_eq!(delete(sales).await.body["code"], "department_has_children");
    let user = t
        .user(&admin, "0950000001", json!({ "department_id": north }))
        .await;
    assert_eq!(delete(north).await.body["code"], "department_has_users");
    t.patch(
        &format!("/api/v1/users/{user}"),
        &admin,
        json!({ "department_id": 1 }),
    )
    .await;
    assert_eq!(delete(north).await.status, 204);
    assert_eq!(delete(sales).await.status, 204);
    assert_eq!(
        t.get(&format!("/api/v1/departments/{sales}"), &admin)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .post("/api/v1/users", &admin, json!({ "phone": "12ab", "password": "short", "name": " ", "email": "wang＠", "department_id": 999 }))
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.headers["content-type"], "application/problem+json");
    let mut fields: Vec<&str> = answer.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec!["department_id", "email", "name", "password", "phone"]
    );
    for error in answer.body["errors"].as_array().expect("errors") {
        assert!(!error["message"].as_str().unwrap_or_default().is_empty());
    }
    assert_eq!(t.get("/api/v1/users", &admin).await.body["total"], 1);
}

#[tokio::test]
async fn a_phone_already_in_use_is_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    t.user(&admin, "0912 345 678", json!({})).await;
    let again = t
        .post(
            "/api/v1/users",
            &admin,
            json!({ "phone": "０９１２-３４５６７８", "password": PASSWORD, "name": "Twin" }),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.body["errors"][0]["field"], "phone");
    assert_eq!(again.body["errors"][0]["code"], "phone_taken");
}

#[tokio::test]
async fn a_cycle_of_superiors_is_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let a = t.user(&admin, "0960000001", json!({})).await;
    let b = t
        .user(&admin, "0960000002", json!({ "superior_id": a }))
        .await;
    let c = t
        .user(&admin, "0960000003", json!({ "superior_id": b }))
        .await;
    let answer = t
        .patch(
            &format!("/api/v1/users/{a}"),
            &admin,
            json!({ "superior_id": c }),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body["errors"][0]["code"], "superior_cycle");
    let own = t
        .patch(
            &format!("/api/v1/users/{a}"),
            &admin,
            json!({ "superior_id": a }),
        )
        .await;
    assert_eq!(own.body["errors"][0]["code"], "superior_cycle");
    assert_eq!(
        t.get(&format!("/api/v1/users/{a}"), &admin).await.body["superior_id"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn a_role_with_an_unknown_permission_is_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .post(
            "/api/v1/roles",
            &admin,
            json!({ "name": "Odd", "permissions": ["customer.view", "customer.fly"] }),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.body["errors"][0]["field"],
        "permissions.customer.fly"
    );
    assert_eq!(answer.body["errors"][0]["code"], "permission_unknown");
    let names: Vec<String> = t.get("/api/v1/roles", &admin).await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!names.contains(&"Odd".to_string()));
}

#[tokio::test]
async fn the_super_administrator_role_is_fixed_and_its_last_holder_keeps_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await;
    let super_role = roles.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["kind"] == "super_admin")
        .expect("super")["id"]
        .as_i64()
        .expect("id");
    let edit = t
        .patch(
            &format!("/api/v1/roles/{super_role}"),
            &admin,
            json!({ "name": "Boss" }),
        )
        .await;
    assert_eq!(edit.body["code"], "super_admin_role_fixed");
    let delete = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/roles/{super_role}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(delete.status, 409);

    let lose = t
        .patch("/api/v1/users/1", &admin, json!({ "role_ids": [] }))
        .await;
    assert_eq!(lose.body["code"], "last_super_admin");

    // With a second holder, the first may give it up.
    let second = t
        .user(&admin, "0970000001", json!({ "role_ids": [super_role] }))
        .await;
    let lose = t
        .patch("/api/v1/users/1", &admin, json!({ "role_ids": [] }))
        .await;
    assert_eq!(lose.status, 200, "{}", lose.text);
    let other = t.login("0970000001", PASSWORD).await;
    let last = t
        .patch(
            &format!("/api/v1/users/{second}"),
            &other,
            json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(last.body["code"], "cannot_disable_self");
}

#[tokio::test]
async fn an_administrator_cannot_hand_out_or_touch_the_super_administrator() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await;
    let find = |kind: &str, perms: usize| {
        roles.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|r| {
                r["kind"] == kind
                    && r["permissions"]
                        .as_array()
                        .is_some_and(|p| p.len() >= perms)
            })
            .expect("role")["id"]
            .as_i64()
            .expect("id")
    };
    let super_role = find("super_admin", 0);
    let administrator = roles.body["items"]
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
        .expect("id");
    t.user(&admin, "0980000001", json!({ "role_ids": [administrator] }))
        .await;
    let token = t.login("0980000001", PASSWORD).await;
    let grant = t.post("/api/v1/users", &token, json!({ "phone": "0980000002", "password": PASSWORD, "name": "Sneaky", "role_ids": [super_role] })).await;
    assert_eq!(grant.status, 422);
    assert_eq!(grant.body["errors"][0]["code"], "super_admin_protected");
    let reset = t
        .post(
            "/api/v1/users/1/password",
            &token,
            json!({ "password": "taken-over!" }),
        )
        .await;
    assert_eq!(reset.status, 409);
    assert_eq!(
        t.try_login(crate::helpers::ADMIN_PHONE, PASSWORD)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_save_on_a_stale_version_answers_409_and_keeps_the_newer_one() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sales = t.department(&admin, "Sales", 1).await;
    let first = t
        .patch(
            &format!("/api/v1/departments/{sales}"),
            &admin,
            json!({ "version": 1, "name": "Sales East" }),
        )
        .await;
    assert_eq!(first.body["version"], 2);
    let stale = t
        .patch(
            &format!("/api/v1/departments/{sales}"),
            &admin,
            json!({ "version": 1, "name": "Sales West" }),
        )
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.body["version"], 2);
    assert_eq!(
        t.get(&format!("/api/v1/departments/{sales}"), &admin)
            .await
            .body["name"],
        "Sales East"
    );
}

#[tokio::test]
async fn the_change_log_records_who_changed_which_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = t.user(&admin, "0990000001", json!({ "post": "Rep" })).await;
    t.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({ "post": "Senior rep", "email": "a@b.io" }),
    )
    .await;
    let detail = t.get(&format!("/api/v1/users/{id}"), &admin).await;
    let log = detail.body["change_log"].as_array().expect("log");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["action"], "update");
    assert_eq!(log[0]["actor_name"], "Admin");
    assert!(log[0]["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    let post = log[0]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["field"] == "post")
        .expect("post change");
    assert_eq!(post["old"], "Rep");
    assert_eq!(post["new"], "Senior rep");
    assert_eq!(log[1]["action"], "create");
}

#[tokio::test]
async fn lists_page_without_skipping_or_repeating_and_search_by_text() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for n in 0..7 {
        t.user(
            &admin,
            &format!("09910000{n:02}"),
            json!({ "name": format!("王{n}"), "email": format!("w{n}@example.com") }),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        pages += 1;
        let page = t
            .get(&format!("/api/v1/users?limit=3&cursor={cursor}"), &admin)
            .await;
        assert_eq!(page.body["total"], 8);
        seen.extend(ids(&page));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(pages, 3, "the last full page has no cursor to an empty one");
    assert_eq!(seen.len(), 8);
    assert_eq!(unique, seen);

    assert_eq!(
        t.get("/api/v1/users?q=%E7%8E%8B3", &admin).await.body["total"],
        1
    );
    assert_eq!(
        t.get("/api/v1/users?q=W5%40EXAMPLE", &admin).await.body["total"],
        1
    );
    assert_eq!(
        t.get("/api/v1/users?q=0991000006", &admin).await.body["total"],
        1
    );
    assert_eq!(
        t.get("/api/v1/users?q=100%25", &admin).await.body["total"],
        0
    );
    let bad = t.get("/api/v1/users?cursor=abc", &admin).await;
    assert_eq!(bad.status, 422);
}

/// The labels of one choice field's options, in order.
async fn option_labels(t: &TestApp, token: &str, kind: &str, field: &str) -> Vec<String> {
    let options = t.get("/api/v1/options", token).await;
    options
        .body
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["kind"] == kind && o["field"] == field)
        .filter_map(|o| o["label"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_company_starts_with_names_in_its_language_and_keeps_them() {
    let mut t = TestApp::new().await;
    let admin = t.admin().await;
    // The tests' company starts in English.
    assert_eq!(
        option_labels(&t, &admin, "payment", "method_id").await[0],
        "Bank transfer"
    );
    let pools = t.get("/api/v1/pools", &admin).await;
    assert!(pools.text.contains("Public pool"), "{}", pools.text);

    // A field without options (as a version before it had them) gets them
    // in the language set now; what exists keeps its names.
    t.sql("delete from options where kind = 'follow_up' and field = 'method_id'")
        .await;
    t.settings.default_locale = "zh-Hans".into();
    t.restart().await;
    let admin = t.admin().await;
    // Stored in Simplified Chinese, they are shown in the reader's language.
    let in_simplified = crate::flow_fix::call_in(&t, "zh-Hans", "/api/v1/options", &admin, None)
        .await
        .body;
    let stored: Vec<&str> = in_simplified
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["kind"] == "follow_up" && o["field"] == "method_id")
        .filter_map(|o| o["label"].as_str())
        .collect();
    assert_eq!(stored, ["电话", "电子邮件", "拜访", "短信", "微信", "其他"]);
    assert_eq!(
        option_labels(&t, &admin, "follow_up", "method_id").await,
        ["Phone", "E-mail", "Visit", "SMS", "WeChat", "Other"]
    );
    assert_eq!(
        option_labels(&t, &admin, "payment", "method_id").await[0],
        "Bank transfer"
    );
    let top = t.get("/api/v1/departments", &admin).await;
    assert_eq!(top.body["items"][0]["name"], "Head office", "{}", top.text);
}
