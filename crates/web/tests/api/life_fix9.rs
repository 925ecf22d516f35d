//! Customer lifecycle fixes: imports sent at once, text that reaches SQL,
//! unique and half-width values, import reports and headers, stale saves.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, import_csv};

/// A file checked on the import page (a dry run): the page shown.
async fn check_on_page(t: &TestApp, cookie: &str, csrf: &str, file: &str) -> Answer {
    let boundary = "FIXNINEBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duplicates\"\r\n\r\nskip\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let upload = Request::builder()
        .method(Method::POST)
        .uri("/customers/import")
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(upload).await
}

#[tokio::test]
async fn imports_sent_at_once_write_each_row_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Phone\nParallel One,0223456781\nParallel Two,0223456782\n";
    let (a, b, c) = tokio::join!(
        import_csv(&t, &admin, "customers", file),
        import_csv(&t, &admin, "customers", file),
        import_csv(&t, &admin, "customers", file),
    );
    for answer in [&a, &b, &c] {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    let created: i64 = [&a, &b, &c]
        .iter()
        .map(|a| a.body["created"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(created, 2, "{} {} {}", a.text, b.text, c.text);
    let list = t.get("/api/v1/customers", &admin).await;
    assert_eq!(list.body["total"], 2, "{}", list.text);

    let leads = "Name,Mobile\nLead Once,0912345671\n";
    let (a, b) = tokio::join!(
        import_csv(&t, &admin, "leads", leads),
        import_csv(&t, &admin, "leads", leads),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(b.status, StatusCode::OK, "{}", b.text);
    assert_eq!(t.get("/api/v1/leads", &admin).await.body["total"], 1);
}

#[tokio::test]
async fn an_upload_is_confirmed_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let file = "Name,Phone\nConfirm One,0223456781\nConfirm Two,0223456782\n";
    let checked = check_on_page(&t, &cookie, &csrf, file).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
    let marker = "name=\"upload\" value=\"";
    let start = checked.text.find(marker).expect("upload token") + marker.len();
    let token = checked.text[start..].split('"').next().expect("token");
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&head.2=Phone&map.2=phone"
    );
    let confirm = || {
        Request::builder()
            .method(Method::POST)
            .uri("/customers/import/confirm")
            .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.clone()))
            .expect("request")
    };
    let (a, b, c) = tokio::join!(t.send(confirm()), t.send(confirm()), t.send(confirm()));
    let done = [&a, &b, &c]
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(done, 1, "{} {} {}", a.status, b.status, c.status);
    assert_eq!(t.get("/api/v1/customers", &admin).await.body["total"], 2);
    let again = t.send(confirm()).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert!(
        again.text.contains("already imported") && again.text.contains("href=\"/customers\""),
        "{}",
        again.text
    );
}

#[tokio::test]
async fn control_characters_in_search_and_filters_find_instead_of_failing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/customers",
            &admin,
            serde_json::json!({"name": "ab Control Co"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let filter =
        crate::helpers::urlencode(r#"[{"field":"name","op":"contains","value":"a\u0000b"}]"#);
    for path in [
        "/api/v1/customers?q=%00".to_string(),
        "/api/v1/customers?q=a%00b".to_string(),
        "/api/v1/leads?q=%00".to_string(),
        "/api/v1/contacts?q=%00".to_string(),
        "/api/v1/search?q=a%00b".to_string(),
        "/api/v1/customers/duplicates?name=a%00b".to_string(),
        format!("/api/v1/customers?filter={filter}"),
    ] {
        let answer = t.get(&path, &admin).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text);
    }
    let found = t.get("/api/v1/customers?q=a%00b", &admin).await;
    assert_eq!(found.body["total"], 1, "{}", found.text);
    let filtered = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    assert_eq!(filtered.body["total"], 1, "{}", filtered.text);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for path in [
        "/customers?q=%00",
        "/search?q=%00",
        "/leads?q=a%00",
        "/contacts?q=%00",
    ] {
        let (status, text) = crate::helpers::page(&t, &cookie, path, "en").await;
        assert_eq!(status, StatusCode::OK, "{path}: {text}");
    }
}

#[tokio::test]
async fn a_unique_value_is_the_same_with_or_without_spaces_in_either_width() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = serde_json::json!({ "kind": "customer", "key": "serial", "label": "Serial No",
        "field_type": "text", "unique": true });
    let answer = t.post("/api/v1/fields", &admin, field).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    for (first, second) in [
        ("RS 42", "rs42"),
        ("XY 999", "ｘｙ９９９"),
        ("AB1", "A B 1"),
    ] {
        let made = t
            .post(
                "/api/v1/customers",
                &admin,
                serde_json::json!({ "name": format!("Holder {first}"), "custom": { "serial": first } }),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{first}: {}", made.text);
        let again = t
            .post(
                "/api/v1/customers",
                &admin,
                serde_json::json!({ "name": format!("Repeat {second}"), "custom": { "serial": second } }),
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{second}: {}",
            again.text
        );
        assert_eq!(
            again.body["errors"][0]["code"], "custom_value_taken",
            "{}",
            again.text
        );
    }
}

#[tokio::test]
async fn full_width_phones_and_tax_ids_are_stored_half_width_and_found() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/customers",
            &admin,
            serde_json::json!({ "name": "Width Co", "tax_id": "１２３４５６７８",
                "phone": "０２－２３４５－６７８９" }),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.body["tax_id"], "12345678", "{}", made.text);
    assert_eq!(made.body["phone"], "02-2345-6789", "{}", made.text);
    let found = t.get("/api/v1/customers?q=12345678", &admin).await;
    assert_eq!(found.body["total"], 1, "{}", found.text);
    let lead = t
        .post(
            "/api/v1/leads",
            &admin,
            serde_json::json!({ "name": "Width Lead", "mobile": "０９１２３４５６７８" }),
        )
        .await;
    assert_eq!(lead.status, StatusCode::CREATED, "{}", lead.text);
    assert_eq!(lead.body["mobile"], "0912345678", "{}", lead.text);
    // An import of the same company typed half-width finds it by its tax ID.
    let file = "Name,Tax ID\nWidth Company Ltd,12345678\nOther Width,８７６５４３２１\n";
    let answer = import_csv(&t, &admin, "customers", file).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    assert_eq!(answer.body["skipped"], 1, "{}", answer.text);
    let other = t.get("/api/v1/customers?q=87654321", &admin).await;
    assert_eq!(
        other.body["items"][0]["tax_id"], "87654321",
        "{}",
        other.text
    );
}

