//! A payment's or a request's save that met a newer version is shown side
//! by side with what the other person saved; saving over keeps their
//! changes to the fields the user did not touch.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session_as};
use crate::helpers::{PASSWORD, TestApp, page, post_form, urlencode};
use crate::sales_fixtures::{contract, create, customer, sales_team, submit};

/// The value of the form's field `name` (an input's value, a textarea's
/// text), as the page holds it.
fn field(html: &str, name: &str) -> String {
    let unescape = |text: &str| {
        text.replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name}"));
    let start = html[..at].rfind('<').expect("tag");
    let end = at + html[at..].find('>').expect("tag end");
    let tag = &html[start..end];
    if tag.starts_with("<textarea") {
        let close = html[end..].find("</textarea>").expect("textarea") + end;
        return unescape(&html[end + 1..close]);
    }
    let value = tag.find("value=\"").map(|v| v + 7).unwrap_or(tag.len());
    let rest = &tag[value.min(tag.len())..];
    unescape(&rest[..rest.find('"').unwrap_or(0)])
}

fn form(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The part of the page between the conflict box's start and its end.
fn conflict_box(html: &str) -> &str {
    let start = html.find("class=\"conflict span2\"").expect("conflict box");
    let end = html[start..].find("row-actions").expect("actions") + start;
    &html[start..end]
}

#[tokio::test]
async fn a_stale_payment_shows_their_changes_beside_mine_and_saving_over_keeps_theirs() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "華碩").await;
    let id = contract(&t, rep, client, "10000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "1000", "notes": "first" }),
    )
    .await;
    let cookie = page_session_as(&t, "0971000002", PASSWORD).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, edit) = page(&t, &cookie, &format!("/payments/{payment}/edit"), "en").await;
    let read = field(&edit, "_read");
    assert!(read.contains("\"notes\":\"first\""), "{read}");

    // Meanwhile the same draft gets another date and note.
    let theirs = t
        .put(
            &format!("/api/v1/payments/{payment}"),
            rep,
            json!({ "received_on": "2026-03-01", "notes": "wire ref 42", "version": 1 }),
        )
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);

    // I change the amount only.
    let mine = |version: String, read: String, received_on: String, notes: String| {
        form(&[
            ("_csrf", csrf.clone()),
            ("version", version),
            ("_read", read),
            ("contract_id", id.to_string()),
            ("received_on", received_on),
            ("amount", "2000".into()),
            ("notes", notes),
        ])
    };
    let sent = mine("1".into(), read, "2026-03-02".into(), "first".into());
    let path = format!("/payments/{payment}");
    let (status, html) = post_form(&t, &cookie, &path, sent).await;
    assert_eq!(status, 409, "{html}");
    let shown = conflict_box(&html);
    assert!(shown.contains("wire ref 42"), "{shown}");
    assert!(shown.contains("2026-03-01"), "{shown}");
    assert!(!shown.contains("2000"), "my own change is no row: {shown}");
    assert!(html.contains(&format!("href=\"/payments/{payment}/edit\"")));
    // The form holds my amount and their date and note, on their version.
    assert_eq!(field(&html, "amount"), "2000");
    assert_eq!(field(&html, "received_on"), "2026-03-01");
    assert_eq!(field(&html, "notes"), "wire ref 42");
    assert_eq!(field(&html, "version"), "2");

    // Saving over keeps their changes and mine.
    let again = mine(
        field(&html, "version"),
        field(&html, "_read"),
        field(&html, "received_on"),
        field(&html, "notes"),
    );
    let (status, location) = post_form(&t, &cookie, &path, again).await;
    assert_eq!(status, 303, "{location}");
    let saved = t.get(&format!("/api/v1/payments/{payment}"), rep).await;
    assert_eq!(saved.body["amount"], 200_000);
    assert_eq!(saved.body["notes"], "wire ref 42");
    assert_eq!(saved.body["received_on"], "2026-03-01");
}

