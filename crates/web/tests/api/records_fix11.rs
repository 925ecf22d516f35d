//! Record lists and the lifecycle, as they are used: a saved view whose
//! condition names a deleted field or a bad value opens without it and
//! says so; lead conversion through a mapping of choice fields; repeated
//! options of a multiple choice; defaults on new-record forms; pool claims
//! and moves with repeated or unknown ids; what pool members may do.

use serde_json::json;

use crate::helpers::{ADMIN_PHONE, TestApp, page, urlencode};
use crate::record_fixtures::custom_field;

const LISTS: [&str; 6] = [
    "/customers",
    "/leads",
    "/contacts",
    "/opportunities",
    "/contracts",
    "/payments",
];

#[tokio::test]
async fn a_list_whose_kept_condition_it_cannot_apply_opens_without_it_and_names_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for kind in ["customer", "lead", "contact", "payment"] {
        custom_field(&t, &admin, kind, "budget", "number").await;
    }
    for name in ["Northwind", "Southwind"] {
        let made = t
            .post("/api/v1/customers", &admin, json!({ "name": name }))
            .await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    let gone = urlencode(r#"[["custom.nope","contains","x"]]"#);
    let bad_value = urlencode(r#"[["custom.budget","between","abc"]]"#);
    for list in LISTS {
        let (status, html) = page(&t, &cookie, &format!("{list}?c={gone}"), "en").await;
        assert_eq!(status, 200, "{list}: {html}");
        let (status, html2) = page(&t, &cookie, &format!("{list}?c={bad_value}"), "en").await;
        assert_eq!(status, 200, "{list}: {html2}");
        if matches!(list, "/opportunities" | "/contracts") {
            // These lists take no conditions on fields: nothing to refuse.
            continue;
        }
        assert!(
            html.contains("was opened without a condition it cannot apply"),
            "{list}: {html}"
        );
        let kind = list.trim_start_matches('/');
        assert!(
            html.contains(&format!(
                "is on a custom field of {kind} that no longer exists"
            )),
            "{list}: {html}"
        );
        assert!(
            html2.contains("was opened without a condition it cannot apply")
                && html2.contains("BUDGET"),
            "{list}: {html2}"
        );
    }
    // The other conditions still apply; the refused one is gone from the
    // address the page's links carry.
    let both = urlencode(r#"[["name","contains","North"],["custom.nope","contains","x"]]"#);
    let (status, html) = page(&t, &cookie, &format!("/customers?c={both}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Northwind") && !html.contains("Southwind"),
        "{html}"
    );
    let (_, html) = page(&t, &cookie, &format!("/customers?c={gone}"), "zh-Hant").await;
    assert!(html.contains("所在的客戶自訂欄位已不存在"), "{html}");

    // The API still refuses, naming the field and the list …
    let filter = urlencode(r#"[{"field":"custom.nope","op":"contains","value":"x"}]"#);
    for kind in ["customers", "leads", "contacts"] {
        let refused = t
            .get(&format!("/api/v1/{kind}?filter={filter}"), &admin)
            .await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(refused.body["errors"][0]["field"], "filters.0");
        assert_eq!(refused.body["errors"][0]["code"], "field_unknown");
        let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(
            message.contains(&format!(
                "custom.nope: this custom field of {kind} no longer exists"
            )),
            "{message}"
        );
    }
    // … and, for an operator the field does not take, the ones it takes.
    let filter = urlencode(r#"[{"field":"custom.budget","op":"contains","value":"x"}]"#);
    let refused = t
        .get(&format!("/api/v1/customers?filter={filter}"), &admin)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("BUDGET does not take the condition “contains”")
            && message.contains(
                "between (between), is (equals), is empty (is_empty), is not empty (not_empty)"
            ),
        "{message}"
    );
}

#[tokio::test]
async fn a_multiple_choice_named_twice_is_kept_once_as_the_option_is_spelt() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = json!({
        "kind": "customer", "key": "tags", "label": "Tags",
        "field_type": "multi_choice", "options": ["VIP", "Partner"]
    });
    let made = t.post("/api/v1/fields", &admin, field).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let body =
        json!({ "name": "Twice Co", "custom": { "tags": ["VIP", "vip", "ｖｉｐ", "partner"] } });
    let made = t.post("/api/v1/customers", &admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_i64().expect("id");
    let read = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(
        read.body["custom"]["tags"],
        json!(["VIP", "Partner"]),
        "{}",
        read.text
    );
    // A text of the options folds the same way.
    let body = json!({ "custom": { "tags": "partner, PARTNER,Partner" }, "version": read.body["version"] });
    let changed = t
        .patch(&format!("/api/v1/customers/{id}"), &admin, body)
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let read = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(
        read.body["custom"]["tags"],
        json!(["Partner"]),
        "{}",
        read.text
    );
}

#[tokio::test]
async fn a_claim_counts_each_customer_once_and_a_move_names_what_was_not_in_the_pool() {
    use crate::pool_fixtures::{
        change_pool, first_pool, owned_customer, pool, release, rep, rep_role, top_department,
    };
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let first = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        first,
        json!({ "rules": { "limits": { "per_day": 1 } } }),
    )
    .await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (rep_id, rep_token) = rep(&t, &admin, "0962110001", top, role).await;
    let a = owned_customer(&t, &admin, json!({ "name": "Alpha Pool" })).await;
    let b = owned_customer(&t, &admin, json!({ "name": "Beta Pool" })).await;
    release(&t, &admin, a, Some(first)).await;
    release(&t, &admin, b, Some(first)).await;

    // One customer named twice is one claim, within a limit of one a day.
    let claimed = t
        .post(
            &format!("/api/v1/pools/{first}/claim"),
            &rep_token,
            json!({ "ids": [a, a] }),
        )
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    assert_eq!(claimed.body["claimed"], json!([a]), "{}", claimed.text);
    assert_eq!(claimed.body["owned"], json!([]), "{}", claimed.text);
    let read = t.get(&format!("/api/v1/customers/{a}"), &admin).await;
    assert_eq!(read.body["owner_id"].as_i64(), Some(rep_id));

    // A move answers what it moved and names ids not waiting in the pool.
    let other = pool(
        &t,
        &admin,
        json!({ "name": "Second", "member_departments": [top] }),
    )
    .await;
    let moved = t
        .post(
            &format!("/api/v1/pools/{first}/move"),
            &admin,
            json!({ "ids": [b, b, a, 999_999], "to_pool_id": other }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["moved"], json!([b]), "{}", moved.text);
    assert_eq!(
        moved.body["not_in_pool"],
        json!([a, 999_999]),
        "{}",
        moved.text
    );
    assert!(moved.body.get("taken").is_none(), "{}", moved.text);
}

/// A choice field of `kind` with these options; answers its id.
async fn choice_field(t: &TestApp, admin: &str, kind: &str, options: &[&str]) -> i64 {
    let body = json!({
        "kind": kind, "key": "tier", "label": "Tier", "field_type": "choice", "options": options
    });
    let made = t.post("/api/v1/fields", admin, body).await;
    assert_eq!(made.status, 201, "{}", made.text);
    made.body["id"].as_i64().expect("field id")
}

#[tokio::test]
async fn a_mapping_of_choices_must_cover_the_leads_options_and_a_conversion_names_the_lead() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    choice_field(&t, &admin, "lead", &["Gold", "Silver", "Bronze"]).await;
    let customer_tier = choice_field(&t, &admin, "customer", &["Gold", "Silver"]).await;
    let mapping = json!([{ "lead_key": "tier", "customer_key": "tier" }]);
    let refused = t
        .put(
            "/api/v1/settings/lead-field-mapping",
            &admin,
            mapping.clone(),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "mapping_options_missing");
    let message = refused.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("lead field Tier")
            && message.contains("customer field Tier")
            && message.contains("Bronze")
            && !message.contains("Silver"),
        "{message}"
    );
    let all = json!({ "options": ["Gold", "Silver", "bronze"] });
    let widened = t
        .patch(&format!("/api/v1/fields/{customer_tier}"), &admin, all)
        .await;
    assert_eq!(widened.status, 200, "{}", widened.text);
    let set = t
        .put("/api/v1/settings/lead-field-mapping", &admin, mapping)
        .await;
    assert_eq!(set.status, 200, "{}", set.text);

    let lead = |name: &str, tier: &str| json!({ "name": name, "custom": { "tier": tier } });
    let one = t
        .post("/api/v1/leads", &admin, lead("Lead One", "Gold"))
        .await;
    let two = t
        .post("/api/v1/leads", &admin, lead("Lead Two", "Bronze"))
        .await;
    let (one, two) = (
        one.body["id"].as_i64().expect("lead"),
        two.body["id"].as_i64().expect("lead"),
    );
    // The customer field loses the option after the mapping was set.
    let narrowed = json!({ "options": ["Gold", "Silver"] });
    let narrowed = t
        .patch(&format!("/api/v1/fields/{customer_tier}"), &admin, narrowed)
        .await;
    assert_eq!(narrowed.status, 200, "{}", narrowed.text);
    let converted = t
        .post(
            "/api/v1/leads/convert",
            &admin,
            json!({ "ids": [one, two] }),
        )
        .await;
    assert_eq!(converted.status, 422, "{}", converted.text);
    assert_eq!(
        converted.body["errors"][0]["code"],
        "lead_choice_not_offered"
    );
    let message = converted.body["errors"][0]["message"]
        .as_str()
        .unwrap_or("");
    assert!(
        message.contains(&format!("Lead Two (#{two})"))
            && message.contains("“Bronze”")
            && message.contains("customer field Tier")
            && message.contains("neither was any other lead")
            && message.contains("An administrator"),
        "{message}"
    );
    // None of the batch was converted.
    let read = t.get(&format!("/api/v1/leads/{one}"), &admin).await;
    assert_eq!(read.body["converted"], false, "{}", read.text);

    // Converted alone, the lead's customer tells in its log where it came from.
    let converted = t
        .post("/api/v1/leads/convert", &admin, json!({ "ids": [one] }))
        .await;
    assert_eq!(converted.status, 200, "{}", converted.text);
    let customer = converted.body[0]["customer_id"].as_i64().expect("customer");
    let read = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    assert_eq!(read.body["custom"]["tier"], "Gold", "{}", read.text);
    let from_lead = read.body["change_log"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry["fields"][0]["field"] == "lead")
        .unwrap_or_else(|| panic!("a log entry of the lead: {}", read.text));
    assert_eq!(
        from_lead["labels"]["lead"], "Converted from lead",
        "{}",
        read.text
    );
    assert_eq!(from_lead["fields"][0]["new"], "Lead One");
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for (lang, words) in [
        ("en", "Converted from lead"),
        ("zh-Hant", "由線索轉換而來"),
        ("zh-Hans", "由线索转换而来"),
    ] {
        let (status, html) = page(&t, &cookie, &format!("/customers/{customer}"), lang).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains(words), "{lang}: {html}");
    }
}

#[tokio::test]
async fn new_record_forms_show_defaults_and_a_multiple_choice_as_boxes_to_tick() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let kinds = [
        ("customer", "/customers/new"),
        ("lead", "/leads/new"),
        ("contact", "/contacts/new"),
        ("opportunity", "/opportunities/new"),
        ("contract", "/contracts/new"),
        ("payment", "/payments/new"),
        ("product", "/products/new"),
    ];
    for (kind, _) in kinds {
        let tier = json!({
            "kind": kind, "key": "tier", "label": "Tier", "field_type": "choice",
            "options": ["Gold", "Silver"], "required": true, "default_value": "Silver"
        });
        let made = t.post("/api/v1/fields", &admin, tier).await;
        assert_eq!(made.status, 201, "{kind}: {}", made.text);
        let tags = json!({
            "kind": kind, "key": "tags", "label": "Tags", "field_type": "multi_choice",
            "options": ["VIP", "Partner", "Reseller"], "default_value": "VIP, Reseller"
        });
        let made = t.post("/api/v1/fields", &admin, tags).await;
        assert_eq!(made.status, 201, "{kind}: {}", made.text);
    }
    let cookie = crate::auth::page_session(&t, ADMIN_PHONE).await;
    for (kind, path) in kinds {
        let (status, html) = page(&t, &cookie, path, "en").await;
        assert_eq!(status, 200, "{kind}: {html}");
        assert!(
            html.contains(r#"<option value="Silver" selected>"#),
            "{kind}: the default is chosen: {html}"
        );
        for (option, ticked) in [("VIP", true), ("Partner", false), ("Reseller", true)] {
            let input = format!(r#"<input type="checkbox" name="custom.tags" value="{option}""#);
            assert!(html.contains(&input), "{kind}: a box per option: {html}");
            let checked = format!(r#"{input} checked>"#);
            assert_eq!(html.contains(&checked), ticked, "{kind} {option}: {html}");
        }
    }

    // The boxes ticked are saved; ticking none clears the field.
    let csrf = crate::auth::page_csrf(&t, &cookie).await;
    let form = format!(
        "_csrf={csrf}&name=Ticked+Co&owner_id=1&custom.tier=Gold&custom.tags=&custom.tags=Partner&custom.tags=VIP"
    );
    let (status, location) = crate::helpers::post_form(&t, &cookie, "/customers", form).await;
    assert_eq!(status, 303, "{location}");
    let id: i64 = location
        .trim_start_matches("/customers/")
        .split(['?', '/'])
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{location}"));
    let read = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert_eq!(
        read.body["custom"]["tags"],
        json!(["Partner", "VIP"]),
        "{}",
        read.text
    );
    let (_, html) = page(&t, &cookie, &format!("/customers/{id}/edit"), "en").await;
    assert!(
        html.contains(r#"value="Partner" checked>"#)
            && !html.contains(r#"value="Reseller" checked>"#),
        "{html}"
    );
    let version = read.body["version"].as_i64().expect("version");
    let form = format!(
        "_csrf={csrf}&name=Ticked+Co&owner_id=1&version={version}&custom.tier=Gold&custom.tags="
    );
    let (status, location) =
        crate::helpers::post_form(&t, &cookie, &format!("/customers/{id}"), form).await;
    assert_eq!(status, 303, "{location}");
    let read = t.get(&format!("/api/v1/customers/{id}"), &admin).await;
    assert!(read.body["custom"]["tags"].is_null(), "{}", read.text);
}

#[tokio::test]
async fn a_pool_member_reads_and_claims_a_waiting_customer_and_writes_on_it_after_the_claim() {
    use crate::pool_fixtures::{first_pool, owned_customer, release, rep, top_department};
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let role = t
        .role(
            &admin,
            "pool writer",
            &[
                "customer.view",
                "customer.create",
                "customer.edit",
                "contact.view",
                "contact.create",
                "follow_up.create",
                "pool.view",
                "pool.claim",
            ],
            json!({ "customer": { "scope": "own" }, "contact": { "scope": "own" } }),
        )
        .await;
    let top = top_department(&t, &admin).await;
    let (_, member) = rep(&t, &admin, "0962110002", top, role).await;
    let pool = first_pool(&t, &admin).await;
    let waiting = owned_customer(&t, &admin, json!({ "name": "Waiting Co" })).await;
    release(&t, &admin, waiting, Some(pool)).await;

    let read = t
        .get(&format!("/api/v1/customers/{waiting}"), &member)
        .await;
    assert_eq!(read.status, 200, "a member reads it: {}", read.text);
    let follow_up = json!({ "content": "Called them" });
    let refused = t
        .post(
            &format!("/api/v1/customers/{waiting}/follow-ups"),
            &member,
            follow_up.clone(),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "pool_claim_first");
    assert!(refused.text.contains("claim it first"), "{}", refused.text);
    let contact = json!({ "name": "王小姐", "customer_id": waiting });
    let refused = t.post("/api/v1/contacts", &member, contact.clone()).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "pool_claim_first");
    assert!(refused.text.contains("claim it first"), "{}", refused.text);
    let refused = t
        .patch(
            &format!("/api/v1/customers/{waiting}"),
            &member,
            json!({ "name": "Mine Now Co" }),
        )
        .await;
    assert_eq!(refused.status, 409, "an edit too: {}", refused.text);
    assert_eq!(refused.body["code"], "pool_claim_first");
    // The record page offers neither until the claim.
    let cookie = crate::auth::page_session(&t, "0962110002").await;
    let (status, html) = page(&t, &cookie, &format!("/customers/{waiting}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        !html.contains(&format!("action=\"/customers/{waiting}/follow-ups?")),
        "{html}"
    );
    // It offers the claim instead, and its edit page says to claim first.
    assert!(html.contains("data-claim"), "{html}");
    assert!(
        html.contains(&format!("name=\"pool_id\" value=\"{pool}\"")),
        "{html}"
    );
    let edit = format!("/customers/{waiting}/edit");
    let (status, html) = page(&t, &cookie, &edit, "en").await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("claim it first"), "{html}");

    let claimed = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &member,
            json!({ "ids": [waiting] }),
        )
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    let written = t
        .post(
            &format!("/api/v1/customers/{waiting}/follow-ups"),
            &member,
            follow_up,
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let added = t.post("/api/v1/contacts", &member, contact).await;
    assert_eq!(added.status, 201, "{}", added.text);
}
