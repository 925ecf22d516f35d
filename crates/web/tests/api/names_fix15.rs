//! Built-in names in the viewer's language: the customer levels,
//! industries, sources and follow-up methods a company starts with, the
//! descriptions of the built-in roles, and the change log naming them.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::flow_fix::call_in;
use crate::helpers::{ADMIN_PHONE, TestApp, import_csv, page};

/// The id of the option of `kind`/`field` whose key is `key`, with the
/// label the answer gave it.
fn option(options: &Value, (kind, field): (&str, &str), key: &str) -> (i64, String) {
    let found = options
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["kind"] == kind && o["field"] == field && o["builtin_key"] == key)
        .unwrap_or_else(|| panic!("{kind} {field} {key} in {options}"));
    (
        found["id"].as_i64().expect("id"),
        found["label"].as_str().expect("label").to_string(),
    )
}

const LEVEL: (&str, &str) = ("customer", "level_id");
const INDUSTRY: (&str, &str) = ("customer", "industry_id");
const SOURCE: (&str, &str) = ("customer", "source_id");
const METHOD: (&str, &str) = ("follow_up", "method_id");

/// The body of an export or a page without the byte-order mark.
fn text_of(answer: &crate::helpers::Answer) -> String {
    answer.text.trim_start_matches('\u{feff}').to_string()
}

