//! `willay dkim dns-record`.

use anyhow::Context;
use clap::Subcommand;

use crate::config::Settings;
use crate::mail::dkim;

#[derive(Debug, Subcommand)]
pub(super) enum DkimCommand {
    /// Print the DNS TXT record that publishes the configured DKIM key.
    DnsRecord,
}

pub(super) fn run(settings: &Settings, command: DkimCommand) -> anyhow::Result<()> {
    let DkimCommand::DnsRecord = command;
    let path = settings
        .dkim_key_file
        .as_ref()
        .context("no DKIM key configured: set WILLAY_DKIM_KEY_FILE (or --dkim-key-file)")?;
    let key =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let from: lettre::message::Mailbox = settings
        .from
        .parse()
        .with_context(|| format!("WILLAY_FROM `{}` is not a mailbox", settings.from))?;
    outln!(
        "{}",
        dkim::dns_record(
            from.email.domain(),
            &settings.dkim_selector,
            &key,
            settings.dkim_algorithm
        )?
    )?;
    Ok(())
}
