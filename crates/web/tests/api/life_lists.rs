//! Customer lists and limits: the condition box on the customer list,
//! "see all" from a customer's tabs, messages that name their limits,
//! unique custom values found by an index, and search text rebuilt for
//! records written before phones were read as dialled at home.

use serde_json::json;

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};
use crate::record_fixtures::made;

/// The names of the customers a list page shows, among `among`.
fn shown<'a>(html: &str, among: &[&'a str]) -> Vec<&'a str> {
    among
        .iter()
        .copied()
        .filter(|n| html.contains(&format!(">{n}</a>")))
        .collect()
}

#[tokio::test]
async fn the_customer_list_takes_typed_conditions_on_custom_fields() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for (key, field_type, options) in [
        ("vip", "bool", json!([])),
        ("staff", "number", json!([])),
        ("budget", "money", json!([])),
        ("since", "date", json!([])),
        ("region", "choice", json!(["North", "South", "East"])),
    ] {
        let body = json!({ "kind": "customer", "key": key, "label": key.to_uppercase(), "field_type": field_type, "options": options });
        let answer = t.post("/api/v1/fields", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    for (name, vip, staff, budget, since, region) in [
        ("Alpha Ltd", true, "12", "1500.50", "2019-03-01", "North"),
        ("Beta Ltd", false, "250", "90000", "2021-07-15", "South"),
        ("Gamma Ltd", true, "80", "20000", "2023-01-10", "East"),
    ] {
        let body = json!({ "name": name, "custom": {
            "vip": vip, "staff": staff, "budget": budget, "since": since, "region": region
        } });
        made(&t, &admin, "/api/v1/customers", body).await;
    }
    let all = ["Alpha Ltd", "Beta Ltd", "Gamma Ltd"];
    let cookie = page_session(&t, ADMIN_PHONE).await;

    // The box is on the page, with operators that fit each type; no script
    // is needed (a select and a text box in the search form).
    let (status, html) = page(&t, &cookie, "/customers", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"cond\""), "{html}");
    assert!(
        html.contains("value=\"custom.vip|yes\">VIP"),
        "yes/no field"
    );
    assert!(
        html.contains("value=\"custom.staff|at_least\">STAFF"),
        "number range"
    );
    assert!(
        html.contains("value=\"custom.budget|at_most\">BUDGET"),
        "money range"
    );
    assert!(
        html.contains("value=\"custom.since|on_or_after\">SINCE"),
        "date range"
    );
    assert!(
        html.contains("value=\"custom.since|last_month\">SINCE"),
        "date periods"
    );
    assert!(
        html.contains("value=\"custom.region|South\">South</option>"),
        "choices"
    );
    assert!(
        !html.contains("value=\"custom.vip|contains\""),
        "no text operator on yes/no"
    );
    assert!(
        html.contains("value=\"level_id|one_of\">"),
        "system choices too"
    );

    let list = |query: &'static str| {
        let t = &t;
        let cookie = cookie.clone();
        async move {
            let (status, html) = page(t, &cookie, &format!("/customers?{query}"), "en").await;
            assert_eq!(status, 200, "{query}: {html}");
            html
        }
    };
    let html = list("cond=custom.vip%7Cyes").await;
    assert_eq!(shown(&html, &all), ["Alpha Ltd", "Gamma Ltd"]);
    assert!(
        html.contains("VIP"),
        "the chip names the field by its label"
    );
    let html = list("cond=custom.staff%7Cat_least&cv=80").await;
    assert_eq!(
        shown(&html, &all),
        ["Beta Ltd", "Gamma Ltd"],
        "numbers, not text"
    );
    let html = list("cond=custom.budget%7Cat_most&cv=20000").await;
    assert_eq!(shown(&html, &all), ["Alpha Ltd", "Gamma Ltd"]);
    let html = list("cond=custom.since%7Con_or_before&cv=2021-07-15").await;
    assert_eq!(shown(&html, &all), ["Alpha Ltd", "Beta Ltd"]);
    let html =
        list("cond=custom.region%7Cone_of&cvc=custom.region%7CNorth&cvc=custom.region%7CEast")
            .await;
    assert_eq!(shown(&html, &all), ["Alpha Ltd", "Gamma Ltd"]);
    assert!(html.contains("“North, East”"), "{html}");

    // Conditions add up: the kept one rides in `c`, the new one beside it,
    // and the chip's remove link keeps the other.
    let kept = r#"[["custom.vip","yes",""]]"#
        .replace('"', "%22")
        .replace('[', "%5B")
        .replace(']', "%5D")
        .replace(',', "%2C");
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/customers?c={kept}&cond=custom.staff%7Cat_most&cv=50"),
        "en",
    )
    .await;
    assert_eq!(shown(&html, &all), ["Alpha Ltd"]);
    let remove = html
        .split("class=\"chip\"")
        .nth(2)
        .and_then(|chip| chip.split("href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("a second chip with its remove link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let (_, html) = page(&t, &cookie, &remove, "en").await;
    assert_eq!(shown(&html, &all), ["Alpha Ltd", "Gamma Ltd"], "{remove}");

    // A condition with a value of the wrong type shows the list again, its
    // other conditions kept, with the message above it.
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/customers?c={kept}&cond=custom.staff%7Cat_least&cv=abc"),
        "en",
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("role=\"alert\""), "{html}");
    assert_eq!(shown(&html, &all), ["Alpha Ltd", "Gamma Ltd"]);

    // The next page, the tabs and the export keep the conditions.
    let (_, html) = page(
        &t,
        &cookie,
        "/customers?limit=20&cond=custom.vip%7Cno",
        "en",
    )
    .await;
    assert_eq!(shown(&html, &all), ["Beta Ltd"]);
    let html = html.replace("&#38;", "&").replace("&amp;", "&");
    let export = html
        .split("href=\"/customers/export?format=csv&")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("export link")
        .to_string();
    assert!(export.contains("c=%5B%5B%22custom.vip%22"), "{export}");
    let (status, csv) = page(
        &t,
        &cookie,
        &format!("/customers/export?format=csv&{export}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("Beta Ltd") && !csv.contains("Alpha Ltd"),
        "{csv}"
    );

    // A bad value is named, not a failure of the page.
    let (status, html) = page(
        &t,
        &cookie,
        "/customers?cond=custom.staff%7Cat_least&cv=many",
        "en",
    )
    .await;
    assert_ne!(status, 500, "{html}");
}

/// How many distinct records of `list` (`/opportunities/12`) a page links.
fn linked(html: &str, list: &str) -> usize {
    let mut ids: Vec<i64> = html
        .split(&format!("href=\"/{list}/"))
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

#[tokio::test]
async fn a_customers_tabs_show_twenty_and_link_the_lists_narrowed_to_it() {
    use crate::sales_fixtures::{contract, create, customer, sales_team, submit};
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, admin) = (team.rep.1.as_str(), team.admin.as_str());
    let client = customer(&t, rep, "Many Records Ltd").await;
    let other = customer(&t, rep, "Other Ltd").await;
    for n in 0..21 {
        let body = json!({ "name": format!("Deal {n}"), "customer_id": client, "amount": "10" });
        create(&t, rep, "/api/v1/opportunities", body).await;
    }
    let elsewhere = json!({ "name": "Elsewhere", "customer_id": other, "amount": "10" });
    let elsewhere = create(&t, rep, "/api/v1/opportunities", elsewhere).await;
    let mut deals = Vec::new();
    for _ in 0..21 {
        let deal = contract(&t, rep, client, "1000").await;
        let plan = json!({ "amount": "100", "planned_on": "2026-04-01" });
        let answer = t
            .post(&format!("/api/v1/contracts/{deal}/plans"), rep, plan)
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
        deals.push(deal);
    }
    for n in 0..21 {
        let body = json!({ "contract_id": deals[0], "received_on": "2026-03-02", "amount": format!("{}", n + 1) });
        create(&t, rep, "/api/v1/payments", body).await;
    }
    for n in 0..21 {
        let body = json!({ "name": format!("Person {n}"), "customer_id": client });
        made(&t, admin, "/api/v1/contacts", body).await;
    }
    made(
        &t,
        admin,
        "/api/v1/contacts",
        json!({ "name": "Someone Else", "customer_id": other }),
    )
    .await;

    // The rep's page: twenty of each, and a link to all 21 on the list.
    let rep_cookie = page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &rep_cookie, &format!("/customers/{client}"), "en").await;
    assert_eq!(status, 200);
    for list in ["opportunities", "contracts", "payments"] {
        assert!(
            html.contains(&format!(
                "href=\"/{list}?customer_id={client}\">See all 21</a>"
            )),
            "{list}: {html}"
        );
    }
    assert_eq!(linked(&html, "opportunities"), 20);
    assert_eq!(linked(&html, "payments"), 20);
    assert!(html.contains("See the instalments of all its contracts"));
    let admin_cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &admin_cookie, &format!("/customers/{client}"), "en").await;
    assert_eq!(linked(&html, "contacts"), 20, "twenty contacts shown");
    assert!(html.contains(&format!(
        "href=\"/contacts?customer_id={client}\">See all 21</a>"
    )));
    for lang in ["zh-Hant", "zh-Hans"] {
        let (_, html) = page(&t, &admin_cookie, &format!("/customers/{client}"), lang).await;
        assert!(
            !html.contains("life_lists.") && !html.contains("sales7."),
            "{lang}"
        );
    }

    // The lists narrowed to the customer: all of its records, none of the
    // other's, the customer named above the table and kept by the search form.
    let (status, html) = page(
        &t,
        &rep_cookie,
        &format!("/opportunities?customer_id={client}"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(linked(&html, "opportunities"), 21, "{html}");
    assert!(!html.contains(&format!("/opportunities/{elsewhere}\"")));
    assert!(html.contains("Customer: Many Records Ltd"), "{html}");
    assert!(html.contains(&format!("name=\"customer_id\" value=\"{client}\"")));
    let (_, html) = page(
        &t,
        &rep_cookie,
        &format!("/contracts?customer_id={client}"),
        "en",
    )
    .await;
    assert_eq!(linked(&html, "contracts"), 21);
    let (_, html) = page(
        &t,
        &rep_cookie,
        &format!("/payments?customer_id={client}"),
        "en",
    )
    .await;
    assert_eq!(linked(&html, "payments"), 21);
    let (_, html) = page(
        &t,
        &rep_cookie,
        &format!("/payments?customer_id={other}"),
        "en",
    )
    .await;
    assert_eq!(linked(&html, "payments"), 0);
    let (_, html) = page(
        &t,
        &admin_cookie,
        &format!("/contacts?customer_id={client}"),
        "en",
    )
    .await;
    assert_eq!(linked(&html, "contacts"), 20, "a page of 20");
    assert!(html.contains("Customer: Many Records Ltd"));
    let (_, html) = page(
        &t,
        &admin_cookie,
        &format!("/contacts?customer_id={client}&limit=50"),
        "en",
    )
    .await;
    assert_eq!(linked(&html, "contacts"), 21);
    assert!(!html.contains("Someone Else"));
    // Its export holds the same rows.
    let (status, csv) = page(
        &t,
        &admin_cookie,
        &format!("/opportunities/export?format=csv&customer_id={client}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        csv.lines().filter(|l| l.contains("Deal ")).count(),
        21,
        "{csv}"
    );
    assert!(!csv.contains("Elsewhere"));

    // The API takes the same narrowing, scoped as usual.
    for list in ["opportunities", "contracts", "payments", "contacts"] {
        let answer = t
            .get(&format!("/api/v1/{list}?customer_id={client}"), admin)
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["total"], 21, "{list}: {}", answer.text);
    }
    let export = t
        .get(
            &format!("/api/v1/exports/contracts?format=csv&customer_id={other}"),
            admin,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert_eq!(
        export.text.lines().count(),
        1,
        "the header only: {}",
        export.text
    );
    let outsider = team.other_rep.1.as_str();
    for list in ["opportunities", "contracts", "payments"] {
        let answer = t
            .get(&format!("/api/v1/{list}?customer_id={client}"), outsider)
            .await;
        assert_eq!(answer.body["total"], 0, "{list}: {}", answer.text);
    }
    let other_cookie = page_session(&t, "0971000003").await;
    let (status, html) = page(
        &t,
        &other_cookie,
        &format!("/opportunities?customer_id={client}"),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(linked(&html, "opportunities"), 0);
    assert!(
        !html.contains("Many Records Ltd"),
        "the customer's name stays hidden"
    );
}

/// Sends a file as the whole body of a POST, in `lang`.
async fn send_file(t: &TestApp, token: &str, path: &str, bytes: Vec<u8>) -> crate::helpers::Answer {
    use axum::body::Body;
    use axum::http::{Method, Request, header};
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .expect("request");
    t.send(request).await
}

/// The first field error's message of an answer.
fn first_message(answer: &crate::helpers::Answer) -> String {
    answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_refused_attachment_names_the_limit_or_what_its_content_is() {
    let mut t = TestApp::new().await;
    // A small limit keeps the files of this test small.
    t.settings.attachment_max_mb = 1;
    t.restart().await;
    let admin = t.admin().await;
    let client = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Files Ltd" }),
    )
    .await;
    let path = format!("/api/v1/customers/{client}/attachments?name=big.pdf");

    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(1024 * 1024 + 200_000, b'x');
    let answer = send_file(&t, &admin, &path, big).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["code"], "file_too_large");
    let message = first_message(&answer);
    assert!(message.contains("larger than 1 MB"), "{message}");
    assert!(message.contains("1.2 MB"), "the file's own size: {message}");

    // A program is refused by its content, whatever its name says.
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    program.resize(4096, 0);
    let path = format!("/api/v1/customers/{client}/attachments?name=report.pdf");
    let answer = send_file(&t, &admin, &path, program).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["code"], "file_type_refused");
    let message = first_message(&answer);
    assert!(message.contains("EXE"), "what was found: {message}");
    for allowed in ["PDF", "PNG", "JPEG", "DOCX", "XLSX", "TXT"] {
        assert!(message.contains(allowed), "{allowed} allowed: {message}");
    }

    // The page takes a file above the old 2 MB body limit and says the
    // setting's limit, never "empty".
    t.settings.attachment_max_mb = 4;
    t.restart().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let upload = |bytes: Vec<u8>| {
        let t = &t;
        let (cookie, csrf) = (cookie.clone(), csrf.clone());
        async move {
            use axum::body::Body;
            use axum::http::{Method, Request, header};
            let boundary = "life-lists-boundary";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .into_bytes();
            body.extend(bytes);
            body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
            let request = Request::builder()
                .method(Method::POST)
                .uri(format!("/customers/{client}/attachments"))
                .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .expect("request");
            t.send(request).await
        }
    };
    let mut three = b"%PDF-1.4\n".to_vec();
    three.resize(3 * 1024 * 1024, b'x');
    let answer = upload(three).await;
    assert_eq!(answer.status.as_u16(), 303, "{}", answer.text);
    let mut five = b"%PDF-1.4\n".to_vec();
    five.resize(5 * 1024 * 1024, b'x');
    let answer = upload(five).await;
    assert_eq!(answer.status.as_u16(), 422, "{}", answer.text);
    assert!(answer.text.contains("larger than 4 MB"), "{}", answer.text);
}

#[tokio::test]
async fn too_long_names_the_field_and_its_longest() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body =
        json!({ "kind": "customer", "key": "motto", "label": "Motto", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);

    let long_name = "名".repeat(101);
    let answer = t
        .post("/api/v1/customers", &admin, json!({ "name": long_name }))
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.body["errors"][0]["code"], "too_long");
    let message = first_message(&answer);
    assert!(
        message.contains("Name") && message.contains("100"),
        "{message}"
    );

    let answer = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Motto Ltd", "custom": { "motto": "x".repeat(201) } }),
        )
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    let message = first_message(&answer);
    assert!(
        message.contains("Motto") && message.contains("200"),
        "{message}"
    );

    // In the other languages too, and in an import's row report.
    let request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri("/api/v1/leads")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(axum::http::header::ACCEPT_LANGUAGE, "zh-Hant")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(
            json!({ "name": "x".repeat(101) }).to_string(),
        ))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert!(first_message(&answer).contains("100"), "{}", answer.text);
    let file = format!("name\n{}\n", "y".repeat(101));
    let report = send_file(
        &t,
        &admin,
        "/api/v1/customers/import?dry_run=true",
        file.into_bytes(),
    )
    .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let problem = &report.body["problems"][0];
    assert_eq!(problem["code"], "too_long", "{}", report.text);
    let lead_file = format!("name\n{}\n", "z".repeat(101));
    let path = "/api/v1/leads/import?dry_run=true&report=csv";
    let report = send_file(&t, &admin, path, lead_file.into_bytes()).await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert!(
        report.text.contains("at most 100 characters"),
        "{}",
        report.text
    );
}

