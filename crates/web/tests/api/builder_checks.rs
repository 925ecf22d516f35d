//! Report filters and the report builder: every bad field refused at once,
//! each named by its label with the fix; a builder form sent twice saves
//! once; definitions that mean nothing refused; custom periods held to the
//! years 1900–2999 and ten years; owners and departments offered within the
//! viewer's scope; a saved report's page without an empty bar.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page, post_form};

/// The refused fields of a 422 answer, with their codes and messages.
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

fn fields(refused: &[(String, String, String)]) -> Vec<&str> {
    refused.iter().map(|(f, _, _)| f.as_str()).collect()
}

fn definition(group_by: Value, measures: Value, filters: Value) -> Value {
    json!({
        "name": "Checked", "kind": "contracts", "group_by": group_by,
        "measures": measures, "filters": filters, "chart": "bar"
    })
}

#[tokio::test]
async fn report_filters_name_every_bad_field_at_once_and_hold_custom_periods() {
    let t = TestApp::new().await;
    let admin = t.admin().await;

    // A built-in report: the grouping, both days and the people at once.
    let answer = t
        .get(
            "/api/v1/reports/sales?by=colour&period=custom&from=1800-01-01&to=2024-02-30&scope=users",
            &admin,
        )
        .await;
    let refused = refusals(&answer);
    assert_eq!(
        fields(&refused),
        ["by", "to", "from", "user_ids"],
        "{refused:?}"
    );
    assert!(
        refused[2].2.contains("1900 to 2999"),
        "the year's fix is said: {refused:?}"
    );

    // A reversed period and a department left out, on a saved report.
    let saved = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            definition(json!(["owner_id"]), json!([{"op": "count"}]), json!([])),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let id = saved.body["id"].as_i64().expect("id");
    let answer = t
        .get(
            &format!(
                "/api/v1/custom-reports/{id}/figures?period=custom&from=2024-05-01&to=2024-01-01&scope=department"
            ),
            &admin,
        )
        .await;
    let refused = refusals(&answer);
    assert_eq!(fields(&refused), ["to", "department_id"], "{refused:?}");

    // Ten years at most: up to the day before the same day ten years on.
    let ten = t
        .get(
            "/api/v1/reports/sales?period=custom&from=2020-01-01&to=2029-12-31",
            &admin,
        )
        .await;
    assert_eq!(ten.status, 200, "{}", ten.text);
    let longer = t
        .get(
            "/api/v1/reports/sales?period=custom&from=2020-01-01&to=2030-01-01",
            &admin,
        )
        .await;
    let refused = refusals(&longer);
    assert_eq!(fields(&refused), ["to"]);
    assert!(
        refused[0].2.starts_with("To:") && refused[0].2.contains("2029-12-31"),
        "{refused:?}"
    );
    let late = t
        .get(
            "/api/v1/reports/sales?period=custom&from=2990-01-01&to=3001-01-01",
            &admin,
        )
        .await;
    assert_eq!(fields(&refusals(&late)), ["to"]);

    // The page shows every message beside the pickers at once.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(
        &t,
        &cookie,
        "/reports/sales?period=custom&from=abc&to=&scope=users",
        "en",
    )
    .await;
    assert_eq!(status, 422, "{html}");
    for said in [
        "From is not a date that exists",
        "To is required",
        "choose one or more people",
    ] {
        assert!(html.contains(said), "{said}: {html}");
    }
}

