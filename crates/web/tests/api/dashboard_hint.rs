//! A dashboard whose period holds nothing points to the latest contract
//! signed in the same scope, so a company with older deals is not shown a
//! page of zeros without a way to its figures.

use serde_json::json;

use crate::helpers::TestApp;
use crate::sales_fixtures::{create, customer, sales_team, submit};

#[tokio::test]
async fn an_empty_period_names_the_latest_signing_day_in_scope() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = &team.rep.1;
    let buyer = customer(&t, rep, "Older Deals Ltd").await;
    let body = json!({ "name": "Old order", "customer_id": buyer, "amount": "1200", "signed_on": "2019-03-14" });
    let contract = create(&t, rep, "/api/v1/contracts", body).await;
    // No approval flow: approved on submit.
    assert_eq!(submit(&t, rep, "contracts", contract).await, "approved");

    let empty = t.get("/api/v1/dashboard?period=last_month", rep).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(empty.body["latest_signed"], "2019-03-14", "{}", empty.text);

    // A period that holds the contract needs no pointer.
    let full = t
        .get(
            "/api/v1/dashboard?period=custom&from=2019-01-01&to=2019-12-31",
            rep,
        )
        .await;
    assert_eq!(full.status, 200, "{}", full.text);
    assert!(full.body["latest_signed"].is_null(), "{}", full.text);

    // Days without a period name are those days, not this month.
    let dated = t
        .get("/api/v1/dashboard?from=2019-01-01&to=2019-12-31", rep)
        .await;
    assert_eq!(dated.status, 200, "{}", dated.text);
    assert_eq!(dated.body["from"], "2019-01-01", "{}", dated.text);
    assert!(dated.body["latest_signed"].is_null(), "{}", dated.text);

    // Someone who does not see the contract is pointed nowhere.
    let other = t
        .get("/api/v1/dashboard?period=last_month", &team.other_rep.1)
        .await;
    assert!(other.body["latest_signed"].is_null(), "{}", other.text);

    // The page offers the month and the year of that day.
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, "/dashboard?period=last_month", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("2019-03-14"), "{html}");
    assert!(
        html.contains("from=2019-03-01&#38;to=2019-03-31")
            && html.contains("from=2019-01-01&#38;to=2019-12-31"),
        "{html}"
    );
}