#[tokio::test]
async fn a_field_both_changed_keeps_mine_and_says_so() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "宏碁").await;
    let id = contract(&t, rep, client, "10000").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2026-03-02", "amount": "1000", "notes": "first" }),
    )
    .await;
    let cookie = page_session_as(&t, "0971000002", PASSWORD).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, edit) = page(&t, &cookie, &format!("/payments/{payment}/edit"), "zh-Hant").await;
    let read = field(&edit, "_read");
    let theirs = t
        .put(
            &format!("/api/v1/payments/{payment}"),
            rep,
            json!({ "notes": "theirs", "version": 1 }),
        )
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    let sent = form(&[
        ("_csrf", csrf),
        ("version", "1".into()),
        ("_read", read),
        ("contract_id", id.to_string()),
        ("received_on", "2026-03-02".into()),
        ("amount", "1000".into()),
        ("notes", "mine".into()),
    ]);
    let (status, html) = crate::helpers::post_form_in(
        &t,
        &cookie,
        &format!("/payments/{payment}"),
        sent,
        "zh-Hant",
    )
    .await;
    assert_eq!(status, 409);
    let shown = conflict_box(&html);
    assert!(shown.contains("conflict-both"), "{shown}");
    assert!(
        shown.contains("theirs") && shown.contains("mine"),
        "{shown}"
    );
    assert_eq!(field(&html, "notes"), "mine");
}

fn leave_form() -> Value {
    json!({
        "kind": "leave",
        "name": "請假",
        "fields": [
            { "key": "days", "label": "天數", "field_type": "number", "required": true },
            { "key": "note", "label": "說明", "field_type": "long_text" }
        ]
    })
}

#[tokio::test]
async fn a_stale_request_shows_their_changes_and_saving_over_keeps_them() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let kind = t
        .put("/api/v1/requests/kinds", &team.admin, leave_form())
        .await;
    assert!(kind.status.is_success(), "{}", kind.text);
    let made = t
        .post(
            "/api/v1/requests",
            rep,
            json!({ "kind": "leave", "title": "三月休假", "fields": { "days": "2", "note": "家庭旅遊" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let cookie = page_session_as(&t, "0971000002", PASSWORD).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, edit) = page(&t, &cookie, &format!("/requests/{id}/edit"), "zh-Hant").await;
    let read = field(&edit, "_read");

    let theirs = t
        .put(
            &format!("/api/v1/requests/{id}"),
            rep,
            json!({ "kind": "leave", "title": "三月休假", "fields": { "days": "3", "note": "家庭旅遊" }, "version": 1 }),
        )
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);

    let mine = |version: String, read: String, days: String| {
        form(&[
            ("_csrf", csrf.clone()),
            ("kind", "leave".into()),
            ("version", version),
            ("_read", read),
            ("title", "三月休假（改）".into()),
            ("custom.days", days),
            ("custom.note", "家庭旅遊".into()),
        ])
    };
    let path = format!("/requests/{id}");
    let (status, html) = crate::helpers::post_form_in(
        &t,
        &cookie,
        &path,
        mine("1".into(), read, "2".into()),
        "zh-Hant",
    )
    .await;
    assert_eq!(status, 409, "{html}");
    let shown = conflict_box(&html);
    assert!(shown.contains("天數"), "named by its label: {shown}");
    assert!(shown.contains('3'), "{shown}");
    assert!(!shown.contains("（改）"), "{shown}");
    assert_eq!(field(&html, "custom.days"), "3");
    assert_eq!(field(&html, "title"), "三月休假（改）");

    let again = mine(
        field(&html, "version"),
        field(&html, "_read"),
        field(&html, "custom.days"),
    );
    let (status, location) = post_form(&t, &cookie, &path, again).await;
    assert_eq!(status, 303, "{location}");
    let saved = t.get(&format!("/api/v1/requests/{id}"), rep).await;
    assert_eq!(saved.body["title"], "三月休假（改）");
    assert_eq!(saved.body["fields"]["days"], "3", "{}", saved.text);
}
