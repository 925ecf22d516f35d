//! What a payment waiting for an approver outside its contract's scope
//! shows, the pipeline and stage of an opportunity edit, and refusals that
//! name what to do.

use serde_json::json;

use crate::auth::{page_session, page_session_as};
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page};
use crate::sales_fixtures::{contract, create, customer, first_error, flow, sales_team, submit};

#[tokio::test]
async fn an_approver_outside_the_scope_sees_what_a_payment_pays_against_without_links() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Globex").await;
    let deal = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let plan = t
        .post(
            &format!("/api/v1/contracts/{deal}/plans"),
            rep,
            json!({ "amount": "600", "planned_on": "2026-03-01" }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), rep).await;
    let plan_id = detail.body["plans"][0]["id"].as_i64().expect("plan id");
    let number = detail.body["number"].as_str().expect("number").to_string();
    flow(
        &t,
        &team,
        "payment",
        json!({ "steps": [{ "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }] }),
    )
    .await;
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "plan_id": plan_id, "amount": "100", "received_on": "2026-02-02" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", paid).await, "in_approval");

    // The approver may open the payment, not its contract or customer.
    let finance = team.finance.1.as_str();
    let opened = t.get(&format!("/api/v1/payments/{paid}"), finance).await;
    assert_eq!(opened.status, 200, "{}", opened.text);
    let against = &opened.body["against"];
    assert_eq!(
        against["contract_number"],
        number.as_str(),
        "{}",
        opened.text
    );
    assert_eq!(against["contract_amount"], 100_000);
    assert_eq!(against["contract_received"], 0);
    assert_eq!(against["contract_outstanding"], 100_000);
    assert_eq!(against["contract_visible"], false);
    assert_eq!(against["customer_visible"], false);
    assert_eq!(against["instalment"]["instalment"], 1);
    assert_eq!(against["instalment"]["amount"], 60_000);
    assert_eq!(against["instalment"]["outstanding"], 60_000);
    let contract_page = t.get(&format!("/api/v1/contracts/{deal}"), finance).await;
    assert_eq!(contract_page.status, 404, "scope is not widened");

    let cookie = page_session_as(&t, "0971000004", PASSWORD).await;
    let (status, html) = page(&t, &cookie, &format!("/payments/{paid}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&number), "the contract's number is shown");
    assert!(
        !html.contains(&format!("href=\"/contracts/{deal}\"")),
        "no link the approver cannot open"
    );
    assert!(!html.contains(&format!("href=\"/customers/{client}\"")));
    for label in ["Contract amount", "Outstanding", "Instalment outstanding"] {
        assert!(html.contains(label), "{label} shown");
    }
    let (status, _) = page(&t, &cookie, &format!("/contracts/{deal}"), "en").await;
    assert_eq!(status, 404);

    // Whoever may open the contract still gets the links.
    let admin = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin, &format!("/payments/{paid}"), "en").await;
    assert!(html.contains(&format!("href=\"/contracts/{deal}\"")));
    assert!(html.contains(&format!("href=\"/customers/{client}\"")));
    let mine = t.get(&format!("/api/v1/payments/{paid}"), rep).await;
    assert_eq!(mine.body["against"]["contract_visible"], true);
}

#[tokio::test]
async fn an_opportunity_edit_refuses_another_pipeline_or_stage_and_keeps_the_version_when_nothing_changes()
 {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Initech").await;
    let deal = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Printers", "customer_id": client, "amount": "500" }),
    )
    .await;
    let path = format!("/api/v1/opportunities/{deal}");
    let stored = t.get(&path, rep).await;
    let version = stored.body["version"].as_i64().expect("version");
    let stage = stored.body["stage_id"].as_i64().expect("stage");
    let pipeline = stored.body["pipeline_id"].as_i64().expect("pipeline");
    let pipelines = t.get("/api/v1/pipelines", rep).await;
    let other_stage = pipelines.body[0]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .find(|id| *id != stage)
        .expect("another stage");

    let moved = t
        .put(
            &path,
            rep,
            json!({ "stage_id": other_stage, "version": version }),
        )
        .await;
    assert_eq!(moved.status, 422, "{}", moved.text);
    assert_eq!(
        first_error(&moved),
        ("stage_id".into(), "stage_through_stage_action".into())
    );
    assert!(
        moved.text.contains("/api/v1/opportunities/{id}/stage"),
        "{}",
        moved.text
    );
    let switched = t
        .put(
            &path,
            rep,
            json!({ "pipeline_id": pipeline + 1000, "version": version }),
        )
        .await;
    assert_eq!(switched.status, 422, "{}", switched.text);
    assert_eq!(
        first_error(&switched),
        ("pipeline_id".into(), "pipeline_fixed".into())
    );
    assert!(
        switched.text.contains("create a new opportunity"),
        "{}",
        switched.text
    );
    assert_eq!(t.get(&path, rep).await.body["stage_id"], stage);

    // Sent back as read, they are accepted; nothing changed, no new version.
    let same = t
        .put(
            &path,
            rep,
            json!({ "name": "Printers", "pipeline_id": pipeline, "stage_id": stage, "version": version }),
        )
        .await;
    assert_eq!(same.status, 200, "{}", same.text);
    assert_eq!(same.body["version"], version, "{}", same.text);
    let log = same.body["change_log"].as_array().map_or(0, Vec::len);

    let renamed = t
        .put(
            &path,
            rep,
            json!({ "name": "Printers 2", "version": version }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["version"], version + 1);
    assert!(renamed.body["change_log"].as_array().map_or(0, Vec::len) > log);
}

/// The cells of a CSV export's rows, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn lists_and_exports_read_query_dates_as_the_forms_and_imports_do() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Hooli").await;
    let deal = contract(&t, rep, client, "800").await;
    submit(&t, rep, "contracts", deal).await;
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "amount": "100", "received_on": "2026-01-05" }),
    )
    .await;
    for query in [
        "from=2026/01/01&to=2026/12/31",
        "from=2026/1/5&to=2026/1/5",
        "from=2026%E5%B9%B41%E6%9C%885%E6%97%A5&to=2026-01-05",
    ] {
        let listed = t.get(&format!("/api/v1/payments?{query}"), rep).await;
        assert_eq!(listed.status, 200, "{query}: {}", listed.text);
        assert_eq!(listed.body["items"][0]["id"], paid, "{query}");
    }
    let later = t.get("/api/v1/payments?from=2026/1/6", rep).await;
    assert_eq!(later.status, 200, "{}", later.text);
    assert_eq!(later.body["items"].as_array().map(Vec::len), Some(0));
    // What is no date at all is still refused by its name.
    let bad = t.get("/api/v1/payments?from=2026/02/30", rep).await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(
        first_error(&bad),
        ("from".into(), "parameter_unreadable".into())
    );
}

