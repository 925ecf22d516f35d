//! The built-in reports, checked against sums this test computes from the
//! demo company's own files: sales by user, by department and by month,
//! product sales, win rates, customers by industry and source, and what a
//! manager whose scope is their department sees.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");
const PRODUCTS: &str = include_str!("../../../service/demo/maven-crm/products.csv");
const TEAMS: &str = include_str!("../../../service/demo/maven-crm/sales_teams.csv");
const ACCOUNTS: &str = include_str!("../../../service/demo/maven-crm/accounts.csv");

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

struct Deal {
    agent: String,
    product: String,
    account: String,
    stage: String,
    close_date: String,
    cents: i64,
}

fn deals() -> Vec<Deal> {
    csv::Reader::from_reader(PIPELINE.as_bytes())
        .records()
        .map(|r| {
            let r = r.expect("a row");
            Deal {
                agent: r[1].to_string(),
                product: r[2].to_string(),
                account: r[3].trim().to_string(),
                stage: r[4].to_string(),
                close_date: r[6].to_string(),
                cents: r[7].trim().parse::<i64>().map(|d| d * 100).unwrap_or(0),
            }
        })
        // Rows without an account are leads, not opportunities.
        .filter(|d| !d.account.is_empty())
        .collect()
}

fn product_key(name: &str) -> String {
    name.to_lowercase().replace(' ', "")
}

/// Product names by their key.
fn products() -> BTreeMap<String, String> {
    csv::Reader::from_reader(PRODUCTS.as_bytes())
        .records()
        .map(|r| {
            let r = r.expect("a product");
            (product_key(&r[0]), r[0].to_string())
        })
        .collect()
}

/// Each agent's and each manager's office.
fn offices() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in csv::Reader::from_reader(TEAMS.as_bytes()).records() {
        let r = r.expect("a team row");
        out.insert(r[0].to_string(), r[2].to_string());
        out.insert(r[1].to_string(), r[2].to_string());
    }
    out
}

fn won_in_2017(deals: &[Deal]) -> Vec<&Deal> {
    deals
        .iter()
        .filter(|d| d.stage == "Won" && d.close_date.starts_with("2017"))
        .collect()
}

fn column(report: &Value, key: &str, currency: Option<&str>) -> usize {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["key"] == key && c["currency"].as_str() == currency)
        .unwrap_or_else(|| panic!("column {key} {currency:?}: {report}"))
}

/// A column's values by row label, rows with nothing left out.
fn by_label(report: &Value, column: usize) -> BTreeMap<String, i64> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["label"].as_str().expect("label").to_string(),
                r["values"][column].as_i64().unwrap_or(0),
            )
        })
        .filter(|(_, v)| *v != 0)
        .collect()
}

fn sums<'a>(
    deals: impl Iterator<Item = &'a Deal>,
    key: impl Fn(&Deal) -> String,
) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for d in deals {
        *out.entry(key(d)).or_default() += d.cents;
    }
    out.retain(|_, v| *v != 0);
    out
}

fn counts<'a>(
    deals: impl Iterator<Item = &'a Deal>,
    key: impl Fn(&Deal) -> String,
) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for d in deals {
        *out.entry(key(d)).or_default() += 1;
    }
    out
}

