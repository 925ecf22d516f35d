//! Import and export from the pages: check, mapping, confirm.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::auth::{page_csrf, page_session};
use crate::helpers::{ADMIN_PHONE, TestApp};

#[tokio::test]
async fn an_upload_is_checked_shown_and_written_on_confirmation() {
    let t = TestApp::new().await;
    let cookie = page_session(&t, ADMIN_PHONE).await;
    let csrf = page_csrf(&t, &cookie).await;
    let get = |path: &str| {
        Request::builder()
            .uri(path)
            .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        t.send(get("/customers/import")).await.status,
        StatusCode::OK
    );

    let file = "公司名稱,總機電話,Fax\n頁面公司,(02)1234-5678,02-999\n";
    let boundary = "XBOUNDARYX";
    let body = |token: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duplicates\"\r\n\r\nskip\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        )
    };
    let upload = |token: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/customers/import")
            .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body(token)))
            .expect("request")
    };
    assert_eq!(t.send(upload("forged")).await.status, StatusCode::FORBIDDEN);
    let checked = t.send(upload(&csrf)).await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
    assert!(checked.text.contains("Checked"), "{}", checked.text);
    assert!(checked.text.contains("頁面公司"));
    let admin = t.admin().await;
    assert_eq!(
        t.get("/api/v1/customers", &admin).await.body["total"],
        0,
        "a check writes nothing"
    );

    let marker = "name=\"upload\" value=\"";
    let start = checked.text.find(marker).expect("upload token") + marker.len();
    let upload_token = checked.text[start..]
        .split('"')
        .next()
        .expect("token")
        .to_string();
    let form = format!(
        "_csrf={csrf}&upload={upload_token}&format=csv&duplicates=skip&head.1=%E5%85%AC%E5%8F%B8%E5%90%8D%E7%A8%B1&map.1=name&head.2=%E7%B8%BD%E6%A9%9F%E9%9B%BB%E8%A9%B1&map.2=phone&head.3=Fax&map.3="
    );
    let confirm = Request::builder()
        .method(Method::POST)
        .uri("/customers/import/confirm")
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let done = t.send(confirm).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let list = t.get("/api/v1/customers", &admin).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["phone"], "(02)1234-5678");

    let export = t
        .send(get("/customers/export?format=csv&q=%E9%A0%81%E9%9D%A2"))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.text.contains("頁面公司"));
}
