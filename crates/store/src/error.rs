//! The store's one error type.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the text names the constraint
    /// so the service can say which field is taken.
    #[error("unique constraint `{0}` violated")]
    Unique(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn from_sqlx(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error
            && db.is_unique_violation()
        {
            // SQLite names the columns ("users.phone"), PostgreSQL the
            // constraint ("users_phone_key"); both contain table and column.
            return StoreError::Unique(db.constraint().unwrap_or(db.message()).to_string());
        }
        StoreError::Database(error)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
