//! Imports of customers, leads and contacts as the product is used: an
//! export imported again as updates, the change log of imported records,
//! one-line addresses beside empty region columns, the preview, the pages a
//! user without the import right opens, and notes in the user's language.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};
use crate::record_fixtures::made;

async fn import(t: &TestApp, token: &str, kind: &str, query: &str, file: &str) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/{kind}/import?name=x.csv&{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(file.as_bytes().to_vec()))
        .expect("request");
    t.send(request).await
}

/// A file checked on an import page (a dry run): the page shown.
async fn check_on_page(t: &TestApp, cookie: &str, csrf: &str, path: &str, file: &str) -> Answer {
    let boundary = "IMPORTSELEVENBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duplicates\"\r\n\r\nskip\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let upload = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(upload).await
}

async fn export(t: &TestApp, token: &str, kind: &str) -> String {
    let answer = t
        .call(
            Method::GET,
            &format!("/api/v1/{kind}/export?format=csv"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.text
}

/// A CSV file without the columns whose header is one of `headers`.
fn without(csv_text: &str, headers: &[&str]) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let keep: Vec<bool> = rows[0]
        .iter()
        .map(|h| !headers.contains(&h.as_str()))
        .collect();
    assert!(
        keep.iter().any(|k| !k),
        "{:?} has none of {headers:?}",
        rows[0]
    );
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let kept: Vec<&String> = row
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c)
            .collect();
        writer.write_record(kept).expect("write");
    }
    String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8")
}

async fn option(t: &TestApp, admin: &str, field: &str, label: &str) -> i64 {
    made(
        t,
        admin,
        "/api/v1/options",
        json!({ "kind": "customer", "field": field, "label": label }),
    )
    .await
}

async fn customer(t: &TestApp, admin: &str, id: i64) -> Value {
    let answer = t.get(&format!("/api/v1/customers/{id}"), admin).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body
}

#[tokio::test]
async fn an_update_from_a_file_leaves_alone_what_the_file_has_no_column_for() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (key, field_type, extra) in [
        (
            "grade",
            "text",
            json!({ "required": true, "default_value": "N" }),
        ),
        ("tier", "text", json!({ "required": true })),
        ("staff", "number", json!({})),
        ("since", "date", json!({})),
    ] {
        let mut body = json!({ "kind": "customer", "key": key, "label": key.to_uppercase(),
            "field_type": field_type });
        for (name, value) in extra.as_object().expect("object") {
            body[name] = value.clone();
        }
        let answer = t.post("/api/v1/fields", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    let level = option(&t, &admin, "level_id", "Key account").await;
    let industry = option(&t, &admin, "industry_id", "Machinery").await;
    let source = option(&t, &admin, "source_id", "Trade fair").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let body = json!({ "name": format!("Keeper {n} Ltd"), "phone": format!("02-2345-67{n}0"),
            "mobile": "0912345678", "email": format!("k{n}@keeper.tw"), "website": "https://keeper.tw",
            "address": "臺北市中正區重慶南路一段122號", "tax_id": format!("1234567{n}"),
            "notes": "line one\nline two", "level_id": level, "industry_id": industry,
            "source_id": source, "next_contact_at": "2030-05-06T07:08:09Z",
            "custom": { "grade": "S", "tier": "Gold", "staff": "1250", "since": "2020-01-05" } });
        ids.push(made(&t, &admin, "/api/v1/customers", body).await);
    }
    let file = export(&t, &admin, "customers").await;
    let file = without(&file, &["GRADE", "TIER"]);

    // Checked first: nothing would change.
    let check = import(
        &t,
        &admin,
        "customers",
        "duplicates=update&dry_run=true",
        &file,
    )
    .await;
    assert_eq!(check.status, 200, "{}", check.text);
    assert_eq!(check.body["would_update"], 0, "{}", check.text);
    assert_eq!(check.body["failed"], 0, "{}", check.text);
    assert_eq!(check.body["skipped"], 4, "{}", check.text);

    let done = import(&t, &admin, "customers", "duplicates=update", &file).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["updated"], 0, "{}", done.text);
    for problem in done.body["problems"].as_array().expect("problems") {
        assert_eq!(problem["code"], "duplicate_unchanged", "{problem}");
    }
    for id in &ids {
        let c = customer(&t, &admin, *id).await;
        assert_eq!(c["custom"]["grade"], "S", "{c}");
        assert_eq!(c["custom"]["tier"], "Gold", "{c}");
        assert_eq!(c["version"], 1, "{c}");
    }

    // A row that changes something changes that alone; a new row gets the
    // default, and without a value for a required field with none it fails.
    let changed = "Name,Phone\nKeeper 0 Ltd,02-9999-0000\nNew Comer Ltd,02-8888-0000\n";
    let answer = import(
        &t,
        &admin,
        "customers",
        "duplicates=update&partial=true",
        changed,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["updated"], 1, "{}", answer.text);
    assert_eq!(answer.body["failed"], 1, "{}", answer.text);
    let problems = answer.body["problems"].as_array().expect("problems");
    assert!(
        problems
            .iter()
            .any(|p| p["row"] == 3 && p["field"] == "custom.tier" && p["code"] == "required"),
        "{}",
        answer.text
    );
    let c = customer(&t, &admin, ids[0]).await;
    assert_eq!(c["phone"], "02-9999-0000", "{c}");
    assert_eq!(c["custom"]["grade"], "S", "{c}");
    assert_eq!(c["custom"]["tier"], "Gold", "{c}");
    assert_eq!(c["custom"]["staff"], "1250", "{c}");
    assert_eq!(c["level_id"], level, "{c}");
    assert_eq!(c["version"], 2, "{c}");

    let with_tier = "Name,TIER\nNew Comer Ltd,Silver\n";
    let answer = import(&t, &admin, "customers", "duplicates=update", with_tier).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let found = t.get("/api/v1/customers?q=New%20Comer", &admin).await;
    assert_eq!(
        found.body["items"][0]["custom"]["grade"], "N",
        "{}",
        found.text
    );
    assert_eq!(
        found.body["items"][0]["custom"]["tier"], "Silver",
        "{}",
        found.text
    );
}

