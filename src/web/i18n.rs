//! Public pages in the visitor's language: `?lang=` first, then the
//! browser's `Accept-Language`, negotiated with the catalogue's own negotiator
//! (so `quz-PE` finds `qu`), words from `locales/*/web.ftl`.

use axum::http::{HeaderMap, header};
use fluent::{FluentArgs, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::catalogue::Catalogue;

/// The words of one page, in one negotiated locale chain.
pub struct PageText<'a> {
    catalogue: &'a Catalogue,
    chain: Vec<LanguageIdentifier>,
}

impl<'a> PageText<'a> {
    /// PageText along the chain a single tag negotiates to.
    pub fn for_tag(catalogue: &'a Catalogue, tag: &str) -> Self {
        Self {
            chain: catalogue.chain(tag),
            catalogue,
        }
    }

    /// PageText for a request: `?lang=` (or a form's `lang`), else `Accept-Language`.
    pub fn for_request(
        catalogue: &'a Catalogue,
        chosen: Option<&str>,
        headers: &HeaderMap,
    ) -> Self {
        if let Some(tag) = chosen.filter(|t| !t.trim().is_empty()) {
            return Self::for_tag(catalogue, tag);
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Self {
            chain: negotiate_accept_language(catalogue, accept),
            catalogue,
        }
    }

    /// The catalogue the words come from.
    pub fn catalogue(&self) -> &'a Catalogue {
        self.catalogue
    }

    /// The page's language tag (the locale words come from first).
    pub fn lang(&self) -> String {
        self.chain
            .first()
            .map(ToString::to_string)
            .unwrap_or_else(|| self.catalogue.reference().to_string())
    }

    /// The message `id`; its id itself if no locale has it (a bug the locale check catches).
    pub fn get(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn with(&self, id: &str, name: &str, value: impl Into<FluentValue<'static>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.into());
        self.format(id, Some(&args))
    }

    /// The message `id` with arguments.
    pub fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        match self.catalogue.format(id, &self.chain, args) {
            Ok((text, _)) => text,
            Err(error) => {
                tracing::warn!(%error, "web string missing");
                id.to_owned()
            }
        }
    }

    /// Every locale with its own name, for the language switcher.
    pub fn languages(&self) -> Vec<Language> {
        let current = self.lang();
        self.catalogue
            .locale_ids()
            .into_iter()
            .map(|id| {
                let tag = id.to_string();
                let name = self
                    .catalogue
                    .format("web-language-name", &[id], None)
                    .map(|(t, _)| t)
                    .unwrap_or_else(|_| tag.clone());
                Language {
                    current: tag == current,
                    tag,
                    name,
                }
            })
            .collect()
    }
}

/// A language the visitor can switch to.
pub struct Language {
    /// Its tag, e.g. `qu`.
    pub tag: String,
    /// Its name in itself, e.g. `Runasimi`.
    pub name: String,
    /// Whether the page is in it.
    pub current: bool,
}

/// The best chain for an `Accept-Language` header: the requested tags by
/// quality (fluent-langneg's parser keeps header order and ignores `q`), the
/// first that the catalogue really has; else the reference locale.
pub fn negotiate_accept_language(catalogue: &Catalogue, header: &str) -> Vec<LanguageIdentifier> {
    let mut requested: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty() && tag != "*").then_some((q, tag))
        })
        .collect();
    // Stable: equal qualities keep the browser's order.
    requested.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, tag) in requested {
        for wanted in fluent_langneg::accepted_languages::parse(tag) {
            let chain = catalogue.chain(&wanted.to_string());
            // A chain of one is the reference: a real match only if it was asked for.
            if chain.len() > 1 || chain.first().is_some_and(|l| l.language == wanted.language) {
                return chain;
            }
        }
    }
    vec![catalogue.reference()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")).unwrap()
    }

    #[test]
    fn accept_language_finds_the_first_locale_we_have() {
        let c = catalogue();
        let first = |h: &str| negotiate_accept_language(&c, h)[0].to_string();
        assert_eq!(first("quz-PE,es;q=0.8"), "qu");
        assert_eq!(first("fr-FR, en;q=0.5, es;q=0.3"), "en");
        assert_eq!(first("es-PE, en;q=0.9"), "es");
        assert_eq!(first("de, fr"), "es");
        assert_eq!(first(""), "es");
        assert_eq!(first("en;q=0.2, qu;q=0.9"), "qu");
        assert_eq!(first("en;q=0, es"), "es");
    }

    #[test]
    fn every_web_string_exists_in_every_locale() {
        let c = catalogue();
        let reference = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/es/web.ftl"),
        )
        .unwrap();
        let ids: Vec<&str> = reference
            .lines()
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id))
            .filter(|id| id.starts_with("web-"))
            .collect();
        assert!(ids.len() > 20, "{ids:?}");
        for locale in c.locale_ids() {
            for id in &ids {
                assert!(c.has_message(&locale, id), "{locale} lacks {id}");
            }
        }
    }
}
