//! Records as a new user meets them: a claim names a customer already
//! theirs or taken before any limit; list filters name their field;
//! dates of team members read as next-contact dates; the phone rule
//! names what it takes; a save that changes nothing succeeds; a required
//! field sent empty is refused; the pool shows a mobile; long phones wrap.

use axum::http::StatusCode;
use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{TestApp, post_form, urlencode};
use crate::pool_fixtures::{
    change_pool, first_pool, owned_customer, release, rep, rep_role, top_department,
};

#[tokio::test]
async fn a_claim_names_a_customer_already_yours_or_taken_before_the_daily_limit() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        pool,
        json!({ "rules": { "limits": { "per_day": 1 } } }),
    )
    .await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (_, first) = rep(&t, &admin, "0982100001", top, role).await;
    let (_, second) = rep(&t, &admin, "0982100002", top, role).await;
    let wanted = owned_customer(&t, &admin, json!({ "name": "Wanted" })).await;
    let other = owned_customer(&t, &admin, json!({ "name": "Other" })).await;
    release(&t, &admin, wanted, Some(pool)).await;
    release(&t, &admin, other, Some(pool)).await;
    let claim = format!("/api/v1/pools/{pool}/claim");

    let claimed = t.post(&claim, &first, json!({ "ids": [wanted] })).await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    // The same claim again: already theirs, not a limit.
    let again = t.post(&claim, &first, json!({ "ids": [wanted] })).await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.body["errors"][0]["code"], "claim_owned");
    // The second rep uses their day's claim, then asks for the taken one:
    // someone else took it first.
    let used = t.post(&claim, &second, json!({ "ids": [other] })).await;
    assert_eq!(used.status, 200, "{}", used.text);
    let taken = t.post(&claim, &second, json!({ "ids": [wanted] })).await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    assert_eq!(taken.body["code"], "customer_taken");
    // The limit still holds for one still waiting.
    let third = owned_customer(&t, &admin, json!({ "name": "Third" })).await;
    release(&t, &admin, third, Some(pool)).await;
    let over = t
        .post(&claim, &first, json!({ "ids": [wanted, third] }))
        .await;
    assert_eq!(over.status, 409, "{}", over.text);
    assert_eq!(over.body["code"], "claim_limit_day");

    // On the customer's page a refused claim leads back to the pool's
    // list when the customer is no longer theirs to see.
    let cookie = page_session(&t, "0982100002").await;
    let csrf = page_csrf(&t, &cookie).await;
    let back = urlencode(&format!("/customers/{wanted}"));
    let form = format!("_csrf={csrf}&pool_id={pool}&ids={wanted}&back={back}");
    let (status, html) = post_form(&t, &cookie, "/pool/claim", form).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(
        html.contains(&format!("href=\"/pool?pool={pool}\"")),
        "{html}"
    );
    assert!(
        !html.contains(&format!("href=\"/customers/{wanted}\"")),
        "{html}"
    );
    // One they still see keeps the way back to its page.
    let cookie = page_session(&t, "0982100001").await;
    let csrf = page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&pool_id={pool}&ids={wanted}&back={back}");
    let (status, html) = post_form(&t, &cookie, "/pool/claim", form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains(&format!("href=\"/customers/{wanted}\"")),
        "{html}"
    );
}

/// A GET of the API in `lang`.
async fn get_in(t: &TestApp, path: &str, token: &str, lang: &str) -> crate::helpers::Answer {
    let request = axum::http::Request::builder()
        .uri(path)
        .header(axum::http::header::ACCEPT_LANGUAGE, lang)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .expect("request");
    t.send(request).await
}

