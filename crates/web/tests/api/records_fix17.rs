//! Customer lifecycle fixes: text filters matching full-width text as the
//! search box does, partial edits that leave a required custom field with a
//! default alone.

use serde_json::{Value, json};

use crate::helpers::{TestApp, urlencode};
use crate::sales_fixtures::{create, customer};

/// The names of the customers a list filter finds.
async fn filtered(t: &TestApp, admin: &str, filter: Value) -> Vec<String> {
    let filter = serde_json::to_string(&filter).expect("json");
    let answer = t
        .get(
            &format!("/api/v1/customers?view=all&filter={}", urlencode(&filter)),
            admin,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let mut names: Vec<String> = answer.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", answer.text))
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_contains_filter_matches_text_of_either_width_and_case() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Ｆｕｌｌ Width").await;
    customer(&t, &admin, "Fully Narrow").await;
    customer(&t, &admin, "Other").await;
    let body = json!({ "kind": "customer", "key": "code", "label": "Code", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    create(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Coded", "custom": { "code": "ＡＢ－１２" } }),
    )
    .await;
    let both = vec!["Fully Narrow".to_string(), "Ｆｕｌｌ Width".to_string()];
    for value in ["Ｆｕｌｌ", "full", "FULL", "ｆＵｌl"] {
        let found = filtered(
            &t,
            &admin,
            json!([{ "field": "name", "op": "contains", "value": value }]),
        )
        .await;
        assert_eq!(found, both, "name contains {value}");
    }
    let found = filtered(
        &t,
        &admin,
        json!([{ "field": "name", "op": "contains", "value": "ｌ Ｗ" }]),
    )
    .await;
    assert_eq!(found, vec!["Ｆｕｌｌ Width".to_string()]);
    for (op, value) in [("contains", "ab-1"), ("equals", "ab-12"), ("contains", "ＡＢ")] {
        let found = filtered(
            &t,
            &admin,
            json!([{ "field": "custom.code", "op": op, "value": value }]),
        )
        .await;
        assert_eq!(found, vec!["Coded".to_string()], "code {op} {value}");
    }
    // The search box finds the same customer.
    let searched = t.get("/api/v1/customers?view=all&q=full", &admin).await;
    assert_eq!(searched.body["total"], 2, "{}", searched.text);
}

/// A required choice field `tier` of `kind` with a default, added after
/// the record existed.
async fn required_tier(t: &TestApp, admin: &str, kind: &str) {
    let body = json!({
        "kind": kind, "key": "tier", "label": "Tier", "field_type": "choice",
        "options": ["Gold", "Silver"], "required": true, "default_value": "Silver"
    });
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

#[tokio::test]
async fn a_partial_edit_leaves_a_required_field_with_a_default_empty() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let lead = create(&t, &admin, "/api/v1/leads", json!({ "name": "Lead" })).await;
    let contact = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "Lin" }),
    )
    .await;
    for kind in ["customer", "lead", "contact"] {
        required_tier(&t, &admin, kind).await;
    }
    let records = [
        ("customers", acme, "patch"),
        ("leads", lead, "put"),
        ("contacts", contact, "put"),
    ];
    for (path, id, verb) in records {
        let url = format!("/api/v1/{path}/{id}");
        let body = json!({ "notes": "touch" });
        let answer = match verb {
            "patch" => t.patch(&url, &admin, body).await,
            _ => t.put(&url, &admin, body).await,
        };
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        let stored = t.get(&url, &admin).await;
        let record = if stored.body["customer"].is_object() {
            &stored.body["customer"]
        } else {
            &stored.body
        };
        assert_eq!(record["notes"], "touch", "{path}: {}", stored.text);
        assert!(
            record["custom"].get("tier").is_none_or(Value::is_null),
            "{path} kept tier empty: {}",
            stored.text
        );
        assert!(
            !stored.text.contains("Silver"),
            "{path}: no default logged or stored: {}",
            stored.text
        );
        // Sending the field empty is still refused.
        let body = json!({ "custom": { "tier": null } });
        let answer = match verb {
            "patch" => t.patch(&url, &admin, body).await,
            _ => t.put(&url, &admin, body).await,
        };
        assert_eq!(answer.status, 422, "{path}: {}", answer.text);
        assert!(answer.text.contains("custom.tier"), "{}", answer.text);
    }
    // A new record still takes the default.
    let fresh = create(&t, &admin, "/api/v1/customers", json!({ "name": "Fresh" })).await;
    let stored = t.get(&format!("/api/v1/customers/{fresh}"), &admin).await;
    assert!(stored.text.contains("Silver"), "{}", stored.text);
}

#[tokio::test]
async fn a_custom_field_label_may_not_be_a_built_in_or_another_field_label() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = |key: &str, label: &str| {
        json!({ "kind": "customer", "key": key, "label": label, "field_type": "text" })
    };
    // The tax ID's label in each language, width, case and spaces aside.
    for label in ["統一編號", "税号", "ｔａｘ ＩＤ", "TaxID"] {
        let answer = t.post("/api/v1/fields", &admin, field("uni_no", label)).await;
        assert_eq!(answer.status, 422, "{label}: {}", answer.text);
        assert!(answer.text.contains("\"label\""), "{}", answer.text);
        assert!(answer.text.contains("統一編號"), "names the clash: {}", answer.text);
    }
    // A lead has no tax ID: the label is free there.
    let lead = json!({ "kind": "lead", "key": "uni_no", "label": "統一編號", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, lead).await.status, 201);
    let first = t.post("/api/v1/fields", &admin, field("branch", "分行")).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let second = t.post("/api/v1/fields", &admin, field("branch2", "分 行")).await;
    assert_eq!(second.status, 422, "{}", second.text);
    assert!(second.text.contains("branch"), "{}", second.text);
    // Renaming is checked too, and a field keeps its own label.
    let other = t.post("/api/v1/fields", &admin, field("region", "Region")).await;
    let id = other.body["id"].as_i64().expect("id");
    let url = format!("/api/v1/fields/{id}");
    let renamed = t.patch(&url, &admin, json!({ "label": "統一編號" })).await;
    assert_eq!(renamed.status, 422, "{}", renamed.text);
    let renamed = t.patch(&url, &admin, json!({ "label": "分行" })).await;
    assert_eq!(renamed.status, 422, "{}", renamed.text);
    let kept = t.patch(&url, &admin, json!({ "label": "REGION", "required": false })).await;
    assert_eq!(kept.status, 200, "{}", kept.text);
}
