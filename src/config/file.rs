//! `willay.toml`: the settings of a deployment in one file, beneath the
//! environment and the flags.
//!
//! clap declares every setting once — its flag, its environment variable, its
//! default — and layers flags over the environment. The file goes beneath
//! both: figment reads it, each value is checked by the setting's own parser,
//! and it becomes that setting's default before clap parses the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Arg, Command};
use figment::providers::{Format, Toml};
use figment::value::Value;
use figment::{Figment, Provider};

/// The file's name, looked for beside the database.
pub const FILE_NAME: &str = "willay.toml";

/// Why the configuration file cannot be used; nothing runs with half a file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// `--config` or `WILLAY_CONFIG` names a file that is not there.
    #[error("{path}: no such configuration file (named by --config or WILLAY_CONFIG)", path = path.display())]
    Missing {
        /// The named file.
        path: PathBuf,
    },
    /// Not TOML, or unreadable.
    #[error("{}: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// figment's account, with the line when the syntax is wrong.
        message: String,
    },
    /// A key that names no setting (a typo would otherwise be ignored silently).
    #[error("{}: `{key}` is not a willay setting; the file takes: {known}", path.display())]
    UnknownKey {
        /// The file.
        path: PathBuf,
        /// The key as written.
        key: String,
        /// Every key the file takes.
        known: String,
    },
    /// A list or a table where one value belongs.
    #[error("{}: `{key}` takes one value (text, a number or true/false), not a list or a table", path.display())]
    NotScalar {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
    },
    /// A value the setting's parser refuses.
    #[error("{}: `{key} = {value}`: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
        /// The value as written (never a secret's).
        value: String,
        /// What the setting expects.
        reason: String,
    },
}

/// Where the file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Named by `--config` or `WILLAY_CONFIG`: it must exist.
    Named(PathBuf),
    /// `willay.toml` beside the database (the current folder for PostgreSQL):
    /// used when present.
    BesideDatabase(PathBuf),
}

