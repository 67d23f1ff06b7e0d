//! The `willay` command line: parse, build the app, call the library, print.

/// `print!` to stdout that returns an error instead of panicking when stdout
/// is closed (`willay reach | head -1`); [`Cli::run`] then stops quietly.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout(), $($arg)*)
    }};
}

/// `println!` that returns an error instead of panicking on a closed stdout; see [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)
    }};
}

/// `eprintln!` that drops the line instead of panicking when stderr is closed
/// (`willay worker 2>&1 | head`): a note must never take a process down.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod audit;
mod bounces;
mod campaigns;
mod config;
mod demo;
mod dkim;
mod locales;
mod parse;
mod previews;
mod progress;
mod reach;
mod serve;
mod staff;
mod subscribers;
mod tokens;
mod worker;

use std::path::PathBuf;

pub use progress::above_bars;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::config::show::Layers;
use crate::config::{Settings, StartArgs};
use crate::store::{PoolSettings, Store, redact_url};

/// willay — multilingual awareness campaigns by email, with reach you can count.
#[derive(Debug, Parser)]
#[command(name = "willay", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    start: StartArgs,
    #[command(flatten)]
    settings: Settings,
    /// Where each setting came from, for `willay config show`.
    #[arg(skip)]
    layers: Layers,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or upgrade the database schema (also done automatically by every command).
    Migrate,
    /// Import and inspect subscribers.
    Subscribers {
        #[command(subcommand)]
        action: subscribers::SubscribersCommand,
    },
    /// Create and show subscriber lists (`willay lists` shows them).
    Lists {
        #[command(subcommand)]
        action: Option<subscribers::ListsCommand>,
    },
    /// Create, schedule, pause, resume and cancel campaigns.
    Campaigns {
        #[command(subcommand)]
        action: campaigns::CampaignsCommand,
    },
    /// Render a catalogue message for a language, as a subscriber would get it.
    Preview(previews::PreviewArgs),
    /// Check the catalogue and show each locale's completeness (`willay locales` lists them).
    /// Needs no database.
    Locales {
        #[command(subcommand)]
        action: Option<locales::LocalesCommand>,
    },
    /// Send due campaigns: the delivery worker.
    Worker(worker::WorkerCommand),
    /// Record bounced addresses (lists or DSN reports).
    Bounces {
        #[command(subcommand)]
        action: bounces::BouncesCommand,
    },
    /// DKIM helpers.
    Dkim {
        #[command(subcommand)]
        action: dkim::DkimCommand,
    },
    /// People reached, messages delivered and failures, from the delivery ledger.
    Reach(reach::ReachArgs),
    /// Run the web service: admin API, dashboard, public pages (and the worker).
    Serve(serve::ServeArgs),
    /// Staff members: add them with a role, list, remove, change roles, password links.
    Staff {
        #[command(subcommand)]
        action: staff::StaffCommand,
    },
    /// Create, list and revoke API tokens (for the API and the dashboard log-in).
    Tokens {
        #[command(subcommand)]
        action: tokens::TokensCommand,
    },
    /// The audit log, newest first: who did what and when (ids, never addresses).
    Audit(audit::AuditArgs),
    /// The effective settings and where each came from (`willay.toml`, the
    /// environment, flags). Needs no database.
    Config {
        #[command(subcommand)]
        action: config::ConfigCommand,
    },
    /// Run a demo campaign end to end in a fresh folder: import, send, report.
    Demo {
        /// Folder for the demo's database and outbox.
        #[arg(long, default_value = "willay-demo")]
        dir: PathBuf,
    },
}

impl Command {
    /// Whether the command renders messages or checks them against the
    /// catalogue; the others run without `locales/` (e.g. `willay reach` from
    /// any folder).
    fn needs_catalogue(&self) -> bool {
        match self {
            Command::Preview(_) | Command::Worker(_) => true,
            Command::Campaigns { action } => action.needs_catalogue(),
            // Serve, demo and locales load what they need themselves.
            _ => false,
        }
    }
}

