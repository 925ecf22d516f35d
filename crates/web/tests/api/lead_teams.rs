//! Teams on leads: colleagues who read or also change a lead beside its
//! owner, until an optional date; through the API and the lead's page.

use axum::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{PASSWORD, TestApp, ids, page, post_form};
use crate::sales_fixtures::create;

/// Who works on leads: a manager who shares them, and two reps who each
/// see only their own.
struct LeadTeam {
    manager: (i64, String),
    rep: (i64, String),
    other_rep: (i64, String),
}

const WORKING: &[&str] = &[
    "lead.view",
    "lead.create",
    "lead.edit",
    "lead.convert",
    "customer.create",
    "follow_up.view",
    "follow_up.create",
    "user.view",
];

fn scopes(scope: &str) -> Value {
    json!({ "lead": { "scope": scope }, "customer": { "scope": scope },
            "user": { "scope": "department" } })
}

async fn lead_team(t: &TestApp) -> LeadTeam {
    let admin = t.admin().await;
    let rep_role = t.role(&admin, "Lead rep", WORKING, scopes("own")).await;
    let sharing: Vec<&str> = WORKING.iter().copied().chain(["lead.team"]).collect();
    let manager_role = t
        .role(
            &admin,
            "Lead manager",
            &sharing,
            scopes("department_and_below"),
        )
        .await;
    let sales = t.department(&admin, "Leads desk", 1).await;
    let mut people = Vec::new();
    for (phone, role) in [
        ("0972000001", manager_role),
        ("0972000002", rep_role),
        ("0972000003", rep_role),
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
    let manager = people.pop().expect("manager");
    LeadTeam {
        manager,
        rep,
        other_rep,
    }
}

async fn lead(t: &TestApp, token: &str, name: &str) -> i64 {
    create(t, token, "/api/v1/leads", json!({ "name": name })).await
}

async fn remove(t: &TestApp, token: &str, id: i64, user: i64) -> u16 {
    let path = format!("/api/v1/leads/{id}/team?user_id={user}");
    t.call(Method::DELETE, &path, Some(token), None)
        .await
        .status
        .as_u16()
}

fn edit(name: &str, version: &Value) -> Value {
    json!({ "name": name, "version": version })
}

#[tokio::test]
async fn a_lead_team_member_reads_or_writes_until_removed() {
    let t = TestApp::new().await;
    let team = lead_team(&t).await;
    let id = lead(&t, &team.rep.1, "Initech").await;
    let path = format!("/api/v1/leads/{id}");
    let member = team.other_rep.0;

    // Out of scope, the colleague neither sees, lists nor finds it.
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 404);
    let listed = t.get("/api/v1/leads", &team.other_rep.1).await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
    // The owner without the team permission cannot share it.
    let refused = t
        .post(
            &format!("{path}/team"),
            &team.rep.1,
            json!({ "user_id": member }),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);

    // Read only: seen in the detail, the list, its count and a search,
    // but neither edited nor followed up.
    let added = t
        .post(
            &format!("{path}/team"),
            &team.manager.1,
            json!({ "user_id": member }),
        )
        .await;
    assert_eq!(added.status, 204, "{}", added.text);
    let seen = t.get(&path, &team.other_rep.1).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["team"][0]["user_id"], member);
    assert_eq!(seen.body["team"][0]["can_write"], false);
    assert_eq!(seen.body["can_edit"], false);
    assert_eq!(seen.body["writable"], false);
    let listed = t.get("/api/v1/leads", &team.other_rep.1).await;
    assert_eq!(ids(&listed), [id], "{}", listed.text);
    assert_eq!(listed.body["total"], 1);
    let found = t.get("/api/v1/leads?q=initech", &team.other_rep.1).await;
    assert_eq!(ids(&found), [id], "{}", found.text);
    let version = seen.body["version"].clone();
    let saved = t
        .put(&path, &team.other_rep.1, edit("Initech Ltd", &version))
        .await;
    assert_eq!(saved.status, 403, "{}", saved.text);
    let note = json!({ "content": "Called them" });
    let written = t
        .post(
            &format!("{path}/follow-ups"),
            &team.other_rep.1,
            note.clone(),
        )
        .await;
    assert_eq!(written.status, 409, "{}", written.text);
    assert_eq!(written.body["code"], "team_read_only_record");
    let converted = t
        .post(
            "/api/v1/leads/convert",
            &team.other_rep.1,
            json!({ "ids": [id] }),
        )
        .await;
    assert_eq!(converted.status, 403, "{}", converted.text);

    // Read and write: now they may edit and follow up.
    let write = json!({ "user_id": member, "can_write": true });
    let changed = t
        .post(&format!("{path}/team"), &team.manager.1, write)
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    let seen = t.get(&path, &team.other_rep.1).await;
    assert_eq!(seen.body["can_edit"], true, "{}", seen.text);
    assert_eq!(seen.body["writable"], true);
    let version = seen.body["version"].clone();
    let saved = t
        .put(&path, &team.other_rep.1, edit("Initech Ltd", &version))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["name"], "Initech Ltd");
    let written = t
        .post(&format!("{path}/follow-ups"), &team.other_rep.1, note)
        .await;
    assert_eq!(written.status, 201, "{}", written.text);

    // The owner is no member of their own lead; a date past is refused.
    let owner = json!({ "user_id": team.rep.0, "expires_on": "2000-01-01" });
    let refused = t
        .post(&format!("{path}/team"), &team.manager.1, owner)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let codes: Vec<&str> = refused.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(codes, ["owns_record", "date_past"]);

    // Removed: out of sight again; removing twice finds nobody.
    assert_eq!(remove(&t, &team.manager.1, id, member).await, 204);
    assert_eq!(remove(&t, &team.manager.1, id, member).await, 404);
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 404);
    let listed = t.get("/api/v1/leads", &team.other_rep.1).await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
    let detail = t.get(&path, &team.manager.1).await;
    assert_eq!(detail.body["team"], json!([]));
    let logged = detail.body["change_log"]
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e.to_string().contains("\"team\""))
        .count();
    assert_eq!(logged, 3, "{}", detail.body["change_log"]);
}

