//! Sales found by trying the product: amount conditions of approval flows
//! in their currency, instalment messages in the contract's money, the
//! "submitted by me" list after a transfer, the fallback approver of a
//! flow, the contract form's customer and the reason a deal was won.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form};
use crate::sales_fixtures::{SalesTeam, create, customer, first_error, sales_team, submit};

/// A request through the API, its messages in `lang`.
async fn in_lang(
    t: &TestApp,
    (method, path): (Method, &str),
    token: &str,
    body: Value,
    lang: &str,
) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    t.send(request).await
}

/// A contract of `customer` for `amount` in `currency`.
async fn contract_in(t: &TestApp, token: &str, customer: i64, amount: &str, currency: &str) -> i64 {
    let body = json!({
        "name": format!("{currency} {amount}"), "customer_id": customer,
        "amount": amount, "currency": currency
    });
    create(t, token, "/api/v1/contracts", body).await
}

/// The names of the steps a contract's approval planned.
async fn planned(t: &TestApp, token: &str, contract: i64) -> Vec<String> {
    let detail = t.get(&format!("/api/v1/contracts/{contract}"), token).await;
    detail.body["approval"]["approval"]["state"]["plan"]
        .as_array()
        .unwrap_or_else(|| panic!("a plan: {}", detail.text))
        .iter()
        .map(|step| step["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Superior always; finance above 100,000 dollars; the yen desk for any
/// contract in yen.
fn currency_flow(team: &SalesTeam) -> Value {
    json!({
        "kind": "contract",
        "name": "By currency",
        "definition": { "steps": [
            { "name": "Superior", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
            { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [{ "field": "amount", "op": "gt", "value": { "number": 10_000_000 }, "currency": "usd" }] },
            { "name": "Yen desk", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [{ "field": "currency", "op": "in", "value": { "list": [{ "text": "jpy" }] } }] }
        ] }
    })
}

#[tokio::test]
async fn an_amount_condition_holds_only_for_records_in_its_currency() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let saved = t
        .post("/api/v1/approvals/flows", &team.admin, currency_flow(&team))
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let steps = &saved.body["definition"]["steps"];
    assert_eq!(
        steps[1]["condition"][0]["currency"], "USD",
        "{}",
        saved.text
    );
    assert_eq!(steps[2]["condition"][0]["value"]["list"][0]["text"], "JPY");

    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Nippon Trading").await;
    let yen = contract_in(&t, rep, client, "200000", "JPY").await;
    let dollars = contract_in(&t, rep, client, "200000", "USD").await;
    let few_dollars = contract_in(&t, rep, client, "50000", "USD").await;
    for id in [yen, dollars, few_dollars] {
        assert_eq!(submit(&t, rep, "contracts", id).await, "in_approval");
    }
    assert_eq!(
        planned(&t, rep, yen).await,
        ["Superior", "Yen desk"],
        "200,000 yen are not above 100,000 dollars"
    );
    assert_eq!(planned(&t, rep, dollars).await, ["Superior", "Finance"]);
    assert_eq!(planned(&t, rep, few_dollars).await, ["Superior"]);

    // The settings page says each condition with its currency.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/settings/approval-flows", "en").await;
    assert!(html.contains("Amount is above USD 100,000.00"), "{html}");
    assert!(html.contains("Currency is one of JPY"), "{html}");
    let id = saved.body["id"].as_i64().expect("id");
    let (_, form) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={id}"),
        "en",
    )
    .await;
    assert!(form.contains("<option value=\"USD\" selected>"), "{form}");
    let (_, html) = page(&t, &cookie, "/settings/approval-flows", "zh-Hant").await;
    assert!(html.contains("USD 100,000.00"), "{html}");
}

#[tokio::test]
async fn an_amount_condition_without_a_currency_is_refused_naming_the_step() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let mut flow = currency_flow(&team);
    flow["definition"]["steps"][1]["condition"][0]
        .as_object_mut()
        .expect("a condition")
        .remove("currency");
    let refused = t.post("/api/v1/approvals/flows", &team.admin, flow).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        (
            "definition.steps.1.condition.0".into(),
            "condition_needs_currency".into()
        )
    );
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("Step 2") && message.contains("the amount") && message.contains("USD"),
        "{message}"
    );

    let mut flow = currency_flow(&team);
    flow["definition"]["steps"][2]["condition"][0]["value"] =
        json!({ "list": [{ "text": "Dollars" }] });
    let refused = t.post("/api/v1/approvals/flows", &team.admin, flow).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(first_error(&refused).1, "condition_currency_unknown");

    let mut flow = currency_flow(&team);
    flow["definition"]["steps"][1]["condition"][0]["currency"] = json!("JPY");
    flow["definition"]["steps"][1]["condition"][0]["value"] = json!({ "number": 10_050 });
    let refused = t.post("/api/v1/approvals/flows", &team.admin, flow).await;
    assert_eq!(
        first_error(&refused).1,
        "condition_whole_amount",
        "{}",
        refused.text
    );

    // The page: an amount with no currency chosen is named beside its step.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Page&kind=contract&active=1&when_no_approver=refuse&resubmit=from_start\
         &step_name=Boss&step_rule=department_head&step_levels=1&step_role=&step_mode=any_one\
         &cond_step=0&cond_field=amount&cond_op=gt&cond_value=1000&cond_currency=&cond_raw="
    );
    let (status, html) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Step 1: the amount is money; choose the currency"),
        "{html}"
    );
    let form = format!(
        "_csrf={csrf}&name=Page&kind=contract&active=1&when_no_approver=refuse&resubmit=from_start\
         &step_name=Boss&step_rule=department_head&step_levels=1&step_role=&step_mode=any_one\
         &cond_step=0&cond_field=amount&cond_op=gt&cond_value=1000&cond_currency=HKD&cond_raw="
    );
    let (status, location) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, 303, "{location}");
    let flows = t.get("/api/v1/approvals/flows", &team.admin).await;
    assert_eq!(
        flows.body[0]["definition"]["steps"][0]["condition"][0],
        json!({ "field": "amount", "op": "gt", "value": { "number": 100_000 }, "currency": "HKD" }),
        "{}",
        flows.text
    );
}

