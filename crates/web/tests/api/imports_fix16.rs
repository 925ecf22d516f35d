//! Imports of customers, leads and contacts as a new user meets them:
//! duplicates found by either number, every mapping key that names no
//! column or no field refused by name, columns named the same way in the
//! report as in a mapping, the report as the API document describes it,
//! a re-import that writes nothing saying so, and a sales file's blank
//! column with data listed.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Map, Value, json};

use crate::helpers::{Answer, TestApp, urlencode};
use crate::record_fixtures::made;

async fn import_in(
    t: &TestApp,
    token: &str,
    (kind, lang): (&str, &str),
    query: &str,
    file: &str,
) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/{kind}/import?name=x.csv{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(file.as_bytes().to_vec()))
        .expect("request");
    t.send(request).await
}

async fn import(t: &TestApp, token: &str, kind: &str, query: &str, file: &str) -> Answer {
    import_in(t, token, (kind, "en"), query, file).await
}

fn mapped(mapping: Value) -> String {
    format!("&dry_run=true&mapping={}", urlencode(&mapping.to_string()))
}

/// The one problem of a dry run's answer, which must be a skipped duplicate.
fn skipped_as(answer: &Answer) -> (i64, String) {
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["skipped"], 1, "{}", answer.text);
    assert_eq!(answer.body["would_create"], 0, "{}", answer.text);
    let problem = &answer.body["problems"][0];
    assert_eq!(problem["code"], "duplicate_skipped", "{}", answer.text);
    (
        problem["duplicate_of"].as_i64().expect("id"),
        problem["field"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn a_mobile_or_phone_in_the_file_finds_a_record_stored_with_either() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let by_mobile = json!({ "name": "Stored Mobile Co", "mobile": "0912345673" });
    let stored = made(&t, &admin, "/api/v1/customers", by_mobile).await;
    let by_phone = json!({ "name": "Stored Phone Co", "phone": "02-2771-0099" });
    let switchboard = made(&t, &admin, "/api/v1/customers", by_phone).await;
    for (file, id, field) in [
        ("Name,Mobile\nNew Co A,0912345673\n", stored, "mobile"),
        ("Name,Phone\nNew Co B,0912345673\n", stored, "phone"),
        (
            "Name,Mobile\nNew Co C,02-2771-0099\n",
            switchboard,
            "mobile",
        ),
    ] {
        let answer = import(&t, &admin, "customers", "&dry_run=true", file).await;
        assert_eq!(skipped_as(&answer), (id, field.to_string()), "{file}");
    }

    // Contacts of one customer: the file's mobile against a stored phone,
    // and its phone against a stored mobile.
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Contact Holder" }),
    )
    .await;
    let desk = json!({ "customer_id": customer, "name": "Desk", "phone": "0922333444" });
    let desk = made(&t, &admin, "/api/v1/contacts", desk).await;
    let pocket = json!({ "customer_id": customer, "name": "Pocket", "phone": "02-2345-6789",
        "mobile": "0933444555" });
    let pocket = made(&t, &admin, "/api/v1/contacts", pocket).await;
    for (file, id, field) in [
        (
            "Name,Customer,Mobile\nSomeone,Contact Holder,0922333444\n",
            desk,
            "mobile",
        ),
        (
            "Name,Customer,Phone\nAnyone,Contact Holder,0933444555\n",
            pocket,
            "phone",
        ),
    ] {
        let answer = import(&t, &admin, "contacts", "&dry_run=true", file).await;
        assert_eq!(skipped_as(&answer), (id, field.to_string()), "{file}");
    }
    // A number nobody has is a new contact.
    let file = "Name,Customer,Mobile\nNewcomer,Contact Holder,0944555666\n";
    let answer = import(&t, &admin, "contacts", "&dry_run=true", file).await;
    assert_eq!(answer.body["would_create"], 1, "{}", answer.text);

    // A lead with both numbers in the file: its phone finds the lead
    // stored with that number as its mobile.
    let lead = json!({ "name": "Stored Lead", "mobile": "0955666777" });
    let lead = made(&t, &admin, "/api/v1/leads", lead).await;
    let file = "Name,Mobile,Phone\nOther Lead,0966777888,0955666777\n";
    let answer = import(&t, &admin, "leads", "&dry_run=true", file).await;
    assert_eq!(skipped_as(&answer), (lead, "phone".to_string()));
}

