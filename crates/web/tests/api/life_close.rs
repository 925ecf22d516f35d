//! Closing the customer lifecycle: a stale save on the edit forms shows
//! what the other person changed beside what the user typed, with "Save
//! over" and "Reload".

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::record_fixtures::made;

/// The value of the hidden input `name` on a page, as a browser sends it.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        + marker.len();
    let end = start + html[start..].find('"').expect("closing quote");
    html_escape::decode_html_entities(&html[start..end]).into_owned()
}

/// A form body from its fields, encoded as a browser encodes it.
fn body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The conflict box's rows: (field, theirs, yours), as the page shows them.
fn conflict_rows(html: &str) -> Vec<(String, String, String)> {
    let Some(start) = html.find("class=\"conflict span2\"") else {
        return Vec::new();
    };
    let boxed = &html[start..];
    let boxed = &boxed[..boxed.find("</table>").unwrap_or(0)];
    boxed
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let cells: Vec<String> = row
                .split(['<', '>'])
                .filter(|part| {
                    !part.trim().is_empty()
                        && !part.starts_with("/t")
                        && !part.starts_with("td")
                        && !part.starts_with("tr")
                })
                .map(|part| html_escape::decode_html_entities(part).into_owned())
                .collect();
            (
                cells.first().cloned().unwrap_or_default(),
                cells.get(1).cloned().unwrap_or_default(),
                cells.get(2).cloned().unwrap_or_default(),
            )
        })
        .collect()
}

struct Case {
    /// The record's page path, `/leads/7`.
    path: String,
    /// Its API path.
    api: String,
    /// How the API saves someone else's change.
    method: axum::http::Method,
    /// The other person's change (with the version read).
    theirs: Value,
    /// The form's fields the user sends, beside the hidden ones.
    yours: Vec<(&'static str, String)>,
    /// The field only the other person changed (the user sends it as
    /// read): its label and their value, which the form now holds.
    changed: (&'static str, &'static str, &'static str),
    /// What the user typed that must survive, and the API field it lands in.
    typed: (&'static str, &'static str),
}

async fn stale_save_round(t: &TestApp, admin: &str, case: Case) {
    let cookie = page_session(t, ADMIN_PHONE).await;
    let csrf = page_csrf(t, &cookie).await;
    let (status, form) = page(t, &cookie, &format!("{}/edit", case.path), "en").await;
    assert_eq!(status, StatusCode::OK, "{}", case.path);
    let read = hidden(&form, "_read");
    let version = hidden(&form, "version");

    let saved = t
        .call(
            case.method.clone(),
            &case.api,
            Some(admin),
            Some(case.theirs),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

    let mut fields: Vec<(&str, &str)> =
        vec![("_csrf", &csrf), ("version", &version), ("_read", &read)];
    fields.extend(case.yours.iter().map(|(k, v)| (*k, v.as_str())));
    let (status, html) = post_form(t, &cookie, &case.path, body(&fields)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}: {html}", case.path);
    let rows = conflict_rows(&html);
    let (label, theirs, name) = case.changed;
    assert_eq!(
        rows,
        vec![(label.to_string(), theirs.to_string(), String::new())],
        "{}: only what the other person changed is listed, as kept",
        case.path
    );
    let shown = crate::sales_pages_more::form_fields(&html, &format!("{}\"", case.path));
    assert_eq!(
        shown
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str()),
        Some(theirs),
        "{}: the form holds their value",
        case.path
    );
    let (typed, field) = case.typed;
    assert!(
        html.contains(&format!("value=\"{typed}\"")) || html.contains(&format!(">{typed}<")),
        "{}: what was typed is kept",
        case.path
    );
    assert!(html.contains(">Save over</button>"), "{}", case.path);
    assert!(
        html.contains(&format!("href=\"{}/edit\"", case.path)),
        "{}: Reload opens the record as stored now",
        case.path
    );
    let newer = hidden(&html, "version");
    assert_ne!(newer, version, "the form takes the stored version");

    // Reload: the edit page of the record as stored now shows their value.
    let (status, reloaded) = page(t, &cookie, &format!("{}/edit", case.path), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        reloaded.contains(theirs),
        "{}: reload shows {theirs}",
        case.path
    );

    // Save over with the user's values sent again: a field emptied on
    // purpose after the box is emptied.
    let read = hidden(&html, "_read");
    let mut fields: Vec<(&str, &str)> = vec![
        ("_csrf", &csrf),
        ("version", &newer),
        ("_read", &read),
        ("_over", "1"),
    ];
    fields.extend(case.yours.iter().map(|(k, v)| (*k, v.as_str())));
    let (status, location) = post_form(t, &cookie, &case.path, body(&fields)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}: {location}", case.path);
    let stored = t.get(&case.api, admin).await;
    assert_eq!(stored.body[field], typed, "{}: saved over", case.path);
}

fn yours(fields: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    fields.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

#[tokio::test]
async fn a_stale_lead_save_shows_what_changed_and_saves_over() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let lead = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Lead A", "phone": "02-1111-2222" }),
    )
    .await;
    let case = Case {
        path: format!("/leads/{lead}"),
        api: format!("/api/v1/leads/{lead}"),
        method: axum::http::Method::PUT,
        theirs: json!({ "name": "Lead A", "phone": "02-1111-2222", "email": "new@acme.tw", "version": 1 }),
        yours: yours(&[("name", "Lead A"), ("phone", "02-9999-0000"), ("email", "")]),
        changed: ("E-mail", "new@acme.tw", "email"),
        typed: ("02-9999-0000", "phone"),
    };
    stale_save_round(&t, &admin, case).await;
    let stored = t.get(&format!("/api/v1/leads/{lead}"), &admin).await;
    assert!(
        stored.body["email"].is_null(),
        "saving over clears their e-mail"
    );
}

#[tokio::test]
async fn a_stale_customer_save_shows_what_changed_and_saves_over() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(&t, &admin, "/api/v1/customers", json!({ "name": "Acme" })).await;
    let case = Case {
        path: format!("/customers/{customer}"),
        api: format!("/api/v1/customers/{customer}"),
        method: axum::http::Method::PATCH,
        theirs: json!({ "website": "https://acme.tw", "version": 1 }),
        yours: yours(&[("name", "Acme"), ("phone", "02-2345-6789"), ("website", "")]),
        changed: ("Website", "https://acme.tw", "website"),
        typed: ("02-2345-6789", "phone"),
    };
    stale_save_round(&t, &admin, case).await;
}

