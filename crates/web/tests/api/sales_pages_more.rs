//! The sales pages as a new user meets them: approval flows saved from the
//! settings page keep what the API made, the demo's people reach their
//! deals, and the pages say things in words.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::sales_fixtures::sales_team;

/// Decodes the few entities the templates write.
fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The attributes of a tag: `(name, value)`, a bare attribute with "".
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].trim_end_matches('/').to_string();
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').expect("closing quote");
            out.push((name, unescape(&after[..close])));
            rest = &after[close + 1..];
        } else if !name.is_empty() {
            out.push((name, String::new()));
        }
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// What a browser would send from the form whose action starts with
/// `action`, left as the page shows it (no button pressed).
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}"))
        .unwrap_or_else(|| panic!("form {action}: {html}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").expect("form end")];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let close = rest.find('>').expect("tag end");
        let tag = &rest[..close];
        let attrs = attributes(tag);
        let disabled = attr(&attrs, "disabled").is_some();
        let Some(name) = attr(&attrs, "name").map(str::to_string) else {
            continue;
        };
        if tag.starts_with("input ") && !disabled {
            let kind = attr(&attrs, "type").unwrap_or("text");
            if ["checkbox", "radio"].contains(&kind) && attr(&attrs, "checked").is_none() {
                continue;
            }
            if ["submit", "button"].contains(&kind) {
                continue;
            }
            let value = attr(&attrs, "value").unwrap_or(if kind == "checkbox" { "on" } else { "" });
            fields.push((name, value.to_string()));
        } else if tag.starts_with("select ") && !disabled {
            let body = &rest[close..rest.find("</select>").expect("select end")];
            let options: Vec<(String, bool)> = body
                .split("<option")
                .skip(1)
                .map(|option| {
                    let tag = &option[..option.find('>').expect("option end")];
                    let attrs = attributes(&format!("option{tag}"));
                    let value = attr(&attrs, "value").unwrap_or_default().to_string();
                    (value, attr(&attrs, "selected").is_some())
                })
                .collect();
            let chosen: Vec<&String> = options.iter().filter(|o| o.1).map(|o| &o.0).collect();
            if attr(&attrs, "multiple").is_some() {
                fields.extend(chosen.into_iter().map(|v| (name.clone(), v.clone())));
            } else if let Some(value) = chosen.first().copied().or(options.first().map(|o| &o.0)) {
                fields.push((name, value.clone()));
            }
        } else if tag.starts_with("textarea ") && !disabled {
            let body = &rest[close + 1..rest.find("</textarea>").expect("textarea end")];
            fields.push((name, unescape(body)));
        }
    }
    fields
}

pub fn encode(fields: &[(String, String)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        form.append_pair(name, value);
    }
    form.finish()
}

async fn field(t: &TestApp, admin: &str, body: Value) {
    let made = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
}

