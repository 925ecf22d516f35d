//! SQL for SQLite and PostgreSQL: one code path for both, statements built
//! with a query builder and bound parameters, migrations run at start.

mod db;
mod error;
pub mod schema;
mod seed;
mod visibility;

pub mod attachments;
pub mod change_logs;
pub mod contacts;
pub mod customers;
pub mod departments;
pub mod field_defs;
pub mod follow_ups;
pub mod leads;
pub mod options;
pub mod pools;
pub mod roles;
pub mod sessions;
pub mod throttle;
pub mod users;

pub use db::{Backend, Db, Tx};
pub use error::StoreError;

/// A page of keyset pagination: rows after `after` (an id), at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<i64>,
    pub limit: u64,
}
