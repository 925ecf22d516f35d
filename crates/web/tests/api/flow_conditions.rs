//! Approval steps that apply by amount range, the owner's department and a
//! contract's custom field, set through the API and through the settings
//! page; custom fields on the sales forms.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::sales_fixtures::{SalesTeam, create, customer, first_error, sales_team, submit};

async fn waiting(t: &TestApp, token: &str) -> i64 {
    let answer = t.get("/api/v1/approvals/waiting/count", token).await;
    answer.body["count"].as_i64().expect("count")
}

/// Approves what waits for `token` on contract `id`.
async fn approve(t: &TestApp, token: &str, id: i64) {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), token).await;
    let approval = detail.body["approval"]["approval"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("contract {id} waits: {}", detail.text));
    let answer = t
        .post(
            &format!("/api/v1/approvals/{approval}/actions"),
            token,
            json!({ "action": "approve" }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

async fn status(t: &TestApp, token: &str, id: i64) -> String {
    let detail = t.get(&format!("/api/v1/contracts/{id}"), token).await;
    detail.body["status"].as_str().expect("status").to_string()
}

async fn department_of(t: &TestApp, admin: &str, user: i64) -> i64 {
    let answer = t.get(&format!("/api/v1/users/{user}"), admin).await;
    answer.body["department_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("department of {user}: {}", answer.text))
}

/// A `region` choice field on contracts.
async fn region_field(t: &TestApp, admin: &str) {
    let field = t
        .post(
            "/api/v1/fields",
            admin,
            json!({ "kind": "contract", "key": "region", "label": "區域", "field_type": "choice", "options": ["北區", "南區"] }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
}

async fn contract_in(t: &TestApp, token: &str, client: i64, amount: &str, region: &str) -> i64 {
    create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("{region} {amount}"), "customer_id": client, "amount": amount,
                "custom": { "region": region } }),
    )
    .await
}

fn flow(team: &SalesTeam, sales: i64) -> Value {
    json!({
        "kind": "contract",
        "name": "分區審批",
        "definition": { "steps": [
            { "name": "直屬上級", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
            { "name": "北區", "approvers": { "users": [1] }, "mode": "any_one",
              "condition": [{ "field": "region", "op": "eq", "value": { "text": "北區" } }] },
            { "name": "財務", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [
                { "field": "department_id", "op": "eq", "value": { "id": sales } },
                { "field": "amount", "op": "gt", "value": { "number": 10_000_000 }, "currency": "CNY" },
                { "field": "amount", "op": "le", "value": { "number": 100_000_000 }, "currency": "CNY" }
              ] }
        ] }
    })
}

#[tokio::test]
async fn steps_apply_by_custom_field_department_and_amount_range() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    region_field(&t, &team.admin).await;
    let sales = department_of(&t, &team.admin, team.rep.0).await;
    let created = t
        .post("/api/v1/approvals/flows", &team.admin, flow(&team, sales))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let (rep, manager, finance) = (
        team.rep.1.as_str(),
        team.manager.1.as_str(),
        team.finance.1.as_str(),
    );
    let client = customer(&t, rep, "台灣塑膠").await;

    // South, small: the superior alone.
    let south = contract_in(&t, rep, client, "50000", "南區").await;
    assert_eq!(submit(&t, rep, "contracts", south).await, "in_approval");
    approve(&t, manager, south).await;
    assert_eq!(status(&t, rep, south).await, "approved");

    // North, within the range: the superior, the north's approver, finance.
    let north = contract_in(&t, rep, client, "200000", "北區").await;
    submit(&t, rep, "contracts", north).await;
    approve(&t, manager, north).await;
    assert_eq!(waiting(&t, &team.admin).await, 1);
    assert_eq!(waiting(&t, finance).await, 0);
    approve(&t, &team.admin, north).await;
    assert_eq!(waiting(&t, finance).await, 1);
    approve(&t, finance, north).await;
    assert_eq!(status(&t, rep, north).await, "approved");

    // Above the range's top: finance's step does not apply.
    let large = contract_in(&t, rep, client, "2000000", "南區").await;
    submit(&t, rep, "contracts", large).await;
    approve(&t, manager, large).await;
    assert_eq!(status(&t, rep, large).await, "approved");
    assert_eq!(waiting(&t, finance).await, 0);
}

#[tokio::test]
async fn a_condition_on_a_field_the_kind_does_not_have_is_refused() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    region_field(&t, &team.admin).await;
    let mut payment_flow = flow(&team, 1);
    payment_flow["kind"] = json!("payment");
    let refused = t
        .post("/api/v1/approvals/flows", &team.admin, payment_flow)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("definition.steps.1".into(), "unknown_fact".into())
    );
    let contract_flow = t
        .post("/api/v1/approvals/flows", &team.admin, flow(&team, 1))
        .await;
    assert_eq!(contract_flow.status, 201, "{}", contract_flow.text);
}

