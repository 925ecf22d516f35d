//! What an import reads in a choice or date column, and what it says when
//! it cannot: a level by its code (`A`) or in the other Chinese script, the
//! choices listed beside a refused value, a date with its year last named
//! as unclear, a date and time with its offset read, a custom field named
//! by its label; parameters of fixed values list them; the report builder
//! form words its refusals for a person.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, import_csv, post_form};
use crate::record_fixtures::send_bytes;

/// A check of a CSV file of customers, answered in English.
async fn dry_run(t: &TestApp, admin: &str, file: &str) -> Answer {
    let path = "/api/v1/customers/import?name=x.csv&dry_run=true";
    send_bytes(t, admin, path, file.as_bytes()).await
}

async fn custom_fields(t: &TestApp, admin: &str) {
    for (key, label, ty, options) in [
        ("employees", "Employees", "number", json!([])),
        (
            "tier",
            "Tier",
            "choice",
            json!(["A（重點客戶）", "B（普通客戶）", "製造業"]),
        ),
        ("founded", "Founded", "date", json!([])),
        ("met_at", "Met at", "date_time", json!([])),
    ] {
        let field = json!({ "kind": "customer", "key": key, "label": label,
            "field_type": ty, "options": options });
        let answer = t.post("/api/v1/fields", admin, field).await;
        assert!(answer.status.is_success(), "{}", answer.text);
    }
}

fn problems(answer: &Answer) -> Vec<(String, String, Value)> {
    answer.body["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", answer.text))
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap_or_default().to_string(),
                p["code"].as_str().unwrap_or_default().to_string(),
                p["params"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn choices_are_read_by_code_and_script_and_refusals_list_them() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_fields(&t, &admin).await;
    // The level by its code, the tier by its code and in Simplified, the
    // date with its offset in the company's zone (Asia/Shanghai: the 2nd),
    // the time with its offset and without.
    let file = "Name,Level,Tier,Founded,Met at,Next contact\n\
        Alpha,A,制造业,2027-03-01T20:30:00-08:00,2027-03-01T14:30:00+08:00,2027-03-01T14:30:00+08:00\n\
        Beta,b,B,2027/12/01,2027-03-01 14:30,2027-03-02 09:00\n";
    let answer = import_csv(&t, &admin, "customers", file).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(problems(&answer).is_empty(), "{}", answer.text);
    assert_eq!(answer.body["created"], 2, "{}", answer.text);
    let list = t.get("/api/v1/customers?view=all&sort=name", &admin).await;
    let alpha = &list.body["items"][0];
    assert_eq!(alpha["name"], "Alpha", "{}", list.text);
    assert_eq!(alpha["custom"]["tier"], "製造業", "{}", list.text);
    assert_eq!(alpha["custom"]["founded"], "2027-03-02", "{}", list.text);
    assert_eq!(
        alpha["custom"]["met_at"], "2027-03-01T06:30:00+00:00",
        "{}",
        list.text
    );
    assert!(
        alpha["next_contact_at"]
            .as_str()
            .is_some_and(|at| at.starts_with("2027-03-01T06:30")),
        "{}",
        list.text
    );
    let beta = &list.body["items"][1];
    assert_eq!(beta["custom"]["tier"], "B（普通客戶）", "{}", list.text);
    assert_eq!(
        beta["custom"]["met_at"], "2027-03-01T06:30:00+00:00",
        "{}",
        list.text
    );

    // Values naming no option, or two, are refused listing the choices; a
    // date with its year last is named as unclear.
    let file = "Name,Level,Tier,Founded\nGamma,Z,X,12/01/2027\n";
    let answer = dry_run(&t, &admin, file).await;
    let found = problems(&answer);
    assert_eq!(
        found,
        [
            (
                "level_id".to_string(),
                "invalid_choice".to_string(),
                json!([["choices", "A (key account), B (regular), C (low priority)"]])
            ),
            (
                "custom.tier".to_string(),
                "invalid_choice".to_string(),
                json!([["choices", "A（重點客戶）, B（普通客戶）, 製造業"]])
            ),
            (
                "custom.founded".to_string(),
                "date_year_last".to_string(),
                json!(null)
            ),
        ],
        "{}",
        answer.text
    );

    // The page names each field by its label, lists the choices and says
    // what is wrong with the date, in every language.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let (status, html) = check_file(&t, (&cookie, &csrf), "/customers/import", file, "en").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Level has a value that is not one of the choices: A (key account), B (regular), C (low priority)"),
        "{html}"
    );
    assert!(html.contains("<td>Tier</td>"), "{html}");
    assert!(!html.contains("<td>tier</td>"), "{html}");
    assert!(html.contains("<td>Founded</td>"), "{html}");
    assert!(
        html.contains("2027-12-01, 2027/12/01 or the ROC year as 116/12/01"),
        "{html}"
    );
    let file = "Name,Employees\nDelta,many\n";
    let (_, html) = check_file(&t, (&cookie, &csrf), "/customers/import", file, "en").await;
    assert!(html.contains("<td>Employees</td>"), "{html}");
    assert!(!html.contains("<td>employees</td>"), "{html}");
    let file = "Name,Tier,Founded\nGamma,X,12/01/2027\n";
    for (lang, choices, date) in [
        ("zh-Hant", "A（重點客戶）、B（普通客戶）、製造業", "年份"),
        ("zh-Hans", "A（重點客戶）、B（普通客戶）、製造業", "年份"),
    ] {
        let (_, html) = check_file(&t, (&cookie, &csrf), "/customers/import", file, lang).await;
        assert!(html.contains(choices), "{lang}: {html}");
        assert!(html.contains(date), "{lang}: {html}");
        assert!(html.contains("116/12/01"), "{lang}: {html}");
    }
}

