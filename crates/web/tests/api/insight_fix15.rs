//! Dashboard money figures link to the records in their currency; the
//! report builder keeps its conditions as they are read and refuses what
//! means nothing; a rep hears plainly that they see only their own data;
//! the schedule's range names its ends.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page, post_form, urlencode};
use crate::sales_fixtures::{create, customer, submit};

const MARCH: &str = "period=custom&from=2026-03-01&to=2026-03-31";

/// Every link on a page to a list at `path` (`/contracts?`), unescaped.
fn links(html: &str, path: &str) -> Vec<String> {
    html.split(&format!("href=\"{path}"))
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|query| {
            format!(
                "{path}{}",
                query.replace("&amp;", "&").replace("&#38;", "&")
            )
        })
        .collect()
}

#[tokio::test]
async fn a_money_figure_links_to_exactly_the_records_in_its_currency() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let currency = t.app.currency();
    let other = if currency == "USD" { "EUR" } else { "USD" };
    let client = customer(&t, &admin, "Client").await;
    for (name, amount, money, day) in [
        ("Home one", "100", currency.as_str(), "2026-03-01"),
        ("Home two", "200", currency.as_str(), "2026-03-02"),
        ("Abroad", "300", other, "2026-03-02"),
    ] {
        let id = create(
            &t,
            &admin,
            "/api/v1/contracts",
            json!({ "name": name, "customer_id": client, "amount": amount,
                    "currency": money, "signed_on": day }),
        )
        .await;
        assert_eq!(submit(&t, &admin, "contracts", id).await, "approved");
    }
    for (name, money) in [("Deal home", currency.as_str()), ("Deal abroad", other)] {
        create(
            &t,
            &admin,
            "/api/v1/opportunities",
            json!({ "name": name, "customer_id": client, "amount": "50", "currency": money }),
        )
        .await;
    }
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2026, "month": 0, "measure": "contract_amount", "amount": "1200" }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/dashboard?{MARCH}"), "en").await;
    assert_eq!(status, 200);
    // The brief, the target, the trend and the ranking: each contract
    // link lists the records in the currency its money is in.
    let contract_links = links(&html, "/contracts?");
    assert!(contract_links.len() >= 4, "{contract_links:?}");
    for link in &contract_links {
        assert!(link.contains(&format!("currency={currency}")), "{link}");
        let (status, list) = page(&t, &cookie, link, "en").await;
        assert_eq!(status, 200, "{link}");
        assert!(!list.contains(&format!("{other} 300.00")), "{link}: {list}");
    }
    let (_, brief) = page(&t, &cookie, &contract_links[0], "en").await;
    assert!(
        brief.contains(&format!("{currency} 100.00"))
            && brief.contains(&format!("{currency} 200.00")),
        "{brief}"
    );
    // Without the currency the list holds the third too: the figure's
    // link is what narrows it.
    let (_, all) = page(
        &t,
        &cookie,
        "/contracts?status=approved&from=2026-03-01&to=2026-03-31",
        "en",
    )
    .await;
    assert!(all.contains(&format!("{other} 300.00")), "{all}");
    assert!(
        brief.contains(&format!("in {currency}")),
        "the list says so"
    );
    // A stage's open opportunities, counted in the dashboard's currency.
    let stage = links(&html, "/opportunities?")
        .into_iter()
        .find(|l| l.contains("stage_id="))
        .expect("a stage link");
    assert!(stage.contains(&format!("currency={currency}")), "{stage}");
    let (_, deals) = page(&t, &cookie, &stage, "en").await;
    assert!(deals.contains("Deal home") && !deals.contains("Deal abroad"));

    // The API lists narrow the same way, the code in either case.
    let board = t.get(&format!("/api/v1/dashboard?{MARCH}"), &admin).await;
    let brief = board.body["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == "contracts_approved")
        .expect("contracts")
        .clone();
    for (code, expected) in [(currency.to_lowercase(), 2), (other.to_string(), 1)] {
        let list = t
            .get(
                &format!(
                    "/api/v1/contracts?status=approved&from=2026-03-01&to=2026-03-31&currency={code}"
                ),
                &admin,
            )
            .await;
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(list.body["total"], expected, "{code}");
    }
    let in_currency = brief["current"]["amounts"]
        .as_array()
        .expect("amounts")
        .iter()
        .find(|a| a["currency"] == currency.as_str())
        .expect("amount")["count"]
        .clone();
    assert_eq!(in_currency, 2, "the figure counts what its link lists");
}

