//! Contracts, payment plans and payments through the API: numbers from the
//! rule, the outstanding check, received amounts and instalment statuses,
//! totals per currency, and attachments of sales records.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, ids};
use crate::sales_fixtures::{contract, create, customer, first_error, sales_team, submit};

async fn pay(t: &TestApp, token: &str, body: Value) -> Answer {
    t.post("/api/v1/payments", token, body).await
}

#[tokio::test]
async fn contract_numbers_come_from_the_rule_one_after_the_other() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "富邦金控").await;
    let number = |body: &Value| body["number"].as_str().unwrap_or_default().to_string();

    let first = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "年度維護", "customer_id": client, "amount": "12000" }),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(number(&first.body), "HT202603020001");
    let second = t
        .post(
            "/api/v1/contracts",
            &team.other_rep.1,
            json!({ "name": "Other", "customer_id": customer(&t, &team.other_rep.1, "國泰").await }),
        )
        .await;
    assert_eq!(number(&second.body), "HT202603020002");
    // A contract signed on another day counts in that day's sequence.
    let signed = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Signed earlier", "customer_id": client, "signed_on": "2026-02-27" }),
        )
        .await;
    assert_eq!(number(&signed.body), "HT202602270001");
    let third = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Third", "customer_id": client }),
        )
        .await;
    assert_eq!(number(&third.body), "HT202603020003");

    // A typed number is kept, and one already used is refused on its field.
    let typed = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Typed", "customer_id": client, "number": "HT202603020001" }),
        )
        .await;
    assert_eq!(typed.status, 422, "{}", typed.text);
    assert_eq!(
        first_error(&typed),
        ("number".into(), "contract_number_taken".into())
    );
    let dates = t
        .post(
            "/api/v1/contracts",
            rep,
            json!({ "name": "Backwards", "customer_id": client, "starts_on": "2026-05-01", "ends_on": "2026-04-01" }),
        )
        .await;
    assert_eq!(
        first_error(&dates),
        ("ends_on".into(), "ends_before_start".into())
    );
}

/// The id of the first payment method the company starts with.
pub(crate) async fn payment_method(t: &TestApp, token: &str) -> i64 {
    let options = t.get("/api/v1/options", token).await;
    options
        .body
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|o| o["kind"] == "payment" && o["field"] == "method_id")
        })
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("a payment method: {}", options.text))
}

