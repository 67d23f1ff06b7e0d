//! The one place for SQL: subscribers, lists, campaigns, the delivery ledger and reach.
//!
//! Both backends run the same SQL text wherever the dialects agree (`$1`
//! placeholders, `ON CONFLICT`, `RETURNING`, `FILTER`); [`on_pool!`] compiles each
//! query once per backend so rows decode natively, without the `Any` driver's
//! conversions.

pub(crate) mod audit;
mod campaigns;
mod keyed;
mod ledger;
mod lists;
mod person;
mod progress;
mod reach;
mod retries;
mod search;
mod sessions;
mod settings;
mod staff;
mod subscribers;
mod timeline;
mod tokens;

use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use audit::{AuditEvent, AuditFilter, AuditPage};
pub use campaigns::{Campaign, NewCampaign};
pub use ledger::{Backlog, ClaimedDelivery, DeliveryOutcome, DeliveryRow, LedgerCounts, Recipient};
pub use lists::{ListRef, ListSummary};
pub use person::{PersonDelivery, PersonRecord};
pub use progress::CampaignProgress;
pub(crate) use reach::reach_types;
pub use reach::{Breakdown, Reach, ReachFilter, ReachRow};
pub use retries::DeliveryRetry;
pub(crate) use search::found_subscriber;
pub use search::{FoundSubscriber, SearchPage, SubscriberSearch};
pub use sessions::{SessionOpener, WebSession};
pub use staff::{StaffCredentials, StaffMember};
pub use subscribers::{
    BounceMark, ConfirmOutcome, Consent, ImportRow, ImportSummary, NewSubscriber, SignupState,
    Subscriber,
};
pub use timeline::{DayReach, LedgerGauge};
pub use tokens::{ApiToken, NewToken, StoredToken};

/// Milliseconds since the Unix epoch, UTC: the stored form of every timestamp.
pub type Millis = i64;

/// The current time as stored.
pub fn now_millis() -> Millis {
    chrono::Utc::now().timestamp_millis()
}

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The `DATABASE_URL` names no backend willay supports.
    #[error("unsupported DATABASE_URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The disk holding the database is full: nothing can be written until
    /// space is freed.
    #[error("the disk holding the database is full ({0})")]
    DiskFull(sqlx::Error),
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The SQLite database file cannot be created.
    #[error("cannot create the database file {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A migration failed to apply.
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A named list does not exist.
    #[error("there is no list named `{0}` (see `willay lists`)")]
    UnknownList(String),
    /// Another list already has this name.
    #[error("a list named `{0}` already exists")]
    ListExists(String),
    /// Campaigns were sent to this list, and remember it.
    #[error(
        "list {0} is the audience of campaigns (see `willay campaigns list`); it cannot be deleted"
    )]
    ListInUse(i64),
    /// A list id does not exist.
    #[error("there is no list with id {0} (see `willay lists`)")]
    UnknownListId(i64),
    /// A campaign id does not exist.
    #[error("there is no campaign with id {0} (see `willay campaigns list`)")]
    UnknownCampaign(i64),
    /// A subscriber id does not exist.
    #[error("there is no subscriber with id {0}")]
    UnknownSubscriber(i64),
    /// A state change that the campaign's lifecycle does not allow.
    #[error("campaign {id} is {from}; it cannot become {to}")]
    Transition {
        /// The campaign.
        id: i64,
        /// Its current state.
        from: crate::domain::CampaignStatus,
        /// The refused target state.
        to: crate::domain::CampaignStatus,
    },
    /// A stored value that no longer parses (a bug or a hand-edited row).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        // SQLITE_FULL, and PostgreSQL's disk_full.
        let full = error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "13" || code == "53100");
        if full {
            Self::DiskFull(error)
        } else {
            Self::Database(error)
        }
    }
}