#[tokio::test]
async fn a_row_repeating_an_earlier_one_names_that_row_and_its_own_name() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Phone\nTwice Co,0223456781\nTwice Co,0223456781\n";
    let answer = import_csv(&t, &admin, "customers", file).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    let problem = &answer.body["problems"][0];
    assert_eq!(problem["value"], "Twice Co", "{}", answer.text);
    assert_eq!(problem["first_row"], 2, "{}", answer.text);

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    // Rows not yet stored: the check finds the second in the file itself.
    let file = "Name,Phone\nPage Twice,0223456791\nPage Twice,0223456791\n";
    let page = check_on_page(&t, &cookie, &csrf, file).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("already in this file, in row 2."),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("<td class=\"muted\">Page Twice</td>"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("<span class=\"tag\">Skipped</span>"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("Cleaned"), "{}", page.text);
}

/// Asserts that an import report mapped each header to its field.
fn assert_mapped(report: &Answer, headers: &[(&str, &str)]) {
    for (header, field) in headers {
        assert_eq!(report.body["mapping"][header], *field, "{}", report.text);
    }
}

#[tokio::test]
async fn common_headers_in_each_language_map_and_a_missing_name_is_named_per_kind() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let (gb, _, _) = encoding_rs::GB18030
        .encode("客户名称,统一编号,电子邮件\n华南公司,91440300,info@huanan.cn\n");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/customers/import?name=x.csv")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(gb.to_vec()))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.body["created"], 1, "{}", answer.text);
    assert_mapped(&answer, &[("统一编号", "tax_id"), ("电子邮件", "email")]);

    let contacts = import_csv(
        &t,
        &admin,
        "contacts",
        "姓名,客戶名稱,職稱\n林小姐,华南公司,經理\n",
    )
    .await;
    assert_eq!(contacts.body["created"], 1, "{}", contacts.text);
    assert_mapped(&contacts, &[("姓名", "name"), ("客戶名稱", "customer_id")]);

    let nameless = import_csv(
        &t,
        &admin,
        "contacts",
        "Customer,Phone\n华南公司,0223456789\n",
    )
    .await;
    assert_eq!(
        nameless.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        nameless.text
    );
    let message = nameless.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("contact's name"), "{message}");
}

#[tokio::test]
async fn the_follow_up_form_takes_its_time_defaulting_to_now_and_checks_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post(
            "/api/v1/customers",
            &admin,
            serde_json::json!({"name": "Timed Co"}),
        )
        .await;
    let id = made.body["id"].as_i64().expect("id");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let now = t
        .app
        .now()
        .with_timezone(&t.app.time_zone())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let (status, page) = crate::helpers::page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("name=\"happened_at\" value=\"{now}\"")),
        "{now}: {page}"
    );
    let path = format!("/customers/{id}/follow-ups");
    for (when, message) in [
        ("2030-01-01T10:00", "is in the future"),
        ("1999-12-31T10:00", "is before 2000"),
        ("yesterday", "Time"),
    ] {
        let fields = [("content", "Called"), ("happened_at", when)];
        let (status, page) =
            crate::helpers::post_multipart(&t, (&cookie, &csrf), &path, &fields, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{when}: {page}");
        assert!(page.contains(message), "{when}: {page}");
    }
    let fields = [("content", "Called"), ("happened_at", "2026-02-20T15:30")];
    let (status, location) =
        crate::helpers::post_multipart(&t, (&cookie, &csrf), &path, &fields, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let list = t.get("/api/v1/follow-ups", &admin).await;
    let at = list.body["items"][0]["happened_at"]
        .as_str()
        .unwrap_or_default();
    let local = chrono::DateTime::parse_from_rfc3339(at)
        .expect("time")
        .with_timezone(&t.app.time_zone())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    assert_eq!(local, "2026-02-20T15:30", "{}", list.text);
}
