//! Approval flows that finish the job: every kind's own fields as
//! conditions (saved again from the page unchanged), choice values among
//! their options, people by id and text in any case. `sales` has the rest:
//! approval kinds named in the caller's language, dry runs that say what
//! they would do, a draft payment of a void contract, and the way on from a
//! record that cannot be edited.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, Answer, TestApp, page, post_form};
use crate::sales_fixtures::{create, customer, sales_team, submit};

mod sales;

/// A request in `lang`: GET without a body, else POST with JSON.
pub(super) async fn call_in(
    t: &TestApp,
    lang: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let builder = Request::builder()
        .method(if body.is_some() {
            Method::POST
        } else {
            Method::GET
        })
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    };
    t.send(request.expect("request")).await
}

async fn field(t: &TestApp, admin: &str, kind: &str, definition: Value) {
    let mut body = definition;
    body["kind"] = json!(kind);
    let made = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
}

/// A payment `channel` choice, `handler` person and `fee` money field; a
/// contract `segment` choice and `region` text field; a `refund` request
/// kind with an `urgency` choice.
async fn fields(t: &TestApp, admin: &str) {
    let payment = [
        json!({ "key": "channel", "label": "Pay channel", "field_type": "choice",
                "options": ["Bank transfer", "Cash"] }),
        json!({ "key": "handler", "label": "Handled by", "field_type": "user" }),
        json!({ "key": "fee", "label": "Bank fee", "field_type": "money" }),
    ];
    for definition in payment {
        field(t, admin, "payment", definition).await;
    }
    field(
        t,
        admin,
        "contract",
        json!({ "key": "segment", "label": "Segment", "field_type": "choice",
                "options": ["SMB", "Enterprise"] }),
    )
    .await;
    field(
        t,
        admin,
        "contract",
        json!({ "key": "region", "label": "Region", "field_type": "text" }),
    )
    .await;
    let kind = t
        .put(
            "/api/v1/requests/kinds",
            admin,
            json!({ "kind": "refund", "name": "Refund", "fields": [
                { "key": "urgency", "label": "Urgency", "field_type": "choice",
                  "options": ["Low", "High"] },
                { "key": "amount", "label": "Refund sum", "field_type": "money" }
            ] }),
        )
        .await;
    assert!(kind.status.is_success(), "{}", kind.text);
}

async fn department_of(t: &TestApp, admin: &str, user: i64) -> i64 {
    let answer = t.get(&format!("/api/v1/users/{user}"), admin).await;
    answer.body["department_id"].as_i64().expect("department")
}

fn step(name: &str, approver: i64, condition: Value) -> Value {
    json!({ "name": name, "approvers": { "users": [approver] }, "mode": "any_one",
            "condition": condition })
}

