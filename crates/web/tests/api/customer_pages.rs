//! The customer pages: they render in every language, keep what was typed
//! when refused, post follow-ups to the timeline, and stay in scope.

use axum::http::StatusCode;
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form, post_multipart};

/// A rep of the built-in sales rep role, who sees only their own customers.
async fn rep(t: &TestApp, admin: &str, phone: &str) -> i64 {
    let roles = t.get("/api/v1/roles", admin).await;
    let rep_role = roles.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["kind"] == "builtin" && r["scopes"]["customer"]["scope"] == "own")
        .expect("rep role")["id"]
        .as_i64()
        .expect("id");
    t.user(
        admin,
        phone,
        json!({ "department_id": 1, "role_ids": [rep_role] }),
    )
    .await
}

async fn customer(t: &TestApp, token: &str, name: &str) -> i64 {
    let answer = t
        .post(
            "/api/v1/customers",
            token,
            json!({ "name": name, "phone": "02 2345 6789" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    answer.body["id"].as_i64().expect("id")
}

#[tokio::test]
async fn the_customer_pages_render_in_every_language() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, "台灣水泥股份有限公司").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for (lang, word) in [
        ("en", "Customers"),
        ("zh-Hant", "客戶"),
        ("zh-Hans", "客户"),
    ] {
        for path in [
            "/customers".to_string(),
            "/customers?view=mine&sort=name&dir=asc&created=this_month".to_string(),
            "/customers?view=team&q=nothing-like-this".to_string(),
            "/customers?view=created_this_week".to_string(),
            "/customers/new".to_string(),
            format!("/customers/{id}"),
            format!("/customers/{id}/edit"),
        ] {
            let (status, html) = page(&t, &cookie, &path, lang).await;
            assert_eq!(status, StatusCode::OK, "{path} in {lang}");
            assert!(html.contains(word), "{path} in {lang} lacks {word}");
            for key in ["nav.", "fields.", "customers.", "list.", "log.", "actions."] {
                assert!(
                    !html.contains(key),
                    "{path} in {lang} shows a message key {key}"
                );
            }
        }
    }
    let (_, list) = page(&t, &cookie, "/customers", "zh-Hant").await;
    assert!(list.contains("台灣水泥股份有限公司"));
    assert!(
        list.contains("href=\"/customers\""),
        "the nav links the list"
    );
}

#[tokio::test]
async fn a_form_without_a_name_comes_back_with_what_was_typed() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=&phone=02-2345-6789&email=wang%40example.com&address=%E5%8F%B0%E5%8C%97%E5%B8%82&notes=Met+at+the+fair&owner_id=1"
    );
    let (status, html) = post_form(&t, &cookie, "/customers", form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("class=\"err\">Name is required."), "{html}");
    assert!(html.contains("value=\"02-2345-6789\""));
    assert!(html.contains("value=\"wang@example.com\""));
    assert!(html.contains("value=\"台北市\""));
    assert!(html.contains(">Met at the fair</textarea>"));

    let good = format!("_csrf={csrf}&name=Acme+Ltd&phone=02-2345-6789&owner_id=1");
    let (status, location) = post_form(&t, &cookie, "/customers", good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/customers/"), "{location}");
}

