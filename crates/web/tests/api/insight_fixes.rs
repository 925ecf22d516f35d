//! Fixes from a fresh look at the dashboard and the reports: the lists a
//! figure links to read every owner, whose data and the period are refused
//! beside their fields, targets count as set, and the exports keep numbers.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page};

const WEEK: &str = "from=2017-03-01&to=2017-03-14";

/// The ids a page links to as `/<path>/<id>`.
fn linked(html: &str, path: &str) -> BTreeSet<i64> {
    let marker = format!("href=\"/{path}/");
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (rest[digits.len()..].starts_with('"'))
                .then(|| digits.parse().ok())
                .flatten()
        })
        .collect()
}

fn owner_of(item: &Value) -> Option<i64> {
    item["owner_id"]
        .as_i64()
        .or_else(|| item["author_id"].as_i64())
}

#[tokio::test]
async fn lists_a_dashboard_figure_links_to_take_one_or_several_owners() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for (path, filter) in [
        ("contracts", "status=approved&"),
        ("payments", "status=approved&"),
        ("opportunities", ""),
    ] {
        let all = t
            .get(&format!("/api/v1/{path}?{filter}{WEEK}&limit=200"), &admin)
            .await;
        assert_eq!(all.status, 200, "{}", all.text);
        let owners: Vec<i64> = all.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(owner_of)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .take(2)
            .collect();
        assert_eq!(owners.len(), 2, "{path}: two owners in the days");
        for chosen in [&owners[..1], &owners[..]] {
            let api_owners = chosen
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join(",");
            let listed = t
                .get(
                    &format!("/api/v1/{path}?{filter}{WEEK}&owner_ids={api_owners}&limit=200"),
                    &admin,
                )
                .await;
            let expected: BTreeSet<i64> = crate::helpers::ids(&listed).into_iter().collect();
            assert!(!expected.is_empty() && expected.len() < 50, "{path}");
            let narrowing: String = chosen.iter().map(|o| format!("&owner_id={o}")).collect();
            let (status, html) = page(
                &t,
                &cookie,
                &format!("/{path}?{filter}{WEEK}{narrowing}"),
                "en",
            )
            .await;
            assert_eq!(status, 200, "/{path} with {chosen:?}: {html}");
            assert_eq!(linked(&html, path), expected, "/{path} with {chosen:?}");
        }
    }

    // Customers of chosen owners, and their forgotten ones as the dashboard links them.
    let customers = t.get("/api/v1/customers?limit=200", &admin).await;
    let owners: Vec<i64> = customers.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(owner_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(2)
        .collect();
    for chosen in [&owners[..1], &owners[..]] {
        let filter = serde_json::to_string(&json!([
            {"field": "owner_id", "op": "one_of", "value": chosen}
        ]))
        .expect("json");
        let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        let listed = t
            .get(
                &format!("/api/v1/customers?filter={encoded}&limit=200"),
                &admin,
            )
            .await;
        let expected: BTreeSet<i64> = crate::helpers::ids(&listed).into_iter().collect();
        assert!(
            !expected.is_empty() && expected.len() < 50,
            "{}",
            listed.text
        );
        let narrowing: String = chosen.iter().map(|o| format!("&owner_id={o}")).collect();
        let (status, html) = page(&t, &cookie, &format!("/customers?{narrowing}"), "en").await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(linked(&html, "customers"), expected, "{chosen:?}");
        let (status, html) = page(
            &t,
            &cookie,
            &format!("/customers?forgotten=7{narrowing}"),
            "en",
        )
        .await;
        assert_eq!(status, 200, "{html}");
        assert!(linked(&html, "customers").is_subset(&expected));
    }

    // Follow-ups and contacts by their authors and owners: as many rows as the API counts.
    for (path, cell) in [("follow-ups", "data-label=\"About\""), ("contacts", "")] {
        let all = t.get(&format!("/api/v1/{path}?limit=200"), &admin).await;
        assert_eq!(all.status, 200, "{}", all.text);
        let Some(owner) = all.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find_map(owner_of)
        else {
            continue;
        };
        let second = owner + 1;
        let listed = t
            .get(
                &format!("/api/v1/{path}?owner_ids={owner},{second}&limit=1"),
                &admin,
            )
            .await;
        let total = listed.body["total"].as_u64().expect("total");
        let (status, html) = page(
            &t,
            &cookie,
            &format!("/{path}?owner_id={owner}&owner_id={second}"),
            "en",
        )
        .await;
        assert_eq!(status, 200, "/{path}: {html}");
        if !cell.is_empty() {
            assert_eq!(html.matches(cell).count() as u64, total.min(50), "/{path}");
        }
    }
}

