//! Insight, legibility and consistency: targets set in another currency
//! named where they are left out; the target report's chart labels; an
//! average on an axis of its own; the dashboard trend's years; rates
//! written alike on the dashboard and in the reports.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::{create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

/// An approved contract of the caller's, signed on `day`.
async fn signed(t: &TestApp, token: &str, client: i64, amount: &str, day: &str) {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day} {amount}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, token, "contracts", id).await, "approved");
}

#[tokio::test]
async fn targets_set_in_another_currency_are_named_where_they_are_left_out() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other) = (team.rep.0, team.other_rep.0);
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "user_id": rep, "measure": "contract_amount",
                "amount": "12000", "currency": "CNY" }),
    )
    .await;
    for month in [3, 4] {
        set_target(
            &t,
            &team.admin,
            json!({ "year": 2021, "month": month, "user_id": other,
                    "measure": "contract_amount", "amount": "500", "currency": "USD" }),
        )
        .await;
    }
    let left_out = json!([{ "currency": "USD", "targets": 2 }]);

    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=owner"),
            &team.admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report.body["columns"][0]["currency"], "CNY");
    assert_eq!(report.body["targets_left_out"], left_out, "{}", report.text);
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep},{other}"),
            &team.admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    assert_eq!(target["currency"], "CNY", "{}", board.text);
    assert_eq!(target["targets_left_out"], left_out);
    // One currency: nothing is left out, and nothing is said.
    let alone = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep}"),
            &team.admin,
        )
        .await;
    assert_eq!(alone.body["targets"][0]["targets_left_out"], json!([]));

    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for (lang, said) in [
        (
            "en",
            "Not counted here: 2 targets set in USD. These figures are in CNY",
        ),
        ("zh-Hans", "此处未计入：以 USD 设置的 2 个目标。"),
        ("zh-Hant", "此處未計入：以 USD 設定的 2 個目標。"),
    ] {
        for path in [
            format!("/reports/targets?{YEAR}&by=owner"),
            format!("/dashboard?{YEAR}&scope=users&user_id={rep}&user_id={other}"),
        ] {
            let (status, html) = page(&t, &cookie, &path, lang).await;
            assert_eq!(status, 200, "{path}");
            assert!(html.contains(said), "{lang} {path}: {html}");
        }
    }
    // By department, the sales department has no target of its own and
    // stands against its people's added up: the dollars are left out there
    // too, and said.
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/reports/targets?{YEAR}&by=department"),
        "en",
    )
    .await;
    assert!(
        html.contains("Not counted here: 2 targets set in USD"),
        "{html}"
    );
}