#[tokio::test]
async fn an_english_viewer_sees_a_chinese_companys_options_in_english_everywhere() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let options = t.get("/api/v1/options", &admin).await.body;
    let (level, shown) = option(&options, LEVEL, "key_account");
    assert_eq!(shown, "A (key account)");
    let (industry, shown) = option(&options, INDUSTRY, "information_technology");
    assert_eq!(shown, "Information technology");
    let (source, shown) = option(&options, SOURCE, "referral");
    assert_eq!(shown, "Referral");
    let (visit, shown) = option(&options, METHOD, "visit");
    assert_eq!(shown, "Visit");
    let stored = call_in(&t, "zh-Hant", "/api/v1/options", &admin, None).await;
    assert_eq!(
        option(&stored.body, INDUSTRY, "information_technology").1,
        "資訊科技"
    );

    let created = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Harbour Tech", "level_id": level,
                    "industry_id": industry, "source_id": source }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let written = t
        .post(
            &format!("/api/v1/customers/{id}/follow-ups"),
            &admin,
            json!({ "content": "met them", "method_id": visit }),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text);

    // The API's record and list.
    let detail = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(detail.body["level"], "A (key account)", "{}", detail.text);
    assert_eq!(detail.body["industry"], "Information technology");
    assert_eq!(detail.body["source"], "Referral");
    let list = t.get("/api/v1/customers?view=all", &admin).await;
    assert_eq!(list.body["items"][0]["industry"], "Information technology");

    // The pages: the form, the list's filter, the record with its follow-up.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for path in [
        "/customers/new".to_string(),
        "/customers".into(),
        format!("/customers/{id}"),
    ] {
        let (status, html) = page(&t, &cookie, &path, "en").await;
        assert_eq!(status, 200, "{path}");
        for name in ["A (key account)", "Information technology", "Referral"] {
            assert!(html.contains(name), "{path} lacks {name}");
        }
        for name in ["A（重點客戶）", "資訊科技", "客戶介紹"] {
            assert!(!html.contains(name), "{path} shows {name}");
        }
    }
    let (_, record) = page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert!(record.contains("Visit"), "the follow-up's method");
    assert!(!record.contains("拜訪"));
    let (_, simplified) = page(&t, &cookie, &format!("/customers/{id}"), "zh-Hans").await;
    assert!(simplified.contains("信息技术") && simplified.contains("拜访"));

    // The export's values under their headers.
    let export = t.get("/api/v1/customers/export?format=csv", &admin).await;
    assert_eq!(export.status, 200, "{}", export.text);
    let csv = text_of(&export);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().expect("headers").clone();
    let row = rows.records().next().expect("a row").expect("readable");
    let value = |header: &str| {
        let at = headers.iter().position(|h| h == header);
        at.and_then(|at| row.get(at))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(value("Level"), "A (key account)", "{csv}");
    assert_eq!(value("Industry"), "Information technology", "{csv}");
    assert_eq!(value("Source"), "Referral", "{csv}");

    // The report grouped by industry.
    let report = t
        .get(
            "/api/v1/reports/customers?period=custom&from=2026-01-01&to=2026-12-31&by=industry",
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let labels: Vec<&str> = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["label"].as_str())
        .collect();
    assert!(labels.contains(&"Information technology"), "{labels:?}");
    assert!(!labels.contains(&"資訊科技"), "{labels:?}");

    // The change log kept the names of the company's language, and shows
    // them in the viewer's.
    let (regular, _) = option(&options, LEVEL, "regular");
    let version = detail.body["version"].clone();
    let edited = t
        .patch(
            &format!("/api/v1/customers/{id}"),
            &admin,
            json!({ "version": version, "level_id": regular }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let log = edited.body["change_log"].to_string();
    assert!(
        log.contains("A (key account)") && log.contains("B (regular)"),
        "{log}"
    );
    assert!(!log.contains("重點客戶"), "{log}");
    let chinese = call_in(
        &t,
        "zh-Hant",
        &format!("/api/v1/customers/{id}"),
        &admin,
        None,
    )
    .await;
    let log = chinese.body["change_log"].to_string();
    assert!(
        log.contains("A（重點客戶）") && log.contains("B（普通客戶）"),
        "{log}"
    );
}

#[tokio::test]
async fn an_option_an_administrator_renamed_keeps_their_name_in_every_language() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let options = t.get("/api/v1/options", &admin).await.body;
    let (industry, _) = option(&options, INDUSTRY, "information_technology");
    let (source, _) = option(&options, SOURCE, "website");

    // Sent back as shown, a name stays as stored.
    let kept = t
        .patch(
            &format!("/api/v1/options/{source}"),
            &admin,
            json!({ "label": "Website" }),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    let renamed = t
        .patch(
            &format!("/api/v1/options/{industry}"),
            &admin,
            json!({ "label": "軟體與資訊服務" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    for lang in ["en", "zh-Hans", "zh-Hant"] {
        let shown = call_in(&t, lang, "/api/v1/options", &admin, None)
            .await
            .body;
        assert_eq!(
            option(&shown, INDUSTRY, "information_technology").1,
            "軟體與資訊服務",
            "{lang}"
        );
    }
    let hant = call_in(&t, "zh-Hant", "/api/v1/options", &admin, None)
        .await
        .body;
    assert_eq!(option(&hant, SOURCE, "website").1, "網路");
    let hans = call_in(&t, "zh-Hans", "/api/v1/options", &admin, None)
        .await
        .body;
    assert_eq!(option(&hans, SOURCE, "website").1, "网络");

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, form) = page(&t, &cookie, "/customers/new", "en").await;
    assert!(form.contains("軟體與資訊服務") && form.contains("Website"));
    assert!(!form.contains("Information technology"));
}

#[tokio::test]
async fn an_import_in_simplified_chinese_finds_the_options_of_a_traditional_company() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let stored = call_in(&t, "zh-Hant", "/api/v1/options", &admin, None)
        .await
        .body;
    // 信息技术 and 建筑工程 are other words, not the other script, of
    // 資訊科技 and 建築營造.
    let file = "Name,Level,Industry,Source\n\
        华信科技,B（普通客户）,信息技术,客户介绍\n\
        宏建工程,C（非优先客户）,建筑工程,Trade show\n";
    let answer = import_csv(&t, &admin, "customers", file).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["created"], 2, "{}", answer.text);
    let list = call_in(
        &t,
        "zh-Hant",
        "/api/v1/customers?view=all&sort=name",
        &admin,
        None,
    )
    .await;
    let items = list.body["items"].as_array().expect("items");
    let of = |name: &str| {
        items
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {}", list.text))
            .clone()
    };
    let first = of("华信科技");
    assert_eq!(
        first["level_id"].as_i64(),
        Some(option(&stored, LEVEL, "regular").0)
    );
    assert_eq!(first["industry"], "資訊科技");
    assert_eq!(first["source"], "客戶介紹");
    let second = of("宏建工程");
    assert_eq!(second["level"], "C（非優先客戶）");
    assert_eq!(second["industry"], "建築營造");
    assert_eq!(second["source"], "展會");

    // A name no option has in any language is refused, naming the choices
    // in the reader's language.
    let file = "Name,Industry\n某公司,农业\n";
    let answer = import_csv(&t, &admin, "customers", file).await;
    assert!(answer.text.contains("Manufacturing"), "{}", answer.text);
    assert!(!answer.text.contains("製造業"), "{}", answer.text);
}

#[tokio::test]
async fn built_in_role_descriptions_and_logged_roles_follow_the_viewers_language() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let roles = t.get("/api/v1/roles", &admin).await;
    let role = |code: &str| {
        roles.body["items"]
            .as_array()
            .expect("roles")
            .iter()
            .find(|r| r["code"] == code)
            .cloned()
            .expect("built-in role")
    };
    let rep = role("sales_rep");
    assert_eq!(
        rep["description"],
        "Follows up their own leads, customers and opportunities"
    );
    let manager = role("sales_manager");
    let (rep, manager) = (
        rep["id"].as_i64().expect("id"),
        manager["id"].as_i64().expect("id"),
    );
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, page_en) = page(&t, &cookie, "/roles", "en").await;
    assert!(page_en.contains("Follows up their own leads"));
    assert!(!page_en.contains("跟進自己的線索"));

    // A description sent back as shown stays as stored.
    let kept = t
        .patch(
            &format!("/api/v1/roles/{rep}"),
            &admin,
            json!({ "description": "Follows up their own leads, customers and opportunities" }),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    let hans = call_in(&t, "zh-Hans", &format!("/api/v1/roles/{rep}"), &admin, None).await;
    assert_eq!(
        hans.body["description"], "跟进自己的线索、客户与商机",
        "{}",
        hans.text
    );

    // A user's roles, changed, are named in the viewer's language in the log.
    let user = t
        .user(&admin, "0911000001", json!({ "role_ids": [rep] }))
        .await;
    let changed = t
        .patch(
            &format!("/api/v1/users/{user}"),
            &admin,
            json!({ "role_ids": [manager] }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let english = t.get(&format!("/api/v1/users/{user}"), &admin).await;
    let log = english.body["change_log"].to_string();
    assert!(
        log.contains("Sales rep") && log.contains("Sales manager"),
        "{log}"
    );
    assert!(!log.contains("銷售"), "{log}");
    let chinese = call_in(
        &t,
        "zh-Hant",
        &format!("/api/v1/users/{user}"),
        &admin,
        None,
    )
    .await;
    let log = chinese.body["change_log"].to_string();
    assert!(
        log.contains("銷售代表") && log.contains("銷售經理"),
        "{log}"
    );
}

#[tokio::test]
async fn existing_companies_options_get_their_keys_by_their_starting_names() {
    let mut t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    // As before the keys: one option renamed, one written in another
    // language, and an administrator's own "Other" beside the built-in one.
    t.sql("update options set builtin_key = null where kind <> 'payment'")
        .await;
    t.sql("update options set label = '軟體' where label = '資訊科技'")
        .await;
    t.sql("update options set label = 'Referral' where label = '客戶介紹'")
        .await;
    let extra = t
        .post(
            "/api/v1/options",
            &admin,
            json!({ "kind": "customer", "field": "source_id", "label": "Other" }),
        )
        .await;
    assert_eq!(extra.status, 201, "{}", extra.text);
    t.sql("delete from _sqlx_migrations where version = 51")
        .await;
    t.restart().await;
    let admin = t.admin().await;

    let shown = call_in(&t, "zh-Hans", "/api/v1/options", &admin, None)
        .await
        .body;
    let all = shown.as_array().expect("options");
    let labelled = |field: &str, label: &str| {
        all.iter()
            .find(|o| o["field"] == field && o["kind"] == "customer" && o["label"] == label)
            .unwrap_or_else(|| panic!("{field} {label} in {shown}"))
            .clone()
    };
    assert_eq!(
        labelled("level_id", "A（重点客户）")["builtin_key"],
        "key_account"
    );
    assert_eq!(labelled("source_id", "客户介绍")["builtin_key"], "referral");
    assert_eq!(labelled("industry_id", "軟體")["builtin_key"], Value::Null);
    // The older "Other" is the built-in one; the administrator's stays theirs.
    assert_eq!(labelled("source_id", "其他")["builtin_key"], "other");
    let theirs = labelled("source_id", "Other");
    assert_eq!(theirs["id"], extra.body["id"]);
    assert_eq!(theirs["builtin_key"], Value::Null);
    let methods = call_in(&t, "en", "/api/v1/options", &admin, None)
        .await
        .body;
    assert_eq!(option(&methods, METHOD, "wechat").1, "WeChat");
}

#[tokio::test]
async fn an_option_renamed_to_the_products_name_in_another_language_keeps_that_name() {
    let t = TestApp::new_in("zh-Hant").await;
    let admin = t.admin().await;
    let options = t.get("/api/v1/options", &admin).await.body;
    let (phone, shown) = option(&options, METHOD, "phone");
    assert_eq!(shown, "Phone");
    // The simplified-script name the product gives it is this
    // administrator's choice, not the name they were shown.
    let renamed = t
        .patch(
            &format!("/api/v1/options/{phone}"),
            &admin,
            json!({ "label": "电话" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    for lang in ["en", "zh-Hans", "zh-Hant"] {
        let shown = call_in(&t, lang, "/api/v1/options", &admin, None)
            .await
            .body;
        let label = shown
            .as_array()
            .expect("options")
            .iter()
            .find(|o| o["id"] == phone)
            .map(|o| o["label"].clone());
        assert_eq!(label, Some(json!("电话")), "{lang}");
    }
}
