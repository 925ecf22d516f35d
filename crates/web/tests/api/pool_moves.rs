//! Moving waiting customers between pools, and assigning them within the
//! pools and caps the rules set.

use serde_json::json;

use crate::helpers::{TestApp, ids};
use crate::pool_fixtures::{
    change_pool, first_pool, owned_customer, pool, release, rep, rep_role, top_department, where_is,
};

#[tokio::test]
async fn an_administrator_moves_customers_into_another_pool_and_a_member_may_not() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (rep_id, rep_token) = rep(&t, &admin, "0982000001", top, role).await;
    let (boss_id, boss) = rep(&t, &admin, "0982000002", top, role).await;
    let first = first_pool(&t, &admin).await;
    change_pool(&t, &admin, first, json!({ "administrators": [boss_id] })).await;
    let second = pool(
        &t,
        &admin,
        json!({ "name": "Second", "member_users": [rep_id, boss_id] }),
    )
    .await;
    let hidden = pool(&t, &admin, json!({ "name": "Hidden" })).await;
    let a = owned_customer(&t, &rep_token, json!({ "name": "Alpha" })).await;
    let b = owned_customer(&t, &rep_token, json!({ "name": "Beta" })).await;
    release(&t, &rep_token, a, Some(first)).await;
    release(&t, &rep_token, b, Some(first)).await;
    let move_path = format!("/api/v1/pools/{first}/move");

    let member = t
        .post(
            &move_path,
            &rep_token,
            json!({ "ids": [a], "to_pool_id": second }),
        )
        .await;
    assert_eq!(member.status, 403, "{}", member.text);
    let unseen = t
        .post(
            &move_path,
            &boss,
            json!({ "ids": [a], "to_pool_id": hidden }),
        )
        .await;
    assert_eq!(unseen.body["errors"][0]["field"], "to_pool_id");
    let same = t
        .post(
            &move_path,
            &boss,
            json!({ "ids": [a], "to_pool_id": first }),
        )
        .await;
    assert_eq!(same.body["errors"][0]["code"], "same_pool");
    // The message names the field as a person knows it.
    let message = same.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Pool to move to") && !message.contains("to_pool_id"),
        "{}",
        same.text
    );

    let moved = t
        .post(
            &move_path,
            &boss,
            json!({ "ids": [a, b], "to_pool_id": second }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["moved"], json!([a, b]));
    assert_eq!(where_is(&t, a).await, (None, Some(second)));
    let now_in_second = t
        .get(&format!("/api/v1/pools/{second}/customers"), &rep_token)
        .await;
    assert_eq!(ids(&now_in_second), vec![b, a]);
    let log = t.get(&format!("/api/v1/customers/{a}"), &admin).await;
    let entry = &log.body["change_log"][0]["fields"][0];
    assert_eq!(entry["field"], "pool_id");
    assert_eq!(entry["new"], "Second");

    // Moving again what already left answers it among the ones not moved.
    let again = t
        .post(
            &move_path,
            &boss,
            json!({ "ids": [a], "to_pool_id": second }),
        )
        .await;
    assert_eq!(again.body["not_in_pool"], json!([a]), "{}", again.text);
}

#[tokio::test]
async fn an_assignment_keeps_to_the_pool_and_to_the_recipients_cap() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (rep_id, rep_token) = rep(&t, &admin, "0982000003", top, role).await;
    let (boss_id, boss) = rep(&t, &admin, "0982000004", top, role).await;
    let first = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        first,
        json!({ "administrators": [boss_id], "rules": { "owned_cap": 2 } }),
    )
    .await;
    let hidden = pool(&t, &admin, json!({ "name": "Hidden" })).await;
    let mut waiting = Vec::new();
    for name in ["One", "Two", "Three"] {
        let id = owned_customer(&t, &admin, json!({ "name": name })).await;
        release(&t, &admin, id, Some(first)).await;
        waiting.push(id);
    }
    let kept = owned_customer(&t, &rep_token, json!({ "name": "Already mine" })).await;
    let assign = format!("/api/v1/pools/{first}/assign");

    // The rep owns one; two more would pass the cap of two.
    let over = t
        .post(
            &assign,
            &boss,
            json!({ "ids": [waiting[0], waiting[1]], "user_id": rep_id }),
        )
        .await;
    assert_eq!(over.status, 422, "{}", over.text);
    assert_eq!(over.body["errors"][0]["field"], "user_id");
    assert_eq!(over.body["errors"][0]["code"], "owned_cap_reached");
    // A pool's administrator assigns without the permission to assign.
    let given = t
        .post(
            &assign,
            &boss,
            json!({ "ids": [waiting[0]], "user_id": rep_id }),
        )
        .await;
    assert_eq!(given.status, 200, "{}", given.text);
    assert_eq!(where_is(&t, waiting[0]).await, (Some(rep_id), None));
    let mine = t.get("/api/v1/customers", &rep_token).await;
    assert_eq!(ids(&mine), vec![kept, waiting[0]]);

    // A pool the assigner does not see is not found.
    let elsewhere = t
        .post(
            &format!("/api/v1/pools/{hidden}/assign"),
            &boss,
            json!({ "ids": [waiting[2]], "user_id": rep_id }),
        )
        .await;
    assert_eq!(elsewhere.status, 404);
    // A member who neither administers nor may assign is refused.
    let member = t
        .post(
            &assign,
            &rep_token,
            json!({ "ids": [waiting[2]], "user_id": rep_id }),
        )
        .await;
    assert_eq!(member.status, 403);
}
