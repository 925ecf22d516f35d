//! Lead conversion with a choice per lead, the customer picker's count of
//! what it leaves out, every bad field of a customer, lead or contact body
//! at once, ranges of days in list conditions, and migration 0033.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::record_fixtures::{custom_field, made};

/// A form body from its fields, encoded as a browser encodes it.
fn body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// Converts leads through the API with `extra` beside their ids.
async fn convert(t: &TestApp, token: &str, ids: &[i64], extra: Value) -> crate::helpers::Answer {
    let mut body = json!({ "ids": ids });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    t.post("/api/v1/leads/convert", token, body).await
}

/// Customers Alpha Ltd, Beta and Beta Trading; leads ALPHA (like Alpha
/// Ltd), Beta (like both Betas) and Gamma (like none).
struct Batch {
    alpha_ltd: i64,
    beta: i64,
    beta_trading: i64,
    leads: [i64; 3],
}

async fn batch(t: &TestApp, admin: &str) -> Batch {
    let customer = |name: &str, email: &str| {
        let body = json!({ "name": name, "email": email });
        async move { made(t, admin, "/api/v1/customers", body).await }
    };
    let alpha_ltd = customer("Alpha Ltd", "office@alpha.tw").await;
    let beta = customer("Beta", "hi@beta.tw").await;
    let beta_trading = customer("Beta Trading", "sales@beta.tw").await;
    let alpha = made(t, admin, "/api/v1/leads", json!({ "name": "ALPHA" })).await;
    let lead = json!({ "name": "Beta", "email": "sales@beta.tw" });
    let both = made(t, admin, "/api/v1/leads", lead).await;
    let gamma = made(t, admin, "/api/v1/leads", json!({ "name": "Gamma" })).await;
    Batch {
        alpha_ltd,
        beta,
        beta_trading,
        leads: [alpha, both, gamma],
    }
}

async fn lead(t: &TestApp, admin: &str, id: i64) -> Value {
    t.get(&format!("/api/v1/leads/{id}"), admin).await.body
}

#[tokio::test]
async fn a_batch_converts_with_the_customer_chosen_for_a_lead_that_matches_several() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let b = batch(&t, &admin).await;
    let [alpha, both, gamma] = b.leads;

    let asked = convert(&t, &admin, &b.leads, json!({ "on_duplicate": "link" })).await;
    assert_eq!(asked.status, 409, "{}", asked.text);
    assert_eq!(asked.body["duplicates"][0]["lead_id"], both);
    assert_eq!(asked.body["duplicates"][0]["reason"], "several");
    let message = asked.body["title"].as_str().unwrap_or_default();
    for named in [
        format!("Beta (#{both})"),
        format!("Beta (#{})", b.beta),
        format!("Beta Trading (#{})", b.beta_trading),
    ] {
        assert!(message.contains(&named), "{named} in {message}");
    }
    assert_eq!(lead(&t, &admin, gamma).await["converted"], false);

    // A choice that is none of the lead's matches is refused, naming why.
    let wrong = json!({ "on_duplicate": "link",
        "choices": [{ "lead_id": both, "action": "link", "customer_id": b.alpha_ltd }] });
    let refused = convert(&t, &admin, &b.leads, wrong).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["duplicates"][0]["reason"], "not_a_match");

    let chosen = json!({ "on_duplicate": "link",
        "choices": [{ "lead_id": both, "action": "link", "customer_id": b.beta_trading }] });
    let done = convert(&t, &admin, &b.leads, chosen).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(lead(&t, &admin, alpha).await["customer_id"], b.alpha_ltd);
    assert_eq!(lead(&t, &admin, both).await["customer_id"], b.beta_trading);
    let gamma = lead(&t, &admin, gamma).await;
    assert_eq!(gamma["converted"], true);
    assert!(
        ![b.alpha_ltd, b.beta, b.beta_trading]
            .contains(&gamma["customer_id"].as_i64().unwrap_or(0)),
        "a lead like no customer becomes a new one"
    );
}

