//! Settings: defaults that run with zero set-up, overridden by `willay.toml`,
//! overridden by environment variables, overridden by command-line flags.
//! Secrets never print.

pub mod file;
pub mod show;

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::mail::TransportSettings;
use crate::store::PoolSettings;
use crate::worker::{RateLimit, RetryPolicy, WorkerSettings};

/// The sample `From`: fine for the outbox, never for real mail.
pub const DEFAULT_FROM: &str = "Colectivo Willay <noticias@example.org>";
/// The sample postal address shown in footers until the organisation's own is set.
pub const DEFAULT_POSTAL_ADDRESS: &str = "Colectivo Willay · Jr. Ejemplo 123, Lima 15001, Perú";
/// Where `willay serve` listens by default, so links work on the same machine.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

/// The id of the `--config` argument: it names the file, so the file cannot set it.
pub const CONFIG_ID: &str = "config";

/// What a process reads before anything else: its settings file and its log filter.
#[derive(Debug, Clone, clap::Args)]
pub struct StartArgs {
    /// Settings file (TOML; keys are the flags' names, e.g. `smtp-url = "…"`).
    /// Default: `willay.toml` beside the SQLite database, or in the current
    /// folder for PostgreSQL, when there is one.
    #[arg(long, env = "WILLAY_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Which log lines to write to stderr (a tracing filter: `willay=debug`,
    /// `warn`…). Log lines hold ids and counts, never an address or a name.
    #[arg(
        long,
        env = "WILLAY_LOG",
        default_value = "willay=info,warn",
        global = true
    )]
    pub log: String,
}

/// Where willay keeps its data and how it sends.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Database: `sqlite://FILE` (embedded default) or `postgres://…` (scale-out).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://willay.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    /// Connections in the database pool.
    #[arg(long, env = "WILLAY_DB_POOL", default_value_t = PoolSettings::DEFAULT_MAX_CONNECTIONS, global = true)]
    pub db_pool: u32,

    /// SMTP relay, e.g. `smtp://user:pass@host:587?tls=starttls` (also tls=required|opportunistic|none).
    /// Without it, messages are written to the outbox folder.
    #[arg(long, env = "WILLAY_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<SecretString>,

    /// Folder for `.eml` files when no SMTP relay is configured.
    #[arg(long, env = "WILLAY_OUTBOX", default_value = "outbox", global = true)]
    pub outbox: PathBuf,

    /// PEM file of CA certificates to trust for the SMTP relay's TLS (a private
    /// CA), besides the system's trust store.
    #[arg(long, env = "WILLAY_SMTP_CA_FILE", global = true)]
    pub smtp_ca_file: Option<PathBuf>,

    /// SMTP command timeout, in seconds.
    #[arg(long, env = "WILLAY_SMTP_TIMEOUT", default_value_t = 30, global = true)]
    pub smtp_timeout: u64,

    /// The Fluent catalogue: one folder per locale.
    #[arg(long, env = "WILLAY_LOCALES", default_value = "locales", global = true)]
    pub locales: PathBuf,

    /// The `From` of every message.
    #[arg(long, env = "WILLAY_FROM", default_value = DEFAULT_FROM, global = true)]
    pub from: String,

    /// Where `mailto:` unsubscribe requests go (default: the From address).
    #[arg(long, env = "WILLAY_UNSUBSCRIBE_MAILTO", global = true)]
    pub unsubscribe_mailto: Option<String>,

    /// Public base URL of `willay serve`, used in unsubscribe links.
    #[arg(long, env = "WILLAY_PUBLIC_URL", default_value = DEFAULT_PUBLIC_URL, global = true)]
    pub public_url: url::Url,

    /// The organisation's postal address, shown in every footer (anti-spam laws ask for it).
    #[arg(
        long,
        env = "WILLAY_POSTAL_ADDRESS",
        default_value = DEFAULT_POSTAL_ADDRESS,
        global = true
    )]
    pub postal_address: String,

    /// Send over SMTP even though unsubscribe links are `http://` (RFC 8058
    /// one-click unsubscribe requires HTTPS): for a test relay only.
    #[arg(
        long,
        env = "WILLAY_ALLOW_INSECURE_LINKS",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub allow_insecure_links: bool,

    /// DKIM private key file (RSA PKCS#1 PEM, or a base64 Ed25519 seed); signing is on when set.
    #[arg(long, env = "WILLAY_DKIM_KEY_FILE", global = true)]
    pub dkim_key_file: Option<PathBuf>,

    /// DKIM selector: the key is published at `<selector>._domainkey.<from-domain>`.
    #[arg(
        long,
        env = "WILLAY_DKIM_SELECTOR",
        default_value = "willay",
        global = true
    )]
    pub dkim_selector: String,

    /// DKIM key type.
    #[arg(
        long,
        env = "WILLAY_DKIM_ALGORITHM",
        value_enum,
        default_value = "rsa",
        global = true
    )]
    pub dkim_algorithm: crate::mail::dkim::DkimAlgorithm,

    /// Key for signing unsubscribe links; generated and stored in the database when absent.
    #[arg(long, env = "WILLAY_SECRET", global = true, hide_env_values = true)]
    pub secret: Option<SecretString>,
}

