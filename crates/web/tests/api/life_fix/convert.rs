//! A lead's schedule goes with it when it becomes a customer: its open
//! events (its next contact among them) and its next contact time; a done
//! event stays with the lead it was about.

use serde_json::json;

use crate::helpers::TestApp;

const MARCH: &str = "/api/v1/events?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z";

async fn lead_with_next_contact(t: &TestApp, admin: &str, name: &str, at: &str) -> i64 {
    let lead = t
        .post("/api/v1/leads", admin, json!({ "name": name }))
        .await;
    assert_eq!(lead.status, 201, "{}", lead.text);
    let id = lead.body["id"].as_i64().expect("id");
    let note = t
        .post(
            &format!("/api/v1/leads/{id}/follow-ups"),
            admin,
            json!({ "content": "Met at the fair", "next_contact_at": at }),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    id
}

#[tokio::test]
async fn a_converted_lead_s_next_contact_is_the_customer_s() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let lead =
        lead_with_next_contact(&t, &admin, "Schedule Lead Ltd", "2026-03-09T02:00:00Z").await;
    // A meeting already held stays with the lead.
    let held = t
        .post(
            "/api/v1/events",
            &admin,
            json!({ "title": "First meeting", "starts_at": "2026-03-02T01:00:00Z", "related_kind": "lead", "related_id": lead }),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.text);
    let held_id = held.body["id"].as_i64().expect("event id");
    let done = t
        .patch(
            &format!("/api/v1/events/{held_id}"),
            &admin,
            json!({ "done": true }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);

    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [lead] }))
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    let customer = converted.body[0]["customer_id"].as_i64().expect("customer");

    let schedule = t.get(MARCH, &admin).await;
    let events = schedule.body["events"].as_array().expect("events");
    let next = events
        .iter()
        .find(|e| e["next_contact"] == true)
        .unwrap_or_else(|| panic!("{}", schedule.text));
    assert_eq!(next["related_kind"], "customer", "{next}");
    assert_eq!(next["related_id"], customer, "{next}");
    assert_eq!(next["related_name"], "Schedule Lead Ltd");
    let meeting = events
        .iter()
        .find(|e| e["id"] == held_id)
        .expect("the held meeting");
    assert_eq!(meeting["related_kind"], "lead", "{meeting}");

    let detail = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    assert_eq!(
        detail.body["next_contact_at"], "2026-03-09T02:00:00Z",
        "{}",
        detail.text
    );
}

#[tokio::test]
async fn a_lead_joining_a_customer_brings_an_earlier_next_contact() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let existing = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Joined Co", "next_contact_at": "2026-03-20T02:00:00Z" }),
        )
        .await;
    assert_eq!(existing.status, 201, "{}", existing.text);
    let customer = existing.body["id"].as_i64().expect("id");
    let lead = lead_with_next_contact(&t, &admin, "Joined Co", "2026-03-10T02:00:00Z").await;
    let converted = t
        .post(
            "/api/v1/leads/convert",
            &admin,
            json!({ "ids": [lead], "on_duplicate": "link", "customer_id": customer }),
        )
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    assert_eq!(
        converted.body[0]["customer_id"], customer,
        "{}",
        converted.text
    );
    let detail = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    assert_eq!(
        detail.body["next_contact_at"], "2026-03-10T02:00:00Z",
        "{}",
        detail.text
    );
    let schedule = t.get(MARCH, &admin).await;
    let next = schedule.body["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["next_contact"] == true)
        .cloned()
        .unwrap_or_else(|| panic!("{}", schedule.text));
    assert_eq!(next["related_kind"], "customer", "{next}");
    assert_eq!(next["related_id"], customer, "{next}");
}