/// Six steps, several conditions each, every operator, money, numbers,
/// choices, departments and people — and one condition whose value is of
/// another type than its field's, which the form can only keep.
fn rich_flow(admin: i64, sales: i64, finance_department: i64, people: (i64, i64)) -> Value {
    let (rep, finance) = people;
    json!({
        "kind": "contract",
        "name": "Everything",
        "definition": {
            "when_no_approver": "skip",
            "resubmit": "from_rejected_step",
            "steps": [
                { "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one",
                  "condition": [{ "field": "amount", "op": "ge", "value": { "number": 10_000_000 }, "currency": "CNY" }] },
                { "name": "Range", "approvers": { "users": [admin] }, "mode": "any_one",
                  "condition": [
                    { "field": "amount", "op": "gt", "value": { "number": 100_050 }, "currency": "CNY" },
                    { "field": "amount", "op": "lt", "value": { "number": 900_000_000 }, "currency": "CNY" },
                    { "field": "department_id", "op": "in",
                      "value": { "list": [{ "id": sales }, { "id": finance_department }] } }
                  ] },
                { "name": "Region", "approvers": "department_head", "mode": "any_one",
                  "condition": [
                    { "field": "region", "op": "in", "value": { "list": [{ "text": "北區" }, { "text": "南區" }] } },
                    { "field": "region", "op": "ne", "value": { "text": "東區" } }
                  ] },
                { "name": "Owner", "approvers": "chosen_by_submitter", "mode": "any_one",
                  "condition": [
                    { "field": "owner_id", "op": "eq", "value": { "id": rep } },
                    { "field": "department_id", "op": "ne", "value": { "id": finance_department } }
                  ] },
                { "name": "Deposit", "approvers": { "superiors_up_to": { "levels": 2 } }, "mode": "any_one",
                  "condition": [
                    { "field": "deposit", "op": "le", "value": { "number": 500_050 }, "currency": "CNY" },
                    { "field": "seats", "op": "ge", "value": { "number": 3 } }
                  ] },
                { "name": "Both", "approvers": { "users": [admin, finance] }, "mode": "everyone",
                  "condition": [
                    { "field": "grade", "op": "eq", "value": { "text": "gold" } },
                    { "field": "seats", "op": "lt", "value": { "number": 100 } }
                  ] }
            ]
        }
    })
}

