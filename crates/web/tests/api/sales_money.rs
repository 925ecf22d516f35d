//! Money of opportunities and contracts: the product columns of their imports
//! take a discount (checked as the form checks it, headers in any language),
//! and their forms offer a currency, the company's by default, kept on
//! errors and in the box a stale save shows.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form};
use crate::sales_fidelity::upload;
use crate::sales_fixtures::{create, customer, product};
use crate::sales_pages_more::{encode, form_fields};

/// The problems of a report: row, field and code, sorted.
fn problems(answer: &Answer) -> Vec<(u64, String, String)> {
    let mut all: Vec<(u64, String, String)> = answer.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap_or_default(),
                p["field"].as_str().unwrap_or_default().to_string(),
                p["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

fn problem(row: u64, field: &str, code: &str) -> (u64, String, String) {
    (row, field.to_string(), code.to_string())
}

/// The message of the first problem with this field.
fn message_of(answer: &Answer, field: &str) -> String {
    answer.body["problems"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["field"] == field))
        .and_then(|p| p["message"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The record of this name in a list, in full.
async fn named(t: &TestApp, token: &str, kind: &str, name: &str) -> Value {
    let list = t.get(&format!("/api/v1/{kind}?limit=100"), token).await;
    let id = list.body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|o| o["name"] == name))
        .and_then(|o| o["id"].as_i64())
        .unwrap_or_else(|| panic!("{name}: {}", list.text));
    t.get(&format!("/api/v1/{kind}/{id}"), token).await.body
}

/// (product, quantity, price, discount) of each line, as stored.
fn lines(record: &Value) -> Vec<(i64, i64, i64, i64)> {
    record["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            let n = |k: &str| l[k].as_i64().unwrap_or(-1);
            (n("product_id"), n("quantity"), n("price"), n("discount"))
        })
        .collect()
}

#[tokio::test]
async fn opportunity_import_reads_a_discount_column_checked_as_the_form_checks_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Acme Trading").await;
    let router = product(&t, &admin, "Router", "100").await;
    let path = "/api/v1/opportunities/import";

    // Every wrong discount is named on its column, with the form's codes.
    let csv = "Name,Customer,Product,Qty,Unit price,Discount\n\
               Too much,Acme Trading,Router,1,100,120\n\
               Below,Acme Trading,Router,1,100,-5\n\
               Fine grained,Acme Trading,Router,1,100,2.555\n\
               Words,Acme Trading,Router,1,100,half\n\
               Orphan,Acme Trading,,,,10\n\
               Good,Acme Trading,Router,2,100,5%\n";
    let done = upload(&t, &admin, path, "o.csv", csv.as_bytes()).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["written"], false, "{}", done.text);
    let found = problems(&done);
    assert_eq!(found.len(), 5, "{found:?}");
    assert_eq!(found[0], problem(2, "discount", "above_hundred"));
    assert_eq!(found[1], problem(3, "discount", "negative"));
    assert_eq!(found[2], problem(4, "discount", "too_many_decimals"));
    assert_eq!((found[3].0, found[3].1.as_str()), (5, "discount"));
    assert_eq!(found[4], problem(6, "product_id", "required"));
    let orphan = message_of(&done, "product_id");
    assert!(orphan.contains("discount"), "{orphan}");
    let above = message_of(&done, "discount");
    assert!(
        above.contains("Discount") && above.contains("100"),
        "{above}"
    );
    let list = t.get("/api/v1/opportunities", &admin).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(0));

    // Headers in Chinese; the line is priced as the form prices it.
    let csv = "名稱,客戶,產品編號,數量,單價,折扣\n\
               路由器案,Acme Trading,Router,2,100,5\n";
    let done = upload(&t, &admin, path, "o.csv", csv.as_bytes()).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert!(done.body["ignored_columns"] == json!([]), "{}", done.text);
    let deal = named(&t, &admin, "opportunities", "路由器案").await;
    assert_eq!(lines(&deal), vec![(router, 2000, 10000, 500)]);
    // 2 × 100.00 less 5 %.
    assert_eq!(deal["amount"], 19000, "{deal}");
}

