//! A person's name and region as willay stores them: one line of text, of a
//! length a table and a mail header can hold.
//!
//! Address books bring line breaks (Excel's Alt+Enter), NULs and tabs in
//! names. A line break in a display name cannot be written into a `To:`
//! header (lettre panics formatting it) and would split a CSV or a log line,
//! so control characters are folded to a space where the text enters.

use std::fmt;
use std::ops::Deref;

/// Why a name or region is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Longer than the cap, after folding.
    #[error("{field} has {len} characters; at most {max} are allowed")]
    TooLong {
        /// `a name` or `a region`.
        field: &'static str,
        /// Allowed maximum.
        max: usize,
        /// Actual length, after folding.
        len: usize,
    },
}

impl ProfileError {
    /// A stable code for API answers (`name_too_long`, `region_too_long`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLong { field: NAME, .. } => "name_too_long",
            Self::TooLong { .. } => "region_too_long",
        }
    }
}

const NAME: &str = "a name";
const REGION: &str = "a region";

/// Control characters (Unicode `Cc`: CR, LF, NUL, tab, NEL…) become spaces,
/// runs of white space become one space, and the ends are trimmed.
fn fold(input: &str) -> String {
    let mut folded = String::with_capacity(input.len());
    for word in input
        .split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded
}

/// `input` folded, refused when longer than `max` characters.
fn parse(input: &str, field: &'static str, max: usize) -> Result<String, ProfileError> {
    let folded = fold(input);
    let len = folded.chars().count();
    if len > max {
        return Err(ProfileError::TooLong { field, max, len });
    }
    Ok(folded)
}

/// `input` folded and cut to `max` characters: for text that entered before
/// the rules did, which must still be sendable.
fn lenient(input: &str, max: usize) -> String {
    // Cut before folding too, so a 10 MB value costs no 10 MB copy.
    let head: String = input.chars().take(max * 4).collect();
    let cut: String = fold(&head).chars().take(max).collect();
    cut.trim_end().to_owned()
}

/// How a person likes to be addressed, e.g. `Rosa Quispe`; may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Most characters in a name.
    pub const MAX: usize = 200;

    /// Folds control characters and white space; refuses more than [`Self::MAX`] characters.
    pub fn parse(input: &str) -> Result<Self, ProfileError> {
        parse(input, NAME, Self::MAX).map(Self)
    }

    /// Folds and cuts a stored name that may predate these rules.
    pub fn lenient(input: &str) -> Self {
        Self(lenient(input, Self::MAX))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a person lives, e.g. `Huancavelica`; may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// Most characters in a region.
    pub const MAX: usize = 100;

    /// Folds control characters and white space; refuses more than [`Self::MAX`] characters.
    pub fn parse(input: &str) -> Result<Self, ProfileError> {
        parse(input, REGION, Self::MAX).map(Self)
    }

    /// The region as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Read-only views: nothing can change the text once parsed.
impl Deref for PersonName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Deref for Region {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_folded_to_one_line() {
        let cases = [
            ("Rosa Quispe", "Rosa Quispe"),
            ("  Rosa  ", "Rosa"),
            ("Ana\nQ", "Ana Q"),
            ("Ana\r\nQ", "Ana Q"),
            ("Ana\rQ", "Ana Q"),
            ("Ana\0Q", "Ana Q"),
            ("Ana\tQ", "Ana Q"),
            ("Ana\u{85}Q", "Ana Q"),
            ("Ana\u{7f}Q", "Ana Q"),
            ("Ana \n\n\r\n  Q", "Ana Q"),
            ("\nAna\n", "Ana"),
            ("María  Huamán", "María Huamán"),
            ("Quispe, Rosa \"Rosita\"", "Quispe, Rosa \"Rosita\""),
            ("", ""),
            ("\n\r\0", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(
                PersonName::parse(input).unwrap().as_str(),
                expected,
                "{input:?}"
            );
            assert_eq!(
                Region::parse(input).unwrap().as_str(),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn lengths_are_capped_after_folding() {
        let cases = [
            ("a".repeat(200), Ok(200)),
            ("ñ".repeat(200), Ok(200)),
            (format!("  {}\n", "a".repeat(200)), Ok(200)),
            ("a".repeat(201), Err(201)),
            ("a".repeat(10_000_000), Err(10_000_000)),
        ];
        for (input, expected) in cases {
            let got = PersonName::parse(&input).map(|n| n.chars().count());
            let expected = expected.map_err(|len| ProfileError::TooLong {
                field: "a name",
                max: 200,
                len,
            });
            assert_eq!(got, expected, "{} chars", input.len());
        }
        assert!(Region::parse(&"x".repeat(100)).is_ok());
        let err = Region::parse(&"x".repeat(101)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a region has 101 characters; at most 100 are allowed"
        );
        assert_eq!(err.code(), "region_too_long");
        let err = PersonName::parse(&"x".repeat(201)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a name has 201 characters; at most 200 are allowed"
        );
        assert_eq!(err.code(), "name_too_long");
    }

    #[test]
    fn stored_names_are_made_sendable_whatever_they_hold() {
        let cases = [
            ("Ana\nQ".to_owned(), "Ana Q".to_owned()),
            ("\r\n".to_owned(), String::new()),
            ("a".repeat(10_000_000), "a".repeat(200)),
            (format!("{}\nb", "a".repeat(199)), "a".repeat(199)),
        ];
        for (input, expected) in cases {
            let got = PersonName::lenient(&input);
            assert_eq!(got.as_str(), expected, "{} chars", input.len());
            assert!(!got.contains(char::is_control));
        }
    }
}
