//! Import and export of customers: the TWSE and TPEx registry files as they
//! are, one small file per import case, and a round trip.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};

const LISTED: &[u8] = include_bytes!("../data/t187ap03_L.csv");
const OTC: &[u8] = include_bytes!("../data/t187ap03_O.csv");

async fn import(t: &TestApp, token: &str, query: &str, bytes: Vec<u8>) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/customers/import?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .expect("request");
    t.send(request).await
}

async fn export(t: &TestApp, token: &str, query: &str) -> Answer {
    t.call(
        Method::GET,
        &format!("/api/v1/customers/export?{query}"),
        Some(token),
        None,
    )
    .await
}

fn count_rows(bytes: &[u8]) -> usize {
    csv::ReaderBuilder::new()
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .records()
        .count()
}

#[tokio::test]
async fn every_listed_company_of_the_registry_imports_as_a_customer() {
    let t = TestApp::new().await;
    let admin = t.admin().await;

    let dry = import(&t, &admin, "dry_run=true", LISTED.to_vec()).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["total"], 1036);
    assert_eq!(
        dry.body["failed"],
        0,
        "{}",
        serde_json::to_string_pretty(&dry.body["problems"]).unwrap_or_default()
    );
    assert_eq!(dry.body["written"], false);
    assert_eq!(dry.body["mapping"]["公司名稱"], "name");
    assert_eq!(dry.body["mapping"]["營利事業統一編號"], "tax_id");
    assert!(
        dry.body["preview"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    assert_eq!(
        t.get("/api/v1/customers", &admin).await.body["total"],
        0,
        "a dry run writes nothing"
    );

    for file in [LISTED, OTC] {
        let real = import(&t, &admin, "", file.to_vec()).await;
        assert_eq!(real.status, 200, "{}", real.text);
        let failures: Vec<&Value> = real.body["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .filter(|p| p["warning"] == false)
            .collect();
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!(real.body["written"], true);
        // Odd e-mails are cleaned and said so, never dropped.
        let cleaned = real.body["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .filter(|p| p["code"] == "email_cleaned")
            .count();
        assert!(cleaned > 10, "cleaned {cleaned}");
        let skipped: Vec<&Value> = real.body["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .filter(|p| {
                p["code"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("duplicate"))
            })
            .collect();
        assert!(skipped.is_empty(), "{skipped:?}");
    }
    let all = t.get("/api/v1/customers?limit=1", &admin).await;
    assert_eq!(all.body["total"], 1036 + 831);

    let cement = t
        .get(
            "/api/v1/customers?q=%E8%87%BA%E7%81%A3%E6%B0%B4%E6%B3%A5",
            &admin,
        )
        .await;
    let first = &cement.body["items"][0];
    assert_eq!(first["name"], "臺灣水泥股份有限公司");
    assert_eq!(first["phone"], "(02)2531-7099");
    assert_eq!(first["tax_id"], "11913502");
    // The city is read out of the one-line address, which keeps the rest.
    assert_eq!(first["city"], "臺北市");
    assert_eq!(first["address"], "中山北路2段113號");
    assert_eq!(first["website"], "https://www.tccgroupholdings.com/tw/");
    // Leading zeros of tax IDs survive.
    let asia = t.get("/api/v1/customers?q=03244509", &admin).await;
    assert_eq!(asia.body["items"][0]["tax_id"], "03244509");
    // A full-width ＠ is read as @.
    let full_width = t
        .get("/api/v1/customers?q=service%40blgroup.com.tw", &admin)
        .await;
    assert_eq!(
        full_width.body["items"][0]["email"],
        "service@blgroup.com.tw"
    );
    // Of several addresses the first is kept, the cell itself goes to the notes.
    let several = t
        .get("/api/v1/customers?q=ir71e761%40maywufa.com.tw", &admin)
        .await;
    assert_eq!(several.body["total"], 1, "{}", several.text);
    let notes = several.body["items"][0]["notes"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(notes.contains("irf4185a@maywufa.com.tw"), "{notes}");
    // HTML entities in names are decoded.
    assert_eq!(
        t.get(
            "/api/v1/customers?q=%E5%86%86%E6%98%9F%E7%A7%91%E6%8A%80",
            &admin
        )
        .await
        .body["total"],
        1
    );

    // The same files again: every row is a duplicate and is skipped.
    let again = import(&t, &admin, "duplicates=skip", LISTED.to_vec()).await;
    assert_eq!(again.body["skipped"], 1036);
    assert_eq!(again.body["created"], 0);
}

#[tokio::test]
async fn import_cases_each_behave_as_chosen() {
    let t = TestApp::new().await;
    let admin = t.admin().await;

    // GB18030, with phones, tax IDs and postcodes kept as text.
    let (gb, _, _) = encoding_rs::GB18030
        .encode("客户名称,电话,税号\n华为技术有限公司,0755-28780808,0914403001\n");
    let answer = import(&t, &admin, "", gb.to_vec()).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let huawei = t
        .get("/api/v1/customers?q=%E5%8D%8E%E4%B8%BA", &admin)
        .await;
    assert_eq!(huawei.body["items"][0]["tax_id"], "0914403001");

    // A bad row: nothing is written unless partial was chosen.
    let file = "公司名稱,電子郵件信箱,客戶級別\n好公司,ok@example.com,A (key account)\n,x@example.com,\n壞級別,,Z\n".as_bytes().to_vec();
    let strict = import(&t, &admin, "", file.clone()).await;
    assert_eq!(strict.body["failed"], 2);
    assert_eq!(strict.body["written"], false);
    assert_eq!(strict.body["created"], 0);
    let rows: Vec<i64> = strict.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["warning"] == false)
        .filter_map(|p| p["row"].as_i64())
        .collect();
    assert_eq!(rows, vec![3, 4]);
    assert_eq!(
        t.get("/api/v1/customers?q=%E5%A5%BD%E5%85%AC%E5%8F%B8", &admin)
            .await
            .body["total"],
        0
    );
    let partial = import(&t, &admin, "partial=true", file.clone()).await;
    assert_eq!(partial.body["created"], 1);
    assert_eq!(partial.body["written"], true);
    let good = t
        .get("/api/v1/customers?q=%E5%A5%BD%E5%85%AC%E5%8F%B8", &admin)
        .await;
    assert_eq!(good.body["items"][0]["level"], "A (key account)");

    // The per-row error report, as a file.
    let report = import(&t, &admin, "report=csv", file).await;
    assert_eq!(report.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        report.text.contains("Row") && report.text.contains("Name is required."),
        "{}",
        report.text
    );

    // Duplicates by a differently written name: update fills, create adds.
    let update = import(
        &t,
        &admin,
        "duplicates=update",
        "公司名稱,地址\n好公司 股份有限公司,台中市\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(update.body["updated"], 1, "{}", update.text);
    let updated = t
        .get("/api/v1/customers?q=%E5%A5%BD%E5%85%AC%E5%8F%B8", &admin)
        .await;
    assert_eq!(updated.body["items"][0]["city"], "臺中市");
    // The same row again changes nothing: no new version, no log entry.
    let version = updated.body["items"][0]["version"].clone();
    let again = import(
        &t,
        &admin,
        "duplicates=update",
        "公司名稱,地址\n好公司 股份有限公司,台中市\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(again.body["updated"], 0, "{}", again.text);
    assert_eq!(again.body["skipped"], 1, "{}", again.text);
    assert_eq!(again.body["problems"][0]["code"], "duplicate_unchanged");
    let same = t
        .get("/api/v1/customers?q=%E5%A5%BD%E5%85%AC%E5%8F%B8", &admin)
        .await;
    assert_eq!(same.body["items"][0]["version"], version);
    let create = import(
        &t,
        &admin,
        "duplicates=create",
        "公司名稱\n好公司\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(create.body["created"], 1);

    // A mapping chosen by the user; an unknown target field is refused.
    let mapped = import(
        &t,
        &admin,
        &format!(
            "mapping={}",
            enc(&json!({ "Firma": "name", "Tel": "phone" }))
        ),
        "Firma,Tel\nMapped GmbH,+49 30 1234\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(mapped.body["created"], 1, "{}", mapped.text);
    let bad_map = import(
        &t,
        &admin,
        &format!("mapping={}", enc(&json!({ "Firma": "shoe" }))),
        "Firma\nX\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(bad_map.status, 422);
    let no_name = import(&t, &admin, "", "Foo,Bar\n1,2\n".as_bytes().to_vec()).await;
    assert_eq!(no_name.body["errors"][0]["field"], "mapping");
}

fn enc(value: &Value) -> String {
    value
        .to_string()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn an_export_imported_again_gives_the_same_values() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for body in [
        json!({ "name": "=HYPERLINK(\"http://evil\")", "phone": "+886 2 2531 7099", "tax_id": "03244509", "email": "a@b.tw" }),
        json!({ "name": "-5 Corp", "address": "@home", "notes": "line one\nline two" }),
    ] {
        let answer = t.post("/api/v1/customers", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    let csv_file = export(&t, &admin, "format=csv").await;
    assert_eq!(csv_file.status, 200, "{}", csv_file.text);
    assert!(
        csv_file.headers["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("customers.csv")
    );
    assert!(
        csv_file.text.contains("'=HYPERLINK"),
        "formulas are neutralised"
    );
    assert!(csv_file.text.contains("'+886"));
    let xlsx = export(&t, &admin, "format=xlsx").await;
    assert_eq!(xlsx.status, 200);

    let before = t.get("/api/v1/customers?sort=name", &admin).await.body["items"].clone();
    let delete_all: Vec<i64> = before
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    for id in delete_all {
        t.call(
            Method::DELETE,
            &format!("/api/v1/customers/{id}"),
            Some(&admin),
            None,
        )
        .await;
    }
    let bytes = csv_file.text.into_bytes();
    assert_eq!(count_rows(&bytes), 2);
    let back = import(&t, &admin, "", bytes).await;
    assert_eq!(back.body["created"], 2, "{}", back.text);
    let after = t.get("/api/v1/customers?sort=name", &admin).await.body["items"].clone();
    for field in ["name", "phone", "tax_id", "email", "address", "notes"] {
        let values = |list: &Value| {
            list.as_array()
                .expect("items")
                .iter()
                .map(|c| c[field].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&after), values(&before), "{field}");
    }
}

#[tokio::test]
async fn an_export_holds_only_the_rows_the_user_may_see() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    t.post("/api/v1/customers", &admin, json!({ "name": "Admin's" }))
        .await;
    let role = t
        .role(
            &admin,
            "exporter",
            &["customer.view", "customer.create", "customer.export"],
            json!({ "customer": { "scope": "own" } }),
        )
        .await;
    t.user(&admin, "0971000001", json!({ "role_ids": [role] }))
        .await;
    let rep = t.login("0971000001", crate::helpers::PASSWORD).await;
    t.post("/api/v1/customers", &rep, json!({ "name": "Rep's" }))
        .await;
    let file = export(&t, &rep, "format=csv").await;
    assert_eq!(count_rows(file.text.as_bytes()), 1);
    assert!(file.text.contains("Rep's") && !file.text.contains("Admin's"));
    let no_right = t
        .role(&admin, "viewer", &["customer.view"], json!({}))
        .await;
    t.user(&admin, "0971000002", json!({ "role_ids": [no_right] }))
        .await;
    let viewer = t.login("0971000002", crate::helpers::PASSWORD).await;
    assert_eq!(export(&t, &viewer, "format=csv").await.status, 403);
}

#[tokio::test]
async fn custom_fields_import_by_their_label_and_come_back_from_an_export() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = t
        .post("/api/v1/fields", &admin, json!({ "kind": "customer", "key": "employees", "label": "員工數", "field_type": "number" }))
        .await;
    assert_eq!(field.status, 201);
    let file = "公司名稱,員工數\n有員工公司,\"1,250\"\n壞數字公司,很多\n"
        .as_bytes()
        .to_vec();
    let answer = import(&t, &admin, "partial=true", file).await;
    assert_eq!(
        answer.body["mapping"]["員工數"], "custom.employees",
        "{}",
        answer.text
    );
    assert_eq!(answer.body["created"], 1);
    assert_eq!(answer.body["problems"][0]["field"], "custom.employees");
    let found = t
        .get("/api/v1/customers?q=%E6%9C%89%E5%93%A1%E5%B7%A5", &admin)
        .await;
    assert_eq!(found.body["items"][0]["custom"]["employees"], "1250");

    let file = export(&t, &admin, "format=csv").await;
    assert!(file.text.contains("員工數"));
    let id = found.body["items"][0]["id"].as_i64().expect("id");
    t.call(
        Method::DELETE,
        &format!("/api/v1/customers/{id}"),
        Some(&admin),
        None,
    )
    .await;
    let back = import(&t, &admin, "", file.text.into_bytes()).await;
    assert_eq!(back.body["created"], 1, "{}", back.text);
    let again = t
        .get("/api/v1/customers?q=%E6%9C%89%E5%93%A1%E5%B7%A5", &admin)
        .await;
    assert_eq!(again.body["items"][0]["custom"]["employees"], "1250");
}

#[tokio::test]
async fn an_export_imported_again_as_updates_changes_no_customer_even_with_shared_phones() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (name, notes) in [("Alpha Trading", "first"), ("Beta Works", "second")] {
        let made = t
            .post(
                "/api/v1/customers",
                &admin,
                json!({ "name": name, "phone": "02-2345-6789", "notes": notes }),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let file = export(&t, &admin, "format=csv").await;
    assert_eq!(file.status, 200);
    let again = import(
        &t,
        &admin,
        "duplicates=update",
        file.text.clone().into_bytes(),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["updated"], 0, "{}", again.text);
    assert_eq!(again.body["skipped"], 2, "{}", again.text);
    for problem in again.body["problems"].as_array().expect("problems") {
        assert_eq!(problem["code"], "duplicate_unchanged", "{problem}");
    }
    let after = export(&t, &admin, "format=csv").await;
    assert_eq!(after.text, file.text, "every customer as it was");
}

#[tokio::test]
async fn industry_source_and_level_columns_are_read_by_their_everyday_names() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "名稱,行業,來源,等級\n甲公司,,,\n".as_bytes().to_vec();
    let dry = import(&t, &admin, "dry_run=true", file).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["mapping"]["行業"], "industry_id", "{}", dry.text);
    assert_eq!(dry.body["mapping"]["來源"], "source_id", "{}", dry.text);
    assert_eq!(dry.body["mapping"]["等級"], "level_id", "{}", dry.text);
    let file = "name,industry,source,level\nAcme,,,\n".as_bytes().to_vec();
    let dry = import(&t, &admin, "dry_run=true", file).await;
    assert_eq!(
        dry.body["mapping"]["industry"], "industry_id",
        "{}",
        dry.text
    );
    assert_eq!(dry.body["mapping"]["level"], "level_id", "{}", dry.text);
}
