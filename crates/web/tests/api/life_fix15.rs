//! Customer lifecycle gaps: an import's columns mapped by their position
//! (two columns of one header, or blank headers, read each as chosen); a
//! sales file with two columns for one field refused naming both; a pool
//! member's page of a waiting customer saying to claim it first, and the
//! claim landing back on it; an unchanged row previewed as stored.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form, urlencode};
use crate::record_fixtures::send_bytes;

/// Uploads `file` to a customer, lead or contact import page (a check);
/// answers the status and the page.
async fn check_file(
    t: &TestApp,
    (cookie, csrf): (&str, &str),
    path: &str,
    file: &str,
) -> (StatusCode, String) {
    let boundary = "LIFEFIX15BOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duplicates\"\r\n\r\nskip\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
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

/// The customers whose name is `name`, as the API lists them.
async fn customers_named(t: &TestApp, admin: &str, name: &str) -> Vec<serde_json::Value> {
    let list = t
        .get(
            &format!("/api/v1/customers?view=all&q={}", urlencode(name)),
            admin,
        )
        .await;
    list.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", list.text))
        .iter()
        .filter(|c| c["name"] == name || c["customer"]["name"] == name)
        .cloned()
        .collect()
}

/// A customer's phone and mobile as stored.
async fn phones(t: &TestApp, admin: &str, name: &str) -> (String, String) {
    let found = customers_named(t, admin, name).await;
    let id = found
        .first()
        .and_then(|c| c["id"].as_i64().or(c["customer"]["id"].as_i64()))
        .unwrap_or_else(|| panic!("{name} not found: {found:?}"));
    let one = t.get(&format!("/api/v1/customers/{id}"), admin).await;
    let c = &one.body;
    let field = |key: &str| {
        c[key]
            .as_str()
            .or(c["customer"][key].as_str())
            .unwrap_or_default()
            .to_string()
    };
    (field("phone"), field("mobile"))
}

async fn import(t: &TestApp, admin: &str, query: &str, file: &str) -> Answer {
    send_bytes(
        t,
        admin,
        &format!("/api/v1/customers/import?name=c.csv{query}"),
        file.as_bytes(),
    )
    .await
}

#[tokio::test]
async fn two_columns_of_one_header_are_mapped_by_their_number() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Phone,Phone\nTwin Phone Co,02-2771-0001,0912-345-678\n";
    // Matched by name: the first column is the phone, the other unread,
    // and the report names the columns so a mapping may name them again.
    let dry = import(&t, &admin, "&dry_run=true", file).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["mapping"]["Name"], "name", "{}", dry.text);
    assert_eq!(dry.body["mapping"]["#2"], "phone", "{}", dry.text);
    assert!(dry.body["mapping"].get("#3").is_none(), "{}", dry.text);
    assert_eq!(dry.body["columns"], json!(["name", "phone", ""]));
    assert_eq!(dry.body["unmapped"], json!(["#3"]));
    assert_eq!(
        dry.body["preview"][0]["phone"], "02-2771-0001",
        "{}",
        dry.text
    );

    // Each column by its number: read as chosen, and written so.
    let mapping = urlencode(r##"{"#2":"mobile","#3":"phone"}"##);
    let dry = import(
        &t,
        &admin,
        &format!("&dry_run=true&mapping={mapping}"),
        file,
    )
    .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["columns"], json!(["name", "mobile", "phone"]));
    assert_eq!(
        dry.body["preview"][0]["mobile"], "02-2771-0001",
        "{}",
        dry.text
    );
    assert_eq!(
        dry.body["preview"][0]["phone"], "0912-345-678",
        "{}",
        dry.text
    );
    let done = import(&t, &admin, &format!("&mapping={mapping}"), file).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["created"], 1, "{}", done.text);
    let (phone, mobile) = phones(&t, &admin, "Twin Phone Co").await;
    assert_eq!(
        (phone.as_str(), mobile.as_str()),
        ("0912-345-678", "02-2771-0001")
    );

    // A header two columns share, named by its text, is refused: which of
    // them is meant is not for the import to guess.
    let mapping = urlencode(r#"{"Phone":"mobile"}"#);
    let refused = import(
        &t,
        &admin,
        &format!("&dry_run=true&mapping={mapping}"),
        file,
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "mapping_header_repeated");
    assert!(
        refused
            .text
            .contains("more than one column headed “Phone” (columns #2, #3)"),
        "{}",
        refused.text
    );
    // A number past the file's last column.
    let mapping = urlencode(r##"{"#7":"mobile"}"##);
    let refused = import(
        &t,
        &admin,
        &format!("&dry_run=true&mapping={mapping}"),
        file,
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.text.contains("by its number from #1 to #3"),
        "{}",
        refused.text
    );
    // Two columns chosen for one field are named with their numbers.
    let mapping = urlencode(r##"{"#2":"phone","#3":"phone"}"##);
    let refused = import(
        &t,
        &admin,
        &format!("&dry_run=true&mapping={mapping}"),
        file,
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused
            .text
            .contains("The columns “#2 Phone” and “#3 Phone” are both read as Phone"),
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn the_page_maps_columns_by_position_blank_and_shared_headers_too() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let file = "Name,,\nBlank Head Co,02-2771-0001,0912-345-678\n";
    let (status, checked) = check_file(&t, (&cookie, &csrf), "/customers/import", file).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    // Each blank column is told apart by its number.
    assert!(
        checked.contains("aria-label=\"Column 2 (no header)\""),
        "{checked}"
    );
    assert!(checked.contains("name=\"map.3\""), "{checked}");
    let token = upload_token(&checked);
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&head.2=&map.2=phone&head.3=&map.3=mobile"
    );
    // Read otherwise than checked: checked again, with both columns shown
    // as chosen and nothing written yet.
    let (status, again) = post_form(&t, &cookie, "/customers/import/confirm", form.clone()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert!(
        again.contains("The mapping changed since the check"),
        "{again}"
    );
    assert!(again.contains(">02-2771-0001</td>"), "{again}");
    assert!(again.contains(">0912-345-678</td>"), "{again}");
    assert!(
        customers_named(&t, &admin, "Blank Head Co")
            .await
            .is_empty()
    );
    // As checked: written, each column into its own field.
    let (status, done) = post_form(&t, &cookie, "/customers/import/confirm", form).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (phone, mobile) = phones(&t, &admin, "Blank Head Co").await;
    assert_eq!(
        (phone.as_str(), mobile.as_str()),
        ("02-2771-0001", "0912-345-678")
    );

    // Two columns of one header: the check as the page shows it is the
    // mapping the confirmation is written with, as is.
    let file = "Name,Phone,Phone\nShared Head Co,02-2771-0002,0912-000-111\n";
    let (_, checked) = check_file(&t, (&cookie, &csrf), "/customers/import", file).await;
    let token = upload_token(&checked);
    let form = format!(
        "_csrf={csrf}&upload={token}&format=csv&duplicates=skip&head.1=Name&map.1=name&head.2=Phone&map.2=phone&head.3=Phone&map.3="
    );
    let (status, done) = post_form(&t, &cookie, "/customers/import/confirm", form).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(
        !done.contains("The mapping changed since the check"),
        "{done}"
    );
    let (phone, mobile) = phones(&t, &admin, "Shared Head Co").await;
    assert_eq!((phone.as_str(), mobile.as_str()), ("02-2771-0002", ""));
}

#[tokio::test]
async fn a_sales_file_with_two_columns_for_one_field_is_refused_naming_both() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let file = "Name,Price,Name\nWidget,100,Gadget\n";
    for (lang, words) in [
        ("en", "“#1 Name” and “#3 Name”"),
        ("zh-Hant", "「#1 Name」與「#3 Name」兩欄都是"),
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/products/import?format=csv")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::ACCEPT_LANGUAGE, lang)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(file.as_bytes().to_vec()))
            .expect("request");
        let refused = t.send(request).await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(refused.body["errors"][0]["code"], "columns_repeated");
        assert!(refused.text.contains(words), "{lang}: {}", refused.text);
    }
    let products = t.get("/api/v1/products", &admin).await;
    assert_eq!(
        products.body["total"], 0,
        "nothing written: {}",
        products.text
    );
}

#[tokio::test]
async fn a_pool_member_is_told_to_claim_first_and_the_claim_lands_on_the_customer() {
    use crate::pool_fixtures::{first_pool, owned_customer, release, rep, top_department};
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "pool claimer",
            &[
                "customer.view",
                "customer.create",
                "customer.edit",
                "contact.view",
                "contact.create",
                "follow_up.create",
                "opportunity.view",
                "opportunity.create",
                "pool.view",
                "pool.claim",
            ],
            json!({ "customer": { "scope": "own" }, "contact": { "scope": "own" } }),
        )
        .await;
    let top = top_department(&t, &admin).await;
    rep(&t, &admin, "0962150002", top, role).await;
    let pool = first_pool(&t, &admin).await;
    let waiting = owned_customer(&t, &admin, json!({ "name": "Waiting Pool Co" })).await;
    release(&t, &admin, waiting, Some(pool)).await;

    let cookie = page_session(&t, "0962150002").await;
    let path = format!("/customers/{waiting}");
    let (status, html) = page(&t, &cookie, &path, "en").await;
    assert_eq!(status, 200, "{html}");
    // Nothing asks for what cannot be done before the claim.
    assert!(!html.contains("Write down the first call"), "{html}");
    assert!(!html.contains("No contacts yet: add the people"), "{html}");
    assert!(!html.contains("Add colleagues to share it"), "{html}");
    assert!(!html.contains("create one when there is a deal"), "{html}");
    assert!(
        html.contains("Claim it first to write follow-ups"),
        "{html}"
    );
    assert!(
        html.contains("No follow-ups yet. Claim the customer first"),
        "{html}"
    );
    assert!(
        html.contains("No contacts yet. Claim the customer first"),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"back\" value=\"/customers/{waiting}\"")),
        "{html}"
    );

    // The edit page refuses, with the way back and the claim.
    let (status, edit) = page(&t, &cookie, &format!("{path}/edit"), "en").await;
    assert_eq!(status, 409, "{edit}");
    assert!(edit.contains("claim it first"), "{edit}");
    assert!(edit.contains(&format!("href=\"{path}\"")), "{edit}");
    assert!(edit.contains("Back to the customer"), "{edit}");
    assert!(edit.contains("action=\"/pool/claim\""), "{edit}");
    assert!(
        edit.contains(&format!("name=\"ids\" value=\"{waiting}\"")),
        "{edit}"
    );

    // A back that is not a customer's page is not followed.
    let csrf = page_csrf(&t, &cookie).await;
    let (status, location) = post_form(
        &t,
        &cookie,
        "/pool/claim",
        format!(
            "_csrf={csrf}&pool_id={pool}&ids={waiting}&back={}",
            urlencode("//elsewhere.example/customers/1")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.starts_with("/pool?"), "{location}");
    // Released again, and claimed from its page: back on the page, now
    // the member's to write on, with the confirmation.
    release(&t, &admin, waiting, Some(pool)).await;
    let (status, location) = post_form(
        &t,
        &cookie,
        "/pool/claim",
        format!(
            "_csrf={csrf}&pool_id={pool}&ids={waiting}&back={}",
            urlencode(&path)
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("{path}?done=claimed"));
    let (status, html) = page(&t, &cookie, &location, "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Claimed: this customer is yours now"),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"/customers/{waiting}/follow-ups")),
        "{html}"
    );
    assert!(!html.contains("Claim the customer first"), "{html}");
}

