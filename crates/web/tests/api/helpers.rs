//! The test app: a router over a fresh database, and requests against it.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use kuijing_service::clock::ManualClock;
use kuijing_service::{App, Settings};

use serde_json::{Value, json};
use tower::ServiceExt;

pub const ADMIN_PHONE: &str = "0900000001";
pub const PASSWORD: &str = "password-1";

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub clock: Arc<ManualClock>,
    /// What the app was opened with, to open it again.
    pub settings: Settings,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::new_in("en").await
    }

    /// A company that first starts in `locale` (`zh-Hant`, `zh-Hans`, `en`).
    pub async fn new_in(locale: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut settings = Settings {
            data_dir: dir.path().to_path_buf(),
            default_locale: locale.into(),
            ..Settings::default()
        };
        // A cheap hash keeps the tests fast; the cost is a setting, not a rule.
        settings.password.argon2_memory_kib = 64;
        settings.password.argon2_iterations = 1;
        let mut postgres = None;
        if let Ok(base) = std::env::var("KUIJING_TEST_DATABASE_URL") {
            let name = format!("kuijing_test_{}", uuid::Uuid::new_v4().simple());
            let admin = sqlx::PgPool::connect(&base)
                .await
                .expect("postgres answers");
            sqlx::query(&format!("create database {name}"))
                .execute(&admin)
                .await
                .expect("create database");
            admin.close().await;
            let (prefix, _) = base.rsplit_once('/').expect("url with a database");
            settings.database_url = format!("{prefix}/{name}");
            postgres = Some((base, name));
        }
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("date"),
        ));
        let app = App::open_with_clock(settings.clone(), clock.clone())
            .await
            .expect("app opens");
        app.create_super_admin(ADMIN_PHONE, PASSWORD, "Admin")
            .await
            .expect("first admin");
        let router = kuijing_web::router(app.clone());
        Self {
            router,
            app,
            clock,
            settings,
            _dir: dir,
            postgres,
        }
    }

    /// Runs one SQL statement on the database beside the app, as an older
    /// version or an administrator by hand would have written it.
    pub async fn sql(&self, statement: &str) {
        let url = self.settings.database_url();
        if url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(&url).await.expect("postgres");
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect("statement");
            pool.close().await;
        } else {
            let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect("statement");
            pool.close().await;
        }
    }

    /// Starts the app again on the same database (migrations and the work
    /// done at start run again), as a restart of the server would.
    pub async fn restart(&mut self) {
        self.app.close().await;
        let app = App::open_with_clock(self.settings.clone(), self.clock.clone())
            .await
            .expect("app opens again");
        self.router = kuijing_web::router(app.clone());
        self.app = app;
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, "en");
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        };
        self.send(request.expect("request")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn try_login(&self, phone: &str, password: &str) -> Answer {
        let body = json!({ "phone": phone, "password": password });
        self.call(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await
    }

    pub async fn login(&self, phone: &str, password: &str) -> String {
        let answer = self.try_login(phone, password).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "login {phone}: {}",
            answer.text
        );
        answer.body["token"].as_str().expect("token").to_string()
    }

    pub async fn admin(&self) -> String {
        self.login(ADMIN_PHONE, PASSWORD).await
    }

    /// Creates a department under `parent` and answers its id.
    pub async fn department(&self, token: &str, name: &str, parent: i64) -> i64 {
        let answer = self
            .post(
                "/api/v1/departments",
                token,
                json!({ "name": name, "parent_id": parent }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.body["id"].as_i64().expect("id")
    }

    /// Creates a user and answers their id.
    pub async fn user(&self, token: &str, phone: &str, fields: Value) -> i64 {
        let mut body =
            json!({ "phone": phone, "password": PASSWORD, "name": format!("User {phone}") });
        if let (Some(body), Some(fields)) = (body.as_object_mut(), fields.as_object()) {
            body.extend(fields.clone());
        }
        let answer = self.post("/api/v1/users", token, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.body["id"].as_i64().expect("id")
    }

    /// Creates a custom role and answers its id.
    pub async fn role(&self, token: &str, name: &str, permissions: &[&str], scopes: Value) -> i64 {
        let body = json!({ "name": name, "permissions": permissions, "scopes": scopes });
        let answer = self.post("/api/v1/roles", token, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.body["id"].as_i64().expect("id")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((base, name)) = self.postgres.take() else {
            return;
        };
        // Dropping runs outside the test's runtime, on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async move {
                    if let Ok(admin) = sqlx::PgPool::connect(&base).await {
                        let _ =
                            sqlx::query(&format!("drop database if exists {name} with (force)"))
                                .execute(&admin)
                                .await;
                        admin.close().await;
                    }
                });
            }
        })
        .join();
    }
}

/// The row of a report answer with `key`, as column → value.
pub fn report_row(report: &Answer, key: &str) -> std::collections::HashMap<String, Value> {
    let columns: Vec<String> = report.body["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["key"].as_str().unwrap_or_default().to_string())
        .collect();
    let row = report.body["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == key))
        .unwrap_or_else(|| panic!("row {key}: {}", report.text));
    columns
        .into_iter()
        .zip(row["values"].as_array().expect("values").iter().cloned())
        .collect()
}

/// A CSV file imported through the API into `kind` (`customers`,
/// `contacts`, ...), answered in English.
pub async fn import_csv(t: &TestApp, token: &str, kind: &str, file: &str) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/{kind}/import?name=x.csv"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(file.as_bytes().to_vec()))
        .expect("request");
    t.send(request).await
}

/// The ids of the items of a list answer.
pub fn ids(answer: &Answer) -> Vec<i64> {
    answer.body["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

/// A page as a signed-in browser in `lang` gets it.
pub async fn page(t: &TestApp, cookie: &str, path: &str, lang: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang={lang}"))
        .body(Body::empty())
        .expect("request");
    let answer = t.send(request).await;
    (answer.status, answer.text)
}

/// A form posted from a page: the redirect's target, or the page shown.
pub async fn post_form(
    t: &TestApp,
    cookie: &str,
    path: &str,
    form: String,
) -> (StatusCode, String) {
    post_form_in(t, cookie, path, form, "en").await
}

/// As [`post_form`], from a page in `lang`.
pub async fn post_form_in(
    t: &TestApp,
    cookie: &str,
    path: &str,
    form: String,
    lang: &str,
) -> (StatusCode, String) {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang={lang}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let answer = t.send(request).await;
    let location = answer
        .headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    (answer.status, location.unwrap_or(answer.text))
}

/// A multipart form posted from a page (the composer with its files): the
/// redirect's target, or the page shown. The token goes first in the body,
/// as the page's form sends it.
pub async fn post_multipart(
    t: &TestApp,
    (cookie, csrf): (&str, &str),
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> (StatusCode, String) {
    let boundary = "kuijing-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in [("_csrf", csrf)].iter().chain(fields) {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("{cookie}; kj_lang=en"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request");
    let answer = t.send(request).await;
    let location = answer
        .headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    (answer.status, location.unwrap_or(answer.text))
}

/// Text for an address's query, percent-encoded.
pub fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