#[tokio::test]
async fn payments_count_against_approved_contracts_and_fill_their_instalments() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "台灣大哥大").await;
    let method = payment_method(&t, &team.admin).await;

    // Money is not recorded against a draft.
    let draft = contract(&t, rep, client, "5000").await;
    let refused = pay(
        &t,
        rep,
        json!({ "contract_id": draft, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("contract_id".into(), "contract_not_approved".into())
    );
    // Another rep, who may not see it, is asked to choose one they may see.
    let hidden = pay(
        &t,
        &team.other_rep.1,
        json!({ "contract_id": draft, "received_on": "2026-03-02", "amount": "100" }),
    )
    .await;
    assert_eq!(hidden.status, 422, "{}", hidden.text);
    assert_eq!(
        first_error(&hidden),
        ("contract_id".into(), "contract_unknown".into())
    );
    assert!(
        hidden.text.contains("choose a contract you may see"),
        "{}",
        hidden.text
    );

    let id = contract(&t, rep, client, "100,000").await;
    let plans_path = format!("/api/v1/contracts/{id}/plans");
    let first = t
        .post(
            &plans_path,
            rep,
            json!({ "amount": "60000", "planned_on": "2026-04-01", "method_id": method, "remind_days": 7 }),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let plans = t
        .post(
            &plans_path,
            rep,
            json!({ "amount": "40000", "planned_on": "2026-05-01" }),
        )
        .await;
    assert_eq!(
        plans.body.as_array().map(Vec::len),
        Some(2),
        "{}",
        plans.text
    );
    let plan = |n: usize, body: &Value| body[n]["id"].as_i64().expect("plan");
    let (plan_1, plan_2) = (plan(0, &plans.body), plan(1, &plans.body));
    assert_eq!(plans.body[1]["instalment"], 2);
    let beyond = t
        .post(
            &plans_path,
            rep,
            json!({ "amount": "0.01", "planned_on": "2026-06-01" }),
        )
        .await;
    assert_eq!(
        first_error(&beyond),
        ("amount".into(), "plans_exceed_amount".into())
    );
    let wrong_method = t
        .post(
            &plans_path,
            rep,
            json!({ "amount": "1", "planned_on": "2026-06-01", "method_id": 999_999, "remind_days": 400 }),
        )
        .await;
    assert_eq!(wrong_method.status, 422);
    let messages: Vec<&str> = wrong_method.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"Reminder days before must be between 0 and 365 days."),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"Payment method has a value that is not one of the choices."),
        "{messages:?}"
    );

    assert_eq!(submit(&t, rep, "contracts", id).await, "approved");

    // Above what is outstanding: refused unless confirmed.
    let too_much = json!({ "contract_id": id, "plan_id": plan_1, "received_on": "2026-03-02", "amount": "100,000.01" });
    let refused = pay(&t, rep, too_much.clone()).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("amount".into(), "exceeds_outstanding".into())
    );

    let part = pay(
        &t,
        rep,
        json!({ "contract_id": id, "plan_id": plan_1, "received_on": "2026-03-02", "amount": "30,000", "method_id": method }),
    )
    .await;
    assert_eq!(part.status, 201, "{}", part.text);
    assert_eq!(part.body["status"], "draft");
    assert!(
        part.body["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("HK20260302")),
        "{}",
        part.text
    );
    let part_id = part.body["id"].as_i64().expect("id");
    let contract_path = format!("/api/v1/contracts/{id}");
    // A draft counts for nothing yet.
    assert_eq!(t.get(&contract_path, rep).await.body["received"], 0);
    assert_eq!(submit(&t, rep, "payments", part_id).await, "approved");
    let after = t.get(&contract_path, rep).await;
    assert_eq!(after.body["received"], 3_000_000);
    assert_eq!(after.body["outstanding"], 7_000_000);
    assert_eq!(after.body["plans"][0]["received"], 3_000_000);
    assert_eq!(after.body["plans"][0]["status"], "partly_received");
    assert_eq!(after.body["plans"][1]["status"], "pending");
    // Approved, a payment is neither edited nor deleted.
    let delete = t
        .call(
            Method::DELETE,
            &format!("/api/v1/payments/{part_id}"),
            Some(rep),
            None,
        )
        .await;
    assert_eq!(delete.status, 409);
    assert_eq!(delete.body["code"], "payment_not_deletable");

    let rest = pay(
        &t,
        rep,
        json!({ "contract_id": id, "plan_id": plan_1, "received_on": "2026-03-02", "amount": "30000" }),
    )
    .await;
    submit(&t, rep, "payments", rest.body["id"].as_i64().expect("id")).await;
    let after = t.get(&contract_path, rep).await;
    assert_eq!(after.body["plans"][0]["status"], "received");
    assert_eq!(after.body["received"], 6_000_000);
    // A plan with money received against it stays.
    let keep = t
        .call(
            Method::DELETE,
            &format!("/api/v1/contracts/{id}/plans/{plan_1}"),
            Some(rep),
            None,
        )
        .await;
    assert_eq!(keep.status, 409);
    assert_eq!(keep.body["code"], "plan_has_payments");

    // 50,000 against 40,000 outstanding needs the confirmation.
    let over = json!({ "contract_id": id, "plan_id": plan_2, "received_on": "2026-03-02", "amount": "50000" });
    let refused = pay(&t, rep, over.clone()).await;
    assert_eq!(
        first_error(&refused),
        ("amount".into(), "exceeds_outstanding".into())
    );
    let mut confirmed = over;
    confirmed["confirm_exceeding"] = json!(true);
    let over = pay(&t, rep, confirmed).await;
    assert_eq!(over.status, 201, "{}", over.text);
    submit(&t, rep, "payments", over.body["id"].as_i64().expect("id")).await;
    let after = t.get(&contract_path, rep).await;
    assert_eq!(after.body["received"], 11_000_000);
    assert_eq!(after.body["outstanding"], 0);
    assert_eq!(after.body["plans"][1]["status"], "received");
    // Money received, the contract is not voided.
    let void = t
        .call(
            Method::POST,
            &format!("/api/v1/contracts/{id}/void"),
            Some(team.manager.1.as_str()),
            Some(json!({ "reason": "Signed twice" })),
        )
        .await;
    assert_eq!(
        void.body["code"], "contract_has_approved_payments",
        "{}",
        void.text
    );

    // Lists carry their totals per currency.
    let payments = t
        .get(&format!("/api/v1/payments?contract_id={id}"), rep)
        .await;
    assert_eq!(payments.body["total"], 3, "{}", payments.text);
    assert_eq!(payments.body["totals"][0]["amount"], 11_000_000);
    let contracts = t.get("/api/v1/contracts?status=approved", rep).await;
    assert_eq!(ids(&contracts), vec![id]);
    assert_eq!(contracts.body["totals"][0]["amount"], 10_000_000);
    assert_eq!(contracts.body["totals"][0]["received"], 11_000_000);
    let all = t.get("/api/v1/contracts", rep).await;
    assert_eq!(all.body["total"], 2);
    assert_eq!(all.body["totals"][0]["count"], 2);
    // The other rep sees none of it.
    let theirs = t.get("/api/v1/payments", &team.other_rep.1).await;
    assert_eq!(theirs.body["total"], 0);
    assert_eq!(t.get(&contract_path, &team.other_rep.1).await.status, 404);
}