fn report(kind: &str, filters: Value) -> Value {
    json!({ "name": "Kept", "kind": kind, "group_by": ["owner_id"],
            "measures": [{"op": "count"}], "filters": filters, "chart": "table" })
}

#[tokio::test]
async fn builder_conditions_are_kept_as_read_and_meaningless_ones_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // Full-width days are kept as the number; "has passed" keeps no value.
    let id = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        report(
            "customers",
            json!([
                {"field": "created_at", "op": "older_than_days", "value": "３０"},
                {"field": "next_contact_at", "op": "passed", "value": "junk"},
                {"field": "industry_id", "op": "is_empty", "value": "junk"}
            ]),
        ),
    )
    .await;
    let saved = t.get(&format!("/api/v1/custom-reports/{id}"), &admin).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let filters = &saved.body["filters"];
    assert_eq!(filters[0]["value"], 30, "{}", saved.text);
    assert!(
        filters[1].get("value").is_none_or(Value::is_null),
        "{}",
        saved.text
    );
    assert!(
        filters[2].get("value").is_none_or(Value::is_null),
        "{}",
        saved.text
    );

    // "Has passed" on a time always in the past is refused, saying why.
    let refused = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            report(
                "customers",
                json!([{"field": "created_at", "op": "passed"}]),
            ),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let error = &refused.body["errors"][0];
    assert_eq!(error["field"], "filters.0.op", "{}", refused.text);
    assert_eq!(error["code"], "passed_always_past", "{}", refused.text);
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("always in the past") && message.contains("Created"),
        "{message}"
    );

    // Changing the kind with the old kind's filters is refused, filter by
    // filter; the filters that fit the new kind are not.
    let version = saved.body["version"].as_i64().expect("version");
    let mut changed = report(
        "contracts",
        json!([
            {"field": "created_at", "op": "older_than_days", "value": 30},
            {"field": "industry_id", "op": "is_empty"}
        ]),
    );
    changed["version"] = json!(version);
    let put = t
        .put(&format!("/api/v1/custom-reports/{id}"), &admin, changed)
        .await;
    assert_eq!(put.status, 422, "{}", put.text);
    let errors = put.body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{}", put.text);
    assert_eq!(errors[0]["field"], "filters.1.field");
    assert_eq!(errors[0]["code"], "filter_not_of_kind");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Filter 2"), "{message}");
    let kept = t.get(&format!("/api/v1/custom-reports/{id}"), &admin).await;
    assert_eq!(kept.body["kind"], "customers", "nothing saved");
}