#[tokio::test]
async fn contract_import_takes_product_columns_with_a_discount() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer(&t, &admin, "Acme Trading").await;
    let router = product(&t, &admin, "Router", "100").await;
    let switch = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Switch", "code": "SW-8", "price": "50" }),
    )
    .await;
    let path = "/api/v1/contracts/import";
    let csv = "Name,Customer,Amount,Product lines,Product code,Qty,Unit price,Discount %\n\
               Network,Acme Trading,300,SW-8 × 2,Router,1,90,12.5\n\
               Bad,Acme Trading,10,,Router,0,,101\n";
    let done = upload(&t, &admin, path, "c.csv", csv.as_bytes()).await;
    assert_eq!(done.body["written"], false, "{}", done.text);
    let found = problems(&done);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (3, "discount"));
    assert_eq!((found[1].0, found[1].1.as_str()), (3, "quantity"));

    // In Simplified Chinese headers, without the bad row.
    let csv = "合同名称,客户,金额,产品编号,数量,单价,折扣\n\
               Network,Acme Trading,300,Router,1,90,12.5\n";
    let done = upload(&t, &admin, path, "c.csv", csv.as_bytes()).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(done.body["ignored_columns"], json!([]), "{}", done.text);
    let contract = named(&t, &admin, "contracts", "Network").await;
    assert_eq!(lines(&contract), vec![(router, 1000, 9000, 1250)]);
    assert_eq!(contract["amount"], 30000);

    // An export imports again the same: its lines carry the discount.
    let drafted = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Switches", "customer_id": contract["customer_id"],
                "lines": [{ "product_id": switch, "quantity": "3", "price": "48", "discount": "7.5" }] }),
    )
    .await;
    let before = t.get(&format!("/api/v1/contracts/{drafted}"), &admin).await;
    let file = t
        .get("/api/v1/exports/contracts?format=csv", &admin)
        .await
        .text;
    assert!(file.contains("Switch × 3 @ 48.00 −7.5%"), "{file}");
    for id in [drafted, contract["id"].as_i64().expect("id")] {
        let gone = t
            .call(
                axum::http::Method::DELETE,
                &format!("/api/v1/contracts/{id}"),
                Some(&admin),
                None,
            )
            .await;
        assert!(gone.status.is_success(), "{}", gone.text);
    }
    let done = upload(&t, &admin, path, "c.csv", file.as_bytes()).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let again = named(&t, &admin, "contracts", "Switches").await;
    assert_eq!(lines(&again), lines(&before.body));
    assert_eq!(again["amount"], before.body["amount"]);
}

/// The value a form holds for `name`.
fn held(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no field {name}: {fields:?}"))
}

