//! Builder charts and checks: three measures drawn as a chart each with
//! figures on its axis, two groupings drawn as a series per value of the
//! second, a pie refused two groupings, and every problem of a builder
//! request (a bad kind among them) reported at once, page and API.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::sales_fixtures::{create, customer, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

/// A contract signed on `day`; approved when `approve`, a draft otherwise.
async fn contract(t: &TestApp, token: &str, client: i64, amount: &str, day: &str, approve: bool) {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day} {amount}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    if approve {
        assert_eq!(submit(t, token, "contracts", id).await, "approved");
    }
}

async fn saved(t: &TestApp, token: &str, definition: Value) -> i64 {
    let created = t.post("/api/v1/custom-reports", token, definition).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_i64().expect("id")
}

/// The charts of a page's small multiples: each one's caption and drawing.
fn multiples(html: &str) -> Vec<(String, String)> {
    html.split(r#"<figure class="chart-multiple"><figcaption>"#)
        .skip(1)
        .map(|rest| {
            let (caption, rest) = rest.split_once("</figcaption>").expect("caption");
            let svg = rest.split("</figure>").next().unwrap_or_default();
            (caption.to_string(), svg.to_string())
        })
        .collect()
}

/// Three contracts of 2021 (two approved in the first quarter, one in the
/// second) and a draft in the first quarter.
async fn four_contracts(t: &TestApp, admin: &str) {
    let client = customer(t, admin, "Chart Buyer").await;
    contract(t, admin, client, "30,000", "2021-02-03", true).await;
    contract(t, admin, client, "10,000", "2021-03-04", true).await;
    contract(t, admin, client, "8,000", "2021-05-06", true).await;
    contract(t, admin, client, "5,000", "2021-01-20", false).await;
}

#[tokio::test]
async fn three_measures_draw_a_chart_each_with_figures_on_its_axis() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    four_contracts(&t, &admin).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for chart in ["bar", "line"] {
        let id = saved(
            &t,
            &admin,
            json!({ "name": format!("Three {chart}"), "kind": "contracts",
                    "group_by": ["signed_on:quarter"],
                    "measures": [{"op": "count"}, {"op": "sum", "field": "amount"},
                                 {"op": "average", "field": "amount"}],
                    "chart": chart }),
        )
        .await;
        let (status, html) = page(&t, &cookie, &format!("/reports/custom/{id}?{YEAR}"), "en").await;
        assert_eq!(status, 200, "{html}");
        let charts = multiples(&html);
        assert_eq!(charts.len(), 3, "a chart per measure: {html}");
        assert!(charts[0].0.starts_with("Records"), "{:?}", charts[0].0);
        for (caption, svg) in &charts {
            assert!(
                svg.matches("value-tick axis-0").count() == 5,
                "{caption}: figures on its axis: {svg}"
            );
            assert!(!svg.contains("axis-1"), "{caption}: one axis: {svg}");
        }
        // Counts 0 to 4 (three in the first quarter, the draft among
        // them); sums to 60k; the first quarter's average 15,000 of 45,000
        // over three, on an axis to 16k.
        assert!(charts[0].1.contains(">4</text>"), "{}", charts[0].1);
        assert!(charts[1].1.contains(">60k</text>"), "{}", charts[1].1);
        assert!(charts[2].1.contains(">16k</text>"), "{}", charts[2].1);
        assert!(
            charts[2].1.contains(": 15,000.00</title>"),
            "the value on hover: {}",
            charts[2].1
        );
        // The table beside the charts still has every figure.
        assert!(html.contains("report-table"), "{html}");
    }
}

