//! Sales data rules: product codes and contract numbers compared ignoring
//! case and surrounding spaces, editing a confirmed payment, and contract
//! rows whose amount follows their product lines.

use serde_json::json;

use crate::helpers::{Answer, TestApp};
use crate::sales_fidelity::upload as file_upload;
use crate::sales_fixtures::{contract, create, customer, first_error, submit};
use crate::sales_import::upload;

fn problems(answer: &Answer) -> Vec<(u64, String, String)> {
    answer.body["problems"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|p| {
                    (
                        p["row"].as_u64().unwrap_or_default(),
                        p["field"].as_str().unwrap_or_default().to_string(),
                        p["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn product_codes_are_one_whatever_their_case() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Widget", "code": "ab-1" }),
    )
    .await;
    let again = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "Gadget", "code": " AB-1 " }),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(
        first_error(&again),
        ("code".into(), "product_code_taken".into())
    );
    let text = &again.text;
    assert!(text.contains("ab-1") && text.contains("Widget"), "{text}");
    assert!(text.contains(&first.to_string()), "{text}");

    // An edit to another product is refused the same way.
    let other = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Gadget", "code": "cd-2" }),
    )
    .await;
    let renamed = t
        .put(
            &format!("/api/v1/products/{other}"),
            &admin,
            json!({ "name": "Gadget", "code": "Ab-1" }),
        )
        .await;
    assert_eq!(
        first_error(&renamed),
        ("code".into(), "product_code_taken".into())
    );

    // A near-duplicate stored before the rule still loads and its product
    // may be edited while keeping its code.
    t.sql(&format!(
        "update products set code = 'AB-1' where id = {other}"
    ))
    .await;
    let list = t.get("/api/v1/products", &admin).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let kept = t
        .put(
            &format!("/api/v1/products/{other}"),
            &admin,
            json!({ "name": "Gadget", "code": "AB-1", "price": "12" }),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);

    // An import row in another case updates the product that has the code,
    // and a file naming one code twice in two cases is refused.
    let file = "name,code,price\nWidget renamed,AB-1 ,5\n";
    let done = file_upload(
        &t,
        &admin,
        "/api/v1/products/import",
        "p.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["updated"], 1, "{}", done.text);
    assert_eq!(done.body["created"], 0, "{}", done.text);
    let twice = "name,code\nOne,xy-9\nTwo,XY-9\n";
    let refused = file_upload(
        &t,
        &admin,
        "/api/v1/products/import",
        "p.csv",
        twice.as_bytes(),
    )
    .await;
    assert_eq!(
        problems(&refused),
        vec![(3, "code".into(), "duplicate_in_file".into())],
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn contract_numbers_are_one_whatever_their_case() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Acme").await;
    let first = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "First", "customer_id": buyer, "amount": "10", "number": " ht-001 " }),
    )
    .await;
    let detail = t.get(&format!("/api/v1/contracts/{first}"), &admin).await;
    assert_eq!(detail.body["number"], "ht-001", "trimmed on save");
    let again = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Second", "customer_id": buyer, "amount": "10", "number": "HT-001" }),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(
        first_error(&again),
        ("number".into(), "contract_number_taken".into())
    );
    assert!(
        again.text.contains("ht-001") && again.text.contains("First"),
        "{}",
        again.text
    );
    // The contract keeps its own number on an edit.
    let edited = t
        .put(
            &format!("/api/v1/contracts/{first}"),
            &admin,
            json!({ "name": "First again", "customer_id": buyer, "amount": "10", "number": "ht-001" }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
}

#[tokio::test]
async fn a_confirmed_payment_keeps_its_confirmation_when_only_its_notes_change() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "Acme").await;
    let deal = contract(&t, &admin, buyer, "1000").await;
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    let body = |amount: &str, notes: &str| json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": amount, "notes": notes });
    // Exactly what is outstanding: an edit does not count the payment twice.
    let whole = create(&t, &admin, "/api/v1/payments", body("1000", "")).await;
    let noted = t
        .put(
            &format!("/api/v1/payments/{whole}"),
            &admin,
            body("1000", "by transfer"),
        )
        .await;
    assert_eq!(noted.status, 200, "{}", noted.text);

    let mut past = body("300", "");
    past["confirm_exceeding"] = json!(true);
    let extra = create(&t, &admin, "/api/v1/payments", past).await;
    let noted = t
        .put(
            &format!("/api/v1/payments/{extra}"),
            &admin,
            body("300", "second part"),
        )
        .await;
    assert_eq!(noted.status, 200, "{}", noted.text);
    assert_eq!(noted.body["notes"], "second part");
    // A new amount needs confirming again.
    let more = t
        .put(
            &format!("/api/v1/payments/{extra}"),
            &admin,
            body("400", "second part"),
        )
        .await;
    assert_eq!(
        first_error(&more),
        ("amount".into(), "exceeds_outstanding".into())
    );
}

