//! `kuijing bench`: loads a large company into an empty database and
//! measures what users wait for, through the same router the server
//! serves (lists, search, the dashboard, reports, a record page), as the
//! administrator, a manager and a rep. It reports latencies and the
//! process's peak memory; it is a measure, not a test, and fails nothing.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kuijing_service::App;
use kuijing_service::SessionKind;
use kuijing_service::demo::DEMO_PASSWORD;
use tower::ServiceExt;

/// What one request of the benchmark asks, and as whom.
struct Probe {
    name: &'static str,
    who: usize,
    path: String,
}

/// The period every figure reads: the demo's years.
const YEARS: &str = "period=custom&from=2016-01-01&to=2017-12-31";

pub async fn run(app: App, customers: usize, rounds: usize) -> Result<()> {
    let started = Instant::now();
    let demo = match app.load_demo().await {
        Ok(report) => report,
        Err(kuijing_service::ServiceError::Refused { .. }) => {
            return Err(anyhow!(
                "the benchmark loads its company into an empty database; point \
                 KUIJING_DATA_DIR (or KUIJING_DATABASE_URL) at a new one"
            ));
        }
        Err(error) => return Err(anyhow!("{error}")),
    };
    let filled = app
        .fill_for_benchmark(customers)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let load = started.elapsed();
    println!(
        "Loaded the demo company and {} more customers ({} follow-ups, {} contracts, {} payments) in {:.1} s",
        filled.customers,
        filled.follow_ups,
        filled.contracts,
        filled.payments,
        load.as_secs_f64()
    );

    let phone_of = |role: &str| {
        demo.users
            .iter()
            .find(|u| u.role == role)
            .map(|u| u.phone.clone())
    };
    let phones = [
        phone_of("super_admin"),
        phone_of("sales_manager"),
        phone_of("sales_rep"),
    ];
    let mut tokens = Vec::new();
    for phone in phones.iter() {
        let phone = phone
            .clone()
            .context("the demo has an administrator, a manager and a rep")?;
        let signed = app
            .sign_in(&phone, DEMO_PASSWORD, SessionKind::Token, "bench")
            .await
            .map_err(|e| anyhow!("{e}"))?;
        tokens.push(signed.secret);
    }
    let router = kuijing_web::router(app.clone());

    let probes = probes();
    println!();
    println!(
        "{:<38} {:>9} {:>9} {:>9}   ({rounds} rounds each)",
        "request", "p50 ms", "p95 ms", "max ms"
    );
    for probe in &probes {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let (took, status) = timed(&router, &tokens[probe.who], &probe.path).await?;
            if status != StatusCode::OK {
                return Err(anyhow!("{} answered {status}", probe.path));
            }
            times.push(took);
        }
        times.sort();
        let at = |q: f64| {
            let index = ((times.len() as f64 - 1.0) * q).round() as usize;
            times[index].as_secs_f64() * 1000.0
        };
        println!(
            "{:<38} {:>9.1} {:>9.1} {:>9.1}",
            probe.name,
            at(0.5),
            at(0.95),
            at(1.0)
        );
    }
    println!();
    match peak_memory_kb() {
        Some(kb) => println!("peak memory (resident): {} MB", kb / 1024),
        None => println!("peak memory: not readable on this system"),
    }
    app.close().await;
    Ok(())
}

fn probes() -> Vec<Probe> {
    let probe = |name, who, path: &str| Probe {
        name,
        who,
        path: path.to_string(),
    };
    vec![
        probe(
            "customer list, first page (admin)",
            0,
            "/api/v1/customers?limit=20",
        ),
        probe(
            "customer list, first page (manager)",
            1,
            "/api/v1/customers?limit=20",
        ),
        probe(
            "customer list, first page (rep)",
            2,
            "/api/v1/customers?limit=20",
        ),
        probe(
            "customer list, by name (admin)",
            0,
            "/api/v1/customers?limit=20&sort=name",
        ),
        probe(
            "customer search, a name (admin)",
            0,
            "/api/v1/customers?limit=20&q=%E9%81%A0%E6%9D%B1%E7%89%A9%E6%B5%81",
        ),
        probe(
            "global search (manager)",
            1,
            "/api/v1/search?q=%E5%8F%B0%E9%81%94",
        ),
        probe(
            "global search, one character (manager)",
            1,
            "/api/v1/search?q=%E9%81%94",
        ),
        probe("customer record (admin)", 0, "/api/v1/customers/100"),
        probe(
            "dashboard, two years (admin)",
            0,
            &format!("/api/v1/dashboard?{YEARS}"),
        ),
        probe(
            "dashboard, two years (manager)",
            1,
            &format!("/api/v1/dashboard?{YEARS}"),
        ),
        probe(
            "dashboard, two years (rep)",
            2,
            &format!("/api/v1/dashboard?{YEARS}"),
        ),
        probe(
            "report: customers by month (admin)",
            0,
            &format!("/api/v1/reports/customers?{YEARS}&by=month"),
        ),
        probe(
            "report: customers by owner (manager)",
            1,
            &format!("/api/v1/reports/customers?{YEARS}&by=owner"),
        ),
        probe(
            "report: sales by department (admin)",
            0,
            &format!("/api/v1/reports/sales?{YEARS}&by=department"),
        ),
        probe(
            "report: follow-ups by owner (manager)",
            1,
            &format!("/api/v1/reports/follow_ups?{YEARS}&by=owner"),
        ),
    ]
}

async fn timed(router: &Router, token: &str, path: &str) -> Result<(Duration, StatusCode)> {
    let request = Request::builder()
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())?;
    let started = Instant::now();
    let answer = router.clone().oneshot(request).await?;
    let status = answer.status();
    // The whole body is read: a page or a figure is only served when sent.
    axum::body::to_bytes(answer.into_body(), usize::MAX).await?;
    Ok((started.elapsed(), status))
}

/// The process's peak resident memory, from Linux's `/proc`.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
