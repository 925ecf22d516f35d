//! Contacts on the record engine: their own page, edits from the page on a
//! stale version, the scope across list, detail, export and attachments,
//! filters, transfer, custom fields and spreadsheets in and out.

use serde_json::json;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, ids, page, post_form};
use crate::record_fixtures::{custom_field, made, own_scope_rep, rows_of, send_bytes};

#[tokio::test]
async fn a_contact_page_shows_follow_ups_the_customers_opportunities_and_files() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Page Co" }),
    )
    .await;
    let contact = made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "陳經理", "post": "採購" }),
    )
    .await;
    let note = t
        .post(
            &format!("/api/v1/contacts/{contact}/follow-ups"),
            &admin,
            json!({ "content": "Asked for a quote" }),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    made(
        &t,
        &admin,
        "/api/v1/opportunities",
        json!({ "name": "Servers 2026", "customer_id": customer }),
    )
    .await;
    let file = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/contacts/{contact}/attachments?name=card.txt"),
        b"card",
    )
    .await;
    assert_eq!(file.status, 201, "{}", file.text);

    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/contacts/{contact}"), "en").await;
    assert_eq!(status, 200, "{html}");
    for text in [
        "陳經理",
        "Asked for a quote",
        "Servers 2026",
        "card.txt",
        "Page Co",
    ] {
        assert!(html.contains(text), "the page shows {text}");
    }
    let (status, html) = page(&t, &cookie, &format!("/customers/{customer}"), "zh-Hant").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("/contacts/{contact}")),
        "the customer links its contact"
    );
    let detail = t.get(&format!("/api/v1/contacts/{contact}"), &admin).await;
    assert_eq!(detail.body["last_follow_up_text"], "Asked for a quote");
}

#[tokio::test]
async fn a_stale_contact_edit_on_the_page_answers_409_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Edit Co" }),
    )
    .await;
    let contact = made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "李助理" }),
    )
    .await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let (status, form) = page(&t, &cookie, &format!("/contacts/{contact}/edit"), "en").await;
    assert_eq!(status, 200);
    assert!(form.contains("李助理"));
    let saved = t
        .put(
            &format!("/api/v1/contacts/{contact}"),
            &admin,
            json!({ "customer_id": customer, "name": "李經理", "version": 1 }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);

    let typed =
        format!("_csrf={csrf}&version=1&customer_id={customer}&name=%E6%9D%8E%E7%B8%BD&post=CEO");
    let (status, html) = post_form(&t, &cookie, &format!("/contacts/{contact}"), typed).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("value=\"李總\""), "what was typed is kept");
    assert!(
        html.contains("value=\"2\""),
        "the form takes the stored version"
    );
    assert_eq!(
        t.get(&format!("/api/v1/contacts/{contact}"), &admin)
            .await
            .body["name"],
        "李經理"
    );

    let bad = format!("_csrf={csrf}&version=2&customer_id={customer}&name=&email=nope");
    let (status, html) = post_form(&t, &cookie, &format!("/contacts/{contact}"), bad).await;
    assert_eq!(status, 422);
    assert!(html.contains("value=\"nope\""));
    let good = format!("_csrf={csrf}&version=2&customer_id={customer}&name=Li&is_primary=1");
    let (status, location) = post_form(&t, &cookie, &format!("/contacts/{contact}"), good).await;
    assert_eq!(
        (status.as_u16(), location),
        (303, format!("/contacts/{contact}?done=saved"))
    );
}

#[tokio::test]
async fn a_user_outside_the_scope_finds_no_contact_in_detail_list_export_or_files() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let rep = own_scope_rep(&t, &admin, "0987000001").await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Secret Co" }),
    )
    .await;
    let hidden = made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "Hidden Person" }),
    )
    .await;
    let file = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/contacts/{hidden}/attachments?name=a.txt"),
        b"x",
    )
    .await;
    let file = file.body["id"].as_i64().expect("file");

    assert_eq!(
        t.get(&format!("/api/v1/contacts/{hidden}"), &rep)
            .await
            .status,
        404
    );
    assert_eq!(
        ids(&t.get("/api/v1/contacts", &rep).await),
        Vec::<i64>::new()
    );
    let export = t.get("/api/v1/contacts/export?format=csv", &rep).await;
    assert_eq!(export.status, 200);
    assert!(!export.text.contains("Hidden Person"));
    assert_eq!(
        t.get(&format!("/api/v1/contacts/{hidden}/attachments"), &rep)
            .await
            .status,
        404
    );
    assert_eq!(
        t.get(&format!("/api/v1/attachments/{file}"), &rep)
            .await
            .status,
        404
    );
    let cookie = crate::auth::page_session(&t, "0987000001").await;
    let (status, _) = page(&t, &cookie, &format!("/contacts/{hidden}"), "en").await;
    assert_eq!(status, 404);
    let (_, list) = page(&t, &cookie, "/contacts", "en").await;
    assert!(!list.contains("Hidden Person"));
}

