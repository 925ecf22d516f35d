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
        let (status, html) = page(&t, &cookie, &format!("{list}?from=abc&to=2017-03-31"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        assert!(
            html.contains("From is not a date that exists; write it as 2024-01-05."),
            "{list}: {html}"
        );
        let (status, html) = page(&t, &cookie, &format!("{list}?from=2017-13-01&to=x"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        assert!(html.contains("From is not a date"), "{list}: {html}");
        assert!(html.contains("To is not a date"), "{list}: {html}");
        let (status, html) = page(&t, &cookie, &format!("{list}?from=2017-03-31&to=2017-03-01"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        assert!(html.contains("To comes before the start date"), "{list}: {html}");
        let (status, html) = page(&t, &cookie, &format!("{list}?from=0999-01-01"), "en").await;
        assert_eq!(status, 422, "{list}: {html}");
        // Days that read still narrow the list.
        let (status, html) = page(&t, &cookie, &format!("{list}?from=2017-03-01&to=2017-03-31"), "en").await;
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
    for (whose, field) in [
        (format!("scope=users&user_ids={finance}"), "user_ids"),
        ("scope=users&user_ids=99999".to_string(), "user_ids"),
        (format!("scope=department&department_id={department}"), "department_id"),
        ("scope=department&department_id=99999".to_string(), "department_id"),
    ] {
        let mut answers = Vec::new();
        for path in [
            format!("/api/v1/dashboard?{month}&{whose}"),
            format!("/api/v1/reports/sales?{month}&{whose}"),
            format!("/api/v1/reports/customers?{month}&{whose}"),
        ] {
            let refused = t.get(&path, manager).await;
            assert_eq!(refused.status, 422, "{path}: {}", refused.text);
            assert_eq!(refused.body["errors"][0]["field"], field, "{path}");
            answers.push(refused.body["errors"][0]["code"].clone());
            let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
            assert!(message.contains("outside your data scope"), "{path}: {message}");
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    }
    // One who sees everyone is told plainly that there is no such person.
    let unknown = t
        .get(&format!("/api/v1/dashboard?{month}&scope=users&user_ids=99999"), admin)
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.body["errors"][0]["code"], "invalid_choice");
}
