//! `willay subscribers …` and `willay lists …`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use tabled::Tabled;

use crate::app::{App, NoCatalogue};
use crate::domain::{Actor, ListName, SubscriberStatus};
use crate::store::now_millis;
use crate::subscribers::ImportReport;

#[derive(Debug, Subcommand)]
pub(super) enum SubscribersCommand {
    /// Import subscribers from a CSV file with the header `email,name,language,region`.
    ///
    /// Bad rows are reported by line number and skipped; good rows are imported.
    /// Re-importing updates names, languages and regions but never re-subscribes
    /// someone who unsubscribed.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Add everyone in the file to this list (it must exist: `willay lists create`).
        #[arg(long)]
        list: Option<String>,
        /// Status of new subscribers: `confirmed` when the file records their consent.
        #[arg(long, default_value = "confirmed")]
        status: SubscriberStatus,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum ListsCommand {
    /// Create a list.
    Create {
        /// Its name, e.g. `huancavelica-2026`.
        name: String,
    },
}

pub(super) async fn run(app: &App<NoCatalogue>, command: SubscribersCommand) -> anyhow::Result<()> {
    match command {
        SubscribersCommand::Import { file, list, status } => {
            let list = list.as_deref().map(ListName::parse).transpose()?;
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let source = file.display().to_string();
            let report = import_with_progress(app, reader, &source, list.as_ref(), status).await?;
            print_import(&source, &report)?;
            Ok(())
        }
    }
}

/// Imports with a progress bar when stderr is a terminal.
pub(super) async fn import_with_progress<R>(
    app: &App<R>,
    reader: impl std::io::Read,
    source: &str,
    list: Option<&ListName>,
    status: SubscriberStatus,
) -> anyhow::Result<ImportReport> {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
                .expect("a valid template")
                .progress_chars("=> "),
        )
    } else {
        ProgressBar::hidden()
    };
    bar.set_message("importing");
    let report = app
        .import_subscribers(reader, source, &Actor::Cli, list, status, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    Ok(report)
}

pub(super) fn print_import(source: &str, report: &ImportReport) -> std::io::Result<()> {
    for note in &report.rejected {
        note!("{source}: {note} (row skipped)");
    }
    for note in &report.warnings {
        note!("{source}: {note}");
    }
    outln!(
        "{source}: {} new, {} updated, {} rejected, {} warnings",
        report.summary.created,
        report.summary.updated,
        report.rejected.len(),
        report.warnings.len()
    )
}

#[derive(Tabled)]
struct ListRow {
    id: i64,
    name: String,
    members: i64,
    confirmed: i64,
}

pub(super) async fn run_lists(
    app: &App<NoCatalogue>,
    command: Option<ListsCommand>,
) -> anyhow::Result<()> {
    match command {
        Some(ListsCommand::Create { name }) => {
            let name = ListName::parse(&name)?;
            let (id, created) = app
                .store
                .ensure_list(&name, now_millis(), &Actor::Cli)
                .await?;
            if created {
                outln!("created list `{name}` (id {id})")?;
            } else {
                outln!("list `{name}` already exists (id {id})")?;
            }
        }
        None => {
            let rows: Vec<ListRow> = app
                .store
                .lists()
                .await?
                .into_iter()
                .map(|l| ListRow {
                    id: l.id,
                    name: l.name,
                    members: l.members,
                    confirmed: l.confirmed,
                })
                .collect();
            if rows.is_empty() {
                outln!("no lists yet: create one with `willay lists create NAME`")?;
            } else {
                outln!("{}", super::reach::table(rows))?;
            }
        }
    }
    Ok(())
}