fn typed(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(n, _)| n == name) {
        Some(field) => field.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

#[tokio::test]
async fn the_forms_offer_a_currency_the_companys_by_default_and_keep_it_on_errors() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme Trading").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;

    // A new opportunity: the company currency chosen, every currency offered.
    let (status, html) = page(&t, &cookie, "/opportunities/new", "en").await;
    assert_eq!(status, StatusCode::OK);
    let mut form = form_fields(&html, "/opportunities\"");
    assert_eq!(held(&form, "currency"), "CNY");
    for code in ["TWD", "USD", "EUR"] {
        assert!(
            html.contains(&format!("<option value=\"{code}\"")),
            "{code}"
        );
    }
    typed(&mut form, "_csrf", &csrf);
    typed(&mut form, "customer_id", &acme.to_string());
    typed(&mut form, "amount", "1200");
    typed(&mut form, "currency", "XYZ");
    // Wrong currency and no name: both named, what was typed kept.
    let (status, html) = post_form(&t, &cookie, "/opportunities", encode(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let again = form_fields(&html, "/opportunities\"");
    assert_eq!(held(&again, "currency"), "XYZ");
    assert_eq!(held(&again, "amount"), "1200");
    let named_error = html
        .split("class=\"err\">")
        .skip(1)
        .any(|e| e.starts_with("Currency"));
    assert!(named_error, "the error names the field: {html}");
    let mut form = again;
    typed(&mut form, "currency", "USD");
    typed(&mut form, "name", "Dollar deal");
    let (status, location) = post_form(&t, &cookie, "/opportunities", encode(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let deal = named(&t, &admin, "opportunities", "Dollar deal").await;
    assert_eq!(deal["currency"], "USD", "{deal}");
    assert_eq!(deal["amount"], 120000);
    let id = deal["id"].as_i64().expect("id");

    // Shown with the amount on the detail page and the list.
    let (_, detail) = page(&t, &cookie, &format!("/opportunities/{id}"), "en").await;
    assert!(detail.contains("USD 1,200.00"), "{detail}");
    let (_, list) = page(&t, &cookie, "/opportunities", "en").await;
    assert!(list.contains("USD 1,200.00"), "{list}");
    // The edit form holds the record's currency.
    let (_, edit) = page(&t, &cookie, &format!("/opportunities/{id}/edit"), "en").await;
    assert_eq!(
        held(
            &form_fields(&edit, &format!("/opportunities/{id}\"")),
            "currency"
        ),
        "USD"
    );

    // A contract opened from it starts in its currency; another may be
    // chosen, as the service takes a contract's own currency over its
    // opportunity's.
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/contracts/new?opportunity_id={id}"),
        "en",
    )
    .await;
    let mut form = form_fields(&html, "/contracts\"");
    assert_eq!(held(&form, "currency"), "USD");
    typed(&mut form, "_csrf", &csrf);
    let (status, location) = post_form(&t, &cookie, "/contracts", encode(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let contract = named(&t, &admin, "contracts", "Dollar deal").await;
    assert_eq!(contract["currency"], "USD");
    assert_eq!(contract["amount"], 120000);
    let (_, list) = page(&t, &cookie, "/contracts", "en").await;
    assert!(list.contains("USD 1,200.00"), "{list}");

    let (_, html) = page(
        &t,
        &cookie,
        &format!("/contracts/new?opportunity_id={id}"),
        "en",
    )
    .await;
    let mut form = form_fields(&html, "/contracts\"");
    typed(&mut form, "_csrf", &csrf);
    typed(&mut form, "name", "Euro part");
    typed(&mut form, "currency", "EUR");
    let (status, location) = post_form(&t, &cookie, "/contracts", encode(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let euro = named(&t, &admin, "contracts", "Euro part").await;
    assert_eq!(euro["currency"], "EUR");
    assert_eq!(euro["opportunity_id"], id);
    let (_, page_html) = page(&t, &cookie, &format!("/contracts/{}", euro["id"]), "en").await;
    assert!(page_html.contains("EUR 1,200.00"), "{page_html}");

    // A new contract without an opportunity: the company currency.
    let (_, html) = page(&t, &cookie, "/contracts/new", "zh-Hant").await;
    assert_eq!(held(&form_fields(&html, "/contracts\""), "currency"), "CNY");
    assert!(html.contains("幣別"), "the label in the user's language");
}

#[tokio::test]
async fn a_product_of_another_currency_is_named_with_the_way_out() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme Trading").await;
    let router = create(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Router", "price": "100", "currency": "USD" }),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, html) = page(&t, &cookie, "/opportunities/new", "en").await;
    let mut form = form_fields(&html, "/opportunities\"");
    typed(&mut form, "_csrf", &csrf);
    typed(&mut form, "name", "Mixed");
    typed(&mut form, "customer_id", &acme.to_string());
    typed(&mut form, "line_product", &router.to_string());
    typed(&mut form, "line_discount", "10");
    let (status, html) = post_form(&t, &cookie, "/opportunities", encode(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    // The line is named, with the way out: the record's currency.
    assert!(
        html.contains("Product lines #1, Product is priced in another currency")
            && html.contains("or set the record&#39;s currency to the product&#39;s"),
        "{html}"
    );
    let mut form = form_fields(&html, "/opportunities\"");
    assert_eq!(held(&form, "currency"), "CNY");
    assert_eq!(held(&form, "line_discount"), "10");
    typed(&mut form, "currency", "USD");
    let (status, location) = post_form(&t, &cookie, "/opportunities", encode(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let deal = named(&t, &admin, "opportunities", "Mixed").await;
    assert_eq!(deal["currency"], "USD");
    assert_eq!(deal["amount"], 9000);
}

#[tokio::test]
async fn a_stale_save_names_their_currency_and_keeps_it_when_only_they_changed_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme Trading").await;
    let id = create(
        &t,
        &admin,
        "/api/v1/contracts",
        json!({ "name": "Support", "customer_id": acme, "amount": "500" }),
    )
    .await;
    let path = format!("/contracts/{id}");
    let api = format!("/api/v1/contracts/{id}");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (_, html) = page(&t, &cookie, &format!("{path}/edit"), "en").await;
    let mut form = form_fields(&html, &format!("{path}\""));
    assert_eq!(held(&form, "currency"), "CNY");
    typed(&mut form, "_csrf", &csrf);

    // Someone else moves it to TWD meanwhile; the user edits the notes.
    let theirs = t
        .put(&api, &admin, json!({ "currency": "TWD", "version": 1 }))
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_eq!(theirs.body["currency"], "TWD");
    typed(&mut form, "notes", "Yearly");
    let (status, html) = post_form(&t, &cookie, &path, encode(&form)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    let kept = &html[html.find("conflict-kept").expect("their changes")..];
    assert!(kept.contains("Currency") && kept.contains("TWD"), "{html}");
    let mut over = form_fields(&html, &format!("{path}\""));
    assert_eq!(held(&over, "currency"), "TWD");
    assert_eq!(held(&over, "notes"), "Yearly");
    over.push(("_over".into(), "1".into()));
    let (status, location) = post_form(&t, &cookie, &path, encode(&over)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let stored = t.get(&api, &admin).await.body;
    assert_eq!(stored["currency"], "TWD");
    assert_eq!(stored["notes"], "Yearly");
}
