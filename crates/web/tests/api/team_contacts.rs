//! A customer's team reads its contacts (and changes them when the team
//! membership lets them write); a record's new owner is no member of its
//! team, so a later transfer leaves them nothing.

use axum::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, ids};
use crate::sales_fixtures::create;

/// A manager who shares customers, and two reps who each see only their own.
struct Desk {
    manager: String,
    rep: (i64, String),
    other_rep: (i64, String),
}

const WORKING: &[&str] = &[
    "customer.view",
    "customer.create",
    "customer.edit",
    "contact.view",
    "contact.create",
    "contact.edit",
    "contact.export",
    "opportunity.view",
    "opportunity.create",
    "opportunity.edit",
    "follow_up.view",
    "follow_up.create",
    "user.view",
];

fn scopes(scope: &str) -> Value {
    json!({ "customer": { "scope": scope }, "contact": { "scope": scope },
            "opportunity": { "scope": scope }, "user": { "scope": "department" } })
}

async fn desk(t: &TestApp) -> Desk {
    let admin = t.admin().await;
    let rep_role = t.role(&admin, "Contact rep", WORKING, scopes("own")).await;
    let sharing: Vec<&str> = WORKING
        .iter()
        .copied()
        .chain([
            "customer.team",
            "customer.transfer",
            "opportunity.team",
            "opportunity.transfer",
        ])
        .collect();
    let manager_role = t
        .role(
            &admin,
            "Contact manager",
            &sharing,
            scopes("department_and_below"),
        )
        .await;
    let sales = t.department(&admin, "Accounts desk", 1).await;
    let mut people = Vec::new();
    for (phone, role) in [
        ("0973000001", manager_role),
        ("0973000002", rep_role),
        ("0973000003", rep_role),
    ] {
        let id = t
            .user(
                &admin,
                phone,
                json!({ "department_id": sales, "role_ids": [role] }),
            )
            .await;
        people.push((id, t.login(phone, PASSWORD).await));
    }
    let other_rep = people.pop().expect("rep");
    let rep = people.pop().expect("rep");
    let manager = people.pop().expect("manager").1;
    Desk {
        manager,
        rep,
        other_rep,
    }
}

async fn join(t: &TestApp, token: &str, customer: i64, member: Value) {
    let added = t
        .post(&format!("/api/v1/customers/{customer}/team"), token, member)
        .await;
    assert_eq!(added.status, 204, "{}", added.text);
}

fn edit(customer: i64, name: &str, version: &Value) -> Value {
    json!({ "customer_id": customer, "name": name, "version": version })
}

#[tokio::test]
async fn a_customer_team_member_reads_its_contacts_and_writes_only_with_write() {
    let t = TestApp::new().await;
    let desk = desk(&t).await;
    let (member, member_token) = (desk.other_rep.0, desk.other_rep.1.clone());
    let customer = create(
        &t,
        &desk.rep.1,
        "/api/v1/customers",
        json!({ "name": "Umbrella Trading" }),
    )
    .await;
    let mut contacts = Vec::new();
    for name in ["Wesker Albert", "Wong Ada"] {
        let body = json!({ "customer_id": customer, "name": name });
        contacts.push(create(&t, &desk.rep.1, "/api/v1/contacts", body).await);
    }
    // A contact of another customer of the owner's stays out of reach.
    let elsewhere = create(
        &t,
        &desk.rep.1,
        "/api/v1/customers",
        json!({ "name": "Tricell" }),
    )
    .await;
    let hidden = create(
        &t,
        &desk.rep.1,
        "/api/v1/contacts",
        json!({ "customer_id": elsewhere, "name": "Wesker Excella" }),
    )
    .await;
    let path = format!("/api/v1/contacts/{}", contacts[0]);
    assert_eq!(t.get(&path, &member_token).await.status, 404);

    // Read only: the detail, the list (also narrowed to the customer, with
    // the customer's count), a search and an export, but no edit.
    join(&t, &desk.manager, customer, json!({ "user_id": member })).await;
    let seen = t.get(&path, &member_token).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["can_edit"], false, "{}", seen.text);
    let listed = t.get("/api/v1/contacts?sort=id", &member_token).await;
    assert_eq!(ids(&listed), contacts, "{}", listed.text);
    assert_eq!(listed.body["total"], 2);
    let narrowed = t
        .get(
            &format!("/api/v1/contacts?customer_id={customer}"),
            &member_token,
        )
        .await;
    assert_eq!(narrowed.body["total"], 2, "{}", narrowed.text);
    let hidden_path = format!("/api/v1/contacts/{hidden}");
    assert_eq!(t.get(&hidden_path, &member_token).await.status, 404);
    let found = t.get("/api/v1/search?q=wesker", &member_token).await;
    let hits: Vec<(String, i64)> = found.body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter(|h| h["kind"] == "contact")
        .map(|h| {
            (
                h["title"].as_str().unwrap_or("").to_owned(),
                h["id"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        hits,
        [("Wesker Albert".to_owned(), contacts[0])],
        "{}",
        found.text
    );
    let export = t
        .get("/api/v1/contacts/export?format=csv", &member_token)
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert!(export.text.contains("Wong Ada"), "{}", export.text);
    assert!(!export.text.contains("Wesker Excella"), "{}", export.text);
    let version = seen.body["version"].clone();
    let saved = t
        .put(&path, &member_token, edit(customer, "Wesker A.", &version))
        .await;
    assert_eq!(saved.status, 403, "{}", saved.text);
    assert_eq!(saved.body["code"], "record_read_only", "{}", saved.text);
    let written = t
        .post(
            &format!("{path}/follow-ups"),
            &member_token,
            json!({ "content": "Called" }),
        )
        .await;
    assert_eq!(written.status, 409, "{}", written.text);
    assert_eq!(written.body["code"], "team_read_only_record");
    let gone = t
        .call(Method::DELETE, &path, Some(&member_token), None)
        .await;
    assert_ne!(gone.status, 204, "{}", gone.text);
    assert_eq!(
        t.get(&path, &desk.rep.1).await.body["name"],
        "Wesker Albert"
    );

    // Read and write, until the 3rd (the clock stands at 2 March 2026).
    let write = json!({ "user_id": member, "can_write": true, "expires_on": "2026-03-03" });
    join(&t, &desk.manager, customer, write).await;
    let seen = t.get(&path, &member_token).await;
    assert_eq!(seen.body["can_edit"], true, "{}", seen.text);
    let saved = t
        .put(&path, &member_token, edit(customer, "Wesker A.", &version))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["name"], "Wesker A.");

    // Expired: out of sight again.
    t.clock.advance(Duration::days(2));
    assert_eq!(t.get(&path, &member_token).await.status, 404);
    let listed = t.get("/api/v1/contacts", &member_token).await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
}

#[tokio::test]
async fn a_kept_former_owner_reads_the_contacts_left_with_the_new_owner() {
    let t = TestApp::new().await;
    let desk = desk(&t).await;
    let customer = create(
        &t,
        &desk.rep.1,
        "/api/v1/customers",
        json!({ "name": "Cyberdyne" }),
    )
    .await;
    let contact = create(
        &t,
        &desk.rep.1,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "Dyson Miles" }),
    )
    .await;
    let moved = t
        .post(
            "/api/v1/customers/transfer",
            &desk.manager,
            json!({ "ids": [customer], "owner_id": desk.other_rep.0,
                    "keep_former_owner": "read", "with_contacts": true }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let path = format!("/api/v1/contacts/{contact}");
    let seen = t.get(&path, &desk.rep.1).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["owner_id"], desk.other_rep.0);
    assert_eq!(seen.body["can_edit"], false);
    let listed = t.get("/api/v1/contacts", &desk.rep.1).await;
    assert_eq!(ids(&listed), [contact], "{}", listed.text);
}

