//! Leads on the record engine: edits on a stale version, the scope across
//! list, detail, export and attachments, filters and sorting, transfer,
//! spreadsheets in and out, and batch conversion with mapped custom fields.

use serde_json::json;

use crate::helpers::{TestApp, ids};
use crate::record_fixtures::{custom_field, made, own_scope_rep, rows_of, send_bytes};

#[tokio::test]
async fn a_stale_lead_edit_answers_409_and_keeps_the_stored_lead() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = made(&t, &admin, "/api/v1/leads", json!({ "name": "Acme" })).await;
    let path = format!("/api/v1/leads/{id}");
    let first = t
        .put(&path, &admin, json!({ "name": "Acme Ltd", "version": 1 }))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["version"], 2);

    let stale = t
        .put(
            &path,
            &admin,
            json!({ "name": "Overwritten", "version": 1 }),
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    assert_eq!(stale.body["current"]["name"], "Acme Ltd");
    assert_eq!(t.get(&path, &admin).await.body["name"], "Acme Ltd");
    let log = t.get(&path, &admin).await.body["change_log"].clone();
    assert_eq!(log[0]["fields"][0]["field"], "name");
}

#[tokio::test]
async fn a_user_outside_the_scope_finds_no_lead_in_detail_list_export_or_files() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let rep = own_scope_rep(&t, &admin, "0986000001").await;
    let hidden = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Hidden Lead" }),
    )
    .await;
    let file = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/leads/{hidden}/attachments?name=a.txt"),
        b"notes",
    )
    .await;
    assert_eq!(file.status, 201, "{}", file.text);
    let file = file.body["id"].as_i64().expect("id");
    made(&t, &rep, "/api/v1/leads", json!({ "name": "Mine" })).await;

    assert_eq!(
        t.get(&format!("/api/v1/leads/{hidden}"), &rep).await.status,
        404
    );
    let list = t.get("/api/v1/leads", &rep).await;
    assert_eq!(list.body["total"], 1);
    let export = t.get("/api/v1/leads/export?format=csv", &rep).await;
    assert!(!export.text.contains("Hidden Lead"), "{}", export.text);
    assert!(export.text.contains("Mine"));
    let chosen = t
        .get(&format!("/api/v1/leads/export?ids={hidden}"), &rep)
        .await;
    assert_eq!(rows_of(&chosen.text).len(), 1, "only the header");
    let files = t
        .get(&format!("/api/v1/leads/{hidden}/attachments"), &rep)
        .await;
    assert_eq!(files.status, 404);
    assert_eq!(
        t.get(&format!("/api/v1/attachments/{file}"), &rep)
            .await
            .status,
        404
    );
    let note = t
        .post(
            &format!("/api/v1/leads/{hidden}/follow-ups"),
            &rep,
            json!({ "content": "x" }),
        )
        .await;
    assert_eq!(note.status, 404);
}

