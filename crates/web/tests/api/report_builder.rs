//! The report builder on the demo company: a grouping and measures checked
//! against sums computed here from the files, sharing (a user it is not
//! shared with gets 404, a shared user sees only their scope's figures),
//! and bad definitions answered 422 naming the field.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};

const PIPELINE: &str = include_str!("../../../service/demo/maven-crm/sales_pipeline.csv");
const ACCOUNTS: &str = include_str!("../../../service/demo/maven-crm/accounts.csv");
const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

/// Won deals closed in 2017: (agent, close date, cents).
fn won_2017() -> Vec<(String, String, i64)> {
    csv::Reader::from_reader(PIPELINE.as_bytes())
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| !r[3].trim().is_empty() && &r[4] == "Won" && r[6].starts_with("2017"))
        .map(|r| {
            (
                r[1].to_string(),
                r[6].to_string(),
                r[7].trim().parse::<i64>().expect("value") * 100,
            )
        })
        .collect()
}

fn values(report: &Value, key: &str) -> BTreeMap<String, i64> {
    let columns = report["columns"].as_array().expect("columns");
    let index = columns
        .iter()
        .position(|c| c["key"] == key && (c["currency"].is_null() || c["currency"] == "USD"))
        .unwrap_or_else(|| panic!("{key}: {report}"));
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let mut label = r["label"].as_str().expect("label").to_string();
            if let Some(second) = r["label2"].as_str() {
                label = format!("{label} {second}");
            }
            (label, r["values"][index].as_i64().unwrap_or(0))
        })
        .collect()
}

fn quarter(day: &str) -> String {
    let month: u32 = day[5..7].parse().expect("month");
    format!("{}-Q{}", &day[..4], month.div_ceil(3))
}