#[tokio::test]
async fn sales_add_up_by_user_department_and_month_and_a_manager_sees_their_department() {
    let t = TestApp::new().await;
    let demo = t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let deals = deals();
    let won = won_in_2017(&deals);
    let offices = offices();

    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=owner"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let amount = column(&report.body, "contract_amount", Some("USD"));
    let paid = column(&report.body, "payment_amount", Some("USD"));
    let expected = sums(won.iter().copied(), |d| d.agent.clone());
    assert_eq!(by_label(&report.body, amount), expected);
    assert_eq!(by_label(&report.body, paid), expected);
    let contracts = column(&report.body, "contracts", None);
    assert_eq!(
        by_label(&report.body, contracts),
        counts(won.iter().copied(), |d| d.agent.clone())
    );
    assert_eq!(
        report.body["totals"][amount].as_i64(),
        Some(won.iter().map(|d| d.cents).sum::<i64>())
    );

    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=department"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let amount = column(&report.body, "contract_amount", Some("USD"));
    let by_office = sums(won.iter().copied(), |d| offices[&d.agent].clone());
    assert_eq!(by_label(&report.body, amount), by_office);

    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=month"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let rows = report.body["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 12, "every month of the year, empty ones too");
    let amount = column(&report.body, "contract_amount", Some("USD"));
    let before = column(&report.body, "contract_amount_year_before", Some("USD"));
    let by_month = sums(won.iter().copied(), |d| d.close_date[..7].to_string());
    assert_eq!(by_label(&report.body, amount), by_month);
    let won_2016 = sums(
        deals
            .iter()
            .filter(|d| d.stage == "Won" && d.close_date.starts_with("2016")),
        |d| format!("2017{}", &d.close_date[4..7]),
    );
    assert_eq!(by_label(&report.body, before), won_2016);

    // A manager's scope is their office: only its people, only its sums.
    let manager = demo
        .users
        .iter()
        .find(|u| u.name == "Dustin Brinkmann")
        .expect("a manager");
    let office = &offices[&manager.name];
    let theirs = t
        .login(&manager.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=department"),
            &theirs,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let amount = column(&report.body, "contract_amount", Some("USD"));
    assert_eq!(
        by_label(&report.body, amount),
        BTreeMap::from([(office.clone(), by_office[office])])
    );
    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=owner"),
            &theirs,
        )
        .await;
    let amount = column(&report.body, "contract_amount", Some("USD"));
    assert_eq!(
        by_label(&report.body, amount),
        sums(
            won.iter().copied().filter(|d| &offices[&d.agent] == office),
            |d| d.agent.clone()
        )
    );
    // Asking for the whole company does not widen it.
    let report = t
        .get(
            &format!("/api/v1/reports/sales?{YEAR_2017}&by=month&scope=company"),
            &theirs,
        )
        .await;
    let amount = column(&report.body, "contract_amount", Some("USD"));
    assert_eq!(
        report.body["totals"][amount].as_i64(),
        Some(by_office[office])
    );
}