#[tokio::test]
async fn a_stale_contact_save_shows_what_changed_and_saves_over() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Edit Co" }),
    )
    .await;
    let contact = made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "李助理" }),
    )
    .await;
    let case = Case {
        path: format!("/contacts/{contact}"),
        api: format!("/api/v1/contacts/{contact}"),
        method: axum::http::Method::PUT,
        theirs: json!({ "customer_id": customer, "name": "李助理", "post": "CFO", "version": 1 }),
        yours: yours(&[
            ("customer_id", &customer.to_string()),
            ("name", "李助理"),
            ("mobile", "0912345678"),
            ("post", ""),
        ]),
        changed: ("Post", "CFO", "post"),
        typed: ("0912345678", "mobile"),
    };
    stale_save_round(&t, &admin, case).await;
}

#[tokio::test]
async fn a_stale_opportunity_save_shows_what_changed_and_saves_over() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Deal Co" }),
    )
    .await;
    let created = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Deal", "customer_id": customer }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let pipeline = created.body["pipeline_id"].to_string();
    let stage = created.body["stage_id"].to_string();
    let case = Case {
        path: format!("/opportunities/{id}"),
        api: format!("/api/v1/opportunities/{id}"),
        method: axum::http::Method::PUT,
        theirs: json!({
            "name": "Deal", "customer_id": customer, "pipeline_id": created.body["pipeline_id"],
            "stage_id": created.body["stage_id"], "notes": "their note", "version": 1
        }),
        yours: yours(&[
            ("name", "Deal"),
            ("customer_id", &customer.to_string()),
            ("pipeline_id", &pipeline),
            ("stage_id", &stage),
            ("expected_close_on", "2030-01-31"),
            ("notes", ""),
        ]),
        changed: ("Notes", "their note", "notes"),
        typed: ("2030-01-31", "expected_close_on"),
    };
    stale_save_round(&t, &admin, case).await;
}