#[tokio::test]
async fn contacts_filter_on_custom_fields_keep_one_primary_and_transfer() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "contact", "hobby", "text").await;
    let required = json!({ "kind": "contact", "key": "birthday", "label": "Birthday", "field_type": "date", "required": true });
    assert_eq!(t.post("/api/v1/fields", &admin, required).await.status, 201);
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Golf Co" }),
    )
    .await;
    let missing = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({ "customer_id": customer, "name": "X" }),
        )
        .await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.body["errors"][0]["field"], "custom.birthday");
    let one = json!({ "customer_id": customer, "name": "Zed", "is_primary": true, "custom": { "hobby": "Golf", "birthday": "1980-02-03" } });
    let a = made(&t, &admin, "/api/v1/contacts", one).await;
    let two = json!({ "customer_id": customer, "name": "Amy", "is_primary": true, "custom": { "hobby": "Tennis", "birthday": "1990-01-01" } });
    let b = made(&t, &admin, "/api/v1/contacts", two).await;
    let primaries = t.get(&format!("/api/v1/contacts?customer_id={customer}&filter=%5B%7B%22field%22%3A%22is_primary%22%2C%22op%22%3A%22equals%22%2C%22value%22%3Atrue%7D%5D"), &admin).await;
    assert_eq!(ids(&primaries), vec![b], "one primary per customer");
    let golf = t.get("/api/v1/contacts?filter=%5B%7B%22field%22%3A%22custom.hobby%22%2C%22op%22%3A%22contains%22%2C%22value%22%3A%22gol%22%7D%5D", &admin).await;
    assert_eq!(ids(&golf), vec![a]);
    let sorted = t.get("/api/v1/contacts?sort=name", &admin).await;
    assert_eq!(ids(&sorted), vec![b, a]);

    let rep = own_scope_rep(&t, &admin, "0987000002").await;
    let rep_id = t.get("/api/v1/auth/me", &rep).await.body["id"]
        .as_i64()
        .expect("me");
    let moved = t
        .post(
            "/api/v1/contacts/transfer",
            &admin,
            json!({ "ids": [a], "owner_id": rep_id }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(ids(&t.get("/api/v1/contacts", &rep).await), vec![a]);
    let (status, html) = page(
        &t,
        &crate::auth::page_session(&t, ADMIN_PHONE).await,
        "/settings/fields?kind=contact",
        "zh-Hant",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("hobby") && html.contains("聯繫人"),
        "the settings page edits contact fields"
    );
    let _ = PASSWORD;
}

#[tokio::test]
async fn an_exported_contact_file_imports_again_and_finds_customers_the_importer_may_change() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "contact", "hobby", "text").await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "鴻海精密工業股份有限公司" }),
    )
    .await;
    let body = json!({ "customer_id": customer, "name": "郭先生", "mobile": "0912-000-222", "post": "董事長",
        "decision_maker": true, "is_primary": true, "email": "guo@foxconn.com", "custom": { "hobby": "爬山" } });
    made(&t, &admin, "/api/v1/contacts", body).await;
    made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "Assistant" }),
    )
    .await;
    let before = t.get("/api/v1/contacts/export?format=csv", &admin).await;
    assert_eq!(before.status, 200, "{}", before.text);

    for id in ids(&t.get("/api/v1/contacts", &admin).await) {
        t.call(
            axum::http::Method::DELETE,
            &format!("/api/v1/contacts/{id}"),
            Some(&admin),
            None,
        )
        .await;
    }
    let imported = send_bytes(
        &t,
        &admin,
        "/api/v1/contacts/import",
        before.text.as_bytes(),
    )
    .await;
    assert_eq!(imported.body["written"], true, "{}", imported.text);
    let after = t.get("/api/v1/contacts/export?format=csv", &admin).await;
    assert_eq!(rows_of(&after.text), rows_of(&before.text));
    let again = send_bytes(
        &t,
        &admin,
        "/api/v1/contacts/import",
        before.text.as_bytes(),
    )
    .await;
    assert_eq!(again.body["skipped"], 2, "{}", again.text);

    let rep = own_scope_rep(&t, &admin, "0987000003").await;
    let file = "名稱,客戶\nSomeone,鴻海精密工業\n";
    let refused = send_bytes(&t, &rep, "/api/v1/contacts/import", file.as_bytes()).await;
    assert_eq!(refused.body["written"], false, "{}", refused.text);
    assert_eq!(refused.body["problems"][0]["field"], "customer_id");
    assert_eq!(refused.body["problems"][0]["code"], "not_found");
}
