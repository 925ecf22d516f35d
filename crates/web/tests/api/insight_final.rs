//! Insight, the last gaps: one counting day for contracts across every
//! figure, targets (all errors at once, deletion, the company's currency),
//! the target chart, the target achievement report, the funnel, whose-data
//! pickers bounded by the viewer's scope, and smaller points.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer, sales_team, submit};

const MARCH_2020: &str = "period=custom&from=2020-03-01&to=2020-03-31";

fn brief<'a>(board: &'a Value, key: &str) -> &'a Value {
    board["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == key)
        .unwrap_or_else(|| panic!("{key}: {board}"))
}

/// A figure's amount in one currency.
fn amount_in(figure: &Value, currency: &str) -> i64 {
    figure["amounts"]
        .as_array()
        .expect("amounts")
        .iter()
        .filter(|s| s["currency"] == currency)
        .map(|s| s["amount"].as_i64().unwrap_or(0))
        .sum()
}

/// The total of a report's column, by key and currency.
fn report_total(report: &Value, key: &str, currency: &str) -> i64 {
    let index = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key && c["currency"].as_str() == Some(currency))
        .unwrap_or_else(|| panic!("column {key} {currency}: {report}"));
    report["totals"][index].as_i64().unwrap_or(0)
}

/// An approved contract of the caller's, signed on `day` (approved today).
async fn signed_contract(t: &TestApp, token: &str, client: i64, amount: &str, day: &str) -> i64 {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, token, "contracts", id).await, "approved");
    id
}

async fn amount_of(t: &TestApp, token: &str, id: i64) -> (i64, String) {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), token).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    (
        detail.body["amount"].as_i64().expect("amount"),
        detail.body["currency"]
            .as_str()
            .expect("currency")
            .to_string(),
    )
}

#[tokio::test]
async fn every_contract_figure_counts_the_signing_day_so_the_brief_equals_the_sales_report() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep_id, rep) = (team.rep.0, team.rep.1.as_str());
    let other = team.other_rep.1.as_str();
    let manager = team.manager.1.as_str();
    let mine = customer(&t, rep, "Signed in March").await;
    let theirs = customer(&t, other, "Also March").await;
    // Approved today, signed in March 2020: March's, whenever approved.
    let first = signed_contract(&t, rep, mine, "1,000", "2020-03-10").await;
    let last_day = signed_contract(&t, other, theirs, "250", "2020-03-31").await;
    // Signed the day before the period, and a draft signed in it: neither.
    signed_contract(&t, rep, mine, "500", "2020-02-29").await;
    create(
        &t,
        rep,
        "/api/v1/contracts",
        json!({ "name": "Draft", "customer_id": mine, "amount": "9999", "signed_on": "2020-03-15" }),
    )
    .await;
    let (a, currency) = amount_of(&t, rep, first).await;
    let (b, _) = amount_of(&t, other, last_day).await;

    let sales = t.get(&format!("/api/v1/users/{rep_id}"), &team.admin).await;
    let sales = sales.body["department_id"].as_i64().expect("department");
    let admin = team.admin.as_str();
    // Who looks, whose data, what they should see, and whether they may
    // open reports (the team's roles may not).
    for (who, token, whose, expected, reports) in [
        ("admin", admin, String::new(), (2, a + b), true),
        (
            "the department chosen",
            admin,
            format!("&scope=department&department_id={sales}"),
            (2, a + b),
            true,
        ),
        (
            "one rep chosen",
            admin,
            format!("&scope=users&user_ids={rep_id}"),
            (1, a),
            true,
        ),
        ("manager", manager, String::new(), (2, a + b), false),
        ("a rep", other, String::new(), (1, b), false),
    ] {
        let board = t
            .get(&format!("/api/v1/dashboard?{MARCH_2020}{whose}"), token)
            .await;
        assert_eq!(board.status, 200, "{who}: {}", board.text);
        let contracts = &brief(&board.body, "contracts_approved")["current"];
        assert_eq!(contracts["count"], expected.0, "{who}");
        assert_eq!(amount_in(contracts, &currency), expected.1, "{who}");

        // The sales report for the same period and people.
        if reports {
            let report = t
                .get(
                    &format!("/api/v1/reports/sales?{MARCH_2020}{whose}&by=owner"),
                    token,
                )
                .await;
            assert_eq!(report.status, 200, "{who}: {}", report.text);
            assert_eq!(
                report_total(&report.body, "contract_amount", &currency),
                amount_in(contracts, &currency),
                "{who}: the brief and the sales report"
            );
        }
        // The trend's March and the contract ranking agree.
        let march = board.body["trend"]
            .as_array()
            .expect("trend")
            .iter()
            .find(|m| m["month"] == "2020-03")
            .expect("March");
        assert_eq!(march["contracts"], expected.1, "{who}: the trend");
        let ranked: i64 = board.body["rankings"]
            .as_array()
            .expect("rankings")
            .iter()
            .find(|r| r["measure"] == "contract_amount")
            .expect("ranking")["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r[1].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(ranked, expected.1, "{who}: the ranking");

        // The list a click opens holds exactly the figure's contracts.
        let owners = board.body["owners"]["contracts"]
            .as_array()
            .map(|ids| {
                let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                format!("&owner_ids={}", ids.join(","))
            })
            .unwrap_or_default();
        let list = t
            .get(
                &format!(
                    "/api/v1/contracts?status=approved&from=2020-03-01&to=2020-03-31{owners}&limit=1"
                ),
                token,
            )
            .await;
        assert_eq!(list.status, 200, "{who}: {}", list.text);
        assert_eq!(list.body["total"], expected.0, "{who}: the list");
    }

    // The page says which day counts.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{MARCH_2020}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("Contracts signed"), "the brief's label");
    assert!(
        html.contains("counts approved contracts on the day they were signed"),
        "the rule beside the brief"
    );
    let (_, html) = crate::helpers::page(
        &t,
        &cookie,
        "/contracts?status=approved&from=2020-03-01&to=2020-03-31",
        "en",
    )
    .await;
    assert!(html.contains("signed on these days"), "the list says it");
}