#[tokio::test]
async fn a_stale_contract_save_shows_what_changed_and_saves_over() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Sign Co" }),
    )
    .await;
    let created = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Deal contract", "customer_id": customer, "amount": "100" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let number = created.body["number"].as_str().expect("number").to_string();
    let case = Case {
        path: format!("/contracts/{id}"),
        api: format!("/api/v1/contracts/{id}"),
        method: axum::http::Method::PUT,
        theirs: json!({
            "name": "Deal contract", "customer_id": customer, "amount": "100",
            "notes": "their note", "version": 1
        }),
        yours: yours(&[
            ("number", &number),
            ("name", "Deal contract"),
            ("customer_id", &customer.to_string()),
            ("amount", "100"),
            ("ends_on", "2030-12-31"),
            ("notes", ""),
        ]),
        changed: ("Notes", "their note", "notes"),
        typed: ("2030-12-31", "ends_on"),
    };
    stale_save_round(&t, &admin, case).await;
}

/// Converts leads through the API with `extra` beside their ids.
async fn convert(t: &TestApp, token: &str, ids: &[i64], extra: Value) -> crate::helpers::Answer {
    let mut body = json!({ "ids": ids });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    t.post("/api/v1/leads/convert", token, body).await
}

#[tokio::test]
async fn converting_a_lead_like_an_existing_customer_asks_to_link_or_create() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let existing = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "台灣積體電路製造股份有限公司" }),
    )
    .await;
    let lead = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "台灣積體電路製造", "contact_name": "王經理" }),
    )
    .await;
    let note = t
        .post(
            &format!("/api/v1/leads/{lead}/follow-ups"),
            &admin,
            json!({ "content": "Met at the fair" }),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    let before = t.get("/api/v1/customers", &admin).await.body["total"].clone();

    let asked = convert(&t, &admin, &[lead], json!({})).await;
    assert_eq!(asked.status, 409, "{}", asked.text);
    assert_eq!(asked.body["code"], "duplicate_customer");
    assert_eq!(asked.body["duplicates"][0]["lead_id"], lead);
    assert_eq!(asked.body["duplicates"][0]["matches"][0]["id"], existing);
    assert_eq!(
        asked.body["duplicates"][0]["matches"][0]["matched"],
        json!(["name"])
    );
    let still = t.get(&format!("/api/v1/leads/{lead}"), &admin).await;
    assert_eq!(still.body["converted"], false, "nothing is written");
    assert_eq!(
        t.get("/api/v1/customers", &admin).await.body["total"],
        before
    );

    let linked = convert(&t, &admin, &[lead], json!({ "on_duplicate": "link" })).await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    assert_eq!(linked.body[0]["customer_id"], existing);
    let done = t.get(&format!("/api/v1/leads/{lead}"), &admin).await;
    assert_eq!(done.body["converted"], true);
    assert_eq!(done.body["customer_id"], existing);
    assert_eq!(
        t.get("/api/v1/customers", &admin).await.body["total"],
        before
    );
    let follow_ups = t
        .get(&format!("/api/v1/customers/{existing}"), &admin)
        .await;
    assert!(
        follow_ups.text.contains("Met at the fair"),
        "the lead's follow-ups go to the customer: {}",
        follow_ups.text
    );

    let again = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "台積電分公司", "phone": "03-5636688" }),
    )
    .await;
    let by_phone = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Hsinchu office", "phone": "03 563 6688" }),
    )
    .await;
    let asked = convert(&t, &admin, &[again], json!({})).await;
    assert_eq!(asked.status, 409, "{}", asked.text);
    assert_eq!(asked.body["duplicates"][0]["matches"][0]["id"], by_phone);
    let created = convert(&t, &admin, &[again], json!({ "on_duplicate": "create" })).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let new = created.body[0]["customer_id"].as_i64().expect("customer");
    assert!(new != by_phone && new != existing, "a new customer anyway");
}

