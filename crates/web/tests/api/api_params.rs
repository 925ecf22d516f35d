//! A query parameter an API operation does not take is refused, named, with
//! the ones it takes; a misspelt filter no longer answers every record.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn an_unknown_query_parameter_is_refused_naming_it_and_the_known_ones() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = t
        .post("/api/v1/customers", &admin, json!({ "name": "Param Co" }))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);

    let fine = t
        .get("/api/v1/customers?q=Param&limit=5&desc=true", &admin)
        .await;
    assert_eq!(fine.status, 200, "{}", fine.text);
    assert_eq!(fine.body["total"], 1, "{}", fine.text);

    let typo = t.get("/api/v1/customers?qq=Param&limit=5", &admin).await;
    assert_eq!(typo.status, 422, "{}", typo.text);
    let error = &typo.body["errors"][0];
    assert_eq!(error["field"], "qq", "{}", typo.text);
    assert_eq!(error["code"], "parameter_unknown", "{}", typo.text);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("qq") && message.contains("limit"),
        "{message}"
    );

    // Other lists too, and the repeated list keys they take still work.
    let typo = t.get("/api/v1/opportunities?per_page=5", &admin).await;
    assert_eq!(typo.status, 422, "{}", typo.text);
    assert_eq!(typo.body["errors"][0]["field"], "per_page", "{}", typo.text);
    let users = t.get("/api/v1/users?q=a", &admin).await;
    assert_eq!(users.status, 200, "{}", users.text);
}
