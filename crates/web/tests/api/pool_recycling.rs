//! Recycling: each rule with the clock moved forward, levels, won and
//! locked customers left alone, the warning before, and a job that runs
//! twice (or on two instances at once) recycling each customer once.

use std::sync::Arc;

use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::pool_fixtures::{
    change_pool, first_pool, owned_customer, rep, rep_role, run_the_day, top_department, where_is,
};
use crate::sales_fixtures::{contract, submit};

/// A rep under the first pool, whose rules are `rules`.
struct Setup {
    admin: String,
    pool: i64,
    rep: (i64, String),
}

async fn setup(t: &TestApp, rules: Value) -> Setup {
    let admin = t.admin().await;
    let top = top_department(t, &admin).await;
    let role = rep_role(t, &admin).await;
    let rep = rep(t, &admin, "0983000001", top, role).await;
    let pool = first_pool(t, &admin).await;
    change_pool(t, &admin, pool, json!({ "rules": rules })).await;
    Setup { admin, pool, rep }
}

async fn follow_up(t: &TestApp, token: &str, customer: i64) {
    let answer = t
        .post(
            &format!("/api/v1/customers/{customer}/follow-ups"),
            token,
            json!({ "content": "Called; they want a quote" }),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

/// An opportunity of the customer, won when `won`.
async fn opportunity(t: &TestApp, admin: &str, customer: i64, won: bool) {
    let created = t
        .post(
            "/api/v1/opportunities",
            admin,
            json!({ "name": "Renewal", "customer_id": customer, "amount": "1000" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    if won {
        let id = created.body["id"].as_i64().expect("id");
        let moved = t
            .post(
                &format!("/api/v1/opportunities/{id}/stage"),
                admin,
                json!({ "outcome": "won" }),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
    }
}

fn days(t: &TestApp, n: i64) {
    t.clock.advance(Duration::days(n));
}

#[tokio::test]
async fn a_customer_without_follow_up_goes_back_after_the_days_and_its_owner_waits() {
    let t = TestApp::new().await;
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_follow_up", "days": 10 }], "reclaim_wait_days": 30 }),
    )
    .await;
    let rep = s.rep.1.as_str();
    let quiet = owned_customer(&t, rep, json!({ "name": "Quiet Co" })).await;
    let busy = owned_customer(&t, rep, json!({ "name": "Busy Co" })).await;
    days(&t, 6);
    follow_up(&t, rep, busy).await;
    days(&t, 3);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, quiet).await, (Some(s.rep.0), None));

    days(&t, 2);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, quiet).await, (None, Some(s.pool)));
    assert_eq!(where_is(&t, busy).await, (Some(s.rep.0), None));
    let detail = t.get(&format!("/api/v1/customers/{quiet}"), &s.admin).await;
    assert_eq!(detail.body["former_owner_id"], s.rep.0);
    let entry = &detail.body["change_log"][0];
    assert!(entry["actor_id"].is_null(), "{entry}");
    let fields: Vec<&str> = entry["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["owner_id", "pool_id", "recycle_reason"]);
    assert_eq!(entry["fields"][2]["new"], "no_follow_up");

    // The former owner waits before claiming it back.
    let again = t
        .post(
            &format!("/api/v1/pools/{}/claim", s.pool),
            rep,
            json!({ "ids": [quiet] }),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.body["errors"][0]["code"], "reclaim_wait");
}

#[tokio::test]
async fn a_customer_without_a_new_opportunity_goes_back_and_one_with_stays() {
    let t = TestApp::new().await;
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_opportunity", "days": 20 }] }),
    )
    .await;
    let rep = s.rep.1.as_str();
    let idle = owned_customer(&t, rep, json!({ "name": "Idle Co" })).await;
    let active = owned_customer(&t, rep, json!({ "name": "Active Co" })).await;
    // A follow-up does not count for this rule.
    follow_up(&t, rep, idle).await;
    days(&t, 15);
    opportunity(&t, &s.admin, active, false).await;
    days(&t, 6);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, idle).await, (None, Some(s.pool)));
    assert_eq!(where_is(&t, active).await, (Some(s.rep.0), None));
}

#[tokio::test]
async fn a_customer_not_won_goes_back_and_a_won_one_stays() {
    let t = TestApp::new().await;
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "not_won", "days": 30 }] }),
    )
    .await;
    let rep = s.rep.1.as_str();
    let lost = owned_customer(&t, rep, json!({ "name": "Lost Co" })).await;
    let won = owned_customer(&t, rep, json!({ "name": "Won Co" })).await;
    opportunity(&t, &s.admin, lost, false).await;
    days(&t, 20);
    opportunity(&t, &s.admin, won, true).await;
    days(&t, 11);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, lost).await, (None, Some(s.pool)));
    assert_eq!(where_is(&t, won).await, (Some(s.rep.0), None));
}

#[tokio::test]
async fn a_rule_for_some_levels_leaves_the_other_levels_alone() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let options = t.get("/api/v1/options", &admin).await;
    let levels: Vec<i64> = options
        .body
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["kind"] == "customer" && o["field"] == "level_id")
        .filter_map(|o| o["id"].as_i64())
        .collect();
    let (a, b) = (levels[0], levels[1]);
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_follow_up", "days": 5, "levels": [b] }] }),
    )
    .await;
    let rep = s.rep.1.as_str();
    let key = owned_customer(&t, rep, json!({ "name": "Key Co", "level_id": a })).await;
    let plain = owned_customer(&t, rep, json!({ "name": "Plain Co", "level_id": b })).await;
    let unrated = owned_customer(&t, rep, json!({ "name": "Unrated Co" })).await;
    days(&t, 6);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, plain).await, (None, Some(s.pool)));
    assert_eq!(where_is(&t, key).await, (Some(s.rep.0), None));
    assert_eq!(where_is(&t, unrated).await, (Some(s.rep.0), None));
}

