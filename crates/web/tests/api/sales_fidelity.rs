//! Sales data fidelity: an export imports again with the same values
//! (custom fields, signers, product lines, instalments and methods included).

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{create, customer, submit};

/// Sends a file to an import address: products and opportunities take the
/// file as the body, contracts and payments a multipart form.
pub async fn upload(t: &TestApp, token: &str, path: &str, name: &str, bytes: &[u8]) -> Answer {
    if path.contains("/products/") || path.contains("/opportunities/") {
        let format = if name.ends_with(".xlsx") {
            "xlsx"
        } else {
            "csv"
        };
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{path}?format={format}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes.to_vec()))
            .expect("request");
        return t.send(request).await;
    }
    let boundary = "XFIDELITYBOUNDARYX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(request).await
}

/// The CSV export of a kind, with the columns named in `skip` left out
/// (by their English header), its rows sorted.
async fn export(t: &TestApp, token: &str, kind: &str, skip: &[&str]) -> Vec<Vec<String>> {
    let answer = t
        .get(&format!("/api/v1/exports/{kind}?format=csv"), token)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(answer.text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let header = rows[0].clone();
    let keep: Vec<usize> = (0..header.len())
        .filter(|i| !skip.contains(&header[*i].as_str()))
        .collect();
    let mut out: Vec<Vec<String>> = rows
        .iter()
        .map(|row| keep.iter().map(|i| row[*i].clone()).collect())
        .collect();
    out[1..].sort();
    out
}

/// A response's body as bytes (an XLSX file).
async fn bytes_of(t: &TestApp, token: &str, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = Request::builder()
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let response = t.router.clone().oneshot(request).await.expect("answers");
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.expect("body");
    body.to_bytes().to_vec()
}

async fn delete(t: &TestApp, token: &str, path: &str) {
    let gone = t.call(Method::DELETE, path, Some(token), None).await;
    assert_eq!(gone.status, 204, "DELETE {path}: {}", gone.text);
}

async fn field(t: &TestApp, admin: &str, kind: &str, key: &str, label: &str, field_type: &str) {
    let mut body = json!({ "kind": kind, "key": key, "label": label, "field_type": field_type });
    if field_type == "multi_choice" {
        body["options"] = json!(["北區", "南區"]);
    }
    let made = t.post("/api/v1/fields", admin, body).await;
    assert!(made.status.is_success(), "{}", made.text);
}

fn items(answer: &Answer) -> Vec<Value> {
    answer.body["items"].as_array().cloned().unwrap_or_default()
}

struct World {
    admin: String,
    acme: i64,
    router: i64,
    cable: i64,
    method: i64,
}

async fn world(t: &TestApp) -> World {
    let admin = t.admin().await;
    for kind in ["product", "opportunity", "contract"] {
        field(t, &admin, kind, "region", "區域", "multi_choice").await;
        field(t, &admin, kind, "seats", "Seats", "number").await;
    }
    let acme = customer(t, &admin, "Acme 股份有限公司").await;
    create(
        t,
        &admin,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "林經理" }),
    )
    .await;
    let router = create(
        t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Router", "code": "R-1", "price": "100", "unit": "台",
                "description": "Dual band, 4 ports",
                "custom": { "region": ["北區", "南區"], "seats": "12" } }),
    )
    .await;
    let cable = create(
        t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Cable, 2 m", "price": "5.5" }),
    )
    .await;
    let options = t.get("/api/v1/options", &admin).await;
    let method = options
        .body
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["kind"] == "payment" && o["field"] == "method_id" && o["active"] == true);
    let method = method.expect("a payment method")["id"]
        .as_i64()
        .expect("id");
    World {
        admin,
        acme,
        router,
        cable,
        method,
    }
}

