//! Imports of customers, leads and contacts: two columns read as one field
//! are refused naming both; only a mapping the server checked is written;
//! an update that writes a phone or postcode another way changes nothing;
//! failing rows offer the good rows alone, never an import bound to fail;
//! postcodes take a postal shape; a check lets others save meanwhile.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, post_form, urlencode};
use crate::record_fixtures::send_bytes;

/// Uploads `file` to an import page (a check), with `extra` form fields
/// (`partial`); answers the status and the page.
async fn check_file(
    t: &TestApp,
    (cookie, csrf): (&str, &str),
    (path, file): (&str, &str),
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let boundary = "IMPORTGAPSBOUNDARY";
    let mut body = String::new();
    for (name, value) in [("_csrf", csrf), ("duplicates", "skip")]
        .iter()
        .chain(extra)
    {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let answer = t.send(request).await;
    (answer.status, answer.text)
}

/// The token of the upload a checked import page carries.
fn upload_token(html: &str) -> String {
    let marker = "name=\"upload\" value=\"";
    let start = html.find(marker).expect("upload token") + marker.len();
    html[start..].split('"').next().expect("token").to_string()
}

async fn total(t: &TestApp, admin: &str, path: &str) -> i64 {
    let list = t.get(&format!("/api/v1/{path}?view=all"), admin).await;
    list.body["total"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", list.text))
}

#[tokio::test]
async fn two_columns_read_as_one_field_are_refused_naming_both() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Company,Tel,Tel 2\nTwin Tel Co,02-2771-0001,02-2771-0002\n";
    let mapping = urlencode(r#"{"Company":"name","Tel":"phone","Tel 2":"phone"}"#);
    let refused = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/customers/import?name=c.csv&mapping={mapping}"),
        file.as_bytes(),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused
            .text
            .contains("The columns “Tel” and “Tel 2” are both read as Phone"),
        "{}",
        refused.text
    );
    assert_eq!(total(&t, &admin, "customers").await, 0, "nothing written");

    // On the page: the mapping is shown again as chosen, with the reason,
    // and nothing is offered for import.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, checked) =
        check_file(&t, (&cookie, &csrf), ("/customers/import", file), &[]).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    let token = upload_token(&checked);
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Company&map.1=name&head.2=Tel&map.2=phone&head.3=Tel+2&map.3=phone"
    );
    let (status, page) = post_form(&t, &cookie, "/customers/import/confirm", form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("The columns “Tel” and “Tel 2” are both read as Phone"),
        "{page}"
    );
    assert!(
        page.contains("name=\"map.3\""),
        "the mapping is shown: {page}"
    );
    assert!(!page.contains("Import now"), "{page}");
    assert!(
        !page.contains("The mapping changed since the check"),
        "{page}"
    );
    assert_eq!(total(&t, &admin, "customers").await, 0, "nothing written");
}