#[tokio::test]
async fn every_mapping_key_naming_no_column_or_no_field_is_refused_by_name() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Phone\nKey Co,02-2771-0001\n";
    for key in [
        "Foo",
        "#x",
        "#-1",
        "#01",
        "#0",
        "＃3",
        "#３",
        "#99999999999999999999",
    ] {
        let query = mapped(json!({ key: "mobile", "Name": "name" }));
        let refused = import(&t, &admin, "customers", &query, file).await;
        assert_eq!(refused.status, 422, "{key}: {}", refused.text);
        let error = &refused.body["errors"][0];
        assert_eq!(error["code"], "mapping_column_unknown", "{key}");
        assert_eq!(error["field"], format!("mapping.{key}"), "{key}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(key), "{key}: {message}");
        assert!(message.contains("#2"), "{key}: {message}");
    }
    // Full-width forms of a column in range read as the column.
    for key in ["＃2", "#２", " #2 "] {
        let query = mapped(json!({ key: "mobile" }));
        let read = import(&t, &admin, "customers", &query, file).await;
        assert_eq!(read.status, 200, "{key}: {}", read.text);
        assert_eq!(read.body["columns"], json!(["name", "mobile"]), "{key}");
    }
    // A value that is no field: named, with the fields to choose from.
    let query = mapped(json!({ "#2": "bogus" }));
    let refused = import(&t, &admin, "customers", &query, file).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let error = &refused.body["errors"][0];
    assert_eq!(error["code"], "mapping_field_unknown");
    assert_eq!(error["field"], "mapping.#2");
    let message = error["message"].as_str().unwrap_or_default();
    for words in ["“bogus”", "mobile", "tax_id", "template"] {
        assert!(message.contains(words), "{words}: {message}");
    }
}

#[tokio::test]
async fn two_keys_for_one_column_are_refused_naming_both() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "名稱,電話\nTwice Co,02-2771-0001\n";
    for (mapping, first, second) in [
        (json!({ "#1": "name", "名稱": "notes" }), "#1", "名稱"),
        (json!({ "#1": "name", "#1 ": "notes" }), "#1", "#1 "),
    ] {
        let refused = import(&t, &admin, "customers", &mapped(mapping), file).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        let error = &refused.body["errors"][0];
        assert_eq!(error["code"], "mapping_column_twice", "{}", refused.text);
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("as “{first}” and as “{second}”")),
            "{message}"
        );
        assert!(message.contains("column 名稱 twice"), "{message}");
    }
    let customers = t.get("/api/v1/customers", &admin).await;
    assert_eq!(customers.body["total"], 0, "{}", customers.text);
}

#[tokio::test]
async fn columns_are_named_alike_in_the_mapping_the_report_and_unmapped() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // A header that reads as a column number: `#2` is column 2.
    let file = "#2,Name\nfirst note,Hash Co\n";
    let query = mapped(json!({ "#2": "name", "#1": "notes" }));
    let read = import(&t, &admin, "customers", &query, file).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["columns"], json!(["notes", "name"]));
    assert_eq!(read.body["preview"][0]["name"], "Hash Co", "{}", read.text);
    assert_eq!(read.body["preview"][0]["notes"], "first note");
    let mapping = read.body["mapping"].clone();
    assert_eq!(mapping, json!({ "#1": "notes", "Name": "name" }));
    // The report's mapping sent back reads the same columns.
    let again = import(&t, &admin, "customers", &mapped(mapping), file).await;
    assert_eq!(
        again.body["columns"], read.body["columns"],
        "{}",
        again.text
    );
    // Left unmapped, it is named by its position too.
    let plain = import(&t, &admin, "customers", "&dry_run=true", file).await;
    assert_eq!(plain.body["unmapped"], json!(["#1"]), "{}", plain.text);
    assert_eq!(plain.body["mapping"], json!({ "Name": "name" }));

    // Repeated and blank headers are named by number in `unmapped` as in
    // `mapping`, so either may be mapped by that name.
    let file = "Name,電話,電話,\nTwin Co,02-2771-0001,02-2771-0002,x\n";
    let plain = import(&t, &admin, "customers", "&dry_run=true", file).await;
    assert_eq!(plain.status, 200, "{}", plain.text);
    assert_eq!(plain.body["mapping"]["#2"], "phone", "{}", plain.text);
    assert_eq!(plain.body["unmapped"], json!(["#3", "#4"]));
    let query = mapped(json!({ "#3": "mobile", "#4": "notes" }));
    let read = import(&t, &admin, "customers", &query, file).await;
    assert_eq!(
        read.body["columns"],
        json!(["name", "phone", "mobile", "notes"])
    );
    assert_eq!(read.body["unmapped"], json!([]));
}

