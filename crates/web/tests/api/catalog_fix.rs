//! Products by category path, money shown with its currency everywhere,
//! currencies without decimals, and the Traditional Chinese wording.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page};
use crate::sales_fixtures::{create, customer, first_error, submit};

/// Uploads a product file (CSV), read in `lang`.
async fn import(t: &TestApp, token: &str, query: &str, csv: &str, lang: &str) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/products/import?format=csv{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(csv.as_bytes().to_vec()))
        .expect("request");
    t.send(request).await
}

async fn category(t: &TestApp, admin: &str, name: &str, parent: Option<i64>) -> i64 {
    create(
        t,
        admin,
        "/api/v1/product-categories",
        json!({ "name": name, "parent_id": parent }),
    )
    .await
}

/// (row, field, code, message) of each problem.
fn problems(answer: &Answer) -> Vec<(u64, String, String, String)> {
    answer.body["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("problems: {}", answer.text))
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (
                p["row"].as_u64().unwrap_or_default(),
                s("field"),
                s("code"),
                s("message"),
            )
        })
        .collect()
}

#[tokio::test]
async fn product_categories_travel_as_paths_and_unknown_or_shared_names_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let hardware = category(&t, &admin, "硬體", None).await;
    let servers = category(&t, &admin, "伺服器", Some(hardware)).await;
    let services = category(&t, &admin, "服務", None).await;
    let hosting = category(&t, &admin, "伺服器", Some(services)).await;
    let rack = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "機架伺服器", "code": "SRV-1", "price": "1000", "category_id": servers }),
    )
    .await;
    create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "代管", "code": "HOST-1", "price": "50", "category_id": hosting }),
    )
    .await;

    // The export writes the whole path, and reads back into the same
    // categories though two of them share their name.
    let file = t
        .get("/api/v1/exports/products?format=csv", &admin)
        .await
        .text;
    assert!(file.contains("硬體 / 伺服器"), "{file}");
    assert!(file.contains("服務 / 伺服器"), "{file}");
    let again = import(&t, &admin, "", &file, "en").await;
    assert_eq!(again.body["written"], true, "{}", again.text);
    assert_eq!(again.body["updated"], 2, "{}", again.text);
    let stored = t.get(&format!("/api/v1/products/{rack}"), &admin).await;
    assert_eq!(stored.body["category_id"], servers, "{}", stored.text);
    let all = t.get("/api/v1/product-categories", &admin).await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(4), "{}", all.text);

    // A unique name will do; a typo and a shared name are problems of their
    // rows, in the dry run too, and nothing is made up.
    let csv =
        "Name,Category,Price\nSwitch,硬體,10\nCable,Servrs,1\nVM,伺服器,5\nBackup,服務／伺服器,8\n";
    for query in ["&dry_run=true", ""] {
        let answer = import(&t, &admin, query, csv, "zh-Hant").await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["written"], false, "{}", answer.text);
        let found = problems(&answer);
        assert_eq!(found.len(), 2, "{found:?}");
        let (row, field, code, message) = &found[0];
        assert_eq!(
            (*row, field.as_str(), code.as_str()),
            (3, "category_id", "category_unknown")
        );
        assert!(
            message.contains("Servrs") && message.contains("產品分類"),
            "{message}"
        );
        assert!(message.contains("先在產品頁新增"), "{message}");
        let (row, field, code, message) = &found[1];
        assert_eq!(
            (*row, field.as_str(), code.as_str()),
            (4, "category_id", "category_ambiguous")
        );
        assert!(
            message.contains("硬體 / 伺服器") && message.contains("服務 / 伺服器"),
            "{message}"
        );
    }
    let all = t.get("/api/v1/product-categories", &admin).await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(4), "{}", all.text);

    // Fixed as the messages say, the file goes in.
    let fixed = "Name,Category,Price\nSwitch,硬體,10\nVM,服務 / 伺服器,5\n";
    let done = import(&t, &admin, "", fixed, "en").await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let list = t.get("/api/v1/products?limit=50", &admin).await;
    let category_of = |name: &str| {
        list.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|p| p["name"] == name))
            .map(|p| p["category_id"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(category_of("Switch"), hardware);
    assert_eq!(category_of("VM"), hosting);

    // The template's hint says how a category is written.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/products", "zh-Hant").await;
    assert!(
        html.contains("硬體 / 伺服器"),
        "the import hint names a path"
    );
}

/// The (field, old, new) of every change in a record's log.
fn logged(record: &Value) -> Vec<(String, String, String)> {
    record["change_log"]
        .as_array()
        .expect("change log")
        .iter()
        .flat_map(|entry| entry["fields"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("field"), s("old"), s("new"))
        })
        .collect()
}

