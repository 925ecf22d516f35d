//! Target figures users judge the CRM by: a department adds up its
//! sub-departments' targets beside its people's, a group's rate compares
//! only what those with a target achieved, the target report adds up the
//! people it shows, a year target never falls below its months, and bars
//! over dates keep their empty buckets.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};
use crate::sales_fixtures::{SalesTeam, create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

async fn year_target(t: &TestApp, token: &str, holder: (&str, i64), amount: &str) {
    set_target(
        t,
        token,
        json!({ "year": 2021, "month": 0, holder.0: holder.1,
                "measure": "contract_amount", "amount": amount }),
    )
    .await;
}

/// An approved contract of `owner`, signed on `day`.
async fn signed_by(t: &TestApp, admin: &str, owner: i64, amount: &str, day: &str) {
    let client = customer(t, admin, &format!("Client {owner} {day}")).await;
    let id = create(
        t,
        admin,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day} {amount}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, admin, "contracts", id).await, "approved");
    t.sql(&format!(
        "update contracts set owner_id = {owner} where id = {id}"
    ))
    .await;
}

/// The report's row of a holder and a month (or the period, `2021`).
fn cell<'a>(report: &'a Value, holder: &str, key2: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["key"] == holder && r["key2"] == key2)
        })
        .unwrap_or_else(|| panic!("no row {holder} {key2}: {report}"))
}

/// Sales (the rep 1,200 and the other rep 3,600 a year, the manager none)
/// with two sub-departments: East, with a target of its own of 6,000 and
/// one person without, and North, where nobody has one. Contracts of 2021:
/// the rep 120 and East's person 300 in April (both counted), the manager
/// 500 in April and North's person 700 in May (neither).
struct Company {
    team: SalesTeam,
    sales: i64,
    north: i64,
}

async fn company(t: &TestApp) -> Company {
    let team = sales_team(t).await;
    let admin = team.admin.clone();
    let profile = t
        .get(&format!("/api/v1/users/{}", team.manager.0), &admin)
        .await;
    let sales = profile.body["department_id"].as_i64().expect("department");
    let east = t.department(&admin, "East", sales).await;
    let north = t.department(&admin, "North", sales).await;
    let east_person = t
        .user(&admin, "0971000011", json!({ "department_id": east }))
        .await;
    let north_person = t
        .user(&admin, "0971000012", json!({ "department_id": north }))
        .await;
    year_target(t, &admin, ("user_id", team.rep.0), "1200").await;
    year_target(t, &admin, ("user_id", team.other_rep.0), "3600").await;
    year_target(t, &admin, ("department_id", east), "6000").await;
    signed_by(t, &admin, team.rep.0, "120", "2021-04-10").await;
    signed_by(t, &admin, east_person, "300", "2021-04-12").await;
    signed_by(t, &admin, team.manager.0, "500", "2021-04-15").await;
    signed_by(t, &admin, north_person, "700", "2021-05-03").await;
    Company { team, sales, north }
}

