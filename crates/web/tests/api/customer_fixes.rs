//! Customer record fixes found by a fresh user's review, each kept as a test.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::helpers::TestApp;
use crate::sales_fixtures::{contract, create, customer, sales_team};

async fn upload(t: &TestApp, token: &str, customer: i64, name: &str) -> crate::helpers::Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/customers/{customer}/attachments?name={name}"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(b"plain notes\n".to_vec()))
        .expect("request");
    t.send(request).await
}

#[tokio::test]
async fn a_customer_with_deals_is_not_deleted_and_the_answer_names_what_holds_it() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = &team.rep.1;
    let held = customer(&t, rep, "中華電信").await;
    let free = customer(&t, rep, "Free Co").await;
    contract(&t, rep, held, "1000").await;
    for name in ["Fibre", "Mobile"] {
        let body = json!({ "name": name, "customer_id": held, "amount": "10" });
        create(&t, rep, "/api/v1/opportunities", body).await;
    }

    let one = t
        .call(
            Method::DELETE,
            &format!("/api/v1/customers/{held}"),
            Some(&team.admin),
            None,
        )
        .await;
    assert_eq!(one.status, 422, "{}", one.text);
    assert_eq!(one.body["errors"][0]["code"], "customer_has_deals");
    let message = one.body["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains("中華電信"), "{message}");
    assert!(
        message.contains("(2)") && message.contains("(1)"),
        "{message}"
    );

    // A batch names each customer that holds it back and deletes none.
    let batch = t
        .post(
            "/api/v1/customers/delete",
            &team.admin,
            json!({ "ids": [free, held] }),
        )
        .await;
    assert_eq!(batch.status, 422, "{}", batch.text);
    let errors = batch.body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["field"], format!("ids.{held}"));
    assert_eq!(
        t.get(&format!("/api/v1/customers/{free}"), rep)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_deleted_customer_takes_its_contacts_follow_ups_team_and_files_along() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = &team.admin;
    let gone = customer(&t, admin, "Gone Co").await;
    let contact = create(
        &t,
        admin,
        "/api/v1/contacts",
        json!({ "customer_id": gone, "name": "Wang" }),
    )
    .await;
    let follow_up = json!({ "content": "called", "next_contact_at": "2030-01-01T02:00:00Z" });
    let written = t
        .post(
            &format!("/api/v1/customers/{gone}/follow-ups"),
            admin,
            follow_up.clone(),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let on_contact = t
        .post(
            &format!("/api/v1/contacts/{contact}/follow-ups"),
            admin,
            follow_up,
        )
        .await;
    assert_eq!(on_contact.status, 201, "{}", on_contact.text);
    let file = upload(&t, admin, gone, "notes.txt").await;
    assert_eq!(file.status, 201, "{}", file.text);
    let file = file.body["id"].as_i64().expect("id");
    let member = json!({ "user_id": team.rep.0, "can_write": false });
    let put = t
        .post(&format!("/api/v1/customers/{gone}/team"), admin, member)
        .await;
    assert!(put.status.is_success(), "{}", put.text);

    let deleted = t
        .call(
            Method::DELETE,
            &format!("/api/v1/customers/{gone}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(
        t.get(&format!("/api/v1/contacts/{contact}"), admin)
            .await
            .status,
        404
    );
    assert_eq!(
        t.get(&format!("/api/v1/attachments/{file}"), admin)
            .await
            .status,
        404
    );
    let events = t
        .get(
            "/api/v1/events?from=2029-12-15T00:00:00Z&to=2030-01-15T00:00:00Z",
            admin,
        )
        .await;
    assert_eq!(events.status, 200, "{}", events.text);
    assert!(
        !events.text.contains(&format!("\"related_id\":{gone}")),
        "{}",
        events.text
    );
    let follow_ups = t.get("/api/v1/follow-ups", admin).await;
    assert_eq!(follow_ups.body["total"], 0, "{}", follow_ups.text);
}

pub(crate) async fn import(
    t: &TestApp,
    token: &str,
    query: &str,
    bytes: &[u8],
) -> crate::helpers::Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/customers/import?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .expect("request");
    t.send(request).await
}

/// A custom field of customers with the given extra settings.
async fn customer_field(
    t: &TestApp,
    admin: &str,
    key: &str,
    field_type: &str,
    extra: serde_json::Value,
) {
    let mut body = json!({ "kind": "customer", "key": key, "label": key.to_uppercase(), "field_type": field_type });
    for (name, value) in extra.as_object().expect("object") {
        body[name] = value.clone();
    }
    let answer = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
}

#[tokio::test]
async fn a_unique_custom_field_refuses_a_value_another_customer_has_however_it_is_written() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer_field(&t, &admin, "member_no", "text", json!({ "unique": true })).await;
    let first = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "First", "custom": { "member_no": "AB-12" } }),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first = first.body["id"].as_i64().expect("id");

    let again = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Second", "custom": { "member_no": " ａｂ-１２ " } }),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.body["errors"][0]["field"], "custom.member_no");
    assert_eq!(again.body["errors"][0]["code"], "custom_value_taken");
    assert!(
        again.body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("MEMBER_NO")
    );

    let second = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Second", "custom": { "member_no": "CD-3" } }),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let second = second.body["id"].as_i64().expect("id");
    let patch = t
        .patch(
            &format!("/api/v1/customers/{second}"),
            &admin,
            json!({ "custom": { "member_no": "ab-12" } }),
        )
        .await;
    assert_eq!(patch.status, 422, "{}", patch.text);
    // Its own value again is no repeat.
    let own = t
        .patch(
            &format!("/api/v1/customers/{first}"),
            &admin,
            json!({ "custom": { "member_no": "AB-12" }, "notes": "x" }),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.text);

    // An import names a repeat inside the file by its row, and one stored.
    let file = "name,MEMBER_NO\nThird,ZZ-1\nFourth,zz-1\nFifth,Ab-12\n";
    let report = import(&t, &admin, "dry_run=true", file.as_bytes()).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let problems = report.body["problems"].as_array().expect("problems");
    let repeated = problems
        .iter()
        .find(|p| p["code"] == "custom_value_repeated")
        .unwrap_or_else(|| panic!("{}", report.text));
    assert_eq!(repeated["row"], 3);
    assert_eq!(repeated["first_row"], 2);
    assert_eq!(repeated["field"], "custom.member_no");
    let taken = problems
        .iter()
        .find(|p| p["code"] == "custom_value_taken")
        .expect("taken");
    assert_eq!(taken["row"], 4);
    assert_eq!(report.body["failed"], 2);
}

