//! Leads and contacts on the rest of the record engine: the columns each
//! user picks, "all that match" batch actions, choice pickers in the
//! condition builder, and the payment list's batch export.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page, post_form};
use crate::record_fixtures::made;

const PERMISSIONS: &[&str] = &[
    "lead.view",
    "lead.create",
    "lead.edit",
    "lead.delete",
    "lead.transfer",
    "lead.export",
    "lead.convert",
    "customer.view",
    "customer.create",
    "customer.edit",
    "contact.view",
    "contact.create",
    "contact.edit",
    "contact.delete",
    "contact.transfer",
    "contact.export",
    "follow_up.create",
    "event.view",
    "event.create",
    "event.edit",
    "user.view",
];

fn scopes(scope: &str) -> Value {
    let mut map = serde_json::Map::new();
    for kind in ["lead", "customer", "contact", "user", "event"] {
        map.insert(kind.to_string(), json!({ "scope": scope }));
    }
    Value::Object(map)
}

/// A manager of North (who sees North), a rep of North and a rep of South:
/// (id, phone, token) each.
pub struct People {
    pub admin: String,
    pub manager: (i64, &'static str, String),
    pub north: (i64, &'static str, String),
    pub south: (i64, &'static str, String),
}

pub async fn people(t: &TestApp) -> People {
    let admin = t.admin().await;
    let manager_role = t
        .role(&admin, "Lead manager", PERMISSIONS, scopes("department"))
        .await;
    let rep_role = t.role(&admin, "Lead rep", PERMISSIONS, scopes("own")).await;
    let north = t.department(&admin, "North", 1).await;
    let south = t.department(&admin, "South", 1).await;
    let user = |phone: &'static str, department: i64, role: i64| {
        let admin = admin.clone();
        async move {
            let id = t
                .user(
                    &admin,
                    phone,
                    json!({ "department_id": department, "role_ids": [role] }),
                )
                .await;
            (id, phone, t.login(phone, PASSWORD).await)
        }
    };
    People {
        manager: user("0987000001", north, manager_role).await,
        north: user("0987000002", north, rep_role).await,
        south: user("0987000003", south, rep_role).await,
        admin,
    }
}

async fn lead(t: &TestApp, token: &str, name: &str) -> i64 {
    made(
        t,
        token,
        "/api/v1/leads",
        json!({ "name": name, "phone": "02-2345-6789" }),
    )
    .await
}

async fn contact(t: &TestApp, token: &str, customer: i64, name: &str) -> i64 {
    made(
        t,
        token,
        "/api/v1/contacts",
        json!({ "name": name, "customer_id": customer, "mobile": "0912-345-678", "phone": "02-2345-6789" }),
    )
    .await
}

fn names(answer: &crate::helpers::Answer) -> Vec<String> {
    let mut found: Vec<String> = answer.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_string())
        .collect();
    found.sort();
    found
}

fn header_of(csv: &str) -> String {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn lead_and_contact_columns_are_chosen_per_user_and_followed_by_exports() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    lead(&t, &admin, "Columns Lead").await;
    let customer = made(&t, &admin, "/api/v1/customers", json!({ "name": "Holder" })).await;
    contact(&t, &admin, customer, "Columns Contact").await;

    for (kind, path, left_out) in [
        ("lead", "/leads", ">Source</a></th>"),
        ("contact", "/contacts", ">Post</a></th>"),
    ] {
        let defaults = t.get(&format!("/api/v1/list-columns/{kind}"), &admin).await;
        assert_eq!(defaults.status, 200, "{}", defaults.text);
        assert_eq!(defaults.body["default"], true);
        let chosen = t
            .put(
                &format!("/api/v1/list-columns/{kind}"),
                &admin,
                json!({ "columns": ["phone", "owner_id"] }),
            )
            .await;
        assert_eq!(chosen.status, 200, "{}", chosen.text);
        assert_eq!(
            chosen.body["columns"],
            json!(["name", "phone", "owner_id"]),
            "{kind}"
        );

        let cookie = page_session(&t, ADMIN_PHONE).await;
        let (status, html) = page(&t, &cookie, path, "en").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-column-picker"), "{kind} has a picker");
        assert!(html.contains(">Phone</a></th>"), "{kind} shows the phone");
        assert!(!html.contains(left_out), "{kind} leaves out {left_out}");
        assert!(
            html.contains("02-2345-6789"),
            "{kind} shows the phone number"
        );

        // The page's export follows the chosen columns; the API's does when
        // asked for `mine`, and otherwise writes the whole importable file.
        let (status, csv) = page(&t, &cookie, &format!("{path}/export?format=csv"), "en").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header_of(&csv), "Name,Phone,Owner", "{kind}");
        let mine = t
            .get(&format!("/api/v1/{kind}s/export?columns=mine"), &admin)
            .await;
        assert_eq!(header_of(&mine.text), "Name,Phone,Owner");
        let whole = t.get(&format!("/api/v1/{kind}s/export"), &admin).await;
        assert!(
            header_of(&whole.text).split(',').count() > 5,
            "{}",
            whole.text
        );
        let unknown = t
            .get(
                &format!("/api/v1/{kind}s/export?columns=name,password_hash"),
                &admin,
            )
            .await;
        assert_eq!(unknown.status, 422, "{}", unknown.text);
    }

