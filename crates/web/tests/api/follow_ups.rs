//! Follow-ups with what they name and their files, the schedule events
//! their next contact times make, and events that are their owner's alone.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{TestApp, page, post_multipart};
use crate::lists::team;
use crate::sales_fixtures::{create, first_error};

#[tokio::test]
async fn a_follow_up_file_is_fetched_only_by_those_who_see_the_record() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let (_, south) = &team.south;
    let (_, manager) = &team.manager;
    let id = create(
        &t,
        north,
        "/api/v1/customers",
        json!({ "name": "Files Co" }),
    )
    .await;

    let cookie = page_session(&t, "0986000002").await;
    let csrf = page_csrf(&t, &cookie).await;
    let path = format!("/customers/{id}/follow-ups");
    let fields = [("content", "Sent the quotation"), ("method_id", "")];
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let refused = post_multipart(
        &t,
        (&cookie, &csrf),
        &path,
        &fields,
        &[("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff")],
    )
    .await;
    assert_eq!(refused.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.1.contains("Sent the quotation"),
        "keeps what was typed"
    );
    let (status, location) =
        post_multipart(&t, (&cookie, &csrf), &path, &fields, &[("報價單.png", png)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");

    let detail = t.get(&format!("/api/v1/customers/{id}"), north).await;
    let follow_up = &detail.body["follow_ups"][0];
    assert_eq!(follow_up["attachments"][0]["file_name"], "報價單.png");
    let file = follow_up["attachments"][0]["id"].as_i64().expect("file id");
    let follow_up = follow_up["id"].as_i64().expect("follow-up id");
    let (_, html) = page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert!(html.contains(&format!("/api/v1/attachments/{file}")));

    // The author and their manager fetch it; a rep of another department,
    // who cannot see the customer, finds nothing.
    let file_path = format!("/api/v1/attachments/{file}");
    let got = t.get(&file_path, north).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(t.get(&file_path, manager).await.status, 200);
    let outside = t.get(&file_path, south).await;
    assert_eq!(outside.status, 404);
    assert_eq!(outside.body["code"], "not_found");

    // Through the API a file goes onto one's own follow-up only.
    let upload = |token: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(format!(
                "/api/v1/follow-ups/{follow_up}/attachments?name=notes.txt"
            ))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from("會議紀錄"))
            .expect("request")
    };
    assert_eq!(t.send(upload(north)).await.status, 201);
    assert_eq!(t.send(upload(south)).await.status, 404);
    assert_eq!(t.send(upload(manager)).await.status, 403);
}

#[tokio::test]
async fn a_follow_up_names_only_contacts_and_opportunities_of_its_customer() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let ours = create(&t, north, "/api/v1/customers", json!({ "name": "Ours" })).await;
    let other = create(&t, north, "/api/v1/customers", json!({ "name": "Other" })).await;
    let contact = |customer: i64, name: &str| json!({ "customer_id": customer, "name": name });
    let our_contact = create(&t, north, "/api/v1/contacts", contact(ours, "Wang")).await;
    let their_contact = create(&t, north, "/api/v1/contacts", contact(other, "Lin")).await;
    let deal = |customer: i64| json!({ "name": "Deal", "customer_id": customer });
    let our_deal = create(&t, north, "/api/v1/opportunities", deal(ours)).await;
    let their_deal = create(&t, north, "/api/v1/opportunities", deal(other)).await;
    let path = format!("/api/v1/customers/{ours}/follow-ups");

    let wrong_contact = t
        .post(
            &path,
            north,
            json!({ "content": "Call", "contact_ids": [our_contact, their_contact] }),
        )
        .await;
    assert_eq!(wrong_contact.status, 422);
    assert_eq!(
        first_error(&wrong_contact),
        ("contact_ids".into(), "not_of_customer".into())
    );
    assert!(
        wrong_contact.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Contacts"),
        "{}",
        wrong_contact.text
    );
    let wrong_deal = t
        .post(
            &path,
            north,
            json!({ "content": "Call", "opportunity_ids": [their_deal] }),
        )
        .await;
    assert_eq!(
        first_error(&wrong_deal),
        ("opportunity_ids".into(), "not_of_customer".into())
    );
    let unseen = t
        .post(
            &path,
            north,
            json!({ "content": "Call", "contact_ids": [999_999] }),
        )
        .await;
    assert_eq!(
        first_error(&unseen),
        ("contact_ids".into(), "invalid_choice".into())
    );

    let good = t
        .post(
            &path,
            north,
            json!({ "content": "Call", "contact_ids": [our_contact], "opportunity_ids": [our_deal] }),
        )
        .await;
    assert_eq!(good.status, 201, "{}", good.text);
    let links = good.body["links"].as_array().expect("links");
    assert_eq!(links.len(), 2);
    assert!(
        links
            .iter()
            .any(|l| l["kind"] == "contact" && l["name"] == "Wang")
    );
    assert!(
        links
            .iter()
            .any(|l| l["kind"] == "opportunity" && l["id"] == our_deal)
    );
}

