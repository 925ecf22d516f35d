//! The pool pages as a browser uses them: the pools as tabs, moving from
//! the list, and the settings form that keeps what was typed when refused.

use axum::http::StatusCode;
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::pages::raw_key;
use crate::pool_fixtures::{first_pool, owned_customer, pool, release, top_department, where_is};

#[tokio::test]
async fn the_pool_pages_render_in_every_language() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = first_pool(&t, &admin).await;
    let second = pool(&t, &admin, json!({ "name": "Second pool" })).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for lang in ["en", "zh-Hant", "zh-Hans"] {
        for path in [
            "/pool".to_string(),
            format!("/pool?pool={second}"),
            "/pool/recycling".to_string(),
            "/settings/pools".to_string(),
            format!("/settings/pools/{first}"),
        ] {
            let (status, html) = page(&t, &cookie, &path, lang).await;
            assert_eq!(status, StatusCode::OK, "{path} in {lang}");
            assert!(
                raw_key(&html).is_none(),
                "{path} in {lang} shows the message key {:?}",
                raw_key(&html)
            );
        }
    }
    let (_, html) = page(&t, &cookie, "/pool", "en").await;
    assert!(
        html.contains(&format!("href=\"/pool?pool={second}\"")),
        "the tabs"
    );
}

#[tokio::test]
async fn customers_are_moved_from_the_pool_page() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = first_pool(&t, &admin).await;
    let second = pool(&t, &admin, json!({ "name": "Second pool" })).await;
    let id = owned_customer(&t, &admin, json!({ "name": "Mover Co" })).await;
    release(&t, &admin, id, Some(first)).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, html) = page(&t, &cookie, &format!("/pool?pool={first}"), "en").await;
    assert!(html.contains("formaction=\"/pool/move\""), "{html}");

    let form = format!("_csrf={csrf}&pool_id={first}&ids={id}&to_pool_id=");
    let (status, html) = post_form(&t, &cookie, "/pool/move", form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Pool to move to"), "{html}");

    let form = format!("_csrf={csrf}&pool_id={first}&ids={id}&to_pool_id={second}");
    let (status, location) = post_form(&t, &cookie, "/pool/move", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("/pool?pool={first}&done=moved"));
    assert_eq!(where_is(&t, id).await, (None, Some(second)));
}

#[tokio::test]
async fn the_settings_form_keeps_what_was_typed_and_names_each_bad_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = first_pool(&t, &admin).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let path = format!("/settings/pools/{first}");
    let bad = format!(
        "_csrf={csrf}&name=Everyone&per_day=-3&per_week=12&per_month=&reclaim_wait_days=30\
         &owned_cap=&remind_days=2&recycle_kind=no_follow_up&recycle_days=0\
         &recycle_kind=&recycle_days=14&recycle_kind=&recycle_days="
    );
    let (status, html) = post_form(&t, &cookie, &path, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The rule without a kind is named by its row; the others wait their turn.
    assert!(html.contains("value=\"14\""), "{html}");
    assert!(html.contains("value=\"12\""));
    assert!(html.contains("When is required."), "{html}");

    let bad = format!(
        "_csrf={csrf}&name=Everyone&per_day=-3&per_week=12&reclaim_wait_days=30\
         &remind_days=2&recycle_kind=no_follow_up&recycle_days=0"
    );
    let (status, html) = post_form(&t, &cookie, &path, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Claims per day must be between 0 and 100000."),
        "{html}"
    );
    assert!(html.contains("Days must be more than 0."), "{html}");
    assert!(html.contains("value=\"-3\""));
    assert!(html.contains("value=\"30\""));

    let top = top_department(&t, &admin).await;
    let good = format!(
        "_csrf={csrf}&name=Everyone&member_department={top}&per_day=3&per_week=12\
         &reclaim_wait_days=30&remind_days=2&recycle_kind=no_follow_up&recycle_days=30\
         &won_exempt=1"
    );
    let (status, location) = post_form(&t, &cookie, &path, good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let saved = t.get(&format!("/api/v1/pools/{first}"), &admin).await;
    assert_eq!(saved.body["name"], "Everyone");
    assert_eq!(saved.body["rules"]["limits"]["per_day"], 3);
    assert_eq!(saved.body["rules"]["recycle"][0]["days"], 30);
    assert_eq!(saved.body["rules"]["won_exempt"], true);
    assert_eq!(saved.body["member_departments"][0]["id"], top);
    let (_, html) = page(&t, &cookie, "/pool", "en").await;
    assert!(html.contains("Claim at most 3 a day, 12 a week"), "{html}");
}
