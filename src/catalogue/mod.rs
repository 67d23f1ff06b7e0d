//! The Fluent message catalogue: `locales/<tag>/*.ftl`, one bundle per locale.
//!
//! Every file is parsed once at start-up; any syntax error refuses the whole
//! catalogue with file:line:column, because a half-loaded catalogue would send
//! people the wrong words. Adding a locale is adding a folder.
//!
//! A translation that parses but does not format (an undefined term, an
//! unknown variable, a missing attribute) does not lose anyone: its readers get
//! the next locale of their chain, usually the reference.

pub mod check;
mod error;
mod loader;
mod names;
mod negotiate;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fluent::{FluentArgs, FluentError};
use unic_langid::LanguageIdentifier;

use self::check::Diagnostic;
pub use self::error::{CatalogueError, SyntaxError};
use self::loader::{FolderName, LocaleBundle, load_locale};
pub use self::names::{HAS_NAME_VARIABLE, NAME_VARIABLE, PERSON_VARIABLES, REFERENCE_LOCALE};
pub use self::negotiate::Negotiator;

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

/// Which locale a message comes from for one chain, and why earlier ones were passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<'a> {
    /// The locale whose words are used.
    pub locale: LanguageIdentifier,
    /// The `locales check` errors of translations earlier in the chain that
    /// have the message but cannot format it; empty when they simply lack it.
    pub skipped: Vec<&'a Diagnostic>,
}

