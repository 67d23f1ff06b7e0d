//! The Fluent message catalogue: `locales/<tag>/*.ftl`, one bundle per locale.
//!
//! Every file is parsed once at start-up; any syntax error refuses the whole
//! catalogue with file:line:column, because a half-loaded catalogue would send
//! people the wrong words. Adding a locale is adding a folder.

pub mod check;
mod negotiate;

use std::fmt;
use std::path::{Path, PathBuf};

use fluent::concurrent::FluentBundle;
use fluent::{FluentArgs, FluentError, FluentResource};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

pub use negotiate::Negotiator;

/// The locale every other locale falls back to, and the one translators follow.
pub const REFERENCE_LOCALE: &str = "es";

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

/// One locale's bundle.
struct Locale {
    id: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
    /// Ids of campaign messages (those with a `.subject`), sorted.
    campaign_messages: Vec<String>,
}

/// A campaign message in one locale, formatted for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalizedMessage {
    /// The locale actually used (after fallback).
    pub locale: LanguageIdentifier,
    /// `.subject`.
    pub subject: String,
    /// `.preheader`: the preview line mail clients show after the subject.
    pub preheader: String,
    /// The message value: the body, paragraphs separated by blank lines.
    pub body: String,
}

/// The loaded catalogue.
pub struct Catalogue {
    root: PathBuf,
    locales: Vec<Locale>,
    negotiator: Negotiator,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalogue")
            .field("root", &self.root)
            .field("locales", &self.locale_ids())
            .finish()
    }
}