#[tokio::test]
async fn the_targets_form_names_every_problem_at_once_and_saves_nothing_until_all_are_right() {
    let t = TestApp::new().await;
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&year=1899&department_id=&user_id=&currency=ZZZ\
         &key=contract_amount:0&amount=10\
         &key=contract_amount:3&amount=-5\
         &key=payment_amount:4&amount=abc"
    );
    let (status, html) = crate::helpers::post_form(&t, &cookie, "/settings/targets", form).await;
    assert_eq!(status, 422, "{html}");
    for message in [
        "Year must be a year from 1900 to 2999",
        "Contract amount target (3)",
        "Payment amount target (4)",
        "Currency",
    ] {
        assert!(html.contains(message), "{message}: {html}");
    }
    let admin = t.admin().await;
    let saved = t.get("/api/v1/targets?year=1899", &admin).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body, json!([]), "nothing saved");

    // Once right, all are saved together, in the company's currency.
    let form = format!(
        "_csrf={csrf}&year=2021&department_id=&user_id=&currency=\
         &key=contract_amount:0&amount=10&key=contract_amount:3&amount=5"
    );
    let (status, location) =
        crate::helpers::post_form(&t, &cookie, "/settings/targets", form).await;
    assert_eq!(status, 303, "{location}");
    let saved = t.get("/api/v1/targets?year=2021", &admin).await;
    let company = t.app.settings().currency.clone();
    let rows = saved.body.as_array().expect("targets");
    assert_eq!(rows.len(), 2, "{}", saved.text);
    assert!(rows.iter().all(|r| r["currency"] == company.as_str()));
}