fn first_message(answer: &crate::helpers::Answer) -> String {
    answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_refused_list_condition_names_its_field_and_conditions_in_the_users_language() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let on_mobile = urlencode(r#"[{"field":"mobile","op":"today"}]"#);
    let on_next = urlencode(r#"[{"field":"next_contact_at","op":"contains","value":"x"}]"#);
    let mobile = format!("/api/v1/customers?filter={on_mobile}");
    let next = format!("/api/v1/customers?filter={on_next}");

    let refused = get_in(&t, &mobile, &admin, "en").await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "filters.0");
    let message = first_message(&refused);
    assert!(message.starts_with("Mobile does not take"), "{message}");
    assert!(
        message.contains(
            "contains (contains), is (equals), is empty (is_empty), is not empty (not_empty)"
        ),
        "{message}"
    );
    assert!(!message.contains("Filter"), "{message}");

    let refused = get_in(&t, &mobile, &admin, "zh-Hant").await;
    let message = first_message(&refused);
    assert!(message.contains("「手機」"), "{message}");
    assert!(!message.contains("篩選條件"), "{message}");
    assert!(
        message.contains("包含 (contains)、是 (equals)、為空 (is_empty)、不為空 (not_empty)"),
        "{message}"
    );

    let refused = get_in(&t, &next, &admin, "zh-Hant").await;
    let message = first_message(&refused);
    assert!(message.contains("「下次聯繫時間」"), "{message}");
    assert!(
        message.contains("是今天 (today)、昨天 (yesterday)、在本週 (this_week)"),
        "{message}"
    );
    for key in [
        "today",
        "yesterday",
        "this_week",
        "last_year",
        "is_empty",
        "passed",
    ] {
        assert!(message.contains(&format!("({key})")), "{key}: {message}");
    }
    let refused = get_in(&t, &next, &admin, "zh-Hans").await;
    let message = first_message(&refused);
    assert!(message.contains("下次联系时间"), "{message}");
    assert!(message.contains("(this_week)"), "{message}");
    for lead_or_contact in ["leads", "contacts"] {
        let path = format!("/api/v1/{lead_or_contact}?filter={on_mobile}");
        let refused = get_in(&t, &path, &admin, "en").await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert!(
            first_message(&refused).starts_with("Mobile"),
            "{}",
            refused.text
        );
    }
}

#[tokio::test]
async fn a_team_members_last_day_is_read_as_a_customers_dates_are() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (member, _) = rep(&t, &admin, "0982100011", top, role).await;
    let customer = owned_customer(&t, &admin, json!({ "name": "Shared" })).await;
    let team = format!("/api/v1/customers/{customer}/team");

    let missing = t
        .post(
            &team,
            &admin,
            json!({ "user_id": member, "expires_on": "2027-02-30" }),
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert_eq!(missing.body["errors"][0]["field"], "expires_on");
    assert_eq!(missing.body["errors"][0]["code"], "date_invalid");
    let message = first_message(&missing);
    assert!(
        message.contains("is not a date that exists") && message.contains("2024-01-05"),
        "{message}"
    );
    let unreadable = t
        .post(
            &team,
            &admin,
            json!({ "user_id": member, "expires_on": "soon" }),
        )
        .await;
    assert_eq!(unreadable.status, 422, "{}", unreadable.text);
    assert_eq!(unreadable.body["errors"][0]["code"], "date_unreadable");
    assert!(
        !unreadable.text.contains("wrong kind"),
        "{}",
        unreadable.text
    );

    let slashes = t
        .post(
            &team,
            &admin,
            json!({ "user_id": member, "expires_on": "2027/03/01" }),
        )
        .await;
    assert_eq!(slashes.status, 204, "{}", slashes.text);
    let detail = t
        .get(&format!("/api/v1/customers/{customer}"), &admin)
        .await;
    assert!(detail.text.contains("2027-03-01"), "{}", detail.text);
    // The same on the other kinds' teams.
    let lead = t
        .post("/api/v1/leads", &admin, json!({ "name": "Shared lead" }))
        .await;
    let lead = lead.body["id"].as_i64().expect("lead");
    let path = format!("/api/v1/leads/{lead}/team");
    let refused = t
        .post(
            &path,
            &admin,
            json!({ "user_id": member, "expires_on": "2027-02-30" }),
        )
        .await;
    assert_eq!(
        refused.body["errors"][0]["code"], "date_invalid",
        "{}",
        refused.text
    );
    let kept = t
        .post(
            &path,
            &admin,
            json!({ "user_id": member, "expires_on": "2027/03/01" }),
        )
        .await;
    assert_eq!(kept.status, 204, "{}", kept.text);
}

#[tokio::test]
async fn the_phone_rule_names_parentheses_and_extensions() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let refused = t
        .post(
            "/api/v1/customers",
            &admin,
            json!({ "name": "Bad phone", "phone": "12" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = first_message(&refused);
    assert!(
        message.contains("parentheses") && message.contains("extension"),
        "{message}"
    );
    for phone in ["(02)2345-6789#123", "02-2345-6789 轉 12"] {
        let made = t
            .post(
                "/api/v1/customers",
                &admin,
                json!({ "name": phone, "phone": phone }),
            )
            .await;
        assert_eq!(made.status, 201, "{phone}: {}", made.text);
    }
}

#[tokio::test]
async fn an_edit_that_changes_nothing_on_a_newer_version_answers_the_stored_record() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = owned_customer(
        &t,
        &admin,
        json!({ "name": "Same", "mobile": "0912555001" }),
    )
    .await;
    let path = format!("/api/v1/customers/{customer}");
    let saved = t
        .patch(
            &path,
            &admin,
            json!({ "version": 1, "mobile": "0912555009" }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["version"], 2);
    // Sent again on the old version: nothing to save, the stored record.
    let again = t
        .patch(
            &path,
            &admin,
            json!({ "version": 1, "mobile": "0912555009" }),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["version"], 2);
    assert_eq!(again.body["mobile"], "0912555009");
    // A field that differs is still a conflict, naming it.
    let stale = t
        .patch(
            &path,
            &admin,
            json!({ "version": 1, "mobile": "0912555010" }),
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    assert_eq!(stale.body["changes"][0]["field"], "mobile");

    // Leads, contacts and opportunities, edited by PUT, alike.
    let lead = t
        .post("/api/v1/leads", &admin, json!({ "name": "Lead" }))
        .await;
    let contact = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({ "name": "Contact", "customer_id": customer }),
        )
        .await;
    let deal = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Deal", "customer_id": customer }),
        )
        .await;
    for (kind, made) in [
        ("leads", lead),
        ("contacts", contact),
        ("opportunities", deal),
    ] {
        assert_eq!(made.status, 201, "{kind}: {}", made.text);
        let id = made.body["id"].as_i64().expect("id");
        let path = format!("/api/v1/{kind}/{id}");
        let version = made.body["version"].as_i64().expect("version");
        let first = t
            .put(
                &path,
                &admin,
                json!({ "version": version, "notes": "Called" }),
            )
            .await;
        assert_eq!(first.status, 200, "{kind}: {}", first.text);
        let again = t
            .put(
                &path,
                &admin,
                json!({ "version": version, "notes": "Called" }),
            )
            .await;
        assert_eq!(again.status, 200, "{kind}: {}", again.text);
        assert_eq!(again.body["version"], first.body["version"], "{kind}");
        let stale = t
            .put(
                &path,
                &admin,
                json!({ "version": version, "notes": "Other" }),
            )
            .await;
        assert_eq!(stale.status, 409, "{kind}: {}", stale.text);
    }
}

#[tokio::test]
async fn a_name_sent_empty_is_refused_on_every_kind() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let customer = owned_customer(&t, &admin, json!({ "name": "Named" })).await;
    let path = format!("/api/v1/customers/{customer}");
    let refused = t.patch(&path, &admin, json!({ "name": null })).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "name");
    assert_eq!(refused.body["errors"][0]["code"], "required");
    let kept = t.get(&path, &admin).await;
    assert_eq!(kept.body["name"], "Named");

    let lead = t
        .post("/api/v1/leads", &admin, json!({ "name": "Lead" }))
        .await;
    let contact = t
        .post(
            "/api/v1/contacts",
            &admin,
            json!({ "name": "Contact", "customer_id": customer }),
        )
        .await;
    let deal = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Deal", "customer_id": customer }),
        )
        .await;
    for (kind, made) in [
        ("leads", lead),
        ("contacts", contact),
        ("opportunities", deal),
    ] {
        let id = made.body["id"].as_i64().expect("id");
        let path = format!("/api/v1/{kind}/{id}");
        let refused = t.put(&path, &admin, json!({ "name": null })).await;
        assert_eq!(refused.status, 422, "{kind}: {}", refused.text);
        assert_eq!(
            refused.body["errors"][0]["field"], "name",
            "{kind}: {}",
            refused.text
        );
        assert_eq!(
            refused.body["errors"][0]["code"], "required",
            "{kind}: {}",
            refused.text
        );
    }
}

#[tokio::test]
async fn the_pool_list_shows_a_mobile_where_there_is_no_phone() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let pool = first_pool(&t, &admin).await;
    let only_mobile = owned_customer(
        &t,
        &admin,
        json!({ "name": "Mobile only", "mobile": "0912555321" }),
    )
    .await;
    let both = owned_customer(
        &t,
        &admin,
        json!({ "name": "Both", "phone": "02-2345-6789", "mobile": "0912555654" }),
    )
    .await;
    release(&t, &admin, only_mobile, Some(pool)).await;
    release(&t, &admin, both, Some(pool)).await;
    let cookie = page_session(&t, crate::helpers::ADMIN_PHONE).await;
    let (status, html) =
        crate::helpers::page(&t, &cookie, &format!("/pool?pool={pool}"), "en").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("0912555321"), "{html}");
    assert!(
        html.contains("02-2345-6789") && !html.contains("0912555654"),
        "{html}"
    );
}