#[tokio::test]
async fn only_a_mapping_the_server_checked_is_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let file = "Name,Numbers\nChecked Lead,0912345678\n";
    let (status, checked) = check_file(&t, (&cookie, &csrf), ("/leads/import", file), &[]).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    let token = upload_token(&checked);
    // A confirmation without the page's `checked.N` fields, reading Numbers
    // as the mobile the check left unread: checked again, nothing written.
    let confirm = |map: &str, duplicates: &str| {
        format!(
            "_csrf={csrf}&upload={token}&format=csv&duplicates={duplicates}&head.1=Name&map.1=name&head.2=Numbers&map.2={map}"
        )
    };
    let (status, again) = post_form(
        &t,
        &cookie,
        "/leads/import/confirm",
        confirm("mobile", "skip"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert!(
        again.contains("The mapping changed since the check"),
        "{again}"
    );
    assert_eq!(total(&t, &admin, "leads").await, 0);
    // Another duplicate choice than the one checked is checked again too.
    let (_, again) = post_form(
        &t,
        &cookie,
        "/leads/import/confirm",
        confirm("mobile", "create"),
    )
    .await;
    assert!(
        again.contains("The mapping changed since the check"),
        "{again}"
    );
    assert_eq!(total(&t, &admin, "leads").await, 0);
    // As checked last: written.
    let (status, done) = post_form(
        &t,
        &cookie,
        "/leads/import/confirm",
        confirm("mobile", "create"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(total(&t, &admin, "leads").await, 1, "{done}");

    // An upload never checked (its note gone) is checked, not written.
    let (_, checked) = check_file(&t, (&cookie, &csrf), ("/leads/import", file), &[]).await;
    let token = upload_token(&checked);
    let tmp = t.settings.data_dir.join("tmp");
    for entry in std::fs::read_dir(&tmp).expect("tmp") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().ends_with(".checked") {
            std::fs::remove_file(path).expect("removed");
        }
    }
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&head.2=Numbers&map.2="
    );
    let (_, again) = post_form(&t, &cookie, "/leads/import/confirm", form).await;
    assert!(
        again.contains("had not been checked with this mapping"),
        "{again}"
    );
    assert_eq!(total(&t, &admin, "leads").await, 1);
}

#[tokio::test]
async fn an_update_writing_a_phone_or_postcode_another_way_changes_nothing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = json!({ "name": "Same Phone Co", "phone": "02-2771-0001",
        "postcode": "100-01", "tax_id": "12345678", "email": "info@same.tw" });
    let created = t.post("/api/v1/customers", &admin, body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let before = t.get(&format!("/api/v1/customers/{id}"), &admin).await.body;

    let file = "Name,Phone,Postcode,Tax ID,Email\n\
        Same Phone Co,(02)27710001,10001,１２３４５６７８,INFO@same.tw\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?name=c.csv&duplicates=update",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["updated"], 0, "{}", sent.text);
    assert_eq!(sent.body["problems"][0]["code"], "duplicate_unchanged");
    let after = t.get(&format!("/api/v1/customers/{id}"), &admin).await.body;
    assert_eq!(after["version"], before["version"], "not rewritten");
    assert_eq!(after["phone"], "02-2771-0001");
    assert_eq!(after["postcode"], "100-01");

    // Another number is a change.
    let file = "Name,Phone\nSame Phone Co,(02)27710002\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?name=c.csv&duplicates=update",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["updated"], 1, "{}", sent.text);

    // A lead likewise.
    let body = json!({ "name": "Same Phone Lead", "mobile": "0912-345-678" });
    let lead = t.post("/api/v1/leads", &admin, body).await;
    assert_eq!(lead.status, 201, "{}", lead.text);
    let file = "Name,Mobile\nSame Phone Lead,0912345678\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?name=l.csv&duplicates=update",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["updated"], 0, "{}", sent.text);
}

#[tokio::test]
async fn failing_rows_offer_the_good_rows_alone_not_an_import_bound_to_fail() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let file = "Name,Postcode\nGood Row Co,10048\nBad Row Co,-1-1\n";
    let (status, checked) =
        check_file(&t, (&cookie, &csrf), ("/customers/import", file), &[]).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert!(!checked.contains("Import now"), "{checked}");
    assert!(
        checked.contains("name=\"partial\" value=\"1\">Import the 1 good rows only"),
        "{checked}"
    );
    assert!(checked.contains("Go back"), "{checked}");
    assert!(
        checked.contains("Postcode takes 3 to 6 digits"),
        "the row's problem names the field and the fix: {checked}"
    );
    let token = upload_token(&checked);
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&head.2=Postcode&map.2=postcode&partial=1"
    );
    let (status, done) = post_form(&t, &cookie, "/customers/import/confirm", form).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(total(&t, &admin, "customers").await, 1, "{done}");

    // Asked at the upload for the good rows alone: the button says so.
    let file = "Name,Postcode\nGood Again Co,10048\nBad Again Co,-1-1\n";
    let (_, checked) = check_file(
        &t,
        (&cookie, &csrf),
        ("/customers/import", file),
        &[("partial", "1")],
    )
    .await;
    assert!(!checked.contains("Import now"), "{checked}");
    assert!(checked.contains("Import the 1 good rows only"), "{checked}");

    // Nothing good at all: no import is offered.
    let file = "Name,Postcode\nBad Only Co,1--\n";
    let (_, checked) = check_file(
        &t,
        (&cookie, &csrf),
        ("/customers/import", file),
        &[("partial", "1")],
    )
    .await;
    assert!(!checked.contains("Import now"), "{checked}");
    assert!(!checked.contains("good rows only"), "{checked}");
    assert!(checked.contains("No row of this file can be imported"));

    // With every row good, Import is offered as before.
    let file = "Name,Postcode\nAll Good Co,100-01\n";
    let (_, checked) = check_file(&t, (&cookie, &csrf), ("/customers/import", file), &[]).await;
    assert!(checked.contains("Import now"), "{checked}");
}

