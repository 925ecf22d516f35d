//! The sales pages: they render in every language without a raw message
//! key, the board and the API change a stage through the same function and
//! leave the same history, and an approver decides from the record's page.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::pages::raw_key;
use crate::sales_fixtures::{contract, customer, product, sales_team};

#[tokio::test]
async fn the_sales_pages_render_in_every_language() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "台灣精密股份有限公司").await;
    let gear = product(&t, &admin, "伺服馬達", "1,200").await;
    let opportunity = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "馬達採購", "customer_id": buyer, "lines": [{ "product_id": gear, "quantity": "3" }] }),
        )
        .await;
    assert_eq!(opportunity.status, 201, "{}", opportunity.text);
    let opportunity = opportunity.body["id"].as_i64().expect("id");
    let deal = contract(&t, &admin, buyer, "3600").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for (lang, word) in [
        ("en", "Opportunities"),
        ("zh-Hant", "商機"),
        ("zh-Hans", "商机"),
    ] {
        for path in [
            "/opportunities".to_string(),
            "/opportunities/board".to_string(),
            "/opportunities/new".to_string(),
            format!("/opportunities/{opportunity}"),
            format!("/opportunities/{opportunity}/edit"),
            "/contracts".to_string(),
            "/contracts/new".to_string(),
            format!("/contracts/{deal}"),
            format!("/contracts/{deal}/edit"),
            "/payments".to_string(),
            "/products".to_string(),
            "/products/new".to_string(),
            format!("/products/{gear}/edit"),
            "/approvals".to_string(),
            "/approvals?tab=submitted".to_string(),
            "/settings/pipelines".to_string(),
            "/settings/approval-flows".to_string(),
            "/settings/numbering".to_string(),
            "/dashboard".to_string(),
            "/settings/targets".to_string(),
            "/settings/targets?year=2026&department_id=1".to_string(),
            "/dashboard?period=custom&from=2026-01-01&to=2026-03-02&scope=department&department_id=1".to_string(),
        ] {
            let (status, html) = page(&t, &cookie, &path, lang).await;
            assert_eq!(status, 200, "{path} in {lang}");
            assert!(html.contains(word), "{path} in {lang} lacks {word}");
            assert_eq!(raw_key(&html), None, "{path} in {lang} shows a message key");
        }
    }
    // The record page shows the line's subtotal: 3 × 1,200.00.
    let (_, html) = page(&t, &cookie, &format!("/opportunities/{opportunity}"), "en").await;
    assert!(html.contains("3,600.00"), "{html}");
}

#[tokio::test]
async fn the_board_and_the_api_change_a_stage_the_same_way() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Acme").await;
    let pipelines = t.get("/api/v1/pipelines", &admin).await;
    let stages: Vec<i64> = pipelines.body[0]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["id"].as_i64().expect("id"))
        .collect();
    let made = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Deal", "customer_id": buyer }),
        )
        .await;
    let id = made.body["id"].as_i64().expect("id");

    // From the board: a form post with the board's marker.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&stage_id={}&from=board", stages[1]);
    let (status, location) =
        post_form(&t, &cookie, &format!("/opportunities/{id}/stage"), form).await;
    assert_eq!(status, 303, "{location}");
    // Back to the board of the card's own pipeline, with the notice.
    let pipeline = t
        .get(&format!("/api/v1/opportunities/{id}"), &admin)
        .await
        .body["pipeline_id"]
        .as_i64()
        .expect("pipeline");
    assert_eq!(
        location,
        format!("/opportunities/board?pipeline_id={pipeline}&done=saved")
    );

    // From the API.
    let moved = t
        .post(
            &format!("/api/v1/opportunities/{id}/stage"),
            &admin,
            json!({ "stage_id": stages[2] }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);

    let detail = t.get(&format!("/api/v1/opportunities/{id}"), &admin).await;
    let history = detail.body["stage_history"].as_array().expect("history");
    assert_eq!(history.len(), 3, "created, board, api");
    let via: Vec<&str> = history
        .iter()
        .map(|h| h["via"].as_str().expect("via"))
        .collect();
    assert_eq!(via, ["api", "board", "api"]);
    for (change, (from, to)) in history[1..]
        .iter()
        .zip([(stages[0], stages[1]), (stages[1], stages[2])])
    {
        assert_eq!(change["from_stage_id"], from);
        assert_eq!(change["to_stage_id"], to);
        assert!(change["changed_by"].is_i64());
        assert!(change["changed_at"].is_string());
    }

    // The board's script asks for JSON; a refused move answers a problem.
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri(format!("/opportunities/{id}/stage"))
        .header(axum::http::header::COOKIE, cookie.clone())
        .header(axum::http::header::ACCEPT, "application/json")
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(axum::body::Body::from(format!(
            "_csrf={csrf}&stage_id={}&from=board",
            stages[2]
        )))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["code"], "unchanged");
}

