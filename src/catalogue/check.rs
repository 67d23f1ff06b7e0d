//! `willay locales check`: parses every `.ftl` file and compares each
//! translation with the reference locale, returning typed diagnostics that the
//! CLI (and later the HTTP API) only has to print.
//!
//! Where a diagnostic points: a problem inside a file points at that place. A
//! message *missing* from a translation points at its definition in the
//! reference (`es`), because that is the text the translator copies; the
//! diagnostic's text names the translation file to add it to.
//!
//! It works on the folder alone (no database) and reports everything it finds
//! instead of stopping at the first problem, unlike [`super::Catalogue::load`].

mod broken;
mod compare;
mod diagnostic;
mod inventory;

use std::path::{Path, PathBuf};

use fluent::FluentResource;

pub(crate) use self::broken::broken_messages;
use self::compare::{check_campaign_messages, check_references, compare};
pub use self::diagnostic::{Code, Diagnostic, Severity};
use self::inventory::LocaleInventory;
use super::error::CatalogueError;
use super::loader::{FolderName, locale_folders};
use super::names::REFERENCE_LOCALE;

/// Completeness and review status of one locale.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LocaleSummary {
    /// The locale tag (its folder name).
    pub locale: String,
    /// How many `.ftl` files it has.
    pub files: usize,
    /// Reference messages this locale has.
    pub translated: usize,
    /// Messages the reference has.
    pub reference_messages: usize,
    /// Reference messages this locale lacks (sent in the reference language).
    pub missing: Vec<String>,
    /// The `### review: …` status of its files (`reference`, `done`, `pending`…),
    /// distinct values in file order; `unmarked` when no file says.
    pub review: Vec<String>,
    /// Messages and terms marked `# review: pending`.
    pub pending_entries: usize,
}

/// Everything `willay locales check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    /// The catalogue folder.
    pub root: PathBuf,
    /// Whether warnings were promoted to errors.
    pub strict: bool,
    /// Each locale, in folder order.
    pub locales: Vec<LocaleSummary>,
    /// `.ftl` files read.
    pub files: usize,
    /// Every finding, ordered by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    /// Findings that fail the check.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// Findings that do not fail the check.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// Whether the check fails.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The one-line summary printed after the diagnostics.
    pub fn summary(&self) -> String {
        let names: Vec<&str> = self.locales.iter().map(|l| l.locale.as_str()).collect();
        let names = if names.is_empty() {
            String::new()
        } else {
            format!(" ({})", names.join(", "))
        };
        format!(
            "checked {} locale(s){names}, {} file(s): {} error(s), {} warning(s){}",
            self.locales.len(),
            self.files,
            self.errors().count(),
            self.warnings().count(),
            if self.strict {
                " (--strict: warnings count as errors)"
            } else {
                ""
            }
        )
    }
}

/// Checks the catalogue under `root`; with `strict`, every warning becomes an error.
///
/// Fails only when a folder or file cannot be read: problems in the files are
/// diagnostics, all of them reported in one run.
pub fn check(root: &Path, strict: bool) -> Result<CheckReport, CatalogueError> {
    let (locales, found) = read(root)?;
    Ok(run(root, strict, &locales, found))
}

/// What the check needs of one locale's files, gathered while
/// [`super::Catalogue::load`] parses them, so that they are not read and
/// parsed again.
///
/// The catalogue's parser drops comments, and with them the `# review:` marks
/// on entries; which messages break does not depend on them.
pub(crate) struct Gathered {
    locale: LocaleInventory,
    found: Vec<Diagnostic>,
}

impl Gathered {
    /// Locale `name`, of folder `folder`, which has `files` `.ftl` files.
    pub(crate) fn new(name: String, folder: &Path, files: usize) -> Self {
        Self {
            locale: LocaleInventory::new(name, folder, files),
            found: Vec::new(),
        }
    }

