//! Customers through the API: scope, lists, optimistic locking, follow-ups,
//! transfer and team, duplicates and custom fields.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, ids, urlencode};

/// Two reps in one department under a manager, and a rep elsewhere.
struct Team {
    admin: String,
    manager: String,
    rep_a: (i64, String),
    rep_b: (i64, String),
    outsider: (i64, String),
}

async fn team(t: &TestApp) -> Team {
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await;
    let role = |perm_count_over: usize, scope: &str| {
        roles.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|r| {
                r["kind"] == "builtin"
                    && r["scopes"]["customer"]["scope"] == scope
                    && r["permissions"]
                        .as_array()
                        .is_some_and(|p| p.len() > perm_count_over)
            })
            .expect("role")["id"]
            .as_i64()
            .expect("id")
    };
    let rep_role = role(5, "own");
    let manager_role = role(5, "department_and_below");
    let sales = t.department(&admin, "Sales", 1).await;
    let other = t.department(&admin, "Other", 1).await;
    let m = t
        .user(
            &admin,
            "0961000001",
            json!({ "department_id": sales, "role_ids": [manager_role] }),
        )
        .await;
    let a = t
        .user(
            &admin,
            "0961000002",
            json!({ "department_id": sales, "superior_id": m, "role_ids": [rep_role] }),
        )
        .await;
    let b = t
        .user(
            &admin,
            "0961000003",
            json!({ "department_id": sales, "superior_id": m, "role_ids": [rep_role] }),
        )
        .await;
    let o = t
        .user(
            &admin,
            "0961000004",
            json!({ "department_id": other, "role_ids": [rep_role] }),
        )
        .await;
    Team {
        manager: t.login("0961000001", PASSWORD).await,
        rep_a: (a, t.login("0961000002", PASSWORD).await),
        rep_b: (b, t.login("0961000003", PASSWORD).await),
        outsider: (o, t.login("0961000004", PASSWORD).await),
        admin,
    }
}

async fn customer(t: &TestApp, token: &str, body: serde_json::Value) -> i64 {
    let answer = t.post("/api/v1/customers", token, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.body["id"].as_i64().expect("id")
}

#[tokio::test]
async fn reps_see_their_own_customers_and_managers_their_departments() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let a1 = customer(
        &t,
        &team.rep_a.1,
        json!({ "name": "台灣水泥股份有限公司", "phone": "(02)2531-7099" }),
    )
    .await;
    let b1 = customer(&t, &team.rep_b.1, json!({ "name": "亞洲水泥" })).await;
    let o1 = customer(&t, &team.outsider.1, json!({ "name": "Outside Co" })).await;

    assert_eq!(
        ids(&t.get("/api/v1/customers", &team.rep_a.1).await),
        vec![a1]
    );
    let mut seen = ids(&t.get("/api/v1/customers", &team.manager).await);
    seen.sort_unstable();
    assert_eq!(seen, vec![a1, b1]);
    assert_eq!(
        t.get("/api/v1/customers", &team.admin).await.body["total"],
        3
    );

    for token in [&team.rep_b.1, &team.outsider.1] {
        assert_eq!(
            t.get(&format!("/api/v1/customers/{a1}"), token)
                .await
                .status,
            404
        );
        let edit = t
            .patch(
                &format!("/api/v1/customers/{a1}"),
                token,
                json!({ "name": "Mine now" }),
            )
            .await;
        assert_eq!(edit.status, 404);
    }
    assert_eq!(
        t.get(&format!("/api/v1/customers/{o1}"), &team.manager)
            .await
            .status,
        404
    );
    // Search, counts and the duplicate hint stay inside the scope.
    assert_eq!(
        t.get("/api/v1/customers?q=%E6%B0%B4%E6%B3%A5", &team.rep_b.1)
            .await
            .body["total"],
        1
    );
    let hint = t
        .get(
            "/api/v1/customers/duplicates?name=%E5%8F%B0%E7%81%A3%E6%B0%B4%E6%B3%A5",
            &team.rep_b.1,
        )
        .await;
    assert_eq!(hint.body[0]["visible"], false);
    assert_eq!(hint.body[0]["name"], serde_json::Value::Null);
    let by_phone = t
        .get(
            "/api/v1/customers/duplicates?phone=02%202531%207099",
            &team.rep_a.1,
        )
        .await;
    assert_eq!(by_phone.body[0]["id"], a1);
}