#[tokio::test]
async fn a_lead_left_out_stays_open_and_the_others_convert() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let b = batch(&t, &admin).await;
    let [alpha, both, gamma] = b.leads;
    let choices = json!({ "choices": [
        { "lead_id": both, "action": "skip" },
        { "lead_id": alpha, "action": "create" },
    ] });
    let done = convert(&t, &admin, &b.leads, choices).await;
    assert_eq!(done.status, 200, "{}", done.text);
    let converted: Vec<i64> = done
        .body
        .as_array()
        .expect("converted")
        .iter()
        .filter_map(|c| c["lead_id"].as_i64())
        .collect();
    assert_eq!(converted, vec![alpha, gamma]);
    assert_eq!(lead(&t, &admin, both).await["converted"], false);
    let alpha = lead(&t, &admin, alpha).await;
    assert_ne!(alpha["customer_id"], b.alpha_ltd, "created anyway");
}

#[tokio::test]
async fn the_list_page_offers_a_choice_per_lead_and_converts_with_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let b = batch(&t, &admin).await;
    let [alpha, both, gamma] = b.leads;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let ids: Vec<String> = b.leads.iter().map(i64::to_string).collect();
    let mut fields = vec![("_csrf", csrf.as_str()), ("on_duplicate", "link")];
    fields.extend(ids.iter().map(|id| ("ids", id.as_str())));
    let (status, html) = post_form(&t, &cookie, "/leads/convert", body(&fields)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("name=\"choice\""), "{html}");
    for offered in [
        format!("value=\"{both}:link:{}\"", b.beta),
        format!("value=\"{both}:link:{}\"", b.beta_trading),
        format!("value=\"{both}:create\""),
        format!("value=\"{both}:skip\""),
    ] {
        assert!(html.contains(&offered), "{offered}");
    }
    assert!(html.contains("choose the one to link it to"), "{html}");
    assert_eq!(lead(&t, &admin, alpha).await["converted"], false);

    let choice = format!("{both}:link:{}", b.beta);
    fields.push(("choice", &choice));
    // A choice left as the button says is sent empty.
    fields.push(("choice", ""));
    let (status, location) = post_form(&t, &cookie, "/leads/convert", body(&fields)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.contains("done=converted&n=3"), "{location}");
    assert_eq!(lead(&t, &admin, both).await["customer_id"], b.beta);
    assert_eq!(lead(&t, &admin, alpha).await["customer_id"], b.alpha_ltd);
    assert_eq!(lead(&t, &admin, gamma).await["converted"], true);
}

#[tokio::test]
async fn the_customer_picker_says_how_many_more_match() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for n in 0..23 {
        let body = json!({ "name": format!("Harbour {n:02}") });
        made(&t, &admin, "/api/v1/customers", body).await;
    }
    made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Lone Pine" }),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let find = |q: &str| {
        body(&[
            ("_csrf", csrf.as_str()),
            ("name", "Ming"),
            ("customer_q", q),
            ("_find", "1"),
        ])
    };
    let (status, html) = post_form(&t, &cookie, "/contacts", find("Harbour")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(html.matches("name=\"customer_id\" value=").count(), 20);
    assert!(html.contains("3 more — type more of the name"), "{html}");
    let (_, html) = post_form(&t, &cookie, "/contacts", find("Lone")).await;
    assert!(html.contains("Lone Pine"));
    assert!(!html.contains("data-picks-more"), "nothing left out");
    let (_, zh) = {
        let request = axum::http::Request::builder()
            .method(axum::http::Method::POST)
            .uri("/contacts")
            .header(
                axum::http::header::COOKIE,
                format!("{cookie}; kj_lang=zh-Hant"),
            )
            .header(
                axum::http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(axum::body::Body::from(find("Harbour")))
            .expect("request");
        let answer = t.send(request).await;
        (answer.status, answer.text)
    };
    assert!(zh.contains("還有 3 個"), "{zh}");

    // The picker's search says so too.
    let found = t.get("/api/v1/search?q=Harbour", &admin).await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.body["more"]["customer"], 15);
    let found = t.get("/api/v1/search?q=Lone", &admin).await;
    assert_eq!(found.body["more"], json!({}));
}

