use std::fmt;

use unic_langid::LanguageIdentifier;

/// A subscriber's language preference as a well-formed BCP 47 tag.
///
/// Tags arrive from CSV files and web forms in every case (`EN`, `quz-pe`);
/// parsing canonicalises them (`en`, `quz-PE`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(LanguageIdentifier);

impl LanguageTag {
    /// Parses a tag; `None` for empty input or anything that is not BCP 47.
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim().replace('_', "-");
        if trimmed.is_empty() {
            return None;
        }
        trimmed.parse::<LanguageIdentifier>().ok().map(Self)
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
    fn empty_and_garbage_are_not_tags() {
        assert!(LanguageTag::parse("").is_none());
        assert!(LanguageTag::parse("xx-invalid-tag!!").is_none());
        assert!(LanguageTag::parse("español").is_none());
    }
}
