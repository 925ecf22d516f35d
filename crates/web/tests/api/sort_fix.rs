//! Lists sort as a rep reads them: a choice by the name or label it shows
//! (a stage by its place in its pipeline), text case aside, empty values
//! last and equal ones by id; pages joined give exactly that order, with
//! no row repeated or missing; a cursor made under one sort is refused
//! under another. Contracts, payments and products sort on every column.

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::{TestApp, urlencode};
use crate::sales_fixtures::{create, first_error};

/// Every row of a list read two at a time through its cursors; `query`
/// holds the sort. No row may come twice.
async fn all_pages(t: &TestApp, token: &str, path: &str, query: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    for _ in 0..40 {
        let url = format!("{path}?{query}&limit=2&cursor={}", urlencode(&cursor));
        let answer = t.get(&url, token).await;
        assert_eq!(answer.status, 200, "{url}: {}", answer.text);
        let items = answer.body["items"].as_array().expect("items");
        assert!(items.len() <= 2, "{url}: a page of {}", items.len());
        ids.extend(items.iter().map(|i| i["id"].as_i64().expect("id")));
        match answer.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => {
                let unique: BTreeSet<&i64> = ids.iter().collect();
                assert_eq!(unique.len(), ids.len(), "{path}?{query}: repeated {ids:?}");
                return ids;
            }
        }
    }
    panic!("{path}?{query} never ended");
}

/// The ids of `made` in the order of the letters of `order`.
fn in_order(made: &[(char, i64)], order: &str) -> Vec<i64> {
    order
        .chars()
        .map(|c| made.iter().find(|(m, _)| *m == c).expect("made").1)
        .collect()
}

/// Checks a record list's pages by a sort both ways (`desc=`).
async fn record_order(
    t: &TestApp,
    token: &str,
    (path, sort): (&str, &str),
    made: &[(char, i64)],
    (up, down): (&str, &str),
) {
    for (descending, order) in [(false, up), (true, down)] {
        let query = format!("sort={sort}&desc={descending}");
        assert_eq!(
            all_pages(t, token, path, &query).await,
            in_order(made, order),
            "{path} by {sort}, descending {descending}"
        );
    }
}

/// Checks a sales list's pages by a sort both ways (`-` first).
async fn sales_order(
    t: &TestApp,
    token: &str,
    (path, sort): (&str, &str),
    made: &[(char, i64)],
    (up, down): (&str, &str),
) {
    for (query, order) in [
        (format!("sort={sort}"), up),
        (format!("sort=-{sort}"), down),
    ] {
        assert_eq!(
            all_pages(t, token, path, &query).await,
            in_order(made, order),
            "{path}?{query}"
        );
    }
}

async fn option(t: &TestApp, admin: &str, kind: &str, field: &str, label: &str) -> i64 {
    let body = json!({ "kind": kind, "field": field, "label": label });
    create(t, admin, "/api/v1/options", body).await
}

/// A user with this name, in the admin's department.
async fn person(t: &TestApp, admin: &str, phone: &str, name: &str) -> i64 {
    t.user(admin, phone, json!({ "name": name, "department_id": 1 }))
        .await
}

/// A record of the case-and-choices fixture: its letter, name, level,
/// owner, e-mail and nickname (blank for none).
type Row<'a> = (char, &'a str, Option<i64>, i64, &'a str, &'a str);