impl Catalogue {
    /// Loads every `locales/<tag>/*.ftl` under `root`, refusing on any error.
    pub fn load(root: &Path) -> Result<Self, CatalogueError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| CatalogueError::Io { path, source }
        };
        let mut folders: Vec<PathBuf> = std::fs::read_dir(root)
            .map_err(io(root))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && !file_name(p).starts_with('.'))
            .collect();
        folders.sort();

        let mut syntax = Vec::new();
        let mut locales = Vec::new();
        for folder in folders {
            let name = file_name(&folder);
            let id: LanguageIdentifier =
                name.parse().map_err(|_| CatalogueError::LocaleFolder {
                    path: folder.clone(),
                    name: name.clone(),
                })?;
            let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
                .map_err(io(&folder))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
                .collect();
            files.sort();
            let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
            // Bidi isolation marks around placeables would leak into plain-text
            // mail as invisible characters; every shipped locale is left-to-right.
            bundle.set_use_isolating(false);
            bundle
                .add_builtins()
                .expect("builtins are added once to a fresh bundle");
            let mut campaign_messages = Vec::new();
            for file in files {
                let source = std::fs::read_to_string(&file).map_err(io(&file))?;
                let resource = match FluentResource::try_new(source) {
                    Ok(resource) => resource,
                    Err((resource, errors)) => {
                        syntax.extend(
                            errors
                                .iter()
                                .map(|e| syntax_error(&file, resource.source(), e)),
                        );
                        continue;
                    }
                };
                campaign_messages.extend(resource.entries().filter_map(|entry| match entry {
                    ast::Entry::Message(m)
                        if m.attributes.iter().any(|a| a.id.name == "subject") =>
                    {
                        Some(m.id.name.to_owned())
                    }
                    _ => None,
                }));
                if let Err(errors) = bundle.add_resource(resource) {
                    let id = errors
                        .iter()
                        .find_map(|e| match e {
                            FluentError::Overriding { id, .. } => Some(id.clone()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    return Err(CatalogueError::Duplicate {
                        path: file,
                        locale: name,
                        id,
                    });
                }
            }
            campaign_messages.sort();
            locales.push(Locale {
                id,
                bundle,
                campaign_messages,
            });
        }
        if !syntax.is_empty() {
            return Err(CatalogueError::Syntax(syntax));
        }
        let reference: LanguageIdentifier = REFERENCE_LOCALE.parse().expect("a valid tag");
        if !locales.iter().any(|l| l.id == reference) {
            return Err(CatalogueError::NoReference {
                root: root.to_owned(),
            });
        }
        let negotiator = Negotiator::new(locales.iter().map(|l| l.id.clone()).collect(), reference);
        Ok(Self {
            root: root.to_owned(),
            locales,
            negotiator,
        })
    }

    /// The folder the catalogue was loaded from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The locales it has, in folder order.
    pub fn locale_ids(&self) -> Vec<LanguageIdentifier> {
        self.locales.iter().map(|l| l.id.clone()).collect()
    }

    /// The locales to try for a subscriber's tag, best first.
    pub fn chain(&self, tag: &str) -> Vec<LanguageIdentifier> {
        self.negotiator.chain(tag)
    }

    /// Campaign message ids: reference-locale messages that have a `.subject`.
    pub fn campaign_messages(&self) -> Vec<String> {
        self.locale(&self.reference())
            .map(|l| l.campaign_messages.clone())
            .unwrap_or_default()
    }

    /// Whether `locale` itself (without fallback) has message `id`.
    pub fn has_message(&self, locale: &LanguageIdentifier, id: &str) -> bool {
        self.locale(locale)
            .is_some_and(|l| l.bundle.has_message(id))
    }

    /// The reference locale.
    pub fn reference(&self) -> LanguageIdentifier {
        REFERENCE_LOCALE.parse().expect("a valid tag")
    }

    /// Formats campaign message `id` in the first locale of `chain` that has it.
    pub fn localize(
        &self,
        id: &str,
        chain: &[LanguageIdentifier],
        args: &FluentArgs,
    ) -> Result<LocalizedMessage, CatalogueError> {
        let locale = self.first_with(id, chain)?;
        let message = locale.bundle.get_message(id).expect("first_with found it");
        let name = locale.id.to_string();
        let pattern = |attribute: &'static str| {
            message
                .get_attribute(attribute)
                .map(|a| a.value())
                .ok_or_else(|| CatalogueError::MissingAttribute {
                    id: id.to_owned(),
                    locale: name.clone(),
                    attribute,
                })
        };
        let body = message
            .value()
            .ok_or_else(|| CatalogueError::MissingValue {
                id: id.to_owned(),
                locale: name.clone(),
            })?;
        let (subject, preheader) = (pattern("subject")?, pattern("preheader")?);
        let mut errors = Vec::new();
        let mut format = |p| {
            locale
                .bundle
                .format_pattern(p, Some(args), &mut errors)
                .into_owned()
        };
        let localized = LocalizedMessage {
            locale: locale.id.clone(),
            subject: format(subject),
            preheader: format(preheader),
            body: format(body),
        };
        format_result(id, &name, errors, localized)
    }

    /// Formats plain message `id` (no attributes needed) along `chain`;
    /// returns the text and the locale it came from.
    pub fn format(
        &self,
        id: &str,
        chain: &[LanguageIdentifier],
        args: Option<&FluentArgs>,
    ) -> Result<(String, LanguageIdentifier), CatalogueError> {
        let locale = self.first_with(id, chain)?;
        let message = locale.bundle.get_message(id).expect("first_with found it");
        let name = locale.id.to_string();
        let pattern = message
            .value()
            .ok_or_else(|| CatalogueError::MissingValue {
                id: id.to_owned(),
                locale: name.clone(),
            })?;
        let mut errors = Vec::new();
        let text = locale
            .bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        format_result(id, &name, errors, (text, locale.id.clone()))
    }

    fn locale(&self, id: &LanguageIdentifier) -> Option<&Locale> {
        self.locales.iter().find(|l| &l.id == id)
    }

    fn first_with(
        &self,
        id: &str,
        chain: &[LanguageIdentifier],
    ) -> Result<&Locale, CatalogueError> {
        chain
            .iter()
            .filter_map(|l| self.locale(l))
            .find(|l| l.bundle.has_message(id))
            .ok_or_else(|| CatalogueError::UnknownMessage {
                id: id.to_owned(),
                known: self.campaign_messages(),
            })
    }
}

fn format_result<T>(
    id: &str,
    locale: &str,
    errors: Vec<FluentError>,
    value: T,
) -> Result<T, CatalogueError> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(CatalogueError::Format {
            id: id.to_owned(),
            locale: locale.to_owned(),
            errors: errors.iter().map(|e| e.to_string()).collect(),
        })
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A parser error as a [`SyntaxError`]; shared with `locales check` so both say the same.
fn syntax_error(
    path: &Path,
    source: &str,
    error: &fluent_syntax::parser::ParserError,
) -> SyntaxError {
    let (line, column) = line_column(source, error.pos.start);
    let mut message = error.kind.to_string();
    // The parser often notices a problem only where the next entry begins;
    // name the entry that holds the mistake too.
    if let Some(slice) = &error.slice {
        let (entry_line, _) = line_column(source, slice.start);
        if entry_line != line {
            message.push_str(&format!(" (in the entry starting on line {entry_line})"));
        }
    }
    SyntaxError {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// 1-based line and character column of byte `offset` in `source`.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = "a = b\nñandú = { $x\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        // "ñandú = " is 8 characters but 10 bytes.
        assert_eq!(line_column(src, 16), (2, 9));
    }
}