#[tokio::test]
async fn a_save_on_a_stale_version_answers_409_with_the_stored_record() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, json!({ "name": "Acme" })).await;
    let first = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "version": 1, "address": "台北市" }),
        )
        .await;
    assert_eq!(first.body["version"], 2);
    let stale = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "version": 1, "address": "高雄市" }),
        )
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.body["current"]["address"], "台北市");
    assert_eq!(stale.body["version"], 2);
}

#[tokio::test]
async fn bad_input_names_the_field_and_keeps_what_was_saved() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "", "email": "x@", "level_id": 999, "website": "not a site" }),
        )
        .await;
    assert_eq!(answer.status, 422);
    let mut fields: Vec<&str> = answer.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["email", "level_id", "name", "website"]);
    let id = customer(
        &t,
        &admin,
        json!({ "name": "Keep", "email": "keep@example.com" }),
    )
    .await;
    let bad = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "email": "broken" }),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        t.get(&format!("/api/v1/customers/{id}"), &admin).await.body["email"],
        "keep@example.com"
    );
}

#[tokio::test]
async fn lists_sort_filter_and_page_without_skipping_or_repeating() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let options = t.get("/api/v1/customers?limit=1", &admin).await;
    assert_eq!(options.status, 200);
    for name in ["Delta", "Alpha", "Echo", "Bravo", "Charlie", "Alpha"] {
        customer(&t, &admin, json!({ "name": name })).await;
    }
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t
            .get(
                &format!("/api/v1/customers?sort=name&limit=2&cursor={cursor}"),
                &admin,
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        names.extend(
            page.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|c| c["name"].as_str().unwrap_or_default().to_string()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(
        names,
        vec!["Alpha", "Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    );

    let filter =
        serde_json::to_string(&json!([{ "field": "name", "op": "contains", "value": "ALP" }]))
            .expect("json");
    let found = t
        .get(
            &format!("/api/v1/customers?filter={}", urlencode(&filter)),
            &admin,
        )
        .await;
    assert_eq!(found.body["total"], 2);
    let period =
        serde_json::to_string(&json!([{ "field": "created_at", "op": "today" }])).expect("json");
    assert_eq!(
        t.get(
            &format!("/api/v1/customers?filter={}", urlencode(&period)),
            &admin
        )
        .await
        .body["total"],
        6
    );
    let last_month = serde_json::to_string(&json!([{ "field": "created_at", "op": "last_month" }]))
        .expect("json");
    assert_eq!(
        t.get(
            &format!("/api/v1/customers?filter={}", urlencode(&last_month)),
            &admin
        )
        .await
        .body["total"],
        0
    );
    let bad = serde_json::to_string(&json!([{ "field": "shoe_size", "op": "equals", "value": 1 }]))
        .expect("json");
    let refused = t
        .get(
            &format!("/api/v1/customers?filter={}", urlencode(&bad)),
            &admin,
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["errors"][0]["field"], "filters.0");
}

#[tokio::test]
async fn a_follow_up_shows_on_the_timeline_and_sets_the_next_contact() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, json!({ "name": "Acme" })).await;
    let empty = t
        .post(
            &format!("/api/v1/customers/{id}/follow-ups"),
            &admin,
            json!({ "content": "  " }),
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.body["errors"][0]["field"], "content");
    let added = t
        .post(&format!("/api/v1/customers/{id}/follow-ups"), &admin, json!({ "content": "Called, wants a quote", "next_contact_at": "2026-03-09T02:00:00Z" }))
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let detail = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(
        detail.body["follow_ups"][0]["content"],
        "Called, wants a quote"
    );
    assert_eq!(detail.body["last_follow_up_text"], "Called, wants a quote");
    assert_eq!(detail.body["next_contact_at"], "2026-03-09T02:00:00Z");
}

#[tokio::test]
async fn a_transfer_can_keep_the_former_owner_in_the_team() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let id = customer(&t, &team.rep_a.1, json!({ "name": "Moving Co" })).await;
    let refused = t
        .post(
            "/api/v1/customers/transfer",
            &team.rep_a.1,
            json!({ "ids": [id], "owner_id": team.rep_b.0 }),
        )
        .await;
    assert_eq!(refused.status, 403, "a rep may not transfer");
    let moved = t
        .post(
            "/api/v1/customers/transfer",
            &team.manager,
            json!({ "ids": [id], "owner_id": team.rep_b.0, "keep_former_owner": "read" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["count"], 1);
    let seen_by_b = t
        .get(&format!("/api/v1/customers/{id}"), &team.rep_b.1)
        .await;
    assert_eq!(seen_by_b.body["owner_id"], team.rep_b.0);
    // The former owner still reads it, as a team member, but cannot edit.
    let seen_by_a = t
        .get(&format!("/api/v1/customers/{id}"), &team.rep_a.1)
        .await;
    assert_eq!(seen_by_a.status, 200);
    assert_eq!(seen_by_a.body["can_edit"], false);
    let edit = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &team.rep_a.1,
            json!({ "name": "Nope" }),
        )
        .await;
    assert_eq!(edit.status, 403);
    let out_of_scope = t
        .post(
            "/api/v1/customers/transfer",
            &team.manager,
            json!({ "ids": [id], "owner_id": team.outsider.0 }),
        )
        .await;
    assert_eq!(out_of_scope.status, 422);
    assert_eq!(out_of_scope.body["errors"][0]["field"], "owner_id");
}

#[tokio::test]
async fn custom_fields_are_checked_stored_and_filtered() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = t.post("/api/v1/fields", &admin, json!({ "kind": "customer", "key": "employees", "label": "員工人數", "field_type": "number" })).await;
    assert_eq!(field.status, 201, "{}", field.text);
    let choice = t.post("/api/v1/fields", &admin, json!({ "kind": "customer", "key": "region", "label": "區域", "field_type": "choice", "options": ["北區", "南區"], "required": true })).await;
    assert_eq!(choice.status, 201);
    let bad_key = t
        .post(
            "/api/v1/fields",
            &admin,
            json!({ "kind": "customer", "key": "Bad Key", "label": "x", "field_type": "text" }),
        )
        .await;
    assert_eq!(bad_key.body["errors"][0]["field"], "key");

    let missing = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "A", "custom": { "employees": "many" } }),
        )
        .await;
    assert_eq!(missing.status, 422);
    let mut fields: Vec<&str> = missing.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["custom.employees", "custom.region"]);

    customer(
        &t,
        &admin,
        json!({ "name": "North", "custom": { "employees": "1,200", "region": "北區" } }),
    )
    .await;
    customer(
        &t,
        &admin,
        json!({ "name": "South", "custom": { "region": "南區" } }),
    )
    .await;
    let filter = serde_json::to_string(
        &json!([{ "field": "custom.region", "op": "equals", "value": "北區" }]),
    )
    .expect("json");
    let found = t
        .get(
            &format!("/api/v1/customers?filter={}", urlencode(&filter)),
            &admin,
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.body["total"], 1);
    assert_eq!(found.body["items"][0]["custom"]["employees"], "1200");
}

