//! Background jobs: enqueued once a day whoever asks, run once, and what
//! they do (instalments past their date become overdue).

use chrono::Duration;
use serde_json::json;

use crate::helpers::TestApp;
use crate::sales_fixtures::{contract, customer, submit};

#[tokio::test]
async fn an_unpaid_instalment_becomes_overdue_after_its_date() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Initech").await;
    let deal = contract(&t, &admin, buyer, "1000").await;
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    let plan = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            &admin,
            json!({ "amount": "400", "planned_on": "2026-03-02" }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);
    assert_eq!(plan_status(&t, &admin, deal).await, "pending");

    // On its day nothing changes; two days later the day's job marks it.
    // Each day has three jobs: marking overdue instalments, the reminders,
    // and the pools' recycle rules.
    t.app.schedule_jobs().await.expect("scheduled");
    assert_eq!(t.app.run_due_jobs("test").await.expect("ran"), 3);
    assert_eq!(plan_status(&t, &admin, deal).await, "pending");
    t.clock.advance(Duration::days(2));
    t.app.schedule_jobs().await.expect("scheduled");
    // Another instance asking the same day enqueues nothing more.
    t.app.schedule_jobs().await.expect("scheduled again");
    assert_eq!(t.app.run_due_jobs("a").await.expect("ran"), 3);
    assert_eq!(t.app.run_due_jobs("b").await.expect("ran"), 0);
    assert_eq!(plan_status(&t, &admin, deal).await, "overdue");
}

async fn plan_status(t: &TestApp, token: &str, contract: i64) -> String {
    let detail = t.get(&format!("/api/v1/contracts/{contract}"), token).await;
    detail.body["plans"][0]["status"]
        .as_str()
        .expect("status")
        .to_string()
}