/// A schema of the document, its `$ref` followed.
fn schema<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(path) => {
            let name = path.rsplit('/').next().unwrap_or_default();
            &document["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// An object answered holds every property its schema requires, and
/// nothing the schema does not describe.
fn fits(object: &Map<String, Value>, schema: &Value, what: &str) {
    let properties = schema["properties"].as_object().expect("properties");
    for key in object.keys() {
        assert!(properties.contains_key(key), "{what}: {key} undocumented");
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let key = required.as_str().unwrap_or_default();
        assert!(object.contains_key(key), "{what}: {key} required, missing");
    }
}

#[tokio::test]
async fn a_report_holds_what_the_document_describes() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let request = Request::builder()
        .uri("/api/openapi.json")
        .body(Body::empty())
        .expect("request");
    let document = t.send(request).await.body;
    let answered = |path: &str| {
        let post = &document["paths"][path]["post"];
        schema(
            &document,
            &post["responses"]["200"]["content"]["application/json"]["schema"],
        )
        .clone()
    };
    let record = answered("/api/v1/customers/import");
    assert_eq!(answered("/api/v1/leads/import"), record);
    assert_eq!(answered("/api/v1/contacts/import"), record);
    let problem = schema(&document, &record["properties"]["problems"]["items"]).clone();
    assert!(problem["properties"]["message"].is_object(), "{problem}");
    assert!(problem["properties"]["first_row"].is_object(), "{problem}");

    // A duplicate within the file and a row with an error, in Chinese.
    let file = "Name,Level\nDup Co,\nDup Co,\nBad Co,Nope\n";
    let report = import_in(&t, &admin, ("customers", "zh-Hant"), "&dry_run=true", file).await;
    assert_eq!(report.status, 200, "{}", report.text);
    fits(report.body.as_object().expect("report"), &record, "report");
    let problems = report.body["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{}", report.text);
    for p in problems {
        fits(p.as_object().expect("problem"), &problem, "problem");
        let message = p["message"].as_str().unwrap_or_default();
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "in the caller's language: {message}"
        );
    }
    assert_eq!(problems[0]["code"], "duplicate_in_file");
    assert_eq!(problems[0]["first_row"], 2);
    assert_eq!(problems[1]["code"], "invalid_choice");

    // The sales imports answer their own report, as documented too.
    let sales = answered("/api/v1/products/import");
    assert_ne!(sales, record);
    let file = "Name,Price,Colour\nWidget,100,red\n";
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/products/import?format=csv&dry_run=true")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(file.as_bytes().to_vec()))
        .expect("request");
    let checked = t.send(request).await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    fits(checked.body.as_object().expect("report"), &sales, "sales");
}

#[tokio::test]
async fn a_re_import_that_skips_every_row_says_nothing_was_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Phone\nAgain Co,02-2771-0001\n";
    let first = import(&t, &admin, "customers", "", file).await;
    assert_eq!(first.body["created"], 1, "{}", first.text);
    assert_eq!(first.body["written"], true, "{}", first.text);
    for duplicates in ["skip", "update"] {
        let query = format!("&duplicates={duplicates}");
        let again = import(&t, &admin, "customers", &query, file).await;
        assert_eq!(again.status, 200, "{}", again.text);
        assert_eq!(again.body["skipped"], 1, "{duplicates}: {}", again.text);
        assert_eq!(again.body["created"], 0, "{}", again.text);
        assert_eq!(again.body["updated"], 0, "{}", again.text);
        assert_eq!(again.body["written"], false, "{duplicates}: {}", again.text);
    }
}

#[tokio::test]
async fn a_sales_file_lists_a_blank_headed_column_with_data_by_its_number() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (file, ignored) in [
        (
            "Name,Price,,Colour\nWidget,100,x,red\n",
            json!(["#3", "Colour"]),
        ),
        ("Name,Price,\nWidget,100,\n", json!([])),
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/products/import?format=csv&dry_run=true")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(file.as_bytes().to_vec()))
            .expect("request");
        let checked = t.send(request).await;
        assert_eq!(checked.status, 200, "{}", checked.text);
        assert_eq!(checked.body["ignored_columns"], ignored, "{}", checked.text);
    }
}
