//! Lists of the record engine: the columns each user chooses (remembered
//! per user and list, followed by exports), and batch actions on "all that
//! match", which act on exactly the filtered rows in the caller's scope.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page, post_form};
use crate::sales_fixtures::{create, first_error};

const PERMISSIONS: &[&str] = &[
    "customer.view",
    "customer.create",
    "customer.edit",
    "customer.delete",
    "customer.transfer",
    "customer.export",
    "contact.view",
    "contact.create",
    "opportunity.view",
    "opportunity.create",
    "opportunity.edit",
    "opportunity.delete",
    "opportunity.transfer",
    "opportunity.export",
    "contract.view",
    "contract.create",
    "contract.edit",
    "contract.delete",
    "contract.transfer",
    "contract.export",
    "follow_up.create",
    "event.view",
    "event.create",
    "event.edit",
    "event.delete",
    "product.view",
    "user.view",
];

fn scopes(scope: &str) -> Value {
    let mut map = serde_json::Map::new();
    for kind in ["customer", "contact", "opportunity", "contract", "user"] {
        map.insert(kind.to_string(), json!({ "scope": scope }));
    }
    Value::Object(map)
}

/// A manager of North (who sees North), a rep of North and a rep of South,
/// each with their token and id.
pub struct Team {
    pub admin: String,
    pub manager: (i64, String),
    pub north: (i64, String),
    pub south: (i64, String),
}

pub async fn team(t: &TestApp) -> Team {
    let admin = t.admin().await;
    let manager_role = t
        .role(&admin, "Lead", PERMISSIONS, scopes("department"))
        .await;
    let rep_role = t.role(&admin, "Seller", PERMISSIONS, scopes("own")).await;
    let north = t.department(&admin, "North", 1).await;
    let south = t.department(&admin, "South", 1).await;
    let user = |phone: &'static str, department: i64, role: i64| {
        let admin = admin.clone();
        async move {
            let id = t
                .user(
                    &admin,
                    phone,
                    json!({ "department_id": department, "role_ids": [role] }),
                )
                .await;
            (id, t.login(phone, PASSWORD).await)
        }
    };
    Team {
        manager: user("0986000001", north, manager_role).await,
        north: user("0986000002", north, rep_role).await,
        south: user("0986000003", south, rep_role).await,
        admin,
    }
}

async fn customer(t: &TestApp, token: &str, name: &str) -> i64 {
    create(t, token, "/api/v1/customers", json!({ "name": name })).await
}

