//! A dashboard target's "Achieved" links list exactly the records behind
//! the figure: only the records of those whose target counts when the
//! target is added up from people or from a department's parts.

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, TestApp, page};

const YEAR_2017: &str = "period=custom&from=2017-01-01&to=2017-12-31";

/// The achieved links of a target block on the dashboard page, in order
/// (the period's first, then the months'), unescaped.
fn achieved_links(html: &str, measure: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"target-{measure}\""))
        .unwrap_or_else(|| panic!("no {measure} target block"));
    let block = &html[start..];
    let block = &block[..block.find("</section>").unwrap_or(block.len())];
    let path = match measure {
        "contract_amount" => "href=\"/contracts?",
        _ => "href=\"/payments?",
    };
    block
        .match_indices(path)
        .map(|(at, _)| {
            let link = &block[at + 6..];
            link[..link.find('"').unwrap_or(link.len())].replace("&#38;", "&")
        })
        .collect()
}

/// The API list of a page link (`/payments?status=approved&from=…&to=…&
/// owner_id=…`): its total in `currency`, and the days it covers.
async fn listed(t: &TestApp, token: &str, link: &str, currency: &str) -> (i64, String) {
    let (path, query) = link.split_once('?').expect("a query");
    let mut owners = Vec::new();
    let mut rest = Vec::new();
    let mut from = String::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "owner_id" => owners.push(value.to_string()),
            _ => {
                if key == "from" {
                    from = value.to_string();
                }
                rest.push(format!("{key}={value}"));
            }
        }
    }
    if !owners.is_empty() {
        rest.push(format!("owner_ids={}", owners.join(",")));
    }
    let url = format!("/api/v1{path}?{}&limit=1", rest.join("&"));
    let list = t.get(&url, token).await;
    assert_eq!(list.status, 200, "{url}: {}", list.text);
    let total = list.body["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .find(|c| c["currency"] == currency)
        .and_then(|c| c["amount"].as_i64())
        .unwrap_or(0);
    (total, from)
}

/// Every achieved link of the target of `measure` lists what its figure
/// says: the period's link the period's, each month's the month's.
async fn links_match_figures(t: &TestApp, token: &str, board: &Value, html: &str, measure: &str) {
    let target = board["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["measure"] == measure)
        .unwrap_or_else(|| panic!("no {measure} target: {board}"));
    let currency = target["currency"].as_str().expect("currency");
    let links = achieved_links(html, measure);
    assert_eq!(links.len(), 13, "the period and twelve months: {links:?}");
    let (period, _) = listed(t, token, &links[0], currency).await;
    assert_eq!(Some(period), target["achieved"].as_i64(), "{}", links[0]);
    for link in &links[1..] {
        let (total, from) = listed(t, token, link, currency).await;
        let month = target["months"]
            .as_array()
            .expect("months")
            .iter()
            .find(|m| m["from"] == from.as_str())
            .unwrap_or_else(|| panic!("no month from {from}"));
        assert_eq!(Some(total), month["achieved"].as_i64(), "{link}");
    }
}

#[tokio::test]
async fn a_target_added_up_from_people_links_only_their_records() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.admin().await;
    // One person's payment target, and no company target: the company
    // stands against that person's target alone.
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2017, "measure": "payment_amount", "amount": "25000", "user_id": 4 }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = board.body["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["measure"] == "payment_amount")
        .expect("a payment target");
    assert_eq!(target["added_up"], true, "{target}");
    assert_eq!(target["achieved_owner_ids"], json!([4]));
    assert!(
        target["achieved_without_target"].as_i64() > Some(0),
        "others received money too: {target}"
    );
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (status, html) = page(&t, &cookie, &format!("/dashboard?{YEAR_2017}"), "en").await;
    assert_eq!(status, 200);
    let links = achieved_links(&html, "payment_amount");
    assert!(
        links.iter().all(|l| l.ends_with("&owner_id=4")),
        "{links:?}"
    );
    links_match_figures(&t, &admin, &board.body, &html, "payment_amount").await;

    // A department without a target of its own stands against its
    // people's: the same person's contract target, seen on its department.
    let user = t.get("/api/v1/users/4", &admin).await;
    let department = user.body["department_id"].as_i64().expect("department");
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2017, "measure": "contract_amount", "amount": "90000", "user_id": 4 }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);
    let query = format!("{YEAR_2017}&scope=department&department_id={department}");
    let board = t.get(&format!("/api/v1/dashboard?{query}"), &admin).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let (status, html) = page(&t, &cookie, &format!("/dashboard?{query}"), "en").await;
    assert_eq!(status, 200);
    for measure in ["contract_amount", "payment_amount"] {
        links_match_figures(&t, &admin, &board.body, &html, measure).await;
    }
}

#[tokio::test]
async fn a_target_of_its_own_links_everyone_it_counts() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.admin().await;
    let set = t
        .post(
            "/api/v1/targets",
            &admin,
            json!({ "year": 2017, "measure": "contract_amount", "amount": "5000000" }),
        )
        .await;
    assert_eq!(set.status, 201, "{}", set.text);
    let board = t
        .get(&format!("/api/v1/dashboard?{YEAR_2017}"), &admin)
        .await;
    let target = &board.body["targets"][0];
    assert_eq!(target["added_up"], false, "{target}");
    assert!(target["achieved"].as_i64() > Some(0), "{target}");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, &format!("/dashboard?{YEAR_2017}"), "en").await;
    links_match_figures(&t, &admin, &board.body, &html, "contract_amount").await;
}
