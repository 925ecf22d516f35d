//! Schedule events with participants, who see them and cannot change them,
//! and reminders the background worker sends once per person and time.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{TestApp, page, post_form};
use crate::lists::team;
use crate::sales_fixtures::{create, first_error};

const MARCH: &str = "/api/v1/events?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z";

/// The event reminders among a user's notifications.
async fn reminders(t: &TestApp, token: &str) -> Vec<Value> {
    let answer = t.get("/api/v1/notifications", token).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n["kind"] == "event_reminder")
        .collect()
}

#[tokio::test]
async fn a_participant_sees_the_event_read_only_and_an_outsider_finds_nothing() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let (manager_id, manager) = &team.manager;
    let (south_id, south) = &team.south;
    let customer = create(
        &t,
        north,
        "/api/v1/customers",
        json!({ "name": "Harbour Co" }),
    )
    .await;

    // Bad choices are refused, naming the field.
    let body = |extra: Value| {
        let mut event = json!({ "title": "Site visit", "starts_at": "2026-03-10T02:00:00Z" });
        for (key, value) in extra.as_object().expect("object") {
            event[key] = value.clone();
        }
        event
    };
    for (extra, field) in [
        (json!({ "remind_minutes": 7 }), "remind_minutes"),
        (json!({ "participants": [999_999] }), "participants"),
        (json!({ "participants": [team.north.0] }), "participants"),
    ] {
        let refused = t.post("/api/v1/events", north, body(extra)).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(
            first_error(&refused),
            (field.into(), "invalid_choice".into())
        );
    }

    let made = t
        .post(
            "/api/v1/events",
            north,
            body(json!({
                "participants": [manager_id],
                "remind_minutes": 30,
                "related_kind": "customer",
                "related_id": customer,
            })),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["mine"], true);
    assert_eq!(made.body["remind_minutes"], 30);
    assert_eq!(made.body["participants"][0]["id"], *manager_id);
    let id = made.body["id"].as_i64().expect("id");
    let path = format!("/api/v1/events/{id}");

    // The participant sees it in their schedule and on its own.
    let theirs = t.get(MARCH, manager).await;
    let events = theirs.body["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{}", theirs.text);
    assert_eq!(events[0]["id"], id);
    assert_eq!(events[0]["mine"], false);
    let one = t.get(&path, manager).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.body["owner_name"], made.body["owner_name"]);
    // ... and may not change or delete it.
    let edit = t
        .patch(&path, manager, json!({ "title": "Mine now" }))
        .await;
    assert_eq!(edit.status, 403, "{}", edit.text);
    let delete = t.call(Method::DELETE, &path, Some(manager), None).await;
    assert_eq!(delete.status, 403, "{}", delete.text);
    assert_eq!(t.get(&path, north).await.body["title"], "Site visit");

    // Someone not on it finds nothing.
    assert_eq!(t.get(&path, south).await.status, 404);
    assert_eq!(t.get(MARCH, south).await.body["events"], json!([]));
    assert_eq!(
        t.patch(&path, south, json!({ "title": "x" })).await.status,
        404
    );

    // Taken off the event, the participant no longer sees it.
    let moved = t
        .patch(&path, north, json!({ "participants": [south_id] }))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(t.get(&path, manager).await.status, 404);
    assert_eq!(t.get(&path, south).await.status, 200);

    // The participant's pages: the schedule lists it; the event reads only.
    let cookie = page_session(&t, "0986000003").await;
    for lang in ["en", "zh-Hant", "zh-Hans"] {
        let (status, html) = page(&t, &cookie, "/schedule?view=day&date=2026-03-10", lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Site visit"), "{lang}");
        let (status, html) = page(&t, &cookie, &format!("/schedule/{id}"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !html.contains("name=\"title\""),
            "no form for a participant"
        );
        assert!(!html.contains("/delete\""), "no delete for a participant");
        assert!(!html.contains("life4."), "{lang} shows a message key");
    }
}

#[tokio::test]
async fn the_event_form_takes_participants_and_a_reminder() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let (manager_id, _) = &team.manager;
    let cookie = page_session(&t, "0986000002").await;
    let csrf = page_csrf(&t, &cookie).await;

    let (status, html) = page(&t, &cookie, "/schedule/new?date=2026-03-10", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"participants\""));
    assert!(html.contains("30 minutes before"));

    let bad = format!(
        "_csrf={csrf}&title=Demo&date=2026-03-10&start=10:00&remind=45&participants={manager_id}"
    );
    let (status, html) = post_form(&t, &cookie, "/schedule", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Reminder has a value that is not one of the choices"),
        "{html}"
    );
    assert!(html.contains("value=\"Demo\""), "what was typed stays");

    let good = format!(
        "_csrf={csrf}&title=Demo&date=2026-03-10&start=10:00&remind=30&participants={manager_id}"
    );
    let (status, _) = post_form(&t, &cookie, "/schedule", good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let events = t.get(MARCH, north).await.body["events"].clone();
    assert_eq!(events[0]["title"], "Demo");
    assert_eq!(events[0]["remind_minutes"], 30);
    assert_eq!(events[0]["participants"][0]["id"], *manager_id);
}

