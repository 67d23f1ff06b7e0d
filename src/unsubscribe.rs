//! Signed unsubscribe tokens: who unsubscribes, from which campaign's message.
//!
//! A token is `base64url(version ‖ subscriber ‖ campaign ‖ link key ‖ tag)`
//! (version 3), the tag being the first 16 bytes of HMAC-SHA256 over the rest.
//! The link key is a random value of the person's own, made when willay
//! stored them: ids alone once named whoever held the id, and an erased
//! person's links then acted on the next person given it. It carries ids and
//! that random value only — no address — so a leaked link reveals nothing
//! about the person.
//!
//! Version 1 links (`version ‖ subscriber ‖ campaign ‖ tag`, ids only) were
//! sent before link keys existed; they still verify, as [`LinkBinding::Legacy`],
//! and the store honours them only for people who existed when they were sent.
//!
//! [`LinkMac`] is that scheme without the payload's meaning; confirmation links
//! (`crate::web`) use it too, with other version bytes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const LEGACY_VERSION: u8 = 1;
const LEGACY_PAYLOAD_LEN: usize = 1 + 8 + 8;
const VERSION: u8 = 3;
const PAYLOAD_LEN: usize = LEGACY_PAYLOAD_LEN + LINK_KEY_LEN;
const TAG_LEN: usize = 16;
/// Bytes of a [`LinkKey`].
pub const LINK_KEY_LEN: usize = 16;

/// The settings key under which a generated signing key is stored.
pub const SECRET_SETTING: &str = "unsubscribe_signing_key";

/// The length of a generated signing key, and the least a configured one may have.
pub const KEY_BYTES: usize = 32;

/// The settings key holding the highest subscriber id when link keys came
/// (migration 0006): only people up to it can hold links without one.
pub const LEGACY_LINKS_SETTING: &str = "legacy_links_max_subscriber_id";

/// A person's own random value (128 bits), signed into every link sent to
/// them, so a link acts only on the person it was sent to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct LinkKey([u8; LINK_KEY_LEN]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey([redacted])")
    }
}

impl LinkKey {
    /// The key of the sample person in previews, subscriber 0, who never
    /// exists (ids start at 1): the same in every preview, acting on nobody.
    pub const SAMPLE: LinkKey = LinkKey([0; LINK_KEY_LEN]);

    /// A fresh random key, for a person being stored.
    pub fn generate() -> Self {
        Self(rand::random())
    }

    /// The key stored as these bytes; `None` unless exactly [`LINK_KEY_LEN`] of them.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    /// The key's bytes, as stored.
    pub fn as_bytes(&self) -> &[u8; LINK_KEY_LEN] {
        &self.0
    }

    /// Whether `other` is this key, compared in constant time.
    pub fn matches(&self, other: &LinkKey) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

/// Whom a verified link is bound to, beyond the subscriber id it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkBinding {
    /// A current link: the link key of the person it was sent to.
    Key(LinkKey),
    /// A link sent before link keys existed: ids only.
    Legacy,
}

/// Why a well-signed link does not act: it was not sent to anyone here now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    /// Nobody has the subscriber id the link names (erased).
    #[error("nobody has this link's subscriber id: the person was erased")]
    Gone,
    /// The id is someone's, but the link's person value is not theirs.
    #[error("the link was sent to another person: its link key does not match")]
    NotTheirs,
    /// An old link without a link key, for someone stored after it was sent.
    #[error("an old link without a link key, naming a person stored after it was sent")]
    LegacyForNewcomer,
}

/// When or in which message a link was sent: what decides whether an old link
/// without a link key may still act on the person holding its id today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSent {
    /// Issued at this time (UTC ms): confirmation links say so.
    At(i64),
    /// In this campaign's message to the person: unsubscribe links say so.
    InCampaign(i64),
}

/// What a token says, to sign it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsubscribeToken {
    /// Who it is for.
    pub subscriber_id: i64,
    /// The campaign whose message carries the link.
    pub campaign_id: i64,
    /// Their link key.
    pub link_key: LinkKey,
}

/// What a valid token says, once verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsubscribeLink {
    /// Who clicked.
    pub subscriber_id: i64,
    /// The campaign whose message carried the link.
    pub campaign_id: i64,
    /// Whom beyond the id the link was sent to.
    pub binding: LinkBinding,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not base64url, or the wrong length or version: not one of our links.
    #[error("the unsubscribe link is malformed (was it cut or altered in transit?)")]
    Malformed,
    /// Well-formed but the signature does not match: forged or altered.
    #[error("the unsubscribe link's signature does not match: it was altered or not issued here")]
    BadSignature,
}

