//! Insight, the gaps closed: the funnel counts only open opportunities at
//! its stages (won, lost and the forecast beside them), whose-data pickers
//! stay inside the viewer's data scope, saved reports order date buckets
//! in time and name custom groupings by their labels, and yes/no custom
//! conditions read alike on both databases.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{TestApp, page};
use crate::sales_fixtures::{create, customer, sales_team};

const THIS_MONTH: &str = "period=this_month";

/// A report's column by key, in a currency for money (none for counts).
fn column(report: &Value, key: &str, currency: Option<&str>) -> usize {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key && c["currency"].as_str() == currency)
        .unwrap_or_else(|| panic!("column {key} {currency:?}: {report}"))
}

/// A report's figure in a row (by its key) and column.
fn cell(report: &Value, row: &str, index: usize) -> i64 {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == row)
        .unwrap_or_else(|| panic!("row {row}: {report}"))["values"][index]
        .as_i64()
        .unwrap_or(0)
}

fn total(report: &Value, index: usize) -> i64 {
    report["totals"][index].as_i64().unwrap_or(0)
}

/// Minor units as the API takes an amount.
fn amount_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What the test expects of one stage: open count and amount, and the
/// amount weighted by the stage's win rate (summed, then divided once).
#[derive(Default, Debug)]
struct Expected {
    open: i64,
    amount: i64,
}

impl Expected {
    fn forecast(&self, rate: i64) -> i64 {
        (self.amount * rate + 50) / 100
    }
}

