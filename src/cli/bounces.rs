//! `willay bounces import`.

use std::path::PathBuf;

use clap::Subcommand;

use crate::app::{App, NoCatalogue};

#[derive(Debug, Subcommand)]
pub(super) enum BouncesCommand {
    /// Mark subscribers bounced from files: one address per line, or bounce
    /// reports (DSN `.eml` files, RFC 3464). Later campaigns skip them; reach
    /// counts them. Spam complaints (ARF abuse reports, RFC 5965) unsubscribe
    /// the person.
    Import {
        /// Address lists and/or DSN messages.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub(super) async fn run(app: &App<NoCatalogue>, command: BouncesCommand) -> anyhow::Result<()> {
    let BouncesCommand::Import { files } = command;
    let report = app.import_bounces(&files).await?;
    for (file, note) in &report.skipped {
        note!("{file}: {note} (skipped)");
    }
    outln!(
        "{} marked bounced, {} already bounced, {} unsubscribed after a complaint, \
         {} unknown address(es), {} skipped",
        report.marked,
        report.already,
        report.complaints,
        report.unknown,
        report.skipped.len()
    )?;
    Ok(())
}