fn change(field: &str, old: &str, new: &str) -> (String, String, String) {
    (field.into(), old.into(), new.into())
}

#[tokio::test]
async fn change_logs_and_instalment_choices_show_money_with_currency_and_grouping() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let fee =
        json!({ "kind": "contract", "key": "fee", "label": "Setup fee", "field_type": "money" });
    assert_eq!(t.post("/api/v1/fields", &admin, fee).await.status, 201);
    let client = customer(&t, &admin, "Acme").await;
    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Support", "customer_id": client, "amount": "15000", "currency": "USD",
                "custom": { "fee": "1200" } }),
    )
    .await;
    let edit = t
        .put(
            &format!("/api/v1/contracts/{id}"),
            &admin,
            json!({ "name": "Support", "customer_id": client, "amount": "12000", "currency": "USD",
                    "custom": { "fee": "2500.5" }, "version": 1 }),
        )
        .await;
    assert_eq!(edit.status, 200, "{}", edit.text);
    let changes = logged(&edit.body);
    assert!(
        changes.contains(&change("amount", "USD 15,000.00", "USD 12,000.00")),
        "{changes:?}"
    );
    assert!(
        changes.contains(&change("custom.fee", "USD 1,200.00", "USD 2,500.50")),
        "{changes:?}"
    );

    // An instalment, its change, and the payment form's choice of it.
    let plans = format!("/api/v1/contracts/{id}/plans");
    let added = t
        .post(
            &plans,
            &admin,
            json!({ "amount": "7000", "planned_on": "2026-11-01" }),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let plan = added.body[0]["id"].as_i64().expect("plan");
    let changed = t
        .put(
            &format!("{plans}/{plan}"),
            &admin,
            json!({ "amount": "6500", "planned_on": "2026-11-01" }),
        )
        .await;
    assert!(changed.status.is_success(), "{}", changed.text);
    assert_eq!(submit(&t, &admin, "contracts", id).await, "approved");
    let record = t.get(&format!("/api/v1/contracts/{id}"), &admin).await;
    let changes = logged(&record.body);
    assert!(
        changes.contains(&change("plans", "", "USD 7,000.00")),
        "{changes:?}"
    );
    assert!(
        changes.contains(&change("plans.1.amount", "USD 7,000.00", "USD 6,500.00")),
        "{changes:?}"
    );
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, &format!("/contracts/{id}"), "en").await;
    assert!(
        html.contains("USD 15,000.00"),
        "the page's log shows the currency"
    );
    let (_, form) = page(
        &t,
        &cookie,
        &format!("/payments/new?contract_id={id}"),
        "zh-Hant",
    )
    .await;
    assert!(form.contains("2026-11-01 · USD 6,500.00"), "{form}");

    // A payment's and an opportunity's amounts too.
    let payment = create(
        &t,
        &admin,
        "/api/v1/payments",
        json!({ "contract_id": id, "amount": "1000", "received_on": "2026-01-05" }),
    )
    .await;
    let edited = t
        .put(
            &format!("/api/v1/payments/{payment}"),
            &admin,
            json!({ "contract_id": id, "amount": "1250", "received_on": "2026-01-05", "version": 1 }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let changes = logged(&edited.body);
    assert!(
        changes.contains(&change("amount", "USD 1,000.00", "USD 1,250.00")),
        "{changes:?}"
    );
    let deal = create(
        &t,
        &admin,
        "/api/v1/opportunities",
        json!({ "name": "Deal", "customer_id": client, "amount": "300000", "currency": "JPY" }),
    )
    .await;
    let edited = t
        .put(
            &format!("/api/v1/opportunities/{deal}"),
            &admin,
            json!({ "name": "Deal", "customer_id": client, "amount": "250000", "currency": "JPY", "version": 1 }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let changes = logged(&edited.body);
    assert!(
        changes.contains(&change("amount", "JPY 300,000", "JPY 250,000")),
        "{changes:?}"
    );
}

#[tokio::test]
async fn yen_amounts_take_no_decimals_and_list_totals_are_per_currency() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Tokyo KK").await;

    let refused = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Yen", "customer_id": client, "amount": "1000.50", "currency": "JPY" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        first_error(&refused),
        ("amount".into(), "whole_amount_only".into())
    );
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("JPY") && message.contains("1000"),
        "{message}"
    );
    let price = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "Bento", "price": "980.5", "currency": "JPY" }),
        )
        .await;
    assert_eq!(
        first_error(&price),
        ("price".into(), "whole_amount_only".into())
    );
    let bento = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Bento", "price": "980", "currency": "JPY" }),
    )
    .await;
    // A line priced in sen is refused; a discount leaves whole yen.
    let line = t
        .post(
            "/api/v1/contracts",
            &admin,
            json!({ "name": "Lunch", "customer_id": client, "currency": "JPY",
                    "lines": [{ "product_id": bento, "price": "980.4" }] }),
        )
        .await;
    assert_eq!(
        first_error(&line),
        ("lines.0.price".into(), "whole_amount_only".into())
    );
    let lunch = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Lunch", "customer_id": client, "currency": "JPY",
                "lines": [{ "product_id": bento, "quantity": "3", "discount": "7" }] }),
    )
    .await;
    let stored = t.get(&format!("/api/v1/contracts/{lunch}"), &admin).await;
    // 3 × 980 less 7 % is 2,734.2 yen: 2,734.
    assert_eq!(stored.body["amount"], 273_400, "{}", stored.text);

    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Yen", "customer_id": client, "amount": "1,000", "currency": "JPY" }),
    )
    .await;
    create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Dollars", "customer_id": client, "amount": "20", "currency": "USD" }),
    )
    .await;
    assert_eq!(submit(&t, &admin, "contracts", id).await, "approved");
    let plan = t
        .post(
            &format!("/api/v1/contracts/{id}/plans"),
            &admin,
            json!({ "amount": "500.5", "planned_on": "2026-11-01" }),
        )
        .await;
    assert_eq!(
        first_error(&plan),
        ("amount".into(), "whole_amount_only".into())
    );
    let payment = t
        .post(
            "/api/v1/payments",
            &admin,
            json!({ "contract_id": id, "amount": "10.5", "received_on": "2026-01-05" }),
        )
        .await;
    assert_eq!(
        first_error(&payment),
        ("amount".into(), "whole_amount_only".into())
    );

    // Totals per currency: the approved yen contract counts, the drafts are
    // listed but not added up.
    let list = t.get("/api/v1/contracts?limit=50", &admin).await;
    let totals = list.body["totals"].as_array().expect("totals").clone();
    let of = |currency: &str| {
        totals
            .iter()
            .find(|x| x["currency"] == currency)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(of("JPY")["count"], 2, "{totals:?}");
    assert_eq!(of("JPY")["approved"], 1, "{totals:?}");
    assert_eq!(of("JPY")["amount"], 100_000, "{totals:?}");
    assert_eq!(of("USD")["approved"], 0, "{totals:?}");
    assert_eq!(of("USD")["amount"], 0, "{totals:?}");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/contracts", "en").await;
    assert!(
        html.contains("JPY 1,000<"),
        "yen without decimals in the totals"
    );
    assert!(!html.contains("JPY 1,000.00"), "no decimals in yen");
    let (_, html) = page(&t, &cookie, &format!("/contracts/{lunch}"), "en").await;
    assert!(
        html.contains("JPY 2,734"),
        "the contract page shows whole yen"
    );
}