#[tokio::test]
async fn a_reminder_goes_to_everyone_once_and_a_new_time_arms_it_again() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let (manager_id, manager) = &team.manager;
    let (_, south) = &team.south;
    // The clock stands at 2026-03-02 09:00 UTC.
    let made = t
        .post(
            "/api/v1/events",
            north,
            json!({ "title": "Board call", "starts_at": "2026-03-02T10:00:00Z",
                    "remind_minutes": 15, "participants": [manager_id] }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    // Made after it began, an event is not reminded of.
    let late = t
        .post(
            "/api/v1/events",
            north,
            json!({ "title": "Already on", "starts_at": "2026-03-02T08:00:00Z", "remind_minutes": 0 }),
        )
        .await;
    assert_eq!(late.status, 201, "{}", late.text);

    t.app.run_due_jobs("a").await.expect("ran");
    assert!(reminders(&t, north).await.is_empty(), "not due yet");

    t.clock.advance(Duration::minutes(46));
    t.app.run_due_jobs("a").await.expect("ran");
    t.app.run_due_jobs("b").await.expect("ran again");
    for token in [north, manager] {
        let told = reminders(&t, token).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0]["record_kind"], "event");
        assert_eq!(told[0]["record_id"], id);
        assert_eq!(told[0]["params"]["title"], "Board call");
    }
    assert!(reminders(&t, south).await.is_empty());
    let path = format!("/api/v1/events/{id}");
    let sent = t.get(&path, north).await;
    assert!(sent.body["reminded_at"].is_string(), "{}", sent.text);

    // A new title keeps it sent; a new time arms it again.
    let renamed = t
        .patch(&path, north, json!({ "title": "Board call (2)" }))
        .await;
    assert!(renamed.body["reminded_at"].is_string(), "{}", renamed.text);
    t.app.run_due_jobs("a").await.expect("ran");
    assert_eq!(reminders(&t, north).await.len(), 1);
    let moved = t
        .patch(&path, north, json!({ "starts_at": "2026-03-02T11:00:00Z" }))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert!(moved.body["reminded_at"].is_null(), "{}", moved.text);
    t.app.run_due_jobs("a").await.expect("ran");
    assert_eq!(reminders(&t, north).await.len(), 1, "not due again yet");
    t.clock.advance(Duration::minutes(60));
    t.app.run_due_jobs("a").await.expect("ran");
    t.app.run_due_jobs("b").await.expect("ran again");
    assert_eq!(reminders(&t, north).await.len(), 2);
    assert_eq!(reminders(&t, manager).await.len(), 2);

    // The inbox words it and opens the event.
    let cookie = page_session(&t, "0986000001").await;
    let (status, html) = page(&t, &cookie, "/notifications", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Board call (2) starts at 2026-03-02"),
        "{html}"
    );
    let told = reminders(&t, manager).await;
    let open = format!("/notifications/{}/open", told[0]["id"]);
    let request = Request::builder()
        .uri(&open)
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    let answer = t.send(request).await;
    let location = answer.headers.get(header::LOCATION).expect("a redirect");
    assert_eq!(location, &format!("/schedule/{id}"));
}