#[tokio::test]
async fn won_customers_stay_when_the_pool_exempts_them_and_locked_ones_always() {
    let t = TestApp::new().await;
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_follow_up", "days": 5 }], "won_exempt": true }),
    )
    .await;
    let rep = s.rep.1.as_str();
    let dealt = owned_customer(&t, rep, json!({ "name": "Dealt Co" })).await;
    let locked = owned_customer(&t, rep, json!({ "name": "Locked Co" })).await;
    let plain = owned_customer(&t, rep, json!({ "name": "Plain Co" })).await;
    let deal = contract(&t, &s.admin, dealt, "500").await;
    assert_eq!(submit(&t, &s.admin, "contracts", deal).await, "approved");
    let lock = t
        .post(&format!("/api/v1/customers/{locked}/lock"), rep, json!({}))
        .await;
    assert!(lock.status.is_success(), "{}", lock.text);
    days(&t, 6);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, plain).await, (None, Some(s.pool)));
    assert_eq!(where_is(&t, dealt).await, (Some(s.rep.0), None));
    assert_eq!(where_is(&t, locked).await, (Some(s.rep.0), None));

    // Without the exemption a dealt customer goes back too; a locked one never.
    change_pool(
        &t,
        &s.admin,
        s.pool,
        json!({ "rules": { "recycle": [{ "kind": "no_follow_up", "days": 5 }], "won_exempt": false } }),
    )
    .await;
    days(&t, 1);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, dealt).await, (None, Some(s.pool)));
    assert_eq!(where_is(&t, locked).await, (Some(s.rep.0), None));
}

#[tokio::test]
async fn the_owner_is_warned_once_before_recycling_with_a_link_to_the_customers() {
    let t = TestApp::new().await;
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_follow_up", "days": 10 }], "remind_days": 3 }),
    )
    .await;
    let rep = s.rep.1.as_str();
    let first = owned_customer(&t, rep, json!({ "name": "First Co" })).await;
    let second = owned_customer(&t, rep, json!({ "name": "Second Co" })).await;
    days(&t, 6);
    run_the_day(&t).await;
    assert_eq!(t.get("/api/v1/notifications", rep).await.body["total"], 0);

    days(&t, 1);
    run_the_day(&t).await;
    let told = t.get("/api/v1/notifications", rep).await;
    assert_eq!(told.body["total"], 1, "{}", told.text);
    let notice = &told.body["items"][0];
    assert_eq!(notice["kind"], "pool_recycle_soon");
    assert_eq!(notice["params"]["count"], 2);
    assert_eq!(notice["params"]["days"], 3);
    let soon = t.get("/api/v1/pools/recycling", rep).await;
    let listed: Vec<i64> = soon
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(listed, vec![first, second]);
    assert_eq!(soon.body[0]["reason"], "no_follow_up");

    // The next day brings no second warning of the same customers.
    days(&t, 1);
    run_the_day(&t).await;
    t.app.recycle_pools().await.expect("ran again");
    assert_eq!(t.get("/api/v1/notifications", rep).await.body["total"], 1);

    // The warning opens the list of customers going back.
    let cookie = crate::auth::page_session(&t, "0983000001").await;
    let id = notice["id"].as_i64().expect("id");
    let opened = t
        .send(
            axum::http::Request::builder()
                .uri(format!("/notifications/{id}/open"))
                .header(axum::http::header::COOKIE, &cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(opened.status.is_redirection(), "{}", opened.status);
    assert_eq!(opened.headers["location"], "/pool/recycling");
    let (status, html) = crate::helpers::page(&t, &cookie, "/pool/recycling", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("First Co") && html.contains("Second Co"),
        "{html}"
    );

    days(&t, 3);
    run_the_day(&t).await;
    assert_eq!(where_is(&t, first).await, (None, Some(s.pool)));
}

#[tokio::test]
async fn the_job_run_twice_recycles_once() {
    let t = TestApp::new().await;
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_follow_up", "days": 5 }] }),
    )
    .await;
    let id = owned_customer(&t, &s.rep.1, json!({ "name": "Once Co" })).await;
    days(&t, 6);
    // Each day has its three jobs; the recycling is one of them.
    assert_eq!(run_the_day(&t).await, 3);
    assert_eq!(run_the_day(&t).await, 0);
    assert_eq!(t.app.recycle_pools().await.expect("again").recycled, 0);
    assert_eq!(where_is(&t, id).await, (None, Some(s.pool)));
    assert_eq!(recycle_entries(&t, id).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_recycling_at_once_recycle_each_customer_once() {
    let t = Arc::new(TestApp::new().await);
    let s = setup(
        &t,
        json!({ "recycle": [{ "kind": "no_follow_up", "days": 5 }] }),
    )
    .await;
    let mut customers = Vec::new();
    for n in 0..6 {
        customers.push(owned_customer(&t, &s.rep.1, json!({ "name": format!("Race {n}") })).await);
    }
    days(&t, 6);
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { t.app.recycle_pools().await.expect("ran").recycled })
        })
        .collect();
    let mut recycled = 0;
    for run in runs {
        recycled += run.await.expect("task");
    }
    assert_eq!(recycled, 6);
    for id in customers {
        assert_eq!(recycle_entries(&t, id).await, 1, "customer {id}");
    }
}

/// How many change-log entries of a customer say the rules recycled it.
async fn recycle_entries(t: &TestApp, customer: i64) -> usize {
    let admin = t.admin().await;
    let detail = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    detail.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| {
            e["fields"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["field"] == "recycle_reason"))
        })
        .count()
}
