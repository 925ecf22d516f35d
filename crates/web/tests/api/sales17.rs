//! Built-in names as their viewer reads them: lists sorted on a built-in
//! option follow the name shown in the viewer's language, page after page,
//! and a built-in role renamed to the product's name for it in another
//! language keeps the name the administrator typed.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page};
use crate::sales_fixtures::{contract, create, customer, submit};

/// A request in `lang`, with a JSON body when one is given.
async fn call(t: &TestApp, (method, lang): (Method, &str), path: &str, token: &str) -> Answer {
    call_with(t, (method, lang), path, token, Value::Null).await
}

async fn call_with(
    t: &TestApp,
    (method, lang): (Method, &str),
    path: &str,
    token: &str,
    body: Value,
) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        })
        .expect("request");
    t.send(request).await
}

/// The id of the built-in option `key` of `kind`/`field`.
async fn option(t: &TestApp, admin: &str, (kind, field): (&str, &str), key: &str) -> i64 {
    let options = t.get("/api/v1/options", admin).await.body;
    options
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["kind"] == kind && o["field"] == field && o["builtin_key"] == key)
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("{kind} {field} {key}"))
}

/// The `field` of every row of a list read one row a page in `lang`,
/// following its cursors; `query` ends with the sort asked for.
async fn paged(t: &TestApp, token: &str, lang: &str, query: &str, field: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut cursor = String::new();
    for _ in 0..12 {
        let path = format!("{query}&limit=1&cursor={cursor}");
        let answer = call(t, (Method::GET, lang), &path, token).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        for item in answer.body["items"].as_array().expect("items") {
            found.push(item[field].clone());
        }
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return found,
        }
    }
    panic!("{query} never ended");
}

fn texts(names: &[&str]) -> Vec<Value> {
    names.iter().map(|n| json!(n)).collect()
}

#[tokio::test]
async fn customers_and_leads_sort_on_built_in_options_by_the_name_shown() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let industry = ("customer", "industry_id");
    for (name, key) in [
        ("mfg", Some("manufacturing")),
        ("build", Some("construction")),
        ("none", None),
        ("serve", Some("services")),
    ] {
        let chosen = match key {
            Some(key) => json!(option(&t, &admin, industry, key).await),
            None => Value::Null,
        };
        create(
            &t,
            &admin,
            "/api/v1/customers",
            json!({ "name": name, "industry_id": chosen }),
        )
        .await;
    }
    let list = "/api/v1/customers?view=all&sort=industry_id";
    // Construction, Manufacturing, Services; the one without last.
    let english = paged(&t, &admin, "en", &format!("{list}&desc=false"), "name").await;
    assert_eq!(english, texts(&["build", "mfg", "serve", "none"]));
    let down = paged(&t, &admin, "en", &format!("{list}&desc=true"), "name").await;
    assert_eq!(down, texts(&["serve", "mfg", "build", "none"]));
    // 制造业, 建筑工程, 服务业 in simplified Chinese: another order again.
    let hans = paged(&t, &admin, "zh-Hans", &format!("{list}&desc=false"), "name").await;
    assert_eq!(hans, texts(&["mfg", "build", "serve", "none"]));
    let hant = paged(&t, &admin, "zh-Hant", &format!("{list}&desc=false"), "name").await;
    assert_eq!(hant, texts(&["build", "serve", "mfg", "none"]));

    // A lead's source is one of the customers' sources.
    let source = ("customer", "source_id");
    for (name, key) in [
        ("web", "website"),
        ("ads", "advertising"),
        ("friend", "referral"),
    ] {
        let id = option(&t, &admin, source, key).await;
        create(
            &t,
            &admin,
            "/api/v1/leads",
            json!({ "name": name, "source_id": id }),
        )
        .await;
    }
    let leads = "/api/v1/leads?view=all&sort=source_id&desc=false";
    let english = paged(&t, &admin, "en", leads, "name").await;
    assert_eq!(english, texts(&["ads", "friend", "web"]));
    // 客戶介紹, 廣告, 網路 as stored.
    let hant = paged(&t, &admin, "zh-Hant", leads, "name").await;
    assert_eq!(hant, texts(&["friend", "ads", "web"]));
}

