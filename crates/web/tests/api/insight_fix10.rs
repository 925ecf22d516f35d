//! A department without a target of its own stands against its people's
//! targets added up in the target report as on the dashboard, and both say
//! so the same way.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PHONE, TestApp};
use crate::sales_fixtures::{create, customer, sales_team, submit};

const YEAR: &str = "period=custom&from=2021-01-01&to=2021-12-31";

async fn set_target(t: &TestApp, token: &str, body: Value) {
    let set = t.post("/api/v1/targets", token, body).await;
    assert_eq!(set.status, 201, "{}", set.text);
}

async fn signed(t: &TestApp, token: &str, client: i64, amount: &str, day: &str) {
    let id = create(
        t,
        token,
        "/api/v1/contracts",
        json!({ "name": format!("Signed {day} {amount}"), "customer_id": client,
                "amount": amount, "signed_on": day }),
    )
    .await;
    assert_eq!(submit(t, token, "contracts", id).await, "approved");
}

/// The report's row of a holder and a month (or the period, `2021`).
fn cell<'a>(report: &'a Value, holder: i64, key2: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["key"] == holder.to_string().as_str() && r["key2"] == key2)
        })
        .unwrap_or_else(|| panic!("no row {holder} {key2}: {report}"))
}

#[tokio::test]
async fn a_department_without_its_own_target_adds_up_its_people_in_the_report_as_on_the_dashboard()
{
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let (rep, other, manager) = (team.rep.0, team.other_rep.0, team.manager.0);
    // 1,200 for the rep's year and 3,600 for the other's: 100 and 300 a
    // month; the manager has none.
    for (user, amount) in [(rep, "1200"), (other, "3600")] {
        set_target(
            &t,
            &team.admin,
            json!({ "year": 2021, "month": 0, "user_id": user,
                    "measure": "contract_amount", "amount": amount }),
        )
        .await;
    }
    let client = customer(&t, &team.rep.1, "Rep's client").await;
    signed(&t, &team.rep.1, client, "120", "2021-04-10").await;
    let profile = t
        .get(&format!("/api/v1/users/{manager}"), &team.admin)
        .await;
    let sales = profile.body["department_id"].as_i64().expect("department");

    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &team.admin,
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let body = &report.body;
    // Columns: target, achieved, rate.
    let year = cell(body, sales, "2021");
    assert_eq!(year["values"][0], 480_000, "1,200 and 3,600: {year}");
    assert_eq!(year["values"][1], 12_000);
    assert_eq!(year["values"][2], 25, "120 of 4,800 is 2.5%");
    let april = cell(body, sales, "2021-04");
    assert_eq!(april["values"][0], 40_000, "100 and 300 for April");
    assert_eq!(april["values"][1], 12_000);
    let added: Vec<&Value> = body["added_up"]
        .as_array()
        .expect("added_up")
        .iter()
        .filter(|h| h["key"] == sales.to_string().as_str())
        .collect();
    assert_eq!(added.len(), 1, "{body}");
    assert_eq!(added[0]["name"], "Sales");
    assert_eq!(
        added[0]["without_target"],
        json!([{ "user_id": manager, "name": "User 0971000001" }])
    );
    // The finance department's people have none: no row of theirs.
    assert!(
        !body["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["label"] == "Finance"),
        "{body}"
    );

    // The dashboard measures the department the same way and says so.
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=department&department_id={sales}"),
            &team.admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    let target = &board.body["targets"][0];
    assert_eq!(target["target"], year["values"][0], "{target}");
    assert_eq!(target["months"][3]["target"], april["values"][0]);
    assert_eq!(target["added_up"], true);
    assert_eq!(target["without_target"], added[0]["without_target"]);

    // The same note on the dashboard, the report page and the export.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let note_in = |html: &str| -> Vec<String> {
        html.split(r#"<p class="notice without-target" role="note">"#)
            .skip(1)
            .filter_map(|rest| rest.split("</p>").next())
            .map(str::to_string)
            .collect()
    };
    for (lang, words) in [
        ("en", "Added up from the people with a target"),
        ("zh-Hans", "未计入期间目标"),
        ("zh-Hant", "未計入期間目標"),
    ] {
        let (status, html) = crate::helpers::page(
            &t,
            &cookie,
            &format!("/dashboard?{YEAR}&scope=department&department_id={sales}"),
            lang,
        )
        .await;
        assert_eq!(status, 200);
        let dashboard = note_in(&html);
        assert_eq!(dashboard.len(), 1, "{lang}: {dashboard:?}");
        assert!(
            dashboard[0].contains(words) && dashboard[0].contains("User 0971000001"),
            "{lang}: {dashboard:?}"
        );
        let (status, html) = crate::helpers::page(
            &t,
            &cookie,
            &format!("/reports/targets?{YEAR}&by=department"),
            lang,
        )
        .await;
        assert_eq!(status, 200);
        let notes = note_in(&html);
        let sales_note = notes
            .iter()
            .find(|n| n.starts_with("Sales"))
            .unwrap_or_else(|| panic!("{lang}: {notes:?}"));
        assert!(
            sales_note.ends_with(&dashboard[0]),
            "{lang}: one wording: {sales_note} / {}",
            dashboard[0]
        );
        assert!(!sales_note.contains("User 0971000002"), "the rep has one");
    }
    let export = t
        .get(
            &format!("/api/v1/reports/targets/export?format=csv&{YEAR}&by=department"),
            &team.admin,
        )
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert!(
        export.text.lines().any(|line| line
            .contains("Sales: Added up from the people with a target")
            && line.contains("User 0971000001")),
        "{}",
        export.text
    );

    // Everyone chosen has a target: the dashboard still says how the
    // target is measured, naming nobody.
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=users&user_ids={rep},{other}"),
            &team.admin,
        )
        .await;
    let target = &board.body["targets"][0];
    assert_eq!(target["added_up"], true);
    assert_eq!(target["without_target"], json!([]));
    let (_, html) = crate::helpers::page(
        &t,
        &cookie,
        &format!("/dashboard?{YEAR}&scope=users&user_id={rep}&user_id={other}"),
        "en",
    )
    .await;
    let notes = note_in(&html);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(!notes[0].contains("Without one"), "{notes:?}");

    // A target of the department's own is the department's, in both.
    set_target(
        &t,
        &team.admin,
        json!({ "year": 2021, "month": 0, "department_id": sales,
                "measure": "contract_amount", "amount": "9000" }),
    )
    .await;
    let report = t
        .get(
            &format!("/api/v1/reports/targets?{YEAR}&by=department"),
            &team.admin,
        )
        .await;
    assert_eq!(cell(&report.body, sales, "2021")["values"][0], 900_000);
    assert!(
        !report.body["added_up"]
            .as_array()
            .expect("added_up")
            .iter()
            .any(|h| h["key"] == sales.to_string().as_str()),
        "{}",
        report.text
    );
    let board = t
        .get(
            &format!("/api/v1/dashboard?{YEAR}&scope=department&department_id={sales}"),
            &team.admin,
        )
        .await;
    assert_eq!(board.body["targets"][0]["target"], 900_000);
    assert_eq!(board.body["targets"][0]["added_up"], false);
}

