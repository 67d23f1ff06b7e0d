//! Parsing the command line over `willay.toml`: the file's values become the
//! settings' defaults, so the environment and the flags still win.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::Cli;
use crate::config::CONFIG_ID;
use crate::config::file::{ConfigFileError, FileLayer, Origin};
use crate::config::show::Layers;

impl Cli {
    /// Parses `args` (the program name first) over the configuration file.
    /// Usage errors, `--help` and `--version` are clap's to print (and exit);
    /// a file that cannot be used is an error, never silently skipped.
    pub fn parse_layered<I>(args: I) -> Result<Self, ConfigFileError>
    where
        I: IntoIterator<Item = OsString>,
    {
        let args: Vec<OsString> = args.into_iter().collect();
        let origin = find_file(&args);
        let layer = FileLayer::load(&origin, &Cli::command())?;
        let mut matches = layer
            .apply(Cli::command())
            .try_get_matches_from(&args)
            .unwrap_or_else(|error| error.exit());
        let flags = given_as_flags(&matches);
        let mut cli = Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|error| error.exit());
        cli.layers = Layers { file: layer, flags };
        Ok(cli)
    }
}

/// The file `--config`/`WILLAY_CONFIG` names, or the one beside the database
/// the command line or the environment names (the file cannot move itself).
fn find_file(args: &[OsString]) -> Origin {
    // Only two settings matter here; errors and --help are the second parse's.
    let first = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args);
    let (named, database_url) = match &first {
        Ok(matches) => (
            matches.get_one::<PathBuf>(CONFIG_ID).cloned(),
            matches.get_one::<String>("database_url").cloned(),
        ),
        Err(_) => (None, None),
    };
    let database_url = database_url.unwrap_or_else(default_database_url);
    Origin::find(named, &database_url)
}

/// The database URL clap declares as the default.
fn default_database_url() -> String {
    Cli::command()
        .get_arguments()
        .find(|arg| arg.get_id() == "database_url")
        .and_then(|arg| arg.get_default_values().first())
        .map(|value| value.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The global settings given on the command line, for `willay config show`
/// (which takes no others).
fn given_as_flags(matches: &ArgMatches) -> std::collections::BTreeMap<String, String> {
    Cli::command()
        .get_arguments()
        .filter_map(|arg| {
            let id = arg.get_id().as_str();
            (matches.value_source(id) == Some(ValueSource::CommandLine))
                .then(|| matches.get_raw(id))
                .flatten()
                .and_then(|mut values| values.next())
                .map(|value| (id.to_owned(), value.to_string_lossy().into_owned()))
        })
        .collect()
}
