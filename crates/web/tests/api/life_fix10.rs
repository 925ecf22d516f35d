//! Customer lifecycle fixes: what a stale API save names, repeated choice
//! options, pool limits and partial rules, saved view names, attachment
//! names on download, and the column an import duplicate matched on.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, import_csv, post_form};
use crate::pool_fixtures::{first_pool, top_department};
use crate::sales_fixtures::{create, customer};

/// The entry of `changes` about `field`, if any.
fn change<'a>(body: &'a Value, field: &str) -> Option<&'a Value> {
    body["changes"]
        .as_array()?
        .iter()
        .find(|c| c["field"] == field)
}

#[tokio::test]
async fn a_stale_api_save_names_each_field_it_would_overwrite() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let body = json!({ "kind": "customer", "key": "tier", "label": "Tier", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    let records = [
        ("customers", acme),
        (
            "leads",
            create(&t, &admin, "/api/v1/leads", json!({ "name": "Lead" })).await,
        ),
        (
            "contacts",
            create(
                &t,
                &admin,
                "/api/v1/contacts",
                json!({ "customer_id": acme, "name": "Lin" }),
            )
            .await,
        ),
        (
            "opportunities",
            create(
                &t,
                &admin,
                "/api/v1/opportunities",
                json!({ "name": "Deal", "customer_id": acme }),
            )
            .await,
        ),
        (
            "contracts",
            create(
                &t,
                &admin,
                "/api/v1/contracts",
                json!({ "name": "Deal", "customer_id": acme, "amount": "100" }),
            )
            .await,
        ),
    ];
    for (kind, id) in records {
        let path = format!("/api/v1/{kind}/{id}");
        let read = t.get(&path, &admin).await.body["version"].clone();
        let save = |body: Value| async {
            if kind == "customers" {
                t.patch(&path, &admin, body).await
            } else {
                t.put(&path, &admin, body).await
            }
        };
        // Someone else renames it and writes notes.
        let theirs =
            save(json!({ "version": read, "name": "Theirs", "notes": "their note" })).await;
        assert_eq!(theirs.status, StatusCode::OK, "{kind}: {}", theirs.text);
        // The user, on the version read, renames it too and leaves the notes.
        let mut mine = json!({ "version": read, "name": "Mine" });
        if kind == "customers" {
            mine["custom"] = json!({ "tier": "Gold" });
        }
        let stale = save(mine).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{kind}: {}", stale.text);
        assert_eq!(stale.body["code"], "stale", "{kind}");
        let name = change(&stale.body, "name").unwrap_or_else(|| panic!("{kind}: {}", stale.text));
        assert_eq!(name["theirs"], "Theirs", "{kind}");
        assert_eq!(name["yours"], "Mine", "{kind}");
        let label = name["label"].as_str().unwrap_or_default();
        assert!(
            label.contains("ame") && label != "name",
            "{kind}: {}",
            stale.text
        );
        assert!(
            change(&stale.body, "notes").is_none(),
            "{kind}: notes not sent, kept on a retry: {}",
            stale.text
        );
        assert!(change(&stale.body, "version").is_none(), "{kind}");
        if kind == "customers" {
            let tier = change(&stale.body, "custom.tier").expect("custom field named");
            assert_eq!(tier["theirs"], Value::Null);
            assert_eq!(tier["yours"], "Gold");
            assert_eq!(tier["label"], "Tier");
        }
        assert_eq!(stale.body["current"]["name"], "Theirs", "{kind}");
        // Nothing of the stale save was written.
        assert_eq!(t.get(&path, &admin).await.body["name"], "Theirs", "{kind}");
    }
}

#[tokio::test]
async fn choice_options_that_read_the_same_are_refused_naming_the_field_and_the_option() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = json!({ "kind": "customer", "key": "tier", "label": "Tier",
                       "field_type": "choice", "options": ["Gold", "Silver", "ＧＯＬＤ "] });
    let refused = t.post("/api/v1/fields", &admin, body).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.body["errors"][0]["field"], "options");
    assert_eq!(refused.body["errors"][0]["code"], "option_repeated");
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("Tier") && message.contains("“ＧＯＬＤ”") && message.contains("“Gold”"),
        "{message}"
    );
    let body = json!({ "kind": "customer", "key": "tier", "label": "Tier",
                       "field_type": "choice", "options": ["Gold", "Silver"] });
    let made = t.post("/api/v1/fields", &admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    for (lang, words) in [
        ("zh-Hant", "是同一個選項"),
        ("zh-Hans", "是同一个选项"),
        ("en", "is the same option as"),
    ] {
        let request = axum::http::Request::builder()
            .method(axum::http::Method::PATCH)
            .uri(format!("/api/v1/fields/{id}"))
            .header("authorization", format!("Bearer {admin}"))
            .header("accept-language", lang)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({ "options": ["Gold", "Silver", "sil ver"] }).to_string(),
            ))
            .expect("request");
        let refused = t.send(request).await;
        assert_eq!(refused.status, 422, "{lang}: {}", refused.text);
        let message = refused.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains(words) && message.contains("sil ver"),
            "{lang}: {message}"
        );
    }
    let fields = t.get("/api/v1/fields?kind=customer", &admin).await;
    assert!(fields.text.contains("\"Silver\""), "kept: {}", fields.text);

    // The settings page says the same beside the options, as typed.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&kind=customer&label=Tier&options=Gold%2C+Silver%2C+gold&sort_order=0"
    );
    let (status, html) = post_form(&t, &cookie, &format!("/settings/fields/{id}"), form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("is the same option as"), "{html}");
    assert!(html.contains("value=\"Gold, Silver, gold\""), "{html}");

    // Renaming a level into another level's name is refused as well.
    let options = t.get("/api/v1/options", &admin).await;
    let levels: Vec<&Value> = options
        .body
        .as_array()
        .expect("options")
        .iter()
        .filter(|o| o["field"] == "level_id")
        .collect();
    assert!(levels.len() >= 2, "{}", options.text);
    let renamed = t
        .patch(
            &format!("/api/v1/options/{}", levels[1]["id"]),
            &admin,
            json!({ "label": levels[0]["label"].as_str().expect("label").to_uppercase() }),
        )
        .await;
    assert_eq!(renamed.status, 422, "{}", renamed.text);
    assert_eq!(renamed.body["errors"][0]["field"], "label");
}