#[tokio::test]
async fn the_flow_settings_page_saves_ranges_departments_and_field_values() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    region_field(&t, &admin).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let departments = t.get("/api/v1/departments", &admin).await;
    let top = departments.body["items"][0]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("departments: {}", departments.text))
        .to_string();
    assert_eq!(
        departments.body["items"][0]["id"], 1,
        "{}",
        departments.text
    );
    let form = format!(
        "_csrf={csrf}&name=Regional&kind=contract&active=1&when_no_approver=refuse&resubmit=from_start\
         &step_name=Boss&step_rule=department_head&step_user=&step_levels=1&step_role=&step_mode=any_one\
         &cond_step=0&cond_field=amount&cond_op=gt&cond_value=1000&cond_currency=CNY&cond_raw=\
         &cond_step=0&cond_field=amount&cond_op=le&cond_value=5000.50&cond_currency=CNY&cond_raw=\
         &cond_step=0&cond_field=department_id&cond_op=eq&cond_value={}&cond_raw=\
         &cond_step=0&cond_field=region&cond_op=eq&cond_value=%E5%8C%97%E5%8D%80&cond_raw=",
        form_urlencoded::byte_serialize(top.as_bytes()).collect::<String>()
    );
    let (status, location) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, 303, "{location}");
    let flows = t.get("/api/v1/approvals/flows", &admin).await;
    let condition = &flows.body[0]["definition"]["steps"][0]["condition"];
    assert_eq!(
        condition,
        &json!([
            { "field": "amount", "op": "gt", "value": { "number": 100_000 }, "currency": "CNY" },
            { "field": "amount", "op": "le", "value": { "number": 500_050 }, "currency": "CNY" },
            { "field": "department_id", "op": "eq", "value": { "id": 1 } },
            { "field": "region", "op": "eq", "value": { "text": "北區" } }
        ]),
        "{}",
        flows.text
    );
    // The form shows them again, and the list says when the step applies.
    let id = flows.body[0]["id"].as_i64().expect("id");
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={id}"),
        "en",
    )
    .await;
    assert!(html.contains("value=\"5000.50\""), "{html}");
    assert!(html.contains("only when"), "{html}");

    // An amount that is not one is named beside its step, and nothing is saved.
    let bad = format!(
        "_csrf={csrf}&name=Broken&kind=contract&active=1&step_name=Boss&step_rule=department_head\
         &step_mode=any_one&cond_step=0&cond_field=amount&cond_op=le&cond_value=lots&cond_raw="
    );
    let (status, html) = post_form(&t, &cookie, "/settings/approval-flows", bad).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("value=\"lots\""),
        "the typed value is kept: {html}"
    );
    let flows = t.get("/api/v1/approvals/flows", &admin).await;
    assert_eq!(flows.body.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn custom_fields_of_contracts_opportunities_and_products_are_on_their_forms() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    region_field(&t, &admin).await;
    for kind in ["opportunity", "product"] {
        let field = t
            .post(
                "/api/v1/fields",
                &admin,
                json!({ "kind": kind, "key": "grade", "label": "Grade", "field_type": "text", "required": true }),
            )
            .await;
        assert_eq!(field.status, 201, "{}", field.text);
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let client = customer(&t, &admin, "遠東新世紀").await;

    // A required custom field left blank is named beside the field.
    let (status, html) = post_form(
        &t,
        &cookie,
        "/products",
        format!("_csrf={csrf}&name=Router&price=100&on_sale=1&custom.grade="),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("name=\"custom.grade\""), "{html}");
    let (status, location) = post_form(
        &t,
        &cookie,
        "/products",
        format!("_csrf={csrf}&name=Router&price=100&on_sale=1&custom.grade=A"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let products = t.get("/api/v1/products", &admin).await;
    assert_eq!(products.body["items"][0]["custom"]["grade"], "A");

    // A contract's form keeps the value with its product lines beside it.
    let (status, location) = post_form(
        &t,
        &cookie,
        "/contracts",
        format!(
            "_csrf={csrf}&name=Frame&customer_id={client}&amount=10\
             &line_product=&line_quantity=&line_price=&line_discount=\
             &line_product=&line_quantity=&line_price=&line_discount=&custom.region=%E5%8D%97%E5%8D%80"
        ),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let contracts = t.get("/api/v1/contracts", &admin).await;
    let id = contracts.body["items"][0]["id"].as_i64().expect("id");
    let detail = t.get(&format!("/api/v1/contracts/{id}"), &admin).await;
    assert_eq!(detail.body["custom"]["region"], "南區", "{}", detail.text);
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(html.contains("南區"), "the record page shows it");
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}/edit"), "en").await;
    assert!(html.contains("<option value=\"南區\" selected>"), "{html}");

    // Opportunities: the value is saved and kept across an edit.
    let (status, location) = post_form(
        &t,
        &cookie,
        "/opportunities",
        format!("_csrf={csrf}&name=Upgrade&customer_id={client}&amount=5&custom.grade=B"),
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let list = t.get("/api/v1/opportunities", &admin).await;
    let id = list.body["items"][0]["id"].as_i64().expect("id");
    let detail = t.get(&format!("/api/v1/opportunities/{id}"), &admin).await;
    assert_eq!(detail.body["custom"]["grade"], "B", "{}", detail.text);
}

#[tokio::test]
async fn the_change_log_names_custom_fields_and_product_lines_that_changed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    region_field(&t, &admin).await;
    let client = customer(&t, &admin, "中鋼").await;
    let steel = crate::sales_fixtures::product(&t, &admin, "鋼板", "100").await;
    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "鋼板", "customer_id": client, "custom": { "region": "北區" },
                "lines": [{ "product_id": steel, "quantity": "2" }] }),
    )
    .await;
    let edit = t
        .put(
            &format!("/api/v1/contracts/{id}"),
            &admin,
            json!({ "name": "鋼板", "customer_id": client, "custom": { "region": "南區" },
                    "lines": [{ "product_id": steel, "quantity": "3" }], "version": 1 }),
        )
        .await;
    assert_eq!(edit.status, 200, "{}", edit.text);
    let log = &edit.body["change_log"];
    let changed: Vec<(String, String, String)> = log
        .as_array()
        .expect("change log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_string(),
                f["old"].as_str().unwrap_or_default().to_string(),
                f["new"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        changed.contains(&("custom.region".into(), "北區".into(), "南區".into())),
        "{changed:?}"
    );
    assert!(
        changed.contains(&(
            "lines".into(),
            "鋼板 × 2 @ 100.00".into(),
            "鋼板 × 3 @ 100.00".into()
        )),
        "{changed:?}"
    );
}