#[tokio::test]
async fn a_follow_up_posted_from_the_page_shows_on_the_record() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, "Acme Ltd").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;

    let path = format!("/customers/{id}/follow-ups");
    let empty = [("content", ""), ("next_contact_at", "2026-03-09T10:30")];
    let (status, html) = post_multipart(&t, (&cookie, &csrf), &path, &empty, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("value=\"2026-03-09T10:30\""),
        "keeps the time"
    );

    let form = [
        ("content", "Called about the spring order"),
        ("next_contact_at", "2026-03-09T10:30"),
    ];
    let (status, location) = post_multipart(&t, (&cookie, &csrf), &path, &form, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/customers/{id}?done=follow_up"));
    let (status, html) = page(&t, &cookie, &location, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Called about the spring order"));
    assert!(html.contains("Follow-up added."));
    // Typed in Shanghai time, stored in UTC, shown again in Shanghai time.
    assert!(html.contains("2026-03-09 10:30"));
    let stored = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(stored.body["next_contact_at"], "2026-03-09T02:30:00Z");
}

#[tokio::test]
async fn a_rep_cannot_open_another_reps_customer() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    rep(&t, &admin, "0962000001").await;
    rep(&t, &admin, "0962000002").await;
    let a = t.login("0962000001", crate::helpers::PASSWORD).await;
    let b = t.login("0962000002", crate::helpers::PASSWORD).await;
    let mine = customer(&t, &a, "Mine Co").await;
    let theirs = customer(&t, &b, "Theirs Co").await;

    let cookie = page_session(&t, "0962000001").await;
    let (status, html) = page(&t, &cookie, &format!("/customers/{mine}"), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Mine Co"));
    for path in [
        format!("/customers/{theirs}"),
        format!("/customers/{theirs}/edit"),
    ] {
        let (status, html) = page(&t, &cookie, &path, "en").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("Theirs Co"));
    }
    let (_, list) = page(&t, &cookie, "/customers", "en").await;
    assert!(list.contains("Mine Co") && !list.contains("Theirs Co"));
}

#[tokio::test]
async fn a_stale_save_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = customer(&t, &admin, "Acme Ltd").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let renamed = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "name": "Acme Holdings" }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let form = format!("_csrf={csrf}&version=1&name=Acme+Trading&phone=02-2345-6789");
    let (status, html) = post_form(&t, &cookie, &format!("/customers/{id}"), form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone else saved this record"));
    assert!(html.contains("value=\"Acme Trading\""));
    assert!(html.contains("name=\"version\" value=\"2\""));
}

#[tokio::test]
async fn customers_are_transferred_and_deleted_from_the_list() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let other = t
        .user(&admin, "0962000009", json!({ "department_id": 1 }))
        .await;
    let one = customer(&t, &admin, "One Co").await;
    let two = customer(&t, &admin, "Two Co").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;

    let form = format!("_csrf={csrf}&ids={one}&ids={two}&owner_id={other}&keep_former_owner=read");
    let (status, location) = post_form(&t, &cookie, "/customers/transfer", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/customers?done=transferred&n=2");
    let (_, html) = page(&t, &cookie, &location, "en").await;
    assert!(html.contains("2 customers transferred."));
    assert!(html.contains("User 0962000009"));

    let form = format!("_csrf={csrf}&ids={two}");
    let (status, location) = post_form(&t, &cookie, "/customers/delete", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/customers?done=deleted&n=1");
    let (status, _) = page(&t, &cookie, &format!("/customers/{two}"), "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let nothing = format!("_csrf={csrf}");
    let (status, html) = post_form(&t, &cookie, "/customers/delete", nothing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("One Co"), "the list is shown again");
}

#[tokio::test]
async fn a_contact_added_on_the_customer_page_is_listed_there() {
    let t = crate::helpers::TestApp::new().await;
    let admin = t.admin().await;
    let id = t
        .post(
            "/api/v1/customers",
            &admin,
            serde_json::json!({ "name": "With people" }),
        )
        .await
        .body["id"]
        .as_i64()
        .expect("id");
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let post = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/customers/{id}/contacts"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "_csrf={csrf}&name=%E7%8E%8B%E7%B6%93%E7%90%86&mobile=0912000111&is_primary=1"
        )))
        .expect("request");
    assert_eq!(t.send(post).await.status, axum::http::StatusCode::SEE_OTHER);
    let page = t
        .send(
            axum::http::Request::builder()
                .uri(format!("/customers/{id}"))
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert!(page.text.contains("王經理"), "the contact is on the page");
}