#[tokio::test]
async fn team_members_neither_release_nor_lock_a_read_member_writes_no_follow_up_and_a_pool_empties_the_team()
 {
    use crate::pool_fixtures::{first_pool, rep, top_department};
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "member rep",
            &[
                "customer.view",
                "customer.create",
                "customer.edit",
                "customer.release",
                "customer.lock",
                "follow_up.create",
                "pool.view",
                "pool.claim",
                "contact.view",
            ],
            json!({ "customer": { "scope": "own" }, "contact": { "scope": "own" } }),
        )
        .await;
    let top = top_department(&t, &admin).await;
    let (_, owner) = rep(&t, &admin, "0961000001", top, role).await;
    let (writer_id, writer) = rep(&t, &admin, "0961000002", top, role).await;
    let (reader_id, reader) = rep(&t, &admin, "0961000003", top, role).await;
    let pool = first_pool(&t, &admin).await;
    let id = customer(&t, &owner, "Team Co").await;
    for (user, can_write) in [(writer_id, true), (reader_id, false)] {
        let body = json!({ "user_id": user, "can_write": can_write });
        let put = t
            .post(&format!("/api/v1/customers/{id}/team"), &admin, body)
            .await;
        assert!(put.status.is_success(), "{}", put.text);
    }
    for name in ["A", "B", "C"] {
        create(
            &t,
            &admin,
            "/api/v1/contacts",
            json!({ "customer_id": id, "name": name }),
        )
        .await;
    }

    let note = json!({ "content": "visited" });
    let read = t
        .post(
            &format!("/api/v1/customers/{id}/follow-ups"),
            &reader,
            note.clone(),
        )
        .await;
    assert_eq!(read.status, 409, "{}", read.text);
    assert_eq!(read.body["code"], "team_read_only");
    let wrote = t
        .post(&format!("/api/v1/customers/{id}/follow-ups"), &writer, note)
        .await;
    assert_eq!(wrote.status, 201, "{}", wrote.text);

    let seen = t.get(&format!("/api/v1/customers/{id}"), &writer).await;
    assert_eq!(seen.body["can_edit"], true);
    assert_eq!(seen.body["can_manage"], false);
    let release = json!({ "ids": [id], "pool_id": pool, "reason": "no budget" });
    let refused = t
        .post("/api/v1/customers/release", &writer, release.clone())
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "team_member_not_owner");
    let lock = t
        .post(&format!("/api/v1/customers/{id}/lock"), &writer, json!({}))
        .await;
    assert_eq!(lock.status, 409, "{}", lock.text);

    // The write member's page shows every contact but no lock or release.
    let cookie = crate::auth::page_session(&t, "0961000002").await;
    let (status, html) = crate::helpers::page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert_eq!(status, 200);
    for name in ["/contacts/", ">A<", ">B<", ">C<"] {
        assert!(html.contains(name), "{name} missing");
    }
    assert!(!html.contains(&format!("/customers/{id}/lock")));
    assert!(!html.contains(&format!("/customers/{id}/release")));
    assert!(html.contains(&format!("\"/customers/{id}/follow-ups")));
    let cookie = crate::auth::page_session(&t, "0961000003").await;
    let (_, html) = crate::helpers::page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert!(!html.contains(&format!("\"/customers/{id}/follow-ups")));

    // Released and claimed again, the customer starts with an empty team.
    let released = t.post("/api/v1/customers/release", &owner, release).await;
    assert_eq!(released.status, 200, "{}", released.text);
    let detail = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(detail.body["team"], json!([]), "{}", detail.text);
}