#[tokio::test]
async fn conditions_saved_without_a_currency_take_the_company_currency_once() {
    let mut t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let field = t
        .post(
            "/api/v1/fields",
            admin,
            json!({ "kind": "contract", "key": "deposit", "label": "Deposit", "field_type": "money" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
    let saved = t
        .post(
            "/api/v1/approvals/flows",
            admin,
            json!({
                "kind": "contract",
                "name": "Older",
                "definition": { "steps": [
                    { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
                      "condition": [
                        { "field": "amount", "op": "ge", "value": { "number": 100 }, "currency": "CNY" },
                        { "field": "deposit", "op": "ge", "value": { "number": 100 }, "currency": "CNY" },
                        { "field": "owner_id", "op": "eq", "value": { "id": team.rep.0 } }
                      ] }
                ] }
            }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let id = saved.body["id"].as_i64().expect("id");
    let version = saved.body["version"].clone();
    // As a version before currencies kept them: no currency anywhere; the
    // company's currency was set to dollars by its data.
    let rep = team.rep.0;
    let older = json!({ "steps": [
        { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
          "condition": [
            { "field": "amount", "op": "ge", "value": { "number": 100 } },
            { "field": "deposit", "op": "ge", "value": { "number": 100 } },
            { "field": "owner_id", "op": "eq", "value": { "id": rep } }
          ] }
    ], "when_no_approver": "refuse", "resubmit": "from_start" });
    t.sql(&format!(
        "update approval_flows set definition = '{older}' where id = {id}"
    ))
    .await;
    t.sql("insert into company_settings (key, value) values ('currency', 'USD')")
        .await;
    t.sql("insert into pending_upgrades (name) values ('flow_condition_currency')")
        .await;
    t.restart().await;
    let flows = t.get("/api/v1/approvals/flows", &t.admin().await).await;
    let condition = &flows.body[0]["definition"]["steps"][0]["condition"];
    assert_eq!(condition[0]["currency"], "USD", "{}", flows.text);
    assert_eq!(condition[1]["currency"], "USD", "a money field's too");
    assert!(condition[2].get("currency").is_none(), "a person has none");
    assert_eq!(flows.body[0]["version"], version, "the version stays");

    // Done once: a condition stored without one later is not touched again.
    t.sql(&format!(
        "update approval_flows set definition = '{older}' where id = {id}"
    ))
    .await;
    t.restart().await;
    let flows = t.get("/api/v1/approvals/flows", &t.admin().await).await;
    assert!(
        flows.body[0]["definition"]["steps"][0]["condition"][0]
            .get("currency")
            .is_none(),
        "{}",
        flows.text
    );
}

#[tokio::test]
async fn an_instalment_below_what_it_received_names_it_in_the_contracts_money() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let buyer = customer(&t, admin, "Kyoto Works").await;
    let deal = contract_in(&t, admin, buyer, "50000", "JPY").await;
    assert_eq!(submit(&t, admin, "contracts", deal).await, "approved");
    let plans_path = format!("/api/v1/contracts/{deal}/plans");
    let plans = t
        .post(
            &plans_path,
            admin,
            json!({ "amount": "40000", "planned_on": "2031-01-10" }),
        )
        .await;
    assert_eq!(plans.status, 201, "{}", plans.text);
    let plan = plans.body[0]["id"].as_i64().expect("plan");
    let payment = create(
        &t,
        admin,
        "/api/v1/payments",
        json!({ "contract_id": deal, "plan_id": plan, "received_on": "2026-03-02", "amount": "34996" }),
    )
    .await;
    assert_eq!(submit(&t, admin, "payments", payment).await, "approved");
    let lower = json!({ "amount": "10000", "planned_on": "2031-01-10" });
    let path = format!("{plans_path}/{plan}");
    for (lang, words) in [
        ("en", "less than the JPY 34,996 already received"),
        ("zh-Hant", "已回款的 JPY 34,996"),
        ("zh-Hans", "已回款的 JPY 34,996"),
    ] {
        let refused = in_lang(&t, (Method::PUT, &path), admin, lower.clone(), lang).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(
            first_error(&refused),
            ("amount".into(), "below_received".into())
        );
        let message = refused.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(words), "{lang}: {message}");
        assert!(!message.contains("34996.00"), "{lang}: {message}");
    }
}

#[tokio::test]
async fn a_transferred_approval_moves_to_its_new_owners_submitted_list() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let made = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Finance", "definition": { "steps": [
                { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let (rep, other) = (team.rep.1.as_str(), team.other_rep.1.as_str());
    let buyer = customer(&t, rep, "Handover Ltd").await;
    let moving = contract_in(&t, rep, buyer, "500", "CNY").await;
    let staying = contract_in(&t, rep, buyer, "700", "CNY").await;
    for id in [moving, staying] {
        assert_eq!(submit(&t, rep, "contracts", id).await, "in_approval");
    }
    let submitted = async |token: &str| {
        let list = t.get("/api/v1/approvals/submitted", token).await;
        assert_eq!(list.status, 200, "{}", list.text);
        let records: Vec<i64> = list.body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["record_id"].as_i64())
                    .collect()
            })
            .unwrap_or_default();
        (records, list.body["total"].as_i64().unwrap_or(-1))
    };
    assert_eq!(submitted(rep).await, (vec![staying, moving], 2));

    let moved = t
        .post(
            "/api/v1/contracts/transfer",
            &team.admin,
            json!({ "ids": [moving], "owner_id": team.other_rep.0 }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(
        submitted(rep).await,
        (vec![staying], 1),
        "left the former owner's"
    );
    assert_eq!(
        submitted(other).await,
        (vec![moving], 1),
        "the new owner's now"
    );

    // The pages link only to what each may open.
    let former = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &former, "/approvals?tab=submitted", "en").await;
    assert!(html.contains(&format!("/contracts/{staying}\"")), "{html}");
    assert!(!html.contains(&format!("/contracts/{moving}\"")), "{html}");
    let new_owner = page_session(&t, "0971000003").await;
    let (_, html) = page(&t, &new_owner, "/approvals?tab=submitted", "en").await;
    assert!(html.contains(&format!("/contracts/{moving}\"")), "{html}");
    let (status, _) = page(&t, &new_owner, &format!("/contracts/{moving}"), "en").await;
    assert_eq!(status, 200);
}

/// A form posted from a page in `lang`: the status and the page shown.
async fn post_form_in(
    t: &TestApp,
    cookie: &str,
    (path, form): (&str, String),
    lang: &str,
) -> (u16, String) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang={lang}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let answer = t.send(request).await;
    (answer.status.as_u16(), answer.text)
}

