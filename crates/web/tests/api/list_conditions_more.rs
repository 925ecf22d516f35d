//! More of the record lists' conditions and narrowing: date-time custom
//! fields filtered by the company's days (periods and ranges), a customer's
//! contacts the same on its tab and in the contact list, and sales lists
//! sorted on every column they show.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp, urlencode as encoded};

/// The names a list answers for one condition, in name order.
async fn names_where(t: &TestApp, token: &str, path: &str, condition: Value) -> Vec<String> {
    let filter = encoded(&json!([condition]).to_string());
    let url = format!("{path}?filter={filter}&sort=name&limit=100");
    let answer = t.get(&url, token).await;
    assert_eq!(answer.status, 200, "{url}: {}", answer.text);
    answer.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_string())
        .collect()
}

/// Records A to E with a date-time field `met`, the clock at Monday
/// 2026-03-02 17:00 in Shanghai (the company's zone, eight hours ahead of
/// UTC): A is met today there, B and C yesterday (C on the last day of
/// February in UTC), D on the last day of February, E never.
const MET: [(&str, Option<&str>); 5] = [
    ("A", Some("2026-03-01T16:30:00Z")),
    ("B", Some("2026-03-01T23:59:59+08:00")),
    ("C", Some("2026-02-28T17:00:00Z")),
    ("D", Some("2026-02-28T15:00:00Z")),
    ("E", None),
];

/// Each condition on `met` and the records it keeps.
fn met_conditions() -> Vec<(Value, &'static str)> {
    let on = |op: &str| json!({ "field": "custom.met", "op": op });
    let between = |range: Value| json!({ "field": "custom.met", "op": "between", "value": range });
    vec![
        (on("today"), "A"),
        (on("yesterday"), "BC"),
        (on("this_week"), "A"),
        (on("last_week"), "BCD"),
        (on("this_month"), "ABC"),
        (on("last_month"), "D"),
        (on("this_year"), "ABCD"),
        (on("last_year"), ""),
        (on("is_empty"), "E"),
        (on("not_empty"), "ABCD"),
        (
            between(json!({ "from": "2026-03-01", "to": "2026-03-01" })),
            "BC",
        ),
        (between(json!({ "from": "2026-03-02" })), "A"),
        (between(json!({ "to": "2026-02-28" })), "D"),
        (
            between(json!({ "from": "2026-02-28", "to": "2026-03-01" })),
            "BCD",
        ),
    ]
}

#[tokio::test]
async fn date_time_fields_take_periods_and_ranges_in_the_company_zone() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for kind in ["customer", "lead", "contact"] {
        let body = json!({ "kind": kind, "key": "met", "label": "Met", "field_type": "date_time" });
        let answer = t.post("/api/v1/fields", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    let holder = t
        .post("/api/v1/customers", &admin, json!({ "name": "Holder" }))
        .await;
    let holder = holder.body["id"].as_i64().expect("customer id");
    for (name, met) in MET {
        let custom = met.map_or_else(|| json!({}), |at| json!({ "met": at }));
        for (path, body) in [
            (
                "/api/v1/customers",
                json!({ "name": name, "custom": custom }),
            ),
            ("/api/v1/leads", json!({ "name": name, "custom": custom })),
            (
                "/api/v1/contacts",
                json!({ "name": name, "customer_id": holder, "custom": custom }),
            ),
        ] {
            let answer = t.post(path, &admin, body).await;
            assert_eq!(answer.status, 201, "{path}: {}", answer.text);
        }
    }
    for path in ["/api/v1/customers", "/api/v1/leads", "/api/v1/contacts"] {
        for (condition, kept) in met_conditions() {
            let mut names = names_where(&t, &admin, path, condition.clone()).await;
            names.retain(|n| n != "Holder");
            let kept: Vec<String> = kept.chars().map(String::from).collect();
            assert_eq!(names, kept, "{path} where {condition}");
        }
    }
    // A range that is not a day names its side.
    let bad = encoded(
        &json!([{ "field": "custom.met", "op": "between", "value": { "from": "soon" } }])
            .to_string(),
    );
    let answer = t
        .get(&format!("/api/v1/customers?filter={bad}"), &admin)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.body["errors"][0]["field"], "filters.0",
        "{}",
        answer.text
    );
    // Text operators stay refused on a date-time.
    let contains = json!({ "field": "custom.met", "op": "contains", "value": "2026" });
    let filter = encoded(&json!([contains]).to_string());
    let answer = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
}