#[tokio::test]
async fn products_export_and_import_again_as_updates_keeping_what_the_file_lacks() {
    let t = TestApp::new().await;
    let w = world(&t).await;
    let admin = &w.admin;
    let before = export(&t, admin, "products", &[]).await;
    assert!(before[0].contains(&"Description".to_string()), "{before:?}");
    assert!(before[0].contains(&"區域".to_string()), "{before:?}");
    let file = t
        .get("/api/v1/exports/products?format=csv", admin)
        .await
        .text;
    // Everything changed by hand, then the export puts it back.
    let changed = t
        .put(
            &format!("/api/v1/products/{}", w.router),
            admin,
            json!({ "name": "Router", "code": "R-1", "price": "90", "unit": "box",
                    "description": "changed", "on_sale": true,
                    "custom": { "region": ["北區"], "seats": "1" } }),
        )
        .await;
    assert!(changed.status.is_success(), "{}", changed.text);
    let again = upload(
        &t,
        admin,
        "/api/v1/products/import",
        "p.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(again.body["written"], true, "{}", again.text);
    assert_eq!(again.body["updated"], 2, "{}", again.text);
    assert_eq!(export(&t, admin, "products", &[]).await, before);

    // A file without the custom or description columns keeps them.
    let narrow = "Name,Code,Price\nRouter,R-1,120\n";
    let done = upload(
        &t,
        admin,
        "/api/v1/products/import",
        "n.csv",
        narrow.as_bytes(),
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let router = t
        .get(&format!("/api/v1/products/{}", w.router), admin)
        .await;
    assert_eq!(router.body["custom"]["region"], json!(["北區", "南區"]));
    assert_eq!(router.body["custom"]["seats"], "12");
    assert_eq!(router.body["description"], "Dual band, 4 ports");
    assert_eq!(router.body["unit"], "台");

    // A custom column is found by its key too, checked by type, and a bad
    // value is named by row and column.
    let bad = "Name,seats,區域\nRouter,many,北區\nCable 3 m,3,西區\n";
    let refused = upload(
        &t,
        admin,
        "/api/v1/products/import",
        "b.csv",
        bad.as_bytes(),
    )
    .await;
    assert_eq!(refused.body["written"], false, "{}", refused.text);
    let problems: Vec<(u64, String, String)> = refused.body["problems"]
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
    assert_eq!(
        problems,
        [
            (2, "custom.seats".into(), "custom_number_invalid".into()),
            (3, "custom.region".into(), "invalid_choice".into()),
        ],
        "{}",
        refused.text
    );
    let _ = w.cable;
}

#[tokio::test]
async fn opportunities_contracts_and_payments_export_and_import_again_the_same() {
    let t = TestApp::new().await;
    let w = world(&t).await;
    let admin = &w.admin;
    let contact = items(
        &t.get(&format!("/api/v1/contacts?customer_id={}", w.acme), admin)
            .await,
    )
    .into_iter()
    .find(|c| c["name"] == "林經理")
    .expect("contact")["id"]
        .as_i64()
        .expect("id");
    let lines = json!([
        { "product_id": w.router, "quantity": "2", "price": "95", "discount": "5" },
        { "product_id": w.cable, "quantity": "3" }
    ]);
    let deal = create(
        &t,
        admin,
        "/api/v1/opportunities",
        json!({ "name": "Office network", "customer_id": w.acme, "expected_close_on": "2026-05-01",
                "notes": "Two floors", "lines": lines,
                "custom": { "region": ["南區"], "seats": "40" } }),
    )
    .await;
    let drafted = create(
        &t,
        admin,
        "/api/v1/contracts",
        json!({ "number": "HT-9", "name": "Network, phase 1", "customer_id": w.acme,
                "opportunity_id": deal, "signed_on": "2026-01-02", "starts_on": "2026-01-03",
                "ends_on": "2027-01-02", "customer_signer_id": contact,
                "company_signer_id": 1, "payment_method_id": w.method,
                "notes": "Net 30", "lines": lines,
                "custom": { "region": ["北區"], "seats": "7.5" } }),
    )
    .await;

    // A lost one goes out with its reason and comes back lost for it.
    let lost = create(
        &t,
        admin,
        "/api/v1/opportunities",
        json!({ "name": "Cabling only", "customer_id": w.acme }),
    )
    .await;
    let moved = t
        .post(
            &format!("/api/v1/opportunities/{lost}/stage"),
            admin,
            json!({ "outcome": "lost", "reason": "Went with a cheaper offer" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);

    // Opportunities: exported, deleted, imported, exported again.
    let skip = ["Created", "Created at"];
    let before = export(&t, admin, "opportunities", &skip).await;
    let reason = before[0]
        .iter()
        .position(|h| h == "Reason")
        .expect("reason");
    assert!(
        before[1..]
            .iter()
            .any(|row| row[reason] == "Went with a cheaper offer"),
        "{before:?}"
    );
    assert!(
        before[1..]
            .iter()
            .flatten()
            .any(|c| c.contains("Router × 2 @ 95.00 −5%")),
        "{before:?}"
    );
    let book = bytes_of(&t, admin, "/api/v1/exports/opportunities?format=xlsx").await;
    delete(&t, admin, &format!("/api/v1/contracts/{drafted}")).await;
    delete(&t, admin, &format!("/api/v1/opportunities/{deal}")).await;
    delete(&t, admin, &format!("/api/v1/opportunities/{lost}")).await;
    let done = upload(&t, admin, "/api/v1/opportunities/import", "o.xlsx", &book).await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(export(&t, admin, "opportunities", &skip).await, before);

    // Contracts: the opportunity is found again by name.
    let network = items(&t.get("/api/v1/opportunities", admin).await)
        .into_iter()
        .find(|o| o["name"] == "Office network")
        .expect("imported again")["id"]
        .clone();
    create(
        &t,
        admin,
        "/api/v1/contracts",
        json!({ "number": "HT-9", "name": "Network, phase 1", "customer_id": w.acme,
                "opportunity_id": network,
                "signed_on": "2026-01-02", "starts_on": "2026-01-03",
                "ends_on": "2027-01-02", "customer_signer_id": contact,
                "company_signer_id": 1, "payment_method_id": w.method,
                "notes": "Net 30", "lines": lines,
                "custom": { "region": ["北區"], "seats": "7.5" } }),
    )
    .await;
    let before = export(&t, admin, "contracts", &[]).await;
    let header = &before[0];
    for column in [
        "Customer signer",
        "Company signer",
        "Start date",
        "Product lines",
        "區域",
    ] {
        assert!(header.iter().any(|h| h == column), "{column}: {header:?}");
    }
    let file = t
        .get("/api/v1/exports/contracts?format=csv", admin)
        .await
        .text;
    let id = items(&t.get("/api/v1/contracts", admin).await)[0]["id"].clone();
    let original = t.get(&format!("/api/v1/contracts/{id}"), admin).await.body;
    delete(&t, admin, &format!("/api/v1/contracts/{id}")).await;
    let done = upload(
        &t,
        admin,
        "/api/v1/contracts/import",
        "c.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(export(&t, admin, "contracts", &[]).await, before);
    let id = items(&t.get("/api/v1/contracts", admin).await)[0]["id"].clone();
    let again = t.get(&format!("/api/v1/contracts/{id}"), admin).await.body;
    for key in [
        "opportunity_id",
        "customer_signer_id",
        "company_signer_id",
        "payment_method_id",
        "custom",
        "amount",
        "notes",
    ] {
        assert_eq!(again[key], original[key], "{key}");
    }
    let strip = |lines: &Value| -> Vec<Value> {
        lines
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut l| {
                l.as_object_mut().map(|o| o.remove("id"));
                l
            })
            .collect()
    };
    assert_eq!(strip(&again["lines"]), strip(&original["lines"]));
    let contract = id.as_i64().expect("id");

    // Payments: an instalment, the method and the notes come back.
    assert_eq!(submit(&t, admin, "contracts", contract).await, "approved");
    let plan = t
        .post(
            &format!("/api/v1/contracts/{contract}/plans"),
            admin,
            json!({ "amount": "50", "planned_on": "2026-03-01" }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);
    let plan = plan.body[0]["id"].as_i64().expect("plan");
    let paid = create(
        &t,
        admin,
        "/api/v1/payments",
        json!({ "contract_id": contract, "plan_id": plan, "received_on": "2026-03-01",
                "method_id": w.method, "amount": "50", "notes": "First part" }),
    )
    .await;
    let before = export(&t, admin, "payments", &[]).await;
    assert!(before[1].contains(&"1".to_string()), "{before:?}");
    assert!(before[1].contains(&"First part".to_string()), "{before:?}");
    let file = t
        .get("/api/v1/exports/payments?format=csv", admin)
        .await
        .text;
    delete(&t, admin, &format!("/api/v1/payments/{paid}")).await;
    let done = upload(
        &t,
        admin,
        "/api/v1/payments/import",
        "p.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    assert_eq!(export(&t, admin, "payments", &[]).await, before);
    let paid = items(&t.get("/api/v1/payments", admin).await)[0].clone();
    assert_eq!(paid["plan_id"], plan);
    assert_eq!(paid["method_id"], w.method);
}

#[tokio::test]
async fn a_product_line_that_names_no_product_is_named_by_row_and_column() {
    let t = TestApp::new().await;
    let w = world(&t).await;
    let file = "Name,Customer,Product lines\nDeal,Acme 股份有限公司,Router × 1; Mouse × 2\n";
    let refused = upload(
        &t,
        &w.admin,
        "/api/v1/opportunities/import",
        "o.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(refused.body["written"], false, "{}", refused.text);
    let problem = &refused.body["problems"][0];
    assert_eq!(problem["row"], 2);
    assert_eq!(problem["field"], "lines.1.product_id");
    assert_eq!(problem["code"], "product_not_found");
    let message = problem["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no product has this code or name"),
        "{message}"
    );
}

#[tokio::test]
async fn a_multipart_form_carries_its_token_in_the_body_not_the_address() {
    use crate::auth::{page_csrf, page_session};
    use crate::helpers::ADMIN_PHONE;
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let boundary = "XCSRFBOUNDARYX";
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\nName,Price\nRouter,100\n\r\n--{boundary}--\r\n"
    );
    let send = |uri: String, body: String| {
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request")
    };
    let field = |value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{value}\r\n")
    };
    // The token in the address is refused, and so is a wrong one in the body.
    let in_address = t
        .send(send(format!("/products/import?_csrf={csrf}"), file.clone()))
        .await;
    assert_eq!(in_address.status, 403);
    let forged = t
        .send(send(
            "/products/import".into(),
            format!("{}{file}", field("forged")),
        ))
        .await;
    assert_eq!(forged.status, 403);
    let (status, page) = crate::helpers::page(&t, &cookie, "/products", "en").await;
    assert_eq!(status, 200);
    assert!(
        !page.contains("?_csrf="),
        "the page puts no token in an address"
    );
    assert!(!page.contains("Router"));
    // The token first in the body is taken, and the file behind it read.
    let done = t
        .send(send(
            "/products/import".into(),
            format!("{}{file}", field(&csrf)),
        ))
        .await;
    assert!(
        done.status.is_success() || done.status.is_redirection(),
        "{}",
        done.text
    );
    let (_, page) = crate::helpers::page(&t, &cookie, "/products", "en").await;
    assert!(page.contains("Router"), "{page}");
}

/// The one-time token a page's form carries.
fn once_of(html: &str) -> String {
    let at = html.find("name=\"_once\" value=\"").expect("a form token") + 20;
    html[at..at + 32].to_string()
}

#[tokio::test]
async fn a_create_form_sent_twice_creates_once_and_lands_on_the_first_record() {
    use crate::auth::{page_csrf, page_session};
    use crate::helpers::{ADMIN_PHONE, page, post_form};
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;

    let (status, html) = page(&t, &cookie, "/contracts/new", "en").await;
    assert_eq!(status, 200);
    let once = once_of(&html);
    let form = format!("_csrf={csrf}&_once={once}&name=Twice&customer_id={acme}&amount=100");
    let (first, location) = post_form(&t, &cookie, "/contracts", form.clone()).await;
    assert!(first.is_redirection(), "{location}");
    assert!(location.starts_with("/contracts/"), "{location}");
    // A double click, or back and submit again: the same record.
    let (again, second) = post_form(&t, &cookie, "/contracts", form).await;
    assert!(again.is_redirection());
    assert_eq!(second, location);
    let list = t.get("/api/v1/contracts", &admin).await;
    assert_eq!(items(&list).len(), 1, "{}", list.text);

    // A form with errors frees its token: the corrected form creates.
    let (_, html) = page(&t, &cookie, "/customers/new", "en").await;
    let once = once_of(&html);
    let bad = format!("_csrf={csrf}&_once={once}&name=");
    let (status, _) = post_form(&t, &cookie, "/customers", bad).await;
    assert!(!status.is_redirection());
    let good = format!("_csrf={csrf}&_once={once}&name=Beta");
    let (status, location) = post_form(&t, &cookie, "/customers", good.clone()).await;
    assert!(status.is_redirection(), "{location}");
    let (_, again) = post_form(&t, &cookie, "/customers", good).await;
    assert_eq!(again, location);
    let all = t.get("/api/v1/customers", &admin).await;
    let betas = items(&all)
        .into_iter()
        .filter(|c| c["name"] == "Beta")
        .count();
    assert_eq!(betas, 1, "{}", all.text);

    // Every create form carries a token.
    for path in [
        "/payments/new",
        "/opportunities/new",
        "/products/new",
        "/leads/new",
        "/contacts/new",
    ] {
        let (status, html) = page(&t, &cookie, path, "en").await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("name=\"_once\""), "{path}");
    }
    let (_, html) = page(&t, &cookie, &format!("/customers/{acme}"), "en").await;
    assert!(
        html.contains("/follow-ups?_once="),
        "the composer carries one"
    );
}

#[tokio::test]
async fn an_api_create_with_an_idempotency_key_is_made_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let post = |path: &'static str, key: &'static str, body: Value| {
        let t = &t;
        let admin = admin.clone();
        async move {
            let request = Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header("Idempotency-Key", key)
                .body(Body::from(body.to_string()))
                .expect("request");
            t.send(request).await
        }
    };
    let body = json!({ "name": "Once", "customer_id": acme, "amount": "100" });
    let first = post("/api/v1/contracts", "k-1", body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let second = post("/api/v1/contracts", "k-1", body.clone()).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.body["id"], first.body["id"]);
    let other = post("/api/v1/contracts", "k-2", body).await;
    assert_ne!(other.body["id"], first.body["id"]);
    assert_eq!(items(&t.get("/api/v1/contracts", &admin).await).len(), 2);

    let contract = first.body["id"].as_i64().expect("id");
    assert_eq!(submit(&t, &admin, "contracts", contract).await, "approved");
    let pay = json!({ "contract_id": contract, "received_on": "2026-01-05", "amount": "10" });
    let paid = post("/api/v1/payments", "p-1", pay.clone()).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let again = post("/api/v1/payments", "p-1", pay).await;
    assert_eq!(again.body["id"], paid.body["id"]);
    assert_eq!(items(&t.get("/api/v1/payments", &admin).await).len(), 1);
}

#[tokio::test]
async fn exports_are_offered_and_served_only_with_the_export_permission() {
    use crate::auth::page_session;
    use crate::helpers::page;
    let t = TestApp::new().await;
    let team = crate::sales_fixtures::sales_team(&t).await;
    let rep = &team.rep.1;
    let phone = t
        .get(&format!("/api/v1/users/{}", team.rep.0), &team.admin)
        .await
        .body["phone"]
        .as_str()
        .expect("phone")
        .to_string();
    let cookie = page_session(&t, &phone).await;
    for list in [
        "/customers",
        "/opportunities",
        "/contracts",
        "/payments",
        "/products",
    ] {
        let (status, html) = page(&t, &cookie, list, "en").await;
        assert_eq!(status, 200, "{list}");
        assert!(!html.contains("export?format"), "{list} offers an export");
        assert!(!html.contains("/exports/"), "{list} offers an export");
    }
    for url in [
        "/customers/export?format=csv",
        "/opportunities/export?format=csv",
        "/contracts/export?format=csv",
        "/payments/export?format=csv",
        "/exports/products?format=csv",
    ] {
        let (status, _) = page(&t, &cookie, url, "en").await;
        assert_eq!(status, 403, "{url}");
    }
    for kind in ["opportunities", "contracts", "payments", "products"] {
        let answer = t
            .get(&format!("/api/v1/exports/{kind}?format=csv"), rep)
            .await;
        assert_eq!(answer.status, 403, "{kind}");
    }
    // The administrator has every export, and is offered each.
    let admin = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin, "/products", "en").await;
    assert!(html.contains("/exports/products?format=xlsx"));
}

#[tokio::test]
async fn the_change_log_names_custom_fields_by_their_label_while_they_exist() {
    use crate::auth::page_session;
    use crate::helpers::{ADMIN_PHONE, page};
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = t
        .post(
            "/api/v1/fields",
            &admin,
            json!({ "kind": "customer", "key": "headcount", "label": "員工人數", "field_type": "number" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
    let field_id = field.body["id"].as_i64().expect("id");
    let acme = create(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Acme", "custom": { "headcount": "12" } }),
    )
    .await;
    let changed = t
        .patch(
            &format!("/api/v1/customers/{acme}"),
            &admin,
            json!({ "version": 1, "custom": { "headcount": "40" } }),
        )
        .await;
    assert!(changed.status.is_success(), "{}", changed.text);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let named =
        |html: &str, name: &str| html.contains(&format!("<span class=\"field\">{name}</span>"));
    for lang in ["en", "zh-Hans", "zh-Hant"] {
        let (_, html) = page(&t, &cookie, &format!("/customers/{acme}"), lang).await;
        assert!(named(&html, "員工人數"), "{lang}");
        assert!(!named(&html, "headcount"), "{lang}");
    }
    delete(&t, &admin, &format!("/api/v1/fields/{field_id}")).await;
    let (_, html) = page(&t, &cookie, &format!("/customers/{acme}"), "en").await;
    assert!(
        named(&html, "headcount"),
        "a deleted field is named by its key"
    );
}
