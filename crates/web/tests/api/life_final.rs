//! Customer lifecycle, the last gaps: a customer's sales records on its page
//! and in the API, transfers that carry related records, duplicate checks
//! across company suffixes and phone forms, and messages that name limits.

use serde_json::json;

use crate::auth::page_session;
use crate::helpers::{TestApp, page};
use crate::sales_fixtures::{contract, create, customer, sales_team, submit};

#[tokio::test]
async fn a_customer_shows_the_sales_records_its_viewer_may_see() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    let client = customer(&t, rep, "鴻海精密").await;
    let opportunity = |name: &str| json!({ "name": name, "customer_id": client, "amount": "500" });
    let own = create(&t, rep, "/api/v1/opportunities", opportunity("伺服器")).await;
    let managers = create(&t, manager, "/api/v1/opportunities", opportunity("機櫃")).await;
    let deal = contract(&t, rep, client, "10,000").await;
    let plans = format!("/api/v1/contracts/{deal}/plans");
    let plan = t
        .post(
            &plans,
            rep,
            json!({ "amount": "4000", "planned_on": "2026-04-01" }),
        )
        .await;
    assert_eq!(plan.status, 201, "{}", plan.text);
    assert_eq!(submit(&t, rep, "contracts", deal).await, "approved");
    let body = json!({ "contract_id": deal, "received_on": "2026-03-02", "amount": "1,500" });
    let paid = create(&t, rep, "/api/v1/payments", body).await;

    let sales = format!("/api/v1/customers/{client}/sales");
    let mine = t.get(&sales, rep).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(mine.body["opportunities"]["total"], 1, "{}", mine.text);
    assert_eq!(mine.body["opportunities"]["items"][0]["id"], own);
    assert_eq!(mine.body["contracts"]["items"][0]["id"], deal);
    assert_eq!(mine.body["plans"][0]["amount"], 400_000);
    assert_eq!(
        mine.body["plans"][0]["contract_number"],
        mine.body["contracts"]["items"][0]["number"]
    );
    assert_eq!(mine.body["payments"]["items"][0]["id"], paid);
    let theirs = t.get(&sales, manager).await;
    assert_eq!(theirs.body["opportunities"]["total"], 2, "{}", theirs.text);
    // Out of scope, the customer does not exist.
    assert_eq!(t.get(&sales, &team.other_rep.1).await.status, 404);

    let cookie = page_session(&t, "0971000002").await;
    for lang in ["en", "zh-Hant", "zh-Hans"] {
        let (status, html) = page(&t, &cookie, &format!("/customers/{client}"), lang).await;
        assert_eq!(status, 200);
        for section in ["#opportunities", "#contracts", "#plans", "#payments"] {
            assert!(
                html.contains(&format!("href=\"{section}\"")),
                "{section} in {lang}"
            );
        }
        assert!(html.contains(&format!("/opportunities/{own}\"")));
        assert!(
            !html.contains(&format!("/opportunities/{managers}\"")),
            "{lang}"
        );
        assert!(html.contains(&format!("/contracts/{deal}\"")));
        assert!(html.contains(&format!("/payments/{paid}\"")));
        assert!(!html.contains("life6."), "a raw key in {lang}");
    }
    let (_, html) = page(&t, &cookie, &format!("/customers/{client}"), "en").await;
    assert!(
        html.contains("USD 4,000.00") || html.contains("4,000.00"),
        "the instalment"
    );
}

#[tokio::test]
async fn a_customer_page_leaves_out_the_kinds_its_viewer_may_not_view() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "Front desk",
            &["customer.view", "customer.create"],
            json!({ "customer": { "scope": "all" } }),
        )
        .await;
    t.user(
        &admin,
        "0971000009",
        json!({ "department_id": 1, "role_ids": [role] }),
    )
    .await;
    let client = customer(&t, &admin, "台積電").await;
    contract(&t, &admin, client, "1000").await;
    let desk = t.login("0971000009", crate::helpers::PASSWORD).await;
    let answer = t
        .get(&format!("/api/v1/customers/{client}/sales"), &desk)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.body["contracts"].is_null(), "{}", answer.text);
    assert!(answer.body["payments"].is_null());
    let cookie = page_session(&t, "0971000009").await;
    let (status, html) = page(&t, &cookie, &format!("/customers/{client}"), "en").await;
    assert_eq!(status, 200);
    assert!(!html.contains("href=\"#contracts\""));
}

