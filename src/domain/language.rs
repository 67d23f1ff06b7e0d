use std::fmt;

use unic_langid::LanguageIdentifier;

/// A subscriber's language preference as a well-formed BCP 47 tag.
///
/// Tags arrive from CSV files and web forms in every case (`EN`, `quz-pe`);
/// parsing canonicalises them (`en`, `quz-PE`). Only the language, script,
/// region and variants are kept: extensions and private use (`-u-ca-gregory`,
/// `-x-private`) say nothing about which words a person reads, and the
/// catalogue is negotiated on the rest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(LanguageIdentifier);

impl LanguageTag {
    /// Parses a tag; `None` for empty input or anything that is not BCP 47.
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim().replace('_', "-");
        // An extension or private-use section starts at the first one-character
        // subtag (a "singleton"); a tag that starts with one (`x-klingon`)
        // names no language.
        let subtags: Vec<&str> = trimmed
            .split('-')
            .take_while(|subtag| subtag.chars().count() != 1)
            .collect();
        if subtags.is_empty() || subtags.iter().all(|s| s.is_empty()) {
            return None;
        }
        subtags
            .join("-")
            .parse::<LanguageIdentifier>()
            .ok()
            .map(Self)
    }

    /// The parsed identifier, for negotiation.
    pub fn identifier(&self) -> &LanguageIdentifier {
        &self.0
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_case_and_separators() {
        assert_eq!(LanguageTag::parse("EN").unwrap().to_string(), "en");
        assert_eq!(LanguageTag::parse("quz_pe").unwrap().to_string(), "quz-PE");
        assert_eq!(LanguageTag::parse(" es-PE ").unwrap().to_string(), "es-PE");
    }

    #[test]
    fn extensions_and_private_use_are_dropped() {
        for (input, expected) in [
            ("en-US-x-private", "en-US"),
            ("qu-PE-u-ca-gregory", "qu-PE"),
            ("es-419-u-nu-latn-x-lima", "es-419"),
            ("sr-Latn-RS-t-en", "sr-Latn-RS"),
        ] {
            assert_eq!(
                LanguageTag::parse(input).map(|t| t.to_string()),
                Some(expected.to_owned()),
                "{input}"
            );
        }
        assert!(LanguageTag::parse("x-klingon").is_none());
        assert!(LanguageTag::parse("en--x").is_none());
    }

    #[test]
    fn empty_and_garbage_are_not_tags() {
        assert!(LanguageTag::parse("").is_none());
        assert!(LanguageTag::parse("xx-invalid-tag!!").is_none());
        assert!(LanguageTag::parse("español").is_none());
    }
}