/// A unique text field `member_no` of `kind`.
async fn unique_member_no(t: &TestApp, admin: &str, kind: &str, unique: bool) -> i64 {
    let body = json!({ "kind": kind, "key": "member_no", "label": "Member no",
        "field_type": "text", "unique": unique });
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.body["id"].as_i64().expect("id")
}

/// A body of `kind` (`customers`, `leads`, `contacts`) with the custom value.
fn record_of(path: &str, name: &str, customer: i64, no: &str) -> serde_json::Value {
    match path {
        "contacts" => {
            json!({ "name": name, "customer_id": customer, "custom": { "member_no": no } })
        }
        _ => json!({ "name": name, "custom": { "member_no": no } }),
    }
}

/// Saves record `id` of `path` at `version` with the custom value `no`:
/// customers by a patch, leads and contacts by a whole record.
async fn edit(
    t: &TestApp,
    admin: &str,
    (path, id, version): (&str, i64, i64),
    customer: i64,
    no: &str,
) -> crate::helpers::Answer {
    let address = format!("/api/v1/{path}/{id}");
    if path == "customers" {
        let body = json!({ "version": version, "custom": { "member_no": no } });
        return t.patch(&address, admin, body).await;
    }
    let mut body = record_of(path, "Second", customer, no);
    body["version"] = json!(version);
    t.put(&address, admin, body).await
}

