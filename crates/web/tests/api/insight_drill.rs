//! The report builder's form, its filters with operators, a custom date
//! grouped by month, every release into the pool counted, and the lists a
//! dashboard figure links to giving the figure's own counts.

use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page, post_form, urlencode};

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

fn brief<'a>(board: &'a Value, key: &str) -> &'a Value {
    board["brief"]
        .as_array()
        .expect("brief")
        .iter()
        .find(|b| b["key"] == key)
        .unwrap_or_else(|| panic!("{key}"))
}

/// The list total behind each brief figure, as the dashboard links it.
async fn list_totals(t: &TestApp, token: &str, board: &Value) -> Vec<(&'static str, i64, i64)> {
    let owners = |kind: &str| -> String {
        match board["owners"][kind].as_array() {
            Some(ids) => format!(
                "&owner_ids={}",
                ids.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            None => String::new(),
        }
    };
    let days = format!(
        "from={}&to={}",
        board["from"].as_str().expect("from"),
        board["to"].as_str().expect("to")
    );
    let mut out = Vec::new();
    for (key, path, kind) in [
        ("new_contacts", "/api/v1/contacts?", "contacts"),
        (
            "new_opportunities",
            "/api/v1/opportunities?",
            "opportunities",
        ),
        (
            "contracts_approved",
            "/api/v1/contracts?status=approved&",
            "contracts",
        ),
        (
            "payments_received",
            "/api/v1/payments?status=approved&",
            "payments",
        ),
        ("follow_ups", "/api/v1/follow-ups?", "follow_ups"),
    ] {
        let url = format!("{path}{days}{}&limit=1", owners(kind));
        let list = t.get(&url, token).await;
        assert_eq!(list.status, 200, "{url}: {}", list.text);
        let expected = brief(board, key)["current"]["count"]
            .as_i64()
            .expect("count");
        out.push((key, expected, list.body["total"].as_i64().expect("total")));
    }
    // Customers go through the list's own filters.
    let mut filters = vec![json!({"field": "created_at", "op": "between",
        "value": {"from": board["from"], "to": board["to"]}})];
    if let Some(ids) = board["owners"]["customers"].as_array() {
        filters.push(json!({"field": "owner_id", "op": "one_of", "value": ids}));
    }
    let filter = serde_json::to_string(&filters).expect("json");
    let list = t
        .get(
            &format!("/api/v1/customers?filter={}&limit=1", urlencode(&filter)),
            token,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    out.push((
        "new_customers",
        brief(board, "new_customers")["current"]["count"]
            .as_i64()
            .expect("count"),
        list.body["total"].as_i64().expect("total"),
    ));
    out
}

#[tokio::test]
async fn every_brief_figure_links_to_a_list_of_exactly_its_records_for_an_admin_and_a_manager() {
    let t = TestApp::new().await;
    let demo = t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    for (key, figure, listed) in list_totals(&t, &admin, &board.body).await {
        assert_eq!(figure, listed, "admin: {key}");
    }
    assert!(
        brief(&board.body, "contracts_approved")["current"]["count"]
            .as_i64()
            .is_some_and(|c| c > 0)
    );

    // A manager sees their office: the links carry its people.
    let manager = demo
        .users
        .iter()
        .find(|u| u.name == "Dustin Brinkmann")
        .expect("a manager");
    let theirs = t
        .login(&manager.phone, kuijing_service::demo::DEMO_PASSWORD)
        .await;
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &theirs)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert!(board.body["owners"]["contracts"].is_array());
    for (key, figure, listed) in list_totals(&t, &theirs, &board.body).await {
        assert_eq!(figure, listed, "manager: {key}");
    }

    // The forgotten customers: the list narrowed the same way counts as many.
    let admin_board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    for pair in admin_board.body["forgotten"].as_array().expect("forgotten") {
        let (days, count) = (pair[0].as_i64().expect("days"), pair[1].as_i64());
        let filter = serde_json::to_string(&json!([{"field": "last_follow_up_at",
            "op": "older_than_days", "value": days}]))
        .expect("json");
        let list = t
            .get(
                &format!("/api/v1/customers?filter={}&limit=1", urlencode(&filter)),
                &admin,
            )
            .await;
        assert_eq!(list.body["total"].as_i64(), count, "{days} days");
    }

    // The dashboard page links each figure with its days and owners.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/dashboard?{YEAR_2017}"), "en").await;
    assert_eq!(status, 200);
    for link in [
        "/contacts?from=2017-01-01&#38;to=2017-12-31",
        "/follow-ups?from=2017-01-01&#38;to=2017-12-31",
        "/contracts?status=approved&#38;from=2017-01-01&#38;to=2017-12-31",
        "/customers?forgotten=7",
    ] {
        assert!(html.contains(link), "{link}");
    }
    let (status, html) = page(
        &t,
        &cookie,
        "/contracts?status=approved&from=2017-01-01&to=2017-12-31",
        "en",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Only the records behind a dashboard figure"));
}

#[tokio::test]
async fn builder_filters_take_the_lists_operators_and_a_custom_date_groups_by_month() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = t
        .post(
            "/api/v1/fields",
            &admin,
            json!({ "kind": "customer", "key": "first_met", "label": "First met", "field_type": "date" }),
        )
        .await;
    assert_eq!(field.status, 201, "{}", field.text);
    let size = t
        .post(
            "/api/v1/fields",
            &admin,
            json!({ "kind": "customer", "key": "staff", "label": "Staff", "field_type": "number" }),
        )
        .await;
    assert_eq!(size.status, 201, "{}", size.text);
    for (name, met, staff) in [
        ("Alpha Trading", "2024-01-05", "10"),
        ("Alpine Foods", "2024-01-28", "250"),
        ("Beta Steel", "2024-03-02", "40"),
        ("Gamma Glass", "", "5"),
    ] {
        let mut custom = json!({ "staff": staff });
        if !met.is_empty() {
            custom["first_met"] = json!(met);
        }
        let made = t
            .post(
                "/api/v1/customers",
                &admin,
                json!({ "name": name, "custom": custom }),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let run = |filters: Value, group: &str| {
        json!({
            "name": "Customers met",
            "kind": "customers",
            "group_by": [group],
            "measures": [{"op": "count"}],
            "filters": filters,
            "chart": "table",
        })
    };
    let figures = |report: &Value| -> Vec<(String, i64)> {
        report["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    r["label"].as_str().unwrap_or_default().to_string(),
                    r["values"][0].as_i64().unwrap_or(0),
                )
            })
            .collect()
    };
    let this_year = "period=this_year";

    // A custom date is grouped by its month, not by its value.
    let saved = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            run(json!([]), "custom.first_met:month"),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let id = saved.body["id"].as_i64().expect("id");
    let report = t
        .get(
            &format!("/api/v1/custom-reports/{id}/figures?{this_year}"),
            &admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let grouped = figures(&report.body);
    assert!(grouped.contains(&("2024-01".into(), 2)), "{grouped:?}");
    assert!(grouped.contains(&("2024-03".into(), 1)), "{grouped:?}");

    // Contains, a number range, a day range, one of.
    let cases = [
        (
            json!([{"field": "custom.staff", "op": "between", "value": {"from": "10", "to": "100"}}]),
            2,
        ),
        (
            json!([{"field": "custom.first_met", "op": "between", "value": {"from": "2024-01-01", "to": "2024-01-31"}}]),
            2,
        ),
        (json!([{"field": "custom.first_met", "op": "is_empty"}]), 1),
        (
            json!([{"field": "custom.staff", "op": "between", "value": {"from": "100"}}]),
            1,
        ),
        (
            json!([{"field": "created_at", "op": "this_month"}, {"field": "custom.staff", "op": "equals", "value": "40"}]),
            1,
        ),
    ];
    for (filters, expected) in cases {
        let definition = run(filters.clone(), "locked");
        let saved = t
            .put(
                &format!("/api/v1/custom-reports/{id}"),
                &admin,
                json!({"version": t.get(&format!("/api/v1/custom-reports/{id}"), &admin).await.body["version"], "name": definition["name"], "kind": "customers", "group_by": ["locked"], "measures": [{"op": "count"}], "filters": filters, "chart": "table"}),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text);
        let report = t
            .get(
                &format!("/api/v1/custom-reports/{id}/figures?{this_year}"),
                &admin,
            )
            .await;
        let total: i64 = figures(&report.body).iter().map(|(_, n)| n).sum();
        assert_eq!(total, expected, "{filters}");
    }

    // An operator that does not fit the field is refused by name.
    let bad = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            run(
                json!([{"field": "custom.staff", "op": "contains", "value": "1"}, {"field": "created_at", "op": "between", "value": {"from": "2024-02-01", "to": "2024-01-01"}}]),
                "locked",
            ),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        vec!["filters.0.op", "filters.1.value"],
        "{}",
        bad.text
    );
}

#[tokio::test]
async fn the_builder_form_saves_a_report_and_keeps_what_was_typed_when_refused() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;

    let (status, html) = page(&t, &cookie, "/reports/custom/new?kind=contracts", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"filter_0_field\""));
    assert!(html.contains("value=\"signed_on\""));

    // Refused: no name, a sum of a field that is not a number.
    let form = format!(
        "_csrf={csrf}&name=&kind=contracts&chart=bar&group_0=owner_id&group_0_bucket=\
         &measure_0_op=sum&measure_0_field=&filter_0_field=amount&filter_0_op=between\
         &filter_0_from=abc&filter_0_to=&share_user=999999"
    );
    let (status, html) = post_form(&t, &cookie, "/reports/custom/new", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("value=\"abc\""), "typed input is kept");
    assert!(html.matches("class=\"err\"").count() >= 3, "{html}");

    // Saved, then shown, then changed.
    let form = format!(
        "_csrf={csrf}&name=Signed+by+month&kind=contracts&chart=line&group_0=signed_on\
         &group_0_bucket=quarter&measure_0_op=count&measure_1_op=sum&measure_1_field=amount\
         &filter_0_field=status&filter_0_op=one_of&filter_0_ids=approved&filter_0_ids=draft\
         &filter_1_field=amount&filter_1_op=between&filter_1_from=100&filter_1_to="
    );
    let (status, location) = post_form(&t, &cookie, "/reports/custom/new", form).await;
    assert_eq!(status, 303, "{location}");
    assert!(location.starts_with("/reports/custom/"), "{location}");
    let id: i64 = location
        .trim_start_matches("/reports/custom/")
        .split('?')
        .next()
        .and_then(|i| i.parse().ok())
        .expect("id");
    let admin = t.admin().await;
    let saved = t.get(&format!("/api/v1/custom-reports/{id}"), &admin).await;
    assert_eq!(saved.body["group_by"], json!(["signed_on:quarter"]));
    assert_eq!(
        saved.body["filters"][0],
        json!({"field": "status", "op": "one_of", "value": ["approved", "draft"]})
    );
    let (status, html) = page(&t, &cookie, &format!("/reports/custom/{id}/edit"), "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"Signed by month\""));
    let version = saved.body["version"].as_i64().expect("version");
    let form = format!(
        "_csrf={csrf}&version={version}&name=Signed+by+year&kind=contracts&chart=table\
         &group_0=signed_on&group_0_bucket=year&measure_0_op=count"
    );
    let (status, location) =
        post_form(&t, &cookie, &format!("/reports/custom/{id}/edit"), form).await;
    assert_eq!(status, 303, "{location}");
    let saved = t.get(&format!("/api/v1/custom-reports/{id}"), &admin).await;
    assert_eq!(saved.body["name"], "Signed by year");

    // Someone without `report.create` gets no form.
    let viewer = t
        .role(&admin, "Report viewer", &["report.view"], json!({}))
        .await;
    t.user(&admin, "0900000077", json!({"role_ids": [viewer]}))
        .await;
    let theirs = page_session(&t, "0900000077").await;
    let (status, _) = page(&t, &theirs, "/reports/custom/new", "en").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn every_release_into_the_pool_counts_not_only_the_last() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let made = t
        .post("/api/v1/customers", &admin, json!({ "name": "Twice Ltd" }))
        .await;
    let id = made.body["id"].as_i64().expect("id");
    for _ in 0..2 {
        let released = t
            .post(
                "/api/v1/customers/release",
                &admin,
                json!({ "ids": [id], "reason": "no budget" }),
            )
            .await;
        assert!(released.status.is_success(), "{}", released.text);
        let pools = t.get("/api/v1/pools", &admin).await;
        let pool = pools.body[0]["id"].as_i64().expect("pool");
        let me = t.get("/api/v1/auth/me", &admin).await;
        let assigned = t
            .post(
                &format!("/api/v1/pools/{pool}/assign"),
                &admin,
                json!({ "ids": [id], "user_id": me.body["id"] }),
            )
            .await;
        assert!(assigned.status.is_success(), "{}", assigned.text);
    }
    let report = t
        .get("/api/v1/reports/pool?period=this_month", &admin)
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let columns = report.body["columns"].as_array().expect("columns");
    let at = |key: &str| {
        columns
            .iter()
            .position(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("{key}"))
    };
    assert_eq!(report.body["totals"][at("released")], 2, "{}", report.text);
    assert_eq!(report.body["totals"][at("claimed")], 0, "{}", report.text);
    assert_eq!(report.body["totals"][at("assigned")], 2, "{}", report.text);
}
