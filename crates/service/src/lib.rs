//! Use cases: each one authorizes, validates, writes through the store,
//! appends the change log and commits, for the API and the pages alike.

pub mod approvals;
pub mod attachments;
pub mod auth;
pub mod bench;
pub mod category_paths;
pub mod changelog;
pub mod choices;
pub mod clock;
pub mod conditions;
pub mod contact_io;
pub mod contacts;
pub mod contract_import;
pub mod contracts;
mod customer_export;
pub mod customer_io;
mod customer_list;
pub mod customer_sales;
mod customer_transfer;
pub mod customers;
pub mod dashboard;
pub mod demo;
pub mod departments;
pub mod edits;
pub mod error;
pub mod events;
pub mod fields;
pub mod follow_ups;
mod import_lines;
pub mod import_report;
pub mod imports;
mod input;
pub mod jobs;
pub mod lead_convert;
pub mod lead_io;
pub mod leads;
pub mod list_columns;
pub mod list_filters;
pub mod notifications;
pub mod numbering;
pub mod once;
pub mod opportunities;
pub mod opportunity_import;
pub mod options;
mod password;
pub mod payment_import;
pub mod payment_plans;
pub mod payments;
pub mod pipelines;
pub mod pool_actions;
pub mod pool_release;
pub mod pool_settings;
pub mod pools;
pub mod product_import;
pub mod product_list;
pub mod products;
pub mod record_export;
mod record_import;
mod records;
pub mod recycling;
pub mod report_builder;
pub mod reports;
pub mod requests;
pub mod roles;
pub mod sales_export;
pub mod saved_views;
pub mod search;
pub mod selection;
pub mod settings;
mod shown_names;
pub mod sorted_pages;
pub mod spreadsheets;
pub mod teams;
pub mod timeline;
mod unique_fields;
pub mod users;

use std::sync::Arc;

use kuijing_domain::{Actor, Change, Permission, User};
use kuijing_store::{Db, Tx, company_settings};
use serde::Serialize;
use utoipa::ToSchema;

pub use error::{Result, ServiceError};
pub use kuijing_domain as domain;
pub use settings::Settings;

use clock::{Clock, SystemClock};

/// Everything a use case needs: the database, the settings and the time.
#[derive(Clone)]
pub struct App {
    db: Db,
    settings: Arc<Settings>,
    clock: Arc<dyn Clock>,
    /// The company currency: the one its data has set (the demo company's
    /// is in US dollars), else the `currency` setting. Read once at open and
    /// changed only by the demo load, which runs before anyone signs in.
    currency: Arc<std::sync::RwLock<String>>,
}

