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

// RFC 8058 §4: the signature must cover List-Unsubscribe and List-Unsubscribe-Post,
// or receivers will not offer one-click unsubscribe.
const SIGNED_HEADERS: [&str; 8] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Content-Language",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

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

/// The TXT record to publish at `<selector>._domainkey.<domain>`.
pub fn dns_record(
    domain: &str,
    selector: &str,
    key: &str,
    algorithm: DkimAlgorithm,
) -> Result<String, DkimError> {
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
    Ok(format!(
        "{selector}._domainkey.{domain}. IN TXT \"v=DKIM1; k={kind}; p={public}\""
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
        assert!(
            record.starts_with("willay._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p=")
        );
        let err =
            signing_config("example.org", "willay", "not a key", DkimAlgorithm::Rsa).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the DKIM key is not a valid Rsa private key")
        );
    }
}
