//! Postal codes of customers, leads and contacts: kept as text (leading
//! zeros survive), split from the head of an imported address rather than
//! dropped, and carried through forms, lists, filters, exports and the
//! conversion of a lead.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form, urlencode};
use crate::record_fixtures::send_bytes;
use crate::sales_fixtures::create;

/// The one record of `path` named `name`, as the API shows it.
async fn named(t: &TestApp, admin: &str, path: &str, name: &str) -> Value {
    let found = t
        .get(
            &format!("/api/v1/{path}?view=all&q={}", urlencode(name)),
            admin,
        )
        .await;
    let id = found.body["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{name} in {}", found.text));
    let record = t.get(&format!("/api/v1/{path}/{id}"), admin).await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.text);
    record.body
}

#[tokio::test]
async fn a_postcode_leading_an_imported_address_goes_to_its_own_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "公司名稱,住址\n\
        郵遞甲,100台北市中正區重慶南路一段122號\n\
        郵遞乙,(100) 臺北市中正區重慶南路一段123號\n\
        郵遞丙,臺北市信義區市府路1號\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?name=c.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["created"], 3, "{}", sent.text);
    for (name, postcode, detail) in [
        ("郵遞甲", json!("100"), "重慶南路一段122號"),
        ("郵遞乙", json!("100"), "重慶南路一段123號"),
        ("郵遞丙", Value::Null, "市府路1號"),
    ] {
        let c = named(&t, &admin, "customers", name).await;
        assert_eq!(c["postcode"], postcode, "{name}: {c}");
        assert_eq!(c["city"], "臺北市", "{name}");
        assert_eq!(c["address"], detail, "{name}");
    }

    // A column of its own keeps its leading zeros, and wins over the
    // address's.
    let file = "Name,Postcode,Address\nZero Co,01234,100台北市中正區重慶南路一段1號\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?name=c.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["created"], 1, "{}", sent.text);
    assert_eq!(
        named(&t, &admin, "customers", "Zero Co").await["postcode"],
        "01234"
    );

    let file = "Name,郵遞區號,Address\nLead Zero,,(300) 新竹市東區光復路二段101號\nLead Own,00501,新竹市東區光復路二段102號\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?name=l.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["created"], 2, "{}", sent.text);
    let lead = named(&t, &admin, "leads", "Lead Zero").await;
    assert_eq!(lead["postcode"], "300", "{lead}");
    assert_eq!(lead["address"], "新竹市東區光復路二段101號");
    let own = named(&t, &admin, "leads", "Lead Own").await;
    assert_eq!(own["postcode"], "00501", "{own}");

    let file = "Name,Customer,Address\nPat Post,郵遞甲,100台北市中正區重慶南路一段9號\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/contacts/import?name=p.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["created"], 1, "{}", sent.text);
    let contact = named(&t, &admin, "contacts", "Pat Post").await;
    assert_eq!(contact["postcode"], "100", "{contact}");
    assert_eq!(contact["address"], "台北市中正區重慶南路一段9號");
}

#[tokio::test]
async fn postcodes_are_exported_filtered_and_carried_into_a_converted_lead() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = json!({ "name": "Zip Co", "postcode": "01234" });
    create(&t, &admin, "/api/v1/customers", body).await;
    create(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Other Co" }),
    )
    .await;

    let filter =
        urlencode(&json!([{ "field": "postcode", "op": "equals", "value": "01234" }]).to_string());
    let listed = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
    assert_eq!(listed.body["items"][0]["name"], "Zip Co");

    let export = t
        .get(
            "/api/v1/customers/export?format=csv&columns=name,postcode",
            &admin,
        )
        .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    assert!(export.text.contains("Zip Co,01234"), "{}", export.text);

    // An export imported again changes nothing.
    let again = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?name=c.csv&duplicates=update",
        export.text.as_bytes(),
    )
    .await;
    assert_eq!(again.body["updated"], 0, "{}", again.text);

    let lead = create(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Zip Lead", "postcode": "04321", "address": "新竹市東區光復路二段101號" }),
    )
    .await;
    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [lead] }))
        .await;
    assert!(converted.status.is_success(), "{}", converted.text);
    let customer = named(&t, &admin, "customers", "Zip Lead").await;
    assert_eq!(customer["postcode"], "04321", "{customer}");
    assert_eq!(customer["city"], "新竹市");

    let refused = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Bad Zip", "postcode": "10０#4" }),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert!(refused.text.contains("Postcode"), "{}", refused.text);
}

