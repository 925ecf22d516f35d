//! Import of contracts and payments from CSV and XLSX: through the API and
//! the list pages, all or nothing, within the importer's scope.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use kuijing_service::spreadsheets::{Format, TableWriter};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{Answer, TestApp};
use crate::sales_fixtures::{SalesTeam, contract, create, customer, sales_team, submit};

/// Sends a file as a multipart form, with the named ticks set.
pub(crate) async fn upload(
    t: &TestApp,
    token: &str,
    path: &str,
    (name, bytes): (&str, &[u8]),
    ticks: &[&str],
) -> Answer {
    let boundary = "XIMPORTBOUNDARYX";
    let mut body = Vec::new();
    for tick in ticks {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{tick}\"\r\n\r\ntrue\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(request).await
}

/// A response's body as bytes (an XLSX file).
async fn bytes_of(t: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let request = Request::builder()
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let response = t.router.clone().oneshot(request).await.expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

/// Rows written to an XLSX file, read back as bytes.
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

/// Gives the rep the right to import contracts and payments, on their own.
async fn importer(t: &TestApp, team: &SalesTeam) {
    let mut permissions = vec![
        "customer.view",
        "customer.create",
        "customer.edit",
        "contact.view",
        "contact.create",
        "opportunity.view",
        "opportunity.create",
        "contract.view",
        "contract.create",
        "contract.edit",
        "contract.delete",
        "contract.submit",
        "contract.export",
        "contract.import",
        "payment_plan.view",
        "payment_plan.create",
        "payment.view",
        "payment.create",
        "payment.submit",
        "payment.import",
    ];
    permissions.sort();
    let scopes = json!({
        "customer": { "scope": "own" }, "contact": { "scope": "own" },
        "opportunity": { "scope": "own" }, "contract": { "scope": "own" },
        "payment_plan": { "scope": "own" }, "payment": { "scope": "own" },
        "user": { "scope": "department" }
    });
    let role = t
        .role(&team.admin, "Rep who imports", &permissions, scopes)
        .await;
    let set = t
        .patch(
            &format!("/api/v1/users/{}", team.rep.0),
            &team.admin,
            json!({ "role_ids": [role] }),
        )
        .await;
    assert!(set.status.is_success(), "{}", set.text);
}

fn problems(answer: &Answer) -> Vec<(u64, String, String)> {
    answer.body["problems"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|p| {
                    (
                        p["row"].as_u64().unwrap_or_default(),
                        p["field"].as_str().unwrap_or_default().to_string(),
                        p["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn contracts_of(t: &TestApp, token: &str) -> Vec<Value> {
    let list = t.get("/api/v1/contracts?limit=100", token).await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn contracts_import_from_csv_and_xlsx_as_drafts() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    importer(&t, &team).await;
    let rep = &team.rep.1;
    let acme = customer(&t, rep, "Acme 股份有限公司").await;
    create(
        &t,
        rep,
        "/api/v1/contacts",
        json!({ "customer_id": acme, "name": "林經理" }),
    )
    .await;
    // Headers in Traditional Chinese; dates as ROC, slashes and an Excel serial.
    let file = "編號,標題,客戶,金額,幣別,簽約日期,開始日期,結束日期,客戶簽約人,公司簽約人,付款方式,備註\n\
        HT-IMP-1,Maintenance 2026,Acme,\"12,000.50\",CNY,2026/1/5,115/01/10,46387,林經理,0971000001,Bank transfer,First year\n\
        ,Support,Acme,500,,2026-02-01,,,,,,\n";
    let checked = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &["check"],
    )
    .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(checked.body["written"], false);
    assert_eq!(checked.body["would_create"], 2, "{}", checked.text);
    assert_eq!(checked.body["created"], 0, "{}", checked.text);
    assert!(
        contracts_of(&t, rep).await.is_empty(),
        "a check writes nothing"
    );

    let done = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
    let made = contracts_of(&t, rep).await;
    assert_eq!(made.len(), 2);
    let first = made
        .iter()
        .find(|c| c["number"] == "HT-IMP-1")
        .expect("typed number kept");
    assert_eq!(first["name"], "Maintenance 2026");
    assert_eq!(first["amount"], 1_200_050);
    assert_eq!(first["currency"], "CNY");
    assert_eq!(first["signed_on"], "2026-01-05");
    assert_eq!(first["starts_on"], "2026-01-10");
    assert_eq!(first["ends_on"], "2026-12-31");
    assert_eq!(
        first["status"], "draft",
        "imported contracts await approval"
    );
    assert_eq!(first["owner_id"], team.rep.0);
    let detail = t
        .get(&format!("/api/v1/contracts/{}", first["id"]), rep)
        .await;
    assert_eq!(detail.body["customer_signer_name"], "林經理");
    assert_eq!(detail.body["company_signer_id"], team.manager.0);
    assert!(detail.body["payment_method_id"].is_i64());
    let second = made
        .iter()
        .find(|c| c["name"] == "Support")
        .expect("second");
    let number = second["number"].as_str().expect("number");
    assert!(number.starts_with("HT"), "numbered by the rule: {number}");
    assert_eq!(second["signed_on"], "2026-02-01");

    // The same file again: its typed number is taken now, and nothing is written.
    let again = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(again.body["written"], false);
    assert_eq!(
        problems(&again),
        vec![(2, "number".into(), "contract_number_taken".into())]
    );
    assert_eq!(contracts_of(&t, rep).await.len(), 2);

    // XLSX with English headers; the owner by phone, the opportunity by name.
    create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Big rollout", "customer_id": acme }),
    )
    .await;
    let book = xlsx(&[
        &[
            "Contract number",
            "Name",
            "Customer",
            "Opportunity",
            "Amount",
            "Signing date",
            "Owner",
        ],
        &[
            "HT-XL-1",
            "Rollout",
            "Acme",
            "big rollout",
            "300",
            "2026-02-10",
            "0971000002",
        ],
    ]);
    let done = upload(&t, rep, "/api/v1/contracts/import", ("c.xlsx", &book), &[]).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["written"], true, "{}", done.text);
    let made = contracts_of(&t, rep).await;
    let rollout = made
        .iter()
        .find(|c| c["number"] == "HT-XL-1")
        .expect("from xlsx");
    assert_eq!(rollout["amount"], 30_000);
    assert!(rollout["opportunity_id"].is_i64());
    assert_eq!(rollout["signed_on"], "2026-02-10");
}

#[tokio::test]
async fn a_bad_contract_row_rolls_back_every_row_and_names_row_and_column() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    importer(&t, &team).await;
    let rep = &team.rep.1;
    customer(&t, rep, "Acme").await;
    // Another rep's customer is not the importer's: "not found" to them.
    customer(&t, &team.other_rep.1, "Hidden Ltd").await;
    let file = "Number,Name,Customer,Amount,Signing date,Owner\n\
        A-1,Good,Acme,100,2026-01-05,\n\
        \n\
        A-2,Elsewhere,Hidden Ltd,100,,\n\
        A-1,Twice,Acme,100,2026-02-30,\n\
        A-3,Bad day,Acme,100,2026/13/40,\n\
        A-4,Bad owner,Acme,100,,0971000003\n\
        A-5,Free,Acme,,,\n";
    let answer = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["written"], false);
    assert_eq!(
        problems(&answer),
        vec![
            (4, "customer_id".into(), "not_found".into()),
            (5, "number".into(), "duplicate_in_file".into()),
            (5, "signed_on".into(), "date_invalid".into()),
            (6, "signed_on".into(), "date_invalid".into()),
            (7, "owner_id".into(), "owner_out_of_scope".into()),
            (8, "amount".into(), "amount_or_lines_required".into()),
        ],
        "{}",
        answer.text
    );
    let problems = &answer.body["problems"];
    assert_eq!(problems[1]["other_row"], 2);
    assert!(problems[2].get("other_row").is_none());
    let message = problems[0]["message"].as_str().expect("message");
    assert!(message.starts_with("Customer: no customer"), "{message}");
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("row 2"),
        "{}",
        problems[1]
    );
    assert!(contracts_of(&t, rep).await.is_empty(), "all or nothing");
    // The other rep's customer exists: its owner imports to it.
    let theirs = "Number,Name,Customer,Amount\nB-1,Theirs,Hidden Ltd,100\n";
    importer_too(&t, &team).await;
    let done = upload(
        &t,
        &team.other_rep.1,
        "/api/v1/contracts/import",
        ("c.csv", theirs.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);

    // A file without a customer column is refused whole, naming the column.
    let refused = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("c.csv", b"Name,Amount\nX,1\n"),
        &[],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "customer_id");
    assert_eq!(refused.body["errors"][0]["code"], "column_missing");
    // Without the import right, the import is forbidden.
    let forbidden = upload(
        &t,
        &team.manager.1,
        "/api/v1/contracts/import",
        ("c.csv", theirs.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(forbidden.status, 403);
}

/// The other rep gets the importer's role too.
async fn importer_too(t: &TestApp, team: &SalesTeam) {
    let rep = t
        .get(&format!("/api/v1/users/{}", team.rep.0), &team.admin)
        .await;
    let roles = rep.body["role_ids"].clone();
    let set = t
        .patch(
            &format!("/api/v1/users/{}", team.other_rep.0),
            &team.admin,
            json!({ "role_ids": roles }),
        )
        .await;
    assert!(set.status.is_success(), "{}", set.text);
}

#[tokio::test]
async fn payments_import_against_approved_contracts_only() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    importer(&t, &team).await;
    let rep = &team.rep.1;
    let acme = customer(&t, rep, "Acme").await;
    let approved = contract(&t, rep, acme, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", approved).await, "approved");
    let plan = t
        .post(
            &format!("/api/v1/contracts/{approved}/plans"),
            rep,
            json!({ "amount": "400", "planned_on": "2026-03-01" }),
        )
        .await;
    assert!(plan.status.is_success(), "{}", plan.text);
    let draft = contract(&t, rep, acme, "500").await;
    let number = |id: i64| {
        let t = &t;
        async move {
            t.get(&format!("/api/v1/contracts/{id}"), rep).await.body["number"]
                .as_str()
                .expect("number")
                .to_string()
        }
    };
    let (approved_no, draft_no) = (number(approved).await, number(draft).await);
    let hidden = customer(&t, &team.other_rep.1, "Hidden").await;
    let theirs = contract(&t, &team.other_rep.1, hidden, "100").await;
    assert_eq!(
        submit(&t, &team.other_rep.1, "contracts", theirs).await,
        "approved"
    );
    let theirs_no = {
        let detail = t
            .get(&format!("/api/v1/contracts/{theirs}"), &team.other_rep.1)
            .await;
        detail.body["number"].as_str().expect("number").to_string()
    };

    let file = format!(
        "合同,回款期數,回款日期,付款方式,金額\n\
         {approved_no},1,2026-03-01,Cheque,400\n\
         {draft_no},,2026-03-01,,100\n\
         {approved_no},,2026-04-01,,100\n\
         {theirs_no},,2026-03-01,,100\n\
         {approved_no},7,2026-03-05,,100\n"
    );
    let answer = upload(
        &t,
        rep,
        "/api/v1/payments/import",
        ("p.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["written"], false);
    assert_eq!(
        problems(&answer),
        vec![
            (3, "contract_id".into(), "contract_not_approved".into()),
            (4, "received_on".into(), "date_future".into()),
            (5, "contract_id".into(), "not_found".into()),
            (6, "plan_id".into(), "not_found".into()),
            (6, "received_on".into(), "date_future".into()),
        ],
        "{}",
        answer.text
    );
    let payments = t.get("/api/v1/payments", rep).await;
    assert_eq!(payments.body["total"], 0, "all or nothing");

    // 400 on the instalment and 700 more pass the contract's 1000.
    let file = format!(
        "Contract,Instalment,Date received,Payment method,Amount,Notes\n\
         {approved_no},1,2026-03-01,Cheque,400,First\n\
         {approved_no},,2026/3/2,,700,Second\n"
    );
    let over = upload(
        &t,
        rep,
        "/api/v1/payments/import",
        ("p.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(
        problems(&over),
        vec![(3, "amount".into(), "exceeds_outstanding_import".into())],
        "{}",
        over.text
    );
    let allowed = upload(
        &t,
        rep,
        "/api/v1/payments/import",
        ("p.csv", file.as_bytes()),
        &["allow_exceeding"],
    )
    .await;
    assert_eq!(allowed.body["written"], true, "{}", allowed.text);
    assert_eq!(allowed.body["created"], 2);
    let payments = t.get("/api/v1/payments", rep).await;
    let items = payments.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    for payment in items {
        assert_eq!(payment["status"], "draft", "awaiting submission");
        assert_eq!(payment["contract_id"], approved);
    }
    let first = items
        .iter()
        .find(|p| p["amount"] == 40_000)
        .expect("first payment");
    assert!(first["plan_id"].is_i64());
    assert!(first["method_id"].is_i64());
    assert_eq!(first["received_on"], "2026-03-01");
    let contract = t.get(&format!("/api/v1/contracts/{approved}"), rep).await;
    assert_eq!(contract.body["received"], 0, "drafts are not received yet");

    // XLSX, with a number of its own; a future date is refused there too.
    let book = xlsx(&[
        &[
            "Payment number",
            "Contract number",
            "Date received",
            "Amount",
        ],
        &["HK-XL-1", &approved_no, "2026-03-02", "1"],
    ]);
    let done = upload(
        &t,
        rep,
        "/api/v1/payments/import",
        ("p.xlsx", &book),
        &["allow_exceeding"],
    )
    .await;
    assert_eq!(done.body["written"], true, "{}", done.text);
}

#[tokio::test]
async fn exported_contracts_import_again_with_the_same_values() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    importer(&t, &team).await;
    let rep = &team.rep.1;
    let acme = customer(&t, rep, "Acme").await;
    let beta = customer(&t, rep, "Beta 有限公司").await;
    for (number, name, customer, amount, currency) in [
        ("EX-1", "=Formula-looking", acme, "1234.5", "CNY"),
        ("EX-2", "Two, with comma", beta, "99", "USD"),
    ] {
        create(
            &t,
            rep,
            "/api/v1/contracts",
            json!({
                "number": number, "name": name, "customer_id": customer, "amount": amount,
                "currency": currency, "signed_on": "2026-01-02", "starts_on": "2026-01-03",
                "ends_on": "2027-01-02"
            }),
        )
        .await;
    }
    let export = |format: &'static str| {
        let t = &t;
        async move {
            let answer = t
                .get(&format!("/api/v1/exports/contracts?format={format}"), rep)
                .await;
            assert_eq!(answer.status, 200);
            answer.text
        }
    };
    let before = export("csv").await;
    let book = bytes_of(&t, rep, "/api/v1/exports/contracts?format=xlsx").await;
    let delete_all = || async {
        for c in contracts_of(&t, rep).await {
            let gone = t
                .call(
                    Method::DELETE,
                    &format!("/api/v1/contracts/{}", c["id"]),
                    Some(rep),
                    None,
                )
                .await;
            assert_eq!(gone.status, 204, "{}", gone.text);
        }
    };
    delete_all().await;
    let csv = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("contracts.csv", before.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(csv.body["written"], true, "{}", csv.text);
    assert_eq!(
        csv.body["ignored_columns"],
        json!(["Received", "Outstanding", "Paid over", "Status"]),
        "{}",
        csv.text
    );
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&export("csv").await), sorted(&before));
    delete_all().await;
    let xlsx = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("contracts.xlsx", &book),
        &[],
    )
    .await;
    assert_eq!(xlsx.body["written"], true, "{}", xlsx.text);
    assert_eq!(sorted(&export("csv").await), sorted(&before));
}

#[tokio::test]
async fn the_list_pages_import_and_show_each_rows_problems() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    importer(&t, &team).await;
    customer(&t, &team.rep.1, "Acme").await;
    let cookie = page_session(&t, "0971000002").await;
    let csrf = page_csrf(&t, &cookie).await;
    let page = |path: &str| {
        Request::builder()
            .uri(path)
            .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
            .body(Body::empty())
            .expect("request")
    };
    let contracts = t.send(page("/contracts")).await;
    assert!(
        contracts.text.contains("Import contracts"),
        "{}",
        contracts.text
    );
    assert!(
        contracts
            .text
            .contains("/api/v1/imports/contracts/template?format=xlsx")
    );
    let payments = t.send(page("/payments")).await;
    assert!(payments.text.contains("Import payments"));
    assert!(payments.text.contains("name=\"allow_exceeding\""));
    let template = t
        .send(page("/api/v1/imports/payments/template?format=csv"))
        .await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.text.contains("Contract,Instalment,Date received"),
        "{}",
        template.text
    );

    let send = |path: &str, file: &str, check: bool| {
        let boundary = "XPAGEBOUNDARYX";
        let check = if check {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"check\"\r\n\r\n1\r\n")
        } else {
            String::new()
        };
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n{check}--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        );
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request")
    };
    let bad = "Name,Customer,Amount\nGood,Acme,10\nOops,Nobody Ltd,10\n";
    let shown = t.send(send("/contracts/import", bad, false)).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(
        shown.text.contains("Nothing was imported"),
        "{}",
        shown.text
    );
    assert!(
        shown
            .text
            .contains(">3</td><td data-label=\"Column\">Customer</td>")
    );
    let good = "Name,Customer,Amount\nGood,Acme,10\n";
    let checked = t.send(send("/contracts/import", good, true)).await;
    assert!(
        checked.text.contains("Checked; nothing written yet."),
        "{}",
        checked.text
    );
    assert!(contracts_of(&t, &team.rep.1).await.is_empty());
    assert!(
        !checked
            .text
            .contains("name=\"dry_run\" value=\"1\" checked"),
        "after a clean check the next upload imports"
    );
    assert!(shown.text.contains("name=\"dry_run\" value=\"1\" checked"));
    let done = t.send(send("/contracts/import", good, false)).await;
    assert!(done.text.contains("Imported."), "{}", done.text);
    assert_eq!(contracts_of(&t, &team.rep.1).await.len(), 1);
    let missing = t.send(send("/payments/import", good, false)).await;
    assert_eq!(missing.status, StatusCode::OK);
    assert!(
        missing.text.contains("The file has no column for Contract"),
        "{}",
        missing.text
    );
}

