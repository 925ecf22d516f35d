//! A date written in no form the product reads is told so, with the forms
//! it reads; one of a known form that does not exist keeps "does not
//! exist"; Chinese dates (`2024年1月5日`, ROC `113年1月5日`) import.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, urlencode};

async fn import(t: &TestApp, token: &str, query: &str, csv: &str) -> crate::helpers::Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/customers/import?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(csv.as_bytes().to_vec()))
        .expect("request");
    let answer = t.send(request).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer
}

fn codes(body: &Value) -> Vec<String> {
    body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["code"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn unread_dates_name_the_forms_read_and_chinese_dates_import() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field =
        json!({ "kind": "customer", "key": "founded", "label": "Founded", "field_type": "date" });
    assert_eq!(t.post("/api/v1/fields", &admin, field).await.status, 201);

    let csv = "Name,Founded\n\
               Western Date Co,2024年1月5日\n\
               Roc Date Co,113年1月5日\n\
               Zero Co,0\n\
               Day First Co,01012024\n\
               Leap Co,2024-02-30\n";
    let done = import(&t, &admin, "partial=true", csv).await.body;
    assert_eq!(done["created"], 2, "{done}");
    assert_eq!(
        codes(&done),
        vec!["date_unreadable", "date_unreadable", "date_invalid"],
        "{done}"
    );
    let bad = "Name,Founded\nZero Co,0\nLeap Co,2024-02-30\n";
    let report = import(&t, &admin, "report=csv", bad).await.text;
    assert!(
        report.contains("is not written in a date form this product reads")
            && report.contains("2024年1月5日")
            && report.contains("113/01/05"),
        "{report}"
    );
    assert!(report.contains("is not a date that exists"), "{report}");
    for name in ["Western%20Date%20Co", "Roc%20Date%20Co"] {
        let found = t.get(&format!("/api/v1/customers?q={name}"), &admin).await;
        assert_eq!(
            found.body["items"][0]["custom"]["founded"], "2024-01-05",
            "{}",
            found.text
        );
    }

    // A filter on the date field: an unread end is told apart from a day
    // that does not exist.
    for (from, said) in [
        ("01012024", "the start is not written as a date"),
        ("2024-02-30", "the start is not a date that exists"),
    ] {
        let filter =
            json!([{ "field": "custom.founded", "op": "between", "value": { "from": from } }]);
        let answer = t
            .get(
                &format!(
                    "/api/v1/customers?filter={}",
                    urlencode(&filter.to_string())
                ),
                &admin,
            )
            .await;
        assert_eq!(answer.status, 422, "{}", answer.text);
        let message = answer.body["errors"][0]["message"]
            .as_str()
            .expect("message");
        assert!(message.contains(said), "{from}: {message}");
    }
}
