//! Customer lifecycle and import gaps: the sales kinds' import pages refused
//! up front, imports logging creates as the forms do, the leads list's hint
//! naming only what the viewer may do.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form, post_multipart, urlencode};

const SALES_IMPORTS: [&str; 4] = ["products", "opportunities", "contracts", "payments"];

#[tokio::test]
async fn sales_import_pages_refuse_users_without_the_import_right_before_reading_a_file() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // Sees and creates every sales kind, but imports none.
    let permissions = [
        "product.view",
        "product.create",
        "opportunity.view",
        "opportunity.create",
        "contract.view",
        "contract.create",
        "payment.view",
        "payment.create",
        "customer.view",
    ];
    let role = t.role(&admin, "No imports", &permissions, json!({})).await;
    t.user(&admin, "0973000001", json!({ "role_ids": [role] }))
        .await;
    let viewer = page_session(&t, "0973000001").await;
    let viewer_csrf = page_csrf(&t, &viewer).await;
    let boss = page_session(&t, ADMIN_PHONE).await;

    for kind in SALES_IMPORTS {
        let path = format!("/{kind}/import");
        let (status, _) = page(&t, &viewer, &path, "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "GET {path}");
        let (status, _) =
            post_multipart(&t, (&viewer, &viewer_csrf), &path, &[("dry_run", "1")], &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "POST {path}");
        // The list offers no import box to them.
        let (status, list) = page(&t, &viewer, &format!("/{kind}"), "en").await;
        assert_eq!(status, StatusCode::OK, "/{kind}");
        assert!(
            !list.contains(&format!("action=\"/{kind}/import\"")),
            "/{kind}"
        );

        // Someone who may import gets the list with the box open.
        let (status, shown) = page(&t, &boss, &path, "en").await;
        assert_eq!(status, StatusCode::OK, "GET {path} as administrator");
        assert!(
            shown.contains(&format!("action=\"/{kind}/import\"")),
            "{path} shows the upload form"
        );
        assert!(
            shown.contains("<details class=\"import-box\" open>"),
            "{path}"
        );
    }
}

/// The fields a record's create entry in its change log names, but the
/// mark of an import.
async fn created_fields(t: &TestApp, admin: &str, path: &str, id: i64) -> Vec<String> {
    let record = t.get(&format!("/api/v1/{path}/{id}"), admin).await;
    let log = &record.body["change_log"];
    let created = log
        .as_array()
        .and_then(|all| all.iter().find(|e| e["action"] == "create"))
        .unwrap_or_else(|| panic!("no create in {log}"));
    let mut named: Vec<String> = created["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .filter(|f| *f != "via")
        .map(str::to_string)
        .collect();
    named.sort();
    named
}

#[tokio::test]
async fn imports_log_a_create_as_the_form_does() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let acme = crate::sales_fixtures::customer(&t, &admin, "Acme Trading").await;
    let cases = [
        (
            "customers",
            json!({ "name": "Form Co", "mobile": "0912000001" }),
            "Name,Mobile\nFile Co,0912000002\n",
            "File Co",
        ),
        (
            "leads",
            json!({ "name": "Form Lead", "mobile": "0912000003" }),
            "Name,Mobile\nFile Lead,0912000004\n",
            "File Lead",
        ),
        (
            "contacts",
            json!({ "name": "Form Lin", "customer_id": acme, "mobile": "0912000005" }),
            "Name,Customer,Mobile\nFile Lin,Acme Trading,0912000006\n",
            "File Lin",
        ),
    ];
    for (path, form, file, imported) in cases {
        let by_form =
            crate::sales_fixtures::create(&t, &admin, &format!("/api/v1/{path}"), form).await;
        let sent = crate::record_fixtures::send_bytes(
            &t,
            &admin,
            &format!("/api/v1/{path}/import?name=x.csv"),
            file.as_bytes(),
        )
        .await;
        assert_eq!(sent.body["created"], 1, "{path}: {}", sent.text);
        let found = t
            .get(
                &format!("/api/v1/{path}?view=all&q={}", urlencode(imported)),
                &admin,
            )
            .await;
        let by_file = found.body["items"][0]["id"].as_i64().expect("imported id");
        assert_eq!(
            created_fields(&t, &admin, path, by_file).await,
            created_fields(&t, &admin, path, by_form).await,
            "{path}: an import logs the fields its form logs"
        );
    }
}

