//! SQL for SQLite and PostgreSQL: one code path for both, statements built
//! with a query builder and bound parameters, migrations run at start.

mod db;
mod error;
mod fold;
mod list_order;
pub mod lists;
mod record;
pub mod schema;
mod seed;
mod shown_options;
mod visibility;

pub mod approval_figures;
pub mod approvals;
pub mod attachments;
pub mod change_logs;
pub mod company_settings;
pub mod contacts;
pub mod contracts;
pub mod customer_days;
pub mod customers;
pub mod departments;
pub mod events;
pub mod field_defs;
pub mod figures;
pub mod follow_ups;
pub mod form_tokens;
pub mod insight;
pub mod jobs;
pub mod lead_field_maps;
pub mod leads;
pub mod line_items;
pub mod list_columns;
pub mod notifications;
pub mod numbers;
pub mod opportunities;
pub mod options;
pub mod payments;
pub mod pipelines;
pub mod pool_customers;
pub mod pools;
pub mod products;
pub mod record_purge;
pub mod recycling;
pub mod requests;
pub mod roles;
pub mod saved_reports;
pub mod saved_views;
pub mod sessions;
pub mod teams;
pub mod throttle;
pub mod unique_values;
pub mod users;

pub use db::{Backend, Db, Tx};
pub use error::StoreError;

/// A page of keyset pagination: rows after `after` (an id), at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<i64>,
    pub limit: u64,
}
