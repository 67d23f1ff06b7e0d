//! From a subscriber's language tag to the chain of catalogue locales to try.

use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

use crate::domain::LanguageTag;

/// Individual languages folded into the macrolanguage a catalogue is written in
/// (ISO 639-3). fluent-langneg matches subtags literally, so `quz-PE` (Cusco
/// Quechua) would never meet `qu` without this table.
const MACROLANGUAGES: &[(&str, &[&str])] = &[
    (
        "qu",
        &[
            "qub", "qud", "quf", "qug", "quh", "quk", "qul", "qup", "qur", "qus", "quw", "qux",
            "quy", "quz", "qva", "qvc", "qve", "qvh", "qvi", "qvj", "qvl", "qvm", "qvn", "qvo",
            "qvp", "qvs", "qvw", "qvz", "qwa", "qwc", "qwh", "qws", "qxa", "qxc", "qxh", "qxl",
            "qxn", "qxo", "qxp", "qxr", "qxt", "qxu", "qxw",
        ],
    ),
    ("ay", &["ayc", "ayr"]),
    ("gn", &["gnw", "gug", "gui", "gun", "nhd"]),
];

/// Negotiates subscriber tags against the locales a catalogue has.
#[derive(Debug, Clone)]
pub struct Negotiator {
    available: Vec<LanguageIdentifier>,
    default: LanguageIdentifier,
}

impl Negotiator {
    /// A negotiator over `available` locales, ending every chain with `default`.
    pub fn new(available: Vec<LanguageIdentifier>, default: LanguageIdentifier) -> Self {
        Self { available, default }
    }

    /// The locales to try, best first, always ending with the default.
    ///
    /// Empty or malformed tags get just the default: a person whose tag we cannot
    /// read still receives the message, in the reference language.
    pub fn chain(&self, tag: &str) -> Vec<LanguageIdentifier> {
        let Some(tag) = LanguageTag::parse(tag) else {
            return vec![self.default.clone()];
        };
        // Ask for the tag itself first, then its macrolanguage: `quy` before `qu`.
        let mut requested = vec![tag.identifier().clone()];
        if let Some(macro_lang) = macrolanguage_of(tag.identifier().language.as_str())
            && let Ok(language) = macro_lang.parse()
        {
            let mut folded = tag.identifier().clone();
            folded.language = language;
            requested.push(folded);
        }
        let mut chain: Vec<LanguageIdentifier> = negotiate_languages(
            &requested,
            &self.available,
            Some(&self.default),
            NegotiationStrategy::Filtering,
        )
        .into_iter()
        .cloned()
        .collect();
        chain.dedup();
        if chain.last() != Some(&self.default) {
            chain.retain(|l| l != &self.default);
            chain.push(self.default.clone());
        }
        chain
    }
}

fn macrolanguage_of(language: &str) -> Option<&'static str> {
    MACROLANGUAGES
        .iter()
        .find(|(_, members)| members.contains(&language))
        .map(|(macro_lang, _)| *macro_lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiator() -> Negotiator {
        let available = ["es", "en", "qu"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        Negotiator::new(available, "es".parse().unwrap())
    }

    fn chain(tag: &str) -> Vec<String> {
        negotiator()
            .chain(tag)
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn negotiation_table() {
        let table: &[(&str, &[&str])] = &[
            ("quz-PE", &["qu", "es"]),
            ("quy", &["qu", "es"]),
            ("qu", &["qu", "es"]),
            ("qu-BO", &["qu", "es"]),
            ("es-PE", &["es"]),
            ("es", &["es"]),
            ("en-GB", &["en", "es"]),
            ("EN", &["en", "es"]),
            ("en_us", &["en", "es"]),
            ("", &["es"]),
            ("xx!!", &["es"]),
            ("fr", &["es"]),
            ("ayr", &["es"]),
            // Extensions and private use do not hide the language.
            ("en-US-x-private", &["en", "es"]),
            ("qu-PE-u-ca-gregory", &["qu", "es"]),
            ("quz-PE-x-cusco", &["qu", "es"]),
            ("x-private", &["es"]),
        ];
        for (tag, expected) in table {
            assert_eq!(chain(tag), *expected, "tag `{tag}`");
        }
    }

    #[test]
    fn an_individual_language_comes_before_its_macrolanguage() {
        let available = ["es", "qu", "quy"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        let n = Negotiator::new(available, "es".parse().unwrap());
        let got: Vec<String> = n.chain("quy-PE").iter().map(|l| l.to_string()).collect();
        assert_eq!(got, ["quy", "qu", "es"]);
    }
}