    // Another user keeps the defaults.
    let other = crate::record_fixtures::own_scope_rep(&t, &admin, "0987000099").await;
    let theirs = t.get("/api/v1/list-columns/lead", &other).await;
    assert_eq!(theirs.body["default"], true);
    // The list is found by its path's name too.
    let plural = t.get("/api/v1/list-columns/opportunities", &admin).await;
    assert_eq!(plural.status, 200, "{}", plural.text);
    assert_eq!(
        plural.body,
        t.get("/api/v1/list-columns/opportunity", &admin).await.body
    );
    assert_eq!(
        t.get("/api/v1/list-columns/pools", &admin).await.status,
        404
    );
    // Every column comes with its name, system fields too.
    for option in plural.body["available"].as_array().expect("columns") {
        let label = option["label"].as_str().unwrap_or_default();
        assert!(
            !label.is_empty() && !label.starts_with("fields."),
            "{option}"
        );
    }
}

#[tokio::test]
async fn all_leads_that_match_are_acted_on_within_the_callers_scope() {
    let t = TestApp::new().await;
    let p = people(&t).await;
    let (north_id, _, north) = &p.north;
    let (_, manager_phone, manager) = &p.manager;
    let (_, _, south) = &p.south;
    lead(&t, manager, "Alpha M").await;
    lead(&t, north, "Alpha N").await;
    lead(&t, south, "Alpha S").await;
    lead(&t, manager, "Beta M").await;

    // Through the API: the two Alpha leads of North, not South's.
    let moved = t
        .post(
            "/api/v1/leads/transfer",
            manager,
            json!({ "matching": { "q": "Alpha", "view": "all" }, "owner_id": north_id }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body, json!(2));
    let both = t
        .post(
            "/api/v1/leads/transfer",
            manager,
            json!({ "ids": [1], "matching": { "q": "Alpha" }, "owner_id": north_id }),
        )
        .await;
    assert_eq!(both.status, 422, "ids and matching: {}", both.text);
    let none = t
        .post(
            "/api/v1/leads/transfer",
            manager,
            json!({ "matching": { "q": "Nobody" }, "owner_id": north_id }),
        )
        .await;
    assert_eq!(none.status, 422, "{}", none.text);
    let norths = t.get("/api/v1/leads?view=mine&q=Alpha", north).await;
    assert_eq!(names(&norths), ["Alpha M", "Alpha N"]);
    let souths = t.get("/api/v1/leads?q=Alpha", south).await;
    assert_eq!(names(&souths), ["Alpha S"]);

    // The page's export of all that match: exactly those rows.
    let cookie = page_session(&t, manager_phone).await;
    let (status, csv) = page(
        &t,
        &cookie,
        "/leads/export?format=csv&all_matching=1&matching=q%3DAlpha%26view%3Dall&ids=999",
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<&str> = csv.trim().lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows.iter().all(|r| r.starts_with("Alpha ")), "{csv}");
    assert!(!csv.contains("Alpha S"));

    // The page's delete of all that match comes back to the filtered list.
    let csrf = page_csrf(&t, &cookie).await;
    let form =
        format!("_csrf={csrf}&all_matching=1&matching=q%3DAlpha%26view%3Dall&owner_id=&ids=999");
    let (status, location) = post_form(&t, &cookie, "/leads/delete", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/leads?q=Alpha&view=all&done=deleted&n=2");
    let left = t.get("/api/v1/leads?view=all", &p.admin).await;
    assert_eq!(names(&left), ["Alpha S", "Beta M"]);

    // Conversion takes all that match too.
    let form = format!("_csrf={csrf}&all_matching=1&matching=q%3DBeta%26view%3Dopen");
    let (status, location) = post_form(&t, &cookie, "/leads/convert", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.contains("done=converted&n=1"), "{location}");

    // The page offers "select all N that match".
    let (_, html) = page(&t, &cookie, "/leads?view=all", "en").await;
    assert!(
        html.contains("data-choose-matching"),
        "select all that match"
    );
}

#[tokio::test]
async fn all_contacts_that_match_are_acted_on_within_the_callers_scope() {
    let t = TestApp::new().await;
    let p = people(&t).await;
    let (north_id, north_phone, north) = &p.north;
    let (_, manager_phone, manager) = &p.manager;
    let (_, _, south) = &p.south;
    let mine = made(&t, manager, "/api/v1/customers", json!({ "name": "M Co" })).await;
    let theirs = made(&t, south, "/api/v1/customers", json!({ "name": "S Co" })).await;
    contact(&t, manager, mine, "Ann Alpha").await;
    contact(&t, manager, mine, "Bob Alpha").await;
    contact(&t, manager, mine, "Cy Beta").await;
    contact(&t, south, theirs, "Sue Alpha").await;

    let cookie = page_session(&t, manager_phone).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&all_matching=1&matching=q%3DAlpha%26view%3Dall&owner_id={north_id}&ids=999"
    );
    let (status, location) = post_form(&t, &cookie, "/contacts/transfer", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/contacts?q=Alpha&view=all&done=transferred&n=2");
    let norths = t.get("/api/v1/contacts?view=mine", north).await;
    assert_eq!(names(&norths), ["Ann Alpha", "Bob Alpha"]);
    let souths = t.get("/api/v1/contacts", south).await;
    assert_eq!(names(&souths), ["Sue Alpha"]);

    // The rep of North deletes all that match of theirs: South's stays.
    let cookie = page_session(&t, north_phone).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&all_matching=1&matching=q%3DAlpha");
    let (status, location) = post_form(&t, &cookie, "/contacts/delete", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/contacts?q=Alpha&done=deleted&n=2");
    let left = t.get("/api/v1/contacts", &p.admin).await;
    assert_eq!(names(&left), ["Cy Beta", "Sue Alpha"]);
}

#[tokio::test]
async fn the_payment_list_exports_ticked_rows_and_all_that_match() {
    use crate::sales_fixtures::{contract, customer, sales_team, submit};
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other) = (team.rep.1.as_str(), team.other_rep.1.as_str());
    let pay = |token: &'static str, contract: i64, amount: &'static str| {
        let token = token.to_string();
        let t = &t;
        async move {
            let body =
                json!({ "contract_id": contract, "received_on": "2026-03-02", "amount": amount });
            let answer = t.post("/api/v1/payments", &token, body).await;
            assert_eq!(answer.status, 201, "{}", answer.text);
            (
                answer.body["id"].as_i64().expect("id"),
                answer.body["number"].as_str().expect("number").to_string(),
            )
        }
    };
    let client = customer(&t, rep, "Payer").await;
    let deal = contract(&t, rep, client, "9000").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let theirs = customer(&t, other, "Other payer").await;
    let their_deal = contract(&t, other, theirs, "9000").await;
    assert_eq!(submit(&t, other, "contracts", their_deal).await, "approved");
    let rep: &'static str = Box::leak(rep.to_string().into_boxed_str());
    let other: &'static str = Box::leak(other.to_string().into_boxed_str());
    let (first, first_number) = pay(rep, deal, "100").await;
    let (_, second_number) = pay(rep, deal, "200").await;
    let (_, their_number) = pay(other, their_deal, "300").await;
    assert_eq!(submit(&t, rep, "payments", first).await, "approved");

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, "/payments", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("action=\"/payments/export\""), "batch form");
    assert!(html.contains("name=\"ids\""), "rows can be ticked");
    assert!(html.contains("data-choose-matching"), "all that match");

    // Ticked rows: only those.
    let (status, csv) = page(
        &t,
        &cookie,
        &format!("/payments/export?format=csv&ids={first}"),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(&first_number), "{csv}");
    assert!(!csv.contains(&second_number), "{csv}");

    // All that match the list's filter (drafts), whoever's they are.
    let (status, csv) = page(
        &t,
        &cookie,
        &format!("/payments/export?format=csv&ids={first}&all_matching=1&matching=status%3Ddraft"),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(&second_number), "{csv}");
    assert!(!csv.contains(&first_number), "approved one left out: {csv}");
    assert!(csv.contains(&their_number), "{csv}");
}

/// The ids and labels of the options of a customer field (`level_id`, ...).
async fn options_of(t: &TestApp, token: &str, field: &str) -> Vec<(i64, String)> {
    let all = t.get("/api/v1/options", token).await;
    all.body
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["kind"] == "customer" && o["field"] == field)
        .map(|o| {
            (
                o["id"].as_i64().expect("id"),
                o["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn choice_conditions_are_picked_from_their_lists() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let levels = options_of(&t, &admin, "level_id").await;
    assert!(levels.len() >= 3, "seeded levels");
    for (key, field_type, options) in [
        ("region", "choice", json!(["North", "South", "East"])),
        ("tags", "multi_choice", json!(["Hot", "Cold", "VIP"])),
    ] {
        let body = json!({ "kind": "lead", "key": key, "label": key.to_uppercase(), "field_type": field_type, "options": options });
        let made = t.post("/api/v1/fields", &admin, body).await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let add = |name: &'static str, level: i64, region: &'static str, tags: Value| {
        let admin = admin.clone();
        let t = &t;
        async move {
            let body = json!({ "name": name, "level_id": level, "custom": { "region": region, "tags": tags } });
            made(t, &admin, "/api/v1/leads", body).await
        }
    };
    add("First", levels[0].0, "North", json!(["Hot"])).await;
    add("Second", levels[1].0, "South", json!(["Cold", "VIP"])).await;
    add("Third", levels[2].0, "East", json!(["Cold"])).await;

    // The page offers the choices as pickers, labelled, not a text box.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/leads?view=all", "en").await;
    assert!(
        html.contains("data-condition-choices=\"level_id\""),
        "{html}"
    );
    assert!(html.contains(&format!(
        "value=\"level_id|{}\">{}</option>",
        levels[0].0, levels[0].1
    )));
    assert!(html.contains("value=\"custom.region|South\">South</option>"));
    assert!(html.contains("value=\"level_id|one_of\">Level is any of</option>"));

    let shown = |html: &str| {
        ["First", "Second", "Third"]
            .into_iter()
            .filter(|n| html.contains(&format!(">{n}</a>")))
            .collect::<Vec<_>>()
    };
    // "Is" one level; "any of" two, named by label in the chip.
    let (_, html) = page(
        &t,
        &cookie,
        &format!(
            "/leads?view=all&cond=level_id%7Cequals&cvc=level_id%7C{}",
            levels[1].0
        ),
        "en",
    )
    .await;
    assert_eq!(shown(&html), ["Second"]);
    let (_, html) = page(
        &t,
        &cookie,
        &format!(
            "/leads?view=all&cond=level_id%7Cone_of&cvc=level_id%7C{}&cvc=level_id%7C{}",
            levels[0].0, levels[2].0
        ),
        "en",
    )
    .await;
    assert_eq!(shown(&html), ["First", "Third"]);
    assert!(
        html.contains(&format!("“{}, {}”", levels[0].1, levels[2].1)),
        "the chip names the levels"
    );

    // Custom choices: one of, and a multiple choice holding any of.
    let (_, html) = page(
        &t,
        &cookie,
        "/leads?view=all&cond=custom.region%7Cone_of&cvc=custom.region%7CNorth&cvc=custom.region%7CEast",
        "en",
    )
    .await;
    assert_eq!(shown(&html), ["First", "Third"]);
    let (_, html) = page(
        &t,
        &cookie,
        "/leads?view=all&cond=custom.tags%7Cequals&cvc=custom.tags%7CCold",
        "en",
    )
    .await;
    assert_eq!(shown(&html), ["Second", "Third"]);
    let filter = r#"[{"field":"custom.tags","op":"one_of","value":["VIP","Hot"]}]"#;
    let api = t
        .get(
            &format!(
                "/api/v1/leads?view=all&filter={}",
                filter
                    .replace('"', "%22")
                    .replace('[', "%5B")
                    .replace(']', "%5D")
                    .replace('{', "%7B")
                    .replace('}', "%7D")
                    .replace(',', "%2C")
                    .replace(':', "%3A")
            ),
            &admin,
        )
        .await;
    assert_eq!(api.status, 200, "{}", api.text);
    assert_eq!(names(&api), ["First", "Second"]);
    let empty = t
        .get(
            "/api/v1/leads?filter=%5B%7B%22field%22%3A%22custom.region%22%2C%22op%22%3A%22one_of%22%2C%22value%22%3A%5B%5D%7D%5D",
            &admin,
        )
        .await;
    assert_eq!(empty.status, 422, "{}", empty.text);
}