#[tokio::test]
async fn an_unchanged_row_is_previewed_as_stored() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body = json!({ "name": "Stored Spelling Co", "phone": "02-2771-0001" });
    let created = t.post("/api/v1/customers", &admin, body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let file = "Name,Phone\nstored spelling co,(02)27710001\n";
    let dry = import(&t, &admin, "&dry_run=true&duplicates=update", file).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["would_update"], 0, "unchanged: {}", dry.text);
    let row = &dry.body["preview"][0];
    assert_eq!(row["name"], "Stored Spelling Co", "{}", dry.text);
    assert_eq!(row["phone"], "02-2771-0001", "{}", dry.text);

    // A contact's customer is shown by its stored name, not as typed.
    let file = "Name,Customer\n王小姐,STORED SPELLING CO\n";
    let mapping = urlencode(r#"{"Name":"name","Customer":"customer_id"}"#);
    let dry = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/contacts/import?name=c.csv&dry_run=true&mapping={mapping}"),
        file.as_bytes(),
    )
    .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(
        dry.body["preview"][0]["customer_id"], "Stored Spelling Co",
        "{}",
        dry.text
    );
    // Imported, then imported again unchanged: the stored contact shows.
    let done = send_bytes(
        &t,
        &admin,
        &format!("/api/v1/contacts/import?name=c.csv&mapping={mapping}"),
        "Name,Customer\n王小姐,Stored Spelling Co\n".as_bytes(),
    )
    .await;
    assert_eq!(done.body["created"], 1, "{}", done.text);
    let dry = send_bytes(
        &t,
        &admin,
        &format!(
            "/api/v1/contacts/import?name=c.csv&dry_run=true&duplicates=update&mapping={mapping}"
        ),
        file.as_bytes(),
    )
    .await;
    assert_eq!(dry.body["would_update"], 0, "{}", dry.text);
    assert_eq!(dry.body["preview"][0]["name"], "王小姐", "{}", dry.text);
    assert_eq!(
        dry.body["preview"][0]["customer_id"], "Stored Spelling Co",
        "{}",
        dry.text
    );
}