/// Every customer's name and owner, as the administrator sees them.
async fn owners(t: &TestApp, admin: &str) -> Vec<(String, i64)> {
    let list = t.get("/api/v1/customers?limit=200&sort=name", admin).await;
    let mut found: Vec<(String, i64)> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["owner_id"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn column_choices_are_remembered_per_user_and_list() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (_, rep) = &team.north;
    let admin = &team.admin;

    let defaults = t.get("/api/v1/list-columns/customer", admin).await;
    assert_eq!(defaults.status, 200, "{}", defaults.text);
    assert_eq!(defaults.body["default"], true);
    assert_eq!(defaults.body["columns"][0], "name");

    // The naming column stays, first when left out; repeats are dropped.
    let chosen = t
        .put(
            "/api/v1/list-columns/customer",
            admin,
            json!({ "columns": ["phone", "owner_id", "phone"] }),
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    assert_eq!(chosen.body["columns"], json!(["name", "phone", "owner_id"]));
    let reordered = t
        .put(
            "/api/v1/list-columns/customer",
            admin,
            json!({ "columns": ["phone", "name"] }),
        )
        .await;
    assert_eq!(reordered.body["columns"], json!(["phone", "name"]));

    let unknown = t
        .put(
            "/api/v1/list-columns/customer",
            admin,
            json!({ "columns": ["name", "password_hash"] }),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(
        first_error(&unknown),
        ("columns".into(), "column_unknown".into())
    );
    assert!(
        unknown.text.contains("password_hash"),
        "the message names the key: {}",
        unknown.text
    );

    // Remembered for this user and this list only.
    let again = t.get("/api/v1/list-columns/customer", admin).await;
    assert_eq!(again.body["columns"], json!(["phone", "name"]));
    assert_eq!(again.body["default"], false);
    let other_list = t.get("/api/v1/list-columns/opportunity", admin).await;
    assert_eq!(other_list.body["default"], true);
    let other_user = t.get("/api/v1/list-columns/customer", rep).await;
    assert_eq!(other_user.body["default"], true);
    assert_eq!(
        t.get("/api/v1/list-columns/nonsense", admin).await.status,
        404
    );

    // The list page shows them in that order, and its export follows them.
    customer(&t, admin, "Columns Co").await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, "/customers", "en").await;
    assert_eq!(status, StatusCode::OK);
    let phone = html
        .find(">Phone</a></th>")
        .expect("phone column, sortable");
    let name = html.find(">Name</a></th>").expect("name column");
    assert!(phone < name, "phone comes first");
    assert!(
        !html.contains(">Industry</th>") && !html.contains(">Industry</a></th>"),
        "a column left out is not shown"
    );
    assert!(html.contains("data-column-picker"));
    let export = t.send(
        axum::http::Request::builder()
            .uri("/customers/export?format=csv")
            .header(axum::http::header::COOKIE, format!("{cookie}; kj_lang=en"))
            .body(axum::body::Body::empty())
            .expect("request"),
    );
    let export = export.await;
    assert_eq!(export.status, StatusCode::OK);
    let header = export
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(header, "Phone,Name");

    // The picker on the page saves a move without a script, then resets.
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&columns=phone&columns=name&columns=created_at&move=up%3Acreated_at&back=%2Fcustomers%3Fq%3D"
    );
    let (status, location) = post_form(&t, &cookie, "/list-columns/customer", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/customers?q=&columns=open");
    let moved = t.get("/api/v1/list-columns/customer", admin).await;
    assert_eq!(
        moved.body["columns"],
        json!(["phone", "created_at", "name"])
    );
    let reset = t
        .call(
            axum::http::Method::DELETE,
            "/api/v1/list-columns/customer",
            Some(admin),
            None,
        )
        .await;
    assert_eq!(reset.body["default"], true);
}

#[tokio::test]
async fn all_that_match_acts_on_exactly_the_filtered_customers_in_scope() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (manager_id, manager) = &team.manager;
    let (north_id, north) = &team.north;
    let (south_id, south) = &team.south;
    customer(&t, north, "Alpha One").await;
    customer(&t, north, "Alpha Two").await;
    customer(&t, north, "Beta One").await;
    customer(&t, south, "Alpha Three").await;

    // Ids and a filter together, or a filter that finds nothing, are refused.
    let both = t
        .post(
            "/api/v1/customers/transfer",
            manager,
            json!({ "ids": [1], "matching": { "q": "Alpha" }, "owner_id": manager_id }),
        )
        .await;
    assert_eq!(
        first_error(&both),
        ("matching".into(), "ids_or_matching".into())
    );
    let none = t
        .post(
            "/api/v1/customers/delete",
            manager,
            json!({ "matching": { "q": "Gamma" } }),
        )
        .await;
    assert_eq!(
        first_error(&none),
        ("matching".into(), "nothing_matches".into())
    );

    // Transfer: the filter is sent, not the ids; South's Alpha is not in scope.
    let moved = t
        .post(
            "/api/v1/customers/transfer",
            manager,
            json!({ "matching": { "q": "Alpha" }, "owner_id": manager_id }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["count"], 2);
    assert_eq!(
        owners(&t, &team.admin).await,
        vec![
            ("Alpha One".to_string(), *manager_id),
            ("Alpha Three".to_string(), *south_id),
            ("Alpha Two".to_string(), *manager_id),
            ("Beta One".to_string(), *north_id),
        ]
    );

    // Export of all that match: the same rows, in the columns asked for.
    let export = t
        .get(
            "/api/v1/customers/export?format=csv&q=Alpha&columns=name,owner_id",
            manager,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    let lines: Vec<&str> = export.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "Name,Owner");
    assert!(lines.iter().any(|l| l.starts_with("Alpha One,")));
    assert!(lines.iter().any(|l| l.starts_with("Alpha Two,")));
    assert!(!export.text.contains("Alpha Three"));

    // From the page: "all that match" sends the list's filter with the form.
    let cookie = page_session(&t, "0986000001").await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&all_matching=1&matching=q%3DAlpha%26view%3Dall&owner_id={north_id}&ids=999"
    );
    let (status, location) = post_form(&t, &cookie, "/customers/transfer", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/customers?q=Alpha&view=all&done=transferred&n=2");

    // Delete: the two of North, nothing else.
    let deleted = t
        .post(
            "/api/v1/customers/delete",
            manager,
            json!({ "matching": { "q": "Alpha" } }),
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["count"], 2);
    assert_eq!(
        owners(&t, &team.admin).await,
        vec![
            ("Alpha Three".to_string(), *south_id),
            ("Beta One".to_string(), *north_id),
        ]
    );
}

#[tokio::test]
async fn all_that_match_on_opportunities_and_contracts_stays_in_scope() {
    let t = TestApp::new().await;
    let team = team(&t).await;
    let (manager_id, manager) = &team.manager;
    let (_, north) = &team.north;
    let (_, south) = &team.south;
    let ours = customer(&t, north, "North Buyer").await;
    let theirs = customer(&t, south, "South Buyer").await;
    let deal = |name: &'static str, customer: i64| json!({ "name": name, "customer_id": customer });
    create(&t, north, "/api/v1/opportunities", deal("Deal North", ours)).await;
    create(
        &t,
        south,
        "/api/v1/opportunities",
        deal("Deal South", theirs),
    )
    .await;
    let contract =
        |customer: i64| json!({ "name": "Supply", "customer_id": customer, "amount": "100" });
    create(&t, north, "/api/v1/contracts", contract(ours)).await;
    let kept = create(&t, south, "/api/v1/contracts", contract(theirs)).await;

    let moved = t
        .post(
            "/api/v1/opportunities/transfer",
            manager,
            json!({ "matching": { "q": "Deal" }, "owner_id": manager_id }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["count"], 1);
    let export = t
        .get(
            "/api/v1/exports/opportunities?format=csv&q=Deal&columns=name,owner_id",
            manager,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    let lines: Vec<&str> = export.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines, vec!["Name,Owner", "Deal North,User 0986000001"]);
    let deleted = t
        .post(
            "/api/v1/opportunities/delete",
            manager,
            json!({ "matching": { "q": "Deal" } }),
        )
        .await;
    assert_eq!(deleted.body["count"], 1, "{}", deleted.text);
    let left = t.get("/api/v1/opportunities", &team.admin).await;
    assert_eq!(left.body["total"], 1);
    assert_eq!(left.body["items"][0]["name"], "Deal South");

    let gone = t
        .post(
            "/api/v1/contracts/delete",
            manager,
            json!({ "matching": { "status": "draft" } }),
        )
        .await;
    assert_eq!(gone.status, 200, "{}", gone.text);
    assert_eq!(gone.body["count"], 1);
    let left = t.get("/api/v1/contracts", &team.admin).await;
    assert_eq!(left.body["total"], 1);
    assert_eq!(left.body["items"][0]["id"], kept);
}
