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
    for (op, value) in [
        ("contains", "ab-1"),
        ("equals", "ab-12"),
        ("contains", "ＡＢ"),
    ] {
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
    let field = |key: &str, label: &str| json!({ "kind": "customer", "key": key, "label": label, "field_type": "text" });
    // The tax ID's label in each language, width, case and spaces aside.
    for label in ["統一編號", "税号", "ｔａｘ ＩＤ", "TaxID"] {
        let answer = t
            .post("/api/v1/fields", &admin, field("uni_no", label))
            .await;
        assert_eq!(answer.status, 422, "{label}: {}", answer.text);
        assert!(answer.text.contains("\"label\""), "{}", answer.text);
        assert!(
            answer.text.contains("Tax ID"),
            "names the clash: {}",
            answer.text
        );
    }
    // A lead has no tax ID: the label is free there.
    let lead =
        json!({ "kind": "lead", "key": "uni_no", "label": "統一編號", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, lead).await.status, 201);
    let first = t
        .post("/api/v1/fields", &admin, field("branch", "分行"))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let second = t
        .post("/api/v1/fields", &admin, field("branch2", "分 行"))
        .await;
    assert_eq!(second.status, 422, "{}", second.text);
    assert!(second.text.contains("branch"), "{}", second.text);
    // Renaming is checked too, and a field keeps its own label.
    let other = t
        .post("/api/v1/fields", &admin, field("region", "Region"))
        .await;
    let id = other.body["id"].as_i64().expect("id");
    let url = format!("/api/v1/fields/{id}");
    let renamed = t.patch(&url, &admin, json!({ "label": "統一編號" })).await;
    assert_eq!(renamed.status, 422, "{}", renamed.text);
    let renamed = t.patch(&url, &admin, json!({ "label": "分行" })).await;
    assert_eq!(renamed.status, 422, "{}", renamed.text);
    let kept = t
        .patch(
            &url,
            &admin,
            json!({ "label": "REGION", "required": false }),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
}

#[tokio::test]
async fn the_contact_that_loses_primary_gets_a_new_version_and_a_log_entry() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let first = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "Lin" }),
    )
    .await;
    let second = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "Wang" }),
    )
    .await;
    let before = t.get(&format!("/api/v1/contacts/{first}"), &admin).await;
    assert_eq!(before.body["is_primary"], true, "{}", before.text);
    let version = before.body["version"].as_i64().expect("version");
    let made = t
        .put(
            &format!("/api/v1/contacts/{second}"),
            &admin,
            json!({ "is_primary": true }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let after = t.get(&format!("/api/v1/contacts/{first}"), &admin).await;
    assert_eq!(after.body["is_primary"], false, "{}", after.text);
    assert!(
        after.body["version"].as_i64().expect("version") > version,
        "{}",
        after.text
    );
    let logged = after.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .any(|f| f["field"] == "is_primary" && f["new"] == "false");
    assert!(logged, "{}", after.text);
    // A form opened before cannot make it primary again.
    let stale = t
        .put(
            &format!("/api/v1/contacts/{first}"),
            &admin,
            json!({ "is_primary": true, "version": version }),
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.text);
}

#[tokio::test]
async fn a_transfer_logs_the_kept_former_owner_and_the_contacts_that_went_along() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let other = t.user(&admin, "13911117001", json!({})).await;
    let acme = customer(&t, &admin, "Acme").await;
    for name in ["林小華", "王小明"] {
        create(
            &t,
            &admin,
            "/api/v1/contacts",
            json!({ "customer_id": acme, "name": name }),
        )
        .await;
    }
    let body = json!({ "ids": [acme], "owner_id": other, "with_contacts": true, "keep_former_owner": "read" });
    let answer = t.post("/api/v1/customers/transfer", &admin, body).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let stored = t.get(&format!("/api/v1/customers/{acme}"), &admin).await;
    let log = if stored.body["change_log"].is_array() {
        &stored.body["change_log"]
    } else {
        &stored.body["customer"]["change_log"]
    };
    let fields: Vec<Value> = log
        .as_array()
        .unwrap_or_else(|| panic!("{}", stored.text))
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .collect();
    let field = |name: &str| fields.iter().find(|f| f["field"] == name).cloned();
    let team = field("team").unwrap_or_else(|| panic!("team logged: {}", stored.text));
    assert!(team["old"].is_null() && team["new"].is_string(), "{team}");
    let contacts = field("contacts").unwrap_or_else(|| panic!("contacts logged: {}", stored.text));
    let moved = contacts["new"].as_str().unwrap_or_default();
    assert!(
        moved.contains("林小華") && moved.contains("王小明"),
        "{moved}"
    );
    assert!(field("owner_id").is_some(), "{}", stored.text);
}

/// The status and the first error's message of a customer list filter.
async fn refused(t: &TestApp, admin: &str, filter: Value) -> (u16, String, String) {
    let filter = serde_json::to_string(&filter).expect("json");
    let answer = t
        .get(
            &format!("/api/v1/customers?filter={}", urlencode(&filter)),
            admin,
        )
        .await;
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (answer.status.as_u16(), message, answer.text)
}

#[tokio::test]
async fn a_refused_filter_names_operator_keys_and_the_choices_of_a_choice_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = json!({
        "kind": "customer", "key": "tier", "label": "Tier", "field_type": "choice",
        "options": ["Gold", "Silver"]
    });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    let gold = create(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Acme", "custom": { "tier": "Gold" } }),
    )
    .await;
    let (status, message, text) = refused(
        &t,
        &admin,
        json!([{ "field": "name", "op": "after", "value": "x" }]),
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert!(message.contains("(contains)"), "{message}");
    assert!(message.contains("is empty (is_empty)"), "{message}");
    let (status, message, text) = refused(
        &t,
        &admin,
        json!([{ "field": "custom.tier", "op": "one_of", "value": ["Nope"] }]),
    )
    .await;
    assert_eq!(status, 422, "{text}");
    for part in ["Tier", "Nope", "Gold", "Silver"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    // A choice written in another width and case is still one of them.
    let found = filtered(
        &t,
        &admin,
        json!([{ "field": "custom.tier", "op": "one_of", "value": ["ｇｏｌｄ"] }]),
    )
    .await;
    assert_eq!(found, vec!["Acme".to_string()], "customer {gold}");
}

#[tokio::test]
async fn a_figure_with_an_exponent_is_refused_in_a_body_and_an_import() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body =
        json!({ "kind": "customer", "key": "budget", "label": "Budget", "field_type": "money" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    let answer = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Acme", "custom": { "budget": "1e3" } }),
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.body["errors"][0]["field"], "custom.budget",
        "{}",
        answer.text
    );
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("Budget") && message.contains("1000"),
        "{message}"
    );
    let file = "Name,Budget\nAcme,1e3\n";
    let imported = crate::helpers::import_csv(&t, &admin, "customers", file).await;
    assert_eq!(imported.body["created"], 0, "{}", imported.text);
    assert!(imported.text.contains("Budget"), "{}", imported.text);
    assert!(imported.text.contains("1000"), "{}", imported.text);
    let written =
        crate::helpers::import_csv(&t, &admin, "customers", "Name,Budget\nAcme,1000\n").await;
    assert_eq!(written.body["created"], 1, "{}", written.text);
}