#[tokio::test]
async fn a_new_owner_leaves_the_team_and_keeps_nothing_after_a_later_transfer() {
    let t = TestApp::new().await;
    let desk = desk(&t).await;
    let (rep, other) = (desk.rep.0, desk.other_rep.0);
    let customer = create(
        &t,
        &desk.rep.1,
        "/api/v1/customers",
        json!({ "name": "Soylent" }),
    )
    .await;
    let deal = create(
        &t,
        &desk.rep.1,
        "/api/v1/opportunities",
        json!({ "customer_id": customer, "name": "Green deal" }),
    )
    .await;
    // The colleague is on both teams, read only, then gets both records.
    join(&t, &desk.manager, customer, json!({ "user_id": other })).await;
    let added = t
        .post(
            &format!("/api/v1/opportunities/{deal}/team"),
            &desk.manager,
            json!({ "user_id": other }),
        )
        .await;
    assert_eq!(added.status, 204, "{}", added.text);
    let moved = t
        .post(
            "/api/v1/customers/transfer",
            &desk.manager,
            json!({ "ids": [customer], "owner_id": other, "keep_former_owner": "write" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let moved = t
        .post(
            "/api/v1/opportunities/transfer",
            &desk.manager,
            json!({ "ids": [deal], "owner_id": other, "keep_former_owner": "read" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let team_of = |body: &Value| -> Vec<(i64, bool)> {
        body["team"]
            .as_array()
            .expect("team")
            .iter()
            .map(|m| (m["user_id"].as_i64().unwrap_or(0), m["can_write"] == true))
            .collect()
    };
    let customer_path = format!("/api/v1/customers/{customer}");
    let deal_path = format!("/api/v1/opportunities/{deal}");
    let seen = t.get(&customer_path, &desk.manager).await;
    assert_eq!(team_of(&seen.body), [(rep, true)], "{}", seen.text);
    let seen = t.get(&deal_path, &desk.manager).await;
    assert_eq!(team_of(&seen.body), [(rep, false)], "{}", seen.text);

    // Given back without keeping them: the colleague keeps no access.
    for (path, id) in [
        ("/api/v1/customers/transfer", customer),
        ("/api/v1/opportunities/transfer", deal),
    ] {
        let back = t
            .post(path, &desk.manager, json!({ "ids": [id], "owner_id": rep }))
            .await;
        assert_eq!(back.status, 200, "{}", back.text);
    }
    assert_eq!(t.get(&customer_path, &desk.other_rep.1).await.status, 404);
    assert_eq!(t.get(&deal_path, &desk.other_rep.1).await.status, 404);
    let seen = t.get(&customer_path, &desk.manager).await;
    assert_eq!(team_of(&seen.body), [], "{}", seen.text);
    let seen = t.get(&deal_path, &desk.manager).await;
    assert_eq!(team_of(&seen.body), [], "{}", seen.text);
}