#[tokio::test]
async fn pool_limits_hold_their_order_and_a_rules_patch_keeps_what_it_leaves_out() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = first_pool(&t, &admin).await;
    let path = format!("/api/v1/pools/{pool}");
    let set = t
        .patch(
            &path,
            &admin,
            json!({ "rules": { "limits": { "per_day": 2, "per_week": 10, "per_month": 30 },
                               "reclaim_wait_days": 30, "owned_cap": 50 } }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);

    // Only the daily limit: the others stay.
    let day = t
        .patch(
            &path,
            &admin,
            json!({ "rules": { "limits": { "per_day": 4 } } }),
        )
        .await;
    assert_eq!(day.status, 200, "{}", day.text);
    let rules = &day.body["rules"];
    assert_eq!(rules["limits"]["per_day"], 4, "{rules}");
    assert_eq!(rules["limits"]["per_week"], 10, "{rules}");
    assert_eq!(rules["limits"]["per_month"], 30, "{rules}");
    assert_eq!(rules["reclaim_wait_days"], 30, "{rules}");
    assert_eq!(rules["owned_cap"], 50, "{rules}");
    // `null` clears one.
    let cleared = t
        .patch(&path, &admin, json!({ "rules": { "owned_cap": null } }))
        .await;
    assert_eq!(
        cleared.body["rules"]["owned_cap"],
        Value::Null,
        "{}",
        cleared.text
    );
    assert_eq!(cleared.body["rules"]["reclaim_wait_days"], 30);

    // A day's limit above the week's is refused naming both.
    let above = t
        .patch(
            &path,
            &admin,
            json!({ "rules": { "limits": { "per_day": 11 } } }),
        )
        .await;
    assert_eq!(above.status, 422, "{}", above.text);
    assert_eq!(above.body["errors"][0]["field"], "per_day");
    assert_eq!(above.body["errors"][0]["code"], "limit_above_wider");
    let message = above.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("Claims per day") && message.contains("claims per week (10)"),
        "{message}"
    );
    let kept = t.get(&path, &admin).await;
    assert_eq!(kept.body["rules"]["limits"]["per_day"], 4, "nothing saved");

    // The settings page says the same, beside the daily limit.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let top = top_department(&t, &admin).await;
    for (lang, words) in [
        ("en", "claims per week (3)"),
        ("zh-Hant", "每週領取上限（3）"),
        ("zh-Hans", "每周领取上限（3）"),
    ] {
        let form = format!(
            "_csrf={csrf}&name=Everyone&member_department={top}&per_day=5&per_week=3&per_month="
        );
        let request = axum::http::Request::builder()
            .method(axum::http::Method::POST)
            .uri(format!("/settings/pools/{pool}"))
            .header("cookie", format!("{cookie}; kj_lang={lang}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(form))
            .expect("request");
        let answer = t.send(request).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(answer.text.contains(words), "{lang}: {}", answer.text);
    }
}

#[tokio::test]
async fn a_view_name_already_used_is_refused_unless_replacing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = json!({ "kind": "customer", "name": "Big ones", "query": "q=acme" });
    let made = t.post("/api/v1/views", &admin, first).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].clone();

    let again = json!({ "kind": "customer", "name": "big  ONES", "query": "q=beta" });
    let refused = t.post("/api/v1/views", &admin, again.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.body["code"], "view_name_taken");
    assert_eq!(refused.body["errors"][0]["field"], "name");
    assert!(refused.text.contains("Big ones"), "{}", refused.text);
    let views = t.get("/api/v1/views?kind=customer", &admin).await;
    assert_eq!(
        views.body[0]["query"], "q=acme",
        "unchanged: {}",
        views.text
    );

    let mut replace = again;
    replace["replace"] = json!(true);
    let replaced = t.post("/api/v1/views", &admin, replace).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["id"], id);
    assert_eq!(replaced.body["name"], "Big ones");
    assert_eq!(replaced.body["query"], "q=beta");
    let views = t.get("/api/v1/views?kind=customer", &admin).await;
    assert_eq!(
        views.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        views.text
    );

    // The page asks before replacing, and replaces when told to.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form =
        format!("_csrf={csrf}&kind=customer&path=%2Fcustomers&query=q%3Dgamma&name=Big+ones");
    let (status, html) = post_form(&t, &cookie, "/views", form.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(
        html.contains("You already have a view named “Big ones”"),
        "{html}"
    );
    assert!(html.contains("name=\"replace\" value=\"1\""), "{html}");
    assert!(html.contains("href=\"/customers?q=gamma\""), "{html}");
    let views = t.get("/api/v1/views?kind=customer", &admin).await;
    assert_eq!(views.body[0]["query"], "q=beta", "not yet: {}", views.text);
    let (status, _) = post_form(&t, &cookie, "/views", format!("{form}&replace=1")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let views = t.get("/api/v1/views?kind=customer", &admin).await;
    assert_eq!(views.body[0]["query"], "q=gamma", "{}", views.text);
}

#[tokio::test]
async fn attachment_names_keep_quotes_and_other_characters_on_download() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = customer(&t, &admin, "Acme").await;
    let name = r#"Quote "final" 50% #2 (v*).txt"#;
    let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    let upload = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/customers/{acme}/attachments?name={encoded}"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from("the quote".as_bytes().to_vec()))
        .expect("request");
    let stored = t.send(upload).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    assert_eq!(stored.body["file_name"], name);
    let file = t
        .get(
            &format!("/api/v1/attachments/{}", stored.body["id"]),
            &admin,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.text, "the quote");
    let disposition = file.headers["content-disposition"].to_str().expect("ascii");
    let ext = disposition
        .split("filename*=UTF-8''")
        .nth(1)
        .expect("filename*");
    let decoded: Vec<u8> = {
        let bytes = ext.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    };
    assert_eq!(
        String::from_utf8(decoded).expect("utf-8"),
        name,
        "{disposition}"
    );
    assert!(
        disposition.starts_with("attachment; filename=\"Quote _final_ 50% #2 (v*).txt\";"),
        "{disposition}"
    );

    // A browser writes the quotes of a file's name as %22 in its form.
    let boundary = "FIXTENBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"say %22hi%22.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    );
    let upload = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/customers/{acme}/attachments"))
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let stored = t.send(upload).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    assert_eq!(stored.body["file_name"], "say \"hi\".txt");
}