#[tokio::test]
async fn a_batch_conversion_names_every_lead_that_needs_a_choice() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let one = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Alpha Ltd" }),
    )
    .await;
    made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Beta", "email": "hi@beta.tw" }),
    )
    .await;
    made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Beta Trading", "email": "sales@beta.tw" }),
    )
    .await;
    let alpha = made(&t, &admin, "/api/v1/leads", json!({ "name": "ALPHA" })).await;
    // Like two customers: one by name, the other by e-mail.
    let beta = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Beta", "email": "sales@beta.tw" }),
    )
    .await;
    let clean = made(&t, &admin, "/api/v1/leads", json!({ "name": "Gamma" })).await;

    let asked = convert(&t, &admin, &[alpha, beta, clean], json!({})).await;
    assert_eq!(asked.status, 409, "{}", asked.text);
    let named: Vec<i64> = asked.body["duplicates"]
        .as_array()
        .expect("duplicates")
        .iter()
        .filter_map(|d| d["lead_id"].as_i64())
        .collect();
    assert_eq!(named, vec![alpha, beta]);
    let gamma = t.get(&format!("/api/v1/leads/{clean}"), &admin).await;
    assert_eq!(gamma.body["converted"], false, "all or none");

    let linked = convert(
        &t,
        &admin,
        &[alpha, beta, clean],
        json!({ "on_duplicate": "link" }),
    )
    .await;
    assert_eq!(linked.status, 409, "{}", linked.text);
    assert_eq!(linked.body["duplicates"][0]["lead_id"], beta);
    assert_eq!(linked.body["duplicates"][0]["reason"], "several");

    // On the list page: the box names the lead and offers both choices.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = body(&[
        ("_csrf", csrf.as_str()),
        ("ids", &alpha.to_string()),
        ("ids", &clean.to_string()),
    ]);
    let (status, html) = post_form(&t, &cookie, "/leads/convert", form).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains(&format!("href=\"/leads/{alpha}\">ALPHA</a>")));
    assert!(html.contains(&format!("href=\"/customers/{one}\">Alpha Ltd</a>")));
    assert!(html.contains("Link each to its existing customer"));
    assert!(html.contains("Create anyway"));
    let form = body(&[
        ("_csrf", csrf.as_str()),
        ("ids", &alpha.to_string()),
        ("ids", &clean.to_string()),
        ("on_duplicate", "link"),
    ]);
    let (status, location) = post_form(&t, &cookie, "/leads/convert", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.contains("done=converted&n=2"), "{location}");
    let alpha = t.get(&format!("/api/v1/leads/{alpha}"), &admin).await;
    assert_eq!(alpha.body["customer_id"], one);
}

#[tokio::test]
async fn a_lead_page_links_the_lead_to_the_customer_chosen() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = made(&t, &admin, "/api/v1/customers", json!({ "name": "Delta" })).await;
    let second = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Delta North", "mobile": "0912-345-678" }),
    )
    .await;
    let lead = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Delta", "mobile": "0912345678" }),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let back = format!("/leads/{lead}");
    let ids = lead.to_string();
    let form = body(&[("_csrf", csrf.as_str()), ("ids", &ids), ("back", &back)]);
    let (status, html) = post_form(&t, &cookie, "/leads/convert", form).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    for customer in [first, second] {
        assert!(
            html.contains(&format!("name=\"link_to\" value=\"{customer}\"")),
            "each match may be chosen"
        );
    }
    let chosen = second.to_string();
    let form = body(&[
        ("_csrf", csrf.as_str()),
        ("ids", &ids),
        ("back", &back),
        ("link_to", &chosen),
    ]);
    let (status, location) = post_form(&t, &cookie, "/leads/convert", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/customers/{second}?done=converted"));
}