fn problem_of(answer: &crate::helpers::Answer) -> Vec<(String, String)> {
    answer.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_string(),
                        e["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn people_in_whose_data_work_and_none_chosen_is_said_beside_the_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let seller = t.user(&admin, "0900000031", json!({})).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let one = format!("scope=users&user_id={seller}");
    for path in [
        "/dashboard",
        "/reports/sales",
        "/reports/targets",
        "/reports/funnel",
    ] {
        let (status, html) = page(&t, &cookie, &format!("{path}?{one}"), "en").await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(
            html.contains(&format!("value=\"{seller}\" selected")),
            "{path}"
        );
    }
    let (status, _) = page(
        &t,
        &cookie,
        &format!("/reports/sales/export?format=csv&{one}&user_id=1"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    let api = t
        .get(
            &format!("/api/v1/dashboard?scope=users&user_ids={seller},1"),
            &admin,
        )
        .await;
    assert_eq!(api.status, 200, "{}", api.text);

    // No one chosen: the pickers again, the message beside the people.
    for path in ["/dashboard", "/reports/sales"] {
        let (status, html) = page(&t, &cookie, &format!("{path}?scope=users"), "en").await;
        assert_eq!(status, 422, "{path}");
        assert!(html.contains("id=\"insight-filters\""), "{path}: {html}");
        assert!(
            html.contains("</select><span class=\"err\">People: choose one or more people"),
            "{path}: {html}"
        );
    }
    let (status, html) = page(
        &t,
        &cookie,
        "/reports/sales/export?format=csv&scope=users&by=owner",
        "en",
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("name=\"by\" value=\"owner\""), "{html}");
    let api = t.get("/api/v1/dashboard?scope=users", &admin).await;
    assert_eq!(api.status, 422);
    assert_eq!(problem_of(&api)[0].0, "user_ids");
    assert!(
        problem_of(&api)[0].1.starts_with("People: choose"),
        "{}",
        api.text
    );
}

#[tokio::test]
async fn a_bad_custom_period_names_from_and_to_and_the_real_limit() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let cases = [
        (
            "from=2017-02-01&to=2017-01-01",
            "to",
            "To comes before the start date",
        ),
        ("from=&to=2017-01-01", "from", "From is required"),
        (
            "from=2017-02-30&to=2017-03-01",
            "from",
            "From is not a date that exists",
        ),
        (
            "from=2001-01-01&to=2017-01-01",
            "to",
            "To: a custom period covers at most ten years",
        ),
    ];
    for (days, field, message) in cases {
        let api = t
            .get(&format!("/api/v1/dashboard?period=custom&{days}"), &admin)
            .await;
        assert_eq!(api.status, 422, "{days}");
        let problems = problem_of(&api);
        assert_eq!(problems.len(), 1, "{}", api.text);
        assert_eq!(problems[0].0, field, "{}", api.text);
        assert!(problems[0].1.starts_with(message), "{}", api.text);
        let report = t
            .get(
                &format!("/api/v1/reports/sales?period=custom&{days}"),
                &admin,
            )
            .await;
        assert_eq!(report.status, 422, "{days}");
        assert!(
            problem_of(&report)[0].1.starts_with(message),
            "{}",
            report.text
        );
        for path in ["/dashboard", "/reports/targets"] {
            let (status, html) =
                page(&t, &cookie, &format!("{path}?period=custom&{days}"), "en").await;
            assert_eq!(status, 422, "{path} {days}");
            assert!(
                html.contains(&format!("<span class=\"err\">{message}")),
                "{path} {days}: {html}"
            );
            assert!(!html.contains("Hand over") && !html.contains("100000"));
        }
    }

    // Targets name their real ranges.
    for (body, field, message) in [
        (
            json!({"year": 20170, "month": 0, "measure": "contract_amount", "amount": "10"}),
            "year",
            "Year must be a year from 1900 to 2999",
        ),
        (
            json!({"year": 2017, "month": 13, "measure": "contract_amount", "amount": "10"}),
            "month",
            "must be a month from 1 to 12",
        ),
    ] {
        let refused = t.post("/api/v1/targets", &admin, body).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        let problems = problem_of(&refused);
        assert_eq!(problems[0].0, field);
        assert!(problems[0].1.contains(message), "{}", refused.text);
    }
}

#[tokio::test]
async fn a_backdated_follow_up_keeps_the_latest_and_times_out_of_bounds_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Late Notes Ltd" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let path = format!("/api/v1/customers/{id}/follow-ups");
    for (content, at, next) in [
        ("Visit", "2026-03-01T08:00:00Z", "2026-03-10T08:00:00Z"),
        (
            "Call noted late",
            "2026-02-10T08:00:00Z",
            "2026-02-12T08:00:00Z",
        ),
    ] {
        let written = t
            .post(
                &path,
                &admin,
                json!({ "content": content, "happened_at": at, "next_contact_at": next }),
            )
            .await;
        assert_eq!(written.status, 201, "{}", written.text);
    }
    let customer = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(customer.body["last_follow_up_at"], "2026-03-01T08:00:00Z");
    assert_eq!(customer.body["last_follow_up_text"], "Visit");
    // The plan made by the latest follow-up stands, on the record and in
    // the schedule.
    assert_eq!(customer.body["next_contact_at"], "2026-03-10T08:00:00Z");
    let schedule = t
        .get(
            "/api/v1/events?from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z",
            &admin,
        )
        .await;
    let events = schedule.body["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{}", schedule.text);
    assert_eq!(events[0]["starts_at"], "2026-03-10T08:00:00Z");
    let later = t
        .post(
            &path,
            &admin,
            json!({ "content": "Signed", "happened_at": "2026-03-02T08:00:00Z" }),
        )
        .await;
    assert_eq!(later.status, 201);
    let customer = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(customer.body["last_follow_up_text"], "Signed");

    for (body, field, message) in [
        (
            json!({ "content": "Old", "happened_at": "1999-12-31T08:00:00Z" }),
            "happened_at",
            "is before 2000",
        ),
        (
            json!({ "content": "Ahead", "happened_at": "2031-01-01T08:00:00Z" }),
            "happened_at",
            "is in the future",
        ),
        (
            json!({ "content": "Far", "next_contact_at": "2090-01-01T08:00:00Z" }),
            "next_contact_at",
            "more than ten years ahead",
        ),
    ] {
        let refused = t.post(&path, &admin, body).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        let problems = problem_of(&refused);
        assert_eq!(problems[0].0, field, "{}", refused.text);
        assert!(problems[0].1.contains(message), "{}", refused.text);
    }
}

#[tokio::test]
async fn csv_exports_keep_negative_numbers_and_name_no_currency_on_rates() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let export = t
        .get(
            "/api/v1/reports/sales/export?format=csv&by=month&period=custom&from=2017-01-01&to=2017-12-31",
            &admin,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(export.text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let header = &rows[0];
    let rates: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.contains("month on month") || h.contains("year on year"))
        .map(|(i, _)| i)
        .collect();
    assert!(!rates.is_empty(), "{header:?}");
    for i in &rates {
        assert!(!header[*i].contains("(USD)"), "{}", header[*i]);
        assert!(header[*i].ends_with(" (%)"), "{}", header[*i]);
    }
    assert!(header.iter().any(|h| h.ends_with("(USD)")), "{header:?}");
    let cells: Vec<&String> = rows[1..].iter().flatten().collect();
    assert!(cells.iter().all(|c| !c.starts_with("'-")), "{cells:?}");
    let negative = rows[1..]
        .iter()
        .flat_map(|r| rates.iter().filter_map(|i| r.get(*i)))
        .filter(|c| c.starts_with('-'))
        .count();
    assert!(negative > 0, "a month fell: {rows:?}");
}