#[tokio::test]
async fn imported_contract_amounts_follow_their_lines_and_rows_name_every_problem() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Acme").await;
    create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Widget", "code": "W-1", "price": "25" }),
    )
    .await;
    let file = "name,customer,product_id,quantity\nLines only,Acme,W-1,4\n";
    let done = upload(
        &t,
        &admin,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["created"], 1, "{}", done.text);
    let list = t.get("/api/v1/contracts", &admin).await;
    let made = &list.body["items"][0];
    assert_eq!(
        made["amount"].to_string().trim_matches('"'),
        "10000",
        "{made}"
    );

    // A row wrong in several ways names each of them.
    let bad = "name,customer,amount,signed_on\n,Nobody,abc,2026-13-40\n,Acme,,\n";
    let refused = upload(
        &t,
        &admin,
        "/api/v1/contracts/import",
        ("c.csv", bad.as_bytes()),
        &[],
    )
    .await;
    let found = problems(&refused);
    let fields_of = |row: u64| -> Vec<String> {
        found
            .iter()
            .filter(|p| p.0 == row)
            .map(|p| p.1.clone())
            .collect()
    };
    for field in ["customer_id", "signed_on", "name", "amount"] {
        assert!(
            fields_of(2).contains(&field.to_string()),
            "{field}: {found:?}"
        );
    }
    assert!(
        found.contains(&(3, "amount".into(), "amount_or_lines_required".into())),
        "{found:?}"
    );
    assert!(fields_of(3).contains(&"name".to_string()), "{found:?}");
}

/// The message of the error of `field` in a problem document.
fn message_of(answer: &Answer, field: &str) -> String {
    answer.body["errors"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["field"] == field))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("an error on {field}: {}", answer.text))
        .to_string()
}

#[tokio::test]
async fn a_disabled_head_stays_head_and_approvals_say_who_is_disabled() {
    let t = TestApp::new().await;
    let team = crate::sales_fixtures::sales_team(&t).await;
    let (admin, rep) = (&team.admin, team.rep.1.as_str());
    let manager = team.manager.0;
    let sales = t.get(&format!("/api/v1/users/{manager}"), admin).await.body["department_id"]
        .as_i64()
        .expect("department");
    let headed = t
        .patch(
            &format!("/api/v1/departments/{sales}"),
            admin,
            json!({ "head_id": manager }),
        )
        .await;
    assert_eq!(headed.status, 200, "{}", headed.text);
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            admin,
            json!({ "kind": "contract", "name": "contract flow", "definition": { "steps": [
                { "name": "Head of sales", "approvers": "department_head", "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let flow_id = flow.body["id"].as_i64().expect("id");
    let disabled = t
        .patch(
            &format!("/api/v1/users/{manager}"),
            admin,
            json!({ "status": "disabled" }),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    let department = t.get(&format!("/api/v1/departments/{sales}"), admin).await;
    assert_eq!(department.body["head_id"], manager, "{}", department.text);
    assert_eq!(
        department.body["head_disabled"], true,
        "{}",
        department.text
    );
    // Its other fields still save with the disabled head kept.
    let renamed = t
        .patch(
            &format!("/api/v1/departments/{sales}"),
            admin,
            json!({ "name": "Sales team" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    // The page's form offers the disabled head, chosen, so saving it keeps them.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let path = format!("/departments/{sales}");
    let (_, html) = crate::helpers::page(&t, &cookie, &path, "en").await;
    let chosen = format!("<option value=\"{manager}\" selected>");
    let option = html
        .split(&chosen)
        .nth(1)
        .and_then(|rest| rest.split("</option>").next())
        .unwrap_or_else(|| panic!("the head is chosen: {html}"));
    assert!(option.contains("(disabled)"), "{option}");
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Sales+team&parent_id=1&head_id={manager}&sort_order=0&version={}",
        t.get(&format!("/api/v1/departments/{sales}"), admin)
            .await
            .body["version"]
    );
    let (status, _) = crate::helpers::post_form(&t, &cookie, &path, form).await;
    assert_eq!(status, 303);
    let kept = t.get(&format!("/api/v1/departments/{sales}"), admin).await;
    assert_eq!(kept.body["head_id"], manager, "{}", kept.text);

    let client = customer(&t, rep, "Acme").await;
    let id = contract(&t, rep, client, "1000").await;
    let refused = t
        .post(&format!("/api/v1/contracts/{id}/submit"), rep, json!({}))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = message_of(&refused, "flow");
    assert!(
        message.contains("is disabled")
            && message.contains(&format!("User 0971000001 (#{manager})")),
        "{message}"
    );

    // A superior step names the disabled superior too.
    let superior = json!({ "steps": [
        { "name": "Superior", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" }
    ] });
    let updated = t
        .put(
            &format!("/api/v1/approvals/flows/{flow_id}"),
            admin,
            json!({ "kind": "contract", "name": "contract flow", "definition": superior }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let refused = t
        .post(&format!("/api/v1/contracts/{id}/submit"), rep, json!({}))
        .await;
    let message = message_of(&refused, "flow");
    assert!(
        message.contains("superior")
            && message.contains("is disabled")
            && message.contains(&format!("#{manager}")),
        "{message}"
    );

    // Enabled again, they head the department and approve as before.
    t.patch(
        &format!("/api/v1/users/{manager}"),
        admin,
        json!({ "status": "active" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "contracts", id).await, "in_approval");
}

#[tokio::test]
async fn a_number_taken_outside_the_callers_view_is_refused_without_naming_its_contract() {
    let t = TestApp::new().await;
    let team = crate::sales_fixtures::sales_team(&t).await;
    let (rep, other) = (team.rep.1.as_str(), team.other_rep.1.as_str());
    let theirs = customer(&t, other, "Their Buyer").await;
    create(
        &t,
        other,
        "/api/v1/contracts",
        json!({ "name": "Secret Deal", "customer_id": theirs, "amount": "10", "number": "HT-777" }),
    )
    .await;
    let mine = customer(&t, rep, "My Buyer").await;
    let refused = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Mine", "customer_id": mine, "amount": "10", "number": "ht-777" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("number".into(), "contract_number_taken_elsewhere".into())
    );
    assert!(!refused.text.contains("Secret Deal"), "{}", refused.text);
}