#[tokio::test]
async fn the_funnel_counts_open_opportunities_at_stages_and_won_lost_and_forecast_beside_them() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let created = t
        .post(
            "/api/v1/pipelines",
            admin,
            json!({ "name": "Channel", "stages": [
                { "name": "Contact", "win_rate": 10 },
                { "name": "Offer", "win_rate": 55 },
                { "name": "Signing", "win_rate": 90 }
            ] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let pipeline = created.body["id"].as_i64().expect("pipeline");
    let stages: Vec<i64> = (0..3)
        .map(|i| created.body["stages"][i]["id"].as_i64().expect("stage"))
        .collect();
    let rates = [10, 55, 90];

    // (whose: 0 the rep, 1 the other rep; stage; cents; outcome)
    let deals: [(usize, usize, i64, &str); 10] = [
        (0, 0, 100_033, "open"),
        (0, 0, 20_001, "open"),
        (0, 1, 350_017, "open"),
        (0, 2, 99_999, "won"),
        (0, 1, 12_345, "lost"),
        (1, 1, 77_777, "open"),
        (1, 2, 500_000, "open"),
        (1, 0, 4_321, "won"),
        (1, 2, 8_888, "lost"),
        (1, 2, 1_111, "invalid"),
    ];
    let reps = [&team.rep, &team.other_rep];
    let mut clients = Vec::new();
    for (i, (_, token)) in reps.iter().enumerate() {
        clients.push(customer(&t, token, &format!("Funnel client {i}")).await);
    }
    let mut currency = String::new();
    for (n, (who, stage, cents, outcome)) in deals.iter().enumerate() {
        let token = &reps[*who].1;
        let answer = t
            .post(
                "/api/v1/opportunities",
                token,
                json!({ "name": format!("Deal {n}"), "customer_id": clients[*who],
                        "pipeline_id": pipeline, "stage_id": stages[*stage],
                        "amount": amount_text(*cents) }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        currency = answer.body["currency"].as_str().expect("currency").into();
        let id = answer.body["id"].as_i64().expect("id");
        if *outcome != "open" {
            let moved = t
                .post(
                    &format!("/api/v1/opportunities/{id}/stage"),
                    token,
                    json!({ "outcome": outcome, "reason": "Price" }),
                )
                .await;
            assert_eq!(moved.status, 200, "{}", moved.text);
        }
    }
    // What each viewer should see, computed here: (stages, won, lost).
    let expect = |whose: &[usize]| {
        let mut at: Vec<Expected> = (0..3).map(|_| Expected::default()).collect();
        let mut closed: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for (_, stage, cents, outcome) in deals.iter().filter(|d| whose.contains(&d.0)) {
            if *outcome == "open" {
                at[*stage].open += 1;
                at[*stage].amount += cents;
            } else {
                let entry = closed.entry(outcome).or_default();
                entry.0 += 1;
                entry.1 += cents;
            }
        }
        let won = closed.get("won").copied().unwrap_or_default();
        let lost = closed.get("lost").copied().unwrap_or_default();
        (at, won, lost)
    };

    // The funnel report, as the administrator sees it.
    let (at, won, lost) = expect(&[0, 1]);
    let report = t
        .get(
            &format!("/api/v1/reports/funnel?{THIS_MONTH}&pipeline_id={pipeline}"),
            admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let report = report.body;
    let keys: Vec<String> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["key"].as_str().unwrap_or_default().to_string())
        .collect();
    let stage_keys: Vec<String> = stages.iter().map(i64::to_string).collect();
    assert_eq!(keys[..3], stage_keys, "the stages, then won and lost");
    assert_eq!(keys[3..], ["won", "lost"]);
    let c = Some(currency.as_str());
    let (open, open_amount, forecast) = (
        column(&report, "open", None),
        column(&report, "open_amount", c),
        column(&report, "forecast", c),
    );
    let mut all_forecast = 0;
    for (i, stage) in stage_keys.iter().enumerate() {
        assert_eq!(cell(&report, stage, open), at[i].open, "open at {i}");
        assert_eq!(
            cell(&report, stage, open_amount),
            at[i].amount,
            "amount at {i}"
        );
        assert_eq!(
            cell(&report, stage, forecast),
            at[i].forecast(rates[i]),
            "forecast at {i}"
        );
        all_forecast += at[i].forecast(rates[i]);
    }
    assert_eq!(total(&report, open), at.iter().map(|s| s.open).sum::<i64>());
    assert_eq!(
        total(&report, open_amount),
        at.iter().map(|s| s.amount).sum::<i64>()
    );
    assert_eq!(total(&report, forecast), all_forecast);
    assert_eq!(total(&report, column(&report, "won", None)), won.0);
    assert_eq!(total(&report, column(&report, "won_amount", c)), won.1);
    assert_eq!(total(&report, column(&report, "lost", None)), lost.0);
    assert_eq!(total(&report, column(&report, "lost_amount", c)), lost.1);

    // The page says the same beside its chart, and names no outcome a stage.
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/funnel?{THIS_MONTH}&pipeline_id={pipeline}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Weighted forecast"), "{html}");
    assert!(html.contains("Amount lost"), "{html}");
    assert!(!html.contains("<th scope=\"row\">Won</th>"), "{html}");

    // The dashboard's funnel for the administrator, the manager (both
    // reps) and each rep (their own only).
    for (who, token, whose) in [
        ("admin", admin, vec![0, 1]),
        ("manager", team.manager.1.as_str(), vec![0, 1]),
        ("rep", team.rep.1.as_str(), vec![0]),
        ("other rep", team.other_rep.1.as_str(), vec![1]),
    ] {
        let (at, won, lost) = expect(&whose);
        let board = t
            .get(&format!("/api/v1/dashboard?{THIS_MONTH}"), token)
            .await;
        assert_eq!(board.status, 200, "{who}: {}", board.text);
        let funnel = board.body["funnels"]
            .as_array()
            .expect("funnels")
            .iter()
            .find(|f| f["pipeline_id"] == pipeline)
            .unwrap_or_else(|| panic!("{who}: {}", board.text))
            .clone();
        let mut forecast = 0;
        for (i, shown) in funnel["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .enumerate()
        {
            assert_eq!(shown["count"], at[i].open, "{who} count at {i}");
            assert_eq!(shown["amount"], at[i].amount, "{who} amount at {i}");
            assert_eq!(
                shown["forecast"],
                at[i].forecast(rates[i]),
                "{who} forecast at {i}"
            );
            forecast += at[i].forecast(rates[i]);
        }
        assert_eq!(funnel["forecast"], forecast, "{who}");
        assert_eq!(funnel["won"]["count"], won.0, "{who}");
        assert_eq!(funnel["won"]["amounts"][0]["amount"], won.1, "{who}");
        assert_eq!(funnel["lost"]["count"], lost.0, "{who}");
        assert_eq!(funnel["lost"]["amounts"][0]["amount"], lost.1, "{who}");
    }
}

/// A brief figure's current count.
fn brief_count(board: &Value, key: &str) -> i64 {
    board["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == key)
        .unwrap_or_else(|| panic!("{key}: {board}"))["current"]["count"]
        .as_i64()
        .unwrap_or(0)
}

/// Whether a page offers a choice of a select by its value.
fn offers(html: &str, name: &str, value: i64) -> bool {
    let Some(start) = html.find(&format!("<select name=\"{name}\"")) else {
        return false;
    };
    let rest = &html[start..];
    let select = &rest[..rest.find("</select>").unwrap_or(rest.len())];
    select.contains(&format!("<option value=\"{value}\""))
}

#[tokio::test]
async fn whose_data_offers_and_takes_only_departments_and_people_in_the_viewers_scope() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let (rep, rep_token) = (&team.rep.0, team.rep.1.as_str());
    let other = team.other_rep.0;
    let manager = team.manager.1.as_str();
    let finance = team.finance.0;
    let sales = t.get(&format!("/api/v1/users/{rep}"), admin).await;
    let sales = sales.body["department_id"].as_i64().expect("department");
    let finance_department = t.get(&format!("/api/v1/users/{finance}"), admin).await;
    let finance_department = finance_department.body["department_id"]
        .as_i64()
        .expect("department");
    for (token, name) in [(rep_token, "Mine 1"), (rep_token, "Mine 2")] {
        customer(&t, token, name).await;
    }
    customer(&t, &team.other_rep.1, "Theirs").await;

    // A rep asking for another rep's or a department's figures is refused,
    // naming the field; their own are theirs.
    let board = |token: &str, whose: String| {
        let t = &t;
        let token = token.to_string();
        async move {
            t.get(&format!("/api/v1/dashboard?{THIS_MONTH}{whose}"), &token)
                .await
        }
    };
    let refused = board(rep_token, format!("&scope=users&user_ids={other}")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "user_ids");
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with("People: ") && message.contains("outside your data scope"),
        "{message}"
    );
    let refused = board(rep_token, format!("&scope=users&user_ids={rep},{other}")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let refused = board(
        rep_token,
        format!("&scope=department&department_id={sales}"),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "department_id");
    let own = board(rep_token, format!("&scope=users&user_ids={rep}")).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(brief_count(&own.body, "new_customers"), 2);

    // A manager may ask for a rep of their department, or the department;
    // not for someone of another.
    let one = board(manager, format!("&scope=users&user_ids={rep}")).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(brief_count(&one.body, "new_customers"), 2);
    let both = board(manager, format!("&scope=users&user_ids={rep},{other}")).await;
    assert_eq!(brief_count(&both.body, "new_customers"), 3);
    let department = board(manager, format!("&scope=department&department_id={sales}")).await;
    assert_eq!(department.status, 200, "{}", department.text);
    assert_eq!(brief_count(&department.body, "new_customers"), 3);
    for whose in [
        format!("&scope=users&user_ids={finance}"),
        format!("&scope=department&department_id={finance_department}"),
    ] {
        let refused = board(manager, whose.clone()).await;
        assert_eq!(refused.status, 422, "{whose}: {}", refused.text);
    }

    // Reports refuse alike: an analyst who sees only their own records may
    // not ask for a rep's; one who sees the department may.
    let own_role = t
        .role(
            admin,
            "Own reports",
            &["report.view", "customer.view"],
            json!({ "customer": { "scope": "own" } }),
        )
        .await;
    let department_role = t
        .role(
            admin,
            "Department reports",
            &["report.view", "customer.view"],
            json!({ "customer": { "scope": "department" } }),
        )
        .await;
    t.user(
        admin,
        "0971000005",
        json!({ "department_id": sales, "role_ids": [own_role] }),
    )
    .await;
    t.user(
        admin,
        "0971000006",
        json!({ "department_id": sales, "role_ids": [department_role] }),
    )
    .await;
    let narrow = t.login("0971000005", crate::helpers::PASSWORD).await;
    let wide = t.login("0971000006", crate::helpers::PASSWORD).await;
    let customers = |token: &str, whose: String| {
        let t = &t;
        let token = token.to_string();
        async move {
            t.get(
                &format!("/api/v1/reports/customers?{THIS_MONTH}&by=owner{whose}"),
                &token,
            )
            .await
        }
    };
    let refused = customers(&narrow, format!("&scope=users&user_ids={rep}")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "user_ids");
    let refused = customers(&narrow, format!("&scope=department&department_id={sales}")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let allowed = customers(&wide, format!("&scope=users&user_ids={rep}")).await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
    let new = column(&allowed.body, "new_customers", None);
    assert_eq!(total(&allowed.body, new), 2);
    let refused = customers(&wide, format!("&scope=users&user_ids={finance}")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);

    // The pages offer only what may be asked for, and say why a choice
    // outside it is refused.
    let rep_cookie = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &rep_cookie, "/dashboard", "en").await;
    assert_eq!(status, 200);
    // A rep who sees only their own records is told so; nobody is offered.
    assert!(html.contains("<strong>My own records</strong>"), "{html}");
    assert!(!offers(&html, "user_id", other), "{html}");
    assert!(!offers(&html, "department_id", sales), "{html}");
    let (status, html) = page(
        &t,
        &rep_cookie,
        &format!("/dashboard?scope=users&user_id={other}"),
        "en",
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("outside your data scope"), "{html}");
    let manager_cookie = page_session(&t, "0971000001").await;
    let (_, html) = page(&t, &manager_cookie, "/dashboard", "en").await;
    assert!(offers(&html, "user_id", *rep) && offers(&html, "user_id", other));
    assert!(offers(&html, "department_id", sales), "{html}");
    assert!(!offers(&html, "user_id", finance), "{html}");
    assert!(
        !offers(&html, "department_id", finance_department),
        "{html}"
    );
    let wide_cookie = page_session(&t, "0971000006").await;
    let (status, html) = page(&t, &wide_cookie, "/reports/customers", "en").await;
    assert_eq!(status, 200);
    assert!(offers(&html, "user_id", *rep) && !offers(&html, "user_id", finance));
}

/// The rows of a report as (label, label2, first figure).
fn rows_of(report: &Value) -> Vec<(String, String, i64)> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap_or_default().to_string(),
                r["label2"].as_str().unwrap_or_default().to_string(),
                r["values"][0].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

#[tokio::test]
async fn saved_reports_order_date_buckets_in_time_and_name_custom_groupings_by_their_labels() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    crate::record_fixtures::custom_field(&t, &admin, "customer", "region", "text").await;
    crate::record_fixtures::custom_field(&t, &admin, "customer", "visit", "date").await;
    // (region, visit day): counts per month chosen so that largest-first
    // and time order differ.
    let customers = [
        ("North", Some("2024-11-30")),
        ("North", Some("2025-12-01")),
        ("North", Some("2025-12-15")),
        ("North", Some("2025-12-31")),
        ("North", Some("2026-01-05")),
        ("North", Some("2026-01-06")),
        ("North", None),
        ("South", Some("2026-02-01")),
        ("South", Some("2025-03-01")),
        ("South", Some("2025-03-02")),
    ];
    for (n, (region, visit)) in customers.iter().enumerate() {
        let mut custom = serde_json::Map::new();
        custom.insert("region".into(), json!(region));
        if let Some(day) = visit {
            custom.insert("visit".into(), json!(day));
        }
        create(
            &t,
            &admin,
            "/api/v1/customers",
            json!({ "name": format!("Visited {n}"), "custom": custom }),
        )
        .await;
    }
    let definition = |name: &str, group_by: Value| {
        json!({ "name": name, "kind": "customers", "group_by": group_by,
                "measures": [{ "op": "count" }], "chart": "table" })
    };
    let by_region = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        definition(
            "By region and visit",
            json!(["custom.region", "custom.visit:month"]),
        ),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{by_region}/figures?{THIS_MONTH}"),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let row = |a: &str, b: &str, n: i64| (a.to_string(), b.to_string(), n);
    // North (7) before South (3); within each, the months in time, the
    // customers without a visit last.
    assert_eq!(
        rows_of(&figures.body),
        vec![
            row("North", "2024-11", 1),
            row("North", "2025-12", 3),
            row("North", "2026-01", 2),
            row("North", "", 1),
            row("South", "2025-03", 2),
            row("South", "2026-02", 1),
        ]
    );
    assert_eq!(figures.body["by_label"], "REGION");
    assert_eq!(figures.body["by2_label"], "VISIT");

    let by_quarter = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        definition("By visit quarter", json!(["custom.visit:quarter"])),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{by_quarter}/figures?{THIS_MONTH}"),
            &admin,
        )
        .await;
    let quarters: Vec<(String, i64)> = rows_of(&figures.body)
        .into_iter()
        .map(|(label, _, n)| (label, n))
        .collect();
    assert_eq!(
        quarters,
        vec![
            ("2024-Q4".to_string(), 1),
            ("2025-Q1".to_string(), 2),
            ("2025-Q4".to_string(), 3),
            ("2026-Q1".to_string(), 3),
            (String::new(), 1),
        ]
    );

    // The page and the export name the groupings by the fields' labels.
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/custom/{by_region}?{THIS_MONTH}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<th scope=\"col\">Custom field · REGION</th><th scope=\"col\">Custom field · VISIT</th>"),
        "{html}"
    );
    let export = t
        .get(
            &format!("/api/v1/custom-reports/{by_region}/export?{THIS_MONTH}&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    let header = export
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        header.starts_with("Custom field · REGION,Custom field · VISIT,"),
        "{header}"
    );

    // A change to a report that does not exist is 404, whatever the body.
    for body in ["{not json", "{\"version\": \"one\"}", ""] {
        let request = axum::http::Request::builder()
            .method(axum::http::Method::PUT)
            .uri("/api/v1/custom-reports/999999")
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(body))
            .expect("request");
        let answer = t.send(request).await;
        assert_eq!(answer.status, 404, "{body}: {}", answer.text);
    }
    // An existing one still names what is wrong with the body.
    let request = axum::http::Request::builder()
        .method(axum::http::Method::PUT)
        .uri(format!("/api/v1/custom-reports/{by_quarter}"))
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from("{not json"))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 400, "{}", answer.text);
}