#[tokio::test]
async fn the_contract_export_leaves_outstanding_blank_for_contracts_not_approved() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Pied Piper").await;
    let draft = contract(&t, rep, client, "700").await;
    let approved = contract(&t, rep, client, "900").await;
    submit(&t, rep, "contracts", approved).await;
    let listed = t.get(&format!("/api/v1/contracts/{draft}"), rep).await;
    assert_eq!(listed.body["outstanding"], serde_json::Value::Null);
    let draft_number = listed.body["number"].as_str().expect("number").to_string();
    let file = t
        .get("/api/v1/exports/contracts?format=csv", &team.admin)
        .await;
    assert_eq!(file.status, 200, "{}", file.text);
    let rows = csv_rows(&file.text);
    let column = rows[0]
        .iter()
        .position(|h| h == "Outstanding")
        .expect("outstanding column");
    let number = rows[0].iter().position(|h| h == "Number").expect("number");
    for row in &rows[1..] {
        if row[number] == draft_number {
            assert_eq!(row[column], "", "{row:?}");
        } else {
            assert!(row[column].starts_with("900"), "{row:?}");
        }
    }
    assert_eq!(rows.len(), 3);
}

#[tokio::test]
async fn a_product_line_without_a_product_is_refused_with_what_was_typed_kept() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let client = customer(&t, &team.admin, "Umbrella").await;
    let chair = crate::sales_fixtures::product(&t, &team.admin, "Chair", "30").await;
    let lines = format!(
        "line_product={chair}&line_quantity=2&line_price=&line_discount=&line_product=&line_quantity=5&line_price=&line_discount="
    );
    for path in ["/opportunities", "/contracts"] {
        let form = format!("_csrf={csrf}&name=Half&customer_id={client}&{lines}");
        let (status, html) = crate::helpers::post_form(&t, &cookie, path, form).await;
        assert_eq!(status, 422, "{path}: {html}");
        assert!(
            html.contains("Product lines #2: choose a product, or clear the line."),
            "{path}: {html}"
        );
        assert!(
            html.contains("value=\"5\""),
            "{path}: the quantity typed is kept"
        );
        let (_, html) = crate::helpers::post_form_in(
            &t,
            &cookie,
            path,
            format!("_csrf={csrf}&name=Half&customer_id={client}&{lines}"),
            "zh-Hant",
        )
        .await;
        assert!(
            html.contains("第 2 行：請選擇產品，或清空這一行。"),
            "{path}"
        );
    }
    let none = t.get("/api/v1/opportunities", &team.admin).await;
    assert_eq!(none.body["items"].as_array().map(Vec::len), Some(0));

    // Empty rows still cost nothing.
    let form = format!(
        "_csrf={csrf}&name=Whole&customer_id={client}&line_product={chair}&line_quantity=2&line_product=&line_quantity="
    );
    let (status, location) = crate::helpers::post_form(&t, &cookie, "/opportunities", form).await;
    assert_eq!(status, 303, "{location}");
}

