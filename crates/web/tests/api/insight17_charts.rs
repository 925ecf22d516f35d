//! A report grouped twice whose names along the axis would be cut under
//! bars on a phone is drawn as horizontal bars, each name beside its bars,
//! as a report grouped once is.

use serde_json::json;

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::create;

/// The drawings of a page's small multiples.
fn drawings(html: &str) -> Vec<&str> {
    html.split(r#"<figure class="chart-multiple">"#)
        .skip(1)
        .map(|rest| rest.split("</figure>").next().unwrap_or_default())
        .collect()
}

async fn drawn(t: &TestApp, admin: &str, cookie: &str, cities: &[&str]) -> Vec<String> {
    for (n, city) in cities.iter().enumerate() {
        create(
            t,
            admin,
            "/api/v1/customers",
            json!({ "name": format!("Buyer {n}"), "city": city }),
        )
        .await;
    }
    let created = t
        .post(
            "/api/v1/custom-reports",
            admin,
            json!({ "name": format!("By city {}", cities[0]), "kind": "customers",
                    "group_by": ["city", "created_at:month"],
                    "measures": [{"op": "count"}], "chart": "bar" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let path = format!("/reports/custom/{id}?period=this_year");
    let (status, html) = page(t, cookie, &path, "en").await;
    assert_eq!(status, 200, "{html}");
    drawings(&html).into_iter().map(str::to_string).collect()
}

#[tokio::test]
async fn two_groupings_with_long_names_draw_horizontal_bars() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    // Names too long to stand under their bars on a phone.
    let long = [
        "Kaohsiung Harbour District",
        "Taichung Science Park West",
        "New Taipei Riverside North",
        "Hsinchu County Bamboo Hills",
    ];
    let charts = drawn(&t, &admin, &cookie, &long).await;
    assert_eq!(charts.len(), 1, "{charts:?}");
    let svg = &charts[0];
    assert!(svg.contains("bars-chart"), "horizontal bars: {svg}");
    // Every name is drawn beside its bars, on wide screens and on phones.
    for city in long {
        assert!(
            svg.contains(&format!("<title>{city}</title>")),
            "{city}: {svg}"
        );
    }
    assert!(svg.contains(r#"<g class="ticks-narrow">"#), "{svg}");
}

#[tokio::test]
async fn two_groupings_with_short_names_keep_upright_bars() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let charts = drawn(&t, &admin, &cookie, &["Tainan", "Keelung"]).await;
    assert_eq!(charts.len(), 1, "{charts:?}");
    assert!(!charts[0].contains("bars-chart"), "{}", charts[0]);
}