#[tokio::test]
async fn traditional_chinese_says_contract_one_way_and_multi_select_keys_need_a_pointer() {
    let root = env!("CARGO_MANIFEST_DIR");
    let hant = std::fs::read_to_string(format!("{root}/locales/zh-Hant.yml")).expect("zh-Hant");
    // 合約 is only a header spelling an import also accepts.
    let stray: Vec<&str> = hant
        .lines()
        .filter(|line| line.contains("合約") && !line.trim_start().starts_with('#'))
        .filter(|line| !line.contains("|合約"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    let hans = std::fs::read_to_string(format!("{root}/locales/zh-Hans.yml")).expect("zh-Hans");
    assert!(!hans.contains("合约"), "Simplified Chinese says 合同 too");
    for locale in [&hant, &hans] {
        let hints: Vec<&str> = locale
            .lines()
            .filter(|l| l.contains("Ctrl") && !l.contains("multi_select_keys"))
            .collect();
        assert!(hints.is_empty(), "{hints:?}");
    }

    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/settings/approval-flows", "zh-Hant").await;
    assert!(
        html.contains(
            "<span class=\"pointer-only\"> 按住 Ctrl（Mac 上為 ⌘）再點選，可選多位。</span>"
        ),
        "the keys are said only where a pointer hovers"
    );
    let css = std::fs::read_to_string(format!("{root}/static/app.css")).expect("css");
    assert!(css.contains(".pointer-only { display: none; }"));
    assert!(css.contains("@media (hover: hover) and (pointer: fine)"));
}