#[tokio::test]
async fn a_locked_customer_cannot_be_released_or_deleted_until_unlocked() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, json!({ "name": "Keeper" })).await;
    let locked = t
        .post(&format!("/api/v1/customers/{id}/lock"), &admin, json!({}))
        .await;
    assert_eq!(locked.body["locked"], true, "{}", locked.text);
    let release = t
        .post(
            "/api/v1/customers/release",
            &admin,
            json!({ "ids": [id], "reason": "x" }),
        )
        .await;
    assert_eq!(release.body["code"], "customer_locked");
    let delete = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/customers/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(delete.status, 409);
    t.post(&format!("/api/v1/customers/{id}/unlock"), &admin, json!({}))
        .await;
    let delete = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/customers/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(delete.status, 204);
}

#[tokio::test]
async fn the_search_box_finds_only_what_the_caller_may_see() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    customer(
        &t,
        &team.rep_a.1,
        json!({ "name": "Findable Trading", "phone": "02-2345-6789" }),
    )
    .await;
    let mine = t.get("/api/v1/search?q=findable", &team.rep_a.1).await;
    assert_eq!(
        mine.body["hits"][0]["title"], "Findable Trading",
        "{}",
        mine.text
    );
    let by_phone = t.get("/api/v1/search?q=0223456789", &team.rep_a.1).await;
    assert_eq!(by_phone.body["hits"][0]["kind"], "customer");
    let other = t.get("/api/v1/search?q=findable", &team.rep_b.1).await;
    let kinds: Vec<&str> = other.body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["kind"].as_str())
        .collect();
    assert!(!kinds.contains(&"customer"), "{}", other.text);
}

