//! Leads: scope, follow-ups, and conversion into customers, once.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, ids};

#[tokio::test]
async fn a_converted_lead_becomes_a_customer_with_its_contact_and_follow_ups() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let lead = t.post("/api/v1/leads", &admin, json!({ "name": "Prospect Ltd", "contact_name": "陳小姐", "mobile": "0933-123-456", "email": "chen＠prospect.tw" })).await;
    assert_eq!(lead.status, 201, "{}", lead.text);
    let id = lead.body["id"].as_i64().expect("id");
    let note = t
        .post(
            &format!("/api/v1/leads/{id}/follow-ups"),
            &admin,
            json!({ "content": "Met at the fair" }),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    assert_eq!(
        t.get("/api/v1/leads?q=0933123456", &admin).await.body["total"],
        1
    );

    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [id] }))
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    let customer = converted.body[0]["customer_id"].as_i64().expect("customer");
    let detail = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    assert_eq!(detail.body["name"], "Prospect Ltd");
    assert_eq!(detail.body["email"], "chen@prospect.tw");
    assert_eq!(detail.body["follow_ups"][0]["content"], "Met at the fair");
    let contacts = t
        .get(&format!("/api/v1/contacts?customer_id={customer}"), &admin)
        .await;
    assert_eq!(contacts.body["items"][0]["name"], "陳小姐");
    assert_eq!(contacts.body["items"][0]["is_primary"], true);
    let lead = t.get(&format!("/api/v1/leads/{id}"), &admin).await;
    assert_eq!(lead.body["converted"], true);
    assert_eq!(lead.body["customer_id"], customer);
    let linked = lead.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .find(|field| field["field"] == "customer_id")
        .expect("the conversion is logged");
    assert_eq!(linked["new"], "Prospect Ltd", "named, not numbered");
    let flagged = lead.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .find(|field| field["field"] == "converted")
        .expect("the conversion is logged as one");
    assert_eq!(
        (&flagged["old"], &flagged["new"]),
        (&json!("false"), &json!("true"))
    );

    let again = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [id] }))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(t.get("/api/v1/customers", &admin).await.body["total"], 1);
}

#[tokio::test]
async fn leads_stay_in_their_owners_scope() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "lead rep",
            &["lead.view", "lead.create", "lead.edit"],
            json!({ "lead": { "scope": "own" } }),
        )
        .await;
    t.user(&admin, "0984000001", json!({ "role_ids": [role] }))
        .await;
    let rep = t.login("0984000001", PASSWORD).await;
    let admins = t
        .post("/api/v1/leads", &admin, json!({ "name": "Not yours" }))
        .await
        .body["id"]
        .as_i64()
        .expect("id");
    let mine = t
        .post("/api/v1/leads", &rep, json!({ "name": "Mine" }))
        .await
        .body["id"]
        .as_i64()
        .expect("id");
    assert_eq!(ids(&t.get("/api/v1/leads", &rep).await), vec![mine]);
    assert_eq!(
        t.get(&format!("/api/v1/leads/{admins}"), &rep).await.status,
        404
    );
    let convert = t
        .post("/api/v1/leads/convert", &rep, json!({ "ids": [mine] }))
        .await;
    assert_eq!(convert.status, 403);
    let bad = t
        .post(
            "/api/v1/leads",
            &rep,
            json!({ "name": "", "email": "nope" }),
        )
        .await;
    assert_eq!(bad.status, 422);
}

#[tokio::test]
async fn a_lead_made_on_the_pages_converts_from_its_page() {
    let t = TestApp::new().await;
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let post = |path: String, body: String| {
        axum::http::Request::builder()
            .method("POST")
            .uri(path)
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .expect("request")
    };
    let empty = t
        .send(post(
            "/leads".into(),
            format!("_csrf={csrf}&name=&mobile=0911"),
        ))
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.text.contains("value=\"0911\""),
        "what was typed is kept"
    );
    let made = t
        .send(post(
            "/leads".into(),
            format!("_csrf={csrf}&name=Page+Lead&contact_name=Lin"),
        ))
        .await;
    assert_eq!(made.status, 303, "{}", made.text);
    let location = made.headers["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    let id = location
        .trim_start_matches("/leads/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    // The composer sends a multipart form, files and all.
    let (noted, _) = crate::helpers::post_multipart(
        &t,
        (&cookie, &csrf),
        &format!("/leads/{id}/follow-ups"),
        &[("content", "Called")],
        &[("notes.txt", b"Called about the order".as_slice())],
    )
    .await;
    assert_eq!(noted.as_u16(), 303);
    let converted = t
        .send(post(
            format!("/leads/{id}/convert"),
            format!("_csrf={csrf}"),
        ))
        .await;
    assert_eq!(converted.status, 303);
    let customer = converted.headers["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(customer.starts_with("/customers/"));
    let (status, html) = crate::helpers::page(&t, &cookie, &customer, "en").await;
    assert_eq!(status.as_u16(), 200);
    assert!(html.contains("Called"), "the follow-up came along");
    assert!(
        html.contains("notes.txt"),
        "and so did the file uploaded with it"
    );
}

#[tokio::test]
async fn a_leads_change_log_names_its_options_by_label() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let level = t
        .post(
            "/api/v1/options",
            &admin,
            json!({ "kind": "customer", "field": "level_id", "label": "Z-Level" }),
        )
        .await;
    assert_eq!(level.status, 201, "{}", level.text);
    let level = level.body["id"].as_i64().expect("id");
    let lead = t
        .post("/api/v1/leads", &admin, json!({ "name": "Labelled Lead" }))
        .await;
    let lead = lead.body["id"].as_i64().expect("id");
    let path = format!("/api/v1/leads/{lead}");
    let changed = t.put(&path, &admin, json!({ "level_id": level })).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let logged = t.get(&path, &admin).await.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .find(|field| field["field"] == "level_id")
        .expect("the level change is logged");
    assert_eq!(logged["new"], "Z-Level", "{logged}");
}
