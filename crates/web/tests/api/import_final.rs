//! Leads and contacts import as customers do (template with custom fields,
//! mapping, preview, good rows only with a per-row report), and a customer
//! imported again can be given its next contact time.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, urlencode};
use crate::record_fixtures::{custom_field, made, send_bytes};

#[tokio::test]
async fn templates_of_customers_leads_and_contacts_end_with_their_custom_fields() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "customer", "region_code", "text").await;
    custom_field(&t, &admin, "lead", "budget", "number").await;
    custom_field(&t, &admin, "contact", "hobby", "text").await;
    for (path, label, first) in [
        (
            "/api/v1/customers/import/template?format=csv",
            "REGION_CODE",
            "Name",
        ),
        (
            "/api/v1/imports/customers/template?format=csv",
            "REGION_CODE",
            "Name",
        ),
        (
            "/api/v1/imports/leads/template?format=csv",
            "BUDGET",
            "Name",
        ),
        (
            "/api/v1/imports/contacts/template?format=csv",
            "HOBBY",
            "Name",
        ),
    ] {
        let file = t.get(path, &admin).await;
        assert_eq!(file.status, 200, "{path}: {}", file.text);
        let header = file.text.trim_start_matches('\u{feff}');
        let header = header.lines().next().unwrap_or_default();
        assert!(header.starts_with(first), "{path}: {header}");
        assert!(header.ends_with(label), "{path}: {header}");
        assert!(header.contains("Next contact"), "{path}: {header}");
    }
}

#[tokio::test]
async fn a_lead_file_is_mapped_previewed_and_its_good_rows_written_with_a_report_of_the_bad() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "lead", "budget", "number").await;
    // Row 2 is good, row 3 has a budget that is no number, row 4 no name.
    let file = "Company,Phone,BUDGET,Extra\nAcme Lead,02-2345-6789,1200,x\nBad Budget,,lots,y\n,0911222333,5,z\n";
    let mapping = r#"{"Company":"name","Extra":""}"#;
    let path = |extra: &str| format!("/api/v1/leads/import?mapping={}{extra}", urlencode(mapping));
    let dry = send_bytes(&t, &admin, &path("&dry_run=true"), file.as_bytes()).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["written"], false);
    assert_eq!(dry.body["mapping"]["Company"], "name");
    assert_eq!(dry.body["mapping"]["BUDGET"], "custom.budget");
    assert_eq!(dry.body["preview"][0]["name"], "Acme Lead");
    assert_eq!(dry.body["preview"][0]["custom.budget"], "1200");
    assert_eq!(dry.body["failed"], 2, "{}", dry.text);
    let problems: Vec<(i64, String)> = dry.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap_or(0),
                p["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [(3, "custom.budget".to_string()), (4, "name".to_string())]
    );
    assert_eq!(
        t.get("/api/v1/leads?view=all", &admin).await.body["total"],
        0,
        "a dry run writes nothing"
    );

    let all_or_nothing = send_bytes(&t, &admin, &path(""), file.as_bytes()).await;
    assert_eq!(all_or_nothing.body["written"], false);
    assert_eq!(
        t.get("/api/v1/leads?view=all", &admin).await.body["total"],
        0
    );

    let report = send_bytes(
        &t,
        &admin,
        &path("&partial=true&report=csv"),
        file.as_bytes(),
    )
    .await;
    assert_eq!(report.status, 200);
    let lines: Vec<&str> = report.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", report.text);
    assert!(lines[1].starts_with("3,BUDGET,lots,"), "{}", report.text);
    assert!(lines[2].starts_with("4,Name,,"), "{}", report.text);
    let leads = t.get("/api/v1/leads?view=all", &admin).await;
    assert_eq!(leads.body["total"], 1, "only the good row: {}", leads.text);
    assert_eq!(leads.body["items"][0]["name"], "Acme Lead");
    assert_eq!(leads.body["items"][0]["custom"]["budget"], "1200");

    // The older name of the dry run still checks without writing.
    let again = "Name\nAnother Lead\n";
    let checked = send_bytes(
        &t,
        &admin,
        "/api/v1/leads/import?check=true",
        again.as_bytes(),
    )
    .await;
    assert_eq!(
        (
            checked.body["would_create"].as_i64(),
            checked.body["written"].as_bool()
        ),
        (Some(1), Some(false)),
        "{}",
        checked.text
    );
}