#[tokio::test]
async fn unique_values_are_refused_on_create_update_and_import_and_freed_by_delete() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let holder = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Holder Ltd" }),
    )
    .await;
    for (kind, path) in [
        ("customer", "customers"),
        ("lead", "leads"),
        ("contact", "contacts"),
    ] {
        unique_member_no(&t, &admin, kind, true).await;
        let api = format!("/api/v1/{path}");
        let first = made(
            &t,
            &admin,
            &api,
            record_of(path, "First", holder, "KJ-0001"),
        )
        .await;
        let refused = t
            .post(
                &api,
                &admin,
                record_of(path, "Copy", holder, " ｋｊ－0001 "),
            )
            .await;
        assert_eq!(refused.status, 422, "{kind}: {}", refused.text);
        assert_eq!(refused.body["errors"][0]["code"], "custom_value_taken");
        assert!(
            first_message(&refused).contains("Member no"),
            "{}",
            refused.text
        );

        let second = made(
            &t,
            &admin,
            &api,
            record_of(path, "Second", holder, "KJ-0002"),
        )
        .await;
        let taken = edit(&t, &admin, (path, second, 1), holder, "kj-0001").await;
        assert_eq!(taken.status, 422, "{kind}: {}", taken.text);

        let file = match path {
            "contacts" => "Name,Customer,Member no\nThird,Holder Ltd,KJ-0001\n".to_string(),
            _ => "Name,Member no\nThird,KJ-0001\n".to_string(),
        };
        let report = send_file(
            &t,
            &admin,
            &format!("{api}/import?dry_run=true"),
            file.clone().into_bytes(),
        )
        .await;
        assert_eq!(report.status, 200, "{kind}: {}", report.text);
        let problems = report.body["problems"].as_array().expect("problems");
        assert!(
            problems.iter().any(|p| p["code"] == "custom_value_taken"),
            "{kind}: {}",
            report.text
        );

        // Deleting the holder frees its value; its own record keeps it.
        let delete = t
            .call(
                axum::http::Method::DELETE,
                &format!("{api}/{first}"),
                Some(&admin),
                None,
            )
            .await;
        assert!(delete.status.is_success(), "{kind}: {}", delete.text);
        let freed = edit(&t, &admin, (path, second, 1), holder, "kj-0001").await;
        assert_eq!(freed.status, 200, "{kind}: {}", freed.text);
        let own = edit(&t, &admin, (path, second, 2), holder, "KJ-0001").await;
        assert_eq!(own.status, 200, "{kind}: its own value again: {}", own.text);
    }
}