#[tokio::test]
async fn a_saved_report_adds_up_and_is_seen_only_by_those_it_is_shared_with_in_their_scope() {
    let t = TestApp::new().await;
    let demo = t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let user = |name: &str| {
        demo.users
            .iter()
            .find(|u| u.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let id_of = |answer: &Value, name: &str| -> i64 {
        answer["items"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["name"] == name)
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("{name}"))
    };
    let rep = user("Darcel Schlecht");
    // A rep of another office.
    let other = demo
        .users
        .iter()
        .find(|u| u.role == "sales_rep" && u.department != rep.department)
        .expect("a rep elsewhere")
        .clone();
    let people = t.get("/api/v1/users?q=Darcel", &admin).await;
    let rep_id = id_of(&people.body, &rep.name);

    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({
                "name": "Approved contracts by owner and quarter",
                "kind": "contracts",
                "group_by": ["owner_id", "signed_on:quarter"],
                "measures": [{"op": "count"}, {"op": "sum", "field": "amount"}, {"op": "average", "field": "amount"}],
                "filters": [{"field": "status", "op": "eq", "value": "approved"}],
                "chart": "bar",
                "shares": [{"kind": "user", "id": rep_id}]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");

    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for (agent, day, cents) in won_2017() {
        let key = format!("{agent} {}", quarter(&day));
        *sums.entry(key.clone()).or_default() += cents;
        *counts.entry(key).or_default() += 1;
    }
    let figures = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{YEAR_2017}"),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    assert_eq!(values(&figures.body, "sum"), sums);
    assert_eq!(values(&figures.body, "count"), counts);
    let averages = values(&figures.body, "average");
    for (key, sum) in &sums {
        let count = counts[key];
        assert_eq!(averages[key], (sum * 2 + count) / (count * 2), "{key}");
    }

    // The rep it is shared with sees the report, and only their own figures.
    let rep_token = t
        .login(&rep.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    let theirs = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{YEAR_2017}"),
            &rep_token,
        )
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    let mine: BTreeMap<String, i64> = sums
        .iter()
        .filter(|(k, _)| k.starts_with(&rep.name))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert!(!mine.is_empty());
    assert_eq!(values(&theirs.body, "sum"), mine);
    // Nor can they edit or delete it.
    let delete = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/custom-reports/{id}"),
            Some(&rep_token),
            None,
        )
        .await;
    assert_eq!(delete.status, 403, "{}", delete.text);

    // Someone it is not shared with does not find it.
    let other_token = t
        .login(&other.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    for path in [
        format!("/api/v1/custom-reports/{id}"),
        format!("/api/v1/custom-reports/{id}/figures"),
    ] {
        let hidden = t.get(&path, &other_token).await;
        assert_eq!(hidden.status, 404, "{path}");
    }
    let listed = t.get("/api/v1/custom-reports", &other_token).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(0));

    // Shared with the other rep's department instead, they find it.
    let departments = t.get("/api/v1/departments", &admin).await;
    let office = departments.body["items"]
        .as_array()
        .or(departments.body.as_array())
        .expect("departments")
        .iter()
        .find(|d| d["name"] == other.department.as_str())
        .and_then(|d| d["id"].as_i64())
        .expect("the other rep's office");
    let mut definition = created.body.clone();
    let version = definition["version"].clone();
    for key in ["id", "version", "created_by", "editable"] {
        definition.as_object_mut().expect("object").remove(key);
    }
    definition["shares"] = json!([{"kind": "department", "id": office}]);
    definition["version"] = version;
    let changed = t
        .put(&format!("/api/v1/custom-reports/{id}"), &admin, definition)
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let found = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{YEAR_2017}"),
            &other_token,
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert!(
        values(&found.body, "sum")
            .keys()
            .all(|k| k.starts_with(&other.name))
    );
    let gone = t
        .get(&format!("/api/v1/custom-reports/{id}"), &rep_token)
        .await;
    assert_eq!(gone.status, 404, "no longer shared with the first rep");

    // Left out of a change, the filters and shares stay as they are.
    let mut renamed = changed.body.clone();
    let version = renamed["version"].clone();
    for key in [
        "id",
        "version",
        "created_by",
        "editable",
        "filters",
        "shares",
    ] {
        renamed.as_object_mut().expect("object").remove(key);
    }
    renamed["name"] = json!("Approved contracts by owner and quarter (2017)");
    renamed["version"] = version;
    let kept = t
        .put(&format!("/api/v1/custom-reports/{id}"), &admin, renamed)
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    assert_eq!(
        kept.body["name"],
        "Approved contracts by owner and quarter (2017)"
    );
    assert!(
        !changed.body["filters"]
            .as_array()
            .expect("filters")
            .is_empty()
    );
    assert_eq!(kept.body["filters"], changed.body["filters"]);
    assert_eq!(kept.body["shares"], changed.body["shares"]);

    // The export is the table, with numbers.
    let csv = t
        .get(
            &format!("/api/v1/custom-reports/{id}/export?{YEAR_2017}&format=csv"),
            &admin,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.text.contains("Sum · Amount (USD)"), "{}", csv.text);

    // The pages list it and show it with its chart and table.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, list) = crate::helpers::page(&t, &cookie, "/reports", "en").await;
    assert_eq!(status, 200);
    assert!(list.contains("Approved contracts by owner and quarter"));
    let (status, shown) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/reports/custom/{id}?{YEAR_2017}"),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.contains("<svg") && shown.contains("Darcel Schlecht"));
    let (status, _) =
        crate::helpers::page(&t, &cookie, &format!("/reports/custom/{id}"), "en").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_custom_number_field_is_summed_per_group() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let mut per_sector: BTreeMap<String, i64> = BTreeMap::new();
    for r in csv::Reader::from_reader(ACCOUNTS.as_bytes()).records() {
        let r = r.expect("account");
        let employees: i64 = r[4].trim().parse().unwrap_or(0);
        *per_sector.entry(r[1].trim().to_string()).or_default() += employees * 1000;
    }
    let created = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({
                "name": "Employees by industry",
                "kind": "customers",
                "group_by": ["industry_id"],
                "measures": [{"op": "sum", "field": "custom.employees"}],
                "chart": "pie"
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let figures = t
        .get(
            // The demo's customers are dated by their first deal, in 2016 and 2017.
            &format!(
                "/api/v1/custom-reports/{id}/figures?period=custom&from=2016-01-01&to=2017-12-31"
            ),
            &admin,
        )
        .await;
    assert_eq!(figures.status, 200, "{}", figures.text);
    assert_eq!(values(&figures.body, "sum"), per_sector);
}

#[tokio::test]
async fn bad_definitions_are_refused_naming_the_field() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let refused = |body: Value| {
        let t = &t;
        let admin = admin.clone();
        async move {
            let answer = t.post("/api/v1/custom-reports", &admin, body).await;
            assert_eq!(answer.status, 422, "{}", answer.text);
            answer.body["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_string(),
                        e["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let errors = refused(json!({
        "name": "x", "kind": "contracts", "group_by": ["colour"],
        "measures": [{"op": "count"}], "chart": "bar"
    }))
    .await;
    assert_eq!(errors[0].0, "group_by.0");
    assert!(errors[0].1.contains("colour"), "{errors:?}");
    let errors = refused(json!({
        "name": "x", "kind": "contracts", "group_by": ["owner_id"],
        "measures": [{"op": "sum", "field": "status"}], "chart": "bar"
    }))
    .await;
    assert_eq!(errors[0].0, "measures.0.field");
    assert!(errors[0].1.starts_with("Status "), "{errors:?}");
    let errors = refused(json!({
        "name": "x", "kind": "contracts", "group_by": ["amount", "owner_id:month"],
        "measures": [{"op": "count"}], "chart": "radar"
    }))
    .await;
    let fields: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(fields, ["group_by.0", "group_by.1", "chart"]);
    let errors = refused(json!({
        "name": "x", "kind": "planets", "group_by": ["owner_id"],
        "measures": [{"op": "count"}], "chart": "bar"
    }))
    .await;
    assert_eq!(errors[0].0, "kind");
}
