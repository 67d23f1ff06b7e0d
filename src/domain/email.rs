use std::fmt;
use std::str::FromStr;

use lettre::message::{Mailbox, Mailboxes};

/// Why a string is not an acceptable email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid email address: {reason}")]
pub struct EmailError {
    /// The rejected input, as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A syntactically valid email address (RFC 5321/5322 addr-spec).
///
/// The local part keeps its case (it may be significant to the receiving
/// server); [`EmailAddress::key`] is the case-insensitive identity used for
/// uniqueness, because people type their address in every case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses and trims an address; rejects anything a mail server would refuse.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        let fail = |reason: String| EmailError {
            input: input.to_owned(),
            reason,
        };
        if trimmed.is_empty() {
            return Err(fail("it is empty".into()));
        }
        let parsed =
            email_address::EmailAddress::from_str(trimmed).map_err(|e| fail(e.to_string()))?;
        // The crate accepts display-name forms ("Ana <a@b>") and bare local hosts; a
        // subscriber list needs a plain addr-spec with a dotted domain.
        if parsed.email() != trimmed {
            return Err(fail(
                "expected a bare address without a display name".into(),
            ));
        }
        if !parsed.domain().contains('.') {
            return Err(fail(format!(
                "domain `{}` has no dot; mail cannot be delivered to it",
                parsed.domain()
            )));
        }
        // RFC 5322 allows quoted local parts (`"bcc: x"@example.org`) that the
        // mailer cannot send to: it reads the envelope back from the `To:`
        // header it wrote, and such an address does not survive the trip.
        // Refuse them here, where a person reads why, not at send time.
        if !sendable(trimmed) {
            return Err(fail(
                "willay cannot send mail to it (an address with a quoted local part, \
                 spaces or a colon cannot be written into a To: header)"
                    .into(),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The address as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-cased identity used for case-insensitive uniqueness.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The domain part.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

/// Whether lettre can address a message to `address`: it parses, and its
/// `To:` header reads back as that same one address.
fn sendable(address: &str) -> bool {
    let Ok(parsed) = address.parse::<lettre::Address>() else {
        return false;
    };
    let header = Mailbox::new(None, parsed).to_string();
    header.parse::<Mailboxes>().is_ok_and(|read| {
        let mut read = read.into_iter();
        matches!((read.next(), read.next()), (Some(one), None) if one.email.to_string() == address)
    })
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_keeps_case() {
        let a = EmailAddress::parse("  Rosa.Quispe@Example.org ").unwrap();
        assert_eq!(a.as_str(), "Rosa.Quispe@Example.org");
        assert_eq!(a.key(), "rosa.quispe@example.org");
        assert_eq!(a.domain(), "Example.org");
    }

    #[test]
    fn rejects_malformed_addresses_with_a_reason() {
        let cases = [
            ("", "it is empty"),
            ("maria.quispe@", ""),
            ("not-an-address", ""),
            ("rosa@@example.org", ""),
            ("a@localhost", "has no dot"),
            ("Ana <a@b.org>", "without a display name"),
            ("\"bcc: x\"@example.org", "willay cannot send mail to it"),
        ];
        for (bad, reason) in cases {
            let err = EmailAddress::parse(bad).unwrap_err();
            assert_eq!(err.input, bad);
            assert!(!err.reason.is_empty(), "{bad}");
            assert!(err.reason.contains(reason), "{bad}: {}", err.reason);
        }
    }

    /// Every address accepted here is one the mailer can send to.
    #[test]
    fn accepted_addresses_are_sendable() {
        for good in [
            "rosa@example.org",
            "rosa.quispe+peru@mail.example.org",
            "o'brien@example.ie",
            "maría@ejemplo.pe",
        ] {
            let address = EmailAddress::parse(good).unwrap();
            assert!(
                address.as_str().parse::<lettre::Address>().is_ok(),
                "{good}"
            );
        }
    }
}