#[tokio::test]
async fn a_contract_without_a_customer_says_the_customer_is_required() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (lang, words) in [
        ("en", "Customer is required."),
        ("zh-Hant", "「客戶」為必填。"),
        ("zh-Hans", "“客户”为必填项。"),
    ] {
        let body = json!({ "name": "No customer", "customer_id": null, "amount": "100" });
        let refused = in_lang(&t, (Method::POST, "/api/v1/contracts"), &admin, body, lang).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(
            first_error(&refused),
            ("customer_id".into(), "required".into())
        );
        let message = refused.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(message, words, "{lang}");
        assert!(
            !refused.text.contains("not one of the choices"),
            "{}",
            refused.text
        );
    }
    let zero = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Zero", "customer_id": 0, "amount": "1" }),
        )
        .await;
    assert_eq!(
        first_error(&zero),
        ("customer_id".into(), "required".into())
    );
    let nobody = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Nobody", "customer_id": 999_999, "amount": "1" }),
        )
        .await;
    assert_eq!(
        first_error(&nobody),
        ("customer_id".into(), "invalid_choice".into())
    );

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    for (lang, words) in [
        ("en", "Customer is required."),
        ("zh-Hant", "「客戶」為必填。"),
        ("zh-Hans", "“客户”为必填项。"),
    ] {
        let form = format!("_csrf={csrf}&name=Typed+deal&customer_id=&amount=100");
        let (status, html) = post_form_in(&t, &cookie, ("/contracts", form), lang).await;
        assert_eq!(status, 422, "{html}");
        assert!(html.contains(words), "{lang}: {html}");
        assert!(html.contains("Typed deal"), "what was typed is kept");
    }
    let contracts = t.get("/api/v1/contracts", &admin).await;
    assert_eq!(contracts.body["total"], 0, "{}", contracts.text);
}