#[tokio::test]
async fn postcodes_of_hyphens_and_stray_digits_are_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (path, body) in [
        (
            "customers",
            json!({ "name": "Dash Co", "postcode": "-1-1" }),
        ),
        ("leads", json!({ "name": "Dash Lead", "postcode": "1--" })),
        ("customers", json!({ "name": "Short Co", "postcode": "12" })),
    ] {
        let refused = t.post(&format!("/api/v1/{path}"), &admin, body).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(refused.body["errors"][0]["field"], "postcode");
        assert!(
            refused.text.contains(
                "Postcode takes 3 to 6 digits, or 3 digits, a hyphen and 2 or 3 more digits"
            ),
            "{}",
            refused.text
        );
    }
    for good in ["100", "10048", "100048", "100-01", "１００－０１２"] {
        let body = json!({ "name": format!("Zip {good}"), "postcode": good });
        let created = t.post("/api/v1/customers", &admin, body).await;
        assert_eq!(created.status, 201, "{good}: {}", created.text);
    }
    let file = "Name,Postcode\nImported Dash,-1-1\n";
    let sent = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?name=l.csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(sent.body["failed"], 1, "{}", sent.text);
    let problem = &sent.body["problems"][0];
    assert_eq!(
        (&problem["field"], &problem["code"]),
        (&json!("postcode"), &json!("postcode_shape")),
        "{}",
        sent.text
    );
}

#[tokio::test]
async fn a_save_during_a_check_of_a_large_file_does_not_wait_for_the_whole_file() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let mut file = String::from("Name,Phone\n");
    for n in 0..300 {
        file.push_str(&format!("Checked Co {n},02-2771-{n:04}\n"));
    }
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/customers/import?name=c.csv&dry_run=true")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(file))
        .expect("request");
    let router = t.router.clone();
    let check = tokio::spawn(async move {
        use tower::ServiceExt;
        router.oneshot(request).await.expect("answer").status()
    });
    let sqlite = t.settings.database_url();
    if let Some(path) = sqlite.strip_prefix("sqlite://") {
        // Wait until the check holds SQLite's write lock (a write of its
        // own, made on another connection, is refused at once).
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(std::time::Duration::ZERO);
        let mut probe = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("probe");
        let started = std::time::Instant::now();
        loop {
            match sqlx::query("begin immediate").execute(&mut probe).await {
                Ok(_) => {
                    sqlx::query("rollback")
                        .execute(&mut probe)
                        .await
                        .expect("rollback");
                }
                Err(_) => break,
            }
            assert!(!check.is_finished(), "the check never held the writer");
            assert!(started.elapsed().as_secs() < 30, "the check never wrote");
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }
    // Another user's save meanwhile goes through, before the check ends.
    let saved = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Saved Meanwhile" }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    assert!(
        !check.is_finished(),
        "the save waited for one chunk of the check, not the whole file"
    );
    assert_eq!(check.await.expect("check"), StatusCode::OK);
    assert_eq!(
        total(&t, &admin, "customers").await,
        1,
        "a check writes nothing"
    );
}