#[tokio::test]
async fn a_builder_form_sent_twice_saves_one_report() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, html) = page(&t, &cookie, "/reports/custom/new?kind=contracts", "en").await;
    assert_eq!(status, 200);
    let marker = "name=\"_once\" value=\"";
    let start = html
        .find(marker)
        .expect("the form carries a one-time token")
        + marker.len();
    let once = &html[start..start + html[start..].find('"').expect("end")];
    let form = format!(
        "_csrf={csrf}&_once={once}&name=Twice&kind=contracts&chart=bar&group_0=owner_id\
         &measure_0_op=count"
    );
    let (first, led) = post_form(&t, &cookie, "/reports/custom/new", form.clone()).await;
    assert_eq!(first, 303, "{led}");
    let (second, again) = post_form(&t, &cookie, "/reports/custom/new", form).await;
    assert_eq!(second, 303, "{again}");
    assert_eq!(led, again, "the second send lands on the first report");
    let list = t.get("/api/v1/custom-reports", &admin).await;
    let named: Vec<&Value> = list
        .body
        .as_array()
        .expect("reports")
        .iter()
        .filter(|r| r["name"] == "Twice")
        .collect();
    assert_eq!(named.len(), 1, "{}", list.text);

    // A refused form frees its token: corrected, it saves.
    let (status, html) = page(&t, &cookie, "/reports/custom/new?kind=contracts", "en").await;
    assert_eq!(status, 200);
    let start = html.find(marker).expect("token") + marker.len();
    let once = html[start..start + html[start..].find('"').expect("end")].to_string();
    let bad = format!(
        "_csrf={csrf}&_once={once}&name=&kind=contracts&chart=bar&group_0=owner_id\
         &measure_0_op=count"
    );
    let (status, _) = post_form(&t, &cookie, "/reports/custom/new", bad).await;
    assert_eq!(status, 422);
    let good = format!(
        "_csrf={csrf}&_once={once}&name=Corrected&kind=contracts&chart=bar&group_0=owner_id\
         &measure_0_op=count"
    );
    let (status, led) = post_form(&t, &cookie, "/reports/custom/new", good).await;
    assert_eq!(status, 303, "{led}");
}

#[tokio::test]
async fn builder_messages_name_the_field_by_its_label_and_say_the_fix() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            definition(
                json!(["signed_on:fortnight"]),
                json!([{"op": "sum"}]),
                json!([
                    {"field": "signed_on:month", "op": "this_year"},
                    {"field": "signed_on", "op": "between", "value": {"from": "", "to": ""}},
                    {"field": "amount", "op": "between", "value": {"from": "100", "to": "x"}},
                    {"field": "ends_on", "op": "between", "value": {"from": "1800-01-01"}},
                    {"field": "signed_on", "op": "contains", "value": "a"},
                    {"field": "amount", "op": "between", "value": {"from": "500", "to": "100"}}
                ]),
            ),
        )
        .await;
    let refused = refusals(&answer);
    let codes: Vec<(&str, &str)> = refused
        .iter()
        .map(|(f, c, _)| (f.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("group_by.0", "bucket_unknown"),
            ("measures.0.field", "measure_field_required"),
            ("filters.0.field", "condition_on_bucket"),
            ("filters.1.value", "range_empty"),
            ("filters.2.value", "range_to_not_number"),
            ("filters.3.value", "range_day_out_of_years"),
            ("filters.4.op", "operator_not_for_field"),
            ("filters.5.value", "range_reversed"),
        ],
        "{refused:?}"
    );
    let message = |i: usize| refused[i].2.as_str();
    assert!(
        message(0).starts_with("Signing date:") && message(0).contains("quarter or year"),
        "{refused:?}"
    );
    assert!(message(2).contains("not to a day, week"), "{refused:?}");
    assert!(
        message(3).contains("a start, an end or both"),
        "{refused:?}"
    );
    assert!(
        message(4).contains("the end is not a number"),
        "{refused:?}"
    );
    assert!(
        !message(4).contains("amount:"),
        "named by its label: {refused:?}"
    );

    // A range with one side only is a condition, not an error.
    let open = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            definition(
                json!(["owner_id"]),
                json!([{"op": "count"}]),
                json!([
                    {"field": "signed_on", "op": "between", "value": {"from": "2024-01-01"}},
                    {"field": "amount", "op": "between", "value": {"to": "1000"}}
                ]),
            ),
        )
        .await;
    assert_eq!(open.status, 201, "{}", open.text);

    // In Traditional Chinese the missing measured field is named in Chinese.
    let token = t.login(ADMIN_PHONE, PASSWORD).await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/custom-reports")
        .header(header::ACCEPT_LANGUAGE, "zh-Hant")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            definition(json!(["owner_id"]), json!([{"op": "average"}]), json!([])).to_string(),
        ))
        .expect("request");
    let answer = t.send(request).await;
    let refused = refusals(&answer);
    assert_eq!(fields(&refused), ["measures.0.field"]);
    let said = &refused[0].2;
    assert!(
        !said.to_lowercase().contains("field") && said.contains("欄位"),
        "{said}"
    );
}