/// How a worker runs, from flags.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerArgs {
    /// Sends in flight at once (also the SMTP pool size).
    #[arg(long, env = "WILLAY_CONCURRENCY", default_value_t = WorkerSettings::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Ledger rows claimed per database round trip.
    #[arg(long, env = "WILLAY_BATCH_SIZE", default_value_t = WorkerSettings::DEFAULT_BATCH_SIZE)]
    pub batch_size: i64,
    /// Seconds a claim is exclusive before another worker may take it over.
    #[arg(long, env = "WILLAY_LEASE_SECONDS", default_value_t = WorkerSettings::DEFAULT_LEASE.as_secs())]
    pub lease_seconds: u64,
    /// Attempts before a transient failure becomes final.
    #[arg(long, env = "WILLAY_MAX_ATTEMPTS", default_value_t = RetryPolicy::DEFAULT_MAX_ATTEMPTS)]
    pub max_attempts: i64,
    /// Seconds before the first retry (doubling after each failure).
    #[arg(long, env = "WILLAY_RETRY_BASE_SECONDS", default_value_t = RetryPolicy::DEFAULT_BASE_DELAY.as_secs())]
    pub retry_base_seconds: u64,
    /// Send at most this many messages per second (default: unlimited).
    #[arg(long, env = "WILLAY_RATE_PER_SECOND")]
    pub rate_per_second: Option<NonZeroU32>,
    /// Send at most this many messages per minute (default: unlimited).
    #[arg(long, env = "WILLAY_RATE_PER_MINUTE")]
    pub rate_per_minute: Option<NonZeroU32>,
    /// On Ctrl-C/SIGTERM, seconds in-flight sends may take before they are abandoned.
    #[arg(long, env = "WILLAY_SHUTDOWN_TIMEOUT", default_value_t = WorkerSettings::DEFAULT_SHUTDOWN_TIMEOUT.as_secs())]
    pub shutdown_timeout: u64,
    /// Hard bounces (5xx refusing the address) after which a subscriber is marked bounced.
    #[arg(long, env = "WILLAY_BOUNCE_THRESHOLD", default_value_t = WorkerSettings::DEFAULT_BOUNCE_THRESHOLD)]
    pub bounce_threshold: i64,
    /// Exit when nothing is scheduled or unsettled.
    #[arg(long)]
    pub until_idle: bool,
}

impl Default for WorkerArgs {
    fn default() -> Self {
        let d = WorkerSettings::default();
        Self {
            concurrency: d.concurrency,
            batch_size: d.batch_size,
            lease_seconds: d.lease.as_secs(),
            max_attempts: d.retry.max_attempts,
            retry_base_seconds: d.retry.base_delay.as_secs(),
            rate_per_second: None,
            rate_per_minute: None,
            shutdown_timeout: d.shutdown_timeout.as_secs(),
            bounce_threshold: d.bounce_threshold,
            until_idle: false,
        }
    }
}

impl WorkerArgs {
    /// The worker settings these flags describe.
    pub fn settings(&self) -> WorkerSettings {
        WorkerSettings {
            concurrency: self.concurrency.max(1),
            batch_size: self.batch_size.max(1),
            lease: Duration::from_secs(self.lease_seconds.max(1)),
            until_idle: self.until_idle,
            retry: RetryPolicy {
                max_attempts: self.max_attempts.max(1),
                base_delay: Duration::from_secs(self.retry_base_seconds),
                ..RetryPolicy::default()
            },
            rate: RateLimit {
                per_second: self.rate_per_second,
                per_minute: self.rate_per_minute,
            },
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout),
            bounce_threshold: self.bounce_threshold.max(1),
            ..WorkerSettings::default()
        }
    }
}

/// A setting that still holds a sample value, or one real mail cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The environment variable to set.
    pub setting: &'static str,
    /// What is wrong with its value.
    pub problem: String,
}