/// Why a signed link was refused, whatever its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkError {
    /// Not base64url, or the wrong length or version byte.
    Malformed,
    /// The tag does not match the payload.
    BadSignature,
}

/// Seals and opens `base64url(payload ‖ tag)` links, the tag being the first
/// 16 bytes of HMAC-SHA256 over the payload, whose first byte is its version.
///
/// Each kind of link has its own version bytes, covered by the tag, so one kind
/// can never pass for another even under the same key.
#[derive(Clone)]
pub(crate) struct LinkMac {
    // Keyed once: cloning a keyed HMAC is cheaper than re-keying per message.
    mac: Hmac<Sha256>,
}

impl LinkMac {
    /// A MAC under raw key bytes (any length).
    pub(crate) fn new(key: &[u8]) -> Self {
        Self {
            mac: Hmac::new_from_slice(key).expect("HMAC accepts keys of any length"),
        }
    }

    /// The link text for `payload` (its first byte being the version).
    pub(crate) fn seal(&self, payload: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(payload);
        let mut bytes = Vec::with_capacity(payload.len() + TAG_LEN);
        bytes.extend_from_slice(payload);
        bytes.extend_from_slice(&mac.finalize().into_bytes()[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The payload of a link of one of `kinds` (version byte, payload length),
    /// after checking its tag in constant time.
    pub(crate) fn open(&self, text: &str, kinds: &[(u8, usize)]) -> Result<Vec<u8>, LinkError> {
        let mut bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| LinkError::Malformed)?;
        let Some(&(_, payload_len)) = kinds
            .iter()
            .find(|(version, len)| bytes.len() == len + TAG_LEN && bytes[0] == *version)
        else {
            return Err(LinkError::Malformed);
        };
        let tag = bytes.split_off(payload_len);
        let mut mac = self.mac.clone();
        mac.update(&bytes);
        mac.verify_truncated_left(&tag)
            .map_err(|_| LinkError::BadSignature)?;
        Ok(bytes)
    }
}

/// The big-endian `i64` at `at` in a link payload.
pub(crate) fn payload_i64(payload: &[u8], at: usize) -> i64 {
    i64::from_be_bytes(payload[at..at + 8].try_into().expect("8 bytes"))
}

/// The binding of a payload that ends in a link key when it is `len_with_key`
/// bytes long, and is a legacy one otherwise.
pub(crate) fn payload_binding(payload: &[u8], len_with_key: usize) -> LinkBinding {
    if payload.len() == len_with_key {
        let key = &payload[len_with_key - LINK_KEY_LEN..];
        LinkBinding::Key(LinkKey::from_bytes(key).expect("LINK_KEY_LEN bytes"))
    } else {
        LinkBinding::Legacy
    }
}

/// Signs and verifies tokens with the installation's secret key.
#[derive(Clone)]
pub struct TokenSigner {
    mac: LinkMac,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner([redacted])")
    }
}

impl TokenSigner {
    /// A signer for `key` (any length; 32 random bytes are generated by default).
    pub fn new(key: &SecretSlice<u8>) -> Self {
        Self {
            mac: LinkMac::new(key.expose_secret()),
        }
    }

    /// A fresh random key, base64-encoded for storage.
    pub fn generate_key() -> String {
        let key: [u8; KEY_BYTES] = rand::random();
        URL_SAFE_NO_PAD.encode(key)
    }

    /// Decodes a stored key; a key that is not base64 is used as raw bytes.
    pub fn key_from_text(text: &str) -> SecretSlice<u8> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .unwrap_or_else(|_| text.as_bytes().to_vec());
        SecretSlice::from(bytes)
    }

    /// The token for `token`'s ids and link key (always the current version).
    pub fn sign(&self, token: UnsubscribeToken) -> String {
        let mut payload = Vec::with_capacity(PAYLOAD_LEN);
        payload.push(VERSION);
        payload.extend_from_slice(&token.subscriber_id.to_be_bytes());
        payload.extend_from_slice(&token.campaign_id.to_be_bytes());
        payload.extend_from_slice(token.link_key.as_bytes());
        self.mac.seal(&payload)
    }

