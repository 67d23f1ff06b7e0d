//! Why the catalogue cannot be loaded, or a message cannot be produced.

use std::fmt;
use std::path::PathBuf;

use super::names::REFERENCE_LOCALE;

/// A syntax error at a precise place in a `.ftl` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What the parser expected.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Why the catalogue cannot be loaded or a message cannot be produced.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The folder or a file could not be read.
    #[error("cannot read the catalogue at {path}: {source}")]
    Io {
        /// What we tried to read.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// One or more `.ftl` files do not parse.
    #[error("the catalogue has {} syntax error(s):\n{}", .0.len(), join_lines(.0))]
    Syntax(Vec<SyntaxError>),
    /// A folder under `locales/` whose name is not a language tag.
    #[error("{path}: the folder name `{name}` is not a language tag (e.g. `es`, `qu`, `ay`)")]
    LocaleFolder {
        /// The folder.
        path: PathBuf,
        /// Its name.
        name: String,
    },
    /// The reference locale is missing.
    #[error(
        "{root} has no `{REFERENCE_LOCALE}` folder: it is the reference every locale falls back to"
    )]
    NoReference {
        /// The catalogue root.
        root: PathBuf,
    },
    /// The same message or term defined twice within a locale.
    #[error("{path}: `{id}` is already defined in another file of locale `{locale}`")]
    Duplicate {
        /// The file that repeats it.
        path: PathBuf,
        /// The locale.
        locale: String,
        /// The message or term id.
        id: String,
    },
    /// No locale has the message.
    #[error("message `{id}` is not in the catalogue (messages: {})", .known.join(", "))]
    UnknownMessage {
        /// The id asked for.
        id: String,
        /// What the reference locale offers.
        known: Vec<String>,
    },
    /// A campaign message without a required attribute.
    #[error("message `{id}` in locale `{locale}` has no `.{attribute}` attribute")]
    MissingAttribute {
        /// The message.
        id: String,
        /// The locale.
        locale: String,
        /// The attribute.
        attribute: &'static str,
    },
    /// A campaign message without body text.
    #[error("message `{id}` in locale `{locale}` has no text (only attributes)")]
    MissingValue {
        /// The message.
        id: String,
        /// The locale.
        locale: String,
    },
    /// Formatting failed: an unknown variable, term or message reference.
    #[error("message `{id}` in locale `{locale}` does not format: {}", .errors.join("; "))]
    Format {
        /// The message.
        id: String,
        /// The locale.
        locale: String,
        /// What fluent reported.
        errors: Vec<String>,
    },
}

fn join_lines(errors: &[SyntaxError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}