/// The entry of a record's change log with the given action, newest first.
fn entry<'a>(log: &'a Value, action: &str) -> &'a Value {
    log.as_array()
        .expect("log")
        .iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {log}"))
}

/// A field of a log entry: its old and new value.
fn logged(entry: &Value, field: &str) -> (Value, Value) {
    let found = entry["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["field"] == field)
        .unwrap_or_else(|| panic!("no {field} in {entry}"));
    (found["old"].clone(), found["new"].clone())
}

#[tokio::test]
async fn records_created_or_changed_by_an_import_log_each_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Phone,Email\nLogged Trading,02-2345-6789,info@logged.tw\n";
    let answer = import(&t, &admin, "customers", "", file).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let found = t.get("/api/v1/customers?q=Logged", &admin).await;
    let id = found.body["items"][0]["id"].as_i64().expect("id");
    let log = customer(&t, &admin, id).await["change_log"].clone();
    let created = entry(&log, "create");
    assert_eq!(logged(created, "via"), (Value::Null, json!("import")));
    assert_eq!(
        logged(created, "name"),
        (Value::Null, json!("Logged Trading"))
    );
    assert_eq!(
        logged(created, "phone"),
        (Value::Null, json!("02-2345-6789"))
    );
    assert_eq!(
        logged(created, "email"),
        (Value::Null, json!("info@logged.tw"))
    );
    assert!(logged(created, "owner_id").1.is_string(), "{created}");
    assert!(
        !created.to_string().contains("\"field\":\"import\""),
        "{created}"
    );

    let file = "Name,Phone\nLogged Trading,02-8765-4321\n";
    let answer = import(&t, &admin, "customers", "duplicates=update", file).await;
    assert_eq!(answer.body["updated"], 1, "{}", answer.text);
    let log = customer(&t, &admin, id).await["change_log"].clone();
    let changed = entry(&log, "update");
    assert_eq!(
        logged(changed, "phone"),
        (json!("02-2345-6789"), json!("02-8765-4321"))
    );
    // Only what changed: the e-mail the file left out is not named.
    let named: Vec<&Value> = changed["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| &f["field"])
        .collect();
    assert_eq!(named, [&json!("via"), &json!("phone")], "{changed}");

    // The page says how the record was made and changed.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (_, html) = crate::helpers::page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert!(html.contains("created by import"), "{html}");
    assert!(html.contains("changed by import"), "{html}");
    assert!(html.contains("02-8765-4321"));

    // Leads and contacts import through the same code and log the same way.
    let file = "Name,Mobile\nLead Logged,0912000111\n";
    let answer = import(&t, &admin, "leads", "", file).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let leads = t.get("/api/v1/leads?q=Lead%20Logged", &admin).await;
    let lead = leads.body["items"][0]["id"].as_i64().expect("lead");
    let log = t.get(&format!("/api/v1/leads/{lead}"), &admin).await.body["change_log"].clone();
    let created = entry(&log, "create");
    assert_eq!(
        logged(created, "mobile"),
        (Value::Null, json!("0912000111"))
    );
    assert_eq!(logged(created, "via"), (Value::Null, json!("import")));

    let file = "Name,Customer,Mobile\nConnie Chen,Logged Trading,0922000333\n";
    let answer = import(&t, &admin, "contacts", "", file).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let file = "Name,Customer,Mobile\nConnie Chen,Logged Trading,0922000444\n";
    let answer = import(&t, &admin, "contacts", "duplicates=update", file).await;
    assert_eq!(answer.body["updated"], 1, "{}", answer.text);
    let contacts = t.get("/api/v1/contacts?q=Connie", &admin).await;
    let contact = contacts.body["items"][0]["id"].as_i64().expect("contact");
    let log = t
        .get(&format!("/api/v1/contacts/{contact}"), &admin)
        .await
        .body["change_log"]
        .clone();
    assert_eq!(
        logged(entry(&log, "update"), "mobile"),
        (json!("0922000333"), json!("0922000444"))
    );
    assert_eq!(
        logged(entry(&log, "create"), "name"),
        (Value::Null, json!("Connie Chen"))
    );
}

/// The customers' import template in English, as a list of headers.
async fn template_headers(t: &TestApp, token: &str) -> Vec<String> {
    let request = Request::builder()
        .uri("/api/v1/customers/import/template?format=csv")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::empty())
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(answer.text.trim_start_matches('\u{feff}').as_bytes());
    let first = reader.records().next().expect("header").expect("row");
    first.iter().map(str::to_string).collect()
}