#[tokio::test]
async fn custom_money_number_and_date_values_stay_in_a_sane_range_on_forms_api_and_import() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    customer_field(&t, &admin, "budget", "money", json!({})).await;
    customer_field(&t, &admin, "staff", "number", json!({})).await;
    customer_field(&t, &admin, "founded", "date", json!({})).await;
    let cases = [
        (
            json!({ "budget": "100000000000000000000" }),
            "custom.budget",
            "custom_amount_out_of_range",
        ),
        (
            json!({ "budget": "12.345" }),
            "custom.budget",
            "too_many_decimals",
        ),
        (
            json!({ "budget": "lots" }),
            "custom.budget",
            "custom_amount_invalid",
        ),
        (
            json!({ "staff": "99999999999999999" }),
            "custom.staff",
            "custom_number_out_of_range",
        ),
        (
            json!({ "founded": "1800-01-01" }),
            "custom.founded",
            "custom_date_out_of_range",
        ),
        (
            json!({ "founded": "3024-01-01" }),
            "custom.founded",
            "custom_date_out_of_range",
        ),
    ];
    for (custom, field, code) in cases {
        let answer = t
            .post(
                "/api/v1/customers",
                &admin,
                json!({ "name": "Range Co", "custom": custom }),
            )
            .await;
        assert_eq!(answer.status, 422, "{custom}: {}", answer.text);
        assert_eq!(answer.body["errors"][0]["field"], field, "{}", answer.text);
        assert_eq!(answer.body["errors"][0]["code"], code, "{}", answer.text);
    }
    let amount = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Range Co", "custom": { "budget": "lots" } }),
        )
        .await;
    let message = amount.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("amount") && !message.contains("whole"),
        "{message}"
    );

    let good = t
        .post("/api/v1/customers", &admin, json!({ "name": "Range Co", "custom": { "budget": "1,234.50", "staff": "12", "founded": "1999-05-01" } }))
        .await;
    assert_eq!(good.status, 201, "{}", good.text);
    assert_eq!(good.body["custom"]["budget"], "1234.50");
    // A customer has no currency of its own: its page shows custom money in
    // the company currency, as its change log does.
    let currency = t.app.currency();
    let cookie = crate::auth::page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let id = good.body["id"].as_i64().expect("id");
    let (status, html) = crate::helpers::page(&t, &cookie, &format!("/customers/{id}"), "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("<dd>{currency} 1,234.50</dd>")),
        "{html}"
    );

    let file = "name,BUDGET,FOUNDED\nOne,10.001,2001-01-01\nTwo,5,1066-10-14\n";
    let report = import(&t, &admin, "dry_run=true", file.as_bytes()).await;
    let codes: Vec<&str> = report.body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["too_many_decimals", "custom_date_out_of_range"],
        "{}",
        report.text
    );
}

#[tokio::test]
async fn a_former_owner_claiming_within_the_wait_is_told_the_wait_and_its_end() {
    use crate::pool_fixtures::{change_pool, first_pool, release, rep, rep_role, top_department};
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        pool,
        json!({ "rules": { "reclaim_wait_days": 30 } }),
    )
    .await;
    let role = rep_role(&t, &admin).await;
    let top = top_department(&t, &admin).await;
    let (_, former) = rep(&t, &admin, "0962000001", top, role).await;
    let mine = customer(&t, &former, "Mine Once").await;
    let other = customer(&t, &admin, "Never Mine").await;
    release(&t, &former, mine, Some(pool)).await;
    release(&t, &admin, other, Some(pool)).await;
    use kuijing_service::clock::Clock;
    let until = (t.clock.now() + chrono::Duration::days(30))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        .to_string();

    let alone = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &former,
            json!({ "ids": [mine] }),
        )
        .await;
    assert_eq!(alone.status, 422, "{}", alone.text);
    let error = &alone.body["errors"][0];
    assert_eq!(error["code"], "reclaim_wait");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("30 days") && message.contains(&until),
        "{message}"
    );
    assert!(!message.contains("someone else"), "{message}");

    let batch = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &former,
            json!({ "ids": [mine, other] }),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.text);
    assert_eq!(batch.body["claimed"], json!([other]));
    assert_eq!(batch.body["taken"], json!([]));
    assert_eq!(batch.body["waiting"][0]["id"], mine);
    assert_eq!(batch.body["waiting"][0]["claimable_on"], until.as_str());
}

