//! A list asked for a view it does not have shows its default view with a
//! note; a claim or an assignment of a customer already owned says so; a
//! read-only team member who edits is told the record is read only.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, page};
use crate::pool_fixtures::{first_pool, owned_customer, rep, rep_role, top_department};

#[tokio::test]
async fn a_list_asked_for_an_unknown_view_shows_its_default_view_with_a_note() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    owned_customer(&t, &admin, json!({ "name": "Northwind" })).await;
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    for list in [
        "/customers",
        "/leads",
        "/contacts",
        "/opportunities",
        "/contracts",
        "/payments",
    ] {
        let (status, html) = page(&t, &cookie, &format!("{list}?view=bogus"), "en").await;
        assert_eq!(status, 200, "{list}: {html}");
        assert!(
            html.contains("This list has no view “bogus”"),
            "{list}: {html}"
        );
        let (status, html) = page(&t, &cookie, &format!("{list}?view=mine"), "en").await;
        assert_eq!(status, 200, "{list}: {html}");
        assert!(!html.contains("This list has no view"), "{list}: {html}");
    }
    let (_, html) = page(&t, &cookie, "/customers?view=bogus", "zh-Hant").await;
    assert!(html.contains("此列表沒有「bogus」檢視"), "{html}");
    assert!(html.contains("Northwind"), "the list is shown: {html}");

    // The API names the parameter.
    let refused = t.get("/api/v1/customers?view=bogus", &admin).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["errors"][0]["field"], "view",
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn claiming_or_assigning_a_customer_already_owned_says_so() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = rep_role(&t, &admin).await;
    let top = top_department(&t, &admin).await;
    let (rep_id, rep_token) = rep(&t, &admin, "0962000001", top, role).await;
    let pool = first_pool(&t, &admin).await;
    let own = owned_customer(&t, &rep_token, json!({ "name": "Mine Co" })).await;

    let claimed = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &rep_token,
            json!({ "ids": [own] }),
        )
        .await;
    assert_eq!(claimed.status, 422, "{}", claimed.text);
    assert_eq!(claimed.body["errors"][0]["code"], "claim_owned");
    assert!(
        claimed.text.contains("you own it already"),
        "{}",
        claimed.text
    );

    let assigned = t
        .post(
            &format!("/api/v1/pools/{pool}/assign"),
            &admin,
            json!({ "ids": [own], "user_id": rep_id }),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.text);
    assert_eq!(assigned.body["owned"], json!([own]), "{}", assigned.text);
    assert_eq!(assigned.body["taken"], json!([]), "{}", assigned.text);
}

#[tokio::test]
async fn a_read_only_team_member_who_edits_is_told_the_record_is_read_only() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = rep_role(&t, &admin).await;
    let top = top_department(&t, &admin).await;
    let (_, owner) = rep(&t, &admin, "0962000011", top, role).await;
    let (reader_id, reader) = rep(&t, &admin, "0962000012", top, role).await;
    let id = owned_customer(&t, &owner, json!({ "name": "Read Co" })).await;
    let member = json!({ "user_id": reader_id, "can_write": false });
    let added = t
        .post(&format!("/api/v1/customers/{id}/team"), &admin, member)
        .await;
    assert!(added.status.is_success(), "{}", added.text);

    let seen = t.get(&format!("/api/v1/customers/{id}"), &reader).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    let body = json!({ "name": "Renamed", "version": seen.body["version"] });
    let saved = t
        .patch(&format!("/api/v1/customers/{id}"), &reader, body)
        .await;
    assert_eq!(saved.status, 403, "{}", saved.text);
    assert_eq!(saved.body["code"], "record_read_only", "{}", saved.text);
    assert!(saved.text.contains("read only"), "{}", saved.text);
    let still = t.get(&format!("/api/v1/customers/{id}"), &owner).await;
    assert_eq!(still.body["name"], "Read Co");

    // The edit page says so too.
    let cookie = crate::auth::page_session_as(&t, "0962000012", PASSWORD).await;
    let (status, html) = page(&t, &cookie, &format!("/customers/{id}/edit"), "zh-Hant").await;
    assert_eq!(status, 403, "{html}");
    assert!(html.contains("唯讀權限"), "{html}");
}

#[tokio::test]
async fn a_view_its_list_would_open_with_a_note_is_not_saved() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (kind, query, said) in [
        ("customer", "sort=colour", "cannot be sorted by “colour”"),
        ("contract", "view=bogus", "no view “bogus”"),
        ("lead", "view=nobody", "no view “nobody”"),
    ] {
        let body = json!({ "kind": kind, "name": "odd", "query": query });
        let refused = t.post("/api/v1/views", &admin, body).await;
        assert_eq!(refused.status, 422, "{kind}: {}", refused.text);
        let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains(said), "{kind}: {message}");
    }
    let body = json!({ "kind": "contract", "name": "Mine", "query": "view=mine&sort=amount" });
    let saved = t.post("/api/v1/views", &admin, body).await;
    assert_eq!(saved.status, 201, "{}", saved.text);
}
