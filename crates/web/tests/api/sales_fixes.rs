//! What a fresh user's review of sales found: approvals stuck on a disabled
//! approver, chosen approvers that are unknown or oneself, instalments paid
//! past their amount, voided contracts' instalments, flows that can never
//! apply, off-sale products, a rep's own draft payments, and the contract
//! list's total.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{act, contract, customer, first_error, flow, sales_team, submit};

async fn submit_with(t: &TestApp, token: &str, path: &str, body: Value) -> Answer {
    t.post(&format!("/api/v1/{path}/submit"), token, body).await
}

/// The contract's approval id and who it waits for.
async fn waiting(t: &TestApp, token: &str, contract: i64) -> (i64, Vec<i64>) {
    let detail = t.get(&format!("/api/v1/contracts/{contract}"), token).await;
    let view = &detail.body["approval"];
    let id = view["approval"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an approval: {}", detail.text));
    let mut users: Vec<i64> = view["waiting_for"]
        .as_array()
        .map(|all| all.iter().filter_map(|pair| pair[0].as_i64()).collect())
        .unwrap_or_default();
    users.sort_unstable();
    (id, users)
}

async fn disable(t: &TestApp, admin: &str, user: i64) {
    let answer = t
        .patch(
            &format!("/api/v1/users/{user}"),
            admin,
            json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

async fn status_of(t: &TestApp, token: &str, contract: i64) -> Value {
    t.get(&format!("/api/v1/contracts/{contract}"), token)
        .await
        .body["status"]
        .clone()
}

#[tokio::test]
async fn a_disabled_approvers_seat_waits_for_a_manager_to_hand_over_or_goes_to_the_fallback() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, admin) = (team.rep.1.as_str(), team.admin.as_str());
    let everyone = json!({ "steps": [
        { "name": "Both", "approvers": { "users": [team.finance.0, team.other_rep.0] }, "mode": "everyone" }
    ] });
    let flow_id = flow(&t, &team, "contract", everyone).await;
    let client = customer(&t, rep, "宏碁").await;
    let id = contract(&t, rep, client, "1000").await;
    submit(&t, rep, "contracts", id).await;

    // The flow refuses missing approvers: the disabled clerk keeps the seat.
    disable(&t, admin, team.finance.0).await;
    let (approval, users) = waiting(&t, rep, id).await;
    let mut both = vec![team.finance.0, team.other_rep.0];
    both.sort_unstable();
    assert_eq!(users, both);

    // Only an approval manager hands over someone else's seat.
    let hand = json!({ "action": "hand_over", "from": team.finance.0, "to": team.manager.0 });
    assert_eq!(act(&t, rep, approval, hand.clone()).await.status, 403);
    assert_eq!(
        act(&t, &team.manager.1, approval, hand.clone())
            .await
            .status,
        404
    );
    let approve_for = json!({ "action": "approve", "from": team.finance.0 });
    let refused = act(&t, admin, approval, approve_for).await;
    assert_eq!(
        first_error(&refused),
        ("from".into(), "only_hand_over".into())
    );
    let handed = act(&t, admin, approval, hand).await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    assert_eq!(waiting(&t, rep, id).await.1, {
        let mut both = vec![team.other_rep.0, team.manager.0];
        both.sort_unstable();
        both
    });
    // The panel offers the hand-over to the administrator.
    let page = crate::helpers::page(
        &t,
        &crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await,
        &format!("/contracts/{id}"),
        "en",
    )
    .await;
    assert!(page.1.contains("name=\"from\""), "{}", page.1);
    for who in [&team.other_rep.1, &team.manager.1] {
        let done = act(&t, who, approval, json!({ "action": "approve" })).await;
        assert_eq!(done.status, 200, "{}", done.text);
    }
    assert_eq!(status_of(&t, rep, id).await, "approved");

    // With a fallback person, disabling an approver hands their seat over.
    let fallback = json!({ "steps": [
        { "name": "Other rep", "approvers": { "users": [team.other_rep.0] }, "mode": "any_one" }
    ], "when_no_approver": { "fallback": team.manager.0 } });
    let updated = t
        .put(
            &format!("/api/v1/approvals/flows/{flow_id}"),
            admin,
            json!({ "kind": "contract", "name": "contract flow", "definition": fallback }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let second = contract(&t, rep, client, "2000").await;
    submit(&t, rep, "contracts", second).await;
    assert_eq!(waiting(&t, rep, second).await.1, vec![team.other_rep.0]);
    disable(&t, admin, team.other_rep.0).await;
    let (approval, users) = waiting(&t, rep, second).await;
    assert_eq!(users, vec![team.manager.0]);
    let history = t.get(&format!("/api/v1/contracts/{second}"), rep).await;
    assert!(
        history.text.contains("\"handed_over\""),
        "the hand-over is in the history: {}",
        history.text
    );
    let done = act(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(status_of(&t, rep, second).await, "approved");
}

#[tokio::test]
async fn a_chosen_approver_who_is_unknown_disabled_or_the_submitter_is_a_field_error_of_the_step() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, admin) = (team.rep.1.as_str(), team.admin.as_str());
    let chosen = json!({ "steps": [
        { "name": "Chosen", "approvers": "chosen_by_submitter", "mode": "any_one" }
    ] });
    let client = customer(&t, rep, "華碩").await;
    // An approved contract to pay against, before contracts need approval.
    let paid = contract(&t, rep, client, "5000").await;
    assert_eq!(submit(&t, rep, "contracts", paid).await, "approved");
    for kind in ["contract", "payment"] {
        flow(&t, &team, kind, chosen.clone()).await;
    }
    disable(&t, admin, team.finance.0).await;
    let draft = contract(&t, rep, client, "1000").await;
    let payment = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": paid, "received_on": "2026-03-02", "amount": "100" }),
        )
        .await;
    assert_eq!(payment.status, 201, "{}", payment.text);
    let payment = payment.body["id"].as_i64().expect("id");

    for path in [format!("contracts/{draft}"), format!("payments/{payment}")] {
        let unknown = submit_with(&t, rep, &path, json!({ "approvers": { "0": [9999] } })).await;
        assert_eq!(unknown.status, 422, "{path}: {}", unknown.text);
        assert_eq!(
            first_error(&unknown),
            ("approvers.0".into(), "user_unknown".into())
        );
        let own = submit_with(
            &t,
            rep,
            &path,
            json!({ "approvers": { "0": [team.rep.0] } }),
        )
        .await;
        assert_eq!(own.status, 422, "{path}: {}", own.text);
        assert_eq!(
            first_error(&own),
            ("approvers.0".into(), "chosen_self".into())
        );
        assert!(
            own.text.contains("you cannot approve your own submission"),
            "{}",
            own.text
        );
        let disabled = submit_with(
            &t,
            rep,
            &path,
            json!({ "approvers": { "0": [team.finance.0] } }),
        )
        .await;
        assert_eq!(
            first_error(&disabled),
            ("approvers.0".into(), "chosen_inactive".into())
        );
        let fine = submit_with(
            &t,
            rep,
            &path,
            json!({ "approvers": { "0": [team.manager.0] } }),
        )
        .await;
        assert_eq!(fine.status, 200, "{path}: {}", fine.text);
        assert_eq!(fine.body["status"], "in_approval");
    }
    assert_eq!(status_of(&t, rep, draft).await, "in_approval");

    // A request of a custom kind answers the same.
    let form = json!({ "kind": "refund", "name": "Refund", "fields": [
        { "key": "amount", "label": "Amount", "field_type": "money", "required": true }
    ] });
    assert_eq!(
        t.put("/api/v1/requests/kinds", admin, form).await.status,
        200
    );
    flow(&t, &team, "refund", chosen).await;
    let request = t
        .post(
            "/api/v1/requests",
            rep,
            json!({ "kind": "refund", "title": "Order 7", "fields": { "amount": "12" } }),
        )
        .await;
    assert_eq!(request.status, 201, "{}", request.text);
    let path = format!("requests/{}", request.body["id"]);
    let unknown = submit_with(&t, rep, &path, json!({ "approvers": { "0": [9999] } })).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(
        first_error(&unknown),
        ("approvers.0".into(), "user_unknown".into())
    );
    let own = submit_with(
        &t,
        rep,
        &path,
        json!({ "approvers": { "0": [team.rep.0] } }),
    )
    .await;
    assert_eq!(
        first_error(&own),
        ("approvers.0".into(), "chosen_self".into())
    );
}

async fn pay(t: &TestApp, token: &str, body: Value) -> Answer {
    t.post("/api/v1/payments", token, body).await
}

async fn plans_of(t: &TestApp, token: &str, contract: i64) -> Vec<(i64, String)> {
    let detail = t.get(&format!("/api/v1/contracts/{contract}"), token).await;
    detail.body["plans"]
        .as_array()
        .map(|plans| {
            plans
                .iter()
                .map(|p| {
                    let status = p["status"].as_str().unwrap_or_default().to_string();
                    (p["received"].as_i64().unwrap_or_default(), status)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_payment_past_its_instalment_needs_confirmation_and_the_rest_goes_to_the_next_one() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "技嘉").await;
    let id = contract(&t, rep, client, "1000").await;
    let plans_path = format!("/api/v1/contracts/{id}/plans");
    for (amount, day) in [("600", "2026-04-01"), ("400", "2026-05-01")] {
        let plan = t
            .post(
                &plans_path,
                rep,
                json!({ "amount": amount, "planned_on": day }),
            )
            .await;
        assert!(plan.status.is_success(), "{}", plan.text);
    }
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), rep).await;
    let first_plan = detail.body["plans"][0]["id"].as_i64().expect("plan");

    let first = pay(
        &t,
        rep,
        json!({ "contract_id": id, "plan_id": first_plan, "received_on": "2026-03-02", "amount": "300" }),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    // 400 more on an instalment of 600 with 300 waiting: past the instalment.
    let more = json!({ "contract_id": id, "plan_id": first_plan, "received_on": "2026-03-02", "amount": "400" });
    let refused = pay(&t, rep, more.clone()).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("amount".into(), "exceeds_instalment".into())
    );
    assert!(refused.text.contains("instalment"), "{}", refused.text);
    let mut confirmed = more;
    confirmed["confirm_exceeding"] = json!(true);
    let second = pay(&t, rep, confirmed).await;
    assert_eq!(second.status, 201, "{}", second.text);
    for payment in [&first, &second] {
        let id = payment.body["id"].as_i64().expect("id");
        assert_eq!(submit(&t, rep, "payments", id).await, "approved");
    }
    // 700 against 600: the 100 beyond is carried to the second instalment.
    assert_eq!(
        plans_of(&t, rep, id).await,
        vec![
            (60_000, "received".to_string()),
            (10_000, "partly_received".to_string())
        ]
    );
}

#[tokio::test]
async fn the_instalments_of_a_voided_contract_end_and_are_never_overdue() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "微星").await;
    let id = contract(&t, rep, client, "1000").await;
    let plan = t
        .post(
            &format!("/api/v1/contracts/{id}/plans"),
            rep,
            json!({ "amount": "500", "planned_on": "2026-03-03" }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);
    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");
    t.clock.advance(chrono::Duration::days(3));
    t.app.schedule_jobs().await.expect("scheduled");
    t.app.run_due_jobs("test").await.expect("ran");
    assert_eq!(plans_of(&t, rep, id).await[0].1, "overdue");

    let void = t
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/contracts/{id}/void"),
            Some(team.manager.1.as_str()),
            Some(json!({ "reason": "Cancelled by the customer" })),
        )
        .await;
    assert_eq!(void.status, 200, "{}", void.text);
    assert_eq!(plans_of(&t, rep, id).await[0].1, "ended");
    t.clock.advance(chrono::Duration::days(1));
    t.app.schedule_jobs().await.expect("scheduled");
    t.app.run_due_jobs("test").await.expect("ran");
    assert_eq!(plans_of(&t, rep, id).await[0].1, "ended");
    let page = crate::helpers::page(
        &t,
        &crate::auth::page_session(&t, "0971000002").await,
        &format!("/contracts/{id}"),
        "en",
    )
    .await;
    assert!(page.1.contains("Ended (contract void)"), "{}", page.1);
}

