use std::fmt;

/// Why a string cannot name a list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListNameError {
    /// Nothing but whitespace.
    #[error("a list name cannot be empty")]
    Empty,
    /// Longer than a person can read in a table.
    #[error("a list name has at most {max} characters (got {len})")]
    TooLong {
        /// Allowed maximum.
        max: usize,
        /// Actual length.
        len: usize,
    },
    /// Control characters would corrupt tables and CSV output.
    #[error("a list name cannot contain control characters")]
    Control,
}

/// The name of a subscriber list, e.g. `huancavelica-2026`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListName(String);

impl ListName {
    const MAX: usize = 100;

    /// Trims and checks a list name.
    pub fn parse(input: &str) -> Result<Self, ListNameError> {
        let name = input.trim();
        let len = name.chars().count();
        if len == 0 {
            return Err(ListNameError::Empty);
        }
        if len > Self::MAX {
            return Err(ListNameError::TooLong {
                max: Self::MAX,
                len,
            });
        }
        if name.chars().any(char::is_control) {
            return Err(ListNameError::Control);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ListName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(ListName::parse(" Ica ").unwrap().as_str(), "Ica");
        assert_eq!(ListName::parse("  "), Err(ListNameError::Empty));
        assert_eq!(ListName::parse("a\tb"), Err(ListNameError::Control));
        assert!(matches!(
            ListName::parse(&"x".repeat(101)),
            Err(ListNameError::TooLong { .. })
        ));
    }
}
