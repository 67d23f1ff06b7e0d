//! DKIM signing (RFC 6376, RFC 8463) with lettre, and the DNS record to publish.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;

/// Which DKIM key type is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DkimAlgorithm {
    /// RSA-SHA256 with a PKCS#1 PEM key (`openssl genrsa -traditional 2048`): every verifier accepts it.
    Rsa,
    /// Ed25519-SHA256 (RFC 8463) with a base64 32-byte seed: fast, not yet verified everywhere.
    Ed25519,
}

/// Why the DKIM key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DkimError {
    /// The key file does not hold a key of the configured type.
    #[error("the DKIM key is not a valid {algorithm:?} private key: {reason}")]
    Key {
        /// The configured type.
        algorithm: DkimAlgorithm,
        /// What the parser said.
        reason: String,
    },
}

/// The headers every signature covers, in the order they are hashed.
///
/// RFC 8058 §4: List-Unsubscribe and List-Unsubscribe-Post must be covered, or
/// receivers will not offer one-click unsubscribe. Gmail counts a Feedback-ID
/// only when it is signed. Content-Type and MIME-Version decide how the body is
/// read, List-Id how it is filed.
///
/// From and Subject are listed once more than a message holds them (RFC 6376
/// §5.4.2, "oversigning"): the verifier hashes the extra entry as empty, so a
/// second From or Subject added on the way no longer verifies. lettre 0.11
/// documents a repeated name as unsupported; what it does is hash the one
/// header once, which is exactly the oversigned hash — the DKIM integration
/// test checks it against an independent verifier (mail-auth).
pub const SIGNED_HEADERS: [&str; 14] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Language",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Feedback-ID",
    "From",
    "Subject",
];

/// The longest string a DNS TXT record holds (RFC 1035 §3.3: one length octet).
pub const TXT_STRING_MAX: usize = 255;

/// A signing configuration for `domain` with the key text (PEM or base64 seed).
pub fn signing_config(
    domain: &str,
    selector: &str,
    key: &str,
    algorithm: DkimAlgorithm,
) -> Result<DkimConfig, DkimError> {
    let signing_key =
        DkimSigningKey::new(key.trim(), lettre_algorithm(algorithm)).map_err(|e| {
            DkimError::Key {
                algorithm,
                reason: e.to_string(),
            }
        })?;
    Ok(DkimConfig::new(
        selector.to_owned(),
        domain.to_owned(),
        signing_key,
        SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}

/// The TXT record that publishes a DKIM key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    /// `<selector>._domainkey.<domain>.`
    pub name: String,
    /// The record's character strings, each at most [`TXT_STRING_MAX`] bytes;
    /// a resolver hands them to the verifier joined, with nothing between.
    pub strings: Vec<String>,
}

impl DnsRecord {
    fn new(name: String, kind: &str, public_key: &str) -> Self {
        let mut strings = vec![format!("v=DKIM1; k={kind}; ")];
        let key = format!("p={public_key}");
        // Base64 is ASCII: any byte offset is a character boundary.
        strings.extend(
            key.as_bytes()
                .chunks(TXT_STRING_MAX)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned()),
        );
        Self { name, strings }
    }

    /// The value a verifier reads: the strings joined.
    pub fn value(&self) -> String {
        self.strings.concat()
    }
}

/// A zone-file line: several quoted strings in parentheses, one per line,
/// as BIND, NSD and Knot read them (a single string over 255 bytes is refused).
impl std::fmt::Display for DnsRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} IN TXT (", self.name)?;
        for string in &self.strings {
            write!(f, "\n    \"{string}\"")?;
        }
        write!(f, " )")
    }
}

/// The TXT record to publish at `<selector>._domainkey.<domain>`.
pub fn dns_record(
    domain: &str,
    selector: &str,
    key: &str,
    algorithm: DkimAlgorithm,
) -> Result<DnsRecord, DkimError> {
    let bad = |reason: String| DkimError::Key { algorithm, reason };
    let (kind, public) = match algorithm {
        DkimAlgorithm::Rsa => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            use rsa::pkcs8::EncodePublicKey;
            let private =
                rsa::RsaPrivateKey::from_pkcs1_pem(key.trim()).map_err(|e| bad(e.to_string()))?;
            let der = private
                .to_public_key()
                .to_public_key_der()
                .map_err(|e| bad(e.to_string()))?;
            ("rsa", STANDARD.encode(der.as_bytes()))
        }
        DkimAlgorithm::Ed25519 => {
            let seed: [u8; 32] = STANDARD
                .decode(key.trim())
                .map_err(|e| bad(e.to_string()))?
                .try_into()
                .map_err(|_| bad("expected 32 bytes".into()))?;
            let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
            (
                "ed25519",
                STANDARD.encode(signing.verifying_key().to_bytes()),
            )
        }
    };
    Ok(DnsRecord::new(
        format!("{selector}._domainkey.{domain}."),
        kind,
        &public,
    ))
}

fn lettre_algorithm(algorithm: DkimAlgorithm) -> DkimSigningAlgorithm {
    match algorithm {
        DkimAlgorithm::Rsa => DkimSigningAlgorithm::Rsa,
        DkimAlgorithm::Ed25519 => DkimSigningAlgorithm::Ed25519,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_record_and_refusals() {
        let seed = STANDARD.encode([7u8; 32]);
        let record = dns_record("example.org", "willay", &seed, DkimAlgorithm::Ed25519).unwrap();
        assert_eq!(record.name, "willay._domainkey.example.org.");
        assert!(record.value().starts_with("v=DKIM1; k=ed25519; p="));
        assert_eq!(record.strings.len(), 2, "{record}");
        let err =
            signing_config("example.org", "willay", "not a key", DkimAlgorithm::Rsa).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the DKIM key is not a valid Rsa private key")
        );
    }

    #[test]
    fn a_2048_bit_rsa_record_is_split_into_strings_a_zone_file_takes() {
        let key = include_str!("../../tests/fixtures/dkim/rsa-test-key.pem");
        let record = dns_record("example.org", "willay", key, DkimAlgorithm::Rsa).unwrap();
        assert!(record.value().len() > TXT_STRING_MAX, "{}", record.value());
        assert!(record.strings.len() >= 3, "{record}");
        for string in &record.strings {
            assert!(string.len() <= TXT_STRING_MAX, "{} bytes", string.len());
        }
        let printed = record.to_string();
        assert!(
            printed.starts_with(
                "willay._domainkey.example.org. IN TXT (\n    \"v=DKIM1; k=rsa; \"\n    \"p=MII"
            ),
            "{printed}"
        );
        assert!(printed.ends_with("\" )"), "{printed}");
    }
}
