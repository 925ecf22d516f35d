//! Targets and reports whose numbers are right for any period: the target
//! report and the dashboard's target block follow the period picked (every
//! month it touches, of both years; a month covered in part against its
//! days' share of the target; a year target alone spread evenly), target
//! years take the same range as every date; saved reports name coded
//! values in the reader's language in their exports and figures; the
//! builder's stages keep their pipeline order; averages and distinct
//! contracts have their totals. Every expected figure is worked out here
//! from the fixture itself.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp};
use crate::sales_fixtures::{SalesTeam, create, customer, product, sales_team, submit};

/// Approved contracts of the fixture: (rep or other rep, day signed, cents).
const SIGNED: [(usize, &str, i64); 7] = [
    (0, "2025-11-10", 40_000),
    (0, "2025-11-20", 123_456),
    (1, "2025-12-31", 99_999),
    (0, "2026-01-15", 250_000),
    (1, "2026-02-10", 77_700),
    (0, "2026-02-11", 55_500),
    (1, "2026-03-04", 31_000),
];

/// The company's targets: 2025 only for the year (12,000.00), 2026 by
/// month (January 3,100.00, February 2,800.00, March 3,100.00).
const TARGETS: [(i64, i64, &str); 4] = [
    (2025, 0, "12,000"),
    (2026, 1, "3,100"),
    (2026, 2, "2,800"),
    (2026, 3, "3,100"),
];

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
}

fn month_length(first: NaiveDate) -> i64 {
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .expect("next month");
    (next - first).num_days()
}

/// A month's target as set, in cents: its own, else a twelfth of a year
/// set alone (the first months taking the cents left over).
fn month_target(year: i32, month: u32) -> Option<i64> {
    let cents = |text: &str| text.replace(',', "").parse::<i64>().expect("amount") * 100;
    let own = TARGETS
        .iter()
        .find(|(y, m, _)| *y == i64::from(year) && *m == i64::from(month))
        .map(|(_, _, a)| cents(a));
    let any_month = TARGETS
        .iter()
        .any(|(y, m, _)| *y == i64::from(year) && *m > 0);
    own.or_else(|| {
        if any_month {
            return None;
        }
        let year_amount = TARGETS
            .iter()
            .find(|(y, m, _)| *y == i64::from(year) && *m == 0)
            .map(|(_, _, a)| cents(a))?;
        let left = year_amount % 12;
        Some(year_amount / 12 + i64::from(i64::from(month) <= left))
    })
}

/// `part` days' share of `cents` out of `of` days, half up.
fn share(cents: i64, part: i64, of: i64) -> i64 {
    (cents * part * 2 + of) / (of * 2)
}

/// What the fixture says about each month the period `[from, last]`
/// touches: (`YYYY-MM`, first day in the period, last day in it, target,
/// achieved), worked out day by day.
fn expected(
    from: &str,
    last: &str,
    whose: &[usize],
) -> Vec<(String, String, String, Option<i64>, i64)> {
    let (from, last) = (day(from), day(last));
    let mut months: BTreeMap<String, (NaiveDate, NaiveDate)> = BTreeMap::new();
    let mut d = from;
    while d <= last {
        let entry = months
            .entry(d.format("%Y-%m").to_string())
            .or_insert((d, d));
        entry.1 = d;
        d = d.succ_opt().expect("next day");
    }
    months
        .into_iter()
        .map(|(key, (first, end))| {
            let whole = first.with_day(1).expect("first");
            let days = (end - first).num_days() + 1;
            let target = month_target(whole.year(), whole.month())
                .map(|t| share(t, days, month_length(whole)));
            let achieved = SIGNED
                .iter()
                .filter(|(who, on, _)| whose.contains(who) && day(on) >= first && day(on) <= end)
                .map(|(_, _, cents)| cents)
                .sum();
            (key, first.to_string(), end.to_string(), target, achieved)
        })
        .collect()
}

fn rate(achieved: i64, target: Option<i64>, per: i64) -> Value {
    match target {
        Some(t) if t > 0 => json!((achieved * per * 2 + t) / (t * 2)),
        _ => Value::Null,
    }
}

