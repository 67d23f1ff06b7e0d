//! Test harness: each test gets its own database (a SQLite file, or a fresh
//! PostgreSQL database), its own folders, and a real SMTP server on loopback.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use secrecy::SecretString;
use tempfile::TempDir;
use willay::app::App;
use willay::config::{Settings, WorkerArgs};
use willay::domain::{ListName, SubscriberStatus};
use willay::store::now_millis;
use willay::subscribers::ImportReport;
use willay::worker::WorkerReport;

use crate::smtp::SmtpServer;

pub mod web;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per backend for each named test function.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("WILLAY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The shipped catalogue.
pub fn shipped_locales() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
}

/// A database of a test's own, dropped afterwards.
pub struct TestDb {
    pub url: String,
    postgres_name: Option<String>,
}

impl TestDb {
    pub async fn create(backend: Backend, dir: &Path) -> Self {
        match backend {
            Backend::Sqlite => Self {
                url: format!("sqlite://{}", dir.join("willay.db").display()),
                postgres_name: None,
            },
            Backend::Postgres => {
                static NEXT: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "willay_t_{}_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed),
                    rand::random::<u16>()
                );
                let admin = postgres_admin_url();
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "PostgreSQL tests need a server at {admin} (set WILLAY_TEST_POSTGRES_URL): {e}"
                        )
                    });
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
                )
                .await
                .expect("create test database");
                let mut url = url::Url::parse(&admin).expect("admin URL");
                url.set_path(&name);
                Self {
                    url: url.to_string(),
                    postgres_name: Some(name),
                }
            }
        }
    }
}

impl TestDb {
    /// A new database migrated only up to `version`, then given `statements`:
    /// what an older willay left, for tests of a later migration.
    pub async fn at_migration(
        backend: Backend,
        dir: &Path,
        version: i64,
        statements: &[&str],
    ) -> Self {
        let db = Self::create(backend, dir).await;
        let (url, folder) = match backend {
            Backend::Sqlite => (format!("{}?mode=rwc", db.url), "sqlite"),
            Backend::Postgres => (db.url.clone(), "postgres"),
        };
        sqlx::any::install_default_drivers();
        let pool: sqlx::AnyPool = sqlx::pool::PoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(folder);
        let migrator = sqlx::migrate::Migrator::new(folder).await.unwrap();
        migrator.run_to(version, &pool).await.unwrap();
        for statement in statements {
            sqlx::query(sqlx::AssertSqlSafe(*statement))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs inside the test's runtime: use a thread with a runtime of its own.
        let admin = postgres_admin_url();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(mut conn) =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await
                {
                    let _ = sqlx::Executor::execute(
                        &mut conn,
                        sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                    )
                    .await;
                }
            });
        })
        .join();
    }
}

/// Settings for a test: everything under `dir`, sending to `smtp` when given.
pub fn settings(dir: &Path, db: &TestDb, locales: &Path, smtp: Option<&SmtpServer>) -> Settings {
    Settings {
        database_url: db.url.clone(),
        db_pool: 4,
        smtp_url: smtp.map(|s| SecretString::from(s.url())),
        outbox: dir.join("outbox"),
        smtp_timeout: 5,
        smtp_ca_file: None,
        locales: locales.to_owned(),
        from: "Colectivo Willay <noticias@example.org>".into(),
        unsubscribe_mailto: None,
        public_url: "https://willay.example.org/".parse().unwrap(),
        postal_address: "Jr. Ejemplo 123, Lima".into(),
        secret: Some(SecretString::from(
            "test-signing-key-of-32-bytes-at-least".to_owned(),
        )),
        allow_insecure_links: false,
        dkim_key_file: None,
        dkim_selector: "willay".into(),
        dkim_algorithm: willay::mail::dkim::DkimAlgorithm::Rsa,
    }
}

/// An application of a test's own.
pub struct TestApp {
    pub app: App,
    /// Kept so the database lives (and is dropped) with the app.
    pub _db: TestDb,
    pub dir: TempDir,
}