#[tokio::test]
async fn a_contact_file_writes_its_good_rows_and_names_the_bad_ones() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "contact", "hobby", "text").await;
    made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "鴻海精密工業股份有限公司" }),
    )
    .await;
    let file = "Name,Customer,HOBBY,Primary contact\n郭先生,鴻海精密工業,爬山,yes\n無名,No Such Company,,\n林小姐,鴻海精密工業,,maybe\n";
    let answer = send_bytes(
        &t,
        &admin,
        "/api/v1/contacts/import?partial=true",
        file.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["written"], true);
    assert_eq!(
        (
            answer.body["created"].as_i64(),
            answer.body["failed"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(answer.body["problems"][0]["row"], 3);
    assert_eq!(answer.body["problems"][0]["field"], "customer_id");
    assert_eq!(answer.body["problems"][1]["row"], 4);
    assert_eq!(answer.body["problems"][1]["field"], "is_primary");
    let contacts = t.get("/api/v1/contacts", &admin).await;
    assert_eq!(contacts.body["total"], 1);
    assert_eq!(contacts.body["items"][0]["custom"]["hobby"], "爬山");
    assert_eq!(contacts.body["items"][0]["is_primary"], true);
}

#[tokio::test]
async fn a_customer_imported_again_gets_its_next_contact_time_and_the_preview_shows_custom_fields()
{
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "customer", "region_code", "text").await;
    let id = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "台灣積體電路製造股份有限公司", "phone": "03-5636688" }),
    )
    .await;
    let file = "Name,Next contact,REGION_CODE\n台灣積體電路製造,2031-03-04 14:30,HSZ\n";
    let dry = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?duplicates=update&dry_run=true",
        file.as_bytes(),
    )
    .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["preview"][0]["custom.region_code"], "HSZ");
    let done = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?duplicates=update",
        file.as_bytes(),
    )
    .await;
    assert_eq!(done.body["updated"], 1, "{}", done.text);
    let customer = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    let at = customer.body["next_contact_at"]
        .as_str()
        .unwrap_or_default();
    assert!(at.starts_with("2031-03-04T06:30"), "in Taipei time: {at}");
    assert_eq!(customer.body["custom"]["region_code"], "HSZ");

    let wrong = "Name,Next contact\n台灣積體電路製造,2031-02-30\n";
    let refused = send_bytes(
        &t,
        &admin,
        "/api/v1/customers/import?duplicates=update",
        wrong.as_bytes(),
    )
    .await;
    assert_eq!(refused.body["problems"][0]["field"], "next_contact_at");
    assert_eq!(refused.body["written"], false);
}

#[tokio::test]
async fn the_lead_and_contact_import_pages_check_map_and_preview_before_writing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "lead", "budget", "number").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let cookie = format!("{cookie}; kj_lang=en");
    for path in ["/leads/import", "/contacts/import"] {
        let page = t
            .send(
                Request::builder()
                    .uri(path)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.text.contains("template?format=xlsx"), "{path}");
    }
    let list = t
        .send(
            Request::builder()
                .uri("/leads")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(list.text.contains("href=\"/leads/import\""));

    let file = "Name,BUDGET\nPage Lead,300\n";
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duplicates\"\r\n\r\nskip\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"l.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let checked = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/leads/import")
                .header(header::COOKIE, &cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .expect("request"),
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
    assert!(checked.text.contains("action=\"/leads/import/confirm\""));
    assert!(
        checked.text.contains("<th scope=\"col\">BUDGET</th>"),
        "the preview shows the custom field"
    );
    assert!(checked.text.contains(">300</td>"));
    assert_eq!(
        t.get("/api/v1/leads?view=all", &admin).await.body["total"],
        0
    );

    let marker = "name=\"upload\" value=\"";
    let start = checked.text.find(marker).expect("upload token") + marker.len();
    let token = checked.text[start..].split('"').next().expect("token");
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&head.2=BUDGET&map.2=custom.budget"
    );
    let done = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/leads/import/confirm")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .expect("request"),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let leads = t.get("/api/v1/leads?view=all", &admin).await;
    assert_eq!(leads.body["total"], 1);
    assert_eq!(leads.body["items"][0]["custom"]["budget"], "300");
}