#[tokio::test]
async fn the_forms_lists_and_pages_show_the_postcode() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, to) = post_form(
        &t,
        &cookie,
        "/customers",
        format!("_csrf={csrf}&name=Page+Zip&postcode=00100&owner_id="),
    )
    .await;
    assert!(status.is_redirection(), "{status}: {to}");
    let customer = named(&t, &admin, "customers", "Page Zip").await;
    assert_eq!(customer["postcode"], "00100");
    let id = customer["id"].as_i64().expect("id");
    let (_, html) = page(&t, &cookie, &format!("/customers/{id}"), "zh-Hant").await;
    assert!(html.contains("郵遞區號"), "the detail names the field");
    assert!(html.contains(">00100</dd>"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/customers/{id}/edit"), "en").await;
    assert!(html.contains("name=\"postcode\""), "{html}");
    assert!(html.contains("value=\"00100\""), "{html}");

    let (status, to) = post_form(
        &t,
        &cookie,
        "/customers",
        format!("_csrf={csrf}&name=Bad+Zip&postcode=%23%23"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
    assert!(
        to.contains("Postcode takes 3 to 6 digits, or 3 digits, a hyphen and 2 or 3 more digits"),
        "{to}"
    );

    let lead = create(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "L", "postcode": "0300" }),
    )
    .await;
    let (_, html) = page(&t, &cookie, &format!("/leads/{lead}"), "en").await;
    assert!(html.contains(">0300</dd>"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/leads/{lead}/edit"), "en").await;
    assert!(html.contains("value=\"0300\""), "{html}");
    let customer_id = customer["id"].as_i64().expect("id");
    let contact = create(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "name": "P", "customer_id": customer_id, "postcode": "0400" }),
    )
    .await;
    let (_, html) = page(&t, &cookie, &format!("/contacts/{contact}"), "en").await;
    assert!(html.contains(">0400</dd>"), "{html}");
}

#[tokio::test]
async fn a_postcode_or_tax_id_filter_typed_full_width_finds_the_half_width_value() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = json!({ "name": "Wide Zip Co", "postcode": "01234", "tax_id": "12345678" });
    create(&t, &admin, "/api/v1/customers", body).await;
    create(&t, &admin, "/api/v1/customers", json!({ "name": "Other" })).await;
    let body = json!({ "name": "Wide Zip Lead", "postcode": "100" });
    create(&t, &admin, "/api/v1/leads", body).await;
    for (path, field, typed, name) in [
        ("customers", "postcode", "０１２３４", "Wide Zip Co"),
        ("customers", "tax_id", "１２３４５６７８", "Wide Zip Co"),
        ("leads", "postcode", "１００", "Wide Zip Lead"),
    ] {
        let filter =
            urlencode(&json!([{ "field": field, "op": "equals", "value": typed }]).to_string());
        let listed = t
            .get(&format!("/api/v1/{path}?view=all&filter={filter}"), &admin)
            .await;
        assert_eq!(listed.body["total"], 1, "{path} {field}: {}", listed.text);
        assert_eq!(listed.body["items"][0]["name"], name);
    }
}

#[tokio::test]
async fn the_import_preview_shows_the_postcode_taken_from_an_address() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (path, address, code, city) in [
        (
            "customers",
            "２３５新北市中和區中山路３段１號",
            "235",
            json!("新北市"),
        ),
        (
            "leads",
            "(300) 新竹市東區光復路二段101號",
            "300",
            Value::Null,
        ),
    ] {
        let file = format!("Name,Address\nPreview {path},{address}\n");
        let sent = send_bytes(
            &t,
            &admin,
            &format!("/api/v1/{path}/import?name=p.csv&dry_run=true"),
            file.as_bytes(),
        )
        .await;
        assert_eq!(sent.status, StatusCode::OK, "{path}: {}", sent.text);
        let row = &sent.body["preview"][0];
        assert_eq!(row["postcode"], code, "{path}: {}", sent.text);
        assert_eq!(row["city"], city, "{path}: {}", sent.text);
    }
}
