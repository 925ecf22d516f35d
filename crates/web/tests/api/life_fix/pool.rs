//! The recycling warning lists every customer the next run takes, or that is
//! within the reminder days, counted from the owner's last act or from the
//! day they got the customer; the demo company's owners have had their
//! customers since their history starts.

use chrono::Duration;
use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page};
use crate::pool_fixtures::{
    change_pool, first_pool, owned_customer, rep, rep_role, run_the_day, top_department, where_is,
};

fn due_ids(answer: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = answer
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|d| d["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn the_warning_lists_what_the_next_run_takes_and_what_is_within_the_reminder() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (anna, token) = rep(&t, &admin, "0983000011", top, role).await;
    let recent = owned_customer(&t, &token, json!({ "name": "Recent Co" })).await;
    let forgotten = owned_customer(&t, &token, json!({ "name": "Forgotten Co" })).await;
    let fresh = owned_customer(&t, &token, json!({ "name": "Fresh Co" })).await;
    t.clock.advance(Duration::days(40));
    let admin = t.admin().await;
    let token = t.login("0983000011", PASSWORD).await;
    let eight_days_ago = t.app.now() - Duration::days(8);
    let written = t
        .post(
            &format!("/api/v1/customers/{recent}/follow-ups"),
            &token,
            json!({ "content": "Visited", "happened_at": eight_days_ago }),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let written = t
        .post(
            &format!("/api/v1/customers/{fresh}/follow-ups"),
            &token,
            json!({ "content": "Called" }),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text);
    // The rule is set after all this: its days do not count from now.
    let pool = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        pool,
        json!({ "rules": { "recycle": [{ "kind": "no_follow_up", "days": 10 }], "remind_days": 3, "won_exempt": false } }),
    )
    .await;
    let token = t.login("0983000011", PASSWORD).await;
    let soon = t.get("/api/v1/pools/recycling", &token).await;
    assert_eq!(soon.status, 200, "{}", soon.text);
    let mut expected = vec![recent, forgotten];
    expected.sort_unstable();
    assert_eq!(due_ids(&soon.body), expected, "{}", soon.text);
    let recent_row = soon
        .body
        .as_array()
        .and_then(|all| all.iter().find(|d| d["id"] == recent))
        .expect("the recent customer");
    assert_eq!(
        recent_row["counted_from"]
            .as_str()
            .map(|s| s[..10].to_string()),
        Some(eight_days_ago.to_rfc3339()[..10].to_string()),
        "{recent_row}"
    );
    let cookie = page_session(&t, "0983000011").await;
    let (status, html) = page(&t, &cookie, "/pool/recycling", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Forgotten Co") && html.contains("Recent Co"),
        "{html}"
    );
    assert!(html.contains("at the next daily run"), "{html}");
    assert!(html.contains("not from the day the rule was set"), "{html}");

    // The run takes exactly the one past its days; the other is warned.
    run_the_day(&t).await;
    assert_eq!(where_is(&t, forgotten).await, (None, Some(pool)));
    assert_eq!(where_is(&t, recent).await, (Some(anna), None));
    assert_eq!(where_is(&t, fresh).await, (Some(anna), None));
    let token = t.login("0983000011", PASSWORD).await;
    let inbox = t.get("/api/v1/notifications", &token).await;
    assert!(inbox.text.contains("pool_recycle_soon"), "{}", inbox.text);

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/settings/pools/{pool}"), "zh-Hant").await;
    assert_eq!(status, 200);
    assert!(html.contains("而不是從設定規則之日起算"), "{html}");
}

#[tokio::test]
async fn demo_owners_are_warned_of_the_customers_their_history_makes_due() {
    let t = TestApp::new().await;
    let report = t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let pool = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        pool,
        json!({ "rules": { "recycle": [{ "kind": "no_follow_up", "days": 10 }], "remind_days": 3 } }),
    )
    .await;
    let anna = report
        .users
        .iter()
        .find(|u| u.name == "Anna Snelling")
        .expect("a demo rep");
    let token = t
        .login(&anna.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    let me = t.get("/api/v1/auth/me", &token).await;
    let anna_id = me.body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", me.text));
    let soon = t.get("/api/v1/pools/recycling", &token).await;
    assert_eq!(soon.status, 200, "{}", soon.text);
    let listed = due_ids(&soon.body);
    assert!(!listed.is_empty(), "{}", soon.text);
    let theirs = t.get("/api/v1/customers?limit=200", &token).await;
    let owned: Vec<i64> = theirs.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|c| c["owner_id"] == anna_id)
        .filter_map(|c| c["id"].as_i64())
        .collect();
    run_the_day(&t).await;
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    for id in owned {
        let found = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
        let taken = found.body["owner_id"].is_null();
        assert_eq!(taken, listed.contains(&id), "customer {id}: {}", found.text);
    }
}