#[tokio::test]
async fn the_builder_form_shows_the_boxes_of_each_condition_and_takes_off_other_kinds_filters() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        report(
            "customers",
            json!([{"field": "created_at", "op": "older_than_days", "value": "３０"}]),
        ),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/reports/custom/{id}/edit"), "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"name="filter_0_op" data-filter-op"#),
        "{html}"
    );
    assert!(html.contains(r#"<label data-for-op="between">"#));
    assert!(html.contains(r#"<label data-for-op="older_than_days">"#));
    assert!(html.contains(r#"name="filter_0_value" inputmode="numeric" value="30""#));
    // "Has passed" is not offered on the time a record was created.
    let created_row = html
        .split("filter-row")
        .nth(1)
        .expect("the first filter row");
    assert!(!created_row.contains(r#"value="passed""#), "{created_row}");

    // Another kind chosen: the filters on fields it has not are taken off
    // and named.
    let form = format!(
        "_csrf={}&name=Kept&kind=contracts&chart=table&group_0=owner_id&measure_0_op=count\
         &filter_0_field=industry_id&filter_0_op=is_empty\
         &filter_1_field=created_at&filter_1_op=older_than_days&filter_1_value=30&refresh=1",
        urlencode(&crate::auth::page_csrf(&t, &cookie).await)
    );
    let (status, html) = post_form(&t, &cookie, &format!("/reports/custom/{id}/edit"), form).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Taken off: filters on Industry, which reports on"),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="created_at" selected>"#),
        "{html}"
    );
}

#[tokio::test]
async fn a_rep_choosing_a_department_hears_they_see_only_their_own_data() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let scopes = json!({ "contract": { "scope": "own" }, "payment": { "scope": "own" },
                         "customer": { "scope": "own" } });
    let reader = t
        .role(
            &admin,
            "Reader",
            &[
                "contract.view",
                "payment.view",
                "report.view",
                "customer.view",
            ],
            scopes,
        )
        .await;
    let sales = t.department(&admin, "Sales", 1).await;
    // A colleague in the department: the rep sees only part of it.
    for phone in ["0972000001", "0972000002"] {
        t.user(
            &admin,
            phone,
            json!({ "department_id": sales, "role_ids": [reader] }),
        )
        .await;
    }
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2026, "month": 0, "department_id": sales,
                    "measure": "contract_amount", "amount": "1200" }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);
    let token = t.login("0972000001", PASSWORD).await;

    // The dashboard: no department to choose, said plainly.
    let refused = t
        .get(
            &format!("/api/v1/dashboard?scope=department&department_id={sales}"),
            &token,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["errors"][0]["code"],
        "insight_department_own_only"
    );
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("you can see only your own data"),
        "{message}"
    );
    assert!(!message.contains("whole company"), "{message}");

    // The target report by department: what they see, and the way to their
    // own target, not "no targets are set".
    let cookie = page_session(&t, "0972000001").await;
    let (status, html) = page(
        &t,
        &cookie,
        "/reports/targets?period=this_year&by=department",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("You can see only your own data, so no department"),
        "{html}"
    );
    assert!(!html.contains("No targets are set"), "{html}");
    assert!(html.contains("by=owner"), "{html}");
}

#[tokio::test]
async fn the_schedule_range_names_its_end_as_the_end_time() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let refused = t
        .get(
            "/api/v1/events?from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z",
            &admin,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.starts_with("End time"), "{message}");
    assert!(!message.contains("Hand over"), "{message}");
}

#[tokio::test]
async fn names_too_long_for_a_phone_are_charted_beside_horizontal_bars() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (phone, name) in [
        ("0972000011", "Dustin Brinkmann"),
        ("0972000012", "Margarethe Oberhollenzer"),
    ] {
        let user = t.user(&admin, phone, json!({ "name": name })).await;
        create(
            &t,
            &admin,
            "/api/v1/customers",
            json!({ "name": format!("Client of {name}"), "owner_id": user }),
        )
        .await;
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        "/reports/customers?by=owner&period=this_year",
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"class="chart bars-chart""#), "{html}");
    // Every name stands beside its bar, whole on hover.
    let narrow = html
        .split(r#"<g class="ticks-narrow">"#)
        .nth(1)
        .and_then(|rest| rest.split("</g>").next())
        .expect("labels for phones");
    assert!(
        narrow.contains("<title>Margarethe Oberhollenzer</title>"),
        "{narrow}"
    );
    assert!(
        narrow.contains("<title>Dustin Brinkmann</title>"),
        "{narrow}"
    );

    // Months stay under their bars.
    let (_, html) = page(
        &t,
        &cookie,
        "/reports/customers?by=month&period=this_year",
        "en",
    )
    .await;
    assert!(!html.contains("bars-chart"), "{html}");
}