#[tokio::test]
async fn the_leads_list_hint_names_only_what_the_viewer_may_do() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let permissions = [
        "lead.view",
        "lead.create",
        "lead.convert",
        "customer.create",
    ];
    let scopes = json!({ "lead": { "scope": "own" }, "customer": { "scope": "own" } });
    let role = t.role(&admin, "Lead rep", &permissions, scopes).await;
    t.user(&admin, "0973000002", json!({ "role_ids": [role] }))
        .await;
    let rep = t.login("0973000002", crate::helpers::PASSWORD).await;
    crate::sales_fixtures::create(&t, &rep, "/api/v1/leads", json!({ "name": "Own lead" })).await;

    let cookie = page_session(&t, "0973000002").await;
    let (status, html) = page(&t, &cookie, "/leads", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Tick leads to convert them."), "{html}");
    let (_, html) = page(&t, &cookie, "/leads", "zh-Hant").await;
    assert!(html.contains("勾選線索後即可轉化。"), "{html}");

    // The administrator may do all of it, and is told so.
    let boss = page_session(&t, ADMIN_PHONE).await;
    crate::sales_fixtures::create(&t, &admin, "/api/v1/leads", json!({ "name": "Lead" })).await;
    let (_, html) = page(&t, &boss, "/leads?view=all", "en").await;
    assert!(
        html.contains("Tick leads to transfer, convert, export or delete them."),
        "{html}"
    );
    // Customers likewise: the export button is named with the others.
    crate::sales_fixtures::customer(&t, &admin, "Hinted Ltd").await;
    let (_, html) = page(&t, &boss, "/customers?view=all", "en").await;
    assert!(
        html.contains("Tick customers to transfer, export or delete them."),
        "{html}"
    );
}

/// A file uploaded on an import page to be checked: the page shown.
async fn check_file(
    t: &TestApp,
    (cookie, csrf): (&str, &str),
    path: &str,
    file: &str,
) -> (StatusCode, String) {
    let boundary = "RECORDSGAPSBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duplicates\"\r\n\r\nskip\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"l.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
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

#[tokio::test]
async fn a_mapping_changed_after_the_check_is_checked_again_before_anything_is_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let file = "Name,Numbers\nRemapped Lead,0912345678\n";
    let (status, checked) = check_file(&t, (&cookie, &csrf), "/leads/import", file).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert!(
        checked.contains("name=\"checked.2\" value=\"\""),
        "Numbers is read as nothing"
    );
    assert!(
        checked.contains("name=\"recheck\""),
        "the page offers a check again"
    );
    let token = upload_token(&checked);

    // The user reads Numbers as the mobile and presses Import: the file is
    // checked again with that mapping, and nothing is written.
    let confirm = |extra: &str| {
        format!(
            "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&checked.1=name&head.2=Numbers&map.2=mobile{extra}"
        )
    };
    let (status, again) =
        post_form(&t, &cookie, "/leads/import/confirm", confirm("&checked.2=")).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert!(
        again.contains("The mapping changed since the check"),
        "{again}"
    );
    assert!(
        again.contains(">0912345678</td>"),
        "the preview reads Numbers as the mobile: {again}"
    );
    assert!(
        again.contains("name=\"checked.2\" value=\"mobile\""),
        "{again}"
    );
    let leads = t.get("/api/v1/leads?view=all", &admin).await;
    assert_eq!(leads.body["total"], 0, "nothing is written unchecked");

    // Asked for by its button, a check again says nothing more.
    let (_, asked) = post_form(
        &t,
        &cookie,
        "/leads/import/confirm",
        confirm("&checked.2=&recheck=1"),
    )
    .await;
    assert!(
        !asked.contains("The mapping changed since the check"),
        "{asked}"
    );
    assert_eq!(
        t.get("/api/v1/leads?view=all", &admin).await.body["total"],
        0
    );

    // Imported as checked, it is written.
    let (status, done) = post_form(
        &t,
        &cookie,
        "/leads/import/confirm",
        confirm("&checked.2=mobile"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let leads = t.get("/api/v1/leads?view=all", &admin).await;
    assert_eq!(leads.body["total"], 1, "{}", leads.text);
    assert_eq!(leads.body["items"][0]["mobile"], "0912345678");
}
