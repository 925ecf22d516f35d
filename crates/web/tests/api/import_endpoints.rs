//! Every import endpoint takes the file the same two ways (a multipart form,
//! or the file as the whole body) and refuses a request it cannot use with a
//! problem naming the field, in the caller's language.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use kuijing_service::spreadsheets::{Format, TableWriter};
use serde_json::Value;

use crate::helpers::{Answer, TestApp};

/// Each import, with a file it reads (in CSV) and what a check of it finds.
const KINDS: &[(&str, &str)] = &[
    ("customers", "Name,Phone\nEndpoint Co,0223456789\n"),
    ("leads", "Name,Mobile\nEndpoint Lead,0912345678\n"),
    ("contacts", "Name,Customer\nMs Lin,Base Co\n"),
    ("products", "Name,Code,Price\nWidget,EP-1,100\n"),
    ("opportunities", "Name,Customer\nBig deal,Base Co\n"),
    (
        "contracts",
        "Name,Customer,Amount,Signing date\nSupport,Base Co,500,2026-01-05\n",
    ),
    (
        "payments",
        "Contract,Date received,Amount\nNO-SUCH-1,2026-01-05,100\n",
    ),
];

/// Sends the file as the whole body.
async fn send_body(t: &TestApp, token: &str, uri: &str, bytes: &[u8], lang: &str) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .expect("request");
    t.send(request).await
}

/// Sends a multipart form: the fields, then the file when there is one.
async fn send_form(
    t: &TestApp,
    token: &str,
    uri: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Answer {
    let boundary = "ENDPOINTBOUNDARY";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(request).await
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("folder");
    let mut writer = TableWriter::new(Format::Xlsx, dir.path()).expect("writer");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        writer.write_row(&cells).expect("row");
    }
    let path = writer.finish().expect("file");
    std::fs::read(&path).expect("read")
}

/// A customer the files name.
async fn base_customer(t: &TestApp, token: &str) {
    let made = t
        .post(
            "/api/v1/customers",
            token,
            serde_json::json!({ "name": "Base Co" }),
        )
        .await;
    assert!(made.status.is_success(), "{}", made.text);
}

/// The one field a refusal names, with its code and message.
fn refusal(answer: &Answer) -> (String, String, String) {
    let errors = answer.body["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(errors.len(), 1, "one field: {}", answer.text);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        text(&errors[0]["field"]),
        text(&errors[0]["code"]),
        text(&errors[0]["message"]),
    )
}

/// Asserts a refusal: its status, field and code, and a message in words
/// (not a key) that names the field.
fn assert_refused(answer: &Answer, status: u16, field: &str, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.text);
    assert!(
        answer.body.is_object(),
        "a problem document: {}",
        answer.text
    );
    let (f, c, message) = refusal(answer);
    assert_eq!((f.as_str(), c.as_str()), (field, code), "{}", answer.text);
    assert!(
        !message.is_empty() && !message.contains(code) && message.to_lowercase().contains(field),
        "{message}"
    );
}

#[tokio::test]
async fn every_import_reads_a_form_and_a_whole_body_alike() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    base_customer(&t, &admin).await;
    for (kind, file) in KINDS {
        let uri = format!("/api/v1/{kind}/import");
        let whole = send_body(
            &t,
            &admin,
            &format!("{uri}?dry_run=true&name=rows.csv"),
            file.as_bytes(),
            "en",
        )
        .await;
        assert_eq!(whole.status, StatusCode::OK, "{kind}: {}", whole.text);
        assert_eq!(
            whole.body["written"], false,
            "{kind}: a check writes nothing"
        );
        // Options as form fields, or in the query beside a form.
        let form = send_form(
            &t,
            &admin,
            &uri,
            &[("dry_run", "true")],
            Some(("rows.csv", file.as_bytes())),
        )
        .await;
        assert_eq!(form.status, StatusCode::OK, "{kind}: {}", form.text);
        let queried = send_form(
            &t,
            &admin,
            &format!("{uri}?dry_run=1"),
            &[],
            Some(("rows.csv", file.as_bytes())),
        )
        .await;
        assert_eq!(whole.body, form.body, "{kind}: the same report either way");
        assert_eq!(whole.body, queried.body, "{kind}: options in the query");
        if *kind == "payments" {
            assert_eq!(
                whole.body["problems"][0]["field"], "contract_id",
                "the file was read: {}",
                whole.text
            );
        } else {
            // A check creates nothing; it says what the import would create.
            assert_eq!(whole.body["created"], 0, "{kind}: {}", whole.text);
            assert_eq!(whole.body["would_create"], 1, "{kind}: {}", whole.text);
        }
        // Without a name or a format, the content says CSV.
        let guessed = send_body(
            &t,
            &admin,
            &format!("{uri}?dry_run=true"),
            file.as_bytes(),
            "en",
        )
        .await;
        assert_eq!(guessed.body, whole.body, "{kind}: {}", guessed.text);
    }

    // The content says XLSX too, sent either way; then written for real.
    let book = xlsx(&[&["Name", "Code", "Price"], &["Gadget", "EP-2", "50"]]);
    let whole = send_body(
        &t,
        &admin,
        "/api/v1/products/import?dry_run=true",
        &book,
        "en",
    )
    .await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.text);
    assert_eq!(whole.body["would_create"], 1, "{}", whole.text);
    let form = send_form(
        &t,
        &admin,
        "/api/v1/products/import",
        &[],
        Some(("book", &book)),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert_eq!(form.body["written"], true, "{}", form.text);
    let listed = t.get("/api/v1/products?q=Gadget", &admin).await;
    assert_eq!(
        listed.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        listed.text
    );

    // A form's file asks for the per-row report as a file, as the body does.
    let report = send_form(
        &t,
        &admin,
        "/api/v1/customers/import",
        &[("dry_run", "on"), ("report", "csv")],
        Some(("rows.csv", b"Name\n\n")),
    )
    .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let content_type = report.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap_or_default();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
}

