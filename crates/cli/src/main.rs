//! `kuijing`: the CRM in one binary. With no command it serves.

mod bench;

use std::net::SocketAddr;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use kuijing_service::{App, Settings, settings};

#[derive(Parser)]
#[command(name = "kuijing", version, about = "Kuijing CRM (魁鯨 CRM)")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the pages and the API (the default).
    Serve,
    /// Bring the database schema up to date, then stop.
    Migrate,
    /// Administer users from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the documented default configuration.
    Config,
    /// Load the demo company (a hardware seller's 2016–2017 pipeline) into
    /// an empty company, and print how to sign in as its users.
    Demo,
    /// Load a large company (the demo and as many more customers as asked)
    /// into an empty database, and measure lists, search, the dashboard
    /// and reports as an administrator, a manager and a rep.
    Bench {
        /// Customers to add to the demo company.
        #[arg(long, default_value_t = 1_000_000)]
        customers: usize,
        /// How many times each request is timed.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a super administrator in the top department.
    Create {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        name: String,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Config) = cli.command {
        print!("{}", settings::DEFAULTS);
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KUIJING_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let settings = Settings::load()
        .map_err(anyhow::Error::msg)
        .context("reading the configuration")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings))
}

async fn run(command: Command, settings: Settings) -> Result<()> {
    let app = App::open(settings.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("opening the database")?;
    match command {
        Command::Serve => serve(app, &settings).await,
        Command::Migrate => {
            tracing::info!("database is up to date");
            app.close().await;
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    phone,
                    password,
                    name,
                },
        } => {
            match app.create_super_admin(&phone, &password, &name).await {
                Ok(id) => {
                    println!("super administrator created (user {id}); sign in with phone {phone}")
                }
                Err(kuijing_service::ServiceError::Invalid(errors)) => {
                    for error in errors.0 {
                        eprintln!("--{}: {}", error.field, describe(error.code));
                    }
                    app.close().await;
                    std::process::exit(2);
                }
                Err(error) => return Err(anyhow::anyhow!("{error}")),
            }
            app.close().await;
            Ok(())
        }
        Command::Demo => {
            let loaded = app.load_demo().await;
            app.close().await;
            match loaded {
                Ok(report) => {
                    print_demo(&report);
                    Ok(())
                }
                Err(kuijing_service::ServiceError::Refused {
                    code: "demo_needs_empty",
                }) => {
                    eprintln!(
                        "the demo loads into an empty company only, and this one already has customers;\n\
                         point KUIJING_DATA_DIR (or KUIJING_DATABASE_URL) at a new database and run it again"
                    );
                    std::process::exit(2);
                }
                Err(error) => Err(anyhow::anyhow!("{error}")),
            }
        }
        Command::Bench { customers, rounds } => bench::run(app, customers, rounds).await,
        Command::Config => Ok(()),
    }
}

fn print_demo(report: &kuijing_service::demo::DemoReport) {
    let opportunities: usize = report.opportunities.values().sum();
    println!("Demo company loaded:");
    println!(
        "  {} regional offices, {} users",
        report.departments,
        report.users.len()
    );
    println!(
        "  {} products, {} customers",
        report.products, report.customers
    );
    let stages: Vec<String> = report
        .opportunities
        .iter()
        .map(|(stage, count)| format!("{stage} {count}"))
        .collect();
    println!("  {opportunities} opportunities ({})", stages.join(", "));
    println!(
        "  won ones at their close value; lost ones (closed at 0 in the files) at the product's list price, what was at stake"
    );
    println!("  {} leads", report.leads);
    println!(
        "  {} contracts and {} payments, approved",
        report.contracts, report.payments
    );
    if !report.unmatched_products.is_empty() {
        println!(
            "  pipeline products matching no product (loaded without a line): {}",
            report.unmatched_products.join(", ")
        );
    }
    println!();
    println!(
        "Sign in with any of these phones and the password {}:",
        report.password
    );
    for user in &report.users {
        let department = if user.department.is_empty() {
            String::new()
        } else {
            format!(", {}", user.department)
        };
        println!(
            "  {}  {} ({}{department})",
            user.phone, user.name, user.role
        );
    }
}

/// English text of the field errors the command line can meet.
fn describe(code: &str) -> &'static str {
    match code {
        "required" => "is required",
        "phone_invalid" => "must be 6 to 20 digits, optionally starting with +",
        "phone_taken" => "is already used by another user",
        "password_too_short" => "must be at least 8 characters",
        "too_long" => "is too long",
        _ => "is not valid",
    }
}

async fn serve(app: App, settings: &Settings) -> Result<()> {
    let address: SocketAddr = settings
        .bind
        .parse()
        .with_context(|| format!("bind address `{}`", settings.bind))?;
    let first_start = app
        .needs_first_admin()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if first_start && settings.demo_on_first_start {
        let report = app
            .load_demo()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("loading the demo company")?;
        print_demo(&report);
    } else if first_start {
        tracing::info!(
            "no users yet: create the first super administrator with \
             `kuijing admin create --phone <phone> --password <password> --name <name>` \
             (or `cargo run --release -- admin create ...`)"
        );
    }
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listening on {address}"))?;
    tracing::info!(%address, database = ?app_backend(settings), "kuijing crm is serving on http://{address}");
    let worker = tokio::spawn(run_jobs(app.clone()));
    let router = kuijing_web::router(app.clone());
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await?;
    worker.abort();
    app.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The background worker: every minute it enqueues the day's recurring jobs
/// (once per day across instances) and runs whatever is due.
async fn run_jobs(app: App) {
    let worker = format!("{}-{}", std::process::id(), uuid_like());
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(error) = app.schedule_jobs().await {
            tracing::warn!(%error, "scheduling jobs failed");
            continue;
        }
        if let Err(error) = app.run_due_jobs(&worker).await {
            tracing::warn!(%error, "running jobs failed");
        }
    }
}

/// A name for this instance's worker that differs between restarts.
fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

fn app_backend(settings: &Settings) -> &'static str {
    if settings.database_url().starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