#[tokio::test]
async fn a_next_contact_time_makes_an_event_and_the_next_one_moves_it() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let id = create(
        &t,
        north,
        "/api/v1/customers",
        json!({ "name": "Schedule Co" }),
    )
    .await;
    let path = format!("/api/v1/customers/{id}/follow-ups");
    let week = "/api/v1/events?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z";

    let first = t
        .post(
            &path,
            north,
            json!({ "content": "Intro call", "next_contact_at": "2026-03-05T02:00:00Z" }),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let schedule = t.get(week, north).await;
    let events = schedule.body["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{}", schedule.text);
    assert_eq!(events[0]["starts_at"], "2026-03-05T02:00:00Z");
    assert_eq!(events[0]["next_contact"], true);
    assert_eq!(events[0]["related_kind"], "customer");
    assert_eq!(events[0]["related_id"], id);
    assert_eq!(events[0]["related_name"], "Schedule Co");
    // Held by the event, the customer's next contact is not listed twice.
    assert_eq!(schedule.body["next_contacts"], json!([]));
    let event = events[0]["id"].as_i64().expect("event id");

    t.post(
        &path,
        north,
        json!({ "content": "Sent samples", "next_contact_at": "2026-03-12T06:30:00Z" }),
    )
    .await;
    let schedule = t.get(week, north).await;
    let events = schedule.body["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "moved, not added");
    assert_eq!(events[0]["id"], event);
    assert_eq!(events[0]["starts_at"], "2026-03-12T06:30:00Z");

    // Once done, the next follow-up makes a new one.
    let done = t
        .patch(
            &format!("/api/v1/events/{event}"),
            north,
            json!({ "done": true }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["done"], true);
    t.post(
        &path,
        north,
        json!({ "content": "Visit planned", "next_contact_at": "2026-03-20T01:00:00Z" }),
    )
    .await;
    let schedule = t.get(week, north).await;
    let events = schedule.body["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["starts_at"], "2026-03-20T01:00:00Z");
    assert_eq!(events[1]["done"], false);

    // The schedule page shows it in the month, in every language.
    let cookie = page_session(&t, "0986000002").await;
    for lang in ["en", "zh-Hant", "zh-Hans"] {
        for view in ["month", "week", "day"] {
            let path = format!("/schedule?view={view}&date=2026-03-20");
            let (status, html) = page(&t, &cookie, &path, lang).await;
            assert_eq!(status, StatusCode::OK, "{path} {lang}");
            assert!(html.contains("Schedule Co"), "{path} {lang}");
            for key in ["schedule.", "fields.", "nav.", "lists."] {
                // A key shows as `schedule.title`; a sentence may end in "schedule.".
                let shown = html.match_indices(key).any(|(at, _)| {
                    html[at + key.len()..].starts_with(|c: char| c.is_ascii_lowercase())
                });
                assert!(!shown, "{path} in {lang} shows a message key {key}");
            }
        }
    }
}

#[tokio::test]
async fn events_are_their_owners_and_another_users_are_not_found() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, north) = &team.north;
    let (_, manager) = &team.manager;
    let made = t
        .post(
            "/api/v1/events",
            north,
            json!({ "title": "Trade fair", "starts_at": "2026-03-10T01:00:00Z", "ends_at": "2026-03-10T09:00:00Z" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let backwards = t
        .post(
            "/api/v1/events",
            north,
            json!({ "title": "Oops", "starts_at": "2026-03-10T09:00:00Z", "ends_at": "2026-03-10T01:00:00Z" }),
        )
        .await;
    assert_eq!(
        first_error(&backwards),
        ("ends_at".into(), "ends_before_start".into())
    );

    // Even the manager who sees the rep's records sees none of their events.
    let path = format!("/api/v1/events/{id}");
    assert_eq!(t.get(&path, manager).await.status, 404);
    assert_eq!(
        t.patch(&path, manager, json!({ "title": "Mine now" }))
            .await
            .status,
        404
    );
    assert_eq!(
        t.call(Method::DELETE, &path, Some(manager), None)
            .await
            .status,
        404
    );
    let range = "/api/v1/events?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z";
    assert_eq!(t.get(range, manager).await.body["events"], json!([]));
    let cookie = page_session(&t, "0986000001").await;
    let (status, _) = page(&t, &cookie, &format!("/schedule/{id}"), "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let own = t.get(&path, north).await;
    assert_eq!(own.body["title"], "Trade fair");
    assert_eq!(
        t.call(Method::DELETE, &path, Some(north), None)
            .await
            .status,
        204
    );
    assert_eq!(t.get(&path, north).await.status, 404);
}