#[tokio::test]
async fn a_won_opportunity_keeps_the_reason_it_was_won_for() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let buyer = customer(&t, rep, "Initech").await;
    let deal = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Initech rollout", "customer_id": buyer }),
    )
    .await;
    let path = format!("/api/v1/opportunities/{deal}/stage");
    let won = t
        .post(
            &path,
            rep,
            json!({ "outcome": "won", "reason": "  Best support offer " }),
        )
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
    let detail = t.get(&format!("/api/v1/opportunities/{deal}"), rep).await;
    assert_eq!(detail.body["outcome"], "won", "{}", detail.text);
    assert_eq!(
        detail.body["outcome_reason"], "Best support offer",
        "{}",
        detail.text
    );
    let history = detail.body["stage_history"].as_array().expect("history");
    let closed = history
        .iter()
        .find(|h| h["to_outcome"] == "won")
        .unwrap_or_else(|| panic!("{}", detail.text));
    assert_eq!(closed["reason"], "Best support offer");

    // The record says why, as it says why a deal was lost.
    let cookie = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &cookie, &format!("/opportunities/{deal}"), "en").await;
    assert!(
        html.contains("Why it was won: Best support offer"),
        "{html}"
    );
    assert!(!html.contains("Why it was lost"), "{html}");

    // The page's "Won" takes a reason too.
    let other = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Second rollout", "customer_id": buyer }),
    )
    .await;
    let (_, html) = page(&t, &cookie, &format!("/opportunities/{other}"), "zh-Hant").await;
    assert!(html.contains("placeholder=\"贏單原因（選填）\""), "{html}");
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&outcome=won&reason=Faster+delivery");
    let (status, location) =
        post_form(&t, &cookie, &format!("/opportunities/{other}/stage"), form).await;
    assert_eq!(status, 303, "{location}");
    let (_, html) = page(&t, &cookie, &format!("/opportunities/{other}"), "zh-Hant").await;
    assert!(html.contains("贏單原因： Faster delivery"), "{html}");
}

