//! Edge cases of the dashboard and the reports: list pages reached from a
//! figure refuse days they cannot read, and ids outside the viewer's scope
//! are answered like ids that do not exist.

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::sales_fixtures::sales_team;

/// Every list page a dashboard figure links to.
const LISTS: [&str; 7] = [
    "/customers",
    "/contacts",
    "/leads",
    "/opportunities",
    "/contracts",
    "/payments",
    "/follow-ups",
];

#[tokio::test]
async fn list_pages_refuse_days_they_cannot_read_naming_the_field_and_the_fix() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for list in LISTS {
        let (status, html) =
            page(&t, &cookie, &format!("{list}?from=abc&to=2017-03-31"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        assert!(
            html.contains("From is not a date that exists; write it as 2024-01-05."),
            "{list}: {html}"
        );
        let (status, html) = page(&t, &cookie, &format!("{list}?from=2017-13-01&to=x"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        assert!(html.contains("From is not a date"), "{list}: {html}");
        assert!(html.contains("To is not a date"), "{list}: {html}");
        let (status, html) = page(
            &t,
            &cookie,
            &format!("{list}?from=2017-03-31&to=2017-03-01"),
            "en",
        )
        .await;
        assert_eq!(status, 422, "{list}: {html}");
        assert!(
            html.contains("To comes before the start date"),
            "{list}: {html}"
        );
        let (status, html) = page(&t, &cookie, &format!("{list}?from=0999-01-01"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        // Days that read still narrow the list.
        let (status, html) = page(
            &t,
            &cookie,
            &format!("{list}?from=2017-03-01&to=2017-03-31"),
            "en",
        )
        .await;
        assert_eq!(status, 200, "{list}: {html}");
        assert!(html.contains("drill-note"), "{list}: {html}");
    }
    // In the user's language.
    let (status, html) = page(&t, &cookie, "/contracts?from=abc", "zh-Hant").await;
    assert_eq!(status, 422, "{html}");
    assert!(!html.contains("is not a date"), "{html}");
}

#[tokio::test]
async fn ids_outside_the_scope_and_ids_that_do_not_exist_get_one_answer() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let manager = team.manager.1.as_str();
    let finance = team.finance.0;
    let department = t.get(&format!("/api/v1/users/{finance}"), admin).await;
    let department = department.body["department_id"]
        .as_i64()
        .expect("department");
    let month = "period=custom&from=2017-03-01&to=2017-03-31";
    let mut all = Vec::new();
    for (whose, field) in [
        (format!("scope=users&user_ids={finance}"), "user_ids"),
        ("scope=users&user_ids=99999".to_string(), "user_ids"),
        (
            format!("scope=department&department_id={department}"),
            "department_id",
        ),
        (
            "scope=department&department_id=99999".to_string(),
            "department_id",
        ),
    ] {
        let mut answers = Vec::new();
        // The reports and the builder read whose data as the dashboard does.
        for path in [format!("/api/v1/dashboard?{month}&{whose}")] {
            let refused = t.get(&path, manager).await;
            assert_eq!(refused.status, 422, "{path}: {}", refused.text);
            assert_eq!(refused.body["errors"][0]["field"], field, "{path}");
            answers.push(refused.body["errors"][0]["code"].clone());
            let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
            assert!(
                message.contains("outside your data scope"),
                "{path}: {message}"
            );
        }
        all.push((field, answers[0].clone()));
    }
    // A department or person out of scope and one that does not exist
    // are answered alike.
    assert_eq!(all[0], all[1], "{all:?}");
    assert_eq!(all[2], all[3], "{all:?}");
    // One who sees everyone is told plainly that there is no such person.
    let unknown = t
        .get(
            &format!("/api/v1/dashboard?{month}&scope=users&user_ids=99999"),
            admin,
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.body["errors"][0]["code"], "invalid_choice");
}

/// The first refusal of an answer: its field, code and message.
fn first_refusal(answer: &crate::helpers::Answer) -> (String, String, String) {
    let error = &answer.body["errors"][0];
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    (
        text(&error["field"]),
        text(&error["code"]),
        text(&error["message"]),
    )
}

#[tokio::test]
async fn refusals_of_reports_say_what_is_allowed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let saved = |body: serde_json::Value| {
        let (t, admin) = (&t, admin.clone());
        async move { t.post("/api/v1/custom-reports", &admin, body).await }
    };
    let define = |extra: serde_json::Value| {
        let mut body = serde_json::json!({
            "name": "Checked", "kind": "contracts", "group_by": ["owner_id"],
            "measures": [{"op": "count"}], "filters": [], "chart": "bar"
        });
        for (key, value) in extra.as_object().expect("object") {
            body[key] = value.clone();
        }
        body
    };
    // An amount over the largest one: the limit is stated.
    let answer = saved(define(serde_json::json!({"filters": [
        {"field": "amount", "op": "between",
         "value": {"from": "1", "to": "99999999999999999999"}}
    ]})))
    .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let (field, code, message) = first_refusal(&answer);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("filters.0.value", "filter_amount_too_large")
    );
    assert!(message.contains("1,000,000,000,000"), "{message}");
    // A period field that is not a date: said so, with the date fields.
    let answer = saved(define(serde_json::json!({"period_field": "name"}))).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let (field, code, message) = first_refusal(&answer);
    assert_eq!(
        (field.as_str(), code.as_str()),
        ("period_field", "period_not_a_date")
    );
    assert!(
        message.contains("not a date field") && message.contains("Signing date (signed_on)"),
        "{message}"
    );
    // An operation that is not one: named as the measure's operation.
    let answer = saved(define(serde_json::json!({"measures": [{"op": "median"}]}))).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let (field, _, message) = first_refusal(&answer);
    assert_eq!(field, "measures.0.op");
    assert!(
        message.starts_with("Measure 1: the operation “median”"),
        "{message}"
    );
    assert!(!message.contains("condition"), "{message}");
    // An export format that is not written: the ones that are.
    let answer = t
        .get("/api/v1/reports/sales/export?format=pdf", &admin)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let (field, _, message) = first_refusal(&answer);
    assert_eq!(field, "format");
    assert!(
        message.contains("csv") && message.contains("xlsx"),
        "{message}"
    );
    // A custom grouping that is not a field: the custom fields among the choices.
    let made = t
        .post(
            "/api/v1/fields",
            &admin,
            serde_json::json!({"kind": "customer", "key": "tier", "label": "Tier", "field_type": "text"}),
        )
        .await;
    assert!(made.status.is_success(), "{}", made.text);
    let answer = t
        .get("/api/v1/reports/customers?by=custom:nope", &admin)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let (field, _, message) = first_refusal(&answer);
    assert_eq!(field, "by");
    assert!(message.contains("custom:tier"), "{message}");
}

#[tokio::test]
async fn the_dashboard_page_takes_the_apis_with_children() {
    let t = TestApp::new().await;
    // Departments to choose among, so that the box is offered.
    sales_team(&t).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, "/dashboard?with_children=false", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("name=\"only_department\" value=\"1\" checked"),
        "{html}"
    );
    let (status, html) = page(&t, &cookie, "/dashboard?with_children=true", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("name=\"only_department\" value=\"1\" checked"));
    let (_, html) = page(&t, &cookie, "/reports/sales?with_children=false", "en").await;
    assert!(html.contains("name=\"only_department\" value=\"1\" checked"));
    // A box sent as 0 is not ticked; a value that is no yes or no is named.
    let (status, html) = page(&t, &cookie, "/dashboard?only_department=0", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("name=\"only_department\" value=\"1\" checked"));
    let (status, html) = page(&t, &cookie, "/dashboard?with_children=nope", "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("must be true or false"), "{html}");
}