#[tokio::test]
async fn yes_no_custom_conditions_and_groups_read_alike_on_both_databases() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    crate::record_fixtures::custom_field(&t, &admin, "customer", "vip", "bool").await;
    let flags = [
        Some(true),
        Some(true),
        Some(true),
        Some(false),
        Some(false),
        None,
    ];
    for (n, flag) in flags.iter().enumerate() {
        let mut custom = serde_json::Map::new();
        if let Some(flag) = flag {
            custom.insert("vip".into(), json!(flag));
        }
        create(
            &t,
            &admin,
            "/api/v1/customers",
            json!({ "name": format!("Flagged {n}"), "custom": custom }),
        )
        .await;
    }
    let count = |wanted: bool| flags.iter().filter(|f| **f == Some(wanted)).count() as i64;
    for (value, expected) in [
        (json!(true), count(true)),
        (json!("true"), count(true)),
        (json!("yes"), count(true)),
        (json!(false), count(false)),
        (json!("0"), count(false)),
    ] {
        let id = create(
            &t,
            &admin,
            "/api/v1/custom-reports",
            json!({ "name": format!("VIP {value}"), "kind": "customers",
                    "group_by": ["owner_id"], "measures": [{ "op": "count" }],
                    "filters": [{ "field": "custom.vip", "op": "equals", "value": value }],
                    "chart": "table" }),
        )
        .await;
        let figures = t
            .get(
                &format!("/api/v1/custom-reports/{id}/figures?{THIS_MONTH}"),
                &admin,
            )
            .await;
        assert_eq!(figures.status, 200, "{}", figures.text);
        let counted = column(&figures.body, "count", None);
        assert_eq!(total(&figures.body, counted), expected, "{value}");
    }
    // Grouped by the field: yes, no and none, worded the same on both.
    let id = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        json!({ "name": "By VIP", "kind": "customers", "group_by": ["custom.vip"],
                "measures": [{ "op": "count" }], "chart": "table" }),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{THIS_MONTH}"),
            &admin,
        )
        .await;
    let mut groups: Vec<(String, i64)> = rows_of(&figures.body)
        .into_iter()
        .map(|(label, _, n)| (label, n))
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        vec![
            (String::new(), 1),
            ("No".to_string(), count(false)),
            ("Yes".to_string(), count(true)),
        ]
    );
    // The same keys on both databases (SQLite keeps 1 and 0).
    let mut keys: Vec<Value> = figures.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["key"].clone())
        .collect();
    keys.sort_by_key(|k| k.to_string());
    assert_eq!(keys, vec![json!("false"), json!("true"), Value::Null]);
    // Named in the reader's language on the page.
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/custom/{id}?{THIS_MONTH}"),
        "zh-Hant",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(">是</th>") && html.contains(">否</th>"),
        "{html}"
    );
}
