//! Approvals: how a rejected approval's steps read, records approved on
//! submit without a flow left out of the figures, the statistics for
//! report viewers and their figures against ones worked out here, the
//! approval lists of several kinds, and flow conditions on figures saved
//! through the API and on date-and-time fields.

use chrono::Duration;
use serde_json::{Value, json};

use crate::auth::page_session;
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, report_row};
use crate::sales_fixtures::{
    SalesTeam, act_ok, approval_id, contract, create, customer, flow, sales_team, submit,
};

/// The manager, then Finance: two steps.
fn two_steps(team: &SalesTeam) -> Value {
    json!({ "steps": [
        { "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
        { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
    ] })
}

/// Both steps of [`two_steps`] approved: the manager's, then Finance's.
async fn approve_both_steps(t: &TestApp, team: &SalesTeam, approval: i64) {
    let approve = json!({ "action": "approve" });
    act_ok(t, &team.manager.1, approval, approve.clone()).await;
    act_ok(t, &team.finance.1, approval, approve).await;
}

async fn detail(t: &TestApp, token: &str, path: &str) -> Answer {
    let answer = t.get(path, token).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer
}

/// The id of the approval a contract's detail shows.
async fn contract_approval(t: &TestApp, token: &str, id: i64) -> i64 {
    approval_id(&detail(t, token, &format!("/api/v1/contracts/{id}")).await)
}

/// Each step's state and its seats' states, from a record's detail.
fn reading(detail: &Answer) -> Vec<(String, Vec<String>)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    detail.body["approval"]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("steps: {}", detail.text))
        .iter()
        .map(|step| {
            let seats = step["seats"]
                .as_array()
                .expect("seats")
                .iter()
                .map(|seat| text(&seat["state"]))
                .collect();
            (text(&step["state"]), seats)
        })
        .collect()
}