#[tokio::test]
async fn a_flow_made_through_the_api_is_saved_unchanged_from_the_settings_page() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    field(
        &t,
        admin,
        json!({ "kind": "contract", "key": "region", "label": "區域", "field_type": "choice", "options": ["北區", "南區", "東區"] }),
    )
    .await;
    field(
        &t,
        admin,
        json!({ "kind": "contract", "key": "deposit", "label": "Deposit", "field_type": "money" }),
    )
    .await;
    field(
        &t,
        admin,
        json!({ "kind": "contract", "key": "seats", "label": "Seats", "field_type": "number" }),
    )
    .await;
    field(
        &t,
        admin,
        json!({ "kind": "contract", "key": "grade", "label": "Grade", "field_type": "choice", "options": ["Gold", "Silver"] }),
    )
    .await;
    let departments = t.get("/api/v1/departments", admin).await;
    let department = |name: &str| {
        departments.body["items"]
            .as_array()
            .and_then(|all| all.iter().find(|d| d["name"] == name))
            .and_then(|d| d["id"].as_i64())
            .unwrap_or_else(|| panic!("{name}: {}", departments.text))
    };
    // The first super administrator is the first user.
    let admin_id = 1;
    let body = rich_flow(
        admin_id,
        department("Sales"),
        department("Finance"),
        (team.rep.0, team.finance.0),
    );
    let made = t.post("/api/v1/approvals/flows", admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let before = made.body["definition"].clone();

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let path = format!("/settings/approval-flows?edit={id}");
    let (status, html) = page(&t, &cookie, &path, "en").await;
    assert_eq!(status, 200);
    // Every step shows, with its conditions in words and money as money.
    assert!(html.contains("value=\"Both\""), "the sixth step: {html}");
    assert!(html.contains("Amount is at least CNY 100,000.00"), "{html}");
    assert!(html.contains("區域 is one of “北區”, “南區”"), "{html}");
    assert!(
        html.contains("Owner&#39;s department is one of Sales, Finance")
            || html.contains("Owner's department is one of Sales, Finance"),
        "{html}"
    );
    assert!(html.contains("Deposit is at most CNY 5,000.50"), "{html}");
    // An option written in another case than the field's is kept whole
    // (the page would write it as the option is).
    assert!(
        html.contains("Grade is “gold”"),
        "kept whole and said: {html}"
    );
    assert!(!html.contains("kinds.") && !html.contains(" ge "), "{html}");

    // Saved as shown, nothing changes.
    let fields = form_fields(&html, "/settings/approval-flows");
    let csrf = page_csrf(&t, &cookie).await;
    let mut sent = fields.clone();
    sent.retain(|(name, _)| name != "_csrf");
    sent.push(("_csrf".into(), csrf.clone()));
    let (status, location) = post_form(&t, &cookie, &path, encode(&sent)).await;
    assert_eq!(status, 303, "{location}");
    let stored = t.get("/api/v1/approvals/flows", admin).await;
    let after = stored
        .body
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == id))
        .map(|f| f["definition"].clone())
        .expect("the flow");
    assert_eq!(after, before, "the page's save keeps every condition");

    // "Add a step" shows another empty row and saves nothing.
    let (_, html) = page(&t, &cookie, &path, "en").await;
    let rows = html.matches("name=\"step_name\"").count();
    let mut more = form_fields(&html, "/settings/approval-flows");
    more.retain(|(name, _)| name != "_csrf");
    more.push(("_csrf".into(), csrf.clone()));
    more.push(("more".into(), "1".into()));
    let (status, html) = post_form(&t, &cookie, &path, encode(&more)).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(html.matches("name=\"step_name\"").count(), rows + 1);

    // A seventh step with a condition typed on the page, by a department's name.
    let mut seventh = form_fields(&html, "/settings/approval-flows");
    seventh.retain(|(name, _)| name != "_csrf");
    seventh.push(("_csrf".into(), csrf.clone()));
    let blank = seventh
        .iter()
        .position(|(name, value)| name == "step_name" && value.is_empty())
        .expect("an empty row");
    seventh[blank].1 = "Finance check".into();
    // The empty row's first condition row follows its name.
    let field_at = seventh[blank..]
        .iter()
        .position(|(name, _)| name == "cond_field")
        .map(|p| p + blank)
        .expect("a condition row");
    seventh[field_at].1 = "department_id".into();
    seventh[field_at + 1].1 = "eq".into();
    seventh[field_at + 2].1 = "Finance".into();
    let (status, location) = post_form(&t, &cookie, &path, encode(&seventh)).await;
    assert_eq!(status, 303, "{location}");
    let stored = t.get("/api/v1/approvals/flows", admin).await;
    let steps = stored.body[0]["definition"]["steps"].clone();
    assert_eq!(steps.as_array().map(Vec::len), Some(7), "{}", stored.text);
    assert_eq!(
        steps[6]["condition"],
        json!([{ "field": "department_id", "op": "eq", "value": { "id": department("Finance") } }])
    );

    // A name that is no department's is named beside its step; nothing saved.
    seventh[field_at + 2].1 = "Nowhere".into();
    let (status, html) = post_form(&t, &cookie, &path, encode(&seventh)).await;
    assert_eq!(status, 422);
    let row = html.split("class=\"flow-row").nth(7).expect("seventh row");
    assert!(row.contains("has-error"), "{row}");
    assert!(row.contains("choose an existing department"), "{row}");
}

#[tokio::test]
async fn a_second_active_flow_of_a_kind_says_which_one_it_switched_off() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let flow = |name: &str| {
        json!({ "kind": "contract", "name": name, "definition": { "steps": [
            { "name": "Boss", "approvers": "department_head", "mode": "any_one" }
        ] } })
    };
    let first = t
        .post("/api/v1/approvals/flows", &admin, flow("First"))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["switched_off"], json!([]));
    let first_id = first.body["id"].as_i64().expect("id");
    let second = t
        .post("/api/v1/approvals/flows", &admin, flow("Second"))
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(
        second.body["switched_off"],
        json!([{ "id": first_id, "name": "First" }])
    );
    assert_eq!(second.body["active"], true);

    // On the page: saving the first as active again names the second.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let path = format!("/settings/approval-flows?edit={first_id}");
    let (_, html) = page(&t, &cookie, &path, "en").await;
    assert!(
        html.contains("One flow of a kind is active at a time"),
        "{html}"
    );
    let mut fields = form_fields(&html, "/settings/approval-flows");
    fields.retain(|(name, _)| name != "_csrf" && name != "active");
    fields.push(("_csrf".into(), page_csrf(&t, &cookie).await));
    fields.push(("active".into(), "1".into()));
    let (status, location) = post_form(&t, &cookie, &path, encode(&fields)).await;
    assert_eq!(status, 303, "{location}");
    let (_, html) = page(&t, &cookie, &location, "zh-Hant").await;
    assert!(
        html.contains("已停用（同一種類只啟用一個審批流）：Second。"),
        "{html}"
    );
    let flows = t.get("/api/v1/approvals/flows", &admin).await;
    let active: Vec<&str> = flows
        .body
        .as_array()
        .expect("flows")
        .iter()
        .filter(|f| f["active"] == true)
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(active, ["First"]);
}

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");

