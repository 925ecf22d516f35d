//! The pages' scripts in a real browser: Debian's Chromium driven through
//! chromedriver over WebDriver, against the router served on a local port.
//!
//! The browser is looked for at `/usr/bin/chromedriver` and `/usr/bin/chromium`
//! (or `KUIJING_CHROMEDRIVER`, `KUIJING_CHROMIUM`). Without them the test says
//! so and passes, unless `KUIJING_BROWSER_TESTS=required` (set by CI), where
//! a missing browser fails it.

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{ADMIN_PHONE, PASSWORD, TestApp};
use crate::sales_fixtures::{create, customer};

/// chromedriver on a port of its own, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool(variable: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    path.exists().then_some(path)
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free local port")
}

/// The browser, or `None` (with a word on stderr) where this machine has none
/// and the run does not require one.
async fn browser() -> Option<(Driver, Client)> {
    let required = std::env::var("KUIJING_BROWSER_TESTS").as_deref() == Ok("required");
    let (Some(driver), Some(chromium)) = (
        tool("KUIJING_CHROMEDRIVER", "/usr/bin/chromedriver"),
        tool("KUIJING_CHROMIUM", "/usr/bin/chromium"),
    ) else {
        assert!(!required, "chromium and chromedriver are required here");
        eprintln!("browser test skipped: no chromium/chromedriver on this machine");
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, port };
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en"],
        }),
    );
    let address = format!("http://127.0.0.1:{}", driver.port);
    // chromedriver takes a moment to listen.
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&address)
            .await
        {
            Ok(client) => return Some((driver, client)),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver did not answer on {address}");
}

/// Serves the test app's router on a local port and answers its address.
async fn serve(t: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let address = listener.local_addr().expect("address");
    let router = t.router.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// Waits for an element, with a failure that says which.
async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(element) => element,
        Err(error) => panic!("no {css} on {:?}: {error}", client.current_url().await),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scripts_of_the_pages_work_in_a_browser() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let buyer = customer(&t, &admin, "台灣積體電路製造股份有限公司").await;
    let deal = create(
        &t,
        &admin,
        "/api/v1/opportunities",
        json!({ "name": "Wafer deal", "customer_id": buyer, "amount": "1200" }),
    )
    .await;
    let Some((_driver, client)) = browser().await else {
        return;
    };
    let base = serve(&t).await;

    // Signing in through the page.
    client
        .goto(&format!("{base}/login"))
        .await
        .expect("login page");
    let phone = wait_for(&client, "input[name=phone]").await;
    phone.send_keys(ADMIN_PHONE).await.expect("phone typed");
    let password = wait_for(&client, "input[name=password]").await;
    password.send_keys(PASSWORD).await.expect("password typed");
    password.send_keys("\u{E007}").await.expect("enter");
    wait_for(&client, "[data-search-input]").await;

    // The duplicate hint while typing: half-width, no suffix, still found.
    client
        .goto(&format!("{base}/customers/new"))
        .await
        .expect("customer form");
    let name = wait_for(&client, "input[name=name]").await;
    name.send_keys("台灣積體電路製造")
        .await
        .expect("name typed");
    let hint = wait_for(&client, ".dup-hint li a").await;
    assert_eq!(
        hint.attr("href").await.expect("href").as_deref(),
        Some(format!("/customers/{buyer}").as_str())
    );

    // The top bar's search answers while typing.
    let search = wait_for(&client, "[data-search-input]").await;
    search.send_keys("積體電路").await.expect("search typed");
    let hit = wait_for(&client, "[data-search-results] a").await;
    assert_eq!(
        hit.attr("href").await.expect("href").as_deref(),
        Some(format!("/customers/{buyer}").as_str())
    );

    // A card dragged to the next stage on the board is saved as a board move.
    client
        .goto(&format!("{base}/opportunities/board"))
        .await
        .expect("board");
    wait_for(&client, &format!("[data-card='{deal}']")).await;
    let moved = client
        .execute(
            r#"
            const card = document.querySelector(`[data-card='${arguments[0]}']`);
            const from = card.closest('[data-stage]');
            const columns = Array.from(document.querySelectorAll('[data-board] [data-stage]'));
            const to = columns[columns.indexOf(from) + 1];
            const data = new DataTransfer();
            card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: data }));
            const list = to.querySelector('[data-drop]');
            list.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
            list.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
            card.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: data }));
            return Number(to.getAttribute('data-stage'));
            "#,
            vec![json!(deal)],
        )
        .await
        .expect("drag script")
        .as_i64()
        .expect("target stage");
    let mut saved = serde_json::Value::Null;
    for _ in 0..50 {
        saved = t
            .get(&format!("/api/v1/opportunities/{deal}"), &admin)
            .await
            .body;
        if saved["stage_id"] == moved {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(saved["stage_id"], moved, "{saved}");
    let history = saved["stage_history"].as_array().expect("history");
    assert_eq!(history.last().expect("a move")["via"], "board");
    let column = client
        .find(Locator::Css(&format!(
            "[data-stage='{moved}'] [data-card='{deal}']"
        )))
        .await;
    assert!(column.is_ok(), "the card sits in its new column");

    client.close().await.expect("browser closes");
}