#[tokio::test]
async fn definitions_that_mean_nothing_are_refused_naming_the_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            definition(
                json!(["owner_id", "owner_id"]),
                json!([
                    {"op": "count", "field": "amount"},
                    {"op": "average", "field": "status"}
                ]),
                json!([]),
            ),
        )
        .await;
    let refused = refusals(&answer);
    let codes: Vec<(&str, &str)> = refused
        .iter()
        .map(|(f, c, _)| (f.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("group_by.1", "grouped_twice"),
            ("measures.0.field", "count_takes_no_field"),
            ("measures.1.field", "not_a_number"),
        ],
        "{refused:?}"
    );
    assert!(
        refused[0]
            .2
            .starts_with("Owner is already the first grouping")
    );
    assert!(refused[1].2.contains("a count counts records"));

    // The same date by two buckets is two groupings: year, then month.
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            definition(
                json!(["signed_on:year", "signed_on:month"]),
                json!([{"op": "count"}]),
                json!([]),
            ),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            definition(
                json!(["signed_on:month", "signed_on:month"]),
                json!([{"op": "count"}]),
                json!([]),
            ),
        )
        .await;
    assert_eq!(fields(&refusals(&answer)), ["group_by.1"]);
}

#[tokio::test]
async fn the_builder_offers_owners_and_departments_within_the_viewers_scope() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let east = t.department(&admin, "East", 1).await;
    let west = t.department(&admin, "West", 1).await;
    let builder = t
        .role(
            &admin,
            "Builder",
            &["report.view", "report.create", "contract.view"],
            json!({ "contract": { "scope": "department" } }),
        )
        .await;
    let mine = t
        .user(
            &admin,
            "0931000001",
            json!({ "department_id": east, "role_ids": [builder] }),
        )
        .await;
    let colleague = t
        .user(&admin, "0931000002", json!({ "department_id": east }))
        .await;
    let other = t
        .user(&admin, "0931000003", json!({ "department_id": west }))
        .await;
    let token = t.login("0931000001", PASSWORD).await;
    let catalog = t
        .get("/api/v1/custom-reports/catalog/contracts", &token)
        .await;
    assert_eq!(catalog.status, 200, "{}", catalog.text);
    let choices = |name: &str| -> Vec<String> {
        catalog.body["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == name)
            .expect("field")["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .map(|c| c[0].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let owners = choices("owner_id");
    for id in [mine, colleague] {
        assert!(owners.contains(&id.to_string()), "{owners:?}");
    }
    assert!(!owners.contains(&other.to_string()), "{owners:?}");
    assert!(!owners.contains(&"1".to_string()), "{owners:?}");
    assert_eq!(choices("department"), [east.to_string()]);

    // Saving names only owners and departments in scope.
    let answer = t
        .post(
            "/api/v1/custom-reports",
            &token,
            definition(
                json!(["owner_id"]),
                json!([{"op": "count"}]),
                json!([
                    {"field": "owner_id", "op": "one_of", "value": [mine, other]},
                    {"field": "department", "op": "one_of", "value": [west]},
                    {"field": "owner_id", "op": "one_of", "value": [colleague]}
                ]),
            ),
        )
        .await;
    let refused = refusals(&answer);
    assert_eq!(
        fields(&refused),
        ["filters.0.value", "filters.1.value"],
        "{refused:?}"
    );
    assert!(refused[0].2.starts_with("Owner:"), "{refused:?}");

    // The admin sees everyone, and may save any of them.
    let all = t
        .get("/api/v1/custom-reports/catalog/contracts", &admin)
        .await;
    let owners: Vec<String> = all.body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "owner_id")
        .expect("owner")["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .map(|c| c[0].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(owners.contains(&other.to_string()), "{owners:?}");
}

#[tokio::test]
async fn a_saved_reports_page_shows_no_empty_bar() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let reader = t.role(&admin, "Reader", &["report.view"], json!({})).await;
    let viewer = t
        .user(&admin, "0931000009", json!({ "role_ids": [reader] }))
        .await;
    let saved = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({
                "name": "Shared", "kind": "contracts", "group_by": ["owner_id"],
                "measures": [{"op": "count"}], "chart": "bar",
                "shares": [{"kind": "user", "id": viewer}]
            }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let id = saved.body["id"].as_i64().expect("id");

    let theirs = page_session(&t, "0931000009").await;
    let (status, html) = page(&t, &theirs, &format!("/reports/custom/{id}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Shared"));
    assert!(!html.contains("report-options"), "{html}");

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/reports/custom/{id}"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("report-options"));
    assert!(html.contains(&format!("/reports/custom/{id}/edit")));
}
