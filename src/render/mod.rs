//! Turns a catalogue message into the text and HTML a person reads.
//!
//! The catalogue gives the words; the askama templates in `templates/email/` give
//! the layout. Everything that does not depend on the person (the footer in each
//! locale) is formatted once, when the renderer is built.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use fluent::{FluentArgs, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::catalogue::{Catalogue, CatalogueError, HAS_NAME_VARIABLE, NAME_VARIABLE};

/// Why a message could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The catalogue could not produce the words.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A template failed (a bug: templates are checked at compile time).
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
}

/// The footer strings of one locale.
#[derive(Debug, Clone)]
pub struct Footer {
    /// Where to get help (the helpline).
    pub help: String,
    /// Why the person receives this.
    pub reason: String,
    /// The unsubscribe link's label.
    pub unsubscribe: String,
    /// The plain-text sentence before the unsubscribe URL.
    pub unsubscribe_text: String,
    /// The no-tracking promise.
    pub privacy: String,
}

const FOOTER_IDS: [&str; 5] = [
    "email-footer-help",
    "email-footer-reason",
    "email-footer-unsubscribe",
    "email-footer-unsubscribe-text",
    "email-footer-privacy",
];

/// One person's message, ready to be put into MIME.
#[derive(Debug, Clone)]
pub struct RenderedEmail {
    /// The locale the words came from (after fallback).
    pub locale: LanguageIdentifier,
    /// The subject line.
    pub subject: String,
    /// The preview line.
    pub preheader: String,
    /// The `text/plain` alternative.
    pub text: String,
    /// The `text/html` alternative.
    pub html: String,
}

/// The person-specific inputs of a render.
#[derive(Debug, Clone, Copy)]
pub struct Personalisation<'a> {
    /// Their language tag as stored (any form; negotiated here).
    pub language: &'a str,
    /// Their name; may be empty.
    pub name: &'a str,
    /// Their signed unsubscribe URL.
    pub unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlEmail<'a> {
    lang: &'a str,
    subject: &'a str,
    preheader: &'a str,
    paragraphs: &'a [&'a str],
    footer: &'a Footer,
    unsubscribe_url: &'a str,
    postal_address: &'a str,
}

#[derive(Template)]
#[template(path = "email/message.txt")]
struct TextEmail<'a> {
    paragraphs: &'a [&'a str],
    footer: &'a Footer,
    unsubscribe_url: &'a str,
    postal_address: &'a str,
}

/// Renders catalogue messages for people; built once, shared by every send.
#[derive(Debug)]
pub struct Renderer {
    catalogue: Arc<Catalogue>,
    footers: HashMap<LanguageIdentifier, Footer>,
    postal_address: String,
}

impl Renderer {
    /// Formats every locale's footer up front; refuses if the reference lacks one.
    ///
    /// A footer line a translation cannot format falls back to the reference's.
    pub fn new(catalogue: Arc<Catalogue>, postal_address: String) -> Result<Self, RenderError> {
        let reference = catalogue.reference();
        let mut footers = HashMap::new();
        for locale in catalogue.locale_ids() {
            let chain = [locale.clone(), reference.clone()];
            let [help, reason, unsubscribe, unsubscribe_text, privacy] =
                FOOTER_IDS.map(|id| catalogue.format(id, &chain, None).map(|(text, _)| text));
            footers.insert(
                locale,
                Footer {
                    help: help?,
                    reason: reason?,
                    unsubscribe: unsubscribe?,
                    unsubscribe_text: unsubscribe_text?,
                    privacy: privacy?,
                },
            );
        }
        Ok(Self {
            catalogue,
            footers,
            postal_address,
        })
    }

    /// The catalogue it renders from.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Renders `message_id` for one person in their best available locale.
    pub fn render(
        &self,
        message_id: &str,
        person: Personalisation<'_>,
    ) -> Result<RenderedEmail, RenderError> {
        let chain = self.catalogue.chain(person.language);
        self.render_in(message_id, &chain, person)
    }

    /// Renders `message_id` along an explicit locale chain (previews).
    ///
    /// A translation that does not format is passed over for the next locale
    /// of the chain; the result's `locale` says which one was used.
    pub fn render_in(
        &self,
        message_id: &str,
        chain: &[LanguageIdentifier],
        person: Personalisation<'_>,
    ) -> Result<RenderedEmail, RenderError> {
        let args = person_args(person.name);
        let message = self.catalogue.localize(message_id, chain, &args)?;
        let footer = &self.footers[&message.locale];
        let paragraphs: Vec<&str> = message
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let lang = message.locale.to_string();
        let html = HtmlEmail {
            lang: &lang,
            subject: &message.subject,
            preheader: &message.preheader,
            paragraphs: &paragraphs,
            footer,
            unsubscribe_url: person.unsubscribe_url,
            postal_address: &self.postal_address,
        }
        .render()?;
        let text = TextEmail {
            paragraphs: &paragraphs,
            footer,
            unsubscribe_url: person.unsubscribe_url,
            postal_address: &self.postal_address,
        }
        .render()?;
        Ok(RenderedEmail {
            locale: message.locale,
            subject: message.subject,
            preheader: message.preheader,
            text,
            html,
        })
    }
}

/// The variables every campaign message is given: exactly
/// [`crate::catalogue::PERSON_VARIABLES`], which `locales check` accepts.
fn person_args(name: &str) -> FluentArgs<'_> {
    let name = name.trim();
    let mut args = FluentArgs::new();
    args.set(NAME_VARIABLE, FluentValue::from(name));
    args.set(
        HAS_NAME_VARIABLE,
        if name.is_empty() { "no" } else { "yes" },
    );
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::PERSON_VARIABLES;

    #[test]
    fn every_message_gets_exactly_the_person_variables_the_check_accepts() {
        for name in ["Rosa", "  ", ""] {
            let args = person_args(name);
            let mut given: Vec<&str> = args.iter().map(|(key, _)| key).collect();
            given.sort_unstable();
            let mut accepted = PERSON_VARIABLES.to_vec();
            accepted.sort_unstable();
            assert_eq!(given, accepted, "{name:?}");
        }
    }
}