#[tokio::test]
async fn a_target_is_deleted_on_its_page_or_through_the_api_by_those_who_manage_reports() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    for month in [0, 5] {
        let set = t
            .post(
                "/api/v1/targets",
                admin,
                json!({ "year": 2022, "month": month, "measure": "payment_amount", "amount": "800" }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    let listed = t.get("/api/v1/targets?year=2022", admin).await;
    let company = t.app.settings().currency.clone();
    assert_eq!(
        listed.body[0]["currency"],
        company.as_str(),
        "the company's currency"
    );
    let year_id = listed.body[0]["id"].as_i64().expect("id");
    let may_id = listed.body[1]["id"].as_i64().expect("id");

    // Someone who may not manage reports may not delete one.
    let delete = |token: String| {
        let t = &t;
        async move {
            t.call(
                axum::http::Method::DELETE,
                &format!("/api/v1/targets/{year_id}"),
                Some(&token),
                None,
            )
            .await
        }
    };
    let refused = delete(team.manager.1.clone()).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let deleted = delete(admin.to_string()).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let again = delete(admin.to_string()).await;
    assert_eq!(again.status, 404, "{}", again.text);
    let listed = t.get("/api/v1/targets?year=2022", admin).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));

    // The page offers the other one's deletion, asking first.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, "/settings/targets?year=2022", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("action=\"/settings/targets/{may_id}/delete\"")),
        "{html}"
    );
    assert!(html.contains("Delete this target?"));
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let (status, location) = crate::helpers::post_form(
        &t,
        &cookie,
        &format!("/settings/targets/{may_id}/delete"),
        format!("_csrf={csrf}&year=2022&department_id=&user_id=&currency={company}"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert!(location.contains("done=deleted"), "{location}");
    let listed = t.get("/api/v1/targets?year=2022", admin).await;
    assert_eq!(listed.body, json!([]));

    let spec = t.get("/api/openapi.json", admin).await;
    assert!(spec.body["paths"]["/api/v1/targets/{id}"]["delete"].is_object());
    assert!(spec.body["paths"]["/api/v1/targets"]["get"].is_object());
}

#[tokio::test]
async fn the_dashboard_charts_targets_by_month_in_a_readable_table_and_payments_beside_the_year_before()
 {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Charted Ltd").await;
    let this_year = signed_contract(&t, &admin, client, "3,000", "2021-03-10").await;
    let last_year = signed_contract(&t, &admin, client, "2,000", "2020-03-05").await;
    for (contract, day, amount) in [
        (this_year, "2021-03-20", "1,500"),
        (last_year, "2020-03-25", "700"),
    ] {
        let paid = create(
            &t,
            &admin,
            "/api/v1/payments",
            json!({ "contract_id": contract, "received_on": day, "amount": amount }),
        )
        .await;
        assert_eq!(submit(&t, &admin, "payments", paid).await, "approved");
    }
    let (_, currency) = amount_of(&t, &admin, this_year).await;
    for (month, amount) in [(0, "40000"), (3, "2,500")] {
        let set = t
            .post(
                "/api/v1/targets",
                &admin,
                json!({ "year": 2021, "month": month, "measure": "contract_amount", "amount": amount }),
            )
            .await;
        assert_eq!(set.status, 201, "{}", set.text);
    }
    let year = "period=custom&from=2021-01-01&to=2021-12-31";
    let board = t.get(&format!("/api/v1/dashboard?{year}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let march = board.body["trend"]
        .as_array()
        .expect("trend")
        .iter()
        .find(|m| m["month"] == "2021-03")
        .expect("March")
        .clone();
    assert_eq!(march["payments"], 150_000);
    assert_eq!(march["payments_year_before"], 70_000);
    assert_eq!(march["contracts_year_before"], 200_000);
    let target = &board.body["targets"][0];
    assert_eq!(target["months"][2]["target"], 250_000);
    assert_eq!(target["months"][2]["achieved"], 300_000);
    assert_eq!(target["months"][2]["rate"], 1200);
    // April has none of its own: it shares the 37,500 the year leaves after
    // March with the ten other months (340,909 cents each, the cent left
    // over going to January).
    let april = &target["months"][3];
    assert_eq!(april["target"], 340_909, "{april}");
    let achieved = april["achieved"].as_i64().expect("achieved");
    assert_eq!(april["rate"], (achieved * 2000 + 340_909) / (2 * 340_909));
    assert_eq!(target["months"][0]["target"], 340_910);
    assert_eq!(target["rate"], 75, "3,000 of 40,000 is 7.5%, in tenths");

    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/dashboard?{year}"), "en").await;
    assert_eq!(status, 200);
    let section = html
        .split("id=\"target-contract_amount\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the target's section");
    // The chart: each month's target and achievement on hover.
    assert!(section.contains("<svg class=\"chart\""), "{section}");
    assert!(section.contains("2021-03 Target: "), "{section}");
    assert!(section.contains("2021-03 Achieved: "), "{section}");
    // April shares what the year leaves after March.
    assert!(
        section.contains("2021-04 Target: CNY 3,409.09"),
        "{section}"
    );
    // The table: a row per month, amounts formatted, the rate, "—" where
    // a month has no target of its own.
    let table = section
        .split("<tbody>")
        .nth(1)
        .and_then(|rest| rest.split("</tbody>").next())
        .expect("table");
    let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), 12, "{table}");
    assert!(rows[2].contains("Mar 2021"), "{}", rows[2]);
    assert!(
        rows[2].contains("2,500.00") && rows[2].contains("3,000.00"),
        "{}",
        rows[2]
    );
    assert!(rows[2].contains("120.0%"), "{}", rows[2]);
    assert!(rows[3].contains("3,409.09"), "{}", rows[3]);
    // The trend's chart and legend carry payments a year before.
    assert!(
        html.contains("2021-03 Payments a year before: "),
        "the trend"
    );
    assert!(html.contains("key series-3"));
    let _ = currency;
}

/// A report's row by its keys, as values by column key.
fn report_row(report: &Value, key: &str, key2: &str) -> std::collections::BTreeMap<String, Value> {
    let columns = report["columns"].as_array().expect("columns");
    let row = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key && r["key2"] == key2)
        .unwrap_or_else(|| panic!("row {key} {key2}: {report}"));
    columns
        .iter()
        .zip(row["values"].as_array().expect("values"))
        .map(|(c, v)| (c["key"].as_str().expect("key").to_string(), v.clone()))
        .collect()
}