/// Six customers and six leads, A to F: names with capitals and equal
/// names, levels and owners by labels and names whose order is not their
/// ids' order, and two without a level.
#[tokio::test]
async fn customers_and_leads_sort_choices_by_their_labels_and_text_case_aside() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    // Made in an order unlike their labels' order.
    let silver = option(&t, &admin, "customer", "level_id", "Silver").await;
    let gold = option(&t, &admin, "customer", "level_id", "gold").await;
    let bronze = option(&t, &admin, "customer", "level_id", "Bronze").await;
    let zoe = person(&t, &admin, "0972000001", "zoe").await;
    let adam = person(&t, &admin, "0972000002", "Adam").await;
    let bella = person(&t, &admin, "0972000003", "bella").await;
    let custom =
        json!({ "kind": "customer", "key": "nick", "label": "Nick", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, custom).await.status, 201);
    let custom = json!({ "kind": "lead", "key": "nick", "label": "Nick", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, custom).await.status, 201);
    // (letter, name, level, owner, e-mail, nick)
    let rows: [Row; 6] = [
        ('A', "banana", Some(gold), zoe, "b@x.example", "Kiwi"),
        ('B', "Apple", Some(bronze), adam, "A@x.example", "fig"),
        ('C', "cherry", None, bella, "", "kiwi"),
        ('D', "apple", Some(silver), adam, "a@x.example", ""),
        ('E', "Banana", Some(gold), zoe, "C@x.example", "Apricot"),
        ('F', "date", None, bella, "c@x.example", "fig"),
    ];
    for (path, table) in [
        ("/api/v1/customers", "customers"),
        ("/api/v1/leads", "leads"),
    ] {
        let mut made = Vec::new();
        for (letter, name, level, owner, email, nick) in rows {
            let mut body = json!({ "name": name, "level_id": level });
            if !email.is_empty() {
                body["email"] = json!(email);
            }
            if !nick.is_empty() {
                body["custom"] = json!({ "nick": nick });
            }
            let id = create(&t, &admin, path, body).await;
            t.sql(&format!(
                "update {table} set owner_id = {owner} where id = {id}"
            ))
            .await;
            made.push((letter, id));
        }
        let orders = [
            // Case aside; equal names by id; the same on both databases.
            ("name", "BDAECF", "FCEADB"),
            // Bronze, gold, Silver by label (not by id); none last.
            ("level_id", "BAEDCF", "DEABFC"),
            // Adam, bella, zoe by name.
            ("owner_id", "BDCFAE", "EAFCDB"),
            // a, A, b, c, C: case aside, then id; C has none.
            ("email", "BDAEFC", "FEADBC"),
            // Apricot, fig, fig, Kiwi, kiwi; D has none.
            ("custom.nick", "EBFACD", "CAFBED"),
        ];
        for (sort, up, down) in orders {
            record_order(&t, &admin, (path, sort), &made, (up, down)).await;
        }
    }
}

/// Contacts by their customer's name, and by a custom person field by
/// that person's name.
#[tokio::test]
async fn contacts_sort_by_their_customers_name() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let custom =
        json!({ "kind": "contact", "key": "helper", "label": "Helper", "field_type": "user" });
    let answer = t.post("/api/v1/fields", &admin, custom).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let yan = person(&t, &admin, "0972000021", "yan").await;
    let bo = person(&t, &admin, "0972000022", "Bo").await;
    let beta = create(&t, &admin, "/api/v1/customers", json!({ "name": "beta" })).await;
    let alpha = create(&t, &admin, "/api/v1/customers", json!({ "name": "Alpha" })).await;
    let gamma = create(&t, &admin, "/api/v1/customers", json!({ "name": "gamma" })).await;
    let mut made = Vec::new();
    let helpers = [Some(yan), Some(bo), None, Some(yan)];
    for ((letter, customer), helper) in [('A', gamma), ('B', beta), ('C', alpha), ('D', beta)]
        .into_iter()
        .zip(helpers)
    {
        let mut body = json!({ "customer_id": customer, "name": format!("Person {letter}") });
        if let Some(helper) = helper {
            body["custom"] = json!({ "helper": helper });
        }
        made.push((letter, create(&t, &admin, "/api/v1/contacts", body).await));
    }
    let path = "/api/v1/contacts";
    record_order(&t, &admin, (path, "customer_id"), &made, ("CBDA", "ADBC")).await;
    // Bo before yan (whose id is smaller); C has none.
    record_order(&t, &admin, (path, "custom.helper"), &made, ("BADC", "DABC")).await;
}