#[tokio::test]
async fn payments_sort_on_their_method_by_the_name_shown() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Harbour Tech").await;
    let deal = contract(&t, &admin, client, "9000").await;
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    let method = ("payment", "method_id");
    let mut paid = Vec::new();
    for (key, day) in [
        ("bank_transfer", "2026-01-05"),
        ("credit_card", "2026-01-06"),
        ("cash", "2026-01-07"),
    ] {
        let id = create(
            &t,
            &admin,
            "/api/v1/payments",
            json!({ "contract_id": deal, "amount": "100", "received_on": day,
                    "method_id": option(&t, &admin, method, key).await }),
        )
        .await;
        paid.push(json!(id));
    }
    let (bank, card, cash) = (paid[0].clone(), paid[1].clone(), paid[2].clone());
    let up = paged(&t, &admin, "en", "/api/v1/payments?sort=method_id", "id").await;
    assert_eq!(up, vec![bank.clone(), cash.clone(), card.clone()]);
    let down = paged(&t, &admin, "en", "/api/v1/payments?sort=-method_id", "id").await;
    assert_eq!(down, vec![card.clone(), cash.clone(), bank.clone()]);
    // 信用卡, 現金, 銀行轉帳 as stored.
    let hant = paged(
        &t,
        &admin,
        "zh-Hant",
        "/api/v1/payments?sort=method_id",
        "id",
    )
    .await;
    assert_eq!(hant, vec![card, cash, bank]);
}

#[tokio::test]
async fn a_built_in_role_renamed_to_its_name_in_another_language_keeps_that_name() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await.body;
    let rep = roles["items"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["code"] == "sales_rep")
        .and_then(|r| r["id"].as_i64())
        .expect("sales rep");
    let path = format!("/api/v1/roles/{rep}");
    // Shown 銷售代表, the administrator types the English name and the
    // English description.
    let renamed = call_with(
        &t,
        (Method::PATCH, "zh-Hant"),
        &path,
        &admin,
        json!({ "name": "Sales rep",
                "description": "Follows up their own leads, customers and opportunities" }),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    for lang in ["en", "zh-Hans", "zh-Hant"] {
        let shown = call(&t, (Method::GET, lang), &path, &admin).await;
        assert_eq!(shown.body["name"], "Sales rep", "{lang}: {}", shown.text);
        assert_eq!(
            shown.body["description"], "Follows up their own leads, customers and opportunities",
            "{lang}"
        );
    }
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, list) = page(&t, &cookie, "/roles", "zh-Hans").await;
    assert!(list.contains("Sales rep"), "{list}");
    assert!(!list.contains("销售代表"), "{list}");
    let (_, form) = page(&t, &cookie, "/users/new", "zh-Hant").await;
    assert!(form.contains("Sales rep"), "{form}");
    assert!(!form.contains("銷售代表"), "{form}");
    // The other built-in roles are still named in the viewer's language.
    assert!(form.contains("銷售經理"), "{form}");

    // Sent back as the administrator now sees it, the name stays theirs.
    let kept = call_with(
        &t,
        (Method::PATCH, "en"),
        &path,
        &admin,
        json!({ "name": "Sales rep" }),
    )
    .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    let hant = call(&t, (Method::GET, "zh-Hant"), &path, &admin).await;
    assert_eq!(hant.body["name"], "Sales rep", "{}", hant.text);
}

#[tokio::test]
async fn a_date_with_the_year_last_is_not_guessed_on_sales_forms() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Harbour Tech").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let words = [
        (
            "en",
            "Signing date has the year last",
            "Expected close date",
        ),
        ("zh-Hans", "把年份写在最后", "日/月"),
        ("zh-Hant", "把年份寫在最後", "日/月"),
    ];
    for (lang, said, also) in words {
        let form = format!(
            "_csrf={csrf}&name=Deal&customer_id={client}&amount=10&signed_on=05%2F12%2F2026"
        );
        let (status, html) =
            crate::helpers::post_form_in(&t, &cookie, "/contracts", form, lang).await;
        assert_eq!(status, 422, "{lang}: {html}");
        assert!(html.contains(said), "{lang}: {html}");
        assert!(html.contains("2026-12-05"), "{lang}: {html}");
        assert!(!html.contains("2024-01-05"), "{lang}: {html}");
        let form = format!(
            "_csrf={csrf}&name=Deal&customer_id={client}&amount=10&expected_close_on=05%2F12%2F2026"
        );
        let (status, html) =
            crate::helpers::post_form_in(&t, &cookie, "/opportunities", form, lang).await;
        assert_eq!(status, 422, "{lang}: {html}");
        if lang == "en" {
            assert!(html.contains(also), "{lang}: {html}");
        }
        assert!(html.contains("2026-12-05"), "{lang}: {html}");
    }
    // A day that does not exist is still told so.
    let form =
        format!("_csrf={csrf}&name=Deal&customer_id={client}&amount=10&signed_on=2026-02-30");
    let (status, html) = crate::helpers::post_form_in(&t, &cookie, "/contracts", form, "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("not a date that exists"), "{html}");
}

