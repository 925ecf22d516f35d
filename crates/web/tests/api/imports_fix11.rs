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
    assert!(keep.iter().any(|k| !k), "{:?} has none of {headers:?}", rows[0]);
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let kept: Vec<&String> = row.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect();
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
        ("grade", "text", json!({ "required": true, "default_value": "N" })),
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
            "source_id": source,
            "custom": { "grade": "S", "tier": "Gold", "staff": "1250", "since": "2020-01-05" } });
        ids.push(made(&t, &admin, "/api/v1/customers", body).await);
    }
    let file = export(&t, &admin, "customers").await;
    let file = without(&file, &["GRADE", "TIER"]);

    // Checked first: nothing would change.
    let check = import(&t, &admin, "customers", "duplicates=update&dry_run=true", &file).await;
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
    let answer = import(&t, &admin, "customers", "duplicates=update&partial=true", changed).await;
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
    assert_eq!(found.body["items"][0]["custom"]["grade"], "N", "{}", found.text);
    assert_eq!(found.body["items"][0]["custom"]["tier"], "Silver", "{}", found.text);
}