#[tokio::test]
async fn leads_filter_on_any_field_sort_and_page_without_repeats() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "lead", "region", "text").await;
    for (name, region) in [
        ("Delta", "north"),
        ("Alpha", "south"),
        ("Charlie", "north"),
        ("Bravo", "north"),
    ] {
        let body =
            json!({ "name": name, "custom": { "region": region }, "mobile": "0912-345-678" });
        made(&t, &admin, "/api/v1/leads", body).await;
    }
    let filter = r#"[{"field":"custom.region","op":"equals","value":"NORTH"}]"#;
    let path = format!(
        "/api/v1/leads?sort=name&limit=2&filter={}",
        urlencode(filter)
    );
    let first = t.get(&path, &admin).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["total"], 3);
    let names = |a: &crate::helpers::Answer| -> Vec<String> {
        a.body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["name"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(names(&first), ["Bravo", "Charlie"]);
    let cursor = first.body["next_cursor"].as_str().expect("more");
    let second = t.get(&format!("{path}&cursor={cursor}"), &admin).await;
    assert_eq!(names(&second), ["Delta"]);
    assert!(second.body["next_cursor"].is_null());

    let by_phone = r#"[{"field":"mobile","op":"contains","value":"345 678"}]"#;
    let found = t
        .get(
            &format!("/api/v1/leads?filter={}", urlencode(by_phone)),
            &admin,
        )
        .await;
    assert_eq!(found.body["total"], 4);
    let unknown = r#"[{"field":"custom.nope","op":"equals","value":"x"}]"#;
    let refused = t
        .get(
            &format!("/api/v1/leads?filter={}", urlencode(unknown)),
            &admin,
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["errors"][0]["field"], "filters.0");
}

#[tokio::test]
async fn leads_transfer_one_or_many_and_delete() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let rep = own_scope_rep(&t, &admin, "0986000002").await;
    let rep_id = t.get("/api/v1/auth/me", &rep).await.body["id"]
        .as_i64()
        .expect("me");
    let a = made(&t, &admin, "/api/v1/leads", json!({ "name": "A" })).await;
    let b = made(&t, &admin, "/api/v1/leads", json!({ "name": "B" })).await;
    let moved = t
        .post(
            "/api/v1/leads/transfer",
            &admin,
            json!({ "ids": [a, b], "owner_id": rep_id }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body, 2);
    let mut seen = ids(&t.get("/api/v1/leads", &rep).await);
    seen.sort();
    assert_eq!(seen, vec![a, b]);
    let log = t.get(&format!("/api/v1/leads/{a}"), &rep).await.body["change_log"].clone();
    assert_eq!(log[0]["fields"][0]["field"], "owner_id");

    let nobody = t
        .post(
            "/api/v1/leads/transfer",
            &rep,
            json!({ "ids": [a], "owner_id": 999 }),
        )
        .await;
    assert_eq!(nobody.status, 403, "reps may not transfer: {}", nobody.text);
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/leads/{a}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    assert_eq!(ids(&t.get("/api/v1/leads", &rep).await), vec![b]);
}

#[tokio::test]
async fn an_exported_lead_file_imports_again_with_the_same_values() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "lead", "budget", "number").await;
    let source = t.get("/api/v1/options?kind=customer", &admin).await;
    let source = source
        .body
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["field"] == "source_id")
        .and_then(|o| o["id"].as_i64())
        .expect("a source");
    let body = json!({ "name": "台積電股份有限公司", "contact_name": "林小姐", "mobile": "0912000111",
        "phone": "=03-5636688", "email": "ir@tsmc.com", "address": "新竹科學園區", "source_id": source,
        "notes": "line one\nline two", "custom": { "budget": "1200" } });
    made(&t, &admin, "/api/v1/leads", body).await;
    made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Second Lead" }),
    )
    .await;
    let before = t
        .get("/api/v1/leads/export?format=csv&view=all", &admin)
        .await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert!(
        before.text.contains("'=03-5636688"),
        "a formula never runs: {}",
        before.text
    );

    for id in ids(&t.get("/api/v1/leads", &admin).await) {
        t.call(
            axum::http::Method::DELETE,
            &format!("/api/v1/leads/{id}"),
            Some(&admin),
            None,
        )
        .await;
    }
    let check = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?check=true",
        before.text.as_bytes(),
    )
    .await;
    assert_eq!(check.status, 200, "{}", check.text);
    assert_eq!(
        (
            check.body["would_create"].as_i64(),
            check.body["written"].as_bool()
        ),
        (Some(2), Some(false))
    );
    let imported = send_bytes(&t, &admin, "/api/v1/leads/import", before.text.as_bytes()).await;
    assert_eq!(imported.body["written"], true, "{}", imported.text);
    let after = t
        .get("/api/v1/leads/export?format=csv&view=all", &admin)
        .await;
    assert_eq!(rows_of(&after.text), rows_of(&before.text));
}

