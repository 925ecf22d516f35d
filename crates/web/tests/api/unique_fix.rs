//! A unique custom field of an opportunity, a contract or a product refuses
//! a value another record of its kind holds, in any case and with spaces
//! around it, on create and on edit, naming the field by its label; the
//! value is free again once its record is deleted; an import names a row
//! repeating a value of an earlier row, or one a record holds.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{create, customer};

/// A unique text field "Serial No" (key `serial`) of `kind`.
async fn serial_field(t: &TestApp, admin: &str, kind: &str) {
    let body = json!({ "kind": kind, "key": "serial", "label": "Serial No",
        "field_type": "text", "unique": true });
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{kind}: {}", answer.text);
}

/// A body for a new record of the kind at `path`, named `name`, with `serial`.
fn body(path: &str, client: i64, name: &str, serial: &str) -> Value {
    let custom = json!({ "serial": serial });
    if path.ends_with("/products") {
        json!({ "name": name, "price": "10", "custom": custom })
    } else {
        json!({ "name": name, "customer_id": client, "amount": "1000", "custom": custom })
    }
}

fn assert_taken(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 422, "{what}: {}", answer.text);
    let error = &answer.body["errors"][0];
    assert_eq!(error["field"], "custom.serial", "{what}: {}", answer.text);
    assert_eq!(
        error["code"], "custom_value_taken",
        "{what}: {}",
        answer.text
    );
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("Serial No"), "{what}: {message}");
}

#[tokio::test]
async fn a_unique_field_of_an_opportunity_contract_or_product_refuses_a_value_held_and_frees_it_on_delete()
 {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Serial client").await;
    for (kind, path) in [
        ("opportunity", "/api/v1/opportunities"),
        ("contract", "/api/v1/contracts"),
        ("product", "/api/v1/products"),
    ] {
        serial_field(&t, &admin, kind).await;
        let first = create(&t, &admin, path, body(path, client, "First", "SN-100")).await;

        let same = t
            .post(path, &admin, body(path, client, "Second", "SN-100"))
            .await;
        assert_taken(&same, &format!("{kind} same"));
        let other_case = t
            .post(path, &admin, body(path, client, "Second", "  sn-100 "))
            .await;
        assert_taken(&other_case, &format!("{kind} other case"));

        // An edit to another record's value is refused; its own is kept.
        let second = create(&t, &admin, path, body(path, client, "Second", "SN-200")).await;
        let edit = t
            .put(
                &format!("{path}/{second}"),
                &admin,
                body(path, client, "Second", "Sn-100"),
            )
            .await;
        assert_taken(&edit, &format!("{kind} edit"));
        let own = t
            .put(
                &format!("{path}/{first}"),
                &admin,
                body(path, client, "First", "SN-100"),
            )
            .await;
        assert_eq!(own.status, 200, "{kind} own: {}", own.text);

        // Deleted, the record frees its value.
        let gone = t
            .call(
                Method::DELETE,
                &format!("{path}/{first}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(gone.status, 204, "{kind} delete: {}", gone.text);
        let freed = t
            .put(
                &format!("{path}/{second}"),
                &admin,
                body(path, client, "Second", "sn-100"),
            )
            .await;
        assert_eq!(freed.status, 200, "{kind} freed: {}", freed.text);
        assert_eq!(freed.body["custom"]["serial"], "sn-100", "{}", freed.text);
    }
}

/// Uploads a product file (CSV) as a check, read in `lang`.
async fn check_products(t: &TestApp, token: &str, csv: &str, lang: &str) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/products/import?format=csv&dry_run=true")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(csv.as_bytes().to_vec()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn a_product_import_names_a_row_repeating_a_unique_value_and_one_a_product_holds() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    serial_field(&t, &admin, "product").await;
    let path = "/api/v1/products";
    create(&t, &admin, path, body(path, 0, "Stored", "SN-100")).await;

    let file = "Name,Price,Serial No\nAlpha,10,X-1\nBeta,10, x-1 \nGamma,10,sn-100\nDelta,10,X-2\n";
    let report = check_products(&t, &admin, file, "en").await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report.body["written"], false, "{}", report.text);
    let problems = report.body["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{}", report.text);
    let repeated = &problems[0];
    assert_eq!(repeated["row"], 3, "{}", report.text);
    assert_eq!(repeated["field"], "custom.serial");
    assert_eq!(repeated["code"], "custom_value_repeated");
    assert_eq!(repeated["other_row"], 2);
    let message = repeated["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Serial No") && message.contains("row 2"),
        "{message}"
    );
    let taken = &problems[1];
    assert_eq!(taken["row"], 4, "{}", report.text);
    assert_eq!(taken["code"], "custom_value_taken");
    let message = taken["message"].as_str().unwrap_or_default();
    assert!(message.contains("Serial No"), "{message}");

    // In the user's language, naming the field by its label.
    let report = check_products(&t, &admin, file, "zh-Hant").await;
    let message = report.body["problems"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("「Serial No」") && message.contains("第 2 列"),
        "{message}"
    );

    // Nothing was written: the file's own values are still free.
    let alpha = t.post(path, &admin, body(path, 0, "Alpha", "X-1")).await;
    assert_eq!(alpha.status, 201, "{}", alpha.text);
}
