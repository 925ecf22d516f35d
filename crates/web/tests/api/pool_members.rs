//! Several pools: who sees which (members by user or department, with
//! sub-departments, and administrators), releasing into a chosen pool,
//! and the settings that only a pool's administrators change.

use serde_json::json;

use crate::helpers::{TestApp, ids};
use crate::pool_fixtures::{
    change_pool, first_pool, owned_customer, pool, release, rep, rep_role, top_department,
};

/// Two regions: North (with North-East under it) and South. The first pool
/// becomes South's, a new pool "North" North's.
struct Regions {
    admin: String,
    south_pool: i64,
    north_pool: i64,
    /// In North-East, so a member of North through its parent department.
    north_rep: (i64, String),
    south_rep: (i64, String),
    role: i64,
    top: i64,
}

async fn regions(t: &TestApp) -> Regions {
    let admin = t.admin().await;
    let top = top_department(t, &admin).await;
    let north = t.department(&admin, "North", top).await;
    let north_east = t.department(&admin, "North-East", north).await;
    let south = t.department(&admin, "South", top).await;
    let role = rep_role(t, &admin).await;
    let north_rep = rep(t, &admin, "0981000001", north_east, role).await;
    let south_rep = rep(t, &admin, "0981000002", south, role).await;
    let south_pool = first_pool(t, &admin).await;
    change_pool(
        t,
        &admin,
        south_pool,
        json!({ "name": "South", "member_departments": [south] }),
    )
    .await;
    let north_pool = pool(
        t,
        &admin,
        json!({ "name": "North", "member_departments": [north] }),
    )
    .await;
    Regions {
        admin,
        south_pool,
        north_pool,
        north_rep,
        south_rep,
        role,
        top,
    }
}

