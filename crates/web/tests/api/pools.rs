//! The public pool: claim, assign, release, limits, and many claims at once.

use std::sync::Arc;

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, ids};

async fn pool_id(t: &TestApp, token: &str) -> i64 {
    let pools = t.get("/api/v1/pools", token).await;
    assert_eq!(pools.status, 200, "{}", pools.text);
    pools.body[0]["id"].as_i64().expect("pool")
}

/// Reps who may claim, each with a token.
async fn reps(t: &TestApp, admin: &str, count: usize) -> Vec<(i64, String)> {
    let role = t
        .role(
            admin,
            "claimer",
            &[
                "customer.view",
                "customer.create",
                "customer.edit",
                "customer.release",
                "pool.view",
                "pool.claim",
            ],
            json!({ "customer": { "scope": "own" } }),
        )
        .await;
    let mut reps = Vec::new();
    for n in 0..count {
        let phone = format!("09820000{n:02}");
        let id = t.user(admin, &phone, json!({ "role_ids": [role] })).await;
        reps.push((id, t.login(&phone, PASSWORD).await));
    }
    reps
}

async fn customer_in_pool(t: &TestApp, token: &str, name: &str) -> i64 {
    let created = t
        .post("/api/v1/customers", token, json!({ "name": name }))
        .await;
    let id = created.body["id"].as_i64().expect("id");
    let released = t
        .post(
            "/api/v1/customers/release",
            token,
            json!({ "ids": [id], "reason": "no budget this year" }),
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.text);
    id
}

#[tokio::test]
async fn release_then_claim_moves_the_customer_and_keeps_the_former_owner_waiting() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = pool_id(&t, &admin).await;
    t.patch(
        &format!("/api/v1/pools/{pool}"),
        &admin,
        json!({ "rules": { "reclaim_wait_days": 30 } }),
    )
    .await;
    let reps = reps(&t, &admin, 2).await;
    let no_reason = t
        .post(
            "/api/v1/customers/release",
            &reps[0].1,
            json!({ "ids": [1], "reason": " " }),
        )
        .await;
    assert_eq!(no_reason.body["errors"][0]["field"], "reason");

    let id = customer_in_pool(&t, &reps[0].1, "Pooled").await;
    assert_eq!(
        ids(&t.get("/api/v1/customers", &reps[0].1).await),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&t
            .get(&format!("/api/v1/pools/{pool}/customers"), &reps[1].1)
            .await),
        vec![id]
    );

    // The former owner waits; someone else may claim at once.
    let again = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &reps[0].1,
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.body["errors"][0]["code"], "reclaim_wait");
    let claimed = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &reps[1].1,
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    assert_eq!(claimed.body["claimed"], json!([id]));
    assert_eq!(
        t.get(&format!("/api/v1/customers/{id}"), &reps[1].1)
            .await
            .body["owner_id"],
        reps[1].0
    );
    let taken = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &admin,
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(taken.body["code"], "customer_taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_people_claiming_one_customer_at_once_leaves_exactly_one_owner() {
    let t = Arc::new(TestApp::new().await);
    let admin = t.admin().await;
    let pool = pool_id(&t, &admin).await;
    let reps = reps(&t, &admin, 8).await;
    let id = customer_in_pool(&t, &admin, "Wanted").await;

    let mut tasks = Vec::new();
    for (_, token) in reps.clone() {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            t.post(
                &format!("/api/v1/pools/{pool}/claim"),
                &token,
                json!({ "ids": [id] }),
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    assert_eq!(
        statuses.iter().filter(|s| s.as_u16() == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| s.as_u16() == 200 || s.as_u16() == 409),
        "{statuses:?}"
    );
    let owner = t.get(&format!("/api/v1/customers/{id}"), &admin).await.body["owner_id"].as_i64();
    assert!(reps.iter().any(|(rep, _)| Some(*rep) == owner));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_limit_holds_when_one_user_claims_many_at_once() {
    let t = Arc::new(TestApp::new().await);
    let admin = t.admin().await;
    let pool = pool_id(&t, &admin).await;
    let limited = t
        .patch(
            &format!("/api/v1/pools/{pool}"),
            &admin,
            json!({ "rules": { "limits": { "per_day": 3 } } }),
        )
        .await;
    assert_eq!(limited.status, 200, "{}", limited.text);
    let reps = reps(&t, &admin, 1).await;
    let mut pooled = Vec::new();
    for n in 0..10 {
        pooled.push(customer_in_pool(&t, &admin, &format!("Lead {n}")).await);
    }
    let token = reps[0].1.clone();
    let mut tasks = Vec::new();
    for id in pooled.clone() {
        let t = t.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            t.post(
                &format!("/api/v1/pools/{pool}/claim"),
                &token,
                json!({ "ids": [id] }),
            )
            .await
            .status
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.expect("task").as_u16() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 3);
    let mine = t.get("/api/v1/customers", &token).await;
    assert_eq!(mine.body["total"], 3);
    // One still waiting is refused for the limit (one already theirs is
    // named as theirs instead).
    let mine = ids(&mine);
    let waiting = pooled
        .iter()
        .find(|id| !mine.contains(id))
        .expect("one left");
    let over = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &token,
            json!({ "ids": [waiting] }),
        )
        .await;
    assert_eq!(over.status, 409);
    assert_eq!(over.body["code"], "claim_limit_day");
    let detail = over.body["title"].as_str().unwrap_or_default();
    assert!(
        detail.contains("daily claim limit is 3") && detail.contains("0 left today"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_manager_assigns_pool_customers_and_bad_rules_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = pool_id(&t, &admin).await;
    let reps = reps(&t, &admin, 1).await;
    let id = customer_in_pool(&t, &admin, "Given").await;
    let refused = t
        .post(
            &format!("/api/v1/pools/{pool}/assign"),
            &reps[0].1,
            json!({ "ids": [id], "user_id": reps[0].0 }),
        )
        .await;
    assert_eq!(refused.status, 403);
    let assigned = t
        .post(
            &format!("/api/v1/pools/{pool}/assign"),
            &admin,
            json!({ "ids": [id], "user_id": reps[0].0 }),
        )
        .await;
    assert_eq!(assigned.body["claimed"], json!([id]), "{}", assigned.text);
    assert_eq!(ids(&t.get("/api/v1/customers", &reps[0].1).await), vec![id]);
    let bad = t
        .patch(
            &format!("/api/v1/pools/{pool}"),
            &admin,
            json!({ "rules": { "owned_cap": -2 } }),
        )
        .await;
    assert_eq!(bad.status, 422);
    let unknown = t
        .patch(
            &format!("/api/v1/pools/{pool}"),
            &admin,
            json!({ "rules": { "shoe": 1 } }),
        )
        .await;
    assert_eq!(unknown.status, 422);
}

#[tokio::test]
async fn claiming_an_id_that_was_never_in_the_pool_is_not_found() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = pool_id(&t, &admin).await;
    let reps = reps(&t, &admin, 1).await;
    let owned = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Owned elsewhere" }),
        )
        .await
        .body["id"]
        .as_i64()
        .expect("id");
    for id in [owned, 999_999] {
        let answer = t
            .post(
                &format!("/api/v1/pools/{pool}/claim"),
                &reps[0].1,
                json!({ "ids": [id] }),
            )
            .await;
        assert_eq!(answer.status, 404, "{id}: {}", answer.text);
    }
}
