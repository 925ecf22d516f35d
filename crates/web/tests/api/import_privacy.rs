//! An import row that matches someone else's record says so without naming
//! that record, to an importer who may not see it.

use serde_json::json;

use crate::customer_fixes::import;
use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn a_row_matching_a_customer_the_importer_cannot_see_names_no_id() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "Importing rep",
            &[
                "customer.view",
                "customer.create",
                "customer.edit",
                "customer.import",
            ],
            json!({ "customer": { "scope": "own" } }),
        )
        .await;
    t.user(&admin, "0986000001", json!({ "role_ids": [role] }))
        .await;
    t.user(&admin, "0986000002", json!({ "role_ids": [role] }))
        .await;
    let mine = t.login("0986000001", PASSWORD).await;
    let theirs = t.login("0986000002", PASSWORD).await;
    let created = t
        .post(
            "/api/v1/customers",
            &theirs,
            json!({ "name": "Hidden Harbour Ltd" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hidden = created.body["id"].as_i64().expect("id");
    let own = t
        .post(
            "/api/v1/customers",
            &mine,
            json!({ "name": "Open Orchard Ltd" }),
        )
        .await;
    let own = own.body["id"].as_i64().expect("id");

    let file = "name,phone\nHidden Harbour Ltd,02-2222-3333\nOpen Orchard Ltd,02-4444-5555\n";
    for mode in ["skip", "update"] {
        let report = import(&t, &mine, &format!("duplicates={mode}"), file.as_bytes()).await;
        assert_eq!(report.status, 200, "{mode}: {}", report.text);
        let problems = report.body["problems"].as_array().expect("problems");
        let hidden_row = problems
            .iter()
            .find(|p| p["row"] == 2)
            .expect("a problem on row 2");
        assert_eq!(
            hidden_row["code"], "duplicate_hidden",
            "{mode}: {}",
            report.text
        );
        assert!(
            hidden_row["duplicate_of"].is_null(),
            "{mode}: {}",
            report.text
        );
        assert!(
            problems.iter().all(|p| p["duplicate_of"] != hidden),
            "{mode}: the hidden id leaks: {}",
            report.text
        );
        // The importer's own record is still named.
        let own_row = problems.iter().find(|p| p["row"] == 3).expect("row 3");
        assert_eq!(own_row["duplicate_of"], own, "{mode}: {}", report.text);
    }
    // Nothing of the other rep's customer changed.
    let seen = t.get(&format!("/api/v1/customers/{hidden}"), &theirs).await;
    assert!(seen.body["phone"].is_null(), "{}", seen.text);
    // The administrator, who sees it, is told which record it is.
    let report = import(&t, &admin, "duplicates=skip", file.as_bytes()).await;
    let row = report.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .find(|p| p["row"] == 2)
        .cloned()
        .expect("row 2");
    assert_eq!(row["code"], "duplicate_skipped", "{}", report.text);
    assert_eq!(row["duplicate_of"], hidden, "{}", report.text);
}