#[tokio::test]
async fn a_required_custom_field_is_on_the_form_and_can_be_made_optional_or_removed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = t.post("/api/v1/fields", &admin, json!({ "kind": "customer", "key": "tier", "label": "等級", "field_type": "choice", "options": ["金", "銀"], "required": true })).await;
    let field_id = field.body["id"].as_i64().expect("id");
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form_page = t
        .send(
            axum::http::Request::builder()
                .uri("/customers/new")
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(
        form_page.text.contains("name=\"custom.tier\""),
        "the form offers the custom field"
    );
    let post = |body: String| {
        axum::http::Request::builder()
            .method("POST")
            .uri("/customers")
            .header("cookie", format!("{cookie}; kj_lang=en"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .expect("request")
    };
    let missing = t.send(post(format!("_csrf={csrf}&name=Tiered"))).await;
    assert_eq!(missing.status, 422);
    assert!(missing.text.contains("等級") || missing.text.contains("tier"));
    let made = t
        .send(post(format!(
            "_csrf={csrf}&name=Tiered&custom.tier=%E9%87%91"
        )))
        .await;
    assert_eq!(made.status, 303, "{}", made.text);

    let optional = t
        .patch(
            &format!("/api/v1/fields/{field_id}"),
            &admin,
            json!({ "required": false }),
        )
        .await;
    assert_eq!(optional.body["required"], false, "{}", optional.text);
    assert_eq!(
        t.post("/api/v1/customers", &admin, json!({ "name": "No tier" }))
            .await
            .status,
        201
    );
    let removed = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/fields/{field_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(removed.status, 204);
    assert_eq!(
        t.get("/api/v1/fields?kind=customer", &admin).await.body,
        json!([])
    );
}

#[tokio::test]
async fn administrators_edit_the_choices_and_retired_ones_are_not_offered() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/options",
            &admin,
            json!({ "kind": "customer", "field": "level_id", "label": "D（觀察）" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let twin = t
        .post(
            "/api/v1/options",
            &admin,
            json!({ "kind": "customer", "field": "level_id", "label": "d（觀察）" }),
        )
        .await;
    assert_eq!(twin.status, 422);
    let odd = t
        .post(
            "/api/v1/options",
            &admin,
            json!({ "kind": "customer", "field": "shoe", "label": "x" }),
        )
        .await;
    assert_eq!(odd.body["errors"][0]["field"], "field");
    let customer = customer(&t, &admin, json!({ "name": "Watched", "level_id": id })).await;
    let retired = t
        .patch(
            &format!("/api/v1/options/{id}"),
            &admin,
            json!({ "active": false, "label": "D（停用）" }),
        )
        .await;
    assert_eq!(retired.body["active"], false);
    assert_eq!(
        t.get(&format!("/api/v1/customers/{customer}"), &admin)
            .await
            .body["level"],
        "D（停用）"
    );
}