async fn make_flow(t: &TestApp, admin: &str, kind: &str, steps: Value) -> Answer {
    let body =
        json!({ "kind": kind, "name": format!("{kind} flow"), "definition": { "steps": steps } });
    call_in(t, "en", "/api/v1/approvals/flows", admin, Some(body)).await
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// An attribute of a tag's text, unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// A select being read: its name (none when disabled), whether it takes
/// several options, and its options with whether each is chosen.
type Select = (Option<String>, bool, Vec<(String, bool)>);

/// What a browser sends for the form posted to `action`: its inputs (ticked
/// boxes only), each select's chosen options (the first when none is),
/// leaving out disabled ones and buttons.
fn form_body(html: &str, action: &str) -> String {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("form {action}: {html}"));
    let end = start + html[start..].find("</form>").expect("end of form");
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut select: Option<Select> = None;
    for piece in html[start..end].split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or_default();
        let disabled = tag.contains(" disabled");
        if let Some(input) = tag.strip_prefix("input") {
            let kind = attr(input, "type").unwrap_or_default();
            let Some(name) = attr(input, "name").filter(|_| !disabled) else {
                continue;
            };
            let ticked = input.contains(" checked");
            if (kind != "checkbox" && kind != "radio") || ticked {
                fields.push((name, attr(input, "value").unwrap_or_default()));
            }
        } else if let Some(open) = tag.strip_prefix("select") {
            let name = attr(open, "name").filter(|_| !disabled);
            select = Some((name, open.contains(" multiple"), Vec::new()));
        } else if let Some(option) = tag.strip_prefix("option") {
            if let Some((_, _, options)) = select.as_mut() {
                let value = attr(option, "value").unwrap_or_default();
                options.push((value, option.contains(" selected")));
            }
        } else if tag.starts_with("/select")
            && let Some((Some(name), multiple, options)) = select.take()
        {
            let chosen: Vec<&String> = options.iter().filter(|o| o.1).map(|o| &o.0).collect();
            match (chosen.is_empty(), multiple, options.first()) {
                (false, _, _) => {
                    fields.extend(chosen.into_iter().map(|v| (name.clone(), v.clone())))
                }
                (true, false, Some((first, _))) => fields.push((name, first.clone())),
                _ => {}
            }
        }
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The flow as the API has it now.
async fn stored_flow(t: &TestApp, admin: &str, id: i64) -> Value {
    let flows = t.get("/api/v1/approvals/flows", admin).await;
    flows
        .body
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == id).cloned())
        .unwrap_or_else(|| panic!("flow {id}: {}", flows.text))
}

/// The piece of the edit page that shows the condition on `key`.
fn condition_row<'a>(html: &'a str, key: &str) -> &'a str {
    html.split("class=\"flow-cond\"")
        .find(|piece| piece.contains(&format!("<option value=\"{key}\" selected>")))
        .unwrap_or_else(|| panic!("the condition on {key}: {html}"))
}

#[tokio::test]
async fn flows_made_through_the_api_are_saved_again_from_the_page_unchanged() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    fields(&t, admin).await;
    let sales = department_of(&t, admin, team.rep.0).await;
    let kinds = [
        (
            "payment",
            json!([step(
                "Finance",
                team.finance.0,
                json!([
                    { "field": "channel", "op": "in", "value": { "list": [{ "text": "Bank transfer" }, { "text": "Cash" }] } },
                    { "field": "handler", "op": "eq", "value": { "id": team.manager.0 } },
                    { "field": "fee", "op": "gt", "value": { "number": 5000 }, "currency": "CNY" },
                    { "field": "owner_id", "op": "eq", "value": { "id": team.rep.0 } },
                    { "field": "amount", "op": "ge", "value": { "number": 100_000 }, "currency": "CNY" }
                ])
            )]),
            "Payments · Pay channel",
        ),
        (
            "contract",
            json!([step(
                "Boss",
                team.manager.0,
                json!([
                    { "field": "segment", "op": "eq", "value": { "text": "Enterprise" } },
                    { "field": "department_id", "op": "eq", "value": { "id": sales } }
                ])
            )]),
            "Contracts · Segment",
        ),
        (
            "refund",
            json!([step(
                "Boss",
                team.manager.0,
                json!([
                    { "field": "urgency", "op": "ne", "value": { "text": "Low" } },
                    { "field": "amount", "op": "le", "value": { "number": 500_000 }, "currency": "CNY" }
                ])
            )]),
            "Refund · Urgency",
        ),
    ];
    let cookie = page_session(&t, ADMIN_PHONE).await;
    for (kind, steps, label) in kinds {
        let made = make_flow(&t, admin, kind, steps).await;
        assert_eq!(made.status, 201, "{}", made.text);
        let id = made.body["id"].as_i64().expect("id");
        let before = stored_flow(&t, admin, id).await;
        let action = format!("/settings/approval-flows?edit={id}");
        let (status, html) = page(&t, &cookie, &action, "en").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        // The kind's own fields are offered by label, the condition's chosen.
        assert!(
            html.contains(&format!("selected>{label}</option>")),
            "{html}"
        );
        assert!(
            !html.contains("cond_raw\" value=\"{"),
            "nothing kept whole: {html}"
        );
        let (status, location) = post_form(&t, &cookie, &action, form_body(&html, &action)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{kind}: {location}");
        let after = stored_flow(&t, admin, id).await;
        assert_eq!(after["definition"], before["definition"], "{kind}");
        assert_eq!(after["name"], before["name"], "{kind}");
    }

    // Operators fit the field: a figure is compared more or less, a choice
    // or a person is one value or another.
    let payment_flow = stored_flow(&t, admin, 1).await;
    assert_eq!(payment_flow["kind"], "payment");
    let (_, html) = page(&t, &cookie, "/settings/approval-flows?edit=1", "en").await;
    for (key, orders) in [
        ("fee", true),
        ("amount", true),
        ("channel", false),
        ("handler", false),
    ] {
        let row = condition_row(&html, key);
        assert_eq!(row.contains("<option value=\"gt\""), orders, "{key}: {row}");
        assert!(row.contains("<option value=\"in\""), "{key}: {row}");
    }
    let channel = condition_row(&html, "channel");
    assert!(
        channel.contains("list=\"flow-options-channel\""),
        "{channel}"
    );
    assert!(html.contains("<option value=\"Bank transfer\">"), "{html}");
    assert!(condition_row(&html, "handler").contains("value=\"User 0971000001\""));
}

