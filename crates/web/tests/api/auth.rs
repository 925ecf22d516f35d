//! Signing in, throttling, sessions, tokens and cross-site forgery.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use serde_json::json;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

#[tokio::test]
async fn a_wrong_phone_and_a_wrong_password_get_the_same_answer() {
    let t = TestApp::new().await;
    let wrong_password = t.try_login(ADMIN_PHONE, "not-the-password").await;
    let wrong_phone = t.try_login("0911111111", PASSWORD).await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_phone.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.body["code"], wrong_phone.body["code"]);
    assert_eq!(wrong_password.body["title"], wrong_phone.body["title"]);
}

#[tokio::test]
async fn sign_in_answers_with_a_token_and_the_user() {
    let t = TestApp::new().await;
    let answer = t.try_login(ADMIN_PHONE, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["user"]["phone"], ADMIN_PHONE);
    assert_eq!(answer.body["user"]["super_admin"], true);
    let token = answer.body["token"].as_str().expect("token");
    let me = t.get("/api/v1/auth/me", token).await;
    assert_eq!(me.body["name"], "Admin");
}

#[tokio::test]
async fn repeated_failures_slow_down_then_lock_the_phone() {
    let t = TestApp::new().await;
    // Three failures are free; the fourth attempt must wait.
    for _ in 0..3 {
        assert_eq!(
            t.try_login(ADMIN_PHONE, "wrong-one").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let slowed = t.try_login(ADMIN_PHONE, PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(slowed.body["code"], "sign_in_slowed");
    assert!(slowed.headers.contains_key(header::RETRY_AFTER));

    // Waiting long enough allows another try, until ten failures lock the phone.
    for _ in 3..10 {
        t.clock.advance(Duration::seconds(61));
        assert_eq!(
            t.try_login(ADMIN_PHONE, "wrong-one").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    t.clock.advance(Duration::seconds(61));
    let locked = t.try_login(ADMIN_PHONE, PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.body["code"], "sign_in_locked");

    // Another phone is not affected, and the lock ends after its minutes.
    t.clock.advance(Duration::minutes(16));
    assert_eq!(
        t.try_login(ADMIN_PHONE, PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_disabled_users_session_and_token_stop_working_at_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await;
    let rep = roles.body["items"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| {
            r["kind"] == "builtin" && r["permissions"].as_array().is_some_and(|p| p.len() > 5)
        })
        .expect("a built-in role")["id"]
        .as_i64()
        .expect("id");
    let id = t
        .user(&admin, "0922000001", json!({ "role_ids": [rep] }))
        .await;
    let token = t.login("0922000001", PASSWORD).await;
    let cookie = page_session(&t, "0922000001").await;
    assert_eq!(
        t.get("/api/v1/auth/me", &token).await.status,
        StatusCode::OK
    );

    let disabled = t
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text);

    assert_eq!(
        t.get("/api/v1/auth/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = Request::builder()
        .uri("/profile")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    let answer = t.send(page).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        answer.headers[header::LOCATION]
            .to_str()
            .expect("location")
            .starts_with("/login")
    );
    let again = t.try_login("0922000001", PASSWORD).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(again.body["code"], "account_disabled");
}

/// Signs in through the sign-in form and answers the cookie header to send.
pub async fn page_session(t: &TestApp, phone: &str) -> String {
    page_session_as(t, phone, PASSWORD).await
}

/// A page session of a user with their own password.
pub async fn page_session_as(t: &TestApp, phone: &str, password: &str) -> String {
    let get = t
        .send(
            Request::builder()
                .uri("/login")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let csrf_cookie = get
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kj_csrf="))
        .expect("csrf cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let csrf = csrf_cookie.trim_start_matches("kj_csrf=").to_string();
    let form = format!("_csrf={csrf}&phone={phone}&password={password}&next=%2Fprofile");
    let post = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::COOKIE, &csrf_cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let answer = t.send(post).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let session = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kj_session="))
        .expect("session cookie");
    session.split(';').next().expect("pair").to_string()
}

/// The CSRF token a page carries for its forms.
pub async fn page_csrf(t: &TestApp, cookie: &str) -> String {
    let page = t
        .send(
            Request::builder()
                .uri("/profile")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let marker = "name=\"csrf-token\" content=\"";
    let start = page.text.find(marker).expect("csrf meta") + marker.len();
    page.text[start..]
        .split('"')
        .next()
        .expect("token")
        .to_string()
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let form = |body: String, origin: Option<&str>| {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri("/departments")
            .header(header::HOST, "crm.example")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        builder.body(Body::from(body)).expect("request")
    };

    let forged = t
        .send(form(
            "name=Forged&parent_id=1".into(),
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let no_token = t.send(form("name=Forged&parent_id=1".into(), None)).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);

    let token = page_csrf(&t, &cookie).await;
    let other_origin = t
        .send(form(
            format!("_csrf={token}&name=Forged&parent_id=1"),
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(other_origin.status, StatusCode::FORBIDDEN);

    let admin = t.admin().await;
    let names: Vec<String> = t.get("/api/v1/departments", &admin).await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!names.contains(&"Forged".to_string()));

    let genuine = t
        .send(form(
            format!("_csrf={token}&name=Genuine&parent_id=1"),
            Some("http://crm.example"),
        ))
        .await;
    assert_eq!(genuine.status, StatusCode::SEE_OTHER, "{}", genuine.text);
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let t = TestApp::new().await;
    let first = t.admin().await;
    let second = t.admin().await;
    let wrong = t
        .post(
            "/api/v1/auth/password",
            &first,
            json!({ "current_password": "nope", "new_password": "another-password" }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.body["errors"][0]["field"], "current_password");
    let changed = t
        .post(
            "/api/v1/auth/password",
            &first,
            json!({ "current_password": PASSWORD, "new_password": "another-password" }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    assert_eq!(
        t.get("/api/v1/auth/me", &first).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/api/v1/auth/me", &second).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.try_login(ADMIN_PHONE, "another-password").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn signing_out_ends_the_token() {
    let t = TestApp::new().await;
    let token = t.admin().await;
    let out = t
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get("/api/v1/auth/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}
