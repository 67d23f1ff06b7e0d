//! `willay config …`.

use clap::{CommandFactory, Subcommand};
use tabled::Tabled;

use super::Cli;
use crate::config::show::Layers;

#[derive(Debug, Subcommand)]
pub(super) enum ConfigCommand {
    /// Print every setting's effective value and where it came from: a flag,
    /// the environment, the configuration file or the default. Secrets are
    /// hidden; database and relay URLs lose their passwords.
    Show,
}

#[derive(Tabled)]
struct SettingRow {
    setting: String,
    value: String,
    from: String,
    #[tabled(rename = "environment")]
    env: String,
}

pub(super) fn run(layers: &Layers, action: ConfigCommand) -> anyhow::Result<()> {
    match action {
        ConfigCommand::Show => {
            match &layers.file.path {
                Some(path) => outln!("configuration file: {}", path.display())?,
                None => outln!("configuration file: none (see `willay --help`, --config)")?,
            }
            let rows = layers
                .effective(&Cli::command())
                .into_iter()
                .map(|setting| SettingRow {
                    setting: setting.key,
                    value: setting.value,
                    from: setting.source.to_string(),
                    env: setting.env,
                });
            outln!("{}", super::reach::table(rows))?;
            Ok(())
        }
    }
}