/// The number after `number`: its trailing digits plus one, as wide.
fn next_number(number: &str) -> String {
    let digits = number.len() - number.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = number.split_at(number.len() - digits);
    let next = tail.parse::<u64>().expect("digits") + 1;
    format!("{head}{next:0digits$}")
}

#[tokio::test]
async fn a_typed_number_the_rule_would_give_next_is_passed_over() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    importer(&t, &team).await;
    let rep = &team.rep.1;
    let acme = customer(&t, rep, "Acme").await;
    let first = contract(&t, rep, acme, "10").await;
    let taken = t.get(&format!("/api/v1/contracts/{first}"), rep).await;
    let next = next_number(taken.body["number"].as_str().expect("number"));
    let file =
        format!("Number,Name,Customer,Amount\n{next},Typed,Acme,1\n,Ruled,Acme,1\n,Later,Acme,1\n");
    let answer = upload(
        &t,
        rep,
        "/api/v1/contracts/import",
        ("c.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(problems(&answer), vec![], "{}", answer.text);
    let list = t.get("/api/v1/contracts", rep).await;
    let mut numbers: Vec<String> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["number"].as_str().map(str::to_string))
        .collect();
    numbers.sort();
    let after = next_number(&next);
    let last = next_number(&after);
    assert_eq!(
        numbers,
        vec![
            taken.body["number"].as_str().expect("number").to_string(),
            next,
            after,
            last
        ]
    );
}