/// The fields and codes of a 422, sorted.
fn bad_fields(answer: &crate::helpers::Answer) -> Vec<(String, String)> {
    assert_eq!(answer.status, 422, "{}", answer.text);
    let mut all: Vec<(String, String)> = answer.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let field = e["field"].as_str().unwrap_or_default().to_string();
            (field, e["code"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    all.sort();
    all
}

fn pairs(all: &[(&str, &str)]) -> Vec<(String, String)> {
    all.iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

#[tokio::test]
async fn customer_lead_and_contact_bodies_report_every_bad_field_at_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let bad = json!({ "name": 5, "level_id": "x", "next_contact_at": "2024-02-30T10:00:00Z" });
    let expected = pairs(&[
        ("level_id", "invalid_value"),
        ("name", "invalid_value"),
        ("next_contact_at", "date_invalid"),
    ]);
    let created = t.post("/api/v1/customers", &admin, bad.clone()).await;
    assert_eq!(bad_fields(&created), expected);
    for error in created.body["errors"].as_array().expect("errors") {
        assert!(!error["message"].as_str().unwrap_or_default().is_empty());
    }
    let customer = made(&t, &admin, "/api/v1/customers", json!({ "name": "Kept" })).await;
    let path = format!("/api/v1/customers/{customer}");
    let patched = t.patch(&path, &admin, bad.clone()).await;
    assert_eq!(bad_fields(&patched), expected);
    assert_eq!(
        t.get(&path, &admin).await.body["name"],
        "Kept",
        "nothing saved"
    );

    let lead_bad = json!({ "name": 5, "level_id": "x", "colour": "red" });
    let lead_expected = pairs(&[
        ("colour", "field_unknown"),
        ("level_id", "invalid_value"),
        ("name", "invalid_value"),
    ]);
    let created = t.post("/api/v1/leads", &admin, lead_bad.clone()).await;
    assert_eq!(bad_fields(&created), lead_expected);
    let lead = made(&t, &admin, "/api/v1/leads", json!({ "name": "Open" })).await;
    let edited = t
        .put(&format!("/api/v1/leads/{lead}"), &admin, lead_bad)
        .await;
    assert_eq!(bad_fields(&edited), lead_expected);

    let contact_bad = json!({ "name": 5, "customer_id": "x", "is_primary": "yes" });
    let contact_expected = pairs(&[
        ("customer_id", "invalid_value"),
        ("is_primary", "invalid_value"),
        ("name", "invalid_value"),
    ]);
    let created = t
        .post("/api/v1/contacts", &admin, contact_bad.clone())
        .await;
    assert_eq!(bad_fields(&created), contact_expected);
    let body = json!({ "name": "Ming", "customer_id": customer });
    let contact = made(&t, &admin, "/api/v1/contacts", body).await;
    let edited = t
        .put(&format!("/api/v1/contacts/{contact}"), &admin, contact_bad)
        .await;
    assert_eq!(bad_fields(&edited), contact_expected);

    // A good body still saves.
    let good = t.patch(&path, &admin, json!({ "name": "Renamed" })).await;
    assert_eq!(good.status, 200, "{}", good.text);
}

#[tokio::test]
async fn custom_dates_in_list_conditions_take_a_range_of_days() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "customer", "signed", "date").await;
    custom_field(&t, &admin, "lead", "met", "date").await;
    for (name, day) in [
        ("Early Co", "2024-01-03"),
        ("Mid Co", "2024-02-10"),
        ("Late Co", "2024-03-20"),
    ] {
        let body = json!({ "name": name, "custom": { "signed": day } });
        made(&t, &admin, "/api/v1/customers", body).await;
        let body = json!({ "name": name, "custom": { "met": day } });
        made(&t, &admin, "/api/v1/leads", body).await;
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, "/customers", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("custom.signed|between"), "offered on a date");
    assert!(html.contains("name=\"cvf\"") && html.contains("name=\"cvt\""));
    let (_, html) = page(&t, &cookie, "/leads", "en").await;
    assert!(
        html.contains("custom.met|between"),
        "offered on a lead's date"
    );
    assert!(html.contains("created_at|between"), "offered on a time");

    let path = "/customers?cond=custom.signed%7Cbetween&cvf=2024-02-01&cvt=2024-03-20";
    let (status, html) = page(&t, &cookie, path, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Mid Co") && html.contains("Late Co"),
        "{html}"
    );
    assert!(!html.contains("Early Co"));
    assert!(
        html.contains("2024-02-01 – 2024-03-20"),
        "the chip says the range"
    );

    let path = "/leads?cond=custom.met%7Cbetween&cvf=&cvt=2024-02-10";
    let (status, html) = page(&t, &cookie, path, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Early Co") && html.contains("Mid Co"),
        "the last day counts"
    );
    assert!(!html.contains("Late Co"));

    let path = "/leads?cond=created_at%7Cbetween&cvf=2026-03-02&cvt=2026-03-02";
    let (status, html) = page(&t, &cookie, path, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Early Co"), "a system time takes a range too");
    let path = "/leads?cond=created_at%7Cbetween&cvf=2026-03-03&cvt=";
    let (_, html) = page(&t, &cookie, path, "en").await;
    assert!(!html.contains("Early Co"), "made the day before the range");
    let path = "/contacts?cond=created_at%7Cbetween&cvf=2026-03-01&cvt=2026-03-02";
    let (status, _) = page(&t, &cookie, path, "en").await;
    assert_eq!(status, 200, "contacts too");

    let path = "/customers?cond=custom.signed%7Cbetween&cvf=2024-03-01&cvt=2024-02-01";
    let (status, html) = page(&t, &cookie, path, "en").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("the end comes before the start"), "{html}");
    assert!(
        html.contains("Early Co"),
        "the list is shown again without it"
    );
}