fn pool_ids(answer: &crate::helpers::Answer) -> Vec<i64> {
    answer
        .body
        .as_array()
        .map(|all| all.iter().filter_map(|p| p["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_member_sees_only_the_pools_of_their_department_and_its_parents() {
    let t = TestApp::new().await;
    let r = regions(&t).await;
    let north_token = r.north_rep.1.as_str();
    let south_token = r.south_rep.1.as_str();

    // North-East's rep is in North's pool through its parent department.
    let id = owned_customer(&t, north_token, json!({ "name": "Tundra Ltd" })).await;
    release(&t, north_token, id, None).await;
    let mine = t.get("/api/v1/pools", north_token).await;
    assert_eq!(pool_ids(&mine), vec![r.north_pool]);
    assert_eq!(mine.body[0]["waiting"], 1);

    // The South rep sees neither the pool, its list, its count, nor its customer.
    let theirs = t.get("/api/v1/pools", south_token).await;
    assert_eq!(pool_ids(&theirs), vec![r.south_pool]);
    assert_eq!(theirs.body[0]["waiting"], 0);
    let path = format!("/api/v1/pools/{}", r.north_pool);
    assert_eq!(t.get(&path, south_token).await.status, 404);
    let list = t.get(&format!("{path}/customers"), south_token).await;
    assert_eq!(list.status, 404, "{}", list.text);
    let claim = t
        .post(
            &format!("{path}/claim"),
            south_token,
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(claim.status, 404, "{}", claim.text);
    let detail = t.get(&format!("/api/v1/customers/{id}"), south_token).await;
    assert_eq!(detail.status, 404);

    // A super administrator sees every pool; the member claims.
    let all = t.get("/api/v1/pools", &r.admin).await;
    assert_eq!(pool_ids(&all), vec![r.south_pool, r.north_pool]);
    let claimed = t
        .post(
            &format!("{path}/claim"),
            north_token,
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
}

#[tokio::test]
async fn a_user_named_as_member_or_administrator_sees_the_pool_and_someone_in_none_sees_nothing() {
    let t = TestApp::new().await;
    let r = regions(&t).await;
    let loner = rep(&t, &r.admin, "0981000009", r.top, r.role).await;
    assert_eq!(
        pool_ids(&t.get("/api/v1/pools", &loner.1).await),
        Vec::<i64>::new()
    );
    let id = owned_customer(&t, &loner.1, json!({ "name": "Nowhere Inc" })).await;
    let refused = t
        .post(
            "/api/v1/customers/release",
            &loner.1,
            json!({ "ids": [id], "reason": "no budget" }),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "no_pool");

    change_pool(
        &t,
        &r.admin,
        r.north_pool,
        json!({ "member_users": [loner.0], "administrators": [r.south_rep.0] }),
    )
    .await;
    assert_eq!(
        pool_ids(&t.get("/api/v1/pools", &loner.1).await),
        vec![r.north_pool]
    );
    let south_sees = t.get("/api/v1/pools", &r.south_rep.1).await;
    assert_eq!(pool_ids(&south_sees), vec![r.south_pool, r.north_pool]);
    assert_eq!(south_sees.body[1]["can_administer"], true);
    // Administering is not managing the settings without the permission.
    assert_eq!(south_sees.body[1]["can_manage"], false);
}

#[tokio::test]
async fn releasing_goes_into_the_chosen_pool_of_the_releaser_or_their_first() {
    let t = TestApp::new().await;
    let r = regions(&t).await;
    change_pool(
        &t,
        &r.admin,
        r.south_pool,
        json!({ "member_users": [r.north_rep.0] }),
    )
    .await;
    let token = r.north_rep.1.as_str();
    let first = owned_customer(&t, token, json!({ "name": "Default Co" })).await;
    let chosen = owned_customer(&t, token, json!({ "name": "Chosen Co" })).await;
    release(&t, token, first, None).await;
    release(&t, token, chosen, Some(r.north_pool)).await;
    let south = t
        .get(&format!("/api/v1/pools/{}/customers", r.south_pool), token)
        .await;
    assert_eq!(ids(&south), vec![first]);
    let north = t
        .get(&format!("/api/v1/pools/{}/customers", r.north_pool), token)
        .await;
    assert_eq!(ids(&north), vec![chosen]);

    // A pool the releaser does not belong to is not a choice.
    let other = owned_customer(&t, &r.south_rep.1, json!({ "name": "Other Co" })).await;
    let refused = t
        .post(
            "/api/v1/customers/release",
            &r.south_rep.1,
            json!({ "ids": [other], "pool_id": r.north_pool, "reason": "no budget" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "pool_id");
}

#[tokio::test]
async fn a_pool_is_deleted_only_when_empty_and_never_the_last() {
    let t = TestApp::new().await;
    let r = regions(&t).await;
    let token = r.north_rep.1.as_str();
    let id = owned_customer(&t, token, json!({ "name": "Waiting Co" })).await;
    release(&t, token, id, None).await;
    let path = format!("/api/v1/pools/{}", r.north_pool);
    let held = t
        .call(axum::http::Method::DELETE, &path, Some(&r.admin), None)
        .await;
    assert_eq!(held.status, 409);
    assert_eq!(held.body["code"], "pool_not_empty");
    assert!(
        held.body["title"]
            .as_str()
            .unwrap_or_default()
            .contains("Move them")
    );

    let moved = t
        .post(
            &format!("{path}/move"),
            &r.admin,
            json!({ "ids": [id], "to_pool_id": r.south_pool }),
        )
        .await;
    assert_eq!(moved.body["moved"], json!([id]), "{}", moved.text);
    let deleted = t
        .call(axum::http::Method::DELETE, &path, Some(&r.admin), None)
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(t.get(&path, &r.admin).await.status, 404);
    let last = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/pools/{}", r.south_pool),
            Some(&r.admin),
            None,
        )
        .await;
    assert_eq!(last.body["code"], "last_pool");
}

#[tokio::test]
async fn only_administrators_with_the_settings_permission_change_a_pool() {
    let t = TestApp::new().await;
    let r = regions(&t).await;
    let manager_role = t
        .role(
            &r.admin,
            "pool keeper",
            &["pool.view", "pool.manage", "customer.view"],
            json!({ "customer": { "scope": "all" } }),
        )
        .await;
    let keeper = rep(&t, &r.admin, "0981000005", r.top, manager_role).await;
    // A member of the South pool, but not its administrator.
    change_pool(
        &t,
        &r.admin,
        r.south_pool,
        json!({ "member_users": [keeper.0] }),
    )
    .await;
    let south = format!("/api/v1/pools/{}", r.south_pool);
    let refused = t.patch(&south, &keeper.1, json!({ "name": "Mine" })).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let unseen = t
        .patch(
            &format!("/api/v1/pools/{}", r.north_pool),
            &keeper.1,
            json!({ "name": "Mine" }),
        )
        .await;
    assert_eq!(unseen.status, 404);

    // The creator of a pool administers it and may change it.
    let own = pool(&t, &keeper.1, json!({ "name": "Key accounts" })).await;
    let created = t.get(&format!("/api/v1/pools/{own}"), &keeper.1).await;
    assert_eq!(created.body["administrators"][0]["id"], keeper.0);
    assert_eq!(created.body["can_manage"], true);
    change_pool(&t, &keeper.1, own, json!({ "name": "Key accounts (VIP)" })).await;

    // Reps may not create pools.
    let rep_tries = t
        .post("/api/v1/pools", &r.north_rep.1, json!({ "name": "Rogue" }))
        .await;
    assert_eq!(rep_tries.status, 403);
    let taken = t
        .post("/api/v1/pools", &r.admin, json!({ "name": "North" }))
        .await;
    assert_eq!(taken.body["errors"][0]["field"], "name");
}

#[tokio::test]
async fn bad_settings_are_refused_field_by_field() {
    let t = TestApp::new().await;
    let r = regions(&t).await;
    let refused = t
        .patch(
            &format!("/api/v1/pools/{}", r.north_pool),
            &r.admin,
            json!({
                "member_users": [999_999],
                "rules": {
                    "limits": { "per_day": -1 },
                    "role_limits": [{ "role_id": 999_999, "limits": { "per_week": 2 } }],
                    "recycle": [{ "kind": "no_follow_up", "days": 0, "levels": [999_999] }],
                    "remind_days": 100_001
                }
            }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let mut fields: Vec<(String, String)> = refused.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    fields.sort();
    let expected: Vec<(String, String)> = [
        ("member_users", "user_unknown"),
        ("per_day", "out_of_range"),
        ("recycle.0.days", "not_positive"),
        ("recycle.0.levels", "invalid_choice"),
        ("remind_days", "out_of_range"),
        ("role_limits.0.role_id", "role_unknown"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(fields, expected);
    // Each message names its field as the settings page does.
    let per_day = refused.body["errors"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["field"] == "per_day"))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(per_day.contains("Claims per day"), "{per_day}");
    // Nothing was saved.
    let unchanged = t
        .get(&format!("/api/v1/pools/{}", r.north_pool), &r.admin)
        .await;
    assert_eq!(unchanged.body["rules"]["limits"]["per_day"], json!(null));
}