/// A contract flow whose one step is the submitter's superior, with a
/// fallback person for a step that finds none.
fn fallback_flow(fallback: i64) -> Value {
    json!({
        "kind": "contract",
        "name": "Superior or fallback",
        "definition": {
            "steps": [{ "name": "Superior", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }],
            "when_no_approver": { "fallback": fallback }
        }
    })
}

#[tokio::test]
async fn a_fallback_person_who_is_the_submitter_is_named_as_such() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let saved = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            fallback_flow(team.manager.0),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    // The manager has no superior: the step goes to the fallback person,
    // who is the manager.
    let manager = team.manager.1.as_str();
    let buyer = customer(&t, manager, "Self Approval Ltd").await;
    let deal = contract_in(&t, manager, buyer, "100", "CNY").await;
    let path = format!("/api/v1/contracts/{deal}/submit");
    for (lang, words) in [
        ("en", "fallback person, User 0971000001"),
        ("zh-Hant", "備選人 User 0971000001"),
        ("zh-Hans", "备选人 User 0971000001"),
    ] {
        let refused = in_lang(&t, (Method::POST, &path), manager, json!({}), lang).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(first_error(&refused).1, "no_approver", "{}", refused.text);
        let message = refused.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(words), "{lang}: {message}");
        assert!(
            message.contains("submitter") || message.contains("提交人"),
            "{lang}: {message}"
        );
        assert!(
            !message.contains("choose in Settings → Approval flows what the flow does"),
            "{message}"
        );
    }
    let detail = t.get(&format!("/api/v1/contracts/{deal}"), manager).await;
    assert_eq!(detail.body["status"], "draft", "{}", detail.text);
}

#[tokio::test]
async fn a_fallback_person_who_may_not_approve_or_is_disabled_is_refused() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let refused = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            fallback_flow(team.rep.0),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        (
            "definition.when_no_approver".into(),
            "fallback_cannot_approve".into()
        )
    );
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("when_no_approver")
            && message.contains("User 0971000002")
            && message.contains("Settings → Roles"),
        "{message}"
    );

    let disabled = t
        .patch(
            &format!("/api/v1/users/{}", team.finance.0),
            &team.admin,
            json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    let refused = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            fallback_flow(team.finance.0),
        )
        .await;
    assert_eq!(
        first_error(&refused),
        (
            "definition.when_no_approver".into(),
            "fallback_disabled".into()
        ),
        "{}",
        refused.text
    );
    let flows = t.get("/api/v1/approvals/flows", &team.admin).await;
    assert_eq!(
        flows.body.as_array().map(Vec::len),
        Some(0),
        "{}",
        flows.text
    );

    // The page shows the message beside the fallback person.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Page&kind=contract&active=1&when_no_approver=fallback&fallback={}\
         &resubmit=from_start&step_name=Boss&step_rule=superior&step_levels=1&step_role=&step_mode=any_one",
        team.rep.0
    );
    let (status, html) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("may not approve this kind of record"),
        "{html}"
    );
    assert!(t.get("/api/v1/approvals/flows", &team.admin).await.body == json!([]));
}
