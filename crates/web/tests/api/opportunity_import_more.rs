//! Opportunity import with outcomes, owners and product lines: a won, lost
//! or invalid row is the one stage change (marked as imported), the owner is
//! found by phone or name within the importer's scope, products by code or
//! name with their quantity and price, and every problem of a row is named.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::sales_fidelity::upload;
use crate::sales_fixtures::{SalesTeam, create, customer, product, sales_team};

const IMPORT: &str = "/api/v1/opportunities/import";

async fn import(t: &TestApp, token: &str, csv: &str) -> Answer {
    upload(t, token, IMPORT, "o.csv", csv.as_bytes()).await
}

/// The problems of a report: row, field and code.
fn problems(answer: &Answer) -> Vec<(u64, String, String)> {
    let mut all: Vec<(u64, String, String)> = answer.body["problems"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|p| {
                    (
                        p["row"].as_u64().unwrap_or_default(),
                        p["field"].as_str().unwrap_or_default().to_string(),
                        p["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    all.sort();
    all
}

fn problem(row: u64, field: &str, code: &str) -> (u64, String, String) {
    (row, field.to_string(), code.to_string())
}

/// The opportunity of this name, in full.
async fn named(t: &TestApp, token: &str, name: &str) -> Value {
    let list = t.get("/api/v1/opportunities?limit=100", token).await;
    let id = list.body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|o| o["name"] == name))
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("{name} imported: {}", list.text));
    t.get(&format!("/api/v1/opportunities/{id}"), token)
        .await
        .body
}

/// Gives the rep the right to import opportunities (own scope), without
/// the right to edit them.
async fn importing_rep(t: &TestApp, team: &SalesTeam) {
    let permissions = [
        "customer.view",
        "customer.create",
        "opportunity.create",
        "opportunity.import",
        "opportunity.view",
        "product.view",
    ];
    let scopes = json!({
        "customer": { "scope": "own" }, "opportunity": { "scope": "own" },
        "user": { "scope": "department" }
    });
    let role = t
        .role(&team.admin, "Rep who imports deals", &permissions, scopes)
        .await;
    let set = t
        .patch(
            &format!("/api/v1/users/{}", team.rep.0),
            &team.admin,
            json!({ "role_ids": [role] }),
        )
        .await;
    assert!(set.status.is_success(), "{}", set.text);
}

#[tokio::test]
async fn outcomes_are_stage_changes_marked_as_imported() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Acme Trading").await;
    let csv = "Name,Customer,Status,Reason\n\
               Won deal,Acme Trading,Won,\n\
               Lost deal,Acme Trading,lost,Price too high\n\
               Junk deal,Acme Trading,無效,Entered twice\n\
               Open deal,Acme Trading,,\n";
    let done = import(&t, &admin, csv).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(done.body["created"], 4);

    for (name, outcome, reason) in [
        ("Won deal", "won", Value::Null),
        ("Lost deal", "lost", json!("Price too high")),
        ("Junk deal", "invalid", json!("Entered twice")),
    ] {
        let detail = named(&t, &admin, name).await;
        assert_eq!(detail["outcome"], outcome, "{detail}");
        let history = detail["stage_history"].as_array().expect("history");
        // Created, then closed: both by the import.
        assert_eq!(history.len(), 2, "{name}: {history:?}");
        assert!(history.iter().all(|h| h["via"] == "import"), "{history:?}");
        let closed = history
            .iter()
            .find(|h| h["to_outcome"] == outcome)
            .expect("the outcome is in the history");
        assert_eq!(closed["from_outcome"], "open");
        assert_eq!(closed["reason"], reason);
    }
    let open = named(&t, &admin, "Open deal").await;
    assert_eq!(open["outcome"], "open");
    assert_eq!(open["stage_history"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn every_problem_of_a_row_is_named_and_nothing_is_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Acme Trading").await;
    product(&t, &admin, "Router", "100").await;
    let csv = "Name,Customer,Outcome,Reason,Expected close date,Owner,Product lines,Product,Quantity,Price\n\
               ,Nobody Ltd,lost,,2026-02-30,Ghost,Mouse; Router −%,,2,\n\
               Fine,Acme Trading,,Because,,,,,,\n\
               Odd,Acme Trading,maybe,,,,,Keyboard,1,5\n\
               Good,Acme Trading,,,,,Router × 2,,,\n";
    let done = import(&t, &admin, csv).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["written"], false, "{}", done.text);
    assert_eq!(
        problems(&done),
        vec![
            problem(2, "customer_id", "not_found"),
            problem(2, "expected_close_on", "date_invalid"),
            problem(2, "lines.0.product_id", "product_not_found"),
            problem(2, "lines.1.discount", "line_unreadable"),
            problem(2, "name", "required"),
            problem(2, "owner_id", "user_not_found"),
            problem(2, "product_id", "required"),
            problem(2, "reason", "lost_needs_reason"),
            problem(3, "reason", "reason_unused"),
            problem(4, "outcome", "invalid_choice"),
            problem(4, "product_id", "product_not_found"),
        ],
        "{}",
        done.text
    );
    // Each message names the field and the fix, in the user's language.
    for p in done.body["problems"].as_array().expect("problems") {
        let message = p["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.contains("%{") && !message.starts_with("errors."),
            "{p}"
        );
    }
    let lost = done.body["problems"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["code"] == "lost_needs_reason"))
        .and_then(|p| p["message"].as_str())
        .unwrap_or_default();
    assert!(
        ["why it was lost", "輸單的原因", "输单的原因"]
            .iter()
            .any(|fix| lost.contains(fix)),
        "{lost}"
    );
    let list = t.get("/api/v1/opportunities", &admin).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn owners_by_phone_or_name_within_the_importers_scope() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = &team.admin;
    t.user(admin, "0971000011", json!({ "name": "Lee" })).await;
    t.user(admin, "0971000012", json!({ "name": "Lee" })).await;
    customer(&t, admin, "Acme Trading").await;

    // An ambiguous name is named as such, with the rest of the file.
    let csv = "Name,Customer,Owner\n\
               By phone,Acme Trading,0971-000-002\n\
               By name,Acme Trading,User 0971000003\n\
               Twice,Acme Trading,Lee\n";
    let done = import(&t, admin, csv).await;
    assert_eq!(
        problems(&done),
        vec![problem(4, "owner_id", "ambiguous_name")],
        "{}",
        done.text
    );
    assert_eq!(done.body["written"], false);
    let csv = "Name,Customer,Owner\n\
               By phone,Acme Trading,0971-000-002\n\
               By name,Acme Trading,User 0971000003\n\
               Twice,Acme Trading,0971000012\n";
    let done = import(&t, admin, csv).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(named(&t, admin, "By phone").await["owner_id"], team.rep.0);
    assert_eq!(
        named(&t, admin, "By name").await["owner_id"],
        team.other_rep.0
    );
    let twice = named(&t, admin, "Twice").await;
    assert_ne!(twice["owner_id"], Value::Null);
    let log = twice["change_log"].to_string();
    assert!(log.contains("owner_id"), "{log}");

    // A rep who sees only their own: another rep is out of scope, and
    // without the edit permission an outcome cannot be imported.
    importing_rep(&t, &team).await;
    let rep = &team.rep.1;
    customer(&t, rep, "Rep Customer").await;
    let csv = "Name,Customer,Owner,Outcome\n\
               Mine,Rep Customer,0971000002,\n\
               Theirs,Rep Customer,0971000003,\n\
               Closed,Rep Customer,,won\n";
    let done = import(&t, rep, csv).await;
    assert_eq!(
        problems(&done),
        vec![
            problem(3, "owner_id", "owner_out_of_scope"),
            problem(4, "outcome", "outcome_not_allowed"),
        ],
        "{}",
        done.text
    );
}

#[tokio::test]
async fn product_lines_by_code_or_name_with_quantity_and_price() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Acme Trading").await;
    create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Switch", "code": "SW-8", "price": "50" }),
    )
    .await;
    let router = product(&t, &admin, "Router", "100").await;
    let csv = "Name,Customer,Product lines,Product code,Qty,Unit price\n\
               Network,Acme Trading,sw-8 × 2,Router,3,90\n\
               Switches,Acme Trading,,SW-8,,\n";
    let done = import(&t, &admin, csv).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let network = named(&t, &admin, "Network").await;
    let lines = network["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["product_id"], router);
    // Money is kept in cents: 2 × 50 + 3 × 90.
    assert_eq!(network["amount"], 37000, "{network}");
    assert_eq!(lines[1]["quantity"], 3000);
    assert_eq!(lines[1]["price"], 9000);
    let switches = named(&t, &admin, "Switches").await;
    assert_eq!(switches["lines"].as_array().map(Vec::len), Some(1));
}