#[tokio::test]
async fn a_one_line_address_is_split_when_the_region_columns_of_its_row_are_empty() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let headers = template_headers(&t, &admin).await;
    for wanted in ["Province", "City", "District", "Address"] {
        assert!(headers.iter().any(|h| h == wanted), "{headers:?}");
    }
    let row = |cells: &[(&str, &str)]| -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let line: Vec<&str> = headers
            .iter()
            .map(|h| {
                cells
                    .iter()
                    .find(|(name, _)| name == h)
                    .map_or("", |(_, v)| *v)
            })
            .collect();
        writer.write_record(line).expect("row");
        String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8")
    };
    let mut file = row(&headers
        .iter()
        .map(|h| (h.as_str(), h.as_str()))
        .collect::<Vec<_>>());
    file.push_str(&row(&[
        ("Name", "Split Ltd"),
        ("Address", "臺北市中正區重慶南路一段122號"),
    ]));
    file.push_str(&row(&[
        ("Name", "Own Region Ltd"),
        ("City", "新北市"),
        ("District", "板橋區"),
        ("Address", "臺北市中正區重慶南路一段122號"),
    ]));
    file.push_str(&row(&[("Name", "Plain Ltd"), ("Address", "Somewhere 5")]));
    let answer = import(&t, &admin, "customers", "", &file).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["created"], 3, "{}", answer.text);
    let list = t.get("/api/v1/customers?sort=name", &admin).await;
    let by_name = |name: &str| -> Value {
        list.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {}", list.text))
    };
    let split = by_name("Split Ltd");
    assert_eq!(split["city"], "臺北市", "{split}");
    assert_eq!(split["district"], "中正區", "{split}");
    assert_eq!(split["address"], "重慶南路一段122號", "{split}");
    let own = by_name("Own Region Ltd");
    assert_eq!(own["city"], "新北市", "{own}");
    assert_eq!(own["district"], "板橋區", "{own}");
    assert_eq!(own["address"], "臺北市中正區重慶南路一段122號", "{own}");
    let plain = by_name("Plain Ltd");
    assert_eq!(plain["city"], Value::Null, "{plain}");
    assert_eq!(plain["address"], "Somewhere 5", "{plain}");
}

