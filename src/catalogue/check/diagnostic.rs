//! What `locales check` reports: findings with a severity, a stable code and
//! the place they point at.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors fail the check, warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Mail would fail or show the wrong words.
    Error,
    /// Incomplete, but people still get a message (in the fallback language).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A stable, machine-readable kind of diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// The file does not parse.
    Syntax,
    /// A message or term defined twice in one locale.
    Duplicate,
    /// A folder of `.ftl` files whose name is not a language code.
    LocaleFolder,
    /// There is no reference (`es`) folder.
    NoReference,
    /// A reference message that a translation lacks (the reference text is sent instead).
    MissingMessage,
    /// A message that has attributes but no text where the reference has text.
    MissingValue,
    /// An attribute (`.subject`, `.preheader`, …) the reference has and the translation lacks.
    MissingAttribute,
    /// An attribute the reference does not have.
    ExtraAttribute,
    /// A `$variable` used in one locale and not in the other.
    VariableMismatch,
    /// A `-term` used but not defined in that locale.
    UndefinedTerm,
    /// A message reference to a message not defined in that locale.
    UndefinedMessage,
    /// A message that only a translation has.
    ExtraMessage,
}

impl Code {
    /// The code as printed and in JSON, e.g. `missing-message`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::Duplicate => "duplicate",
            Code::LocaleFolder => "locale-folder",
            Code::NoReference => "no-reference",
            Code::MissingMessage => "missing-message",
            Code::MissingValue => "missing-value",
            Code::MissingAttribute => "missing-attribute",
            Code::ExtraAttribute => "extra-attribute",
            Code::VariableMismatch => "variable-mismatch",
            Code::UndefinedTerm => "undefined-term",
            Code::UndefinedMessage => "undefined-message",
            Code::ExtraMessage => "extra-message",
        }
    }

    /// Whether an error of this kind stops the entry it is in from formatting.
    pub(super) fn breaks_formatting(self) -> bool {
        matches!(
            self,
            Code::MissingValue
                | Code::MissingAttribute
                | Code::VariableMismatch
                | Code::UndefinedTerm
                | Code::UndefinedMessage
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, at a file and (when it concerns a place in a file) line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning (after `--strict` promotion).
    pub severity: Severity,
    /// The locale the finding is about (for a missing message: the translation).
    pub locale: String,
    /// The file it points at (for a missing message: the reference file).
    pub file: PathBuf,
    /// 1-based line; `None` for a finding about a whole folder.
    pub line: Option<usize>,
    /// 1-based column, in characters; `None` with `line`.
    pub column: Option<usize>,
    /// The stable machine code.
    pub code: Code,
    /// What is wrong and what to do, for a translator.
    pub message: String,
    /// The message or term (`-name`) the finding is inside, if any; not in the
    /// JSON output, which stays as it was.
    #[serde(skip)]
    pub entry: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}: {} [{}]", self.severity, self.message, self.code)
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

impl Diagnostic {
    pub(super) fn at(
        severity: Severity,
        code: Code,
        locale: &str,
        at: &Location,
        message: String,
    ) -> Self {
        Self {
            severity,
            locale: locale.to_owned(),
            file: at.file.clone(),
            line: Some(at.line),
            column: Some(at.column),
            code,
            message,
            entry: None,
        }
    }

    /// The same finding, marked as inside message or term `id`.
    pub(super) fn inside(mut self, id: &str) -> Self {
        self.entry = Some(id.to_owned());
        self
    }

    pub(super) fn whole(
        severity: Severity,
        code: Code,
        locale: &str,
        path: &Path,
        message: String,
    ) -> Self {
        Self {
            severity,
            locale: locale.to_owned(),
            file: path.to_owned(),
            line: None,
            column: None,
            code,
            message,
            entry: None,
        }
    }
}