#[tokio::test]
async fn the_target_report_shows_each_holder_by_month_and_year_spreading_a_year_target_alone() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let (rep_id, rep) = (team.rep.0, team.rep.1.as_str());
    let sales = t.get(&format!("/api/v1/users/{rep_id}"), admin).await;
    let sales = sales.body["department_id"].as_i64().expect("department");

    // None yet: the page says so and links where targets are set.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let year = "period=custom&from=2021-01-01&to=2021-12-31";
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/reports/targets?{year}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("No targets are set"), "{html}");
    assert!(html.contains("href=\"/settings/targets?year=2021\""));

    let client = customer(&t, rep, "Targeted").await;
    let signed = signed_contract(&t, rep, client, "1,200", "2021-03-10").await;
    let paid = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": signed, "received_on": "2021-04-02", "amount": "300" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", paid).await, "approved");
    for body in [
        // The department: a year's target only.
        json!({ "year": 2021, "month": 0, "department_id": sales, "measure": "contract_amount", "amount": "12,000" }),
        // The rep: March only, and a payment target for April.
        json!({ "year": 2021, "month": 3, "user_id": rep_id, "measure": "contract_amount", "amount": "1,000" }),
        json!({ "year": 2021, "month": 4, "user_id": rep_id, "measure": "payment_amount", "amount": "600" }),
    ] {
        let set = t.post("/api/v1/targets", admin, body).await;
        assert_eq!(set.status, 201, "{}", set.text);
    }

    let by_department = t
        .get(
            &format!("/api/v1/reports/targets?{year}&by=department"),
            admin,
        )
        .await;
    assert_eq!(by_department.status, 200, "{}", by_department.text);
    let report = &by_department.body;
    assert_eq!(report["by2"], "month");
    let department = sales.to_string();
    let whole = report_row(report, &department, "2021");
    assert_eq!(whole["contract_amount_target"], 1_200_000);
    assert_eq!(whole["contract_amount_achieved"], 120_000);
    assert_eq!(whole["contract_amount_rate"], 100, "10.0%, in tenths");
    // A year's target with no month targets is spread evenly.
    let march = report_row(report, &department, "2021-03");
    assert_eq!(march["contract_amount_target"], 100_000, "a twelfth");
    assert_eq!(march["contract_amount_achieved"], 120_000);
    assert_eq!(march["contract_amount_rate"], 1200);
    // The department's own rows: the year and its months (a department
    // above it without a target of its own, whose people have targets, is
    // measured against theirs added up in rows of its own).
    let own = report["rows"].as_array().map(|rows| {
        rows.iter()
            .filter(|r| r["key"] == department.as_str())
            .count()
    });
    assert_eq!(own, Some(13), "the year and its months");

    // One who sees only their own contracts is not shown the department's
    // target against their part of it; their own target stays theirs.
    let reader = t
        .role(
            admin,
            "Own reports",
            &["report.view", "contract.view", "payment.view"],
            json!({ "contract": { "scope": "own" }, "payment": { "scope": "own" } }),
        )
        .await;
    t.user(
        admin,
        "13700000077",
        json!({ "department_id": sales, "role_ids": [reader] }),
    )
    .await;
    let own = t.login("13700000077", crate::helpers::PASSWORD).await;
    let partial = t
        .get(
            &format!("/api/v1/reports/targets?{year}&by=department"),
            &own,
        )
        .await;
    assert_eq!(partial.status, 200, "{}", partial.text);
    assert!(
        partial.body["rows"]
            .as_array()
            .is_some_and(|rows| rows.iter().all(|r| r["key"] != department.as_str())),
        "{}",
        partial.text
    );

    let by_person = t
        .get(&format!("/api/v1/reports/targets?{year}&by=owner"), admin)
        .await;
    let report = &by_person.body;
    let person = rep_id.to_string();
    let march = report_row(report, &person, "2021-03");
    assert_eq!(march["contract_amount_target"], 100_000);
    assert_eq!(march["contract_amount_rate"], 1200);
    let whole = report_row(report, &person, "2021");
    assert_eq!(
        whole["contract_amount_target"],
        Value::Null,
        "March alone is no year's target"
    );
    let payments = t
        .get(
            &format!("/api/v1/reports/targets?{year}&by=owner&measure=payment_amount"),
            admin,
        )
        .await;
    let april = report_row(&payments.body, &person, "2021-04");
    assert_eq!(april["payment_amount_target"], 60_000);
    assert_eq!(april["payment_amount_achieved"], 30_000);
    assert_eq!(april["payment_amount_rate"], 500);
    let refused = t
        .get(
            &format!("/api/v1/reports/targets?{year}&measure=profit"),
            admin,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);

    // Exported like the other reports.
    for format in ["csv", "xlsx"] {
        let export = t
            .get(
                &format!("/api/v1/reports/targets/export?{year}&by=department&format={format}"),
                admin,
            )
            .await;
        assert_eq!(export.status, 200, "{format}: {}", export.text);
    }
    let csv = t
        .get(
            &format!("/api/v1/reports/targets/export?{year}&by=department&format=csv"),
            admin,
        )
        .await;
    assert!(
        csv.text.contains("12,000.00") || csv.text.contains("12000"),
        "{}",
        csv.text
    );

    // The page: a measure to choose, names not ids, "—" for months.
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{year}&by=department"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"measure\""));
    assert!(html.contains(">Sales<"), "the department's name");
    assert!(
        html.contains("<td class=\"num\">1,000.00</td>"),
        "a twelfth"
    );
    assert!(html.contains("takes an even share of what the year target leaves"));
    // By person, the rep's months without a target of their own show "—".
    let (_, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/targets?{year}&by=owner"),
        "en",
    )
    .await;
    assert!(html.contains("<td class=\"num\">—</td>"));
}