    /// Checks a token's signature in constant time and returns what it says.
    /// Whether it acts on anyone is the store's to say
    /// ([`crate::store::Store::link_subscriber`]).
    pub fn verify(&self, text: &str) -> Result<UnsubscribeLink, TokenError> {
        let kinds = [(VERSION, PAYLOAD_LEN), (LEGACY_VERSION, LEGACY_PAYLOAD_LEN)];
        let payload = self.mac.open(text, &kinds).map_err(|e| match e {
            LinkError::Malformed => TokenError::Malformed,
            LinkError::BadSignature => TokenError::BadSignature,
        })?;
        Ok(UnsubscribeLink {
            subscriber_id: payload_i64(&payload, 1),
            campaign_id: payload_i64(&payload, 9),
            binding: payload_binding(&payload, PAYLOAD_LEN),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(key: &str) -> TokenSigner {
        TokenSigner::new(&TokenSigner::key_from_text(key))
    }

    const KEY: LinkKey = LinkKey([7; LINK_KEY_LEN]);

    /// A token's bytes sealed under `key`, built by hand as each version lays them out.
    fn sealed(key: &str, payload: &[u8]) -> String {
        LinkMac::new(TokenSigner::key_from_text(key).expose_secret()).seal(payload)
    }

    fn bytes(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    #[test]
    fn round_trips() {
        let s = signer(&TokenSigner::generate_key());
        let t = UnsubscribeToken {
            subscriber_id: 42,
            campaign_id: 7,
            link_key: KEY,
        };
        assert_eq!(
            s.verify(&s.sign(t)),
            Ok(UnsubscribeLink {
                subscriber_id: 42,
                campaign_id: 7,
                binding: LinkBinding::Key(KEY),
            })
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(s.sign(t)).unwrap().len(), 49);
    }

    #[test]
    fn decodes_each_version_and_refuses_the_rest() {
        let (s, id, campaign) = (signer("k"), 42i64.to_be_bytes(), 7i64.to_be_bytes());
        let cases: [(&str, Vec<u8>, Result<LinkBinding, TokenError>); 6] = [
            (
                "version 3 with its link key",
                bytes(&[&[3], &id, &campaign, &[7; 16]]),
                Ok(LinkBinding::Key(KEY)),
            ),
            (
                "version 1, ids only (sent before link keys)",
                bytes(&[&[1], &id, &campaign]),
                Ok(LinkBinding::Legacy),
            ),
            (
                "version 3 without its link key",
                bytes(&[&[3], &id, &campaign]),
                Err(TokenError::Malformed),
            ),
            (
                "version 1 with a link key",
                bytes(&[&[1], &id, &campaign, &[7; 16]]),
                Err(TokenError::Malformed),
            ),
            (
                "a confirmation link's version (2)",
                bytes(&[&[2], &id, &campaign]),
                Err(TokenError::Malformed),
            ),
            (
                "a confirmation link's version (4)",
                bytes(&[&[4], &id, &campaign, &[7; 16]]),
                Err(TokenError::Malformed),
            ),
        ];
        for (what, payload, expected) in cases {
            let got = s.verify(&sealed("k", &payload)).map(|link| {
                assert_eq!((link.subscriber_id, link.campaign_id), (42, 7), "{what}");
                link.binding
            });
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn refuses_tampering_and_other_keys() {
        let s = signer("one key");
        let token = s.sign(UnsubscribeToken {
            subscriber_id: 42,
            campaign_id: 7,
            link_key: KEY,
        });
        let bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        // Flip one bit of the subscriber id, then of the link key, under the old tag.
        for at in [8, 20] {
            let mut forged = bytes.clone();
            forged[at] ^= 1;
            let forged = URL_SAFE_NO_PAD.encode(&forged);
            assert_eq!(s.verify(&forged), Err(TokenError::BadSignature), "{at}");
        }
        assert_eq!(
            signer("another key").verify(&token),
            Err(TokenError::BadSignature)
        );
        assert_eq!(s.verify("not a token!"), Err(TokenError::Malformed));
        assert_eq!(s.verify(&token[..20]), Err(TokenError::Malformed));
    }

    #[test]
    fn link_keys_compare_whole_and_never_print() {
        let mut other = [7; LINK_KEY_LEN];
        other[15] = 8;
        assert!(KEY.matches(&LinkKey([7; LINK_KEY_LEN])));
        assert!(!KEY.matches(&LinkKey(other)));
        assert_eq!(LinkKey::from_bytes(&[7; 15]), None);
        assert_eq!(LinkKey::from_bytes(&[7; 16]), Some(KEY));
        assert_eq!(format!("{KEY:?}"), "LinkKey([redacted])");
        assert_ne!(LinkKey::generate(), LinkKey::generate());
    }
}