#[tokio::test]
async fn a_draft_contract_is_edited_voided_only_once_approved_and_deleted_while_a_draft() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    // Voiding is for those who approve contracts.
    let manager = team.manager.1.as_str();
    let client = customer(&t, rep, "Acer").await;
    let id = contract(&t, rep, client, "900").await;
    let path = format!("/api/v1/contracts/{id}");
    let version = t.get(&path, rep).await.body["version"].clone();
    let edit =
        json!({ "name": "Acer 2026", "customer_id": client, "amount": "950", "version": version });
    let saved = t
        .call(Method::PUT, &path, Some(rep), Some(edit.clone()))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["amount"], 95000);
    assert_eq!(saved.body["number"], "HT202603020001");
    let stale = t.call(Method::PUT, &path, Some(rep), Some(edit)).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.body["code"], "stale");

    let void = t
        .call(
            Method::POST,
            &format!("{path}/void"),
            Some(manager),
            Some(json!({ "reason": "Signed twice" })),
        )
        .await;
    assert_eq!(void.body["code"], "contract_not_approved");
    submit(&t, rep, "contracts", id).await;
    let void = t
        .call(
            Method::POST,
            &format!("{path}/void"),
            Some(manager),
            Some(json!({ "reason": "Signed twice" })),
        )
        .await;
    assert_eq!(void.status, 200, "{}", void.text);
    assert_eq!(void.body["status"], "void");
    let delete = t.call(Method::DELETE, &path, Some(rep), None).await;
    assert_eq!(delete.body["code"], "contract_not_deletable");

    let draft = contract(&t, rep, client, "1").await;
    let gone = t
        .call(
            Method::DELETE,
            &format!("/api/v1/contracts/{draft}"),
            Some(rep),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    assert_eq!(
        t.get(&format!("/api/v1/contracts/{draft}"), rep)
            .await
            .status,
        404
    );
}

async fn upload(t: &TestApp, token: &str, record: &str, bytes: &[u8]) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/{record}/attachments?name=scan.pdf"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn sales_records_take_attachments_seen_only_by_those_who_see_the_record() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let other = team.other_rep.1.as_str();
    let client = customer(&t, rep, "華碩").await;
    let deal = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Laptops", "customer_id": client }),
    )
    .await;
    let signed = contract(&t, rep, client, "1000").await;
    submit(&t, rep, "contracts", signed).await;
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": signed, "received_on": "2026-03-02", "amount": "10" }),
    )
    .await;
    let pdf = b"%PDF-1.7\n";

    for record in [
        format!("opportunities/{deal}"),
        format!("contracts/{signed}"),
        format!("payments/{payment}"),
    ] {
        let stored = upload(&t, rep, &record, pdf).await;
        assert_eq!(stored.status, 201, "{record}: {}", stored.text);
        assert_eq!(stored.body["content_type"], "application/pdf");
        let file = stored.body["id"].as_i64().expect("id");
        let list = t.get(&format!("/api/v1/{record}/attachments"), rep).await;
        assert_eq!(ids_of(&list.body), vec![file], "{record}");

        assert_eq!(
            upload(&t, other, &record, pdf).await.status,
            404,
            "{record}"
        );
        let theirs = t.get(&format!("/api/v1/{record}/attachments"), other).await;
        assert_eq!(theirs.status, 404, "{record}");
        let download = format!("/api/v1/attachments/{file}");
        assert_eq!(t.get(&download, other).await.status, 404, "{record}");
        let fetched = t.get(&download, rep).await;
        assert_eq!(fetched.status, 200, "{record}");
        assert_eq!(fetched.text, "%PDF-1.7\n");
        let removed = t.call(Method::DELETE, &download, Some(other), None).await;
        assert_eq!(removed.status, 404, "{record}");
        let removed = t.call(Method::DELETE, &download, Some(rep), None).await;
        assert_eq!(removed.status, 204, "{record}");
        let list = t.get(&format!("/api/v1/{record}/attachments"), rep).await;
        assert!(ids_of(&list.body).is_empty(), "{record}");
    }
}

fn ids_of(body: &Value) -> Vec<i64> {
    body.as_array()
        .map(|all| all.iter().filter_map(|a| a["id"].as_i64()).collect())
        .unwrap_or_default()
}