#[tokio::test]
async fn a_choice_condition_takes_only_the_fields_options() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    fields(&t, admin).await;
    let stray = json!([step(
        "Finance",
        team.finance.0,
        json!([
            { "field": "amount", "op": "gt", "value": { "number": 100 }, "currency": "CNY" },
            { "field": "channel", "op": "in", "value": { "list": [{ "text": "cash" }, { "text": "Cheque" }] } }
        ])
    )]);
    let body = json!({ "kind": "payment", "name": "Stray", "definition": { "steps": stray } });
    let refused = call_in(&t, "zh-Hant", "/api/v1/approvals/flows", admin, Some(body)).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let error = &refused.body["errors"][0];
    assert_eq!(
        error["field"], "definition.steps.0.condition.1",
        "{}",
        refused.text
    );
    assert_eq!(error["code"], "condition_not_an_option", "{}", refused.text);
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("「Cheque」不是Pay channel的選項"),
        "{message}"
    );
    assert!(message.contains("Bank transfer, Cash"), "{message}");
    // A request kind's choice, and a contract's, alike.
    let urgent = json!([step(
        "Boss",
        team.manager.0,
        json!([
            { "field": "urgency", "op": "eq", "value": { "text": "Urgent" } }
        ])
    )]);
    let refused = make_flow(&t, admin, "refund", urgent).await;
    assert_eq!(refused.body["errors"][0]["code"], "condition_not_an_option");
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("“Urgent” is not an option of Urgency; choose one of: Low, High."),
        "{message}"
    );
    let segment = json!([step(
        "Boss",
        team.manager.0,
        json!([
            { "field": "segment", "op": "ne", "value": { "text": "Large" } }
        ])
    )]);
    let refused = make_flow(&t, admin, "contract", segment).await;
    assert_eq!(refused.body["errors"][0]["code"], "condition_not_an_option");

    // The page refuses the same beside the step, and writes an option typed
    // in another case as the option is.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let head = format!(
        "_csrf={csrf}&name=Channels&kind=payment&active=1&when_no_approver=refuse&resubmit=from_start\
         &step_name=Finance&step_rule=department_head&step_mode=any_one"
    );
    let form =
        format!("{head}&cond_step=0&cond_field=channel&cond_op=eq&cond_value=Cheque&cond_raw=");
    let (status, html) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let row = html
        .split("class=\"flow-row")
        .nth(1)
        .expect("the step's row");
    assert!(
        row.contains(
            "“Cheque” is not an option of Pay channel; choose one of: Bank transfer, Cash."
        ),
        "{row}"
    );
    let form = format!(
        "{head}&cond_step=0&cond_field=channel&cond_op=eq&cond_value=bank+TRANSFER&cond_raw="
    );
    let (status, location) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let flows = t.get("/api/v1/approvals/flows", admin).await;
    assert_eq!(
        flows.body[0]["definition"]["steps"][0]["condition"][0]["value"],
        json!({ "text": "Bank transfer" }),
        "{}",
        flows.text
    );
}