#[tokio::test]
async fn the_target_chart_names_each_holder_above_their_months_uncut() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other) = (team.rep.0, team.other_rep.0);
    let long = "Representative With A Rather Long Name For A Chart";
    let renamed = t
        .patch(
            &format!("/api/v1/users/{rep}"),
            &team.admin,
            json!({ "name": long }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    for user in [rep, other] {
        set_target(
            &t,
            &team.admin,
            json!({ "year": 2021, "month": 0, "user_id": user, "measure": "contract_amount",
                    "amount": "12000" }),
        )
        .await;
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/reports/targets?{YEAR}&by=owner"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let chart = html
        .split("<svg class=\"chart bars-chart\"")
        .nth(1)
        .and_then(|rest| rest.split("</svg>").next())
        .unwrap_or_else(|| panic!("horizontal bars for several holders: {html}"));
    // Each holder as a heading once per label set (wide and phone), whole
    // on hover; whole on a wide screen, cut to the phone's width there.
    assert_eq!(
        chart.matches(&format!("<title>{long}</title>")).count(),
        2,
        "{chart}"
    );
    assert_eq!(
        chart.matches(&format!("</title>{long}</text>")).count(),
        1,
        "{chart}"
    );
    assert_eq!(
        chart
            .matches("<title>User 0971000003</title>User 0971000003</text>")
            .count(),
        2,
        "{chart}"
    );
    assert!(chart.contains("class=\"ticks-narrow\""), "{chart}");
    // The months under each heading, named by their number alone.
    assert!(chart.contains("</title>01</text>") && chart.contains("</title>12</text>"));
    assert!(!chart.contains(" · 01"), "{chart}");
}

#[tokio::test]
async fn an_average_beside_a_sum_is_drawn_on_an_axis_of_its_own() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Average Buyer").await;
    signed(&t, &admin, client, "30,000", "2021-02-03").await;
    signed(&t, &admin, client, "10,000", "2021-02-04").await;
    signed(&t, &admin, client, "10,000", "2021-05-06").await;
    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "Sum and average", "kind": "contracts",
                    "group_by": ["signed_on:quarter"],
                    "measures": [{"op": "average", "field": "amount"},
                                 {"op": "sum", "field": "amount"}],
                    "chart": "bar" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/reports/custom/{id}?{YEAR}"), "en").await;
    assert_eq!(status, 200, "{html}");
    let svg = html
        .split("<svg class=\"chart\"")
        .nth(1)
        .and_then(|rest| rest.split("</svg>").next())
        .unwrap_or_else(|| panic!("a chart: {html}"));
    // The sums on the left up to 40k; the averages on the right up to 20k.
    assert!(
        svg.contains("axis-0\" x=\"70\" y=\"24.0\" text-anchor=\"end\" dominant-baseline=\"middle\">40k</text>"),
        "{svg}"
    );
    assert!(svg.contains("value-tick axis-1"), "{svg}");
    assert!(svg.contains(">20k</text>"), "{svg}");
    assert!(
        html.contains("(right axis)") && html.contains("(left axis)"),
        "{html}"
    );
    // The hover and the table keep the average's own figure.
    assert!(svg.contains(": 20,000.00</title>"), "{svg}");
}

#[tokio::test]
async fn the_dashboard_trend_names_the_years_of_its_months_and_series() {
    let t = TestApp::new().await;
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        "/dashboard?period=custom&from=2021-03-01&to=2021-08-31",
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let section = html
        .split("id=\"trend-title\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("the trend: {html}"));
    // Twelve months to August 2021: the year under September 2020 and
    // under January 2021, the months by their names.
    assert!(
        section.contains(">2020</text>") && section.contains(">2021</text>"),
        "{section}"
    );
    assert!(
        section.contains(">Sep</text>") && section.contains(">Jan</text>"),
        "{section}"
    );
    // The legend and the table's headings say which years each series is.
    assert!(section.contains("Contracts (2020–2021)"), "{section}");
    assert!(
        section.contains("Contracts a year before (2019–2020)"),
        "{section}"
    );
    assert!(
        section.contains("Payments a year before (2019–2020)"),
        "{section}"
    );
    let (_, html) = page(&t, &cookie, &format!("/dashboard?{YEAR}"), "zh-Hans").await;
    assert!(html.contains("（2020）"), "a year before 2021: {html}");
}

#[tokio::test]
async fn rates_are_the_same_figure_on_the_dashboard_and_in_the_report() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Rate Buyer").await;
    signed(&t, &admin, client, "310", "2021-03-10").await;
    set_target(
        &t,
        &admin,
        json!({ "year": 2021, "month": 3, "measure": "contract_amount", "amount": "700" }),
    )
    .await;
    const MARCH: &str = "period=custom&from=2021-03-01&to=2021-03-31";
    let board = t.get(&format!("/api/v1/dashboard?{MARCH}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["targets"][0]["rate"], 443, "44.3%, in tenths");
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{MARCH}&by=department"),
            &admin,
        )
        .await;
    let rates: Vec<&Value> = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| &r["values"][2])
        .collect();
    assert!(rates.iter().all(|r| **r == json!(443)), "{}", report.text);
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for path in [
        format!("/dashboard?{MARCH}"),
        format!("/reports/targets?{MARCH}&by=department"),
    ] {
        let (status, html) = page(&t, &cookie, &path, "en").await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(">44.3%<"), "{path}: {html}");
        assert!(!html.contains(">44%<"), "{path}: {html}");
    }
}