impl TestApp {
    /// With the shipped catalogue, sending to the outbox.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &shipped_locales(), None).await
    }

    /// With a given catalogue and an optional SMTP server.
    pub async fn spawn_with(backend: Backend, locales: &Path, smtp: Option<&SmtpServer>) -> Self {
        Self::spawn_configured(backend, locales, smtp, |_| {}).await
    }

    /// Like `spawn_with`, with a last say on the settings.
    pub async fn spawn_configured(
        backend: Backend,
        locales: &Path,
        smtp: Option<&SmtpServer>,
        configure: impl FnOnce(&mut Settings),
    ) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::create(backend, dir.path()).await;
        let mut settings = settings(dir.path(), &db, locales, smtp);
        configure(&mut settings);
        let app = App::build(settings).await.expect("the app starts");
        Self { app, _db: db, dir }
    }

    /// Creates `list` if needed and imports `csv` into it as confirmed subscribers.
    pub async fn import(&self, csv: &str, list: &str) -> ImportReport {
        import_confirmed(&self.app, csv, list).await
    }

    /// Reach of one campaign.
    pub async fn reach_of(&self, campaign: i64) -> willay::store::Reach {
        self.app
            .store
            .reach(willay::store::ReachFilter {
                campaign_id: Some(campaign),
            })
            .await
            .unwrap()
    }

    /// Runs a worker until nothing is left to do.
    pub async fn run_worker(&self) -> WorkerReport {
        run_worker_until_idle(&self.app).await
    }

    pub async fn run_worker_with(&self, args: WorkerArgs) -> WorkerReport {
        run_worker_with(&self.app, args).await
    }
}

/// Creates `list` if needed and imports `csv` into it as confirmed subscribers:
/// the one import every harness (`TestApp`, `web::WebTest`) uses.
pub async fn import_confirmed(app: &App, csv: &str, list: &str) -> ImportReport {
    let list = ListName::parse(list).unwrap();
    app.store
        .ensure_list(&list, now_millis(), &willay::domain::Actor::Cli)
        .await
        .unwrap();
    app.import_subscribers(
        csv.as_bytes(),
        "test.csv",
        &willay::domain::Actor::Cli,
        Some(&list),
        SubscriberStatus::Confirmed,
        |_, _| {},
    )
    .await
    .expect("import")
}

/// Runs a worker of `app` until nothing is left to do.
pub async fn run_worker_until_idle(app: &App) -> WorkerReport {
    run_worker_with(
        app,
        WorkerArgs {
            concurrency: 4,
            until_idle: true,
            ..WorkerArgs::default()
        },
    )
    .await
}

/// Runs a worker of `app` with `args`.
pub async fn run_worker_with(app: &App, args: WorkerArgs) -> WorkerReport {
    app.worker(&args)
        .expect("worker")
        .run(tokio_util::sync::CancellationToken::new())
        .await
        .expect("worker run")
}

/// `table.column` of every column, in every table, whose text contains
/// `needle` (case-insensitive): what an erasure must leave empty.
pub async fn columns_containing(db_url: &str, needle: &str) -> Vec<String> {
    let pattern = format!("%{}%", needle.to_lowercase());
    let pool = any_pool(db_url).await;
    let listing = if db_url.starts_with("sqlite:") {
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table'"
    } else {
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema()"
    };
    let columns: Vec<(String, String)> = sqlx::query_as(listing).fetch_all(&pool).await.unwrap();
    assert!(columns.len() > 20, "{columns:?}");
    let mut found = Vec::new();
    for (table, column) in columns {
        let count = format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE LOWER(CAST(\"{column}\" AS TEXT)) LIKE $1"
        );
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count))
            .bind(&pattern)
            .fetch_one(&pool)
            .await
            .unwrap();
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    pool.close().await;
    found
}

/// A one-connection pool on a test's database, whichever the backend.
async fn any_pool(db_url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::pool::PoolOptions::new()
        .max_connections(1)
        .connect(db_url)
        .await
        .expect("test database")
}

/// Runs one SQL statement with one integer parameter (`$1`) on a test's
/// database, behind the app's back: for tests that must put the ledger or a
/// campaign in a state no command produces (a replayed start, say).
pub async fn execute_sql(db_url: &str, sql: &str, param: i64) -> u64 {
    let pool = any_pool(db_url).await;
    let affected = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(param)
        .execute(&pool)
        .await
        .expect("sql")
        .rows_affected();
    pool.close().await;
    affected
}