#[tokio::test]
async fn a_transfer_takes_along_what_the_former_owner_owned_of_the_customer() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, manager) = (team.rep.1.as_str(), team.manager.1.as_str());
    let (other_id, admin) = (team.other_rep.0, team.admin.as_str());
    let first = customer(&t, rep, "Carry Alpha").await;
    let second = customer(&t, rep, "Carry Beta").await;
    let opportunity =
        |customer: i64| json!({ "name": "Deal", "customer_id": customer, "amount": "1" });
    let own = create(&t, rep, "/api/v1/opportunities", opportunity(first)).await;
    let colleague = create(&t, manager, "/api/v1/opportunities", opportunity(first)).await;
    let later = create(&t, rep, "/api/v1/opportunities", opportunity(second)).await;
    let deal = contract(&t, rep, first, "100").await;
    let person = create(
        &t,
        admin,
        "/api/v1/contacts",
        json!({ "name": "王小明", "customer_id": first }),
    )
    .await;

    // One customer, with its contracts only.
    let one = json!({ "ids": [first], "owner_id": other_id, "with_contracts": true, "keep_former_owner": "read" });
    let answer = t.post("/api/v1/customers/transfer", admin, one).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let t = &t;
    let owner = |path: String| async move { t.get(&path, admin).await.body["owner_id"].clone() };
    assert_eq!(owner(format!("/api/v1/contracts/{deal}")).await, other_id);
    assert_eq!(
        owner(format!("/api/v1/opportunities/{own}")).await,
        team.rep.0
    );
    let contact_owner = t.get(&format!("/api/v1/contacts/{person}"), admin).await;
    assert_ne!(
        contact_owner.body["owner_id"], other_id,
        "{}",
        contact_owner.text
    );
    // The former owner stays on the contract's team, reading.
    assert_eq!(
        t.get(&format!("/api/v1/contracts/{deal}"), rep)
            .await
            .status,
        200
    );
    let log = t.get(&format!("/api/v1/contracts/{deal}"), admin).await;
    assert!(log.text.contains("owner_id"), "{}", log.text);

    // Back, with everything, for all that match.
    let all = json!({ "matching": { "q": "Carry", "view": "all" }, "owner_id": team.rep.0,
        "with_contacts": true, "with_opportunities": true, "with_contracts": true });
    let answer = t.post("/api/v1/customers/transfer", admin, all).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    // The rep got both customers; the opportunity the other rep never owned
    // stays as it was, and the manager's stays the manager's.
    assert_eq!(
        owner(format!("/api/v1/customers/{second}")).await,
        team.rep.0
    );
    assert_eq!(owner(format!("/api/v1/contracts/{deal}")).await, team.rep.0);
    assert_eq!(
        owner(format!("/api/v1/opportunities/{colleague}")).await,
        team.manager.0
    );
    assert_eq!(
        owner(format!("/api/v1/opportunities/{later}")).await,
        team.rep.0
    );

    // Several, by the page's form, opportunities included.
    let cookie = page_session(t, crate::helpers::ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&ids={first}&ids={second}&owner_id={other_id}&with_opportunities=1&with_contacts=1"
    );
    let (status, _) = crate::helpers::post_form(t, &cookie, "/customers/transfer", form).await;
    assert_eq!(status, 303);
    assert_eq!(
        owner(format!("/api/v1/opportunities/{own}")).await,
        other_id
    );
    assert_eq!(
        owner(format!("/api/v1/opportunities/{later}")).await,
        other_id
    );
    assert_eq!(
        owner(format!("/api/v1/opportunities/{colleague}")).await,
        team.manager.0
    );
    assert_eq!(owner(format!("/api/v1/contacts/{person}")).await, other_id);
    assert_eq!(owner(format!("/api/v1/contracts/{deal}")).await, team.rep.0);
}

#[tokio::test]
async fn a_transfer_takes_opportunities_along_only_for_who_may_transfer_them() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "Customer desk",
            &["customer.view", "customer.edit", "customer.transfer", "opportunity.view"],
            json!({ "customer": { "scope": "all" }, "opportunity": { "scope": "all" }, "user": { "scope": "all" } }),
        )
        .await;
    let desk_id = t
        .user(
            &admin,
            "0971000009",
            json!({ "department_id": 1, "role_ids": [role] }),
        )
        .await;
    let desk = t.login("0971000009", crate::helpers::PASSWORD).await;
    let client = customer(&t, &admin, "Guarded").await;
    let body = json!({ "ids": [client], "owner_id": desk_id, "with_opportunities": true });
    let refused = t.post("/api/v1/customers/transfer", &desk, body).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let cookie = page_session(&t, "0971000009").await;
    let (_, html) = page(&t, &cookie, &format!("/customers/{client}"), "en").await;
    assert!(html.contains("name=\"with_contacts\""));
    assert!(!html.contains("name=\"with_opportunities\""));
}

#[tokio::test]
async fn the_duplicate_hint_sees_through_legal_forms_and_phone_forms_and_says_what_matched() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let body = json!({ "name": "台灣水泥股份有限公司", "phone": "02-2531-7099" });
    let cement = create(&t, rep, "/api/v1/customers", body).await;
    let t = &t;
    let hints = |query: &str| {
        let path = format!("/api/v1/customers/duplicates?{query}");
        async move { t.get(&path, rep).await.body }
    };
    for name in [
        "台灣水泥(股)",
        "臺灣水泥（股）公司",
        "台灣水泥有限公司",
        "台灣水泥 Co., Ltd.",
    ] {
        let found = hints(&format!("name={}", urlencoding(name))).await;
        assert_eq!(found[0]["id"], cement, "{name}: {found}");
        assert_eq!(found[0]["matched"], json!(["name"]), "{name}");
        assert_eq!(found[0]["visible"], true);
    }
    for phone in [
        "+886 2 2531 7099",
        "886-2-2531-7099",
        "(02) 2531 7099",
        "０２－２５３１－７０９９",
    ] {
        let found = hints(&format!("name=Other&phone={}", urlencoding(phone))).await;
        assert_eq!(found[0]["id"], cement, "{phone}: {found}");
        assert_eq!(found[0]["matched"], json!(["phone"]), "{phone}");
    }
    // Someone else's: said to exist, not named.
    let found = t
        .get(
            "/api/v1/customers/duplicates?phone=%2B886225317099",
            &team.other_rep.1,
        )
        .await
        .body;
    assert_eq!(found[0]["visible"], false, "{found}");
    assert!(found[0]["name"].is_null());
}

fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