/// On PostgreSQL a search of one or two characters is answered from the
/// index of each text's characters and pairs (`short_grams`), and finds
/// the rows a `like` over every row finds. (SQLite's short search goes
/// through its trigram index's vocabulary: `short_search.rs`.)
#[tokio::test]
async fn short_searches_on_postgres_read_the_index_of_characters_and_pairs() {
    let t = TestApp::new().await;
    let url = t.settings.database_url();
    if !url.starts_with("postgres") {
        return;
    }
    let admin = t.admin().await;
    for name in ["台灣水泥", "台泥", "泥", "Mud Works", "水果行"] {
        create(&t, &admin, "/api/v1/customers", json!({ "name": name })).await;
    }
    create(&t, &admin, "/api/v1/leads", json!({ "name": "泥作工坊" })).await;
    let pool = sqlx::PgPool::connect(&url).await.expect("postgres");
    let mut connection = pool.acquire().await.expect("connection");
    // So few rows read faster in a scan: the planner is told not to, to
    // show that the index answers the condition the search writes.
    sqlx::query("set enable_seqscan = off")
        .execute(&mut *connection)
        .await
        .expect("set");
    for (table, text) in [
        ("customers", "泥"),
        ("customers", "水泥"),
        ("customers", "mu"),
        ("contacts", "泥"),
        ("leads", "泥作"),
    ] {
        let condition = format!(
            "short_grams({table}.search_text) @> array_append(cast(null as text[]), '{text}') \
             and {table}.search_text like '%{text}%'"
        );
        let plan: Vec<(String,)> =
            sqlx::query_as(&format!("explain select id from {table} where {condition}"))
                .fetch_all(&mut *connection)
                .await
                .expect("plan");
        let plan: Vec<String> = plan.into_iter().map(|(line,)| line).collect();
        assert!(
            plan.iter()
                .any(|line| line.contains(&format!("{table}_search_grams"))),
            "{table} {text}: {plan:#?}"
        );
        let ids = |sql: String| {
            let pool = pool.clone();
            async move {
                let rows: Vec<(i64,)> = sqlx::query_as(&sql).fetch_all(&pool).await.expect("ids");
                rows
            }
        };
        let indexed = ids(format!(
            "select id from {table} where {condition} order by id"
        ))
        .await;
        let every = ids(format!(
            "select id from {table} where search_text like '%{text}%' order by id"
        ))
        .await;
        assert_eq!(indexed, every, "{table} {text}");
        if table != "contacts" {
            assert!(!every.is_empty(), "{table} {text}: something to find");
        }
    }
    drop(connection);
    pool.close().await;
}