fn pairs(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    list.iter()
        .map(|(state, seats)| {
            (
                state.to_string(),
                seats.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect()
}

/// The statistics of a kind, as `token` reads them.
async fn stats_of(t: &TestApp, token: &str, kind: &str) -> Value {
    let stats = t.get("/api/v1/approvals/stats", token).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    stats
        .body
        .as_array()
        .and_then(|all| all.iter().find(|s| s["kind"] == kind))
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_rejected_or_withdrawn_approval_waits_for_no_later_step() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    flow(&t, &team, "contract", two_steps(&team)).await;
    flow(&t, &team, "payment", two_steps(&team)).await;
    let client = customer(&t, rep, "Initech").await;
    let deal = contract(&t, rep, client, "5000").await;
    let path = format!("/api/v1/contracts/{deal}");
    submit(&t, rep, "contracts", deal).await;
    let waiting = detail(&t, rep, &path).await;
    assert_eq!(
        reading(&waiting),
        pairs(&[("current", &["pending"]), ("waiting", &["upcoming"])])
    );
    let approval = approval_id(&waiting);
    act_ok(
        &t,
        &team.manager.1,
        approval,
        json!({ "action": "reject", "comment": "Wrong terms" }),
    )
    .await;
    let rejected = detail(&t, rep, &path).await;
    assert_eq!(
        reading(&rejected),
        pairs(&[("ended", &["rejected"]), ("not_reached", &["not_reached"])])
    );
    assert_eq!(rejected.body["approval"]["approval"]["status"], "rejected");
    assert!(
        rejected.body["approval"]["waiting_for"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    // The page says so, and waits for nobody.
    let cookie = page_session(&t, "0971000002").await;
    let (_, html) = page(&t, &cookie, &format!("/contracts/{deal}"), "en").await;
    assert!(
        html.contains("not reached: the approval ended before this step"),
        "{html}"
    );
    assert!(html.contains("decision-not_reached"), "{html}");
    assert!(!html.contains("decision-pending"), "{html}");
    let (_, html) = page(&t, &cookie, &format!("/contracts/{deal}"), "zh-Hant").await;
    assert!(html.contains("未到此步"), "{html}");

    // Approved, the contract takes a payment, whose approval is withdrawn
    // after its first step.
    submit(&t, rep, "contracts", deal).await;
    approve_both_steps(&t, &team, approval).await;
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": deal, "amount": "1000", "received_on": "2026-03-02" }),
    )
    .await;
    submit(&t, rep, "payments", payment).await;
    let path = format!("/api/v1/payments/{payment}");
    let paid = approval_id(&detail(&t, rep, &path).await);
    act_ok(&t, &team.manager.1, paid, json!({ "action": "approve" })).await;
    act_ok(&t, rep, paid, json!({ "action": "withdraw" })).await;
    let withdrawn = detail(&t, rep, &path).await;
    assert_eq!(
        reading(&withdrawn),
        pairs(&[("passed", &["approved"]), ("ended", &["not_needed"])])
    );
    let (_, html) = page(&t, &cookie, &format!("/payments/{payment}"), "en").await;
    assert!(!html.contains("decision-pending"), "{html}");
    assert!(html.contains("decision-not_needed"), "{html}");
}

#[tokio::test]
async fn records_approved_without_a_flow_are_counted_apart_from_the_pass_rate() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Umbrella").await;
    // No flow yet: approved on submit, by nobody.
    let bare = contract(&t, rep, client, "1000").await;
    assert_eq!(submit(&t, rep, "contracts", bare).await, "approved");
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": bare, "amount": "100", "received_on": "2026-03-02" }),
    )
    .await;
    assert_eq!(submit(&t, rep, "payments", payment).await, "approved");
    for kind in ["contract", "payment"] {
        let stat = stats_of(&t, &team.admin, kind).await;
        assert_eq!(stat["approved_without_flow"], 1, "{kind}: {stat}");
        assert_eq!(stat["total"], 0, "{kind}: {stat}");
        assert_eq!(stat["approved"], 0, "{kind}: {stat}");
        assert_eq!(stat["submissions"], 0, "{kind}: {stat}");
        assert_eq!(stat["approved_submissions"], 0, "{kind}: {stat}");
        assert!(stat["pass_rate"].is_null(), "{kind}: {stat}");
    }

    // With a flow, one rejected and one approved: half pass, whatever
    // was approved without one.
    flow(&t, &team, "contract", two_steps(&team)).await;
    for decision in ["reject", "approve"] {
        let deal = contract(&t, rep, client, "2000").await;
        submit(&t, rep, "contracts", deal).await;
        let approval = contract_approval(&t, rep, deal).await;
        if decision == "reject" {
            let body = json!({ "action": "reject", "comment": "No" });
            act_ok(&t, &team.manager.1, approval, body).await;
        } else {
            approve_both_steps(&t, &team, approval).await;
        }
    }
    let stat = stats_of(&t, &team.admin, "contract").await;
    assert_eq!(stat["pass_rate"], 500, "in tenths of a percent: {stat}");
    assert_eq!(stat["total"], 2, "{stat}");
    assert_eq!(stat["approved"], 1, "{stat}");
    assert_eq!(stat["approved_without_flow"], 1, "{stat}");

    // The report counts them apart too, and says so.
    let report = t
        .get(
            "/api/v1/reports/approvals?by=kind&period=this_year",
            &team.admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let row = report_row(&report, "contract");
    assert_eq!(row["approved"], 1, "{}", report.text);
    assert_eq!(row["submitted"], 2, "{}", report.text);
    assert_eq!(row["approved_without_flow"], 1, "{}", report.text);
    assert_eq!(row["approval_rate"], 500, "{}", report.text);
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(&t, &cookie, "/reports/approvals?by=kind", "en").await;
    assert!(html.contains("Approved on submit (no flow)"), "{html}");
    assert!(html.contains("counted apart in the last column"), "{html}");
}

/// A user who views reports of their own department (Sales) and no more.
async fn report_viewer(t: &TestApp, team: &SalesTeam) -> String {
    let scope = json!({ "scope": "department_and_below" });
    let role = t
        .role(
            &team.admin,
            "Analyst",
            &["report.view", "contract.view"],
            json!({ "contract": scope, "customer": scope, "user": scope }),
        )
        .await;
    let departments = t.get("/api/v1/departments", &team.admin).await;
    let department = |name: &str| {
        departments.body["items"]
            .as_array()
            .and_then(|all| all.iter().find(|d| d["name"] == name))
            .and_then(|d| d["id"].as_i64())
            .expect("department")
    };
    let sales = department("Sales");
    t.user(
        &team.admin,
        "0971000019",
        json!({ "department_id": sales, "role_ids": [role] }),
    )
    .await;
    t.login("0971000019", crate::helpers::PASSWORD).await
}

#[tokio::test]
async fn report_viewers_read_the_statistics_of_their_scope() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let viewer = report_viewer(&t, &team).await;
    let finance = json!({ "steps": [
        { "name": "Finance", "approvers": { "users": [team.finance.0] }, "mode": "any_one" }
    ] });
    flow(&t, &team, "contract", finance).await;
    // One contract of the rep's (in Sales), one of the finance clerk's
    // made by the administrator (outside Sales).
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Hooli").await;
    let deal = contract(&t, rep, client, "3000").await;
    submit(&t, rep, "contracts", deal).await;
    let other_client = customer(&t, &team.admin, "Pied Piper").await;
    let other = contract(&t, &team.admin, other_client, "4000").await;
    submit(&t, &team.admin, "contracts", other).await;

    assert_eq!(
        t.get("/api/v1/approvals/stats", &team.rep.1).await.status,
        403
    );
    let all = stats_of(&t, &team.admin, "contract").await;
    assert_eq!(all["total"], 2, "{all}");
    let mine = stats_of(&t, &viewer, "contract").await;
    assert_eq!(mine["total"], 1, "{mine}");
    assert_eq!(mine["submissions"], 1, "{mine}");
    assert_eq!(mine["in_progress"], 1, "{mine}");
    // As the report counts them.
    let report = t
        .get(
            "/api/v1/reports/approvals?by=kind&period=this_year",
            &viewer,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report_row(&report, "contract")["submitted"], 1);

    // Documented.
    let spec = t
        .call(axum::http::Method::GET, "/api/openapi.json", None, None)
        .await;
    let description = spec.body["paths"]["/api/v1/approvals/stats"]["get"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(description.contains("report.view"), "{description}");
}

/// One step's time in seconds, as the history shows it: from its start
/// until the next step starts, the approval is approved, or it is
/// rejected; a step withdrawn or submitted again is not counted.
fn expected_figures(histories: &[Vec<(String, i64)>]) -> (i64, i64, i64, i64, i64, i64) {
    let (mut submissions, mut approves, mut rejects, mut approved) = (0, 0, 0, 0);
    let (mut steps, mut seconds) = (0, 0);
    for history in histories {
        let mut started: Option<i64> = None;
        for (action, at) in history {
            let mut end = |started: &mut Option<i64>| {
                if let Some(start) = started.take() {
                    steps += 1;
                    seconds += at - start;
                }
            };
            match action.as_str() {
                "submitted" | "resubmitted" => {
                    submissions += 1;
                    started = None;
                }
                "step_started" => {
                    end(&mut started);
                    started = Some(*at);
                }
                "approve" => approves += 1,
                "reject" => {
                    rejects += 1;
                    end(&mut started);
                }
                "approved" => {
                    approved += 1;
                    end(&mut started);
                }
                "withdraw" | "withdrawn" => started = None,
                _ => {}
            }
        }
    }
    (submissions, approves, rejects, approved, steps, seconds)
}

#[tokio::test]
async fn the_statistics_match_figures_worked_out_from_the_history() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    flow(&t, &team, "contract", two_steps(&team)).await;
    let client = customer(&t, rep, "Soylent").await;
    let mut deals = Vec::new();
    // Approved after 2 and 5 hours; rejected at the second step, submitted
    // again and approved; withdrawn; one left waiting.
    let plans: [&[&str]; 4] = [
        &["approve", "approve"],
        &["approve", "reject", "resubmit", "approve", "approve"],
        &["approve", "withdraw"],
        &["approve"],
    ];
    for (n, plan) in plans.iter().enumerate() {
        let deal = contract(&t, rep, client, &format!("{}000", n + 1)).await;
        submit(&t, rep, "contracts", deal).await;
        let approval = contract_approval(&t, rep, deal).await;
        let mut step = 0;
        for (i, move_) in plan.iter().enumerate() {
            t.clock
                .advance(Duration::seconds(3600 * (i as i64 + 2) + 17 * n as i64));
            let decider = if step == 0 {
                &team.manager.1
            } else {
                &team.finance.1
            };
            match *move_ {
                "approve" => {
                    act_ok(&t, decider, approval, json!({ "action": "approve" })).await;
                    step = (step + 1) % 2;
                }
                "reject" => {
                    let body = json!({ "action": "reject", "comment": "Fix it" });
                    act_ok(&t, decider, approval, body).await;
                    step = 0;
                }
                "withdraw" => {
                    act_ok(&t, rep, approval, json!({ "action": "withdraw" })).await;
                }
                _ => {
                    submit(&t, rep, "contracts", deal).await;
                    step = 0;
                }
            }
        }
        deals.push(deal);
    }
    // The figures, worked out here from each contract's history.
    let mut histories = Vec::new();
    for deal in &deals {
        let answer = detail(&t, rep, &format!("/api/v1/contracts/{deal}")).await;
        let history = answer.body["approval"]["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|h| {
                let at =
                    chrono::DateTime::parse_from_rfc3339(h["created_at"].as_str().expect("at"))
                        .expect("an instant")
                        .timestamp();
                (h["action"].as_str().expect("action").to_string(), at)
            })
            .collect();
        histories.push(history);
    }
    let (submissions, approves, rejects, approved, steps, seconds) = expected_figures(&histories);
    assert_eq!((submissions, approves, rejects, approved), (5, 7, 1, 2));
    let stat = stats_of(&t, &team.admin, "contract").await;
    assert_eq!(stat["submissions"], submissions, "{stat}");
    assert_eq!(stat["approved_decisions"], approves, "{stat}");
    assert_eq!(stat["rejected_decisions"], rejects, "{stat}");
    assert_eq!(stat["approved_submissions"], approved, "{stat}");
    assert_eq!(stat["withdrawn"], 1, "{stat}");
    assert_eq!(stat["in_progress"], 1, "{stat}");
    assert_eq!(stat["average_step_seconds"], seconds / steps, "{stat}");
    // In tenths of a percent, rounded.
    let pass = (approved * 2000 + approved + rejects) / (2 * (approved + rejects));
    assert_eq!(stat["pass_rate"], pass, "{stat}");

    // The report over the whole year, and a period holding none of it.
    let report = t
        .get(
            "/api/v1/reports/approvals?by=kind&period=this_year",
            &team.admin,
        )
        .await;
    let row = report_row(&report, "contract");
    assert_eq!(row["submitted"], submissions, "{}", report.text);
    assert_eq!(row["withdrawn"], 1, "{}", report.text);
    assert_eq!(row["in_progress"], 1, "{}", report.text);
    assert_eq!(
        row["hours_per_step"],
        (seconds / steps * 10 + 1800) / 3600,
        "{}",
        report.text
    );
    let before = t
        .get(
            "/api/v1/reports/approvals?by=kind&period=custom&from=2025-01-01&to=2025-01-31",
            &team.admin,
        )
        .await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert!(
        before.body["rows"]
            .as_array()
            .is_none_or(|rows| rows.iter().all(|r| r["key"] != "contract")),
        "{}",
        before.text
    );
}

#[tokio::test]
async fn the_approval_lists_carry_each_kinds_customer_and_amount() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    flow(&t, &team, "contract", two_steps(&team)).await;
    let client = customer(&t, rep, "Vandelay").await;
    let first = contract(&t, rep, client, "1200").await;
    let second = contract(&t, rep, client, "3400").await;
    let approved = contract(&t, rep, client, "5600").await;
    for deal in [first, second, approved] {
        submit(&t, rep, "contracts", deal).await;
    }
    let approval = contract_approval(&t, rep, approved).await;
    approve_both_steps(&t, &team, approval).await;
    flow(&t, &team, "payment", two_steps(&team)).await;
    let payment = create(
        &t,
        rep,
        "/api/v1/payments",
        json!({ "contract_id": approved, "amount": "78", "received_on": "2026-03-02" }),
    )
    .await;
    submit(&t, rep, "payments", payment).await;

    let listed = t.get("/api/v1/approvals/waiting", &team.manager.1).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let items = listed.body["items"].as_array().expect("items");
    let mut seen: Vec<(String, i64, String)> = items
        .iter()
        .map(|item| {
            assert_eq!(item["customer_id"], client, "{item}");
            (
                item["kind"].as_str().unwrap_or_default().to_string(),
                item["amount"].as_i64().unwrap_or_default(),
                item["customer_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    seen.sort();
    let name = "Vandelay".to_string();
    assert_eq!(
        seen,
        [
            ("contract".to_string(), 120_000, name.clone()),
            ("contract".to_string(), 340_000, name.clone()),
            ("payment".to_string(), 7_800, name.clone()),
        ]
    );
    let submitted = t.get("/api/v1/approvals/submitted?limit=2", rep).await;
    let amounts: Vec<i64> = submitted.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["amount"].as_i64().expect("amount"))
        .collect();
    assert_eq!(amounts, [7_800, 560_000], "{}", submitted.text);
}

async fn field(t: &TestApp, admin: &str, key: &str, field_type: &str) {
    let made = t
        .post(
            "/api/v1/fields",
            admin,
            json!({ "kind": "contract", "key": key, "label": key, "field_type": field_type }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
}

#[tokio::test]
async fn a_figure_saved_through_the_api_is_edited_in_the_settings() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    field(&t, &team.admin, "seats", "number").await;
    let id = flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Big", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [{ "field": "seats", "op": "ge", "value": { "figure": 50.0 } }] }
        ] }),
    )
    .await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={id}"),
        "en",
    )
    .await;
    assert!(
        html.contains(r#"name="cond_value" maxlength="500" value="50""#),
        "{html}"
    );
    assert!(
        html.contains(r#"<input type="hidden" name="cond_raw" value="">"#),
        "{html}"
    );
}

#[tokio::test]
async fn date_and_time_conditions_compare_instants() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let rep = team.rep.1.as_str();
    field(&t, &team.admin, "due_at", "date_time").await;
    // Finance decides on contracts due after 09:00 in Taipei on 31 January.
    flow(
        &t,
        &team,
        "contract",
        json!({ "steps": [
            { "name": "Manager", "approvers": { "superior": { "levels": 1 } }, "mode": "any_one" },
            { "name": "Late", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
              "condition": [{ "field": "due_at", "op": "gt",
                              "value": { "instant": "2026-01-31T09:00:00+08:00" } }] }
        ] }),
    )
    .await;
    let client = customer(&t, rep, "Kramerica").await;
    // 02:00 UTC is 10:00 in Taipei: later, though its text sorts first;
    // 00:30 UTC is 08:30 in Taipei: earlier.
    let mut plans = Vec::new();
    for due in ["2026-01-31T02:00:00Z", "2026-01-31T00:30:00Z"] {
        let deal = create(
            &t,
            rep,
            "/api/v1/contracts",
            json!({ "name": due, "customer_id": client, "amount": "100", "custom": { "due_at": due } }),
        )
        .await;
        submit(&t, rep, "contracts", deal).await;
        let answer = detail(&t, rep, &format!("/api/v1/contracts/{deal}")).await;
        plans.push(answer.body["approval"]["steps"].as_array().map(Vec::len));
    }
    assert_eq!(plans, [Some(2), Some(1)]);

    // A condition on it written as text that is no instant is refused,
    // naming the field; the editor shows and reads instants.
    let refused = t
        .post(
            "/api/v1/approvals/flows",
            &team.admin,
            json!({ "kind": "contract", "name": "Text", "definition": { "steps": [
                { "name": "Late", "approvers": { "users": [team.finance.0] }, "mode": "any_one",
                  "condition": [{ "field": "due_at", "op": "eq", "value": { "text": "soon" } }] }
            ] } }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.text.contains("date-and-time field"),
        "{}",
        refused.text
    );
    let flows = t.get("/api/v1/approvals/flows", &team.admin).await;
    let id = flows.body.as_array().expect("flows")[0]["id"]
        .as_i64()
        .expect("id");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let (_, html) = page(
        &t,
        &cookie,
        &format!("/settings/approval-flows?edit={id}"),
        "en",
    )
    .await;
    assert!(html.contains(r#"value="2026-01-31T01:00:00Z""#), "{html}");
}
