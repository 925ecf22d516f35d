//! Record lists sort on every column they show: custom fields by their
//! type (numbers and money as numbers, dates and times in time order),
//! notes, tax IDs and phones; the id breaks ties, empty values come last in
//! both directions, and paging never skips or repeats a row.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};

async fn field(t: &TestApp, admin: &str, kind: &str, key: &str, field_type: &str) {
    let mut body =
        json!({ "kind": kind, "key": key, "label": key.to_uppercase(), "field_type": field_type });
    if field_type == "choice" {
        body["options"] = json!(["north", "south", "east"]);
    }
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

const CUSTOM: [(&str, &str); 6] = [
    ("words", "text"),
    ("staff", "number"),
    ("budget", "money"),
    ("opened", "date"),
    ("visited", "date_time"),
    ("region", "choice"),
];

/// Five records A to E (made in that order): C and E have no values; A and
/// D tie on most fields, so the id decides between them.
fn custom_values() -> [Value; 5] {
    [
        json!({ "words": "beta", "staff": "10", "budget": "5.5", "opened": "2026-03-01",
                "visited": "2026-03-01T10:00:00Z", "region": "south" }),
        json!({ "words": "alpha", "staff": "9", "budget": "100", "opened": "2025-12-31",
                "visited": "2026-03-01T09:00:00+08:00", "region": "north" }),
        json!({}),
        json!({ "words": "beta", "staff": "-1", "budget": "5.50", "opened": "2026-03-01",
                "visited": "2026-03-02T00:00:00Z", "region": "south" }),
        json!({}),
    ]
}

/// The names of a list read page by page (two a page) through its cursors.
async fn names_paged(
    t: &TestApp,
    token: &str,
    path: &str,
    sort: &str,
    descending: bool,
) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = String::new();
    for _ in 0..10 {
        let url = format!("{path}?sort={sort}&desc={descending}&limit=2&cursor={cursor}");
        let answer = t.get(&url, token).await;
        assert_eq!(answer.status, 200, "{url}: {}", answer.text);
        for item in answer.body["items"].as_array().expect("items") {
            names.push(item["name"].as_str().expect("name").to_string());
        }
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return names,
        }
    }
    panic!("{path} by {sort} never ended");
}

/// Checks a list's order by a sort both ways.
async fn assert_order(t: &TestApp, token: &str, path: &str, sort: &str, up: &str, down: &str) {
    let split = |s: &str| s.chars().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        names_paged(t, token, path, sort, false).await,
        split(up),
        "{path} by {sort} going up"
    );
    assert_eq!(
        names_paged(t, token, path, sort, true).await,
        split(down),
        "{path} by {sort} going down"
    );
}

/// The orders every custom field gives the five records.
const CUSTOM_ORDERS: [(&str, &str, &str); 6] = [
    ("custom.words", "BADCE", "DABEC"),
    // As numbers: 9 before 10.
    ("custom.staff", "DBACE", "ABDEC"),
    // 5.5 and 5.50 are the same amount: the id decides.
    ("custom.budget", "ADBCE", "BDAEC"),
    ("custom.opened", "BADCE", "DABEC"),
    // 09:00 in Taipei is before 10:00 in London on the same day.
    ("custom.visited", "BADCE", "DABEC"),
    ("custom.region", "BADCE", "DABEC"),
];

#[tokio::test]
async fn customers_and_leads_sort_on_custom_fields_by_their_type_with_empty_ones_last() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for kind in ["customer", "lead"] {
        for (key, field_type) in CUSTOM {
            field(&t, &admin, kind, key, field_type).await;
        }
    }
    for (name, custom) in ["A", "B", "C", "D", "E"].into_iter().zip(custom_values()) {
        for path in ["/api/v1/customers", "/api/v1/leads"] {
            let answer = t
                .post(path, &admin, json!({ "name": name, "custom": custom }))
                .await;
            assert_eq!(answer.status, 201, "{}", answer.text);
        }
    }
    for path in ["/api/v1/customers", "/api/v1/leads"] {
        for (sort, up, down) in CUSTOM_ORDERS {
            assert_order(&t, &admin, path, sort, up, down).await;
        }
    }
    let unknown = t.get("/api/v1/customers?sort=custom.nothing", &admin).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(
        unknown.body["errors"][0]["field"], "sort",
        "{}",
        unknown.text
    );
}