/// A pie or a funnel draws one measure: saving one with several is refused
/// on `measures`, naming the fix, as two groupings are refused on `chart`;
/// one saved before is drawn as bars and says so.
#[tokio::test]
async fn a_pie_or_a_funnel_with_several_measures_is_refused_and_an_old_one_drawn_as_bars() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let client = customer(&t, &admin, "Pie Buyer").await;
    signed(&t, &admin, client, "300", "2021-02-03").await;
    let two = json!([{"op": "count"}, {"op": "sum", "field": "amount"}]);
    for chart in ["pie", "funnel"] {
        let answer = t
            .post(
                "/api/v1/custom-reports",
                &admin,
                json!({ "name": "Pie", "kind": "contracts", "group_by": ["status"],
                        "measures": two, "chart": chart }),
            )
            .await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        let errors = answer.body["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0]["field"], "measures");
        assert_eq!(errors[0]["code"], "chart_one_measure");
        let message = errors[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("keep one measure"), "{message}");
    }
    // One measure is a pie; several as bars are kept.
    for (chart, measures) in [("pie", json!([{"op": "count"}])), ("bar", two.clone())] {
        let answer = t
            .post(
                "/api/v1/custom-reports",
                &admin,
                json!({ "name": format!("Kept {chart}"), "kind": "contracts",
                        "group_by": ["status"], "measures": measures, "chart": chart }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    // The form names the fix beside the measures, in each language.
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Pie&kind=contracts&chart=pie&group_0=status\
         &measure_0_op=count&measure_1_op=sum&measure_1_field=amount"
    );
    let (status, html) = crate::helpers::post_form(&t, &cookie, "/reports/custom/new", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("a pie or a funnel draws one measure"),
        "{html}"
    );

    // A pie saved with two measures before this was refused: bars, said.
    let id = t
        .post(
            "/api/v1/custom-reports",
            &admin,
            json!({ "name": "Old pie", "kind": "contracts", "group_by": ["status"],
                    "measures": two, "chart": "bar" }),
        )
        .await
        .body["id"]
        .as_i64()
        .expect("id");
    t.sql(&format!(
        "update saved_reports set definition = \
         replace(definition, '\"chart\":\"bar\"', '\"chart\":\"pie\"') where id = {id}"
    ))
    .await;
    for (lang, words) in [
        ("en", "draws one measure"),
        ("zh-Hans", "只能绘制一个统计值"),
        ("zh-Hant", "只能繪製一個統計值"),
    ] {
        let (status, html) =
            crate::helpers::page(&t, &cookie, &format!("/reports/custom/{id}?{YEAR}"), lang).await;
        assert_eq!(status, 200, "{html}");
        assert!(!html.contains("pie-chart"), "{lang}: drawn as bars");
        let note = html
            .split(r#"<p class="muted chart-note">"#)
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_else(|| panic!("{lang}: no note"));
        assert!(note.contains(words), "{lang}: {note}");
        assert!(html.contains(r#"class="legend""#), "{lang}: both named");
    }
}