#[tokio::test]
async fn people_are_compared_by_id_and_text_in_any_case() {
    let t = TestApp::new().await;
    let team = sales_team(&t).await;
    let admin = team.admin.as_str();
    fields(&t, admin).await;
    let sales = department_of(&t, admin, team.rep.0).await;

    // The page finds the owner and the department by name in any case.
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Owners&kind=contract&active=1&when_no_approver=refuse&resubmit=from_start\
         &step_name=Boss&step_rule=users&step_users=0:{}&step_mode=any_one\
         &cond_step=0&cond_field=owner_id&cond_op=eq&cond_value=user+0971000002&cond_raw=\
         &cond_step=0&cond_field=department_id&cond_op=in&cond_value=SALES&cond_raw=\
         &cond_step=0&cond_field=region&cond_op=eq&cond_value=north&cond_raw=",
        team.manager.0
    );
    let (status, location) = post_form(&t, &cookie, "/settings/approval-flows", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let flows = t.get("/api/v1/approvals/flows", admin).await;
    assert_eq!(
        flows.body[0]["definition"]["steps"][0]["condition"],
        json!([
            { "field": "owner_id", "op": "eq", "value": { "id": team.rep.0 } },
            { "field": "department_id", "op": "in", "value": { "list": [{ "id": sales }] } },
            { "field": "region", "op": "eq", "value": { "text": "north" } }
        ]),
        "{}",
        flows.text
    );

    // The engine compares the owner by id and the region in any case.
    let rep = team.rep.1.as_str();
    let client = customer(&t, rep, "Northwind").await;
    let deal = |region: &'static str, amount: &'static str| {
        let t = &t;
        async move {
            create(
                t,
                rep,
                "/api/v1/contracts",
                json!({ "name": format!("{region} deal"), "customer_id": client, "amount": amount,
                        "custom": { "region": region } }),
            )
            .await
        }
    };
    let north = deal(" NORTH ", "100").await;
    assert_eq!(submit(&t, rep, "contracts", north).await, "in_approval");
    let south = deal("South", "100").await;
    assert_eq!(submit(&t, rep, "contracts", south).await, "approved");
    // Someone else's contract in the north does not meet the owner's step.
    let other = team.other_rep.1.as_str();
    let theirs = customer(&t, other, "Southwind").await;
    let elsewhere = create(
        &t,
        other,
        "/api/v1/contracts",
        json!({ "name": "north too", "customer_id": theirs, "amount": "100",
                "custom": { "region": "North" } }),
    )
    .await;
    assert_eq!(submit(&t, other, "contracts", elsewhere).await, "approved");

    // Through the API, a person is named by id: a name is refused.
    let by_name = json!([step(
        "Boss",
        team.manager.0,
        json!([
            { "field": "owner_id", "op": "eq", "value": { "text": "User 0971000002" } }
        ])
    )]);
    let refused = make_flow(&t, admin, "contract", by_name).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "condition_needs_person");
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("Step 1: the owner names a person"),
        "{message}"
    );
    let handler = json!([step(
        "Boss",
        team.manager.0,
        json!([
            { "field": "handler", "op": "eq", "value": { "text": "User 0971000001" } }
        ])
    )]);
    let refused = make_flow(&t, admin, "payment", handler).await;
    assert_eq!(refused.body["errors"][0]["code"], "condition_needs_person");
}
