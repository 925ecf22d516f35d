//! Products, pipelines and opportunities through the API: exact prices,
//! optimistic locking, amounts from product lines, stage changes with their
//! history, scope, and the board.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, ids};
use crate::sales_fixtures::{create, customer, first_error, product, sales_team};

async fn put(t: &TestApp, path: &str, token: &str, body: Value) -> Answer {
    t.call(Method::PUT, path, Some(token), Some(body)).await
}

async fn delete(t: &TestApp, path: &str, token: &str) -> Answer {
    t.call(Method::DELETE, path, Some(token), None).await
}

#[tokio::test]
async fn a_product_keeps_its_price_exactly_and_refuses_a_used_code_and_an_old_version() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let hardware = create(
        &t,
        &admin,
        "/api/v1/product-categories",
        json!({ "name": "硬體" }),
    )
    .await;
    let servers = create(
        &t,
        &admin,
        "/api/v1/product-categories",
        json!({ "name": "伺服器", "parent_id": hardware }),
    )
    .await;

    let created = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "機架伺服器", "code": "SRV-01", "price": "1,234.5", "unit": "台", "category_id": servers }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["price"], 123450);
    assert_eq!(created.body["on_sale"], true);
    let id = created.body["id"].as_i64().expect("id");
    let version = created.body["version"].as_i64().expect("version");
    // A JSON number is read the same way as text.
    let by_number = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "安裝服務", "price": 99.9, "on_sale": false }),
        )
        .await;
    assert_eq!(by_number.body["price"], 9990, "{}", by_number.text);

    let same_code = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "另一台伺服器", "code": "SRV-01", "price": "1" }),
        )
        .await;
    assert_eq!(same_code.status, 422, "{}", same_code.text);
    assert_eq!(
        first_error(&same_code),
        ("code".into(), "product_code_taken".into())
    );
    assert!(
        same_code.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Code is already used")),
        "{}",
        same_code.text
    );
    let bad_price = t
        .post(
            "/api/v1/products",
            &admin,
            json!({ "name": "Cable", "price": "12.345" }),
        )
        .await;
    assert_eq!(
        first_error(&bad_price),
        ("price".into(), "too_many_decimals".into())
    );

    // The list filters by text, by a category with those below it, and by sale.
    let under_hardware = t
        .get(&format!("/api/v1/products?category_id={hardware}"), &admin)
        .await;
    assert_eq!(ids(&under_hardware), vec![id]);
    assert_eq!(
        t.get("/api/v1/products?on_sale=false", &admin).await.body["total"],
        1
    );
    assert_eq!(
        ids(&t.get("/api/v1/products?q=srv", &admin).await),
        vec![id]
    );

    let edit = json!({ "name": "機架伺服器 Gen2", "code": "SRV-01", "price": "1500", "category_id": servers, "version": version });
    let saved = put(&t, &format!("/api/v1/products/{id}"), &admin, edit.clone()).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["price"], 150000);
    let stale = put(&t, &format!("/api/v1/products/{id}"), &admin, edit).await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    assert_eq!(stale.body["code"], "stale");
    assert_eq!(stale.body["current"]["name"], "機架伺服器 Gen2");
    assert_eq!(stale.body["version"], saved.body["version"]);

    // A category with products in it stays.
    let in_use = delete(&t, &format!("/api/v1/product-categories/{servers}"), &admin).await;
    assert_eq!(in_use.status, 409);
    assert_eq!(in_use.body["code"], "category_in_use");
}

#[tokio::test]
async fn a_rep_cannot_manage_products_but_sees_them() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let id = product(&t, &team.admin, "Router", "300").await;
    assert_eq!(
        t.get(&format!("/api/v1/products/{id}"), &team.rep.1)
            .await
            .status,
        200
    );
    let create = t
        .post(
            "/api/v1/products",
            &team.rep.1,
            json!({ "name": "Mine", "price": "1" }),
        )
        .await;
    assert_eq!(create.status, 403);
}