#[tokio::test]
async fn a_department_adds_up_its_sub_departments_targets_and_rates_only_what_they_count() {
    let t = TestApp::new().await;
    let c = company(&t).await;
    let admin = &c.team.admin;
    let manager = c.team.manager.0;
    let sales = c.sales;
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=department&department_id={sales}"),
            admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    // 1,200 + 3,600 + East's 6,000; counted: the rep's 120 and East's 300.
    assert_eq!(target["target"], 1_080_000, "{target}");
    assert_eq!(target["achieved"], 42_000, "{target}");
    assert_eq!(target["achieved_without_target"], 120_000, "{target}");
    assert_eq!(target["rate"], 39, "420 of 10,800 is 3.9%");
    assert_eq!(target["added_up"], true);
    assert_eq!(target["sub_departments"], true);
    let without = json!([
        { "user_id": manager, "name": "User 0971000001" },
        { "department_id": c.north, "name": "North" },
    ]);
    assert_eq!(target["without_target"], without);
    let april = &target["months"][3];
    assert_eq!(april["target"], 90_000, "100 + 300 + 500: {april}");
    assert_eq!(april["achieved"], 42_000);
    assert_eq!(april["achieved_without_target"], 50_000);
    assert_eq!(target["months"][4]["achieved_without_target"], 70_000);

    // Without its sub-departments: its own people only.
    let board = t
        .get(
            &format!(
                "/api/v1/dashboard?{YEAR}&scope=department&department_id={sales}&with_children=false"
            ),
            admin,
        )
        .await;
    let target = &board.body["targets"][0];
    assert_eq!(target["target"], 480_000, "{target}");
    assert_eq!(target["achieved"], 12_000);
    assert_eq!(target["achieved_without_target"], 50_000);
    assert_eq!(target["sub_departments"], false);

    // The target report measures Sales by the same rule, and East by its own.
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let body = &report.body;
    assert_eq!(
        body["columns"][3]["key"], "contract_amount_achieved_without_target",
        "{body}"
    );
    let year = cell(body, &sales.to_string(), "2021");
    assert_eq!(year["values"], json!([1_080_000, 42_000, 39, 120_000]));
    let added = body["added_up"]
        .as_array()
        .expect("added_up")
        .iter()
        .find(|h| h["key"] == sales.to_string().as_str())
        .expect("Sales added up")
        .clone();
    assert_eq!(added["without_target"], without);
    assert_eq!(added["sub_departments"], true);
    let east_row = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["label"] == "East" && r["key2"] == "2021")
        .expect("East's row")
        .clone();
    assert_eq!(east_row["values"], json!([600_000, 30_000, 50, 0]));
    assert!(
        !body["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["label"] == "North"),
        "nobody in North has a target: {body}"
    );

    // The dashboard, the report page and the export say it the same way.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let currency = t.app.settings().currency.clone();
    let apart = kuijing_domain::money::format_money(120_000, &currency);
    for (lang, words, line) in [
        (
            "en",
            "North (department)",
            format!("Achieved without a target: {apart}"),
        ),
        (
            "zh-Hant",
            "North（部門）",
            format!("沒有目標者的完成額：{apart}"),
        ),
        (
            "zh-Hans",
            "North（部门）",
            format!("没有目标者的完成额：{apart}"),
        ),
    ] {
        let (status, html) = crate::helpers::page(
            &t,
            &cookie,
            &format!("/dashboard?{YEAR}&scope=department&department_id={sales}"),
            lang,
        )
        .await;
        assert_eq!(status, 200);
        assert!(html.contains(words), "{lang}: {html}");
        assert!(html.contains(&line), "{lang}: {line}");
        let (_, html) = crate::helpers::page(
            &t,
            &cookie,
            &format!("/reports/targets?{YEAR}&by=department"),
            lang,
        )
        .await;
        assert!(html.contains(words), "{lang}: report: {html}");
    }
    let export = t
        .get(
            &format!("/api/v1/reports/targets/export?format=csv&{YEAR}&by=department"),
            admin,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert!(
        export.text.contains("Contracts achieved without a target"),
        "{}",
        export.text
    );
    assert!(
        export.text.contains("North (department)"),
        "{}",
        export.text
    );
}

#[tokio::test]
async fn people_partly_covered_compare_like_with_like_and_the_report_adds_them_up() {
    let t = TestApp::new().await;
    let c = company(&t).await;
    let admin = &c.team.admin;
    let (rep, manager) = (c.team.rep.0, c.team.manager.0);
    // The rep has 1,200 and sold 120; the manager has none and sold 500.
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep},{manager}"),
            admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    assert_eq!(target["target"], 120_000, "{target}");
    assert_eq!(target["achieved"], 12_000, "only the rep's: {target}");
    assert_eq!(target["achieved_without_target"], 50_000);
    assert_eq!(target["rate"], 100, "120 of 1,200, not 620 of it");

    // Grouped by owner, the people chosen are added up in a total row.
    let query = format!("{YEAR}&by=owner&scope=users&user_ids={rep},{manager}");
    let report = t
        .get(&format!("/api/v1/reports/targets?{query}"), admin)
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let total = cell(&report.body, "total", "2021");
    assert_eq!(total["label"], "All shown together", "{total}");
    assert_eq!(total["values"], json!([120_000, 12_000, 100, 50_000]));
    let rep_row = cell(&report.body, &rep.to_string(), "2021");
    assert_eq!(rep_row["values"], json!([120_000, 12_000, 100, 0]));
    assert_eq!(
        cell(&report.body, "total", "2021-04")["values"],
        json!([10_000, 12_000, 1200, 50_000])
    );
    // The whole company: everyone's targets added up (the rep's and the
    // other rep's), what the others sold beside them.
    let report = t
        .get(&format!("/api/v1/reports/targets?{YEAR}&by=owner"), admin)
        .await;
    let total = cell(&report.body, "total", "2021");
    assert_eq!(total["values"], json!([480_000, 12_000, 25, 150_000]));

    // The page and the export show the total row.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for (lang, words) in [
        ("en", "All shown together"),
        ("zh-Hant", "以上合併計算"),
        ("zh-Hans", "以上合并计算"),
    ] {
        let (status, html) = crate::helpers::page(
            &t,
            &cookie,
            &format!(
                "/reports/targets?{YEAR}&by=owner&scope=users&user_id={rep}&user_id={manager}"
            ),
            lang,
        )
        .await;
        assert_eq!(status, 200);
        assert!(html.contains(words), "{lang}: {html}");
    }
    for format in ["csv", "xlsx"] {
        let export = t
            .get(
                &format!("/api/v1/reports/targets/export?format={format}&{query}"),
                admin,
            )
            .await;
        assert_eq!(export.status, 200, "{}", export.text);
        if format == "csv" {
            assert!(
                export
                    .text
                    .lines()
                    .any(|l| l.starts_with("All shown together,2021")),
                "{}",
                export.text
            );
        }
    }
}