#[tokio::test]
async fn every_import_refuses_with_a_problem_naming_the_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let csv = b"Name\nA\n".as_slice();
    for (kind, _) in KINDS {
        let uri = format!("/api/v1/{kind}/import");
        // No file: an empty body, or a form without one.
        let none = send_body(&t, &admin, &uri, b"", "en").await;
        assert_refused(&none, 422, "file", "import_file_missing");
        let none = send_form(&t, &admin, &uri, &[("dry_run", "true")], None).await;
        assert_refused(&none, 422, "file", "import_file_missing");
        // An empty file.
        let empty = send_form(&t, &admin, &uri, &[], Some(("rows.csv", b""))).await;
        assert_refused(&empty, 422, "file", "file_empty");
        // A format no import reads, by option or by name.
        let format = send_body(&t, &admin, &format!("{uri}?format=pdf"), csv, "en").await;
        assert_refused(&format, 422, "format", "import_format_unknown");
        assert!(refusal(&format).2.contains("pdf"), "{}", format.text);
        let format = send_form(&t, &admin, &uri, &[("format", "xls")], Some(("r.csv", csv))).await;
        assert_refused(&format, 422, "format", "import_format_unknown");
        let named = send_body(&t, &admin, &format!("{uri}?name=rows.pdf"), csv, "en").await;
        assert_refused(&named, 422, "name", "import_name_unknown");
        let named = send_form(&t, &admin, &uri, &[], Some(("rows.xls", csv))).await;
        assert_refused(&named, 422, "file", "import_name_unknown");
        // An option of the wrong kind, in the query or as a field.
        let option = send_body(&t, &admin, &format!("{uri}?dry_run=maybe"), csv, "en").await;
        assert_refused(&option, 422, "dry_run", "import_yes_no");
        let option = send_form(
            &t,
            &admin,
            &uri,
            &[("dry_run", "maybe")],
            Some(("r.csv", csv)),
        )
        .await;
        assert_refused(&option, 422, "dry_run", "import_yes_no");
        // In the caller's language.
        let chinese = send_body(&t, &admin, &uri, b"", "zh-Hans").await;
        assert!(
            refusal(&chinese).2.contains("没有收到文件"),
            "{}",
            chinese.text
        );
        let chinese = send_body(&t, &admin, &uri, b"", "zh-Hant").await;
        assert!(
            refusal(&chinese).2.contains("沒有收到檔案"),
            "{}",
            chinese.text
        );
    }
    // The options only customers, leads and contacts take.
    for kind in ["customers", "leads", "contacts"] {
        let uri = format!("/api/v1/{kind}/import");
        for (query, field, code) in [
            (
                "duplicates=often",
                "duplicates",
                "import_duplicates_unknown",
            ),
            ("mapping=%7Bnot-json", "mapping", "import_mapping_invalid"),
            ("report=pdf", "report", "import_report_unknown"),
            ("partial=perhaps", "partial", "import_yes_no"),
        ] {
            let answer = send_body(&t, &admin, &format!("{uri}?{query}"), csv, "en").await;
            assert_refused(&answer, 422, field, code);
        }
    }
    let exceeding = send_form(
        &t,
        &admin,
        "/api/v1/payments/import",
        &[("allow_exceeding", "sometimes")],
        Some(("r.csv", csv)),
    )
    .await;
    assert_refused(&exceeding, 422, "allow_exceeding", "import_yes_no");
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_naming_it_either_way() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let big = vec![b'a'; 33 * 1024 * 1024];
    let whole = send_body(&t, &admin, "/api/v1/customers/import", &big, "en").await;
    assert_refused(&whole, 413, "file", "import_too_large");
    assert!(refusal(&whole).2.contains("32 MB"), "{}", whole.text);
    let form = send_form(
        &t,
        &admin,
        "/api/v1/payments/import",
        &[],
        Some(("big.csv", &big)),
    )
    .await;
    assert_refused(&form, 413, "file", "import_too_large");
}

#[tokio::test]
async fn the_document_describes_every_import_the_same_way() {
    let t = TestApp::new().await;
    let request = Request::builder()
        .uri("/api/openapi.json")
        .body(Body::empty())
        .expect("request");
    let document = t.send(request).await;
    assert_eq!(document.status, StatusCode::OK);
    for (kind, _) in KINDS {
        let path = format!("/api/v1/{kind}/import");
        let post = &document.body["paths"][&path]["post"];
        let content = &post["requestBody"]["content"];
        for content_type in ["multipart/form-data", "application/octet-stream"] {
            assert!(
                content[content_type].is_object(),
                "{path} takes {content_type}: {content}"
            );
        }
        let params: Vec<&str> = post["parameters"]
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p["name"].as_str()).collect())
            .unwrap_or_default();
        for name in ["format", "name", "dry_run"] {
            assert!(params.contains(&name), "{path} names {name}: {params:?}");
        }
        assert!(
            post["responses"]["413"].is_object() && post["responses"]["422"].is_object(),
            "{path}: {}",
            post["responses"]
        );
    }
}
