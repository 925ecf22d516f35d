//! A search of one or two characters (on SQLite through the trigram index's
//! vocabulary) finds what reading every row finds: matches at the end of
//! the text and in texts shorter than three characters, letters in either
//! case, in every searched kind, and only within the searcher's scope.

use serde_json::json;

use crate::helpers::TestApp;
use crate::pool_fixtures::{rep, rep_role, top_department};
use crate::record_fixtures::made;

async fn found(t: &TestApp, token: &str, q: &str) -> Vec<String> {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let answer = t.get(&format!("/api/v1/search?q={q}"), token).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let mut hits: Vec<String> = answer.body["hits"]
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
        .collect();
    hits.sort();
    hits
}

#[tokio::test]
async fn one_or_two_characters_find_every_match_in_scope() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (_, rep_token) = rep(&t, &admin, "0911000001", top, role).await;

    let cement = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "台灣水泥" }),
    )
    .await;
    made(&t, &admin, "/api/v1/customers", json!({ "name": "台泥" })).await;
    made(&t, &admin, "/api/v1/customers", json!({ "name": "泥" })).await;
    made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": cement, "name": "林水泥" }),
    )
    .await;
    made(&t, &admin, "/api/v1/leads", json!({ "name": "Mud Works" })).await;
    made(
        &t,
        &rep_token,
        "/api/v1/customers",
        json!({ "name": "泥作工坊" }),
    )
    .await;

    assert_eq!(
        found(&t, &admin, "泥").await,
        [
            "contact:林水泥",
            "customer:台泥",
            "customer:台灣水泥",
            "customer:泥",
            "customer:泥作工坊",
        ],
        "the last character, a one-character name and the first one"
    );
    assert_eq!(found(&t, &admin, "台泥").await, ["customer:台泥"]);
    assert_eq!(
        found(&t, &admin, "水泥").await,
        ["contact:林水泥", "customer:台灣水泥"]
    );
    assert_eq!(found(&t, &admin, "mu").await, ["lead:Mud Works"]);
    assert_eq!(found(&t, &admin, "KS").await, ["lead:Mud Works"]);
    assert!(found(&t, &admin, "泥水").await.is_empty());
    assert!(found(&t, &admin, "%").await.is_empty());

    // A rep who sees their own customers finds only theirs.
    assert_eq!(found(&t, &rep_token, "泥").await, ["customer:泥作工坊"]);
    assert_eq!(found(&t, &rep_token, "工").await, ["customer:泥作工坊"]);
    assert!(found(&t, &rep_token, "台").await.is_empty());
}