/// Why campaign mail may not go out over SMTP with these settings.
#[derive(Debug, thiserror::Error)]
#[error(
    "unsubscribe links would be `{url}`: RFC 8058 one-click unsubscribe requires https. \
     Set WILLAY_PUBLIC_URL to the https address of `willay serve`, or pass \
     --allow-insecure-links (WILLAY_ALLOW_INSECURE_LINKS=1) to send to a test relay anyway"
)]
pub struct InsecureLinks {
    /// The public URL the links would start with.
    pub url: String,
}

impl Settings {
    /// Settings that still hold sample or local values: harmless for the outbox,
    /// wrong in mail that reaches people (empty when nothing is sent over SMTP).
    pub fn placeholders(&self) -> Vec<Placeholder> {
        if self.smtp_url.is_none() {
            return Vec::new();
        }
        let mut found = Vec::new();
        let from_domain = self
            .from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.domain().to_ascii_lowercase());
        if let Ok(domain) = from_domain
            && is_reserved_domain(&domain)
        {
            found.push(Placeholder {
                setting: "WILLAY_FROM",
                problem: format!(
                    "`{}` is at {domain}, a domain reserved for examples: receivers will refuse or bin the mail",
                    self.from
                ),
            });
        }
        if self.postal_address == DEFAULT_POSTAL_ADDRESS {
            found.push(Placeholder {
                setting: "WILLAY_POSTAL_ADDRESS",
                problem: format!("footers show the sample address `{}`", self.postal_address),
            });
        }
        let host = self.public_url.host_str().unwrap_or_default();
        if is_local_host(host) {
            found.push(Placeholder {
                setting: "WILLAY_PUBLIC_URL",
                problem: format!(
                    "`{}` is this machine: unsubscribe and confirmation links will not open for anyone else",
                    self.public_url
                ),
            });
        }
        if self.public_url.scheme() == "http" {
            found.push(Placeholder {
                setting: "WILLAY_PUBLIC_URL",
                problem: format!(
                    "`{}` is plain http: RFC 8058 one-click unsubscribe requires https",
                    self.public_url
                ),
            });
        }
        found
    }

    /// Refuses campaign mail over SMTP whose unsubscribe links are `http://`,
    /// unless `--allow-insecure-links` says it is a test.
    pub fn check_unsubscribe_links(&self) -> Result<(), InsecureLinks> {
        if self.smtp_url.is_some()
            && self.public_url.scheme() == "http"
            && !self.allow_insecure_links
        {
            return Err(InsecureLinks {
                url: self.public_url.to_string(),
            });
        }
        Ok(())
    }

    /// Database pool tuning.
    pub fn pool(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.db_pool.max(1),
            ..PoolSettings::default()
        }
    }

    /// Transport settings for a given send concurrency.
    pub fn transport(&self, concurrency: usize) -> TransportSettings {
        TransportSettings {
            smtp_url: self.smtp_url.clone(),
            outbox: self.outbox.clone(),
            pool_size: concurrency as u32,
            timeout: Duration::from_secs(self.smtp_timeout),
            ca_file: self.smtp_ca_file.clone(),
        }
    }
}

/// RFC 2606 / RFC 6761 names that never belong to a real sender.
fn is_reserved_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.');
    ["example.org", "example.com", "example.net"].contains(&domain)
        || ["example", "test", "invalid", "localhost"]
            .iter()
            .any(|tld| domain == *tld || domain.ends_with(&format!(".{tld}")))
}

fn is_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_flags_default_to_the_worker_defaults() {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            worker: WorkerArgs,
        }
        let parsed = <Flags as clap::Parser>::try_parse_from(["willay"]).unwrap();
        assert_eq!(
            format!("{:?}", parsed.worker.settings()),
            format!("{:?}", WorkerSettings::default())
        );
    }

    #[test]
    fn reserved_and_local_names() {
        for (domain, reserved) in [
            ("example.org", true),
            ("EXAMPLE.com", true),
            ("mail.example", true),
            ("relay.test", true),
            ("willay.org.pe", false),
            ("example.org.pe", false),
            ("notexample.org", false),
        ] {
            assert_eq!(
                is_reserved_domain(&domain.to_ascii_lowercase()),
                reserved,
                "{domain}"
            );
        }
        for (host, local) in [
            ("localhost", true),
            ("127.0.0.1", true),
            ("[::1]", true),
            ("0.0.0.0", true),
            ("app.localhost", true),
            ("willay.org.pe", false),
            ("192.0.2.7", false),
        ] {
            assert_eq!(is_local_host(host), local, "{host}");
        }
    }
}