impl StoreError {
    /// Whether the database is out of reach or cannot write for now (a full
    /// disk, a lost connection, a lock held too long), as opposed to refusing
    /// what was asked: worth waiting out, however long it lasts.
    pub fn is_outage(&self) -> bool {
        match self {
            Self::DiskFull(_) => true,
            Self::Database(error) => match error {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Tls(_) => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                    // SQLite: BUSY, LOCKED, IOERR and its extended codes, CANTOPEN;
                    // PostgreSQL: insufficient resources, operator intervention.
                    let sqlite = code.parse::<i32>().ok().map(|c| c & 0xff);
                    matches!(sqlite, Some(5 | 6 | 10 | 14))
                        || code.starts_with("53")
                        || code.starts_with("57P")
                        || code.starts_with("08")
                }),
                _ => false,
            },
            _ => false,
        }
    }
}

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one file, one writer.
    Sqlite,
    /// The scale-out engine shared by many workers.
    Postgres,
}

/// Tuning for the connection pool.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections held open at once.
    pub max_connections: u32,
    /// How long to wait for a connection (and, on SQLite, for the write lock).
    pub acquire_timeout: Duration,
}

impl PoolSettings {
    /// Default of [`Self::max_connections`] (and `--db-pool`).
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend.
///
/// The body is compiled twice, once per backend, so it must be valid for both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, StoreError> {
        let store = Self::connect_without_migrating(url, settings).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without touching the schema (for `willay migrate` to report on).
    pub async fn connect_without_migrating(
        url: &str,
        settings: &PoolSettings,
    ) -> Result<Self, StoreError> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?;
            create_private_file(options.get_filename())?;
            let options = options
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // WAL with NORMAL is durable across application crashes; only an OS
                // crash may lose the last transactions, which the ledger tolerates.
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(settings.acquire_timeout);
            let pool = SqlitePoolOptions::new()
                .max_connections(settings.max_connections)
                .acquire_timeout(settings.acquire_timeout)
                .after_release(|conn, _| Box::pin(settled_connection(conn)))
                .connect_with(options)
                .await?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(settings.max_connections)
                .acquire_timeout(settings.acquire_timeout)
                .connect_with(options)
                .await?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        Ok(Self { pool })
    }

    /// Applies the embedded migrations for this backend; returns how many were new.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        // Before the first run the bookkeeping table does not exist: zero applied.
        let before: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await
                .unwrap_or(0)
        });
        let total = match &self.pool {
            Pool::Sqlite(pool) => {
                let migrator = sqlx::migrate!("migrations/sqlite");
                migrator.run(pool).await?;
                migrator.migrations.len()
            }
            Pool::Postgres(pool) => {
                let migrator = sqlx::migrate!("migrations/postgres");
                migrator.run(pool).await?;
                migrator.migrations.len()
            }
        };
        Ok(total.saturating_sub(before as usize))
    }

    /// Which engine this store uses.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection (checkpointing the SQLite WAL).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Creates the SQLite database file, if missing, readable and writable by this
/// user only (0600) whatever the umask: it holds the people and the
/// link-signing key. SQLite gives its `-wal` and `-shm` files the database
/// file's permissions.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let name = path.to_string_lossy();
    // In-memory databases (`sqlite::memory:`, `mode=memory`) have no file.
    if name.is_empty() || name.starts_with(':') || name.starts_with("file:") {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::File {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Whether a SQLite connection handed back to the pool may be reused: not if
/// sqlx still counts it inside a transaction. A COMMIT that fails on a full
/// disk leaves it so (SQLite rolls back on its own, so sqlx's ROLLBACK fails
/// too), and reusing such a connection kept a write transaction open on a
/// full disk: every other writer then waited out the busy timeout ("database
/// is locked") long after space was freed. Closing it rolls back whatever may
/// still be open; the pool opens a fresh one.
async fn settled_connection(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Runs the rollback a dropped transaction queued, before looking.
    conn.ping().await?;
    let reusable = !conn.is_in_transaction();
    if !reusable {
        tracing::warn!("closing a database connection left inside a failed transaction");
    }
    Ok(reusable)
}

/// The file of a `sqlite:` database URL; none for PostgreSQL or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let name = options.get_filename();
    let text = name.to_string_lossy();
    (!text.is_empty() && !text.starts_with(':') && !text.starts_with("file:"))
        .then(|| name.to_owned())
}

/// Hides the password of a database URL so it can be shown in messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://willay:s3cret@db.example.org/willay"),
            "postgres://willay:***@db.example.org/willay"
        );
        assert_eq!(redact_url("sqlite://willay.db"), "sqlite://willay.db");
    }
}
