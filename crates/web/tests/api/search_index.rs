//! Search through the kinds' search indexes (FTS5 trigram tables on SQLite,
//! trigram GIN indexes on PostgreSQL): what is found follows every write.

use serde_json::json;

use crate::helpers::TestApp;
use crate::record_fixtures::made;

async fn titles(t: &TestApp, token: &str, q: &str) -> Vec<String> {
    let answer = t.get(&format!("/api/v1/search?q={q}"), token).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| {
            format!(
                "{}:{}",
                hit["kind"].as_str().unwrap_or(""),
                hit["title"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn search_follows_creates_renames_and_deletes() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "台灣水泥股份有限公司" }),
    )
    .await;
    made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "辜成允經理" }),
    )
    .await;
    made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Cement Traders" }),
    )
    .await;

    // Three characters or more go through the index; fewer through its
    // vocabulary (see short_search.rs).
    assert_eq!(
        titles(&t, &admin, &encoded("水泥股")).await,
        ["customer:台灣水泥股份有限公司"]
    );
    assert_eq!(
        titles(&t, &admin, &encoded("水泥")).await,
        ["customer:台灣水泥股份有限公司"]
    );
    assert_eq!(
        titles(&t, &admin, &encoded("成允經")).await,
        ["contact:辜成允經理"]
    );
    assert_eq!(titles(&t, &admin, "CEMENT").await, ["lead:Cement Traders"]);
    // Wildcards are text, not patterns.
    assert!(titles(&t, &admin, &encoded("水%股")).await.is_empty());

    let renamed = t
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &admin,
            json!({ "version": 1, "name": "亞洲水泥" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert!(titles(&t, &admin, &encoded("水泥股")).await.is_empty());
    assert_eq!(
        titles(&t, &admin, &encoded("亞洲水")).await,
        ["customer:亞洲水泥"]
    );

    let lead = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Cement Second" }),
    )
    .await;
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/leads/{lead}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    assert_eq!(titles(&t, &admin, "cement").await, ["lead:Cement Traders"]);
}