impl Cli {
    /// The runtime the command runs on. `willay worker` gets one thread: it
    /// waits on sockets and the database, and waking tasks across threads
    /// cost more than its work (100,000 messages to smtp-sink: 9,300 msg/s on
    /// two threads, 10,200 on one, with less CPU). `serve` answers HTTP
    /// beside its worker and keeps every core.
    pub fn runtime(&self) -> std::io::Result<tokio::runtime::Runtime> {
        let mut builder = match self.command {
            Command::Worker(_) => tokio::runtime::Builder::new_current_thread(),
            _ => tokio::runtime::Builder::new_multi_thread(),
        };
        builder.enable_all().build()
    }

    /// Runs the parsed command to completion.
    ///
    /// A closed stdout (`willay preview … | head -1`) ends the command quietly
    /// and successfully: the reader has what it wanted.
    pub async fn run(self) -> anyhow::Result<()> {
        match self.run_command().await {
            Err(error) if is_broken_pipe(&error) => Ok(()),
            result => result,
        }
    }

    /// The log filter this process was started with (`--log`, `WILLAY_LOG`, `log` in the file).
    pub fn log_filter(&self) -> &str {
        &self.start.log
    }

    /// Notes about the configuration file to show before anything runs.
    pub fn config_warnings(&self) -> &[String] {
        &self.layers.file.warnings
    }

    async fn run_command(self) -> anyhow::Result<()> {
        let settings = self.settings;
        match self.command {
            Command::Migrate => migrate(&settings).await,
            Command::Locales { action } => locales::run(&settings.locales, action),
            Command::Demo { dir } => demo::run(settings, &dir).await,
            Command::Dkim { action } => dkim::run(&settings, action),
            Command::Config { action } => config::run(&self.layers, action),
            Command::Serve(args) => serve::run(settings, args).await,
            command if command.needs_catalogue() => {
                let app = App::build(settings.clone())
                    .await
                    .context("willay could not start")?;
                let result = match command {
                    Command::Campaigns { action } => campaigns::run_rendering(&app, action).await,
                    Command::Preview(args) => previews::preview(&app, args),
                    Command::Worker(args) => worker::run(&app, args).await,
                    _ => unreachable!("only these need the catalogue"),
                };
                app.store.close().await;
                result
            }
            command => {
                let app = App::connect(settings.clone())
                    .await
                    .context("willay could not start")?;
                let result = match command {
                    Command::Subscribers { action } => subscribers::run(&app, action).await,
                    Command::Lists { action } => subscribers::run_lists(&app, action).await,
                    Command::Campaigns { action } => campaigns::run(&app, action).await,
                    Command::Reach(args) => reach::run(&app, args).await,
                    Command::Bounces { action } => bounces::run(&app, action).await,
                    Command::Tokens { action } => tokens::run(&app, action).await,
                    Command::Staff { action } => staff::run(&app, action).await,
                    Command::Audit(args) => audit::run(&app, args).await,
                    _ => unreachable!("handled above"),
                };
                app.store.close().await;
                result
            }
        }
    }
}

/// Whether `error` comes from writing to a closed pipe.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store = Store::connect_without_migrating(&settings.database_url, &PoolSettings::default())
        .await
        .with_context(|| format!("cannot open {}", redact_url(&settings.database_url)))?;
    let applied = store.migrate().await?;
    outln!(
        "{}: {applied} migration(s) applied, schema up to date",
        redact_url(&settings.database_url)
    )?;
    store.close().await;
    Ok(())
}

/// A token cancelled by Ctrl-C or SIGTERM: stop claiming, finish in-flight sends.
pub fn shutdown_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let trigger = token.clone();
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("a SIGTERM handler can be installed");
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("stopping: finishing messages in flight");
        trigger.cancel();
    });
    token
}