#[tokio::test]
async fn values_held_before_a_field_became_unique_are_checked_and_read_in_at_start() {
    let mut t = TestApp::new().await;
    let admin = t.admin().await;
    let field = unique_member_no(&t, &admin, "customer", false).await;
    for name in ["One", "Two"] {
        made(
            &t,
            &admin,
            "/api/v1/customers",
            record_of("customers", name, 0, "Dup-7"),
        )
        .await;
    }
    made(
        &t,
        &admin,
        "/api/v1/customers",
        record_of("customers", "Three", 0, "Own-3"),
    )
    .await;
    // Not unique yet: a third copy is fine.
    made(
        &t,
        &admin,
        "/api/v1/customers",
        record_of("customers", "Four", 0, "dup-7"),
    )
    .await;
    let made_unique = t
        .patch(
            &format!("/api/v1/fields/{field}"),
            &admin,
            json!({ "unique": true }),
        )
        .await;
    assert_eq!(made_unique.status, 200, "{}", made_unique.text);
    let refused = t
        .post(
            "/api/v1/customers",
            &admin,
            record_of("customers", "Five", 0, "DUP-7"),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let refused = t
        .post(
            "/api/v1/customers",
            &admin,
            record_of("customers", "Six", 0, "own-3"),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);

    // As a database from before the values were kept: nothing kept, the
    // field marked by the migration; the start reads them in once.
    t.sql("delete from custom_unique_values").await;
    let before = t
        .post(
            "/api/v1/customers",
            &admin,
            record_of("customers", "Seven", 0, "own-3"),
        )
        .await;
    assert_eq!(
        before.status, 201,
        "nothing kept, nothing found: {}",
        before.text
    );
    let seven = before.body["id"].as_i64().expect("id");
    t.call(
        axum::http::Method::DELETE,
        &format!("/api/v1/customers/{seven}"),
        Some(&admin),
        None,
    )
    .await;
    t.sql("delete from custom_unique_values").await;
    t.sql("insert into custom_unique_pending (kind, field) values ('customer', 'member_no')")
        .await;
    t.restart().await;
    let admin = t.admin().await;
    let refused = t
        .post(
            "/api/v1/customers",
            &admin,
            record_of("customers", "Eight", 0, "OWN-3"),
        )
        .await;
    assert_eq!(refused.status, 422, "read in at start: {}", refused.text);
    let fresh = t
        .post(
            "/api/v1/customers",
            &admin,
            record_of("customers", "Nine", 0, "New-9"),
        )
        .await;
    assert_eq!(fresh.status, 201, "{}", fresh.text);

    // No longer unique: anything goes again.
    let relaxed = t
        .patch(
            &format!("/api/v1/fields/{field}"),
            &admin,
            json!({ "unique": false }),
        )
        .await;
    assert_eq!(relaxed.status, 200, "{}", relaxed.text);
    let again = t
        .post(
            "/api/v1/customers",
            &admin,
            record_of("customers", "Ten", 0, "own-3"),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_saves_of_one_unique_value_at_once_keep_exactly_one() {
    let t = std::sync::Arc::new(TestApp::new().await);
    let admin = t.admin().await;
    unique_member_no(&t, &admin, "lead", true).await;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (t, admin) = (t.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let body = record_of("leads", &format!("Racer {n}"), 0, "RACE-1");
            t.post("/api/v1/leads", &admin, body).await.status.as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 422),
        "{statuses:?}"
    );
    let list = t.get("/api/v1/leads?q=racer", &admin).await;
    assert_eq!(list.body["total"], 1, "{}", list.text);
}

#[tokio::test]
async fn records_saved_before_are_found_by_phones_dialled_from_abroad_after_a_start() {
    let mut t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Abroad Trading", "phone": "+886 2 2345 6789" }),
    )
    .await;
    made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Abroad Lead", "mobile": "+886 912 345 678" }),
    )
    .await;
    made(
        &t,
        &admin,
        "/api/v1/contacts",
        json!({ "name": "Abroad Person", "customer_id": customer, "mobile": "00886 933 222 111" }),
    )
    .await;
    // Saved now, each is found by the number as dialled at home.
    let searches = [
        ("/api/v1/customers?q=02-2345-6789", "customers"),
        ("/api/v1/leads?view=all&q=0912345678", "leads"),
        ("/api/v1/contacts?q=0933222111", "contacts"),
    ];
    for (path, what) in searches {
        let answer = t.get(path, &admin).await;
        assert_eq!(answer.body["total"], 1, "{what} now: {}", answer.text);
    }

    // As saved before 0026: the keys and the search text hold the number as
    // dialled from abroad, and 0032 marks every row.
    let yes = "(1 = 1)";
    t.sql("update customers set phone_key = '886223456789', search_text = 'abroad trading abroadtrading 886223456789'").await;
    t.sql("update leads set mobile_key = '886912345678', search_text = 'abroad lead abroadlead +886 912 345 678 886912345678'").await;
    t.sql("update contacts set phone_key = '00886933222111', search_text = 'abroad person 00886933222111 00886 933 222 111'").await;
    for (path, what) in searches {
        let answer = t.get(path, &admin).await;
        assert_eq!(
            answer.body["total"], 0,
            "{what} as stored before: {}",
            answer.text
        );
    }
    for table in ["customers", "leads", "contacts"] {
        t.sql(&format!("update {table} set search_pending = {yes}"))
            .await;
    }
    t.restart().await;
    let admin = t.admin().await;
    for (path, what) in searches {
        let answer = t.get(path, &admin).await;
        assert_eq!(
            answer.body["total"], 1,
            "{what} after the start: {}",
            answer.text
        );
    }
    // The name still finds them, and the global search too.
    let answer = t.get("/api/v1/customers?q=Abroad", &admin).await;
    assert_eq!(answer.body["total"], 1, "{}", answer.text);
    let search = t.get("/api/v1/search?q=0223456789", &admin).await;
    assert_eq!(search.status, 200, "{}", search.text);
    assert!(search.text.contains("Abroad Trading"), "{}", search.text);
    // Once: the marks are gone.
    t.restart().await;
    let admin = t.admin().await;
    let answer = t.get("/api/v1/customers?q=02-2345-6789", &admin).await;
    assert_eq!(answer.body["total"], 1);
}