async fn fixture(t: &TestApp) -> SalesTeam {
    let team = sales_team(t).await;
    let reps = [&team.rep.1, &team.other_rep.1];
    for (who, on, cents) in SIGNED {
        let client = customer(t, reps[who], &format!("Client {on}")).await;
        let id = create(
            t,
            reps[who],
            "/api/v1/contracts",
            json!({ "name": format!("Signed {on}"), "customer_id": client,
                    "amount": format!("{}.{:02}", cents / 100, cents % 100), "signed_on": on }),
        )
        .await;
        assert_eq!(submit(t, reps[who], "contracts", id).await, "approved");
    }
    for (year, month, amount) in TARGETS {
        let set = t
            .post(
                "/api/v1/targets",
                &team.admin,
                json!({ "year": year, "month": month, "measure": "contract_amount", "amount": amount }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    team
}

/// The report's row of a holder and month (or period) as column → value.
fn row(report: &Value, key: &str, key2: &str) -> (Value, BTreeMap<String, Value>) {
    let columns = report["columns"].as_array().expect("columns");
    let found = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key && r["key2"] == key2)
        .unwrap_or_else(|| panic!("{key} {key2}: {report}"));
    let values = columns
        .iter()
        .zip(found["values"].as_array().expect("values"))
        .map(|(c, v)| (c["key"].as_str().expect("key").to_string(), v.clone()))
        .collect();
    (found["label2"].clone(), values)
}

#[tokio::test]
async fn the_target_report_shows_every_month_of_a_period_across_years_with_cut_months_prorated() {
    let t = TestApp::new().await;
    let team = fixture(&t).await;
    let (from, last) = ("2025-11-15", "2026-02-10");
    let period = format!("period=custom&from={from}&to={last}");
    let answer = t
        .get(
            &format!("/api/v1/reports/targets?{period}&by=department"),
            &team.admin,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let report = &answer.body;
    let months = expected(from, last, &[0, 1]);
    let keys: Vec<&str> = months.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    let mut target_sum = Some(0);
    let mut achieved_sum = 0;
    for (key, first, end, target, achieved) in &months {
        let (label, values) = row(report, "company", key);
        assert_eq!(values["contract_amount_target"], json!(target), "{key}");
        assert_eq!(values["contract_amount_achieved"], json!(achieved), "{key}");
        assert_eq!(
            values["contract_amount_rate"],
            rate(*achieved, *target, 1000),
            "{key}"
        );
        let whole =
            first.ends_with("-01") && day(end).succ_opt().is_some_and(|next| next.day() == 1);
        if whole {
            assert_eq!(
                label,
                json!(day(first).format("%b %Y").to_string()),
                "a whole month is named as such"
            );
        } else {
            assert_eq!(label, json!(format!("{first} – {end}")), "{key}");
        }
        target_sum = target_sum.zip(*target).map(|(a, b)| a + b);
        achieved_sum += achieved;
    }
    // November is 16 of its 30 days of a twelfth of 12,000.00.
    assert_eq!(months[0].3, Some(53_333));
    // February is 10 of 28 days of 2,800.00.
    assert_eq!(months[3].3, Some(100_000));
    let (_, whole) = row(report, "company", "2025 – 2026 (11-15 – 02-10)");
    assert_eq!(whole["contract_amount_target"], json!(target_sum));
    assert_eq!(whole["contract_amount_achieved"], json!(achieved_sum));
    assert_eq!(
        whole["contract_amount_rate"],
        rate(achieved_sum, target_sum, 1000)
    );
    assert_eq!(
        report["rows"].as_array().map(Vec::len),
        Some(5),
        "the period and its four months: {report}"
    );

    // A whole year set only as a year: its months share it evenly, and the
    // year row is the year's own target.
    let year = t
        .get(
            "/api/v1/reports/targets?period=custom&from=2025-01-01&to=2025-12-31&by=department",
            &team.admin,
        )
        .await;
    let (_, whole) = row(&year.body, "company", "2025");
    assert_eq!(whole["contract_amount_target"], 1_200_000);
    for month in 1..=12 {
        let (_, values) = row(&year.body, "company", &format!("2025-{month:02}"));
        assert_eq!(values["contract_amount_target"], 100_000, "{month}");
    }

    // The page says how months cut by the period are measured, under the
    // table, and names the months with their years in the chart.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{period}&by=department"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"muted small target-rule\""), "{html}");
    assert!(html.contains("measured on those days"));
    assert!(html.contains(">2025-11-15 – 2025-11-30<"), "{html}");
    assert!(html.contains("2026-01"));
    let (_, zh) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{period}&by=department"),
        "zh-Hant",
    )
    .await;
    assert!(zh.contains("按天數折算"), "{zh}");

    // The export writes the same rows, the cut month named by its days.
    let csv = t
        .get(
            &format!("/api/v1/reports/targets/export?{period}&by=department&format=csv"),
            &team.admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.text.contains("2025-11-15 – 2025-11-30"), "{}", csv.text);
    assert!(csv.text.contains("2025 – 2026 (11-15 – 02-10)"));
}

#[tokio::test]
async fn the_dashboard_target_follows_its_period_prorated_and_spread_as_the_report() {
    let t = TestApp::new().await;
    let team = fixture(&t).await;
    let (from, last) = ("2025-11-15", "2026-02-10");
    let board = t
        .get(
            &format!("/api/v1/dashboard?period=custom&from={from}&to={last}"),
            &team.admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    assert_eq!(target["measure"], "contract_amount");
    assert_eq!(target["from"], from);
    assert_eq!(target["to"], last);
    let months = expected(from, last, &[0, 1]);
    let shown = target["months"].as_array().expect("months");
    assert_eq!(shown.len(), months.len(), "{target}");
    for ((key, first, end, month_target, achieved), got) in months.iter().zip(shown) {
        assert_eq!(
            format!("{}-{:02}", got["year"], got["month"].as_u64().unwrap_or(0)),
            *key
        );
        assert_eq!(got["from"], json!(first));
        assert_eq!(got["to"], json!(end));
        assert_eq!(got["target"], json!(month_target), "{key}");
        assert_eq!(got["achieved"], json!(achieved), "{key}");
        assert_eq!(got["rate"], rate(*achieved, *month_target, 1000), "{key}");
    }
    let period_target: Option<i64> = months.iter().map(|m| m.3).sum();
    let achieved: i64 = months.iter().map(|m| m.4).sum();
    assert_eq!(target["target"], json!(period_target));
    assert_eq!(target["achieved"], achieved);
    assert_eq!(target["rate"], rate(achieved, period_target, 1000));

    // The same figures as the report for the same choice.
    let report = t
        .get(
            &format!("/api/v1/reports/targets?period=custom&from={from}&to={last}&by=department"),
            &team.admin,
        )
        .await;
    let (_, whole) = row(&report.body, "company", "2025 – 2026 (11-15 – 02-10)");
    assert_eq!(whole["contract_amount_target"], target["target"]);
    assert_eq!(whole["contract_amount_achieved"], target["achieved"]);

    // The test clock's week (Monday 2 to Sunday 8 March 2026): 7 of
    // March's 31 days of 3,100.00, and only that week's contracts.
    let week = t
        .get("/api/v1/dashboard?period=this_week", &team.admin)
        .await;
    let target = &week.body["targets"][0];
    assert_eq!(target["target"], 70_000, "{}", week.text);
    assert_eq!(target["achieved"], 31_000);
    assert_eq!(target["months"].as_array().map(Vec::len), Some(1));
    assert_eq!(target["rate"], 443, "310 of 700 is 44.3%");

    // A rep who sees their own contracts is measured with their own target
    // only: the company's is not theirs.
    let rep = t
        .get(
            &format!("/api/v1/dashboard?period=custom&from={from}&to={last}"),
            &team.rep.1,
        )
        .await;
    assert_eq!(rep.status, 200, "{}", rep.text);
    assert_eq!(rep.body["targets"], json!([]), "{}", rep.text);

    // Chosen people with targets of their own: summed over the period.
    for (user, amount) in [(team.rep.0, "600"), (team.other_rep.0, "900")] {
        let set = t
            .post(
                "/api/v1/targets",
                &team.admin,
                json!({ "year": 2026, "month": 1, "user_id": user, "measure": "contract_amount", "amount": amount }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    let chosen = t
        .get(
            &format!(
                "/api/v1/dashboard?period=custom&from=2026-01-11&to=2026-01-20&scope=users&user_ids={},{}",
                team.rep.0, team.other_rep.0
            ),
            &team.admin,
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    let target = &chosen.body["targets"][0];
    let both = share(60_000, 10, 31) + share(90_000, 10, 31);
    assert_eq!(target["target"], both, "{target}");
    assert_eq!(target["achieved"], 250_000);

    // The page names the period and the rule beside the table.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/dashboard?period=custom&from={from}&to={last}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("{from} – {last}")), "{html}");
    assert!(html.contains("The period"));
    assert!(html.contains("class=\"muted small target-rule\""));
    assert!(
        html.contains(&format!("from={from}&#38;to=2025-11-30")),
        "{html}"
    );
}

#[tokio::test]
async fn target_years_take_the_years_of_every_date_with_a_message_naming_field_and_range() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (year, status) in [
        (1900, 201),
        (1950, 201),
        (2999, 201),
        (1899, 422),
        (3000, 422),
    ] {
        let set = t
            .post(
                "/api/v1/targets",
                &admin,
                json!({ "year": year, "month": 0, "measure": "payment_amount", "amount": "10" }),
            )
            .await;
        assert_eq!(set.status, status, "{year}: {}", set.text);
        if status == 422 {
            assert_eq!(set.body["errors"][0]["field"], "year");
            assert_eq!(set.body["errors"][0]["code"], "year_outside_years");
            let message = set.body["errors"][0]["message"].as_str().unwrap_or("");
            assert!(
                message.contains("Year") && message.contains("1900") && message.contains("2999"),
                "{message}"
            );
        }
    }
    // A report period in the same years is taken, one outside refused.
    let report = t
        .get(
            "/api/v1/reports/targets?period=custom&from=2999-01-01&to=2999-12-31&measure=payment_amount",
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let refused = t
        .get(
            "/api/v1/reports/targets?period=custom&from=1899-12-01&to=1900-01-31",
            &admin,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
}

/// Opportunities at the stages of a new pipeline: (stage, count), the last
/// stage holding the most.
const AT_STAGES: [(usize, usize); 3] = [(0, 1), (1, 2), (2, 4)];

#[tokio::test]
async fn built_reports_keep_stage_order_name_coded_values_and_total_averages_and_contracts() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let created = t
        .post(
            "/api/v1/pipelines",
            admin,
            json!({ "name": "Ordered", "stages": [
                { "name": "Contact", "win_rate": 10 },
                { "name": "Offer", "win_rate": 50 },
                { "name": "Signing", "win_rate": 90 }
            ] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let pipeline = created.body["id"].as_i64().expect("pipeline");
    let stages: Vec<i64> = (0..3)
        .map(|i| created.body["stages"][i]["id"].as_i64().expect("stage"))
        .collect();
    let client = customer(&t, &team.rep.1, "Staged").await;
    let mut n = 0;
    for (stage, count) in AT_STAGES {
        for _ in 0..count {
            n += 1;
            create(
                &t,
                &team.rep.1,
                "/api/v1/opportunities",
                json!({ "name": format!("Deal {n}"), "customer_id": client,
                        "pipeline_id": pipeline, "stage_id": stages[stage], "amount": "100" }),
            )
            .await;
        }
    }
    // One of them won: its outcome is named, not coded.
    let won = create(
        &t,
        &team.rep.1,
        "/api/v1/opportunities",
        json!({ "name": "Won deal", "customer_id": client, "pipeline_id": pipeline,
                "stage_id": stages[2], "amount": "100" }),
    )
    .await;
    let moved = t
        .post(
            &format!("/api/v1/opportunities/{won}/stage"),
            &team.rep.1,
            json!({ "outcome": "won" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    // Signing moved first: pipeline order is neither the stages' ids nor
    // their sizes (Signing 5, Offer 2, Contact 1).
    let mut order = Value::Null;
    for _ in 0..2 {
        let moved = t
            .post(
                &format!("/api/v1/pipelines/{pipeline}/stages/{}/move", stages[2]),
                admin,
                json!({ "direction": "up" }),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        order = moved.body["stages"].clone();
    }
    let in_pipeline: Vec<i64> = order
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    assert_eq!(in_pipeline, [stages[2], stages[0], stages[1]]);
    let funnel = create(
        &t,
        admin,
        "/api/v1/custom-reports",
        json!({ "name": "Stages", "kind": "opportunities", "group_by": ["stage_id"],
                "measures": [{"op": "count"}],
                "filters": [{"field": "pipeline_id", "op": "eq", "value": pipeline.to_string()}],
                "chart": "funnel" }),
    )
    .await;
    let month = "period=this_month";
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{funnel}/figures?{month}"),
            admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let order: Vec<i64> = figures.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["key"].as_str().and_then(|k| k.parse().ok()).unwrap_or(0))
        .collect();
    assert_eq!(
        order, in_pipeline,
        "pipeline order, not by size: {}",
        figures.text
    );

    let outcomes = create(
        &t,
        admin,
        "/api/v1/custom-reports",
        json!({ "name": "Outcomes", "kind": "opportunities", "group_by": ["outcome"],
                "measures": [{"op": "count"}], "chart": "bar" }),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{outcomes}/figures?{month}"),
            admin,
        )
        .await;
    let rows = figures.body["rows"].as_array().expect("rows");
    let won_row = rows
        .iter()
        .find(|r| r["key"] == "won")
        .unwrap_or_else(|| panic!("{}", figures.text));
    assert_eq!(won_row["label"], "Won", "the key stays in key: {won_row}");
    let open_row = rows.iter().find(|r| r["key"] == "open").expect("open");
    assert_eq!(open_row["label"], "Open");
    let csv = t
        .get(
            &format!("/api/v1/custom-reports/{outcomes}/export?{month}&format=csv"),
            admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("Won,")), "{}", csv.text);
    assert!(!lines.iter().any(|l| l.starts_with("won,")), "{}", csv.text);
    let (status, zh) = {
        let request = axum::http::Request::builder()
            .uri(format!("/api/v1/custom-reports/{outcomes}/figures?{month}"))
            .header(axum::http::header::ACCEPT_LANGUAGE, "zh-Hant")
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {admin}"))
            .body(axum::body::Body::empty())
            .expect("request");
        let answer = t.send(request).await;
        (answer.status, answer.body)
    };
    assert_eq!(status, 200);
    let zh_won = zh["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == "won"))
        .map(|r| r["label"].clone());
    assert!(
        zh_won.as_ref().is_some_and(|l| l != "won" && l != "Won"),
        "{zh}"
    );

    // Contracts of several amounts: the average's total is over all of
    // them, not the mean of the people's means.
    let amounts: [(usize, i64); 3] = [(0, 10_000), (0, 20_000), (1, 100_001)];
    let reps = [&team.rep.1, &team.other_rep.1];
    for (who, cents) in amounts {
        let id = create(
            &t,
            reps[who],
            "/api/v1/contracts",
            json!({ "name": format!("Averaged {cents}"), "customer_id": customer(&t, reps[who], &format!("Avg {cents}")).await,
                    "amount": format!("{}.{:02}", cents / 100, cents % 100), "signed_on": "2026-03-02" }),
        )
        .await;
        assert_eq!(submit(&t, reps[who], "contracts", id).await, "approved");
    }
    let averaged = create(
        &t,
        admin,
        "/api/v1/custom-reports",
        json!({ "name": "Average", "kind": "contracts", "group_by": ["owner_id"],
                "measures": [{"op": "count"}, {"op": "average", "field": "amount"}],
                "filters": [{"field": "status", "op": "eq", "value": "approved"}],
                "chart": "bar" }),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{averaged}/figures?{month}"),
            admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let columns = figures.body["columns"].as_array().expect("columns");
    let average = columns
        .iter()
        .position(|c| c["key"] == "average")
        .expect("average");
    let (sum, count): (i64, i64) = amounts
        .iter()
        .fold((0, 0), |(s, c), (_, cents)| (s + cents, c + 1));
    let overall = (sum * 2 + count) / (count * 2);
    assert_eq!(figures.body["totals"][average], overall, "{}", figures.text);
    let mean_of_means = (15_000 + 100_001) / 2;
    assert_ne!(overall, mean_of_means);

    // Product sales: a contract of two products counts once in the total.
    let widget = product(&t, admin, "Widget", "10").await;
    let gadget = product(&t, admin, "Gadget", "20").await;
    let shop = customer(&t, &team.rep.1, "Shop").await;
    for lines in [
        json!([{ "product_id": widget, "quantity": "1" }, { "product_id": gadget, "quantity": "2" }]),
        json!([{ "product_id": widget, "quantity": "3" }]),
    ] {
        let id = create(
            &t,
            &team.rep.1,
            "/api/v1/contracts",
            json!({ "name": "Lines", "customer_id": shop, "signed_on": "2026-03-02", "lines": lines }),
        )
        .await;
        assert_eq!(submit(&t, &team.rep.1, "contracts", id).await, "approved");
    }
    let products = t
        .get(&format!("/api/v1/reports/products?{month}"), admin)
        .await;
    assert_eq!(products.status, 200, "{}", products.text);
    let columns = products.body["columns"].as_array().expect("columns");
    let contracts = columns
        .iter()
        .position(|c| c["key"] == "contracts")
        .expect("contracts");
    let per_product: i64 = products.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["values"][contracts].as_i64())
        .sum();
    assert_eq!(per_product, 3, "widget twice, gadget once");
    assert_eq!(products.body["totals"][contracts], 2, "{}", products.text);
}