/// An import that must go through: its report.
async fn import(t: &TestApp, token: &str, kind: &str, file: &str) -> Value {
    let answer = import_csv(t, token, kind, file).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.body
}

/// The problems of an import report as (row, field, code, value).
fn problems(report: &Value) -> Vec<(i64, String, String, String)> {
    report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            let text = |key: &str| p[key].as_str().unwrap_or_default().to_string();
            (
                p["row"].as_i64().unwrap_or(0),
                text("field"),
                text("code"),
                text("value"),
            )
        })
        .filter(|(_, _, code, _)| code.starts_with("duplicate"))
        .collect()
}

#[tokio::test]
async fn an_import_duplicate_is_reported_on_the_column_that_matched() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let stored = "Name,Phone,Tax ID,Email\nFirst Co,0223456781,12345675,first@acme.tw\n";
    assert_eq!(import(&t, &admin, "customers", stored).await["created"], 1);

    let file = "Name,Phone,Tax ID,Email\n\
                First Co,,,\n\
                Other Name Co,,12345675,\n\
                Phone Match Co,02-2345-6781,,\n\
                Mail Match Co,,,first@acme.tw\n\
                New Co,0229999999,,\n\
                New Co Again,0229999999,,\n";
    let report = import(&t, &admin, "customers", file).await;
    let found = problems(&report);
    let codes: Vec<(i64, &str, &str)> = found
        .iter()
        .map(|(row, field, code, _)| (*row, field.as_str(), code.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (2, "name", "duplicate_skipped"),
            (3, "tax_id", "duplicate_skipped"),
            (4, "phone", "duplicate_skipped"),
            (5, "email", "duplicate_skipped"),
            (7, "phone", "duplicate_skipped"),
        ],
        "{report}"
    );
    assert_eq!(found[1].3, "12345675");
    assert_eq!(found[3].3, "first@acme.tw");

    // Leads: the mobile that matched is named, within the file too.
    let leads = "Name,Mobile\nLead One,0912345678\n";
    assert_eq!(import(&t, &admin, "leads", leads).await["created"], 1);
    let file = "Name,Mobile,Email\nLead Two,0912-345-678,\nLead Three,0987654321,x@y.tw\nLead Four,0987654321,\n";
    let report = import(&t, &admin, "leads", file).await;
    let codes: Vec<(i64, String, String)> = problems(&report)
        .into_iter()
        .map(|(row, field, code, _)| (row, field, code))
        .collect();
    assert_eq!(
        codes,
        vec![
            (2, "mobile".to_string(), "duplicate_skipped".to_string()),
            (4, "mobile".to_string(), "duplicate_in_file".to_string()),
        ],
        "{report}"
    );
}