/// The loaded catalogue.
pub struct Catalogue {
    root: PathBuf,
    locales: Vec<LocaleBundle>,
    negotiator: Negotiator,
    /// (locale, message) pairs that `locales check` finds errors in, with them:
    /// the renderer passes over these translations, so everyone in a locale
    /// gets the same (fallback) words and the campaign warnings can count them.
    broken: BTreeMap<(LanguageIdentifier, String), Vec<Diagnostic>>,
    /// Fallbacks already logged: one warning per (locale, message), not per person.
    warned: Mutex<HashSet<(LanguageIdentifier, String)>>,
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
    /// Loads every `locales/<tag>/*.ftl` under `root`, refusing on any syntax error.
    pub fn load(root: &Path) -> Result<Self, CatalogueError> {
        let mut syntax = Vec::new();
        let mut locales = Vec::new();
        let mut gathered = Vec::new();
        for folder in loader::locale_folders(root)? {
            let id = match &folder.kind {
                FolderName::Locale(id) => id.clone(),
                FolderName::NotATag => {
                    return Err(CatalogueError::LocaleFolder {
                        path: folder.path,
                        name: folder.name,
                    });
                }
                FolderName::NotALanguageCode => {
                    tracing::warn!(folder = %folder.path.display(),
                        "not a language code (two or three letters); its .ftl files are not loaded");
                    continue;
                }
            };
            let mut parsed = check::Gathered::new(id.to_string(), &folder.path, folder.files.len());
            locales.push(load_locale(id, &folder, &mut syntax, |path, resource| {
                parsed.file(path, resource);
            })?);
            gathered.push(parsed);
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
        let broken = check::broken_messages(root, gathered)
            .into_iter()
            .filter_map(|((locale, id), found)| Some(((locale.parse().ok()?, id), found)))
            .collect();
        let negotiator = Negotiator::new(locales.iter().map(|l| l.id.clone()).collect(), reference);
        Ok(Self {
            root: root.to_owned(),
            locales,
            negotiator,
            broken,
            warned: Mutex::default(),
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

    /// The `locales check` errors that stop message `id` formatting in `locale`.
    pub fn problems(&self, locale: &LanguageIdentifier, id: &str) -> &[Diagnostic] {
        self.broken
            .get(&(locale.clone(), id.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    /// Which locale of `chain` message `id` will come from: the first that has
    /// it and formats it, else the last that has it; `None` if none has it.
    pub fn resolve(&self, id: &str, chain: &[LanguageIdentifier]) -> Option<Resolution<'_>> {
        let candidates = self.candidates(id, chain);
        let mut skipped = Vec::new();
        for (i, locale) in candidates.iter().enumerate() {
            let problems = self.problems(&locale.id, id);
            if problems.is_empty() || i + 1 == candidates.len() {
                return Some(Resolution {
                    locale: locale.id.clone(),
                    skipped,
                });
            }
            skipped.extend(problems);
        }
        None
    }

    /// Formats campaign message `id` in the first locale of `chain` that has it
    /// and can format it.
    pub fn localize(
        &self,
        id: &str,
        chain: &[LanguageIdentifier],
        args: &FluentArgs,
    ) -> Result<LocalizedMessage, CatalogueError> {
        self.along(id, chain, |locale| {
            let message = locale.bundle.get_message(id).expect("a candidate has it");
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
        })
    }

    /// Formats plain message `id` (no attributes needed) along `chain`;
    /// returns the text and the locale it came from.
    pub fn format(
        &self,
        id: &str,
        chain: &[LanguageIdentifier],
        args: Option<&FluentArgs>,
    ) -> Result<(String, LanguageIdentifier), CatalogueError> {
        self.along(id, chain, |locale| {
            let message = locale.bundle.get_message(id).expect("a candidate has it");
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
        })
    }

    fn locale(&self, id: &LanguageIdentifier) -> Option<&LocaleBundle> {
        self.locales.iter().find(|l| &l.id == id)
    }

    /// The locales of `chain` that have message `id`, in order.
    fn candidates(&self, id: &str, chain: &[LanguageIdentifier]) -> Vec<&LocaleBundle> {
        let mut candidates: Vec<&LocaleBundle> = Vec::new();
        for locale in chain.iter().filter_map(|l| self.locale(l)) {
            if locale.bundle.has_message(id) && !candidates.iter().any(|c| c.id == locale.id) {
                candidates.push(locale);
            }
        }
        candidates
    }

    /// Produces message `id` with `produce` in the first locale of `chain` that
    /// can: translations the check found broken are passed over, and one that
    /// fails anyway is followed by the next. The last locale that has the message
    /// is always tried, so a failure there is the error returned.
    fn along<T>(
        &self,
        id: &str,
        chain: &[LanguageIdentifier],
        produce: impl Fn(&LocaleBundle) -> Result<T, CatalogueError>,
    ) -> Result<T, CatalogueError> {
        let candidates = self.candidates(id, chain);
        let Some((last, earlier)) = candidates.split_last() else {
            return Err(CatalogueError::UnknownMessage {
                id: id.to_owned(),
                known: self.campaign_messages(),
            });
        };
        for (i, locale) in earlier.iter().enumerate() {
            let reason = match self.problems(&locale.id, id).first() {
                Some(problem) => problem.to_string(),
                None => match produce(locale) {
                    Ok(value) => return Ok(value),
                    Err(error) => error.to_string(),
                },
            };
            self.warn_fallback(id, &locale.id, &candidates[i + 1].id, &reason);
        }
        produce(last)
    }

    /// Logs a fallback once per (locale, message): a campaign to ten thousand
    /// people must not write ten thousand warnings. Ids and locales only, never
    /// a person's name or address (the reason comes from the catalogue alone).
    fn warn_fallback(
        &self,
        id: &str,
        locale: &LanguageIdentifier,
        next: &LanguageIdentifier,
        reason: &str,
    ) {
        let first = self
            .warned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((locale.clone(), id.to_owned()));
        if first {
            tracing::warn!(message_id = id, %locale, fallback = %next, reason,
                "the message does not format in this locale; its readers get the fallback");
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::check::Code;

    /// A catalogue from `(path, text)` pairs under a temporary root.
    fn catalogue(files: &[(&str, &str)]) -> (tempfile::TempDir, Catalogue) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let catalogue = Catalogue::load(dir.path()).unwrap();
        (dir, catalogue)
    }

    fn rosa() -> FluentArgs<'static> {
        let mut args = FluentArgs::new();
        args.set(NAME_VARIABLE, "Rosa");
        args.set(HAS_NAME_VARIABLE, "yes");
        args
    }

    fn chain(tags: &[&str]) -> Vec<LanguageIdentifier> {
        tags.iter().map(|t| t.parse().unwrap()).collect()
    }

    const SPANISH: &str = "-org = Willay\n\
        msg = Hola desde { -org }\n    .subject = Asunto { $name }\n    .preheader = Antes\n";

    #[test]
    fn a_translation_the_check_finds_broken_is_passed_over() {
        let (_dir, c) = catalogue(&[
            ("es/a.ftl", SPANISH),
            // `-orgg` is not defined in `qu`: the check says so.
            (
                "qu/a.ftl",
                "msg = Allin { -orgg }\n    .subject = Q\n    .preheader = Q\n",
            ),
        ]);
        let args = rosa();
        let message = c.localize("msg", &chain(&["qu", "es"]), &args).unwrap();
        assert_eq!(message.locale.to_string(), "es");
        assert_eq!(message.subject, "Asunto Rosa");
        let resolved = c.resolve("msg", &chain(&["qu", "es"])).unwrap();
        assert_eq!(resolved.locale.to_string(), "es");
        assert_eq!(resolved.skipped.len(), 1);
        assert_eq!(resolved.skipped[0].code, Code::UndefinedTerm);
        // Alone in its chain, the broken translation is still tried, and fails.
        let err = c.localize("msg", &chain(&["qu"]), &args).unwrap_err();
        assert_eq!(
            err.to_string(),
            "message `msg` in locale `qu` does not format: Resolver error: Unknown term: -orgg"
        );
    }

    #[test]
    fn a_translation_that_fails_only_when_formatted_falls_back_too() {
        // No check rule knows functions: this fails only at formatting time.
        let (_dir, c) = catalogue(&[
            ("es/a.ftl", SPANISH),
            (
                "en/a.ftl",
                "msg = Hello { NOPE() }\n    .subject = S\n    .preheader = P\n",
            ),
        ]);
        assert_eq!(
            c.resolve("msg", &chain(&["en", "es"]))
                .unwrap()
                .locale
                .to_string(),
            "en"
        );
        let message = c.localize("msg", &chain(&["en", "es"]), &rosa()).unwrap();
        assert_eq!(message.locale.to_string(), "es");
        let (text, locale) = c.format("msg", &chain(&["en", "es"]), None).unwrap();
        assert_eq!(
            (text.as_str(), locale.to_string().as_str()),
            ("Hola desde Willay", "es")
        );
    }

    #[test]
    fn a_missing_attribute_falls_back_instead_of_failing() {
        let (_dir, c) = catalogue(&[
            ("es/a.ftl", SPANISH),
            ("qu/a.ftl", "-org = Willay\nmsg = Allin\n    .subject = Q\n"),
        ]);
        let message = c.localize("msg", &chain(&["qu", "es"]), &rosa()).unwrap();
        assert_eq!(message.locale.to_string(), "es");
    }
}