#[tokio::test]
async fn a_long_list_of_choices_is_cut_and_two_options_are_never_guessed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let options: Vec<String> = (1..=12).map(|n| format!("R{n} (region)")).collect();
    let mut with_twins = options.clone();
    with_twins.push("A (one)".into());
    with_twins.push("A (two)".into());
    let field = json!({ "kind": "customer", "key": "region", "label": "Region",
        "field_type": "choice", "options": with_twins });
    let answer = t.post("/api/v1/fields", &admin, field).await;
    assert!(answer.status.is_success(), "{}", answer.text);
    let file = "Name,Region\nOne,A\nTwo,R12\n";
    let answer = dry_run(&t, &admin, file).await;
    let found = problems(&answer);
    assert_eq!(found.len(), 1, "{}", answer.text);
    assert_eq!(found[0].1, "invalid_choice");
    let listed = found[0].2[0][1].as_str().unwrap_or_default().to_string();
    assert!(listed.starts_with("R1 (region), R2 (region)"), "{listed}");
    assert!(listed.ends_with("R10 (region), …"), "{listed}");
    assert_eq!(answer.body["would_create"], 1, "{}", answer.text);
}

/// The place of a language in the tests' lists: en, zh-Hant, zh-Hans.
fn langs(lang: &str) -> usize {
    ["en", "zh-Hant", "zh-Hans"]
        .iter()
        .position(|l| *l == lang)
        .unwrap_or(0)
}

/// The message of the first refused field of an answer.
fn first_message(answer: &Answer) -> String {
    answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", answer.text))
        .to_string()
}

#[tokio::test]
async fn parameters_of_fixed_values_list_them() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let by = t.get("/api/v1/reports/customers?by=bogus", &admin).await;
    assert_eq!(by.status, 422, "{}", by.text);
    assert!(
        first_message(&by)
            .contains("industry, source, level, province, city, owner, department, month"),
        "{}",
        by.text
    );
    let scope = t.get("/api/v1/dashboard?scope=bogus", &admin).await;
    assert_eq!(scope.status, 422, "{}", scope.text);
    assert!(
        first_message(&scope).contains("company, department, user"),
        "{}",
        scope.text
    );
    let period = t.get("/api/v1/dashboard?period=bogus", &admin).await;
    assert_eq!(period.status, 422, "{}", period.text);
    assert!(
        first_message(&period).contains("today, yesterday, this_week"),
        "{}",
        period.text
    );
    assert!(
        first_message(&period).ends_with("last_year, custom."),
        "{}",
        period.text
    );
    let measure = t.get("/api/v1/reports/targets?measure=x", &admin).await;
    assert_eq!(measure.status, 422, "{}", measure.text);
    assert!(
        first_message(&measure).contains("contract_amount, payment_amount"),
        "{}",
        measure.text
    );
    let pipeline = t
        .get("/api/v1/reports/funnel?pipeline_id=999", &admin)
        .await;
    assert_eq!(pipeline.status, 422, "{}", pipeline.text);
    assert!(
        first_message(&pipeline).contains("does not exist or is not visible to you"),
        "{}",
        pipeline.text
    );
}

#[tokio::test]
async fn the_builder_form_words_its_refusals_for_a_person() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    for (lang, twice, measure, condition) in [
        (
            "en",
            "Owner is already the first grouping",
            "Measure 1: choose the field to sum or average",
            "): choose a condition.",
        ),
        (
            "zh-Hant",
            "已是第一個分組",
            "統計值 1：請選擇要加總或平均的欄位",
            "）：請選擇條件。",
        ),
        (
            "zh-Hans",
            "已是第一个分组",
            "统计值 1：请选择要求和或平均的字段",
            "）：请选择条件。",
        ),
    ] {
        let form = format!(
            "_csrf={csrf}&name=&kind=contracts&chart=bar&group_0=owner_id&group_1=owner_id\
             &measure_0_op=sum&measure_0_field=&filter_0_field=owner_id&filter_0_op="
        );
        let (status, html) =
            crate::helpers::post_form_in(&t, &cookie, "/reports/custom/new", form, lang).await;
        assert_eq!(status, 422, "{html}");
        assert!(html.contains(twice), "{lang}: {html}");
        assert!(html.contains(measure), "{lang}: {html}");
        assert!(html.contains(condition), "{lang}: {html}");
        assert!(
            html.contains(["Filter 1 (", "篩選 1（", "筛选 1（"][langs(lang)]),
            "{lang}: {html}"
        );
        assert!(!html.contains("does not fit"), "{lang}: {html}");
    }
    // A grouping refused on its own (a bucket on a field without dates)
    // chosen twice: the second says it is the first grouping again.
    let form = format!(
        "_csrf={csrf}&name=Twice&kind=contracts&chart=bar&group_0=owner_id&group_0_bucket=month\
         &group_1=owner_id&group_1_bucket=month&measure_0_op=count"
    );
    let (status, html) = post_form(&t, &cookie, "/reports/custom/new", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Owner is already the first grouping"),
        "{html}"
    );
}

/// Uploads `file` to an import page in `lang` (a check); answers the
/// status and the page.
async fn check_file(
    t: &TestApp,
    (cookie, csrf): (&str, &str),
    path: &str,
    file: &str,
    lang: &str,
) -> (StatusCode, String) {
    let boundary = "IMPORTMESSAGESBOUNDARY";
    let mut body = String::new();
    for (name, value) in [("_csrf", csrf), ("duplicates", "skip")] {
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
        .header(header::COOKIE, format!("{cookie}; kj_lang={lang}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let answer = t.send(request).await;
    (answer.status, answer.text)
}