/// Opportunities by stage: by the stage's place in its pipeline, then the
/// pipeline's place; by customer and owner by their names.
#[tokio::test]
async fn opportunities_sort_stages_by_their_place_and_customers_by_name() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let created = t
        .post(
            "/api/v1/pipelines",
            &admin,
            json!({ "name": "Channel", "stages": [
                { "name": "One", "win_rate": 10 },
                { "name": "Two", "win_rate": 50 },
                { "name": "Three", "win_rate": 90 }
            ] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let pipeline = created.body["id"].as_i64().expect("pipeline");
    let stage = |i: usize| created.body["stages"][i]["id"].as_i64().expect("stage");
    let (one, two, three) = (stage(0), stage(1), stage(2));
    // The stages reordered: Three first, then One, then Two; a second
    // pipeline placed before this one has a stage at Three's place.
    t.sql(&format!(
        "update stages set sort_order = 3 where id = {one}"
    ))
    .await;
    t.sql(&format!(
        "update stages set sort_order = 5 where id = {two}"
    ))
    .await;
    t.sql(&format!(
        "update stages set sort_order = 1 where id = {three}"
    ))
    .await;
    t.sql(&format!(
        "update pipelines set sort_order = 9 where id = {pipeline}"
    ))
    .await;
    let other = t
        .post(
            "/api/v1/pipelines",
            &admin,
            json!({ "name": "Direct", "stages": [{ "name": "Only", "win_rate": 20 }] }),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    let other_pipeline = other.body["id"].as_i64().expect("pipeline");
    let only = other.body["stages"][0]["id"].as_i64().expect("stage");
    t.sql(&format!(
        "update stages set sort_order = 1 where id = {only}"
    ))
    .await;
    t.sql(&format!(
        "update pipelines set sort_order = 2 where id = {other_pipeline}"
    ))
    .await;

    let beta = create(&t, &admin, "/api/v1/customers", json!({ "name": "beta" })).await;
    let alpha = create(&t, &admin, "/api/v1/customers", json!({ "name": "Alpha" })).await;
    let zed = person(&t, &admin, "0972000011", "Zed").await;
    let amy = person(&t, &admin, "0972000012", "amy").await;
    // (letter, pipeline, stage, customer, owner)
    let deals = [
        ('A', pipeline, one, beta, zed),
        ('B', pipeline, two, alpha, amy),
        ('C', pipeline, three, beta, zed),
        ('D', other_pipeline, only, alpha, amy),
        ('E', pipeline, one, alpha, zed),
    ];
    let mut made = Vec::new();
    for (letter, pipeline, stage, customer, owner) in deals {
        let body = json!({ "name": format!("Deal {letter}"), "customer_id": customer,
                           "pipeline_id": pipeline, "stage_id": stage, "amount": "10" });
        let id = create(&t, &admin, "/api/v1/opportunities", body).await;
        t.sql(&format!(
            "update opportunities set owner_id = {owner} where id = {id}"
        ))
        .await;
        made.push((letter, id));
    }
    let path = "/api/v1/opportunities";
    // Place 1: Direct's Only (pipeline placed 2) before Channel's Three
    // (placed 9); then One (3), then Two (5).
    sales_order(&t, &admin, (path, "stage_id"), &made, ("DCAEB", "BEACD")).await;
    sales_order(&t, &admin, (path, "customer_id"), &made, ("BDEAC", "CAEDB")).await;
    sales_order(&t, &admin, (path, "owner_id"), &made, ("BDACE", "ECADB")).await;
    sales_order(&t, &admin, (path, "name"), &made, ("ABCDE", "EDCBA")).await;
}

/// A cursor made under one sort is refused under another, naming the
/// `cursor` parameter; the same sort keeps paging.
#[tokio::test]
async fn a_cursor_of_another_sort_is_refused() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for name in ["b", "a", "c"] {
        create(&t, &admin, "/api/v1/customers", json!({ "name": name })).await;
        let body = json!({ "name": name, "price": "1" });
        create(&t, &admin, "/api/v1/products", body).await;
    }
    let first = t.get("/api/v1/customers?sort=name&limit=1", &admin).await;
    let cursor = first.body["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    let same = t
        .get(
            &format!("/api/v1/customers?sort=name&limit=1&cursor={cursor}"),
            &admin,
        )
        .await;
    assert_eq!(same.status, 200, "{}", same.text);
    for other in ["sort=email", "sort=name&desc=true", ""] {
        let answer = t
            .get(
                &format!("/api/v1/customers?{other}&limit=1&cursor={cursor}"),
                &admin,
            )
            .await;
        assert_eq!(answer.status, 422, "{other}: {}", answer.text);
        assert_eq!(
            first_error(&answer),
            ("cursor".into(), "cursor_other_sort".into())
        );
        assert!(answer.text.contains("first page"), "{}", answer.text);
    }

    let first = t.get("/api/v1/products?sort=-name&limit=1", &admin).await;
    let cursor = first.body["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    let same = t
        .get(
            &format!(
                "/api/v1/products?sort=-name&limit=1&cursor={}",
                urlencode(&cursor)
            ),
            &admin,
        )
        .await;
    assert_eq!(same.status, 200, "{}", same.text);
    for other in ["sort=name", "sort=-price", ""] {
        let answer = t
            .get(
                &format!(
                    "/api/v1/products?{other}&limit=1&cursor={}",
                    urlencode(&cursor)
                ),
                &admin,
            )
            .await;
        assert_eq!(answer.status, 422, "{other}: {}", answer.text);
        assert_eq!(
            first_error(&answer),
            ("cursor".into(), "cursor_other_sort".into())
        );
    }
}

/// Contracts, payments and products sort on every column they show.
#[tokio::test]
async fn contracts_payments_and_products_sort_on_their_columns() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let beta = create(&t, &admin, "/api/v1/customers", json!({ "name": "beta" })).await;
    let alpha = create(&t, &admin, "/api/v1/customers", json!({ "name": "Alpha" })).await;
    let custom =
        json!({ "kind": "contract", "key": "region", "label": "Region", "field_type": "text" });
    assert_eq!(t.post("/api/v1/fields", &admin, custom).await.status, 201);
    // (letter, name, customer, amount, signed, region)
    let deals = [
        ('A', "lease", beta, "300", Some("2026-02-01"), "north"),
        ('B', "Audit", alpha, "100", None, "South"),
        ('C', "audit", beta, "200", Some("2026-01-01"), ""),
        ('D', "Zoning", alpha, "100", Some("2026-03-01"), "east"),
    ];
    let mut contracts = Vec::new();
    for (letter, name, customer, amount, signed, region) in deals {
        let mut body = json!({ "name": name, "customer_id": customer, "amount": amount,
                               "signed_on": signed });
        if !region.is_empty() {
            body["custom"] = json!({ "region": region });
        }
        contracts.push((letter, create(&t, &admin, "/api/v1/contracts", body).await));
    }
    // A and C approved: A has 300 outstanding, C 200 less a payment of 50.
    for letter in ['A', 'C'] {
        let id = in_order(&contracts, &letter.to_string())[0];
        t.sql(&format!(
            "update contracts set status = 'approved' where id = {id}"
        ))
        .await;
    }
    let path = "/api/v1/contracts";
    let orders = [
        ("name", "BCAD", "DACB"),
        // Alpha's (B, D) before beta's (A, C).
        ("customer_id", "BDAC", "CADB"),
        ("amount", "BDCA", "ACDB"),
        ("signed_on", "CADB", "DACB"),
        ("custom.region", "DABC", "BADC"),
    ];
    for (sort, up, down) in orders {
        sales_order(&t, &admin, (path, sort), &contracts, (up, down)).await;
    }

    let card = option(&t, &admin, "payment", "method_id", "card").await;
    let bank = option(&t, &admin, "payment", "method_id", "Bank").await;
    let a = in_order(&contracts, "A")[0];
    let c = in_order(&contracts, "C")[0];
    // (letter, contract, day, amount, method)
    let paid = [
        ('P', c, "2026-02-03", "50", Some(card)),
        ('Q', a, "2026-02-01", "20", Some(bank)),
        ('R', c, "2026-02-02", "20", None),
    ];
    let mut payments = Vec::new();
    for (letter, contract, day, amount, method) in paid {
        let body = json!({ "contract_id": contract, "received_on": day, "amount": amount,
                           "method_id": method });
        payments.push((letter, create(&t, &admin, "/api/v1/payments", body).await));
    }
    let path = "/api/v1/payments";
    for (sort, up, down) in [
        ("received_on", "QRP", "PRQ"),
        ("amount", "QRP", "PRQ"),
        // Bank before card; R has none.
        ("method_id", "QPR", "PQR"),
    ] {
        sales_order(&t, &admin, (path, sort), &payments, (up, down)).await;
    }
    // By number as the numbering rule gave them, case aside.
    let mut numbered = Vec::new();
    for (_, id) in &payments {
        let shown = t.get(&format!("{path}/{id}"), &admin).await;
        let number = shown.body["number"]
            .as_str()
            .expect("number")
            .to_lowercase();
        numbered.push((number, *id));
    }
    numbered.sort();
    let by_number: Vec<i64> = numbered.iter().map(|(_, id)| *id).collect();
    assert_eq!(all_pages(&t, &admin, path, "sort=number").await, by_number);
    let mut backwards = by_number.clone();
    backwards.reverse();
    assert_eq!(all_pages(&t, &admin, path, "sort=-number").await, backwards);

    let tools = create(
        &t,
        &admin,
        "/api/v1/product-categories",
        json!({ "name": "tools" }),
    )
    .await;
    let books = create(
        &t,
        &admin,
        "/api/v1/product-categories",
        json!({ "name": "Books" }),
    )
    .await;
    // (letter, name, price, category)
    let goods = [
        ('K', "hammer", "30", Some(tools)),
        ('L', "Atlas", "10", Some(books)),
        ('M', "glue", "30", None),
        ('N', "Hammer drill", "5", Some(tools)),
    ];
    let mut products = Vec::new();
    for (letter, name, price, category) in goods {
        let body = json!({ "name": name, "price": price, "category_id": category });
        products.push((letter, create(&t, &admin, "/api/v1/products", body).await));
    }
    let path = "/api/v1/products";
    for (sort, up, down) in [
        ("name", "LMKN", "NKML"),
        ("price", "NLKM", "MKLN"),
        ("category_id", "LKNM", "NKLM"),
    ] {
        sales_order(&t, &admin, (path, sort), &products, (up, down)).await;
    }
    let unknown = t.get("/api/v1/products?sort=shoe", &admin).await;
    assert_eq!(unknown.status, 422);
    assert_eq!(
        first_error(&unknown),
        ("sort".into(), "sort_not_accepted".into())
    );
}

/// The contract and payment pages link each column's header to its sort,
/// and the next page keeps the sort.
#[tokio::test]
async fn contract_and_product_pages_sort_by_their_headers() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let customer = create(&t, &admin, "/api/v1/customers", json!({ "name": "beta" })).await;
    for name in ["b", "A", "c"] {
        let body = json!({ "name": name, "customer_id": customer, "amount": "1" });
        let contract = create(&t, &admin, "/api/v1/contracts", body).await;
        t.sql(&format!(
            "update contracts set status = 'approved' where id = {contract}"
        ))
        .await;
        let body = json!({ "contract_id": contract, "received_on": "2026-01-02", "amount": "1" });
        create(&t, &admin, "/api/v1/payments", body).await;
        let body = json!({ "name": format!("kit {name}"), "price": "1" });
        create(&t, &admin, "/api/v1/products", body).await;
    }
    let (status, html) = crate::helpers::page(&t, &cookie, "/contracts", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("sort=number"), "a header sorts by number");
    assert!(html.contains("sort-phone"), "the phone's sort choice");
    let (status, html) = crate::helpers::page(&t, &cookie, "/contracts?sort=number", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("aria-sort=\"ascending\""), "{html}");
    let (status, html) = crate::helpers::page(&t, &cookie, "/payments", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("sort=-received_on"),
        "a payment header sorts, latest first"
    );
    let (status, html) = crate::helpers::page(&t, &cookie, "/products?sort=-name", "en").await;
    assert_eq!(status, 200);
    let at = |text: &str| html.find(&format!(">{text}<")).unwrap_or(usize::MAX);
    assert!(
        at("kit c") < at("kit b") && at("kit b") < at("kit A"),
        "by name descending: {html}"
    );
    assert!(html.contains("aria-sort=\"descending\""), "{html}");
    assert!(html.contains("sort-phone"), "the phone's sort choice");
}

/// Unknown list columns are named by their key.
#[tokio::test]
async fn an_unknown_list_column_is_named_by_its_key() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let answer = t
        .put(
            "/api/v1/list-columns/contract",
            &admin,
            json!({ "columns": ["number", "shoe_size"] }),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        first_error(&answer),
        ("columns".into(), "column_unknown".into())
    );
    assert!(answer.text.contains("“shoe_size”"), "{}", answer.text);
}

#[tokio::test]
async fn the_opportunity_search_form_keeps_a_sort_chosen_from_a_header() {
    let t = TestApp::new().await;
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) = crate::helpers::page(&t, &cookie, "/opportunities?sort=-name", "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(r#"<option value="-name" selected>"#),
        "{html}"
    );
    let (_, html) = crate::helpers::page(&t, &cookie, "/opportunities?sort=-amount", "en").await;
    assert!(
        html.contains(r#"<option value="-amount" selected>"#),
        "{html}"
    );
    assert_eq!(html.matches(r#"value="-amount""#).count(), 1, "{html}");
}

#[tokio::test]
async fn a_page_keeps_its_place_when_the_row_it_starts_after_changes_or_goes() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let mut made = Vec::new();
    for (name, price) in [("P1", "10"), ("P2", "20"), ("P3", "30"), ("P4", "40")] {
        made.push(
            create(
                &t,
                &admin,
                "/api/v1/products",
                json!({ "name": name, "price": price }),
            )
            .await,
        );
    }
    let first = t.get("/api/v1/products?sort=price&limit=2", &admin).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let cursor = first.body["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    // The last row shown (P2, 20.00) is repriced far above the rest.
    let changed = t
        .put(
            &format!("/api/v1/products/{}", made[1]),
            &admin,
            json!({ "price": "99999" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let next = t
        .get(
            &format!(
                "/api/v1/products?sort=price&limit=2&cursor={}",
                urlencode(&cursor)
            ),
            &admin,
        )
        .await;
    assert_eq!(next.status, 200, "{}", next.text);
    let names: Vec<&str> = next.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["P3", "P4"], "{}", next.text);

    // Gone altogether: the page still starts where it stood.
    let deleted = t
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/products/{}", made[1]),
            Some(&admin),
            None,
        )
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    let next = t
        .get(
            &format!(
                "/api/v1/products?sort=price&limit=2&cursor={}",
                urlencode(&cursor)
            ),
            &admin,
        )
        .await;
    assert_eq!(next.status, 200, "{}", next.text);
    assert_eq!(next.body["items"][0]["name"], "P3", "{}", next.text);
}