#[tokio::test]
async fn the_preview_shows_every_mapped_column_as_it_will_be_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    option(&t, &admin, "level_id", "Key account").await;
    option(&t, &admin, "industry_id", "Machinery").await;
    option(&t, &admin, "source_id", "Trade fair").await;
    let field = json!({ "kind": "customer", "key": "since", "label": "Customer since",
        "field_type": "date" });
    assert_eq!(t.post("/api/v1/fields", &admin, field).await.status, 201);
    let file = "Name,Level,Industry,Source,Mobile,Notes,Owner,Next contact,Customer since,Address\n\
        Preview Ltd,key account,Machinery,Trade fair,0912 345 678,Met at the fair,Admin,2030-03-04 09:30,2024/1/5,臺北市中正區重慶南路一段122號\n";
    let answer = import(&t, &admin, "customers", "dry_run=true", file).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["would_create"], 1, "{}", answer.text);
    let row = &answer.body["preview"][0];
    for (key, value) in [
        ("name", "Preview Ltd"),
        ("level_id", "Key account"),
        ("industry_id", "Machinery"),
        ("source_id", "Trade fair"),
        ("notes", "Met at the fair"),
        ("owner_id", "Admin"),
        ("next_contact_at", "2030-03-04 09:30"),
        ("custom.since", "2024-01-05"),
        ("city", "臺北市"),
        ("address", "重慶南路一段122號"),
    ] {
        assert_eq!(row[key], value, "{key} in {row}");
    }
    assert!(
        row["mobile"].as_str().is_some_and(|m| m.contains("0912")),
        "{row}"
    );
    assert!(row.get("phone").is_none(), "a column the file lacks: {row}");

    // The check page shows them too.
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let page = check_on_page(&t, &cookie, &csrf, "/customers/import", file).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let html = page.text;
    let preview = html
        .split("import-preview")
        .nth(1)
        .expect("a preview table");
    for text in [
        ">Level<",
        ">Industry<",
        ">Source<",
        ">Mobile<",
        ">Notes<",
        ">Owner<",
        ">Next contact<",
        ">Customer since<",
        ">Key account<",
        ">Admin<",
        ">2030-03-04 09:30<",
        ">Met at the fair<",
    ] {
        assert!(preview.contains(text), "{text} in {preview}");
    }
}

#[tokio::test]
async fn an_email_moved_into_the_notes_is_labelled_in_the_importing_users_language() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Email\nMail One Ltd,a@one.tw;b@one.tw\n";
    let answer = import(&t, &admin, "customers", "", file).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let found = t.get("/api/v1/customers?q=Mail%20One", &admin).await;
    let notes = found.body["items"][0]["notes"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        notes.starts_with("E-mail as imported: a@one.tw;b@one.tw"),
        "{notes}"
    );
    assert!(!notes.contains("匯入"), "{notes}");

    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/customers/import?name=x.csv")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from("Name,Email\nMail Two Ltd,c@two.tw c@two.tw\n"))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let found = t.get("/api/v1/customers?q=Mail%20Two", &admin).await;
    let notes = found.body["items"][0]["notes"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(notes.starts_with("导入的原始电子邮箱: "), "{notes}");
}

/// A page opened by a browser: the status, the content type and the text.
async fn browse(t: &TestApp, cookie: &str, path: &str) -> (u16, String, String) {
    let request = Request::builder()
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .body(Body::empty())
        .expect("request");
    let answer = t.send(request).await;
    let kind = answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (answer.status.as_u16(), kind, answer.text)
}

#[tokio::test]
async fn a_user_without_the_import_right_is_refused_the_import_pages_on_a_page() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "no imports",
            &[
                "customer.view",
                "customer.create",
                "lead.view",
                "lead.create",
                "contact.view",
                "contact.create",
            ],
            json!({}),
        )
        .await;
    t.user(&admin, "0975000001", json!({ "role_ids": [role] }))
        .await;
    let cookie = crate::auth::page_session(&t, "0975000001").await;
    for path in ["/customers/import", "/leads/import", "/contacts/import"] {
        let (status, kind, html) = browse(&t, &cookie, path).await;
        assert_eq!(status, 403, "{path}: {html}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(!html.contains("type=\"file\""), "{path}: no upload form");
    }
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let refused = check_on_page(&t, &cookie, &csrf, "/customers/import", "Name\nX\n").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(
        t.get("/api/v1/customers?q=X", &admin).await.body["total"],
        0
    );

    // The template and export links answer a browser with a page.
    for (path, status) in [
        ("/api/v1/imports/customers/template?format=xlsx", 403),
        ("/api/v1/imports/leads/template?format=csv", 403),
        ("/exports/customers?ids=1,2", 404),
    ] {
        let (got, kind, text) = browse(&t, &cookie, path).await;
        assert_eq!(got, status, "{path}: {text}");
        assert!(kind.starts_with("text/html"), "{path}: {kind} {text}");
        assert!(text.contains("<html"), "{path}: {text}");
    }
    // An API client still gets JSON.
    let rep = t.login("0975000001", crate::helpers::PASSWORD).await;
    let answer = t
        .get("/api/v1/imports/customers/template?format=csv", &rep)
        .await;
    assert_eq!(answer.status, 403);
    assert!(answer.body["code"].is_string(), "{}", answer.text);

    // Someone with the right still opens the page and its template.
    let admin_cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, _, html) = browse(&t, &admin_cookie, "/customers/import").await;
    assert_eq!(status, 200);
    assert!(html.contains("type=\"file\""));
    let (status, kind, _) = browse(
        &t,
        &admin_cookie,
        "/api/v1/imports/customers/template?format=csv",
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
}