#[tokio::test]
async fn the_condition_builder_offers_periods_and_ranges_on_date_time_fields() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body =
        json!({ "kind": "customer", "key": "met", "label": "Met", "field_type": "date_time" });
    assert_eq!(t.post("/api/v1/fields", &admin, body).await.status, 201);
    for (name, met) in [
        ("Today Co", "2026-03-01T16:30:00Z"),
        ("Feb Co", "2026-02-28T15:00:00Z"),
    ] {
        let body = json!({ "name": name, "custom": { "met": met } });
        assert_eq!(t.post("/api/v1/customers", &admin, body).await.status, 201);
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/customers", "en").await;
    assert_eq!(status, 200);
    for offered in [
        "custom.met|today",
        "custom.met|last_month",
        "custom.met|between",
        "custom.met|on_or_after",
        "custom.met|on_or_before",
    ] {
        assert!(html.contains(offered), "the adder offers {offered}");
    }
    assert!(!html.contains("custom.met|contains"), "no text operators");
    let shown = |query: &str| {
        let (t, cookie) = (&t, &cookie);
        let path = format!("/customers?{query}");
        async move { crate::helpers::page(t, cookie, &path, "en").await }
    };
    let (status, html) = shown("cond=custom.met%7Ctoday").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Today Co") && !html.contains("Feb Co"),
        "today"
    );
    let (_, html) = shown("cond=custom.met%7Cbetween&cvf=2026-02-01&cvt=2026-02-28").await;
    assert!(
        html.contains("Feb Co") && !html.contains("Today Co"),
        "range"
    );
    let (_, html) = shown("cond=custom.met%7Con_or_after&cv=2026-03-02").await;
    assert!(
        html.contains("Today Co") && !html.contains("Feb Co"),
        "from a day"
    );
}

/// What someone sees of a customer's contacts: the tab's names and count,
/// and the contact list, its total and its export narrowed to the customer.
struct ContactsSeen {
    tab: Vec<&'static str>,
    tab_count: String,
    listed: Vec<String>,
    total: i64,
    exported: Vec<&'static str>,
}

const PEOPLE: [&str; 2] = ["Own Person", "Colleague Person"];

async fn contacts_seen(t: &TestApp, phone: &str, customer: i64) -> ContactsSeen {
    let token = t.login(phone, crate::helpers::PASSWORD).await;
    let cookie = crate::auth::page_session(t, phone).await;
    let (status, html) =
        crate::helpers::page(t, &cookie, &format!("/customers/{customer}"), "en").await;
    assert_eq!(status, 200, "{html}");
    let section = html
        .split("id=\"contacts\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the contacts tab")
        .to_string();
    let tab_count = section
        .split("<span class=\"count\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the tab's count")
        .to_string();
    let list = t
        .get(&format!("/api/v1/contacts?customer_id={customer}"), &token)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let export = t
        .get(
            &format!("/api/v1/contacts/export?format=csv&customer_id={customer}"),
            &token,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    ContactsSeen {
        tab: PEOPLE.into_iter().filter(|p| section.contains(p)).collect(),
        tab_count,
        listed: list.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["name"].as_str().expect("name").to_string())
            .collect(),
        total: list.body["total"].as_i64().expect("total"),
        exported: PEOPLE
            .into_iter()
            .filter(|p| export.text.contains(p))
            .collect(),
    }
}

#[tokio::test]
async fn a_customers_contacts_tab_count_list_and_export_agree_on_the_contact_scope() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // Customers in the department's scope, contacts only their own.
    let scopes = json!({ "customer": { "scope": "department" }, "contact": { "scope": "own" },
                         "user": { "scope": "department" } });
    let permissions = [
        "customer.view",
        "contact.view",
        "contact.export",
        "user.view",
    ];
    let role = t.role(&admin, "Desk", &permissions, scopes).await;
    let desk = t.department(&admin, "Desk", 1).await;
    let fields = json!({ "department_id": desk, "role_ids": [role] });
    let viewer = t.user(&admin, "0974000001", fields.clone()).await;
    let colleague = t.user(&admin, "0974000002", fields).await;
    let customer = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Shared Co", "owner_id": colleague }),
        )
        .await;
    assert_eq!(customer.status, 201, "{}", customer.text);
    let customer = customer.body["id"].as_i64().expect("id");
    for (name, owner) in [("Own Person", viewer), ("Colleague Person", colleague)] {
        let body = json!({ "name": name, "customer_id": customer, "owner_id": owner });
        let answer = t.post("/api/v1/contacts", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }

    // The viewer sees the customer through its owner, but only their own contact.
    let seen = contacts_seen(&t, "0974000001", customer).await;
    assert_eq!(seen.tab, ["Own Person"], "the tab");
    assert_eq!(seen.tab_count, "1", "the tab's count");
    assert_eq!(
        seen.listed,
        ["Own Person"],
        "the list narrowed to the customer"
    );
    assert_eq!(seen.total, 1, "the list's total");
    assert_eq!(seen.exported, ["Own Person"], "the export");

    // On the customer's team, they read every contact of it, everywhere.
    let joined = t
        .post(
            &format!("/api/v1/customers/{customer}/team"),
            &admin,
            json!({ "user_id": viewer, "can_write": false }),
        )
        .await;
    assert_eq!(joined.status, 204, "{}", joined.text);
    let seen = contacts_seen(&t, "0974000001", customer).await;
    assert_eq!(seen.tab, PEOPLE, "the tab");
    assert_eq!(seen.tab_count, "2", "the tab's count");
    assert_eq!(seen.total, 2, "the list's total");
    assert_eq!(seen.listed.len(), 2, "the list");
    assert_eq!(seen.exported, PEOPLE, "the export");
}