#[tokio::test]
async fn the_flow_page_refuses_an_empty_range_names_the_amount_field_and_takes_several_people() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let post = |form: String| {
        let cookie = cookie.clone();
        let t = &t;
        async move { crate::helpers::post_form(t, &cookie, "/settings/approval-flows", form).await }
    };
    let head = format!(
        "_csrf={csrf}&name=Ranges&kind=contract&active=1&when_no_approver=refuse&resubmit=from_start\
         &step_name=Boss&step_rule=department_head&step_mode=any_one"
    );

    // Above 100, up to 50: the second step could never apply.
    let empty = format!(
        "{head}&step_name=Big&step_rule=department_head&step_mode=any_one\
         &cond_step=1&cond_field=amount&cond_op=gt&cond_value=100&cond_raw=\
         &cond_step=1&cond_field=amount&cond_op=le&cond_value=50&cond_raw="
    );
    let (status, html) = post(empty).await;
    assert_eq!(status, 422, "{html}");
    let row = html
        .split("class=\"flow-row")
        .nth(2)
        .expect("the second step's row");
    assert!(row.contains("has-error"), "{row}");
    assert!(
        row.contains("its amount conditions leave no amount"),
        "{row}"
    );
    let api = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "x", "definition": { "steps": [
                { "name": "Big", "approvers": "department_head", "mode": "any_one", "condition": [
                    { "field": "amount", "op": "gt", "value": { "number": 10_000 }, "currency": "CNY" },
                    { "field": "amount", "op": "le", "value": { "number": 5_000 }, "currency": "CNY" }
                ] }
            ] } }),
        )
        .await;
    assert_eq!(
        first_error(&api),
        ("definition.steps.0".into(), "empty_range".into())
    );

    // An amount that is not a number is named by its field, in the language.
    let unreadable = format!(
        "{head}&step_name=Big&step_rule=department_head&step_mode=any_one\
         &cond_step=1&cond_field=amount&cond_op=gt&cond_value=lots&cond_raw="
    );
    let (status, html) = post(unreadable).await;
    assert_eq!(status, 422);
    let row = html.split("class=\"flow-row").nth(2).expect("row");
    assert!(row.contains("Amount is not a number"), "{row}");

    // Several named people in one "everyone" step.
    let (rep, finance) = (team.rep.0, team.finance.0);
    let several = format!(
        "{head}&step_name=Pair&step_rule=users&step_mode=everyone&step_users=1:{rep}&step_users=1:{finance}"
    );
    let (status, location) = post(several).await;
    assert_eq!(status, 303, "{location}");
    let flows = t.get("/api/v1/approvals/flows", &team.admin).await;
    let steps = &flows.body[0]["definition"]["steps"];
    assert_eq!(
        steps[1]["approvers"],
        json!({ "users": [rep, finance] }),
        "{}",
        flows.text
    );
    assert_eq!(steps[1]["mode"], "everyone");
    let id = flows.body[0]["id"].as_i64().expect("id");
    let (_, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={id}"),
        "en",
    )
    .await;
    for person in [rep, finance] {
        assert!(
            html.contains(&format!("value=\"1:{person}\" selected")),
            "{person} is chosen again: {html}"
        );
    }
}

