//! The pages render for a signed-in user in each language, and forms keep
//! what was typed when they are refused.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page};

#[tokio::test]
async fn the_organisation_pages_render_in_every_language() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for (lang, word) in [
        ("en", "Departments"),
        ("zh-Hant", "部門"),
        ("zh-Hans", "部门"),
    ] {
        for path in [
            "/profile",
            "/departments",
            "/departments/1",
            "/users",
            "/users/new",
            "/users/1",
            "/users/1/edit",
            "/roles",
            "/roles/new",
            "/roles/1",
            "/roles/2",
            "/search?q=Admin",
            "/customers",
            "/customers/new",
            "/customers/import",
            "/leads",
            "/contacts",
            "/leads/new",
            "/pool",
        ] {
            let (status, html) = page(&t, &cookie, path, lang).await;
            assert_eq!(status, StatusCode::OK, "{path} in {lang}");
            assert!(html.contains(word), "{path} in {lang} lacks {word}");
            assert!(
                raw_key(&html).is_none(),
                "{path} in {lang} shows the message key {:?}",
                raw_key(&html)
            );
        }
    }
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_the_sign_in_page() {
    let t = TestApp::new().await;
    let answer = t
        .send(
            Request::builder()
                .uri("/users")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers[header::LOCATION], "/login?next=%2Fusers");
    let login = t
        .send(
            Request::builder()
                .uri("/login")
                .header(header::ACCEPT_LANGUAGE, "zh-TW")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(login.text.contains("登入"));
}

#[tokio::test]
async fn a_refused_form_shows_the_error_beside_the_field_and_keeps_the_input() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=%E7%8E%8B%E5%B0%8F%E6%98%8E&phone=12&password=password-9&email=wang%40example.com&department_id=1"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/users")
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.text.contains("Phone must be 6 to 20 digits"));
    assert!(answer.text.contains("value=\"王小明\""));
    assert!(answer.text.contains("value=\"wang@example.com\""));
}

/// A text between tags that is a message key (`customers.title`), if any.
pub(crate) fn raw_key(html: &str) -> Option<String> {
    html.split('>')
        .filter_map(|part| part.split('<').next())
        .map(str::trim)
        .find(|text| {
            let mut pieces = text.split('.');
            let looks = text.contains('.')
                && pieces.all(|p| {
                    !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
            looks && !text.ends_with(".com")
        })
        .map(str::to_string)
}