#[tokio::test]
async fn refusals_list_the_accepted_words_and_name_request_values_by_the_body_path() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let refused = t
        .put(
            "/api/v1/requests/kinds",
            &team.admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "amt", "label": "Amount", "field_type": "single_choice" }
            ] }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("fields.0.field_type".into(), "value_not_accepted".into())
    );
    for word in ["single_choice", "choice", "money", "long_text"] {
        assert!(refused.text.contains(word), "{word}: {}", refused.text);
    }
    let condition = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Big", "definition": { "steps": [
                { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
                  "condition": [{ "field": "amount", "op": "gte", "value": { "number": 100 } }] }
            ] } }),
        )
        .await;
    assert_eq!(condition.status, 422, "{}", condition.text);
    assert!(condition.text.contains("“gte”"), "{}", condition.text);
    for word in ["ge", "gt", "le", "lt", "eq"] {
        assert!(
            condition.text.contains(&format!("{word},"))
                || condition.text.contains(&format!("{word}.")),
            "{word}: {}",
            condition.text
        );
    }

    let form = t
        .put(
            "/api/v1/requests/kinds",
            &team.admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "amt", "label": "Amount", "field_type": "money" }
            ] }),
        )
        .await;
    assert_eq!(form.status, 200, "{}", form.text);
    let wrong = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "Back", "fields": { "amt": "abc" } }),
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert_eq!(first_error(&wrong).0, "fields.amt", "{}", wrong.text);
}

#[tokio::test]
async fn an_unknown_sort_key_is_refused_with_the_keys_of_the_list() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let bogus = t.get("/api/v1/contracts?sort=bogus", &team.admin).await;
    assert_eq!(bogus.status, 422, "{}", bogus.text);
    assert_eq!(
        first_error(&bogus),
        ("sort".into(), "sort_not_accepted".into())
    );
    for key in ["number", "amount", "signed_on", "bogus"] {
        assert!(bogus.text.contains(key), "{key}: {}", bogus.text);
    }
}

#[tokio::test]
async fn a_contract_with_another_customers_opportunity_says_so() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let first = customer(&t, rep, "Stark").await;
    let second = customer(&t, rep, "Wayne").await;
    let deal = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Armour", "customer_id": first }),
    )
    .await;
    let refused = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Cave", "customer_id": second, "opportunity_id": deal, "amount": "10" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        (
            "opportunity_id".into(),
            "opportunity_of_other_customer".into()
        )
    );
    assert!(
        refused.text.contains("another customer"),
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn voiding_a_contract_with_payments_names_the_payments_to_void_first() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let client = customer(&t, admin, "Cyberdyne").await;
    let deal = contract(&t, admin, client, "500").await;
    submit(&t, admin, "contracts", deal).await;
    let paid = create(
        &t,
        admin,
        "/api/v1/payments",
        json!({ "contract_id": deal, "amount": "100", "received_on": "2026-01-05" }),
    )
    .await;
    assert_eq!(submit(&t, admin, "payments", paid).await, "approved");
    let number = t.get(&format!("/api/v1/payments/{paid}"), admin).await.body["number"]
        .as_str()
        .expect("number")
        .to_string();
    let void = t
        .post(
            &format!("/api/v1/contracts/{deal}/void"),
            admin,
            json!({ "reason": "Signed twice" }),
        )
        .await;
    assert!(void.status.is_client_error(), "{}", void.text);
    assert_eq!(void.body["code"], "contract_has_approved_payments");
    assert!(void.text.contains(&number), "{}", void.text);
    assert!(void.text.contains("void its payments"), "{}", void.text);
}

#[tokio::test]
async fn record_lists_refuse_an_unknown_sort_key_listing_theirs() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (path, code, keys) in [
        (
            "/api/v1/customers?sort=bogus",
            "sort_not_a_key",
            &["name", "level_id", "desc=true"][..],
        ),
        (
            "/api/v1/leads?sort=bogus",
            "sort_not_a_key",
            &["name", "desc=true"][..],
        ),
        (
            "/api/v1/opportunities?sort=bogus",
            "sort_not_accepted",
            &["stage_id", "expected_close_on"][..],
        ),
    ] {
        let bogus = t.get(path, &admin).await;
        assert_eq!(bogus.status, 422, "{path}: {}", bogus.text);
        assert_eq!(first_error(&bogus), ("sort".into(), code.into()), "{path}");
        for key in keys {
            assert!(bogus.text.contains(key), "{path} {key}: {}", bogus.text);
        }
    }
}

#[tokio::test]
async fn a_query_date_with_the_year_last_is_named_as_ambiguous() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let refused = t
        .get("/api/v1/payments?from=05/12/2026&to=2026-12-31", &admin)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("from".into(), "date_year_last".into())
    );
    assert!(refused.text.contains("year last"), "{}", refused.text);
}