#[tokio::test]
async fn an_off_sale_product_is_refused_on_new_lines_but_stays_on_lines_saved_before() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, admin) = (team.rep.1.as_str(), team.admin.as_str());
    let router = crate::sales_fixtures::product(&t, admin, "Router", "1000").await;
    let switch = crate::sales_fixtures::product(&t, admin, "Switch", "500").await;
    let client = customer(&t, rep, "聯想").await;
    let line = |product: i64| json!([{ "product_id": product, "quantity": "1" }]);
    let opportunity = json!({ "name": "Network", "customer_id": client, "lines": line(router) });
    let made = t
        .post("/api/v1/opportunities", rep, opportunity.clone())
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let contract_body = json!({ "name": "Network", "customer_id": client, "lines": line(router) });
    let deal = t
        .post("/api/v1/contracts", rep, contract_body.clone())
        .await;
    assert_eq!(deal.status, 201, "{}", deal.text);

    let off = t
        .put(
            &format!("/api/v1/products/{router}"),
            admin,
            json!({ "name": "Router", "price": "1000", "on_sale": false }),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    for (path, body) in [
        ("/api/v1/opportunities", opportunity),
        ("/api/v1/contracts", contract_body),
    ] {
        let refused = t.post(path, rep, body).await;
        assert_eq!(refused.status, 422, "{path}: {}", refused.text);
        assert_eq!(
            first_error(&refused),
            ("lines.0.product_id".into(), "product_off_sale".into())
        );
        assert!(refused.text.contains("off sale"), "{}", refused.text);
    }
    // Records saved while it was on sale keep their line when edited, and
    // take no new off-sale product.
    let opportunity_id = made.body["id"].as_i64().expect("id");
    let contract_id = deal.body["id"].as_i64().expect("id");
    for (path, created) in [
        (format!("/api/v1/opportunities/{opportunity_id}"), &made),
        (format!("/api/v1/contracts/{contract_id}"), &deal),
    ] {
        let kept = json!({
            "name": "Network, renamed", "customer_id": client,
            "lines": [{ "product_id": router, "quantity": "2" }, { "product_id": switch }],
            "version": created.body["version"]
        });
        let saved = t.put(&path, rep, kept).await;
        assert_eq!(saved.status, 200, "{path}: {}", saved.text);
        assert_eq!(saved.body["lines"][0]["product_id"], router);
    }
}