/// The permissions of the built-in sales manager, as stored.
async fn manager_permissions(t: &TestApp) -> Vec<String> {
    let url = t.settings.database_url();
    let statement = "select permissions from roles where code = 'sales_manager'";
    let text: String = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.expect("postgres");
        let text = sqlx::query_scalar(statement)
            .fetch_one(&pool)
            .await
            .expect("the sales manager");
        pool.close().await;
        text
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
        let text = sqlx::query_scalar(statement)
            .fetch_one(&pool)
            .await
            .expect("the sales manager");
        pool.close().await;
        text
    };
    serde_json::from_str(&text).expect("a list of permissions")
}

fn times(all: &[String], permission: &str) -> usize {
    all.iter().filter(|p| *p == permission).count()
}

#[tokio::test]
async fn migration_0033_gives_lead_teams_to_a_sales_manager_without_them() {
    let mut t = TestApp::new().await;
    let before = manager_permissions(&t).await;
    assert_eq!(times(&before, "lead.team"), 1, "{before:?}");

    // A database as it was before 0033: the role without the permission,
    // and the migration not yet run.
    let kept: Vec<&String> = before.iter().filter(|p| *p != "lead.team").collect();
    let kept = serde_json::to_string(&kept).expect("json");
    t.sql(&format!(
        "update roles set permissions = '{kept}' where code = 'sales_manager'"
    ))
    .await;
    assert_eq!(times(&manager_permissions(&t).await, "lead.team"), 0);
    t.sql("delete from _sqlx_migrations where version = 33")
        .await;
    t.restart().await;
    let after = manager_permissions(&t).await;
    assert_eq!(times(&after, "lead.team"), 1, "{after:?}");
    let (mut expected, mut got) = (before.clone(), after.clone());
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "nothing else changes");

    // Run again on a role that has it: not added twice.
    t.sql("delete from _sqlx_migrations where version = 33")
        .await;
    t.restart().await;
    assert_eq!(times(&manager_permissions(&t).await, "lead.team"), 1);
}