#[tokio::test]
async fn a_lead_team_membership_ends_after_its_date() {
    let t = TestApp::new().await;
    let team = lead_team(&t).await;
    let id = lead(&t, &team.rep.1, "Hooli").await;
    let path = format!("/api/v1/leads/{id}");
    // The clock stands at 2 March 2026: the membership holds through the 3rd.
    let member = json!({ "user_id": team.other_rep.0, "can_write": true,
                         "expires_on": "2026-03-03" });
    let added = t
        .post(&format!("{path}/team"), &team.manager.1, member)
        .await;
    assert_eq!(added.status, 204, "{}", added.text);
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 200);
    t.clock.advance(Duration::days(1));
    let seen = t.get(&path, &team.other_rep.1).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["team"][0]["expires_on"], "2026-03-03");

    t.clock.advance(Duration::days(1));
    assert_eq!(t.get(&path, &team.other_rep.1).await.status, 404);
    let listed = t.get("/api/v1/leads", &team.other_rep.1).await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
    let version = json!(1);
    let saved = t
        .put(&path, &team.other_rep.1, edit("Hooli XYZ", &version))
        .await;
    assert_eq!(saved.status, 404, "{}", saved.text);
    // The owner's side still sees the lapsed member, to renew or remove.
    let detail = t.get(&path, &team.rep.1).await;
    assert_eq!(detail.body["team"][0]["user_id"], team.other_rep.0);
}

#[tokio::test]
async fn a_deleted_lead_leaves_no_team_behind() {
    let t = TestApp::new().await;
    let team = lead_team(&t).await;
    let admin = t.admin().await;
    let id = lead(&t, &team.rep.1, "Pied Piper").await;
    let member = json!({ "user_id": team.other_rep.0 });
    let added = t
        .post(&format!("/api/v1/leads/{id}/team"), &admin, member)
        .await;
    assert_eq!(added.status, 204, "{}", added.text);
    let gone = t
        .call(
            Method::DELETE,
            &format!("/api/v1/leads/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    assert_eq!(remove(&t, &admin, id, team.other_rep.0).await, 404);
    // No membership is left on the lead's id: the same row goes in again.
    t.sql(&format!(
        "insert into team_members (kind, record_id, user_id) values ('lead', {id}, {})",
        team.other_rep.0
    ))
    .await;
    let listed = t.get("/api/v1/leads", &team.other_rep.1).await;
    assert_eq!(listed.body["total"], 0, "{}", listed.text);
}

#[tokio::test]
async fn the_lead_page_shows_and_changes_its_team() {
    let t = TestApp::new().await;
    let team = lead_team(&t).await;
    let id = lead(&t, &team.rep.1, "Aviato").await;
    let cookie = page_session(&t, "0972000001").await;
    let csrf = page_csrf(&t, &cookie).await;
    let path = format!("/leads/{id}");

    let (status, html) = page(&t, &cookie, &path, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&format!("action=\"{path}/team\"")), "{html}");
    assert!(html.contains("href=\"#team\""), "{html}");
    assert!(
        html.contains("Only the owner works on this record"),
        "{html}"
    );

    // The owner refused, with what was typed kept.
    let form = format!(
        "_csrf={csrf}&user_id={}&access=write&expires_on=2999-01-01",
        team.rep.0
    );
    let (status, html) = post_form(&t, &cookie, &format!("{path}/team"), form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("already owns the record"), "{html}");
    assert!(html.contains("value=\"2999-01-01\""), "{html}");

    let form = format!(
        "_csrf={csrf}&user_id={}&access=read&expires_on=2999-01-01",
        team.other_rep.0
    );
    let (status, location) = post_form(&t, &cookie, &format!("{path}/team"), form).await;
    assert_eq!(status, 303, "{location}");
    let (_, html) = page(&t, &cookie, &format!("{path}?done=team_saved"), "en").await;
    assert!(html.contains("Team member saved."), "{html}");
    assert!(html.contains("User 0972000003"), "{html}");
    assert!(html.contains("2999-01-01"), "{html}");

    // The member sees the lead and its team, with no form to change it.
    let member = page_session(&t, "0972000003").await;
    let (status, html) = page(&t, &member, &path, "zh-Hant").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Aviato"), "{html}");
    assert!(!html.contains(&format!("action=\"{path}/team\"")), "{html}");
    // Reading only, they are offered no edit, conversion or follow-up.
    assert!(!html.contains(&format!("href=\"{path}/edit\"")), "{html}");
    assert!(!html.contains("action=\"/leads/convert\""), "{html}");
    assert!(
        !html.contains(&format!("action=\"{path}/follow-ups\"")),
        "{html}"
    );

    let form = format!("_csrf={csrf}&user_id={}", team.other_rep.0);
    let (status, location) = post_form(&t, &cookie, &format!("{path}/team/remove"), form).await;
    assert_eq!(status, 303, "{location}");
    let (status, _) = page(&t, &member, &path, "en").await;
    assert_eq!(status, 404);
    let (_, html) = page(&t, &cookie, &path, "zh-Hant").await;
    assert!(html.contains("目前只有負責人處理此紀錄"), "{html}");
}