#[tokio::test]
async fn a_rep_with_the_built_in_role_deletes_their_own_draft_payment_only() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await;
    let rep_role = roles.body["items"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["name"] == "Sales rep"))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("the built-in rep role: {}", roles.text));
    let mut reps = Vec::new();
    for phone in ["0972000001", "0972000002"] {
        let id = t
            .user(
                &admin,
                phone,
                json!({ "department_id": 1, "role_ids": [rep_role] }),
            )
            .await;
        reps.push((id, t.login(phone, crate::helpers::PASSWORD).await));
    }
    let rep = reps[0].1.as_str();
    let client = customer(&t, rep, "神達").await;
    let deal = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let draft = t
        .post(
            "/api/v1/payments",
            rep,
            json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "100" }),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.text);
    assert_eq!(draft.body["can_delete"], true, "{}", draft.text);
    let path = format!("/api/v1/payments/{}", draft.body["id"]);
    let delete = |token: String| {
        let path = path.clone();
        let t = &t;
        async move {
            t.call(axum::http::Method::DELETE, &path, Some(&token), None)
                .await
        }
    };
    assert_eq!(delete(reps[1].1.clone()).await.status, 404);
    let deleted = delete(rep.to_string()).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(t.get(&path, rep).await.status, 404);
}

#[tokio::test]
async fn the_contract_list_adds_up_the_approved_contracts_only() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "廣達").await;
    contract(&t, rep, client, "5000").await;
    let approved = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", approved).await, "approved");

    let list = t.get("/api/v1/contracts", rep).await;
    assert_eq!(list.body["total"], 2, "{}", list.text);
    let totals = &list.body["totals"][0];
    assert_eq!(totals["count"], 2);
    assert_eq!(totals["approved"], 1);
    assert_eq!(
        totals["amount"], 100_000,
        "drafts do not count: {}",
        list.text
    );
    let (status, html) = crate::helpers::page(
        &t,
        &crate::auth::page_session(&t, "0971000002").await,
        "/contracts",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Approved amount · CNY"), "{html}");
    assert!(html.contains("CNY 1,000.00"), "{html}");
    assert!(html.contains("1 of 2 approved"), "{html}");
}

#[tokio::test]
async fn the_board_carries_each_cards_amount_for_the_column_totals() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "仁寶").await;
    let made = t
        .post(
            "/api/v1/opportunities",
            rep,
            json!({ "name": "Laptops", "customer_id": client, "amount": "1234.5" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let (status, html) = crate::helpers::page(
        &t,
        &crate::auth::page_session(&t, "0971000002").await,
        "/opportunities/board",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-amount=\"123450\" data-currency=\"CNY\""),
        "{html}"
    );
    let sums = html
        .split("data-amounts=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default();
    assert!(sums.contains("CNY") && sums.ends_with(":123450}"), "{sums}");
    assert!(html.contains("data-show-all=\"Show all %{n}\""), "{html}");
}