#[tokio::test]
async fn products_win_rates_and_customers_add_up() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let deals = deals();
    let won = won_in_2017(&deals);
    let products = products();

    // Product sales: what each product's won deals closed for.
    let report = t
        .get(&format!("/api/v1/reports/products?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let amount = column(&report.body, "sales_amount", Some("USD"));
    let expected = sums(
        won.iter()
            .copied()
            .filter(|d| products.contains_key(&product_key(&d.product))),
        |d| products[&product_key(&d.product)].clone(),
    );
    assert!(!expected.is_empty());
    assert_eq!(by_label(&report.body, amount), expected);

    // Win rates: won and lost in 2017 per agent, and the share won.
    let report = t
        .get(&format!("/api/v1/reports/win_rates?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let closed_2017 = |stage: &str| {
        counts(
            deals
                .iter()
                .filter(|d| d.stage == stage && d.close_date.starts_with("2017")),
            |d| d.agent.clone(),
        )
    };
    let (won_by, lost_by) = (closed_2017("Won"), closed_2017("Lost"));
    assert_eq!(
        by_label(&report.body, column(&report.body, "won", None)),
        won_by
    );
    assert_eq!(
        by_label(&report.body, column(&report.body, "lost", None)),
        lost_by
    );
    let rate = column(&report.body, "win_rate", None);
    for row in report.body["rows"].as_array().expect("rows") {
        let name = row["label"].as_str().expect("label");
        let (w, l) = (
            won_by.get(name).copied().unwrap_or(0),
            lost_by.get(name).copied().unwrap_or(0),
        );
        if w + l > 0 {
            assert_eq!(
                row["values"][rate].as_i64(),
                Some((w * 1000 + (w + l) / 2) / (w + l)),
                "{name}"
            );
        }
    }

    // Customers by industry: the accounts of each sector (each dated by its
    // first deal, all in 2016 and 2017) and those whose first won deal was
    // in 2017.
    let mut sectors: BTreeMap<String, String> = BTreeMap::new();
    for r in csv::Reader::from_reader(ACCOUNTS.as_bytes()).records() {
        let r = r.expect("an account");
        sectors.insert(r[0].trim().to_string(), r[1].trim().to_string());
    }
    let report = t
        .get(
            "/api/v1/reports/customers?period=custom&from=2016-01-01&to=2017-12-31&by=industry",
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let mut per_sector: BTreeMap<String, i64> = BTreeMap::new();
    for sector in sectors.values() {
        *per_sector.entry(sector.clone()).or_default() += 1;
    }
    assert_eq!(
        by_label(&report.body, column(&report.body, "new_customers", None)),
        per_sector
    );
    let mut first_deal: BTreeMap<&str, &str> = BTreeMap::new();
    for d in deals.iter().filter(|d| d.stage == "Won") {
        let first = first_deal.entry(&d.account).or_insert(&d.close_date);
        if d.close_date.as_str() < *first {
            *first = &d.close_date;
        }
    }
    let mut dealt: BTreeMap<String, i64> = BTreeMap::new();
    for (account, day) in &first_deal {
        if day.starts_with("2017") {
            *dealt.entry(sectors[*account].clone()).or_default() += 1;
        }
    }
    let report = t
        .get(
            &format!("/api/v1/reports/customers?{YEAR_2017}&by=industry"),
            &admin,
        )
        .await;
    assert_eq!(
        by_label(&report.body, column(&report.body, "dealt_customers", None)),
        dealt
    );
    // By source: the demo's customers have none, so all are in one group.
    let report = t
        .get(
            "/api/v1/reports/customers?period=custom&from=2016-01-01&to=2017-12-31&by=source",
            &admin,
        )
        .await;
    let rows = report.body["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{}", report.text);
    assert!(rows[0]["key"].is_null());
    assert_eq!(
        rows[0]["values"][column(&report.body, "new_customers", None)].as_i64(),
        Some(sectors.len() as i64)
    );
    // By a custom field: the country the demo keeps for each account.
    let report = t
        .get(
            "/api/v1/reports/customers?period=custom&from=2016-01-01&to=2017-12-31&by=custom:country",
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let total = column(&report.body, "new_customers", None);
    assert_eq!(
        report.body["totals"][total].as_i64(),
        Some(sectors.len() as i64)
    );
    // The page names the grouping by the field's label, not its key.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(
        &t,
        &cookie,
        "/reports/customers?period=custom&from=2016-01-01&to=2017-12-31&by=custom:country",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("· Country") && !html.contains("· country"),
        "{html}"
    );
    // So does the export's heading.
    let csv = t
        .get(
            "/api/v1/reports/customers/export?period=custom&from=2016-01-01&to=2017-12-31&by=custom:country&format=csv",
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let heading = csv.text.lines().next().unwrap_or("");
    assert!(heading.contains("Country"), "{heading}");
}

#[tokio::test]
async fn reports_refuse_what_they_do_not_know_and_export_their_table() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let unknown = t.get("/api/v1/reports/nonsense", &admin).await;
    assert_eq!(unknown.status, 404);
    let bad = t.get("/api/v1/reports/sales?by=colour", &admin).await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["errors"][0]["field"], "by", "{}", bad.text);
    let bad = t
        .get("/api/v1/reports/customers?by=custom:nope", &admin)
        .await;
    assert_eq!(bad.status, 422);

    let csv = t
        .get(
            &format!("/api/v1/reports/sales/export?{YEAR_2017}&by=month&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let text = csv.text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = header
        .iter()
        .position(|h| h == "Contract amount (USD)")
        .expect("a contract amount column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 13, "twelve months and the total");
    let total = &rows[12];
    assert_eq!(&total[0], "Total");
    let expected: i64 = won_in_2017(&deals()).iter().map(|d| d.cents).sum();
    assert_eq!(
        total[column].to_string(),
        format!("{}.{:02}", expected / 100, expected % 100)
    );

    let xlsx = t
        .get(
            &format!("/api/v1/reports/funnel/export?{YEAR_2017}&format=xlsx"),
            &admin,
        )
        .await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );

    // Every built-in report answers, and the list names them all.
    let list = t.get("/api/v1/reports", &admin).await;
    for kind in list.body.as_array().expect("reports") {
        let name = kind["name"].as_str().expect("name");
        for by in kind["by"].as_array().expect("by") {
            let by = by.as_str().expect("by");
            let answer = t
                .get(
                    &format!("/api/v1/reports/{name}?{YEAR_2017}&by={by}"),
                    &admin,
                )
                .await;
            assert_eq!(answer.status, 200, "{name} by {by}: {}", answer.text);
        }
    }

    // Every report's page, in every language, with no untranslated words.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for lang in ["en", "zh-Hans", "zh-Hant"] {
        let (status, html) = crate::helpers::page(&t, &cookie, "/reports", lang).await;
        assert_eq!(status, 200);
        assert!(
            !html.contains("report_names.") && !html.contains("report_hints."),
            "{lang}"
        );
        for kind in list.body.as_array().expect("reports") {
            let name = kind["name"].as_str().expect("name");
            let (status, html) =
                crate::helpers::page(&t, &cookie, &format!("/reports/{name}?{YEAR_2017}"), lang)
                    .await;
            assert_eq!(status, 200, "{name} {lang}");
            for raw in ["report_columns.", "report_by.", "report_names.", "reports."] {
                assert!(!html.contains(raw), "{name} {lang}: {raw}");
            }
            assert!(
                html.contains("<table") || html.contains(r#"<p class="empty">"#),
                "{name}"
            );
        }
    }
}