#[tokio::test]
async fn two_groupings_draw_a_series_per_value_of_the_second() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    four_contracts(&t, &admin).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let id = saved(
        &t,
        &admin,
        json!({ "name": "Status by quarter", "kind": "contracts",
                "group_by": ["status", "signed_on:quarter"],
                "measures": [{"op": "count"}, {"op": "sum", "field": "amount"}],
                "chart": "bar" }),
    )
    .await;
    let (status, html) = page(&t, &cookie, &format!("/reports/custom/{id}?{YEAR}"), "en").await;
    assert_eq!(status, 200, "{html}");
    // The legend names the quarters, in time, each in its colour.
    let legend = html
        .split(r#"<p class="legend">"#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_else(|| panic!("a legend: {html}"));
    let first = legend.find("2021-Q1").expect("Q1 in the legend");
    let second = legend.find("2021-Q2").expect("Q2 in the legend");
    assert!(first < second, "{legend}");
    assert!(legend.contains("key series-1"), "{legend}");
    let charts = multiples(&html);
    assert_eq!(charts.len(), 2, "a chart per measure: {html}");
    let (_, counts) = &charts[0];
    assert!(counts.contains("value-tick axis-0"), "{counts}");
    // Two statuses along the axis, each with a bar per quarter.
    let wide = counts
        .split(r#"<g class="ticks-wide">"#)
        .nth(1)
        .and_then(|rest| rest.split("</g>").next())
        .expect("labels");
    assert_eq!(wide.matches("<text class=\"tick\"").count(), 2, "{wide}");
    assert_eq!(counts.matches("<rect class=\"series-0\"").count(), 2);
    // No draft in Q2: a count of none draws no bar.
    assert_eq!(counts.matches("<rect class=\"series-1\"").count(), 1);
    assert!(!wide.contains("2021-Q"), "quarters are series: {wide}");
    // Hover names both groups and the measure: two approved in Q1; no
    // draft in Q2 draws no bar to hover.
    assert!(
        counts.contains(" · 2021-Q1 · Records: 2</title>"),
        "{counts}"
    );
    assert!(
        !counts.contains(" · 2021-Q2 · Records: 0</title>"),
        "{counts}"
    );

    // Lines: a polyline per quarter.
    let id = saved(
        &t,
        &admin,
        json!({ "name": "Lines by quarter", "kind": "contracts",
                "group_by": ["status", "signed_on:quarter"],
                "measures": [{"op": "count"}], "chart": "line" }),
    )
    .await;
    let (_, html) = page(&t, &cookie, &format!("/reports/custom/{id}?{YEAR}"), "en").await;
    assert_eq!(html.matches("<polyline").count(), 2, "{html}");
}

/// The refused fields of a 422 answer with their codes and messages.
fn refusals(answer: &crate::helpers::Answer) -> Vec<(String, String, String)> {
    assert_eq!(answer.status, 422, "{}", answer.text);
    answer.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (text("field"), text("code"), text("message"))
        })
        .collect()
}

#[tokio::test]
async fn a_builder_request_hears_of_every_problem_at_once_a_bad_kind_among_them() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": " ", "kind": "planets", "group_by": [],
                    "measures": [{"op": "median"}, {"op": "sum"}],
                    "chart": "radar", "shares": [{"kind": "team", "id": 1}] }),
        )
        .await;
    let refused = refusals(&answer);
    let fields: Vec<(&str, &str)> = refused
        .iter()
        .map(|(f, c, _)| (f.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", "required"),
            ("kind", "report_kind_unknown"),
            ("group_by", "required"),
            ("measures.0.op", "measure_op_unknown"),
            ("measures.1.field", "measure_field_required"),
            ("chart", "chart_unknown"),
            ("shares.0.kind", "share_kind_unknown"),
        ],
        "{refused:?}"
    );
    let message = |field: &str| {
        refused
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, _, m)| m.clone())
            .unwrap_or_default()
    };
    assert!(
        message("kind").contains("customers, leads, contacts"),
        "{refused:?}"
    );
    assert!(message("chart").contains("bar, line, pie, funnel or table"));
    assert!(message("shares.0.kind").contains("a user, a department or a role"));

    // A pie draws one grouping: two are refused, naming the fix.
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "Pie", "kind": "contracts", "group_by": ["status", "owner_id"],
                    "measures": [{"op": "count"}], "chart": "pie" }),
        )
        .await;
    let refused = refusals(&answer);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        (refused[0].0.as_str(), refused[0].1.as_str()),
        ("chart", "chart_one_grouping")
    );
    assert!(
        refused[0].2.contains("remove the second grouping"),
        "{refused:?}"
    );

    // The form says every problem at once too.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form =
        format!("_csrf={csrf}&name=&kind=planets&chart=radar&group_0=owner_id&measure_0_op=median");
    let (status, html) = post_form(&t, &cookie, "/reports/custom/new", form).await;
    assert_eq!(status, 422, "{html}");
    for said in [
        "choose what the report counts",
        "choose bar, line, pie, funnel or table",
        "choose count, sum or average",
    ] {
        assert!(html.contains(said), "{said}: {html}");
    }
}
