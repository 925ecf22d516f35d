//! Customer lifecycle fixes: what a stale API save names, repeated choice
//! options, pool limits and partial rules, saved view names, attachment
//! names on download, and the column an import duplicate matched on.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer};

/// The entry of `changes` about `field`, if any.
fn change<'a>(body: &'a Value, field: &str) -> Option<&'a Value> {
    body["changes"]
        .as_array()?
        .iter()
        .find(|c| c["field"] == field)
}

#[tokio::test]
async fn a_stale_api_save_names_each_field_it_would_overwrite() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let body = json!({ "kind": "customer", "key": "tier", "label": "Tier", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    let records = [
        ("customers", acme),
        (
            "leads",
            create(&t, &admin, "/api/v1/leads", json!({ "name": "Lead" })).await,
        ),
        (
            "contacts",
            create(
                &t,
                &admin,
                "/api/v1/contacts",
                json!({ "customer_id": acme, "name": "Lin" }),
            )
            .await,
        ),
        (
            "opportunities",
            create(
                &t,
                &admin,
                "/api/v1/opportunities",
                json!({ "name": "Deal", "customer_id": acme }),
            )
            .await,
        ),
        (
            "contracts",
            create(
                &t,
                &admin,
                "/api/v1/contracts",
                json!({ "name": "Deal", "customer_id": acme, "amount": "100" }),
            )
            .await,
        ),
    ];
    for (kind, id) in records {
        let path = format!("/api/v1/{kind}/{id}");
        let read = t.get(&path, &admin).await.body["version"].clone();
        let save = |body: Value| async {
            if kind == "customers" {
                t.patch(&path, &admin, body).await
            } else {
                t.put(&path, &admin, body).await
            }
        };
        // Someone else renames it and writes notes.
        let theirs =
            save(json!({ "version": read, "name": "Theirs", "notes": "their note" })).await;
        assert_eq!(theirs.status, StatusCode::OK, "{kind}: {}", theirs.text);
        // The user, on the version read, renames it too and leaves the notes.
        let mut mine = json!({ "version": read, "name": "Mine" });
        if kind == "customers" {
            mine["custom"] = json!({ "tier": "Gold" });
        }
        let stale = save(mine).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{kind}: {}", stale.text);
        assert_eq!(stale.body["code"], "stale", "{kind}");
        let name = change(&stale.body, "name").unwrap_or_else(|| panic!("{kind}: {}", stale.text));
        assert_eq!(name["theirs"], "Theirs", "{kind}");
        assert_eq!(name["yours"], "Mine", "{kind}");
        let label = name["label"].as_str().unwrap_or_default();
        assert!(
            label.contains("ame") && label != "name",
            "{kind}: {}",
            stale.text
        );
        assert!(
            change(&stale.body, "notes").is_none(),
            "{kind}: notes not sent, kept on a retry: {}",
            stale.text
        );
        assert!(change(&stale.body, "version").is_none(), "{kind}");
        if kind == "customers" {
            let tier = change(&stale.body, "custom.tier").expect("custom field named");
            assert_eq!(tier["theirs"], Value::Null);
            assert_eq!(tier["yours"], "Gold");
            assert_eq!(tier["label"], "Tier");
        }
        assert_eq!(stale.body["current"]["name"], "Theirs", "{kind}");
        // Nothing of the stale save was written.
        assert_eq!(t.get(&path, &admin).await.body["name"], "Theirs", "{kind}");
    }
}