#[tokio::test]
async fn a_built_in_payment_method_is_found_by_its_name_in_any_of_the_languages() {
    let t = TestApp::new_in("zh-Hant").await;
    let team = sales_team(&t).await;
    let rep = &team.rep.1;
    let acme = customer(&t, rep, "Acme").await;
    let signed = contract(&t, rep, acme, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", signed).await, "approved");
    let number = t
        .get(&format!("/api/v1/contracts/{signed}"), rep)
        .await
        .body["number"]
        .as_str()
        .expect("number")
        .to_string();
    let file = format!(
        "Contract,Date received,Payment method,Amount\n\
         {number},2026-03-01,Bank transfer,100\n\
         {number},2026-03-01,银行转账,100\n\
         {number},2026-03-01,銀行轉帳,100\n"
    );
    let answer = upload(
        &t,
        &team.admin,
        "/api/v1/payments/import",
        ("p.csv", file.as_bytes()),
        &[],
    )
    .await;
    assert_eq!(answer.body["written"], true, "{}", answer.text);
    let payments = t.get("/api/v1/payments", &team.admin).await;
    let items = payments.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{}", payments.text);
    let method = &items[0]["method_id"];
    assert!(method.is_i64(), "{}", payments.text);
    assert!(
        items.iter().all(|p| &p["method_id"] == method),
        "{}",
        payments.text
    );
}
