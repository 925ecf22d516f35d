//! Leads pick their level, industry and source from the customers'
//! options: a built report on leads grouped by one of them names each
//! group by its option, as a report on customers does.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::sales_fixtures::create;

/// The first option of the customers' `field`: its id and label.
fn first_option(options: &Value, field: &str) -> (i64, String) {
    let found = options
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["kind"] == "customer" && o["field"] == field)
        .unwrap_or_else(|| panic!("{field} in {options}"));
    (
        found["id"].as_i64().expect("id"),
        found["label"].as_str().expect("label").to_string(),
    )
}

#[tokio::test]
async fn a_report_on_leads_by_industry_names_each_industry() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let options = t.get("/api/v1/options", &admin).await.body;
    let (industry, label) = first_option(&options, "industry_id");
    for name in ["Lead one", "Lead two"] {
        create(
            &t,
            &admin,
            "/api/v1/leads",
            json!({ "name": name, "industry_id": industry }),
        )
        .await;
    }
    create(&t, &admin, "/api/v1/leads", json!({ "name": "Lead three" })).await;
    let id = create(
        &t,
        &admin,
        "/api/v1/custom-reports",
        json!({ "name": "Leads by industry", "kind": "leads", "group_by": ["industry_id"],
                "measures": [{"op": "count"}], "chart": "bar" }),
    )
    .await;
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?period=this_year"),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    let row = figures.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"].as_str() == Some(industry.to_string().as_str()))
        .unwrap_or_else(|| panic!("industry {industry}: {}", figures.text));
    assert_eq!(row["label"], label, "{}", figures.text);
    assert_eq!(row["values"][0], 2, "{}", figures.text);
}