#[tokio::test]
async fn months_never_add_up_to_more_than_the_years_own_target() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let set = |body: Value| {
        let t = &t;
        let admin = admin.clone();
        async move { t.post("/api/v1/targets", &admin, body).await }
    };
    let target = |month: i64, amount: &str| json!({ "year": 2021, "month": month, "measure": "contract_amount", "amount": amount });
    assert_eq!(set(target(0, "6000")).await.status, 201);
    assert_eq!(set(target(1, "4000")).await.status, 201);
    // February's 3,000 would make the months 7,000, more than the year's.
    let refused = set(target(2, "3000")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let error = &refused.body["errors"][0];
    assert_eq!(error["code"], "target_months_over_year", "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("7,000.00")
            && message.contains("6,000.00")
            && message.contains("month 2")
            && message.contains("raise the year's target"),
        "{message}"
    );
    // A year below the months set is refused on the year.
    let refused = set(target(0, "3000")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["errors"][0]["code"],
        "target_year_below_months"
    );
    // Nothing saved is lost.
    let saved = t.get("/api/v1/targets?year=2021", &admin).await;
    let amounts: Vec<(i64, i64)> = saved
        .body
        .as_array()
        .expect("targets")
        .iter()
        .map(|r| {
            (
                r["month"].as_i64().unwrap_or(-1),
                r["amount"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(amounts.len(), 2, "{}", saved.text);
    assert!(amounts.contains(&(0, 600_000)) && amounts.contains(&(1, 400_000)));
    // Within the year's, a month is saved.
    assert_eq!(set(target(2, "2000")).await.status, 201);

    // The form names the year's field and the fix, in each language.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    for (lang, words) in [
        (
            "en",
            "Contract amount target (Year): the months set add up to",
        ),
        ("zh-Hant", "超過全年目標"),
        ("zh-Hans", "超过全年目标"),
    ] {
        let form = format!(
            "_csrf={csrf}&year=2021&department_id=&user_id=&currency=\
             &key=contract_amount:0&amount=5000&key=contract_amount:3&amount=500"
        );
        let (status, html) =
            crate::helpers::post_form_in(&t, &cookie, "/settings/targets", form, lang).await;
        assert_eq!(status, 422, "{lang}: {html}");
        assert!(html.contains(words), "{lang}: {html}");
        assert!(html.contains("6,500.00"), "{lang}: {html}");
    }
    let saved = t.get("/api/v1/targets?year=2021", &admin).await;
    assert_eq!(
        saved.body.as_array().map(Vec::len),
        Some(3),
        "{}",
        saved.text
    );
}

#[tokio::test]
async fn bars_over_weeks_keep_the_empty_weeks_in_the_chart_and_the_table() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "Contracts by week", "kind": "contracts",
                    "group_by": ["signed_on:week"],
                    "measures": [{ "op": "sum", "field": "amount" }], "chart": "bar" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let period = "period=custom&from=2017-01-01&to=2017-06-30";
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{period}"),
            &admin,
        )
        .await;
    let rows = figures.body["rows"].as_array().expect("rows").len();
    // The weeks from the Monday of January 1 (2016-12-26) to June 26.
    let weeks = 27;
    assert!(rows > 0 && rows < weeks, "some weeks are empty: {rows}");
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/reports/custom/{id}?{period}"), "en").await;
    assert_eq!(status, 200);
    let table = html.split("<tbody>").nth(1).expect("a table");
    let table = table.split("</tbody>").next().unwrap_or_default();
    assert_eq!(table.matches("<tr>").count(), weeks, "every week a row");
    let chart = html.split("<svg").nth(1).expect("a chart");
    let chart = chart.split("</svg>").next().unwrap_or_default();
    assert!(chart.contains(">12-26<"), "the first week, empty or not");
    assert_eq!(
        chart.matches(r#"<rect class="series-0""#).count(),
        rows,
        "a bar per week with contracts, zero for the others"
    );
    // The export has the same weeks as the page's table.
    let file = t
        .get(
            &format!("/api/v1/custom-reports/{id}/export?format=csv&{period}"),
            &admin,
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.text);
    let lines: Vec<&str> = file.text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("2016-12-26") || l.contains(",2016-12-26")),
        "{}",
        file.text
    );
    let week_rows = lines
        .iter()
        .filter(|l| l.get(..4).is_some_and(|y| y == "2016" || y == "2017"))
        .count();
    assert_eq!(week_rows, weeks, "{}", file.text);
}