/// Every id of a list, read page by page through its cursors.
async fn page_through(t: &TestApp, token: &str, path: &str, sort: &str, dir: &str) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut cursor = String::new();
    for _ in 0..20 {
        let url = format!("{path}?sort={sort}&desc={dir}&limit=2&cursor={cursor}");
        let page = t.get(&url, token).await;
        assert_eq!(page.status, 200, "{url}: {}", page.text);
        seen.extend(crate::helpers::ids(&page));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return seen,
        }
    }
    panic!("{path} sorted by {sort} never ended");
}

#[tokio::test]
async fn customer_and_lead_lists_sort_on_any_column_and_page_without_skipping_or_repeating() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = &team.admin;
    let bodies = [
        json!({ "name": "Alpha", "phone": "02-2345-6789", "email": "b@x.com", "next_contact_at": "2030-01-01T00:00:00Z" }),
        json!({ "name": "Beta", "phone": "02-2345-6789" }),
        json!({ "name": "Gamma", "email": "a@x.com", "owner_id": team.rep.0 }),
        json!({ "name": "Delta", "phone": "03-1111-2222", "next_contact_at": "2030-01-01T00:00:00Z" }),
        json!({ "name": "Epsilon", "owner_id": team.rep.0 }),
        json!({ "name": "Zeta", "address": "Taipei" }),
        json!({ "name": "Eta", "phone": "07-9999-0000", "owner_id": team.manager.0 }),
    ];
    let mut made = Vec::new();
    for body in bodies {
        made.push(create(&t, admin, "/api/v1/customers", body.clone()).await);
        create(&t, admin, "/api/v1/leads", body).await;
    }
    made.sort();
    for sort in [
        "phone",
        "email",
        "owner_id",
        "address",
        "next_contact_at",
        "locked",
        "name",
    ] {
        for dir in ["true", "false"] {
            let mut seen = page_through(&t, admin, "/api/v1/customers", sort, dir).await;
            assert_eq!(
                seen.len(),
                made.len(),
                "customers by {sort} {dir}: {seen:?}"
            );
            seen.sort();
            assert_eq!(seen, made, "customers by {sort} {dir}");
            let sort = if sort == "locked" { "converted" } else { sort };
            let leads = page_through(&t, admin, "/api/v1/leads", sort, dir).await;
            assert_eq!(leads.len(), made.len(), "leads by {sort} {dir}: {leads:?}");
        }
    }
    // Going up, the phones come in order of their digits and the empty ones last.
    let names: Vec<String> = t
        .get("/api/v1/customers?sort=phone&desc=false", admin)
        .await
        .body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(&names[..4], ["Alpha", "Beta", "Delta", "Eta"]);
}

#[tokio::test]
async fn the_pool_move_is_documented_with_its_own_body_and_refuses_unknown_keys() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let doc = t.get("/api/openapi.json", &admin).await;
    assert_eq!(doc.status, 200);
    let body = &doc.body["paths"]["/api/v1/pools/{id}/move"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["$ref"];
    assert_eq!(body, "#/components/schemas/PoolMoveInput", "{body}");
    let schema = &doc.body["components"]["schemas"]["PoolMoveInput"]["properties"];
    assert!(
        schema.get("to_pool_id").is_some() && schema.get("ids").is_some(),
        "{schema}"
    );
    let stage = &doc.body["components"]["schemas"]["MoveInput"]["properties"];
    assert!(stage.get("to_pool_id").is_none(), "{stage}");

    let pool = crate::pool_fixtures::first_pool(&t, &admin).await;
    let odd = t
        .post(
            &format!("/api/v1/pools/{pool}/move"),
            &admin,
            json!({ "ids": [1], "to_pool_id": pool, "stage_id": 3 }),
        )
        .await;
    assert_eq!(odd.status, 422, "{}", odd.text);
}