#[tokio::test]
async fn the_contact_forms_customer_is_found_and_chosen_within_the_users_scope() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let rep = crate::record_fixtures::own_scope_rep(&t, &admin, "0966000001").await;
    let mine = made(
        &t,
        &rep,
        "/api/v1/customers",
        json!({ "name": "Acme Taipei" }),
    )
    .await;
    let theirs = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Acme Tainan" }),
    )
    .await;
    let cookie = page_session(&t, "0966000001").await;
    let csrf = page_csrf(&t, &cookie).await;

    let (status, html) = page(&t, &cookie, "/contacts/new", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"customer_q\""), "a field to type in");
    assert!(
        !html.contains("<select name=\"customer_id\""),
        "no list of every customer"
    );
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/contacts/new?customer_id={mine}"),
        "en",
    )
    .await;
    assert!(
        html.contains("value=\"Acme Taipei\""),
        "a customer given is named"
    );

    // Without a script: "Find" shows the customers that match, in scope.
    let typed = body(&[
        ("_csrf", csrf.as_str()),
        ("name", "林小姐"),
        ("customer_q", "acme"),
        ("customer_name", ""),
        ("customer_id", ""),
        ("_find", "1"),
    ]);
    let (status, html) = post_form(&t, &cookie, "/contacts", typed).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!(
        "type=\"radio\" name=\"customer_id\" value=\"{mine}\""
    )));
    assert!(
        !html.contains(&format!("value=\"{theirs}\"")),
        "outside the scope"
    );
    assert!(!html.contains("Acme Tainan"));
    assert!(html.contains("value=\"林小姐\""), "what was typed is kept");
    assert_eq!(hidden(&html, "customer_name"), "acme");
    let list = t.get("/api/v1/contacts", &rep).await;
    assert_eq!(list.body["total"], 0, "finding saves nothing");

    // Typing another name without choosing searches again rather than
    // saving the customer chosen before.
    let retyped = body(&[
        ("_csrf", csrf.as_str()),
        ("name", "林小姐"),
        ("customer_q", "Tainan"),
        ("customer_name", "acme"),
        ("customer_id", &mine.to_string()),
    ]);
    let (status, html) = post_form(&t, &cookie, "/contacts", retyped).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Choose the customer:"));
    assert_eq!(t.get("/api/v1/contacts", &rep).await.body["total"], 0);

    // Choosing one and saving.
    let chosen = body(&[
        ("_csrf", csrf.as_str()),
        ("name", "林小姐"),
        ("customer_q", "acme"),
        ("customer_name", "acme"),
        ("customer_id", &mine.to_string()),
    ]);
    let (status, location) = post_form(&t, &cookie, "/contacts", chosen).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let list = t.get("/api/v1/contacts", &rep).await;
    assert_eq!(list.body["items"][0]["customer_id"], mine);

    // A customer outside the scope cannot be forced by its id.
    let forced = body(&[
        ("_csrf", csrf.as_str()),
        ("name", "陳先生"),
        ("customer_q", ""),
        ("customer_name", ""),
        ("customer_id", &theirs.to_string()),
    ]);
    let (status, _) = post_form(&t, &cookie, "/contacts", forced).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn record_timelines_show_the_viewers_events_beside_follow_ups_in_time_order() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Timeline Co" }),
    )
    .await;
    let lead = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Timeline lead" }),
    )
    .await;
    let contact = made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": customer, "name": "周先生" }),
    )
    .await;
    for (kind, id) in [("customer", customer), ("lead", lead), ("contact", contact)] {
        let note = t
            .post(
                &format!("/api/v1/{kind}s/{id}/follow-ups"),
                &admin,
                json!({ "content": "Phoned them", "happened_at": "2024-03-01T02:00:00Z" }),
            )
            .await;
        assert_eq!(note.status, 201, "{}", note.text);
        for (title, at) in [
            ("Visit before the call", "2024-02-01T02:00:00Z"),
            ("Visit after the call", "2024-04-01T02:00:00Z"),
        ] {
            let event = t
                .post(
                    "/api/v1/events",
                    &admin,
                    json!({ "title": title, "starts_at": at, "related_kind": kind, "related_id": id }),
                )
                .await;
            assert_eq!(event.status, 201, "{}", event.text);
        }
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for path in [
        format!("/customers/{customer}"),
        format!("/leads/{lead}"),
        format!("/contacts/{contact}"),
    ] {
        let (status, html) = page(&t, &cookie, &path, "en").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let after = html.find("Visit after the call").expect("the later event");
        let call = html.find("Phoned them").expect("the follow-up");
        let before = html
            .find("Visit before the call")
            .expect("the earlier event");
        assert!(
            after < call && call < before,
            "{path}: newest first, in time order"
        );
    }

    // Someone else's events stay theirs.
    let viewer = t
        .role(
            &admin,
            "viewer",
            &["customer.view", "event.view"],
            json!({ "customer": { "scope": "all" } }),
        )
        .await;
    t.user(&admin, "0966000002", json!({ "role_ids": [viewer] }))
        .await;
    let cookie = page_session(&t, "0966000002").await;
    let (status, html) = page(&t, &cookie, &format!("/customers/{customer}"), "en").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Phoned them"));
    assert!(
        !html.contains("Visit after the call"),
        "not the viewer's event"
    );
}