impl Origin {
    /// The file named, or else the one beside the database of `database_url`.
    pub fn find(named: Option<PathBuf>, database_url: &str) -> Self {
        match named {
            Some(path) => Origin::Named(path),
            None => {
                let folder = crate::store::sqlite_file(database_url)
                    .and_then(|file| file.parent().map(Path::to_owned))
                    .unwrap_or_default();
                Origin::BesideDatabase(folder.join(FILE_NAME))
            }
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        match self {
            Origin::Named(path) | Origin::BesideDatabase(path) => path,
        }
    }
}

/// The settings a configuration file holds, checked against the command line's declarations.
#[derive(Debug, Clone, Default)]
pub struct FileLayer {
    /// The file read, if one was.
    pub path: Option<PathBuf>,
    /// Raw values by clap argument id.
    values: BTreeMap<String, String>,
    /// Set when secrets sit in a file others may read.
    pub warnings: Vec<String>,
}

impl FileLayer {
    /// Reads the file at `origin` (an absent file beside the database is an
    /// empty layer) and checks every key and value against `command`.
    pub fn load(origin: &Origin, command: &Command) -> Result<Self, ConfigFileError> {
        let path = origin.path().to_owned();
        if !path.is_file() {
            return match origin {
                Origin::Named(_) => Err(ConfigFileError::Missing { path }),
                Origin::BesideDatabase(_) => Ok(Self::default()),
            };
        }
        let data = Figment::from(Toml::file_exact(&path))
            .data()
            .map_err(|error| ConfigFileError::Unreadable {
                path: path.clone(),
                message: error.to_string(),
            })?;
        let settings = settings(command);
        let mut layer = FileLayer {
            path: Some(path.clone()),
            ..Self::default()
        };
        let mut holds_secret = false;
        for (key, value) in data.into_values().flatten() {
            let Some(arg) = settings.iter().find(|arg| key_matches(arg, &key)) else {
                return Err(ConfigFileError::UnknownKey {
                    path,
                    known: settings
                        .iter()
                        .filter(|a| a.get_id() != super::CONFIG_ID)
                        .map(file_key)
                        .collect::<Vec<_>>()
                        .join(", "),
                    key,
                });
            };
            let raw = scalar(&value).ok_or_else(|| ConfigFileError::NotScalar {
                path: path.clone(),
                key: key.clone(),
            })?;
            check_value(arg, &raw).map_err(|reason| ConfigFileError::Invalid {
                path: path.clone(),
                value: if is_secret(arg) {
                    "…".into()
                } else {
                    raw.clone()
                },
                key: key.clone(),
                reason,
            })?;
            holds_secret |= is_secret(arg);
            layer.values.insert(arg.get_id().to_string(), raw);
        }
        if holds_secret && readable_by_others(&path) {
            layer.warnings.push(format!(
                "{} holds secrets and other users of this machine can read it: `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
        Ok(layer)
    }

    /// `command` with each setting the file holds as that setting's default,
    /// so the environment and the flags still win over it.
    pub fn apply(&self, command: Command) -> Command {
        let command = command.mut_args(|arg| match self.values.get(arg.get_id().as_str()) {
            Some(value) => arg.default_value(value.clone()),
            None => arg,
        });
        command.mut_subcommands(|sub| self.apply(sub))
    }

    /// The raw value the file gives a setting (by clap id).
    pub fn value(&self, id: &str) -> Option<&str> {
        self.values.get(id).map(String::as_str)
    }
}

/// Every setting of `command` and its subcommands: the arguments with an
/// environment variable, once each (the worker's appear under `serve` too).
pub fn settings(command: &Command) -> Vec<Arg> {
    let mut found: Vec<Arg> = Vec::new();
    collect(command, &mut found);
    found
}

fn collect(command: &Command, found: &mut Vec<Arg>) {
    for arg in command.get_arguments() {
        if arg.get_env().is_some() && !found.iter().any(|f| f.get_id() == arg.get_id()) {
            found.push(arg.clone());
        }
    }
    for sub in command.get_subcommands() {
        collect(sub, found);
    }
}

/// The key a setting has in the file: its flag's name (`smtp-url`).
pub fn file_key(arg: &Arg) -> String {
    arg.get_long()
        .map(str::to_owned)
        .unwrap_or_else(|| arg.get_id().to_string())
}

/// `smtp-url` and `smtp_url` both name `--smtp-url`; `config` is not a setting of the file.
fn key_matches(arg: &Arg, key: &str) -> bool {
    arg.get_id() != super::CONFIG_ID && file_key(arg) == key.replace('_', "-")
}

/// Settings whose values never print: passwords and keys.
pub fn is_secret(arg: &Arg) -> bool {
    arg.is_hide_env_values_set()
}

/// A TOML value as the text a flag would take.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(_, text) => Some(text.clone()),
        Value::Char(_, c) => Some(c.to_string()),
        Value::Bool(_, b) => Some(b.to_string()),
        Value::Num(_, n) => n
            .to_i128()
            .map(|i| i.to_string())
            .or_else(|| n.to_f64().map(|f| f.to_string())),
        Value::Dict(..) | Value::Array(..) | Value::Empty(..) => None,
    }
}

/// Runs the setting's own parser on `raw`, as if it were given as its flag.
fn check_value(arg: &Arg, raw: &str) -> Result<(), String> {
    let probe = arg
        .clone()
        .global(false)
        .required(false)
        .action(clap::ArgAction::Set)
        .default_value(None::<&str>)
        .env(None::<&str>);
    let long = format!("--{}", file_key(arg));
    let result = Command::new(FILE_NAME)
        .no_binary_name(true)
        .arg(probe)
        .try_get_matches_from([long.as_str(), raw]);
    match result {
        Ok(_) => Ok(()),
        Err(error) => {
            use std::error::Error as _;
            if let Some(source) = error.source() {
                return Err(source.to_string());
            }
            let possible: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|p| p.get_name().to_owned())
                .collect();
            if possible.is_empty() {
                Err(error.kind().to_string())
            } else {
                Err(format!("must be one of: {}", possible.join(", ")))
            }
        }
    }
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}
