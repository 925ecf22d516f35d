//! A refused claim names the customer by its name, the pool page keeps the
//! ticks of a refused action, and marks the customers the user let go and
//! may claim again only from a day on.

use serde_json::json;

use crate::auth::{page_csrf, page_session};
use crate::helpers::{TestApp, page, post_form};
use crate::pool_fixtures::{
    change_pool, first_pool, owned_customer, release, rep, rep_role, top_department,
};

#[tokio::test]
async fn a_former_owner_is_told_by_name_and_sees_when_they_may_claim_again() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let top = top_department(&t, &admin).await;
    let role = rep_role(&t, &admin).await;
    let (_, token) = rep(&t, &admin, "0983000021", top, role).await;
    let pool = first_pool(&t, &admin).await;
    change_pool(
        &t,
        &admin,
        pool,
        json!({ "rules": { "reclaim_wait_days": 30 } }),
    )
    .await;
    let gone = owned_customer(&t, &token, json!({ "name": "Released Trading Co" })).await;
    let other = owned_customer(&t, &admin, json!({ "name": "Other Waiting Co" })).await;
    release(&t, &token, gone, Some(pool)).await;
    release(&t, &admin, other, Some(pool)).await;

    let refused = t
        .post(
            &format!("/api/v1/pools/{pool}/claim"),
            &token,
            json!({ "ids": [gone] }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("Released Trading Co"), "{message}");
    assert!(!message.contains(&format!("#{gone}")), "{message}");
    assert!(message.contains("2026-04-01"), "{message}");

    let cookie = page_session(&t, "0983000021").await;
    let (_, html) = page(&t, &cookie, &format!("/pool?pool={pool}"), "en").await;
    assert!(
        html.contains("You let it go; you may claim it again from 2026-04-01"),
        "{html}"
    );
    assert_eq!(html.matches("you may claim it again").count(), 1, "{html}");

    let csrf = page_csrf(&t, &cookie).await;
    let form = format!("_csrf={csrf}&pool_id={pool}&ids={gone}");
    let (status, html) = post_form(&t, &cookie, "/pool/claim", form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Customer Released Trading Co:"), "{html}");
    let ticked = format!("value=\"{gone}\" form=\"pool-batch\"");
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&ticked))
        .expect("the row");
    assert!(row.contains(" checked>"), "{row}");
    let untouched = html
        .split("<tr>")
        .find(|r| r.contains(&format!("value=\"{other}\" form=\"pool-batch\"")))
        .expect("the other row");
    assert!(!untouched.contains(" checked>"), "{untouched}");
}
