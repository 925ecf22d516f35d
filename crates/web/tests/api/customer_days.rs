//! The customers counted per day and owner (`customer_days`, which the
//! dashboard and the customer analysis read) stay what counting the
//! customers gives after creates, edits, transfers, releases, claims,
//! deletes and imports, and after the zone changes, on both databases.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};
use crate::pool_fixtures::first_pool;

/// Rows of a statement run beside the app.
async fn fetch<T>(t: &TestApp, statement: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    let url = t.settings.database_url();
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.expect("postgres");
        let rows = sqlx::query_as(statement)
            .fetch_all(&pool)
            .await
            .expect("rows");
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
        let rows = sqlx::query_as(statement)
            .fetch_all(&pool)
            .await
            .expect("rows");
        pool.close().await;
        rows
    }
}

type Day = (String, i64, i64, i64);

/// The counted days, and per owner what the days add up to beside what the
/// customers themselves give.
async fn counted(t: &TestApp) -> Vec<Day> {
    let days: Vec<Day> = fetch(
        t,
        "select cast(day as text), coalesce(owner_id, 0), created, dealt from customer_days \
         order by 1, 2",
    )
    .await;
    assert!(
        days.iter()
            .all(|(_, _, c, d)| *c >= 0 && *d >= 0 && c + d > 0),
        "no day counts below zero or stays at zero: {days:?}"
    );
    let by_owner: Vec<(i64, i64, i64)> = fetch(
        t,
        "select coalesce(owner_id, 0), cast(sum(created) as bigint), cast(sum(dealt) as bigint) \
         from customer_days group by 1 order by 1",
    )
    .await;
    let customers: Vec<(i64, i64, i64)> = fetch(
        t,
        "select coalesce(owner_id, 0), count(*), count(dealt_at) from customers \
         group by 1 order by 1",
    )
    .await;
    let by_owner: Vec<_> = by_owner.into_iter().filter(|(_, c, _)| *c > 0).collect();
    assert_eq!(
        by_owner, customers,
        "per owner, the days add up to the customers"
    );
    days
}

/// The days kept by the writes are those a count from scratch gives.
async fn same_as_counted_again(t: &mut TestApp) {
    let kept = counted(t).await;
    t.sql("delete from insight_zone").await;
    t.restart().await;
    let again = counted(t).await;
    assert_eq!(kept, again, "kept by the writes = counted again");
}

async fn import(t: &TestApp, token: &str, csv: &str) -> Value {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/customers/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(csv.to_string()))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body
}

fn brief_count(board: &Value, key: &str) -> i64 {
    board["brief"]
        .as_array()
        .and_then(|b| b.iter().find(|i| i["key"] == key))
        .and_then(|i| i["current"]["count"].as_i64())
        .unwrap_or(-1)
}

#[tokio::test]
async fn customers_counted_per_day_follow_every_write() {
    let mut t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    same_as_counted_again(&mut t).await;
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let today = "/api/v1/dashboard?period=today";
    let before = brief_count(&t.get(today, &admin).await.body, "new_customers");

    let mut made = Vec::new();
    for name in ["Day One Co", "Day Two Co", "Day Three Co", "Day Four Co"] {
        let created = t
            .post("/api/v1/customers", &admin, json!({ "name": name }))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        made.push(created.body["id"].as_i64().expect("id"));
    }
    let board = t.get(today, &admin).await.body;
    assert_eq!(brief_count(&board, "new_customers"), before + 4);

    let users = t.get("/api/v1/users?limit=200", &admin).await;
    let other = users.body["items"]
        .as_array()
        .and_then(|all| all.last())
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("a demo user: {}", users.text));
    let edited = t
        .patch(
            &format!("/api/v1/customers/{}", made[0]),
            &admin,
            json!({ "version": 1, "name": "Day One Renamed" }),
        )
        .await;
    assert!(edited.status.is_success(), "{}", edited.text);
    let moved = t
        .post(
            "/api/v1/customers/transfer",
            &admin,
            json!({ "ids": [made[1], 1, 2, 3], "owner_id": other }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let released = t
        .post(
            "/api/v1/customers/release",
            &admin,
            json!({ "ids": [made[2], 4], "reason": "no budget" }),
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.text);
    let pool = first_pool(&t, &admin).await;
    let claimed = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &admin,
            json!({ "ids": [4] }),
        )
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    let deleted = t
        .call(
            Method::DELETE,
            &format!("/api/v1/customers/{}", made[3]),
            Some(&admin),
            None,
        )
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    import(
        &t,
        &admin,
        "Name,Phone\nImported Day Co,0223456789\nSecond Import Co,0223456788\n",
    )
    .await;

    let board = t.get(today, &admin).await.body;
    assert_eq!(
        brief_count(&board, "new_customers"),
        before + 5,
        "four made, one deleted, two imported"
    );
    same_as_counted_again(&mut t).await;
}

#[tokio::test]
async fn another_zone_counts_the_days_again() {
    let mut t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let path = "/api/v1/reports/customers?period=custom&from=2016-01-01&to=2017-12-31&by=month";
    let first = t.get(path, &admin).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let days = counted(&t).await;

    t.settings.time_zone = "America/New_York".into();
    t.restart().await;
    let moved = counted(&t).await;
    assert_ne!(
        days, moved,
        "twelve hours west, some customers fall on the day before"
    );
    t.settings.time_zone = "Asia/Shanghai".into();
    t.restart().await;
    assert_eq!(
        counted(&t).await,
        days,
        "back in the first zone, the first days"
    );
    let again = t.get(path, &admin).await;
    assert_eq!(first.body, again.body);
}