/// The default pipeline's stages, in order.
async fn default_stages(t: &TestApp, token: &str) -> (i64, Vec<i64>) {
    let pipelines = t.get("/api/v1/pipelines", token).await;
    assert_eq!(pipelines.status, 200, "{}", pipelines.text);
    let default = pipelines
        .body
        .as_array()
        .and_then(|all| all.iter().find(|p| p["is_default"] == true))
        .expect("default pipeline")
        .clone();
    let stages = default["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    (default["id"].as_i64().expect("id"), stages)
}

async fn move_to(t: &TestApp, token: &str, id: i64, body: Value) -> Answer {
    t.post(&format!("/api/v1/opportunities/{id}/stage"), token, body)
        .await
}

#[tokio::test]
async fn an_opportunity_moves_through_its_pipeline_and_keeps_the_history() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep_id, rep) = (team.rep.0, team.rep.1.as_str());
    let (pipeline, stages) = default_stages(&t, rep).await;
    let router = product(&t, &team.admin, "Router", "1,000").await;
    let client = customer(&t, rep, "台積電").await;

    let created = t
        .post(
            "/api/v1/opportunities",
            rep,
            json!({
                "name": "機房擴建",
                "customer_id": client,
                "lines": [{ "product_id": router, "quantity": "3", "discount": "10" }]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    assert_eq!(created.body["pipeline_id"], pipeline);
    assert_eq!(created.body["stage_id"], stages[0]);
    assert_eq!(created.body["outcome"], "open");
    // 1,000.00 × 3 less 10 % = 2,700.00.
    assert_eq!(created.body["amount"], 270000);
    assert_eq!(created.body["amount_by_hand"], false);
    assert_eq!(created.body["lines"][0]["subtotal"], 270000);
    assert_eq!(created.body["lines"][0]["list_price"], 100000);
    assert_eq!(created.body["win_rate"], 10);

    // Editing the lines moves the amount along; a typed amount stays.
    let edit = json!({
        "name": "機房擴建",
        "customer_id": client,
        "lines": [{ "product_id": router, "quantity": "2", "price": "900" }],
        "version": created.body["version"]
    });
    let edited = t
        .call(
            Method::PUT,
            &format!("/api/v1/opportunities/{id}"),
            Some(rep),
            Some(edit),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["amount"], 180000);

    let moved = move_to(&t, rep, id, json!({ "stage_id": stages[1] })).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["stage_id"], stages[1]);
    let detail = t.get(&format!("/api/v1/opportunities/{id}"), rep).await;
    let history = detail.body["stage_history"].as_array().expect("history");
    let last = history
        .iter()
        .find(|h| h["to_stage_id"] == stages[1])
        .expect("the move is recorded");
    assert_eq!(last["from_stage_id"], stages[0]);
    assert_eq!(last["via"], "api");
    assert_eq!(last["changed_by"], rep_id);
    assert_eq!(last["to_outcome"], "open");
    assert_eq!(detail.body["win_rate"], 30);

    // Losing needs a reason, said on the field.
    let no_reason = move_to(&t, rep, id, json!({ "outcome": "lost" })).await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.text);
    assert_eq!(
        first_error(&no_reason),
        ("reason".into(), "required".into())
    );
    let other_pipeline_stage = move_to(&t, rep, id, json!({ "stage_id": 999_999 })).await;
    assert_eq!(
        first_error(&other_pipeline_stage),
        ("stage_id".into(), "unknown_stage".into())
    );
    let same = move_to(&t, rep, id, json!({ "stage_id": stages[1] })).await;
    assert_eq!(first_error(&same), ("stage_id".into(), "unchanged".into()));

    let won = move_to(&t, rep, id, json!({ "outcome": "won" })).await;
    assert_eq!(won.status, 200, "{}", won.text);
    assert_eq!(won.body["outcome"], "won");
    assert!(won.body["closed_at"].is_string());
    let after_win = move_to(&t, rep, id, json!({ "stage_id": stages[2] })).await;
    assert_eq!(after_win.status, 422, "{}", after_win.text);
    assert_eq!(
        first_error(&after_win),
        ("stage_id".into(), "closed".into())
    );
    assert!(
        after_win.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("reopen")),
        "{}",
        after_win.text
    );

    let reopened = move_to(
        &t,
        rep,
        id,
        json!({ "outcome": "open", "stage_id": stages[2] }),
    )
    .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert_eq!(reopened.body["outcome"], "open");
    assert_eq!(reopened.body["stage_id"], stages[2]);
    let again = move_to(&t, rep, id, json!({ "outcome": "open" })).await;
    assert_eq!(
        first_error(&again),
        ("outcome".into(), "already_open".into())
    );
    let lost = move_to(
        &t,
        rep,
        id,
        json!({ "outcome": "lost", "reason": "價格太高" }),
    )
    .await;
    assert_eq!(lost.body["outcome_reason"], "價格太高");
    let history = t
        .get(&format!("/api/v1/opportunities/{id}"), rep)
        .await
        .body["stage_history"]
        .as_array()
        .map(Vec::len);
    // Created, to stage 2, won, reopened at stage 3, lost.
    assert_eq!(history, Some(5));

    // A product on a line stays.
    let used = delete(&t, &format!("/api/v1/products/{router}"), &team.admin).await;
    assert_eq!(used.status, 409);
    assert_eq!(used.body["code"], "product_in_use");
}