/// The names of a sales list read two a page through its cursors.
async fn sales_names(t: &TestApp, token: &str, path: &str, sort: &str) -> String {
    let mut names = String::new();
    let mut cursor = String::new();
    for _ in 0..10 {
        let url = format!(
            "{path}?sort={}&limit=2&cursor={}",
            encoded(sort),
            encoded(&cursor)
        );
        let answer = t.get(&url, token).await;
        assert_eq!(answer.status, 200, "{url}: {}", answer.text);
        for item in answer.body["items"].as_array().expect("items") {
            names.push_str(item["name"].as_str().expect("name"));
        }
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return names,
        }
    }
    panic!("{path} by {sort} never ended");
}

#[tokio::test]
async fn opportunities_sort_on_every_column_and_custom_fields_with_empty_ones_last() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let body =
        json!({ "kind": "opportunity", "key": "staff", "label": "Staff", "field_type": "number" });
    let answer = t.post("/api/v1/fields", &admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let client = t
        .post("/api/v1/customers", &admin, json!({ "name": "Client" }))
        .await;
    let client = client.body["id"].as_i64().expect("customer id");
    // A and D tie on the close day; C and E have neither a day nor a staff.
    let made = [
        ("A", Some("2026-04-01"), Some("10")),
        ("B", Some("2026-03-15"), Some("9")),
        ("C", None, None),
        ("D", Some("2026-04-01"), Some("-1")),
        ("E", None, None),
    ];
    let mut ids = std::collections::HashMap::new();
    for (name, closes, staff) in made {
        let custom = staff.map_or_else(|| json!({}), |s| json!({ "staff": s }));
        let body = json!({ "name": name, "customer_id": client, "amount": "100",
                           "expected_close_on": closes, "custom": custom });
        let answer = t.post("/api/v1/opportunities", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        ids.insert(name, answer.body["id"].as_i64().expect("id"));
    }
    let path = "/api/v1/opportunities";
    for (sort, order) in [
        ("name", "ABCDE"),
        ("-name", "EDCBA"),
        ("expected_close_on", "BADCE"),
        ("-expected_close_on", "DABEC"),
        // As numbers: 9 before 10.
        ("custom.staff", "DBACE"),
        ("-custom.staff", "ABDEC"),
        // Every amount is the same: the id decides.
        ("amount", "ABCDE"),
        ("-amount", "EDCBA"),
        ("customer_id", "ABCDE"),
        ("owner_id", "ABCDE"),
        ("stage_id", "ABCDE"),
    ] {
        assert_eq!(
            sales_names(&t, &admin, path, sort).await,
            order,
            "by {sort}"
        );
    }
    let unknown = t
        .get("/api/v1/opportunities?sort=custom.nothing", &admin)
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(
        unknown.body["errors"][0]["field"], "sort",
        "{}",
        unknown.text
    );

    // The page's headers sort, and the list follows them.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/opportunities", "en").await;
    assert_eq!(status, 200, "{html}");
    for link in [
        "sort=name",
        "sort=-customer_id",
        "sort=-amount",
        "sort=-owner_id",
    ] {
        assert!(html.contains(link), "a header sorts by {link}");
    }
    let (_, html) =
        crate::helpers::page(&t, &cookie, "/opportunities?sort=-expected_close_on", "en").await;
    let at = |name: &str| {
        html.find(&format!("href=\"/opportunities/{}\"", ids[name]))
            .expect(name)
    };
    assert!(at("D") < at("A") && at("A") < at("B") && at("B") < at("E"));
    assert!(
        html.contains("aria-sort=\"descending\""),
        "the header says how"
    );
}