#[tokio::test]
async fn a_draft_payment_is_deleted_from_its_page_after_a_worded_question() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Harbour Tech").await;
    let deal = contract(&t, &admin, client, "9000").await;
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let asked = [
        ("en", "Delete this draft payment? This cannot be undone."),
        ("zh-Hans", "要删除这笔草稿回款吗？删除后无法恢复。"),
        ("zh-Hant", "要刪除這筆草稿回款嗎？刪除後無法復原。"),
    ];
    for (lang, question) in asked {
        let id = create(
            &t,
            &admin,
            "/api/v1/payments",
            json!({ "contract_id": deal, "amount": "100", "received_on": "2026-01-05" }),
        )
        .await;
        let (status, html) = page(&t, &cookie, &format!("/payments/{id}"), lang).await;
        assert_eq!(status, 200, "{html}");
        assert!(
            html.contains(&format!("action=\"/payments/{id}/delete\"")),
            "{html}"
        );
        assert!(html.contains(question), "{lang}: {html}");
        let (status, to) = crate::helpers::post_form_in(
            &t,
            &cookie,
            &format!("/payments/{id}/delete"),
            format!("_csrf={csrf}"),
            lang,
        )
        .await;
        assert!(status.is_redirection(), "{lang}: {status} {to}");
        assert!(to.starts_with("/payments"), "{to}");
        let gone = t.get(&format!("/api/v1/payments/{id}"), &admin).await;
        assert_eq!(gone.status, 404, "{}", gone.text);
    }
    // The lists name their export in words that read naturally.
    let (_, list) = page(&t, &cookie, "/payments", "zh-Hans").await;
    assert!(list.contains("导出全部符合条件的记录"), "{list}");
    assert!(list.contains("按您选的字段导出"), "{list}");
    let (_, list) = page(&t, &cookie, "/contracts", "zh-Hant").await;
    assert!(list.contains("依您選的欄位匯出"), "{list}");
}

#[tokio::test]
async fn a_withdrawn_payments_delete_names_its_status_not_a_draft() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // Someone other than the submitter approves payments.
    let finance = crate::sales_fixtures::sales_team(&t).await.finance.0;
    let client = customer(&t, &admin, "Harbour Tech").await;
    let deal = contract(&t, &admin, client, "9000").await;
    assert_eq!(submit(&t, &admin, "contracts", deal).await, "approved");
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            &admin,
            json!({
                "kind": "payment",
                "name": "Payments",
                "definition": { "steps": [
                    { "name": "Finance", "approvers": { "users": [finance] }, "mode": "any_one" }
                ] }
            }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let id = create(
        &t,
        &admin,
        "/api/v1/payments",
        json!({ "contract_id": deal, "amount": "100", "received_on": "2026-01-05" }),
    )
    .await;
    assert_eq!(submit(&t, &admin, "payments", id).await, "in_approval");
    let detail = t.get(&format!("/api/v1/payments/{id}"), &admin).await;
    let approval = crate::sales_fixtures::approval_id(&detail);
    crate::sales_fixtures::act_ok(&t, &admin, approval, json!({ "action": "withdraw" })).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/payments/{id}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Delete this payment (Withdrawn)? This cannot be undone."),
        "{html}"
    );
    assert!(!html.contains("Delete this draft payment"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/payments/{id}"), "zh-Hant").await;
    assert!(html.contains("要刪除這筆回款（"), "{html}");
}
