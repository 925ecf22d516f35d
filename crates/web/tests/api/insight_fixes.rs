//! Fixes from a fresh look at the dashboard and the reports: the lists a
//! figure links to read every owner, whose data and the period are refused
//! beside their fields, targets count as set, and the exports keep numbers.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp, page};

const WEEK: &str = "from=2017-03-01&to=2017-03-14";

/// The ids a page links to as `/<path>/<id>`.
fn linked(html: &str, path: &str) -> BTreeSet<i64> {
    let marker = format!("href=\"/{path}/");
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (rest[digits.len()..].starts_with('"'))
                .then(|| digits.parse().ok())
                .flatten()
        })
        .collect()
}

fn owner_of(item: &Value) -> Option<i64> {
    item["owner_id"].as_i64().or_else(|| item["author_id"].as_i64())
}

#[tokio::test]
async fn lists_a_dashboard_figure_links_to_take_one_or_several_owners() {
    let t = TestApp::new().await;
    t.app.load_demo().await.expect("demo loads");
    let admin = t.login(ADMIN_PHONE, PASSWORD).await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for (path, filter) in [
        ("contracts", "status=approved&"),
        ("payments", "status=approved&"),
        ("opportunities", ""),
    ] {
        let all = t
            .get(&format!("/api/v1/{path}?{filter}{WEEK}&limit=200"), &admin)
            .await;
        assert_eq!(all.status, 200, "{}", all.text);
        let owners: Vec<i64> = all.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(owner_of)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .take(2)
            .collect();
        assert_eq!(owners.len(), 2, "{path}: two owners in the days");
        for chosen in [&owners[..1], &owners[..]] {
            let api_owners = chosen
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join(",");
            let listed = t
                .get(
                    &format!("/api/v1/{path}?{filter}{WEEK}&owner_ids={api_owners}&limit=200"),
                    &admin,
                )
                .await;
            let expected: BTreeSet<i64> = crate::helpers::ids(&listed).into_iter().collect();
            assert!(!expected.is_empty() && expected.len() < 50, "{path}");
            let narrowing: String = chosen.iter().map(|o| format!("&owner_id={o}")).collect();
            let (status, html) = page(
                &t,
                &cookie,
                &format!("/{path}?{filter}{WEEK}{narrowing}"),
                "en",
            )
            .await;
            assert_eq!(status, 200, "/{path} with {chosen:?}: {html}");
            assert_eq!(linked(&html, path), expected, "/{path} with {chosen:?}");
        }
    }

    // Customers of chosen owners, and their forgotten ones as the dashboard links them.
    let customers = t.get("/api/v1/customers?limit=200", &admin).await;
    let owners: Vec<i64> = customers.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(owner_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(2)
        .collect();
    for chosen in [&owners[..1], &owners[..]] {
        let filter = serde_json::to_string(&json!([
            {"field": "owner_id", "op": "one_of", "value": chosen}
        ]))
        .expect("json");
        let encoded: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        let listed = t
            .get(&format!("/api/v1/customers?filter={encoded}&limit=200"), &admin)
            .await;
        let expected: BTreeSet<i64> = crate::helpers::ids(&listed).into_iter().collect();
        assert!(!expected.is_empty() && expected.len() < 50, "{}", listed.text);
        let narrowing: String = chosen.iter().map(|o| format!("&owner_id={o}")).collect();
        let (status, html) = page(&t, &cookie, &format!("/customers?{narrowing}"), "en").await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(linked(&html, "customers"), expected, "{chosen:?}");
        let (status, html) = page(
            &t,
            &cookie,
            &format!("/customers?forgotten=7{narrowing}"),
            "en",
        )
        .await;
        assert_eq!(status, 200, "{html}");
        assert!(linked(&html, "customers").is_subset(&expected));
    }

    // Follow-ups and contacts by their authors and owners: as many rows as the API counts.
    for (path, cell) in [("follow-ups", "data-label=\"About\""), ("contacts", "")] {
        let all = t.get(&format!("/api/v1/{path}?limit=200"), &admin).await;
        assert_eq!(all.status, 200, "{}", all.text);
        let Some(owner) = all.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find_map(owner_of)
        else {
            continue;
        };
        let second = owner + 1;
        let listed = t
            .get(
                &format!("/api/v1/{path}?owner_ids={owner},{second}&limit=1"),
                &admin,
            )
            .await;
        let total = listed.body["total"].as_u64().expect("total");
        let (status, html) = page(
            &t,
            &cookie,
            &format!("/{path}?owner_id={owner}&owner_id={second}"),
            "en",
        )
        .await;
        assert_eq!(status, 200, "/{path}: {html}");
        if !cell.is_empty() {
            assert_eq!(
                html.matches(cell).count() as u64,
                total.min(50),
                "/{path}"
            );
        }
    }
}
