//! Staff passwords: argon2id with the crate's defaults (19 MiB, two passes,
//! OWASP's recommended minimum), stored as PHC strings.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use secrecy::{ExposeSecret, SecretString};

/// The fewest characters a password may have: long enough to resist
/// guessing at the log-in's rate limit, short enough to remember as a phrase.
pub const MIN_CHARS: usize = 12;
/// The most: hashing a megabyte of "password" on every try would be a way
/// to spend the server's time.
pub const MAX_CHARS: usize = 200;

/// A password a person chose, within the length limits; never shown or logged.
pub struct Password(SecretString);

/// Why a chosen password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("a password needs at least {MIN_CHARS} characters (a few words make a good one)")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("a password may have at most {MAX_CHARS} characters")]
    TooLong,
    /// The two copies typed differ.
    #[error("the two passwords are not the same")]
    Mismatch,
}

impl Password {
    /// A new password typed twice, as a form asks for it.
    pub fn choose(first: &str, again: &str) -> Result<Self, PasswordError> {
        let chars = first.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if first != again {
            return Err(PasswordError::Mismatch);
        }
        Ok(Self(first.into()))
    }

    /// Its argon2id hash, with a fresh random salt.
    pub fn hash(&self) -> String {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes encode");
        Argon2::default()
            .hash_password(self.0.expose_secret().as_bytes(), &salt)
            .expect("argon2 with its default parameters hashes any password")
            .to_string()
    }
}

/// Whether `presented` is the password `stored` hashes. Without a stored
/// hash (no such person, or no password set yet) a decoy is checked, so the
/// answer takes as long and says nothing about who exists.
pub fn verify(stored: Option<&str>, presented: &str) -> bool {
    static DECOY: OnceLock<String> = OnceLock::new();
    let decoy = DECOY.get_or_init(|| Password(super::secret::random_text().into()).hash());
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (decoy.as_str(), false),
    };
    if presented.chars().count() > MAX_CHARS {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(presented.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_chosen_twice_within_limits() {
        let long = "x".repeat(MAX_CHARS + 1);
        for (first, again, expected) in [
            ("short", "short", Err(PasswordError::TooShort)),
            (long.as_str(), long.as_str(), Err(PasswordError::TooLong)),
            (
                "correct horse battery",
                "correct horse batery",
                Err(PasswordError::Mismatch),
            ),
            ("correct horse battery", "correct horse battery", Ok(())),
        ] {
            assert_eq!(
                Password::choose(first, again).map(|_| ()),
                expected,
                "{first:?}"
            );
        }
    }

    #[test]
    fn only_the_hashed_password_verifies() {
        let password = Password::choose("llaqta kawsay 2026", "llaqta kawsay 2026").unwrap();
        let hash = password.hash();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("llaqta"));
        assert!(verify(Some(&hash), "llaqta kawsay 2026"));
        assert!(!verify(Some(&hash), "llaqta kawsay 2025"));
        assert!(!verify(None, "llaqta kawsay 2026"));
        assert!(!verify(Some("not a hash"), "llaqta kawsay 2026"));
        // Two hashes of one password differ: each has its own salt.
        assert_ne!(hash, password.hash());
    }
}