#[tokio::test]
async fn another_rep_cannot_see_or_move_an_opportunity_but_the_manager_can() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let (_, stages) = default_stages(&t, rep).await;
    let client = customer(&t, rep, "鴻海").await;
    let id = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Mine", "customer_id": client, "amount": "5000" }),
    )
    .await;

    let other = team.other_rep.1.as_str();
    let path = format!("/api/v1/opportunities/{id}");
    assert_eq!(t.get(&path, other).await.status, 404);
    let moved = move_to(&t, other, id, json!({ "stage_id": stages[1] })).await;
    assert_eq!(moved.status, 404, "{}", moved.text);
    let edit = json!({ "name": "Taken", "customer_id": client });
    assert_eq!(put(&t, &path, other, edit).await.status, 404);
    assert_eq!(delete(&t, &path, other).await.status, 404);
    assert!(ids(&t.get("/api/v1/opportunities", other).await).is_empty());
    let bulk = t
        .post(
            "/api/v1/opportunities/stage",
            other,
            json!({ "ids": [id], "stage_id": stages[1] }),
        )
        .await;
    assert_eq!(bulk.status, 404);

    // The rep's own customer is not the other rep's to open one for.
    let foreign = t
        .post(
            "/api/v1/opportunities",
            other,
            json!({ "name": "Poach", "customer_id": client }),
        )
        .await;
    assert_eq!(
        first_error(&foreign),
        ("customer_id".into(), "invalid_choice".into())
    );

    let manager = team.manager.1.as_str();
    assert_eq!(t.get(&path, manager).await.status, 200);
    assert_eq!(
        move_to(&t, manager, id, json!({ "stage_id": stages[1] }))
            .await
            .status,
        200
    );

    // Transferred to the other rep, it is theirs to see and no longer the rep's.
    let transfer = t
        .post(
            "/api/v1/opportunities/transfer",
            manager,
            json!({ "ids": [id], "owner_id": team.other_rep.0 }),
        )
        .await;
    assert_eq!(transfer.status, 200, "{}", transfer.text);
    assert_eq!(transfer.body["count"], 1);
    assert_eq!(t.get(&path, other).await.status, 200);
    assert_eq!(t.get(&path, rep).await.status, 404);
}

