//! The connection to either database, and transactions over it.

use std::str::FromStr;
use std::time::Duration;

use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{FromRow, Postgres, Sqlite, Transaction};

use crate::error::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections. SQLite has one writer connection, so write
/// transactions queue in the pool instead of failing on a busy database, and
/// several readers beside it (WAL lets them read while it writes).
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

impl Db {
    /// Opens `sqlite://path` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            return Ok(Db::Postgres(pool));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite { read, write })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs the migrations of this backend, then makes sure the rows every
    /// company starts with (the top department, the built-in roles) exist,
    /// named in `language` when they are first made.
    pub async fn migrate(&self, language: &str) -> Result<()> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        let mut tx = self.write().await?;
        crate::seed::ensure(&mut tx, language).await?;
        tx.commit().await?;
        if let Db::Postgres(pool) = self {
            trigram_search(pool).await;
        }
        Ok(())
    }

    /// A transaction that will write.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction that only reads; on SQLite it does not wait for the writer.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { read, .. } => Tx::Sqlite(read.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Answers when the database answers.
    pub async fn ping(&self) -> Result<()> {
        match self {
            Db::Sqlite { read, .. } => {
                sqlx::query("select 1").execute(read).await?;
            }
            Db::Postgres(pool) => {
                sqlx::query("select 1").execute(pool).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// One open transaction on either backend. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A value bound to a statement written by hand.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    Int(i64),
    At(chrono::DateTime<chrono::Utc>),
}

/// Rows that decode from both backends.
pub trait AnyRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> AnyRow for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Ends the transaction without keeping anything it wrote, and lets its
    /// connection go at once (on SQLite, the one writer).
    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn all<T: AnyRow>(&mut self, statement: &impl SqlxBinder) -> Result<Vec<T>> {
        match self {
            Tx::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_all(&mut **tx)
                    .await
            }
            Tx::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_all(&mut **tx)
                    .await
            }
        }
        .map_err(StoreError::from_sqlx)
    }

    /// Runs a statement written by hand (for what the query builder does
    /// not say, such as window functions), its values bound in order to
    /// its `?` marks (numbered `$1`, `$2`, ... on PostgreSQL).
    pub(crate) async fn all_sql<T: AnyRow>(
        &mut self,
        sql: &str,
        values: &[Bound],
    ) -> Result<Vec<T>> {
        match self {
            Tx::Sqlite(tx) => {
                let mut query = sqlx::query_as::<_, T>(sql);
                for value in values {
                    query = match value {
                        Bound::Int(n) => query.bind(*n),
                        Bound::At(at) => query.bind(*at),
                    };
                }
                query.fetch_all(&mut **tx).await
            }
            Tx::Postgres(tx) => {
                let mut numbered = String::with_capacity(sql.len() + 16);
                let mut n = 0;
                for c in sql.chars() {
                    if c == '?' {
                        n += 1;
                        numbered.push_str(&format!("${n}"));
                    } else {
                        numbered.push(c);
                    }
                }
                let mut query = sqlx::query_as::<_, T>(&numbered);
                for value in values {
                    query = match value {
                        Bound::Int(n) => query.bind(*n),
                        Bound::At(at) => query.bind(*at),
                    };
                }
                query.fetch_all(&mut **tx).await
            }
        }
        .map_err(StoreError::from_sqlx)
    }

    pub(crate) async fn optional<T: AnyRow>(
        &mut self,
        statement: &impl SqlxBinder,
    ) -> Result<Option<T>> {
        match self {
            Tx::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_optional(&mut **tx)
                    .await
            }
            Tx::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_optional(&mut **tx)
                    .await
            }
        }
        .map_err(StoreError::from_sqlx)
    }

    pub(crate) async fn one<T: AnyRow>(&mut self, statement: &impl SqlxBinder) -> Result<T> {
        self.optional(statement)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
    }

    /// Runs a statement and answers how many rows it touched.
    pub(crate) async fn execute(&mut self, statement: &impl SqlxBinder) -> Result<u64> {
        match self {
            Tx::Sqlite(tx) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(&mut **tx)
                    .await
                    .map(|r| r.rows_affected())
            }
            Tx::Postgres(tx) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(&mut **tx)
                    .await
                    .map(|r| r.rows_affected())
            }
        }
        .map_err(StoreError::from_sqlx)
    }

    /// Holds a lock named by `key` until the transaction ends, for checks
    /// that no row can hold (PostgreSQL runs writers side by side; on
    /// SQLite, which has one writer, it does nothing).
    pub(crate) async fn lock_key(&mut self, key: &str) -> Result<()> {
        if let Tx::Postgres(tx) = self {
            sqlx::query("select pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **tx)
                .await
                .map_err(StoreError::from_sqlx)?;
        }
        Ok(())
    }

    /// Holds the import lock of a kind until the transaction ends, so two
    /// imports of one kind run one after the other and the second finds
    /// what the first wrote (a duplicate check and its insert are one step).
    pub async fn lock_imports(&mut self, kind: &str) -> Result<()> {
        self.lock_key(&format!("import\u{1f}{kind}")).await
    }

    /// Runs an insert with `returning id` and answers the new id.
    pub(crate) async fn insert_id(&mut self, statement: &impl SqlxBinder) -> Result<i64> {
        let (id,): (i64,) = self.one(statement).await?;
        Ok(id)
    }

    /// Runs a statement written out whole (no bound values) and answers
    /// how many rows it touched.
    pub(crate) async fn execute_text(&mut self, sql: &str) -> Result<u64> {
        match self {
            Tx::Sqlite(tx) => sqlx::query(sql)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
            Tx::Postgres(tx) => sqlx::query(sql)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
        }
        .map_err(StoreError::from_sqlx)
    }

    pub(crate) async fn count(&mut self, statement: &impl SqlxBinder) -> Result<i64> {
        let (count,): (i64,) = self.one(statement).await?;
        Ok(count)
    }
}

/// Search finds text anywhere in a name (`like '%…%'`), which no b-tree
/// serves. On PostgreSQL a trigram GIN index does, when the server has the
/// `pg_trgm` extension; without it search reads every row, as before, and
/// the log says so once at start. Made outside the migrations, so a server
/// without the extension still starts.
async fn trigram_search(pool: &sqlx::PgPool) {
    let made = async {
        sqlx::query("create extension if not exists pg_trgm")
            .execute(pool)
            .await?;
        for table in ["customers", "contacts", "leads"] {
            sqlx::query(&format!(
                "create index if not exists {table}_search_trgm \
                 on {table} using gin (search_text gin_trgm_ops)"
            ))
            .execute(pool)
            .await?;
        }
        Ok::<(), sqlx::Error>(())
    }
    .await;
    if let Err(error) = made {
        tracing::warn!(%error, "pg_trgm is not available: search scans without a trigram index");
    }
}