/// From the file: the accounts each agent has deals with, and each
/// account's first deal date (engaged, else closed).
type FromFile = (
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    std::collections::BTreeMap<String, String>,
);

fn deals_from_the_file() -> FromFile {
    let mut reader = csv::Reader::from_reader(PIPELINE.as_bytes());
    let mut accounts_of =
        std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    let mut first = std::collections::BTreeMap::<String, String>::new();
    for record in reader.records() {
        let record = record.expect("a row");
        let (agent, account) = (record[1].to_string(), record[3].trim().to_string());
        if account.is_empty() {
            continue;
        }
        accounts_of
            .entry(agent)
            .or_default()
            .insert(account.clone());
        let day = [&record[5], &record[6]]
            .into_iter()
            .find(|d| !d.is_empty())
            .map(str::to_string);
        if let Some(day) = day {
            let entry = first.entry(account).or_insert(day.clone());
            if day < *entry {
                *entry = day;
            }
        }
    }
    (accounts_of, first)
}

#[tokio::test]
async fn demo_reps_reach_the_customers_of_their_deals_which_are_as_old_as_their_first_deal() {
    let t = TestApp::new().await;
    let report = t.app.load_demo().await.expect("demo loads");
    let (accounts_of, first) = deals_from_the_file();
    let rep = report
        .users
        .iter()
        .find(|u| u.name == "Darcel Schlecht")
        .expect("a demo rep");
    let password = kuijing_service::demo::DEMO_PASSWORD;
    let token = t.login(&rep.phone, password).await;
    let theirs = t.get("/api/v1/customers?limit=1", &token).await;
    assert_eq!(
        theirs.body["total"].as_i64(),
        Some(accounts_of["Darcel Schlecht"].len() as i64),
        "every customer of their deals, no other: {}",
        theirs.text
    );

    // A deal of theirs on a customer someone else owns.
    let deals = t.get("/api/v1/opportunities?limit=200", &token).await;
    let me = deals.body["items"][0]["owner_id"].as_i64().expect("owner");
    let mut found = None;
    for deal in deals.body["items"].as_array().expect("deals") {
        let customer = deal["customer_id"].as_i64().expect("customer");
        let answer = t
            .get(&format!("/api/v1/customers/{customer}"), &token)
            .await;
        assert_eq!(
            answer.status, 200,
            "their deal's customer opens: {}",
            answer.text
        );
        if answer.body["owner_id"].as_i64() != Some(me) {
            found = Some((deal["id"].as_i64().expect("id"), customer));
            break;
        }
    }
    let (deal, customer) = found.expect("a deal on another agent's customer");
    let cookie = crate::auth::page_session_as(&t, &rep.phone, password).await;
    let (status, html) = page(
        &t,
        &cookie,
        &format!("/contracts/new?customer_id={customer}&opportunity_id={deal}"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let made = t
        .post(
            "/api/v1/contracts",
            &token,
            json!({ "name": "Renewal", "customer_id": customer, "opportunity_id": deal, "amount": "1000" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);

    // Customers are dated by their first deal (the day starts in the
    // company's zone, so UTC may show the day before).
    let admin = t.admin().await;
    let all = t.get("/api/v1/customers?limit=200", &admin).await;
    let items = all.body["items"].as_array().expect("customers");
    assert_eq!(items.len(), 85);
    for customer in items {
        let name = customer["name"].as_str().expect("name");
        let created = customer["created_at"].as_str().expect("created_at");
        let day = &first[name];
        let next = chrono::NaiveDate::parse_from_str(&created[..10], "%Y-%m-%d")
            .expect("a date")
            .succ_opt()
            .expect("next day")
            .to_string();
        assert!(
            created.starts_with(day.as_str()) || next == *day,
            "{name}: created {created}, first deal {day}"
        );
    }
}

#[tokio::test]
async fn change_logs_say_outcomes_and_genders_in_words() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = crate::sales_fixtures::customer(&t, rep, "鴻海").await;
    let deal = crate::sales_fixtures::create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Servers", "customer_id": client, "amount": "1000" }),
    )
    .await;
    let won = t
        .post(
            &format!("/api/v1/opportunities/{deal}/stage"),
            rep,
            json!({ "outcome": "won" }),
        )
        .await;
    assert_eq!(won.status, 200, "{}", won.text);
    let cookie = crate::auth::page_session(&t, "0971000002").await;
    let (status, html) = page(&t, &cookie, &format!("/opportunities/{deal}"), "zh-Hant").await;
    assert_eq!(status, 200);
    assert!(html.contains("<del>進行中</del>"), "{html}");
    assert!(html.contains("<ins>贏單</ins>"), "{html}");
    assert!(!html.contains("<ins>won</ins>"), "{html}");

    // A user's gender, on the user's page.
    let admin = team.admin.as_str();
    let changed = t
        .patch(
            &format!("/api/v1/users/{}", team.rep.0),
            admin,
            json!({ "gender": "female" }),
        )
        .await;
    assert!(changed.status.is_success(), "{}", changed.text);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, &format!("/users/{}", team.rep.0), "en").await;
    assert!(html.contains("<ins>Female</ins>"), "{html}");
}

#[tokio::test]
async fn request_kinds_are_named_in_the_flow_list_and_the_approval_report() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            admin,
            json!({ "kind": "refund", "name": "退款", "fields": [
                { "key": "reason", "label": "原因", "field_type": "choice", "required": true,
                  "options": ["品質問題", "重複付款"] }
            ] }),
        )
        .await;
    assert!(kind.status.is_success(), "{}", kind.text);
    let flow = t
        .post(
            "/api/v1/approvals/flows",
            admin,
            json!({ "kind": "refund", "name": "退款審批", "definition": { "steps": [
                { "name": "主管", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one",
                  "condition": [
                    { "field": "amount", "op": "ge", "value": { "number": 10_000_000 }, "currency": "CNY" },
                    { "field": "reason", "op": "eq", "value": { "text": "品質問題" } }
                  ] },
                { "name": "財務", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
            ] } }),
        )
        .await;
    assert_eq!(flow.status, 201, "{}", flow.text);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/settings/approval-flows", "zh-Hant").await;
    assert!(html.contains("<span class=\"tag\">退款</span>"), "{html}");
    assert!(!html.contains("kinds.refund"), "{html}");
    assert!(
        html.contains("金額 大於或等於 CNY 100,000.00；原因 等於 「品質問題」"),
        "{html}"
    );

    let made = t
        .post(
            "/api/v1/requests",
            &team.rep.1,
            json!({ "kind": "refund", "title": "訂單 1024 退款",
                    "fields": { "reason": "重複付款" } }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    crate::sales_fixtures::submit(&t, &team.rep.1, "requests", id).await;
    let report = t.get("/api/v1/reports/approvals?by=kind", admin).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let labels: Vec<&str> = report.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["label"].as_str())
        .collect();
    assert!(labels.contains(&"退款"), "{}", report.text);
    let (_, html) = page(&t, &cookie, "/reports/approvals?by=kind", "en").await;
    assert!(html.contains("退款"), "{html}");
}