#[tokio::test]
async fn notes_tax_ids_and_contact_phones_sort_and_page_without_skipping() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let texts = [Some("n2"), Some("n1"), None, Some("n2"), None];
    let mut customers = Vec::new();
    for (name, text) in ["A", "B", "C", "D", "E"].into_iter().zip(texts) {
        let body =
            json!({ "name": name, "notes": text, "tax_id": text.map(|t| t.replace('n', "T")) });
        let answer = t.post("/api/v1/customers", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        customers.push(answer.body["id"].as_i64().expect("id"));
        let lead = t
            .post(
                "/api/v1/leads",
                &admin,
                json!({ "name": name, "notes": text }),
            )
            .await;
        assert_eq!(lead.status, 201, "{}", lead.text);
    }
    for sort in ["notes", "tax_id", "province", "city", "district"] {
        let answer = t
            .get(&format!("/api/v1/customers?sort={sort}"), &admin)
            .await;
        assert_eq!(answer.status, 200, "{sort}: {}", answer.text);
    }
    assert_order(&t, &admin, "/api/v1/customers", "notes", "BADCE", "DABEC").await;
    assert_order(&t, &admin, "/api/v1/customers", "tax_id", "BADCE", "DABEC").await;
    assert_order(&t, &admin, "/api/v1/leads", "notes", "BADCE", "DABEC").await;

    let phones = [
        Some("0912-000-002"),
        Some("0912-000-001"),
        None,
        Some("0912-000-002"),
        None,
    ];
    for (name, phone) in ["A", "B", "C", "D", "E"].into_iter().zip(phones) {
        let body = json!({ "customer_id": customers[0], "name": name, "mobile": phone,
                           "phone": phone.map(|p| p.replace("0912", "02")), "notes": phone });
        let answer = t.post("/api/v1/contacts", &admin, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    for sort in ["mobile", "phone", "notes"] {
        assert_order(&t, &admin, "/api/v1/contacts", sort, "BADCE", "DABEC").await;
    }
}

#[tokio::test]
async fn a_custom_column_header_sorts_the_page_and_a_gone_field_falls_back() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    field(&t, &admin, "contact", "staff", "number").await;
    let customer = t
        .post("/api/v1/customers", &admin, json!({ "name": "Acme" }))
        .await;
    let customer = customer.body["id"].as_i64().expect("id");
    for (name, staff) in [("Nine", "9"), ("Ten", "10")] {
        let body = json!({ "customer_id": customer, "name": name, "custom": { "staff": staff } });
        assert_eq!(t.post("/api/v1/contacts", &admin, body).await.status, 201);
    }
    let columns = json!({ "columns": ["name", "mobile", "custom.staff"] });
    let saved = t
        .put("/api/v1/list-columns/contacts", &admin, columns)
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);

    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, "/contacts", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("sort=custom.staff"),
        "no sort link on the custom column"
    );
    assert!(
        html.contains("sort=mobile"),
        "no sort link on the mobile column"
    );
    let (status, html) = page(&t, &cookie, "/contacts?sort=custom.staff&dir=desc", "en").await;
    assert_eq!(status, 200);
    let (ten, nine) = (html.find(">Ten<"), html.find(">Nine<"));
    assert!(
        ten.is_some() && nine.is_some() && ten < nine,
        "ten first going down"
    );
    let (status, _) = page(&t, &cookie, "/contacts?sort=custom.gone&dir=desc", "en").await;
    assert_eq!(status, 200);
}