impl App {
    /// Opens the configured database and brings its schema up to date.
    pub async fn open(settings: Settings) -> Result<Self> {
        Self::open_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As `open`, with a clock of the caller's (tests move it by hand).
    pub async fn open_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self> {
        let url = settings.database_url();
        let sqlite_folder = url
            .strip_prefix("sqlite://")
            .and_then(|p| std::path::Path::new(p).parent());
        if let Some(parent) = sqlite_folder {
            std::fs::create_dir_all(parent)
                .map_err(|e| ServiceError::Internal(format!("creating data folder: {e}")))?;
        }
        let db = Db::connect(&url).await?;
        db.migrate(&settings.default_locale).await?;
        let stored = {
            let mut tx = db.read().await?;
            company_settings::get(&mut tx, company_settings::CURRENCY).await?
        };
        let app = Self::new(db, settings, clock);
        if let Some(currency) = stored {
            app.set_currency(&currency);
        }
        app.state_condition_currencies().await?;
        app.count_customer_days().await?;
        Ok(app)
    }

    /// Makes sure customers are counted per day in the company's time zone
    /// (`customer_days`): counted again when the zone is new or changed.
    async fn count_customer_days(&self) -> Result<()> {
        let zone = self.time_zone();
        let starts = reports::zone_starts(zone);
        let mut tx = self.db.write().await?;
        if kuijing_store::customer_days::ensure(&mut tx, zone.name(), &starts).await? {
            tracing::info!(zone = zone.name(), "customers counted per day in the zone");
        }
        tx.commit().await?;
        Ok(())
    }

    pub fn new(db: Db, settings: Settings, clock: Arc<dyn Clock>) -> Self {
        let currency = Arc::new(std::sync::RwLock::new(settings.currency.clone()));
        Self {
            db,
            settings: Arc::new(settings),
            clock,
            currency,
        }
    }

    /// The company currency: of new records, and the one figures and targets
    /// are shown in when nothing else decides.
    pub fn currency(&self) -> String {
        match self.currency.read() {
            Ok(currency) => currency.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn set_currency(&self, currency: &str) {
        let mut held = match self.currency.write() {
            Ok(held) => held,
            Err(poisoned) => poisoned.into_inner(),
        };
        *held = currency.to_string();
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The company's time zone; an unknown name in the settings is refused at start.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.settings
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Answers when the database answers.
    pub async fn health(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Whether nobody can sign in yet, so the first administrator must be made.
    pub async fn needs_first_admin(&self) -> Result<bool> {
        let mut tx = self.db.read().await?;
        Ok(kuijing_store::users::total(&mut tx).await? == 0)
    }

    /// Logs a change of one field of a record.
    #[expect(
        clippy::too_many_arguments,
        reason = "the parts of one log entry, named at the call"
    )]
    async fn log_update(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: kuijing_domain::Kind,
        record_id: i64,
        field: &str,
        old: Option<String>,
        new: Option<String>,
    ) -> Result<()> {
        let fields = vec![kuijing_domain::FieldChange {
            field: field.to_string(),
            old,
            new,
        }];
        let change = Change {
            kind,
            record_id,
            action: kuijing_domain::ChangeAction::Update,
            fields,
        };
        self.log(tx, caller, change).await
    }

    /// Logs the changed fields of an edit, if any changed.
    async fn log_diff(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: kuijing_domain::Kind,
        record_id: i64,
        diff: kuijing_domain::change::Diff,
    ) -> Result<()> {
        if diff.is_empty() {
            return Ok(());
        }
        let change = Change {
            kind,
            record_id,
            action: kuijing_domain::ChangeAction::Update,
            fields: diff.into_fields(),
        };
        self.log(tx, caller, change).await
    }

    /// Logs the creation or the deletion of a record under its name (or
    /// its number).
    async fn log_named(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        (kind, record_id): (kuijing_domain::Kind, i64),
        action: kuijing_domain::ChangeAction,
        (field, name): (&str, &str),
    ) -> Result<()> {
        let (old, new) = match action {
            kuijing_domain::ChangeAction::Delete => (Some(name.to_string()), None),
            _ => (None, Some(name.to_string())),
        };
        let fields = vec![kuijing_domain::FieldChange {
            field: field.into(),
            old,
            new,
        }];
        let change = Change {
            kind,
            record_id,
            action,
            fields,
        };
        self.log(tx, caller, change).await
    }

    /// Appends one change-log entry for the caller, inside their transaction.
    async fn log(&self, tx: &mut Tx, caller: &Caller, mut change: Change) -> Result<()> {
        let now = self.now();
        changelog::readable(tx, &mut change.fields).await?;
        let request = Some(caller.request_id.as_str());
        kuijing_store::change_logs::append(tx, &change, Some(caller.user.id), request, now).await?;
        Ok(())
    }
}

/// Refuses an edit made on an old version with the record as stored now,
/// so the client can show what changed and keep what the user typed.
pub(crate) fn stale_check<T: Serialize>(
    given: Option<i64>,
    stored: i64,
    current: &T,
) -> Result<()> {
    if given.is_some_and(|v| v != stored) {
        let current =
            serde_json::to_value(current).map_err(|e| ServiceError::Internal(e.to_string()))?;
        return Err(ServiceError::Changed {
            version: stored,
            current: Box::new(current),
        });
    }
    Ok(())
}

/// The signed-in user behind a request, with what they may do, and the id of
/// the request for the change log.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub actor: Actor,
    pub role_names: Vec<String>,
    /// The code of each role in `role_names` (a built-in role's), so
    /// [`Caller::in_language`] can name it in the caller's language.
    pub role_codes: Vec<Option<String>>,
    /// The language the caller reads (`zh-Hant`, `zh-Hans`, `en`), once the
    /// request chose it; empty before. Names of built-in roles and payment
    /// methods are given in it.
    pub language: String,
    /// How many approvals wait for the user, for the navigation's badge.
    pub waiting_approvals: i64,
    /// How many notifications the user has not read.
    pub unread_notifications: i64,
    pub session: SessionRef,
    pub request_id: String,
}

/// Which session or token a request came with.
#[derive(Debug, Clone)]
pub struct SessionRef {
    pub token_hash: String,
    pub kind: SessionKind,
    /// The secret pages send back with every state-changing request.
    pub csrf_token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session, in a cookie.
    Page,
    /// An API bearer token.
    Token,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "session",
            Self::Token => "token",
        }
    }
}

impl Caller {
    /// Refuses with 403 unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.actor.can(permission) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.actor.can(permission)
    }
}

/// One page of a list, with the total that matches and where the next begins.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Where a page of a list starts and how long it is.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub cursor: Option<i64>,
    pub limit: Option<u64>,
    /// For the lists paged by id (opportunities, contracts, payments,
    /// products): the sort value the row the page starts after had when the
    /// cursor was made (see `sorted_pages`), so a row changed or deleted
    /// since neither moves nor loses the page's place.
    pub anchor: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u64 = 50;
    pub const MAX_LIMIT: u64 = 200;

    fn store_page(&self) -> kuijing_store::Page {
        let limit = self
            .limit
            .unwrap_or(Self::DEFAULT_LIMIT)
            .clamp(1, Self::MAX_LIMIT);
        kuijing_store::Page {
            after: self.cursor,
            limit,
        }
    }

    /// The page to fetch: one row more than shown, to know if more follow.
    fn probe(&self) -> kuijing_store::Page {
        let page = self.store_page();
        kuijing_store::Page {
            limit: page.limit + 1,
            ..page
        }
    }
}

impl<T> ListPage<T> {
    /// `items` holds up to one row more than `limit`: that row, if there,
    /// says a next page exists, so the last page has no cursor.
    pub(crate) fn new(
        mut items: Vec<T>,
        total: i64,
        limit: u64,
        last_id: impl Fn(&T) -> i64,
    ) -> Self {
        let more = items.len() as u64 > limit;
        items.truncate(limit as usize);
        let next_cursor = if more {
            items.last().map(|item| last_id(item).to_string())
        } else {
            None
        };
        Self {
            items,
            total,
            next_cursor,
        }
    }
}