    /// Adds one of its files, as parsed.
    pub(crate) fn file(&mut self, path: &Path, resource: &FluentResource) {
        self.locale
            .add_file(path, resource.source(), resource.entries(), &mut self.found);
    }
}

/// Every locale folder's files read and parsed, and the folders that are not locales.
fn read(root: &Path) -> Result<(Vec<LocaleInventory>, Vec<Diagnostic>), CatalogueError> {
    let mut out = Vec::new();
    let mut locales = Vec::new();
    for folder in locale_folders(root)? {
        let name = folder.name.clone();
        match &folder.kind {
            FolderName::Locale(id) => locales.push(LocaleInventory::read(
                id.to_string(),
                &folder.path,
                &folder.files,
                &mut out,
            )?),
            FolderName::NotATag => out.push(Diagnostic::whole(
                Severity::Error,
                Code::LocaleFolder,
                &name,
                &folder.path,
                format!(
                    "the folder name `{name}` is not a language tag (e.g. `es`, `qu`, `ay`); \
                     its files are not loaded"
                ),
            )),
            // Not an error: willay runs without it, and a translator's drafts
            // folder must not stop anyone; but the files in it are not used.
            FolderName::NotALanguageCode => out.push(Diagnostic::whole(
                Severity::Warning,
                Code::LocaleFolder,
                &name,
                &folder.path,
                format!(
                    "the folder name `{name}` is not a language code (two or three letters, \
                     e.g. `ay`, `cni`, `es-PE`), so willay does not load its files; rename it \
                     to add a language, or move it out of the catalogue"
                ),
            )),
        }
    }
    Ok((locales, out))
}

/// The check of what was read: `found` holds what reading found.
fn run(
    root: &Path,
    strict: bool,
    locales: &[LocaleInventory],
    found: Vec<Diagnostic>,
) -> CheckReport {
    let mut out = found;
    for locale in locales {
        check_references(locale, locales, &mut out);
    }
    match locales.iter().find(|l| l.name == REFERENCE_LOCALE) {
        None => out.push(Diagnostic::whole(
            Severity::Error,
            Code::NoReference,
            REFERENCE_LOCALE,
            root,
            format!(
                "there is no `{REFERENCE_LOCALE}` folder: it is the reference every locale \
                 falls back to and is compared with"
            ),
        )),
        Some(reference) => {
            check_campaign_messages(reference, &mut out);
            for translation in locales.iter().filter(|l| l.name != REFERENCE_LOCALE) {
                compare(reference, translation, &mut out);
            }
        }
    }

    if strict {
        for diagnostic in &mut out {
            diagnostic.severity = Severity::Error;
        }
    }
    out.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.locale, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.locale, &b.message))
    });
    let reference = locales.iter().find(|l| l.name == REFERENCE_LOCALE);
    CheckReport {
        root: root.to_owned(),
        strict,
        files: locales.iter().map(|l| l.files).sum(),
        locales: locales.iter().map(|l| summarise(l, reference)).collect(),
        diagnostics: out,
    }
}

fn summarise(locale: &LocaleInventory, reference: Option<&LocaleInventory>) -> LocaleSummary {
    let wanted: Vec<&String> = reference
        .map(|r| r.messages.keys().collect())
        .unwrap_or_default();
    let missing: Vec<String> = wanted
        .iter()
        .filter(|id| !locale.messages.contains_key(id.as_str()))
        .map(|id| (*id).clone())
        .collect();
    let mut review: Vec<String> = Vec::new();
    for status in &locale.review {
        if !review.contains(status) {
            review.push(status.clone());
        }
    }
    if review.is_empty() {
        review.push("unmarked".into());
    }
    LocaleSummary {
        locale: locale.name.clone(),
        files: locale.files,
        translated: wanted.len() - missing.len(),
        reference_messages: wanted.len(),
        missing,
        review,
        pending_entries: locale
            .messages
            .values()
            .chain(locale.terms.values())
            .filter(|e| e.review_pending)
            .count(),
    }
}