#[tokio::test]
async fn a_lead_import_skips_updates_or_creates_a_duplicate_by_name_phone_or_email() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Foxconn", "mobile": "0933-111-222" }),
    )
    .await;
    let file = "name,mobile,email\nOther name,0933 111 222,new@fox.tw\nＦＯＸＣＯＮＮ,,\nFresh,,fresh@x.tw\n";
    let skip = send_bytes(&t, &admin, "/api/v1/leads/import", file.as_bytes()).await;
    assert_eq!(skip.status, 200, "{}", skip.text);
    assert_eq!(
        (skip.body["created"].as_i64(), skip.body["skipped"].as_i64()),
        (Some(1), Some(2))
    );

    let file = "name,mobile,email\nOther name,0933 111 222,new@fox.tw\n";
    let update = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?duplicates=update",
        file.as_bytes(),
    )
    .await;
    assert_eq!(update.body["updated"], 1, "{}", update.text);
    let found = t.get("/api/v1/leads?q=Foxconn", &admin).await;
    assert_eq!(found.body["items"][0]["email"], "new@fox.tw");
    assert_eq!(
        found.body["items"][0]["name"], "Foxconn",
        "the stored name stays"
    );

    let create = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?duplicates=create",
        file.as_bytes(),
    )
    .await;
    assert_eq!(create.body["created"], 1, "{}", create.text);
    assert_eq!(
        t.get("/api/v1/leads?view=all", &admin).await.body["total"],
        3
    );
    // A file naming a lead twice takes it once and reports the repeat.
    let twice = "name\nSame\nSame\n";
    let once = send_bytes(&t, &admin, "/api/v1/leads/import", twice.as_bytes()).await;
    assert_eq!(
        (once.body["created"].as_i64(), once.body["skipped"].as_i64()),
        (Some(1), Some(1)),
        "{}",
        once.text
    );
    assert_eq!(once.body["problems"][0]["code"], "duplicate_in_file");
    assert_eq!(once.body["problems"][0]["row"], 3);
    assert_eq!(once.body["problems"][0]["first_row"], 2);
}

#[tokio::test]
async fn batch_conversion_carries_follow_ups_files_and_mapped_custom_fields() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "lead", "budget", "text").await;
    custom_field(&t, &admin, "lead", "visits", "number").await;
    custom_field(&t, &admin, "customer", "budget_c", "text").await;
    let mismatch = json!([{ "lead_key": "visits", "customer_key": "budget_c" }]);
    let refused = t
        .put("/api/v1/settings/lead-field-mapping", &admin, mismatch)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let mapping = json!([{ "lead_key": "budget", "customer_key": "budget_c" }]);
    let set = t
        .put("/api/v1/settings/lead-field-mapping", &admin, mapping)
        .await;
    assert_eq!(set.status, 200, "{}", set.text);

    let a = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Lead A", "custom": { "budget": "5 萬" } }),
    )
    .await;
    let b = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Lead B", "contact_name": "王先生" }),
    )
    .await;
    for (id, text) in [(a, "Called A"), (b, "Visited B")] {
        let note = t
            .post(
                &format!("/api/v1/leads/{id}/follow-ups"),
                &admin,
                json!({ "content": text }),
            )
            .await;
        assert_eq!(note.status, 201, "{}", note.text);
    }
    let file = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/leads/{a}/attachments?name=quote.txt"),
        b"quote",
    )
    .await;
    let file = file.body["id"].as_i64().expect("file");

    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [a, b] }))
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    let customer_of = |lead: i64| {
        converted
            .body
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["lead_id"] == lead)
            .and_then(|c| c["customer_id"].as_i64())
            .expect("customer")
    };
    let (ca, cb) = (customer_of(a), customer_of(b));
    let detail = t.get(&format!("/api/v1/customers/{ca}"), &admin).await;
    assert_eq!(detail.body["custom"]["budget_c"], "5 萬");
    assert_eq!(detail.body["follow_ups"][0]["content"], "Called A");
    let files = t
        .get(&format!("/api/v1/customers/{ca}/attachments"), &admin)
        .await;
    assert_eq!(files.body[0]["file_name"], "quote.txt");
    let copy = files.body[0]["id"].as_i64().expect("copy");
    assert_eq!(
        t.get(&format!("/api/v1/customers/{cb}"), &admin).await.body["follow_ups"][0]["content"],
        "Visited B"
    );
    let lead = t.get(&format!("/api/v1/leads/{a}"), &admin).await;
    assert_eq!(
        (
            lead.body["converted"].as_bool(),
            lead.body["customer_id"].as_i64()
        ),
        (Some(true), Some(ca))
    );

    // The lead keeps its file; deleting one copy leaves the other readable.
    let gone = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/attachments/{file}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    let kept = t.get(&format!("/api/v1/attachments/{copy}"), &admin).await;
    assert_eq!((kept.status.as_u16(), kept.text.as_str()), (200, "quote"));
    let again = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [b] }))
        .await;
    assert_eq!(again.status, 409);
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}
