//! `willay config show`: every setting's effective value and where it came
//! from, secrets hidden.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use clap::Arg;

use super::file::{self, FileLayer};
use crate::store::redact_url;

/// Where a setting's effective value came from, highest layer first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable, by name.
    Environment(String),
    /// The configuration file.
    File(PathBuf),
    /// willay's built-in default.
    Default,
    /// Nothing sets it, and it has no default.
    Unset,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Environment(name) => write!(f, "environment {name}"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Default => f.write_str("default"),
            Source::Unset => f.write_str("-"),
        }
    }
}

/// One setting as the process sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// Its key in the file, which is its flag's name.
    pub key: String,
    /// Its environment variable.
    pub env: String,
    /// The value, safe to print: secrets hidden, passwords out of URLs.
    pub value: String,
    /// Where the value came from.
    pub source: Source,
}

/// The layers a process parsed its settings from: the file, and the flags
/// given on its command line (raw values by clap id).
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// The configuration file's settings.
    pub file: FileLayer,
    /// Settings given as flags.
    pub flags: BTreeMap<String, String>,
}

impl Layers {
    /// Every setting of `command` with its effective value and source: flag >
    /// environment > file > default. The worker's and the web service's
    /// settings are shown as those commands would see them without flags.
    pub fn effective(&self, command: &clap::Command) -> Vec<Effective> {
        file::settings(command)
            .iter()
            .filter(|arg| arg.get_id() != super::CONFIG_ID)
            .map(|arg| self.setting(arg))
            .collect()
    }

    fn setting(&self, arg: &Arg) -> Effective {
        let id = arg.get_id().as_str();
        let env = arg
            .get_env()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let from_env = std::env::var(&env).ok().filter(|value| !value.is_empty());
        // A switch (`--allow-insecure-links`) is off unless set; clap gives it
        // that default only when it builds the command.
        let default = arg
            .get_default_values()
            .first()
            .map(|value| value.to_string_lossy().into_owned())
            .or_else(|| {
                matches!(arg.get_action(), clap::ArgAction::SetTrue).then(|| "false".into())
            });
        let (raw, source) = if let Some(value) = self.flags.get(id) {
            (Some(value.clone()), Source::Flag)
        } else if let Some(value) = from_env {
            (Some(value), Source::Environment(env.clone()))
        } else if let (Some(value), Some(path)) = (self.file.value(id), &self.file.path) {
            (Some(value.to_owned()), Source::File(path.clone()))
        } else if default.is_some() {
            (default, Source::Default)
        } else {
            (None, Source::Unset)
        };
        Effective {
            key: file::file_key(arg),
            env,
            value: shown(arg, raw.as_deref()),
            source,
        }
    }
}

/// A value as it may be printed: a secret URL loses its password, any other
/// secret shows only that it is set.
fn shown(arg: &Arg, raw: Option<&str>) -> String {
    match raw {
        None => "-".into(),
        Some(value) if !file::is_secret(arg) => value.to_owned(),
        Some(value) if url::Url::parse(value).is_ok_and(|u| u.has_host()) => redact_url(value),
        Some(_) => "(set, hidden)".into(),
    }
}
