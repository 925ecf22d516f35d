//! "Save over" after a save met a newer version keeps what only the other
//! person changed: the form shown again holds their value for every field
//! the user left as it was, and the user's own for fields both changed.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp, page, post_form};
use crate::record_fixtures::{custom_field, made};
use crate::sales_pages_more::{encode, form_fields};

/// The rows of one table of the box (`conflict-both` or `conflict-kept`),
/// each as its cells' texts.
fn box_rows(html: &str, table: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find(&format!(" {table}\"")) else {
        return Vec::new();
    };
    let table = &html[start..];
    let table = &table[..table.find("</table>").expect("table end")];
    let body = &table[table.find("<tbody>").expect("tbody")..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            // The text after each tag, cell by cell.
            row.split('<')
                .filter_map(|part| part.split_once('>').map(|(_, text)| text))
                .filter(|text| !text.trim().is_empty())
                .map(|text| html_escape::decode_html_entities(text).into_owned())
                .collect()
        })
        .collect()
}

/// The value the form holds for `name` (its first, for repeated names).
fn held(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// All values the form holds for `name`, in order.
fn all_held(fields: &[(String, String)], name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Sets the form's field `name` as the user types it.
fn typed(fields: &mut [(String, String)], name: &str, value: &str) {
    let field = fields
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    field.1 = value.to_string();
}

/// The user's edit form of `path` as a browser holds it when opened.
async fn opened(t: &TestApp, cookie: &str, path: &str) -> Vec<(String, String)> {
    let (status, html) = page(t, cookie, &format!("{path}/edit"), "en").await;
    assert_eq!(status, StatusCode::OK, "{path}");
    form_fields(&html, &format!("{path}\""))
}

#[tokio::test]
async fn saving_over_a_customer_keeps_what_only_the_other_person_changed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "customer", "tier", "text").await;
    let id = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Acme", "phone": "02-1111-1111", "notes": "first",
                "custom": { "tier": "Silver" } }),
    )
    .await;
    let path = format!("/customers/{id}");
    let api = format!("/api/v1/customers/{id}");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let mut form = opened(&t, &cookie, &path).await;
    typed(&mut form, "_csrf", &csrf);

    // The other person changes the phone and the tier, and the notes.
    let theirs = t
        .patch(
            &api,
            &admin,
            json!({ "phone": "02-2222-2222", "notes": "their note",
                    "custom": { "tier": "Gold" }, "version": 1 }),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);

    // The user changes the tax id, and the notes too.
    typed(&mut form, "tax_id", "12345675");
    typed(&mut form, "notes", "my note");
    let (status, html) = post_form(&t, &cookie, &path, encode(&form)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert_eq!(
        box_rows(&html, "conflict-both"),
        vec![vec!["Notes", "their note", "my note"]],
        "a field both changed shows both values"
    );
    assert_eq!(
        box_rows(&html, "conflict-kept"),
        vec![vec!["Phone", "02-2222-2222"], vec!["TIER", "Gold"]],
        "fields only they changed are kept as theirs"
    );
    assert!(html.contains("Only they changed these"), "{html}");
    assert!(html.contains("You both changed these"), "{html}");

    let again = form_fields(&html, &format!("{path}\""));
    assert_eq!(held(&again, "phone"), "02-2222-2222", "their phone");
    assert_eq!(held(&again, "custom.tier"), "Gold", "their tier");
    assert_eq!(held(&again, "tax_id"), "12345675", "the user's tax id");
    assert_eq!(held(&again, "notes"), "my note", "the user's notes");
    assert_eq!(held(&again, "name"), "Acme");

    // Save over: the form as the page holds it now.
    let mut over = again.clone();
    over.push(("_over".into(), "1".into()));
    let (status, location) = post_form(&t, &cookie, &path, encode(&over)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let stored = t.get(&api, &admin).await;
    assert_eq!(stored.body["phone"], "02-2222-2222", "{}", stored.text);
    assert_eq!(stored.body["custom"]["tier"], "Gold", "{}", stored.text);
    assert_eq!(stored.body["tax_id"], "12345675", "{}", stored.text);
    assert_eq!(stored.body["notes"], "my note", "{}", stored.text);
    assert_eq!(stored.body["name"], "Acme");
}

/// The product lines of an opportunity as the API answers them:
/// (product, quantity, price).
fn lines(body: &Value) -> Vec<(Value, Value, Value)> {
    body["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["product_id"].clone(),
                l["quantity"].clone(),
                l["price"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn saving_over_an_opportunity_keeps_their_product_lines_and_the_users_own_change() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    custom_field(&t, &admin, "opportunity", "region", "text").await;
    let customer = made(
        &t,
        &admin,
        "/api/v1/customers",
        json!({ "name": "Deal Co" }),
    )
    .await;
    let router = made(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Router", "code": "R-1", "price": "100" }),
    )
    .await;
    let switch = made(
        &t,
        &admin,
        "/api/v1/products",
        json!({ "name": "Switch", "code": "S-1", "price": "40" }),
    )
    .await;
    let created = t
        .post(
            "/api/v1/opportunities",
            &admin,
            json!({ "name": "Deal", "customer_id": customer,
                    "lines": [{ "product_id": router, "quantity": "1" }] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_i64().expect("id");
    let path = format!("/opportunities/{id}");
    let api = format!("/api/v1/opportunities/{id}");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let mut form = opened(&t, &cookie, &path).await;
    typed(&mut form, "_csrf", &csrf);

    // The other person adds a line, sets the region and renames the deal.
    let theirs = t
        .put(
            &api,
            &admin,
            json!({
                "name": "Deal (theirs)", "customer_id": customer,
                "pipeline_id": created.body["pipeline_id"], "stage_id": created.body["stage_id"],
                "lines": [
                    { "product_id": router, "quantity": "3" },
                    { "product_id": switch, "quantity": "2", "price": "35" }
                ],
                "custom": { "region": "North" },
                "version": 1
            }),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    let their_lines = lines(&theirs.body);
    assert_eq!(their_lines.len(), 2);

    // The user sets the expected close and renames the deal too.
    typed(&mut form, "expected_close_on", "2030-01-31");
    typed(&mut form, "name", "Deal (mine)");
    let (status, html) = post_form(&t, &cookie, &path, encode(&form)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert_eq!(
        box_rows(&html, "conflict-both"),
        vec![vec!["Name", "Deal (theirs)", "Deal (mine)"]]
    );
    let kept = box_rows(&html, "conflict-kept");
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept[0][1].contains("Router × 3 @ 100.00") && kept[0][1].contains("Switch × 2 @ 35.00"),
        "their lines by product name: {kept:?}"
    );
    assert_eq!(kept[1], vec!["REGION", "North"]);

    let again = form_fields(&html, &format!("{path}\""));
    assert_eq!(held(&again, "expected_close_on"), "2030-01-31");
    assert_eq!(held(&again, "name"), "Deal (mine)");
    assert_eq!(held(&again, "custom.region"), "North");
    let products: Vec<String> = all_held(&again, "line_product")
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(products, vec![router.to_string(), switch.to_string()]);
    assert_eq!(&all_held(&again, "line_quantity")[..2], ["3", "2"]);
    assert_eq!(all_held(&again, "line_price")[1], "35.00");

    let mut over = again.clone();
    over.push(("_over".into(), "1".into()));
    let (status, location) = post_form(&t, &cookie, &path, encode(&over)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let stored = t.get(&api, &admin).await;
    assert_eq!(lines(&stored.body), their_lines, "their lines are kept");
    assert_eq!(stored.body["custom"]["region"], "North");
    assert_eq!(stored.body["expected_close_on"], "2030-01-31");
    assert_eq!(
        stored.body["name"], "Deal (mine)",
        "both changed: the user's"
    );
}

#[tokio::test]
async fn the_box_speaks_each_language_and_a_form_without_what_was_read_takes_nothing() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let id = made(
        &t,
        &admin,
        "/api/v1/leads",
        json!({ "name": "Lead A", "phone": "02-1111-2222" }),
    )
    .await;
    let path = format!("/leads/{id}");
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let mut form = opened(&t, &cookie, &path).await;
    typed(&mut form, "_csrf", &csrf);
    let theirs = t
        .put(
            &format!("/api/v1/leads/{id}"),
            &admin,
            json!({ "name": "Lead A", "phone": "02-1111-2222", "email": "new@acme.tw", "version": 1 }),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);

    // Without `_read`, nothing tells what the user left: every difference
    // is theirs beside the user's, and the form keeps what was sent.
    let blind: Vec<(String, String)> = form.iter().filter(|(n, _)| n != "_read").cloned().collect();
    let (status, html) = post_form(&t, &cookie, &path, encode(&blind)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        box_rows(&html, "conflict-both"),
        vec![vec!["E-mail", "new@acme.tw", "—"]]
    );
    assert!(box_rows(&html, "conflict-kept").is_empty());
    assert_eq!(held(&form_fields(&html, &format!("{path}\"")), "email"), "");

    // With it, the e-mail is theirs, in each language.
    for (lang, kept) in [
        ("zh-Hant", "這些欄位只有對方改過"),
        ("zh-Hans", "这些字段只有对方改过"),
        ("en", "Only they changed these"),
    ] {
        let request = axum::http::Request::builder()
            .method(axum::http::Method::POST)
            .uri(&path)
            .header(
                axum::http::header::COOKIE,
                format!("{cookie}; kj_lang={lang}"),
            )
            .header(
                axum::http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(axum::body::Body::from(encode(&form)))
            .expect("request");
        let answer = t.send(request).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{lang}");
        assert!(answer.text.contains(kept), "{lang}: {}", answer.text);
        assert_eq!(
            held(&form_fields(&answer.text, &format!("{path}\"")), "email"),
            "new@acme.tw",
            "{lang}"
        );
    }
}