#[tokio::test]
async fn an_approver_decides_on_the_record_page_and_the_badge_counts_it() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Manager approves", "definition": {
                "steps": [{ "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }]
            }}),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let buyer = customer(&t, &team.rep.1, "Globex").await;
    let deal = contract(&t, &team.rep.1, buyer, "5000").await;

    // The rep submits from the page.
    let rep_cookie = page_session(&t, "0971000002").await;
    let csrf = page_csrf(&t, &rep_cookie).await;
    let (status, location) = post_form(
        &t,
        &rep_cookie,
        &format!("/contracts/{deal}/submit"),
        format!("_csrf={csrf}"),
    )
    .await;
    assert_eq!(status, 303, "{location}");

    // The manager sees the badge and the decision buttons.
    let manager_cookie = page_session(&t, "0971000001").await;
    let (_, html) = page(&t, &manager_cookie, "/approvals", "en").await;
    assert!(
        html.contains("class=\"badge\""),
        "a count in the navigation"
    );
    let (_, html) = page(&t, &manager_cookie, &format!("/contracts/{deal}"), "en").await;
    assert!(html.contains("value=\"approve\""));
    let approval = t.get("/api/v1/approvals/waiting", &team.manager.1).await;
    let approval = approval.body["items"][0]["id"]
        .as_i64()
        .expect("an approval waits");

    // Rejecting without a comment is refused and says so; nothing changes.
    let csrf = page_csrf(&t, &manager_cookie).await;
    let back = format!("/contracts/{deal}");
    let (status, html) = post_form(
        &t,
        &manager_cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=reject&comment=&back={back}"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.to_lowercase().contains("comment"), "{html}");
    let (status, location) = post_form(
        &t,
        &manager_cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=approve&comment=OK&back={back}"),
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with(&back), "{location}");
    let stored = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
        .await;
    assert_eq!(stored.body["status"], "approved");

    // Going back only to a page of the application.
    let (status, location) = post_form(
        &t,
        &manager_cookie,
        &format!("/approvals/{approval}/act"),
        format!("_csrf={csrf}&action=approve&back=//evil.example"),
    )
    .await;
    assert!(
        status == 409 || status == 422 || status == 404,
        "{status} {location}"
    );
}

#[tokio::test]
async fn targets_set_on_their_page_show_on_the_dashboard() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&year=2026&department_id=&user_id=&key=contract_amount:0&amount=&key=contract_amount:3&amount=2%2C500&key=payment_amount:3&amount=abc"
    );
    let (status, html) = post_form(&t, &cookie, "/settings/targets", form).await;
    assert_eq!(status, 422, "a bad amount is refused and named");
    assert!(html.contains("2,500"), "what was typed stays");
    let form = format!(
        "_csrf={csrf}&year=2026&department_id=&user_id=&key=contract_amount:3&amount=2%2C500"
    );
    let (status, location) = post_form(&t, &cookie, "/settings/targets", form).await;
    assert_eq!(status, 303, "{location}");
    let admin = t.admin().await;
    let board = t.get("/api/v1/dashboard?period=this_month", &admin).await;
    assert_eq!(board.body["targets"][0]["months"][0]["target"], 250_000);
}

#[tokio::test]
async fn a_date_that_does_not_exist_is_refused_on_the_form_and_the_input_stays() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Acme").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form =
        format!("_csrf={csrf}&name=Spring+deal&customer_id={buyer}&expected_close_on=2024-02-30");
    let (status, html) = post_form(&t, &cookie, "/opportunities", form).await;
    assert_eq!(status, 422);
    assert!(html.contains("value=\"Spring deal\""), "the name stays");
    assert!(
        html.contains("2024-01-05"),
        "the message says how to write a date"
    );
}

#[tokio::test]
async fn ticked_opportunities_change_stage_together_from_the_list() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Acme").await;
    let mut ids = Vec::new();
    for name in ["One", "Two"] {
        let made = t
            .post(
                "/api/v1/opportunities",
                &admin,
                json!({ "name": name, "customer_id": buyer }),
            )
            .await;
        ids.push(made.body["id"].as_i64().expect("id"));
    }
    let pipelines = t.get("/api/v1/pipelines", &admin).await;
    let second = pipelines.body[0]["stages"][1]["id"]
        .as_i64()
        .expect("stage");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let picked = ids
        .iter()
        .map(|id| format!("&ids={id}"))
        .collect::<String>();
    let (status, _) = post_form(
        &t,
        &cookie,
        "/opportunities/stage",
        format!("_csrf={csrf}{picked}&stage_id={second}"),
    )
    .await;
    assert_eq!(status, 303);
    for id in &ids {
        let one = t.get(&format!("/api/v1/opportunities/{id}"), &admin).await;
        assert_eq!(one.body["stage_id"], second);
        assert_eq!(one.body["stage_history"][1]["via"], "bulk");
    }
    // Moving them again to the same stage is refused and said, nothing moves.
    let (status, html) = post_form(
        &t,
        &cookie,
        "/opportunities/stage",
        format!("_csrf={csrf}{picked}&stage_id={second}"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("alert"));
}

#[tokio::test]
async fn ticked_contracts_go_to_another_owner_who_keeps_the_former_in_the_team() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let buyer = customer(&t, &team.rep.1, "Initech").await;
    let deal = contract(&t, &team.rep.1, buyer, "500").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, location) = post_form(
        &t,
        &cookie,
        "/contracts/transfer",
        format!(
            "_csrf={csrf}&ids={deal}&owner_id={}&keep_former_owner=read",
            team.other_rep.0
        ),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let now = t
        .get(&format!("/api/v1/contracts/{deal}"), &team.other_rep.1)
        .await;
    assert_eq!(now.status, 200);
    assert_eq!(now.body["owner_id"], team.other_rep.0);
    // The former owner still reads it, as a team member.
    assert_eq!(
        t.get(&format!("/api/v1/contracts/{deal}"), &team.rep.1)
            .await
            .status,
        200
    );
    // An owner who does not exist is refused with a message.
    let (status, html) = post_form(
        &t,
        &cookie,
        "/contracts/transfer",
        format!("_csrf={csrf}&ids={deal}&owner_id=999999"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("alert"));
}