#[tokio::test]
async fn the_board_counts_and_sums_the_open_opportunities_of_each_stage() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let (pipeline, stages) = default_stages(&t, rep).await;
    let client = customer(&t, rep, "中華電信").await;
    let mut made = Vec::new();
    for (amount, currency) in [
        ("1000", "CNY"),
        ("2500.50", "CNY"),
        ("300", "USD"),
        ("700", "CNY"),
    ] {
        let body = json!({ "name": format!("Deal {amount}"), "customer_id": client, "amount": amount, "currency": currency });
        made.push(create(&t, rep, "/api/v1/opportunities", body).await);
    }
    // Two move on in one go; the last one is won and leaves the board.
    let bulk = t
        .post(
            "/api/v1/opportunities/stage",
            rep,
            json!({ "ids": [made[1], made[2]], "stage_id": stages[1] }),
        )
        .await;
    assert_eq!(bulk.status, 200, "{}", bulk.text);
    assert_eq!(bulk.body["count"], 2);
    move_to(&t, rep, made[3], json!({ "outcome": "won" })).await;
    // Another rep's opportunity is not on this rep's board.
    let theirs = customer(&t, &team.other_rep.1, "遠傳").await;
    create(
        &t,
        &team.other_rep.1,
        "/api/v1/opportunities",
        json!({ "name": "Theirs", "customer_id": theirs, "amount": "9999" }),
    )
    .await;

    let board = t
        .get(
            &format!("/api/v1/opportunities/board?pipeline_id={pipeline}"),
            rep,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let columns = board.body["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), stages.len());
    assert_eq!(columns[0]["stage_id"], stages[0]);
    assert_eq!(columns[0]["count"], 1);
    assert_eq!(columns[0]["amounts"], json!([["CNY", 100000]]));
    assert_eq!(columns[1]["count"], 2);
    let mut second: Vec<Value> = columns[1]["amounts"].as_array().expect("amounts").clone();
    second.sort_by_key(|pair| pair[0].as_str().map(str::to_string));
    assert_eq!(second, vec![json!(["CNY", 250050]), json!(["USD", 30000])]);
    assert_eq!(columns[1]["cards"].as_array().map(Vec::len), Some(2));
    assert_eq!(columns[2]["count"], 0);

    // The board of a pipeline the caller may not use is not there.
    let missing = t
        .get("/api/v1/opportunities/board?pipeline_id=999999", rep)
        .await;
    assert_eq!(missing.status, 404);
    // The list filters the same way.
    let at_second = t
        .get(
            &format!("/api/v1/opportunities?stage_id={}&sort=-amount", stages[1]),
            rep,
        )
        .await;
    assert_eq!(ids(&at_second), vec![made[1], made[2]]);
    let won = t.get("/api/v1/opportunities?outcome=won", rep).await;
    assert_eq!(ids(&won), vec![made[3]]);
}

#[tokio::test]
async fn pipelines_keep_stage_ids_and_refuse_removing_a_stage_in_use() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    let created = t
        .post(
            "/api/v1/pipelines",
            admin,
            json!({ "name": "渠道銷售", "stages": [
                { "name": "接洽", "win_rate": 10 },
                { "name": "報價", "win_rate": 50 },
                { "name": "簽約", "win_rate": 90 }
            ] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let stage = |n: usize| created.body["stages"][n]["id"].as_i64().expect("stage");
    let rate = t
        .post(
            "/api/v1/pipelines",
            admin,
            json!({ "name": "Bad", "stages": [{ "name": "A", "win_rate": 101 }] }),
        )
        .await;
    assert_eq!(
        first_error(&rate),
        ("stages.0.win_rate".into(), "out_of_range".into())
    );
    assert_eq!(
        rate.body["errors"][0]["message"],
        "Stages #1, Win rate is a percentage; it must be between 0 and 100."
    );

    // Reps do not manage pipelines.
    let refused = t
        .post(
            "/api/v1/pipelines",
            &team.rep.1,
            json!({ "name": "Mine", "stages": [{ "name": "A", "win_rate": 1 }] }),
        )
        .await;
    assert_eq!(refused.status, 403);

    let client = customer(&t, &team.rep.1, "Chunghwa").await;
    let deal = t
        .post(
            "/api/v1/opportunities",
            &team.rep.1,
            json!({ "name": "Channel deal", "customer_id": client, "pipeline_id": id }),
        )
        .await;
    assert_eq!(deal.body["stage_id"], stage(0), "{}", deal.text);

    // Renamed and reordered, the stages keep their ids; a new one is added.
    let path = format!("/api/v1/pipelines/{id}");
    let updated = put(
        &t,
        &path,
        admin,
        json!({ "name": "渠道銷售", "version": created.body["version"], "stages": [
            { "id": stage(0), "name": "初次接洽", "win_rate": 15 },
            { "id": stage(2), "name": "簽約", "win_rate": 95 },
            { "id": stage(1), "name": "報價", "win_rate": 50 },
            { "name": "回款", "win_rate": 100 }
        ] }),
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let kept: Vec<i64> = updated.body["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .take(3)
        .filter_map(|s| s["id"].as_i64())
        .collect();
    assert_eq!(kept, vec![stage(0), stage(2), stage(1)]);
    assert_eq!(updated.body["stages"][0]["name"], "初次接洽");
    assert_eq!(updated.body["stages"].as_array().map(Vec::len), Some(4));

    // The stage the deal stands at cannot go.
    let without_first = put(
        &t,
        &path,
        admin,
        json!({ "name": "渠道銷售", "stages": [
            { "id": stage(2), "name": "簽約", "win_rate": 95 }
        ] }),
    )
    .await;
    assert_eq!(without_first.status, 409, "{}", without_first.text);
    assert_eq!(without_first.body["code"], "stage_in_use");
}

#[tokio::test]
async fn a_follow_up_on_an_opportunity_is_kept_on_it_and_refused_to_those_who_cannot_see_it() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "緯創").await;
    let id = create(
        &t,
        rep,
        "/api/v1/opportunities",
        json!({ "name": "Servers", "customer_id": client }),
    )
    .await;
    let path = format!("/api/v1/opportunities/{id}/follow-ups");
    let added = t
        .post(
            &path,
            rep,
            json!({ "content": "客戶要求下週報價", "next_contact_at": "2026-03-09T02:00:00Z" }),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(added.body["content"], "客戶要求下週報價");
    let detail = t.get(&format!("/api/v1/opportunities/{id}"), rep).await;
    assert_eq!(detail.body["follow_ups"].as_array().map(Vec::len), Some(1));
    assert_eq!(detail.body["next_contact_at"], "2026-03-09T02:00:00Z");
    let empty = t.post(&path, rep, json!({ "content": " " })).await;
    assert_eq!(first_error(&empty), ("content".into(), "required".into()));
    let theirs = t
        .post(&path, &team.other_rep.1, json!({ "content": "Hello" }))
        .await;
    assert_eq!(theirs.status, 404);
}