#[tokio::test]
async fn the_company_without_a_target_adds_up_its_departments_and_with_one_stands_on_its_own() {
    let t = TestApp::new().await;
    let c = company(&t).await;
    let admin = &c.team.admin;
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR}&scope=company"), admin)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    // Sales by its rule (1,200 + 3,600 + East's 6,000); nobody else has one.
    assert_eq!(target["target"], 1_080_000, "{target}");
    assert_eq!(target["achieved"], 42_000, "{target}");
    assert_eq!(target["achieved_without_target"], 120_000, "{target}");
    assert_eq!(target["added_up"], true);
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let year = cell(&report.body, "company", "2021");
    assert_eq!(year["values"], json!([1_080_000, 42_000, 39, 120_000]));

    // A target of the company's own: everyone's sales stand against it.
    set_target(
        &t,
        admin,
        json!({ "year": 2021, "month": 0, "measure": "contract_amount", "amount": "20000" }),
    )
    .await;
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR}&scope=company"), admin)
        .await;
    let target = &board.body["targets"][0];
    assert_eq!(target["target"], 2_000_000, "{target}");
    assert_eq!(target["achieved"], 162_000, "{target}");
    assert_eq!(target["added_up"], false);
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            admin,
        )
        .await;
    let year = cell(&report.body, "company", "2021");
    assert_eq!(year["values"], json!([2_000_000, 162_000, 81, 0]));
}

#[tokio::test]
async fn months_saved_at_once_never_add_up_past_the_year_nor_collide() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = &team.admin;
    let month = |user: i64, month: i64, amount: &str| {
        json!({ "year": 2021, "month": month, "user_id": user,
                "measure": "contract_amount", "amount": amount })
    };
    // Two months of 60,000 saved at once against a year of 100,000: one
    // is refused, whichever comes second.
    for user in [team.rep.0, team.other_rep.0, team.manager.0] {
        year_target(&t, admin, ("user_id", user), "100000").await;
        let (a, b) = tokio::join!(
            t.post("/api/v1/targets", admin, month(user, 1, "60000")),
            t.post("/api/v1/targets", admin, month(user, 2, "60000")),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 422], "{} {}", a.text, b.text);
    }
    // The same month saved several times at once: each is answered, and
    // one target of the month stays.
    let rep = team.rep.0;
    let (a, b, c) = tokio::join!(
        t.post("/api/v1/targets", admin, month(rep, 4, "1000")),
        t.post("/api/v1/targets", admin, month(rep, 4, "2000")),
        t.post("/api/v1/targets", admin, month(rep, 4, "3000")),
    );
    for answer in [&a, &b, &c] {
        assert_eq!(answer.status.as_u16(), 201, "{}", answer.text);
    }
    let saved = t
        .get(&format!("/api/v1/targets?year=2021&user_id={rep}"), admin)
        .await;
    let aprils = saved
        .body
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["month"] == 4)
        .count();
    assert_eq!(aprils, 1, "{}", saved.text);
}
