//! What was left of the sales issue: instalments never show more than
//! their amount, the board's "see all", forms that report every error at
//! once, clearer messages, labelled lines on phones and a fuller
//! opportunity import.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{TestApp, page, post_form};
use crate::sales_fixtures::{contract, create, customer, sales_team, submit};

#[tokio::test]
async fn a_paid_contract_given_a_small_instalment_keeps_the_rest_unassigned() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Maven Tech").await;
    let id = contract(&t, rep, client, "4514").await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": id, "received_on": "2025-01-02", "amount": "4514" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", payment).await, "approved");

    let plan = t
        .post(
            &format!("/api/v1/contracts/{id}/plans"),
            rep,
            json!({ "amount": "100", "planned_on": "2025-02-01" }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);

    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(detail.body["received"], 451_400);
    assert_eq!(detail.body["plans"][0]["received"], 10_000);
    assert_eq!(detail.body["plans"][0]["status"], "received");
    assert_eq!(detail.body["unassigned"], 441_400);

    let cookie = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert_eq!(status, 200);
    let note = html
        .split("plan-unassigned\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .expect("the unassigned money is shown");
    assert!(note.contains("Received on no instalment:"), "{note}");
    assert!(note.contains("4,414.00"), "{note}");
}

#[tokio::test]
async fn each_board_column_links_to_the_list_of_its_stage_with_its_true_count() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Quanta").await;
    // More than the 30 cards a column shows.
    for n in 0..32 {
        create(
            &t,
            rep,
            "/api/v1/opportunities",
            json!({ "name": format!("Deal {n}"), "customer_id": client, "amount": "10" }),
        )
        .await;
    }
    let theirs = customer(&t, &team.other_rep.1, "Wistron").await;
    create(
        &t,
        &team.other_rep.1,
        "/api/v1/opportunities",
        json!({ "name": "Not mine", "customer_id": theirs, "amount": "10" }),
    )
    .await;
    let pipelines = t.get("/api/v1/pipelines", rep).await;
    let pipeline = pipelines.body[0]["id"].as_i64().expect("pipeline");
    let first = pipelines.body[0]["stages"][0]["id"]
        .as_i64()
        .expect("stage");
    let second = pipelines.body[0]["stages"][1]["id"]
        .as_i64()
        .expect("stage");

    let cookie = page_session(&t, "0971000001").await;
    let (status, html) = page(&t, &cookie, "/opportunities/board", "en").await;
    assert_eq!(status, 200);
    let link = format!(
        "href=\"/opportunities?pipeline_id={pipeline}&#38;stage_id={first}&#38;outcome=open\" data-see-all=\"See all %{{n}}\">See all 33</a>"
    );
    assert!(html.contains(&link), "{html}");
    // An empty stage links too, with its count of none.
    let empty = format!(
        "stage_id={second}&#38;outcome=open\" data-see-all=\"See all %{{n}}\">See all 0</a>"
    );
    assert!(html.contains(&empty), "{html}");
    // The column holds 30 cards, the count says 33: the phone's "show all"
    // takes the count, not the cards it holds.
    let column = html
        .split(&format!("data-stage=\"{first}\""))
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the first column");
    assert_eq!(column.matches("data-card=").count(), 30);
    assert!(
        column.contains("<span class=\"count\" data-count>33</span>"),
        "{column}"
    );

    // The list behind the link holds as many.
    let list = t
        .get(
            &format!("/api/v1/opportunities?pipeline_id={pipeline}&stage_id={first}&outcome=open"),
            &team.manager.1,
        )
        .await;
    assert_eq!(list.body["total"], 33, "{}", list.text);
    let (status, listed) = page(
        &t,
        &cookie,
        &format!("/opportunities?pipeline_id={pipeline}&stage_id={first}&outcome=open"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(listed.contains("Not mine"), "{listed}");

    // The rep's own board links to the rep's own list.
    let mine = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &mine, "/opportunities/board?view=mine", "zh-Hant").await;
    let link = format!(
        "stage_id={first}&#38;outcome=open&#38;view=mine\" data-see-all=\"查看全部 %{{n}} 筆\">查看全部 32 筆</a>"
    );
    assert!(html.contains(&link), "{html}");
}

/// The error message beside a field of a form page: the text of the first
/// `err` span after the field's `name`.
fn error_beside(html: &str, field: &str) -> String {
    html.split(&format!("name=\"{field}\""))
        .nth(1)
        .and_then(|rest| rest.split("<span class=\"err\">").nth(1))
        .and_then(|rest| rest.split("</span>").next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn sales_forms_report_every_error_at_once_with_the_field_named() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Acer").await;
    let cookie = page_session(&t, "0971000002").await;
    let csrf = page_csrf(&t, &cookie).await;

    // An opportunity: a date that does not exist and no name, at once.
    let form =
        format!("_csrf={csrf}&name=&customer_id={client}&amount=abc&expected_close_on=2025-02-30");
    let (status, html) = post_form(&t, &cookie, "/opportunities", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(error_beside(&html, "name").contains("Name"), "{html}");
    assert!(
        error_beside(&html, "amount").contains("not a number"),
        "{html}"
    );
    assert!(
        error_beside(&html, "expected_close_on").contains("not a date that exists"),
        "{html}"
    );
    assert!(html.contains("value=\"2025-02-30\""), "{html}");

    // A contract: three dates and its name.
    let form = format!(
        "_csrf={csrf}&name=&customer_id={client}&amount=10&signed_on=2025-13-01&starts_on=2025-01-01&ends_on=2025-02-31"
    );
    let (status, html) = post_form(&t, &cookie, "/contracts", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(error_beside(&html, "name").contains("required"), "{html}");
    assert!(
        error_beside(&html, "signed_on").contains("Signing date"),
        "{html}"
    );
    assert!(
        error_beside(&html, "ends_on").contains("not a date that exists"),
        "{html}"
    );
    assert_eq!(t.get("/api/v1/contracts", rep).await.body["total"], 0);

    // An instalment: no amount, a bad date and an unknown method.
    let id = contract(&t, rep, client, "1000").await;
    let form = format!("_csrf={csrf}&amount=&planned_on=2025-04-31&method_id=999999&remind_days=3");
    let (status, html) = post_form(&t, &cookie, &format!("/contracts/{id}/plans"), form).await;
    assert_eq!(status, 422, "{html}");
    assert!(error_beside(&html, "amount").contains("Amount"), "{html}");
    assert!(
        error_beside(&html, "planned_on").contains("not a date that exists"),
        "{html}"
    );
    let method = error_beside(&html, "method_id");
    assert!(method.contains("Payment method"), "{method}");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    assert_eq!(detail.body["plans"].as_array().map(Vec::len), Some(0));

    // A payment: a bad date, a bad amount and an unknown method.
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let form =
        format!("_csrf={csrf}&contract_id={id}&received_on=2025-02-29&amount=abc&method_id=999999");
    let (status, html) = post_form(&t, &cookie, "/payments", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        error_beside(&html, "received_on").contains("Date received"),
        "{html}"
    );
    assert!(
        error_beside(&html, "amount").contains("not a number"),
        "{html}"
    );
    let method = error_beside(&html, "method_id");
    assert!(method.contains("Payment method"), "{method}");
    // Left empty, the date is required, beside the other errors.
    let form = format!("_csrf={csrf}&contract_id={id}&received_on=&amount=");
    let (status, html) = post_form(&t, &cookie, "/payments", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        error_beside(&html, "received_on").contains("required"),
        "{html}"
    );
    assert!(!error_beside(&html, "amount").is_empty(), "{html}");
    assert_eq!(t.get("/api/v1/payments", rep).await.body["total"], 0);
}
