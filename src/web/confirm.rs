//! Double opt-in: signed, expiring confirmation links and the mail that carries them.
//!
//! A token is `base64url(version ‖ subscriber ‖ list ‖ issued-at ms ‖ link key ‖ tag)`
//! (version 4), the tag being the first 16 bytes of HMAC-SHA256 under the same
//! key as unsubscribe links, and the link key the person's own random value
//! ([`LinkKey`]), so the link confirms only the person it was mailed to. Version
//! 2 links (the same without the link key) were mailed before link keys
//! existed; they still verify, as [`LinkBinding::Legacy`]. Confirmation
//! versions (2, 4) differ from unsubscribe ones (1, 3) and are covered by the
//! tag, so neither kind of link can be passed off as the other.

use askama::Template;

use super::i18n::PageText;
use crate::app::App;
use crate::mail::Transport;
use crate::store::Millis;
use crate::unsubscribe::{
    LINK_KEY_LEN, LinkBinding, LinkError, LinkKey, LinkMac, payload_binding, payload_i64,
};

const LEGACY_VERSION: u8 = 2;
const LEGACY_PAYLOAD_LEN: usize = 1 + 8 + 8 + 8;
const VERSION: u8 = 4;
const PAYLOAD_LEN: usize = LEGACY_PAYLOAD_LEN + LINK_KEY_LEN;

/// What a confirmation link says, to sign it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmToken {
    /// The person confirming.
    pub subscriber_id: i64,
    /// The list they asked to join, if any.
    pub list_id: Option<i64>,
    /// When the link was issued (UTC ms).
    pub issued_at: Millis,
    /// Their link key.
    pub link_key: LinkKey,
}

/// What a valid confirmation link says, once verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmLink {
    /// The person confirming.
    pub subscriber_id: i64,
    /// The list they asked to join, if any.
    pub list_id: Option<i64>,
    /// When the link was issued (UTC ms).
    pub issued_at: Millis,
    /// Whom beyond the id the link was mailed to.
    pub binding: LinkBinding,
}

/// Why a confirmation link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmTokenError {
    /// Not one of our confirmation links (cut, altered, or another kind of link).
    #[error("the confirmation link is malformed")]
    Malformed,
    /// The signature does not match.
    #[error("the confirmation link's signature does not match")]
    BadSignature,
    /// Valid but too old.
    #[error("the confirmation link has expired")]
    Expired,
}

/// Signs and checks confirmation links.
#[derive(Clone)]
pub struct ConfirmSigner {
    mac: LinkMac,
}

impl std::fmt::Debug for ConfirmSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfirmSigner([redacted])")
    }
}

impl ConfirmSigner {
    /// A signer over raw key bytes.
    pub fn new(key: &[u8]) -> Self {
        Self {
            mac: LinkMac::new(key),
        }
    }

    /// The signer for the app's installation key (the unsubscribe links' key).
    pub fn for_app(app: &App) -> Self {
        use secrecy::ExposeSecret;
        Self::new(app.signing_key().expose_secret())
    }

    /// The link text for `token` (always the current version).
    pub fn sign(&self, token: ConfirmToken) -> String {
        let mut payload = Vec::with_capacity(PAYLOAD_LEN);
        payload.push(VERSION);
        payload.extend_from_slice(&token.subscriber_id.to_be_bytes());
        payload.extend_from_slice(&token.list_id.unwrap_or(0).to_be_bytes());
        payload.extend_from_slice(&token.issued_at.to_be_bytes());
        payload.extend_from_slice(token.link_key.as_bytes());
        self.mac.seal(&payload)
    }

    /// Checks the signature in constant time, then the age against `ttl_ms`.
    /// Whether it acts on anyone is the store's to say
    /// ([`crate::store::Store::link_subscriber`]).
    pub fn verify(
        &self,
        text: &str,
        now: Millis,
        ttl_ms: i64,
    ) -> Result<ConfirmLink, ConfirmTokenError> {
        let kinds = [(VERSION, PAYLOAD_LEN), (LEGACY_VERSION, LEGACY_PAYLOAD_LEN)];
        let payload = self.mac.open(text, &kinds).map_err(|e| match e {
            LinkError::Malformed => ConfirmTokenError::Malformed,
            LinkError::BadSignature => ConfirmTokenError::BadSignature,
        })?;
        let link = ConfirmLink {
            subscriber_id: payload_i64(&payload, 1),
            list_id: Some(payload_i64(&payload, 9)).filter(|id| *id != 0),
            issued_at: payload_i64(&payload, 17),
            binding: payload_binding(&payload, PAYLOAD_LEN),
        };
        // A minute of grace for clocks of replicas that disagree a little.
        if now - link.issued_at > ttl_ms || link.issued_at > now + 60_000 {
            return Err(ConfirmTokenError::Expired);
        }
        Ok(link)
    }
}

#[derive(Template)]
#[template(path = "web/confirm_email.html")]
struct HtmlMail<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    body: &'a str,
    button: &'a str,
    url: &'a str,
    ignore: &'a str,
    help: &'a str,
    postal_address: &'a str,
}

#[derive(Template)]
#[template(path = "web/confirm_email.txt")]
struct TextMail<'a> {
    greeting: &'a str,
    body: &'a str,
    link_text: &'a str,
    url: &'a str,
    ignore: &'a str,
    help: &'a str,
    postal_address: &'a str,
}

/// The confirmation mail's words and link, for one person.
pub(super) struct ConfirmationMail<'a> {
    /// The address it goes to.
    pub to: &'a str,
    /// The confirmation link.
    pub url: &'a str,
    /// How long the link is valid, as the mail says.
    pub ttl_hours: u64,
}

/// Why a confirmation mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub(super) enum ConfirmMailError {
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("message: {0}")]
    Compose(#[from] crate::mail::ComposeError),
    #[error("send: {0}")]
    Send(#[from] crate::mail::SendError),
}

impl ConfirmMailError {
    /// The kind of failure, safe to log (no address, no server reply).
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::Template(_) => "template",
            Self::Compose(_) => "compose",
            Self::Send(_) => "send",
        }
    }
}

impl ConfirmationMail<'_> {
    /// Renders the mail in `words`' language and sends it through `transport`.
    ///
    /// Not a campaign message, so no `List-Unsubscribe`: there is nothing to
    /// leave yet, and ignoring the mail is the way to say no. It greets nobody
    /// by name: the form is public, and a name typed by a stranger must not
    /// reach someone else's inbox.
    pub(super) async fn send(
        &self,
        app: &App,
        words: &PageText<'_>,
        transport: &Transport,
    ) -> Result<(), ConfirmMailError> {
        let lang = words.lang();
        let greeting = words.get("web-confirm-mail-greeting");
        let subject = words.get("web-confirm-mail-subject");
        let body = words.get("web-confirm-mail-body");
        let ignore = words.with("web-confirm-mail-ignore", "hours", self.ttl_hours);
        let help = words.get("email-footer-help");
        let postal_address = &app.settings.postal_address;
        let html = HtmlMail {
            lang: &lang,
            subject: &subject,
            greeting: &greeting,
            body: &body,
            button: &words.get("web-confirm-mail-button"),
            url: self.url,
            ignore: &ignore,
            help: &help,
            postal_address,
        }
        .render()?;
        let text = TextMail {
            greeting: &greeting,
            body: &body,
            link_text: &words.get("web-confirm-mail-link-text"),
            url: self.url,
            ignore: &ignore,
            help: &help,
            postal_address,
        }
        .render()?;
        let message = app
            .composer
            .compose_transactional(self.to, &subject, &lang, text, html)?;
        transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unsubscribe::{TokenSigner, UnsubscribeToken};

    const KEY: [u8; LINK_KEY_LEN] = [9; LINK_KEY_LEN];

    fn link_key() -> LinkKey {
        LinkKey::from_bytes(&KEY).unwrap()
    }

    #[test]
    fn round_trips_and_expires() {
        let s = ConfirmSigner::new(b"key");
        let t = ConfirmToken {
            subscriber_id: 5,
            list_id: Some(3),
            issued_at: 1_000_000,
            link_key: link_key(),
        };
        let text = s.sign(t);
        assert_eq!(
            s.verify(&text, 1_000_500, 1000),
            Ok(ConfirmLink {
                subscriber_id: 5,
                list_id: Some(3),
                issued_at: 1_000_000,
                binding: LinkBinding::Key(link_key()),
            })
        );
        assert_eq!(
            s.verify(&text, 1_002_000, 1000),
            Err(ConfirmTokenError::Expired)
        );
        assert_eq!(
            ConfirmSigner::new(b"other").verify(&text, 1_000_500, 1000),
            Err(ConfirmTokenError::BadSignature)
        );
    }

    #[test]
    fn decodes_each_version_and_refuses_the_rest() {
        let s = ConfirmSigner::new(b"key");
        let (id, list, at) = (
            5i64.to_be_bytes(),
            3i64.to_be_bytes(),
            1000i64.to_be_bytes(),
        );
        let cases: [(&str, Vec<u8>, Result<LinkBinding, ConfirmTokenError>); 5] = [
            (
                "version 4 with its link key",
                [&[4][..], &id, &list, &at, &KEY].concat(),
                Ok(LinkBinding::Key(link_key())),
            ),
            (
                "version 2, ids only (mailed before link keys)",
                [&[2][..], &id, &list, &at].concat(),
                Ok(LinkBinding::Legacy),
            ),
            (
                "version 4 without its link key",
                [&[4][..], &id, &list, &at].concat(),
                Err(ConfirmTokenError::Malformed),
            ),
            (
                "version 2 with a link key",
                [&[2][..], &id, &list, &at, &KEY].concat(),
                Err(ConfirmTokenError::Malformed),
            ),
            (
                "an unsubscribe link's version (3)",
                [&[3][..], &id, &list, &at, &KEY].concat(),
                Err(ConfirmTokenError::Malformed),
            ),
        ];
        for (what, payload, expected) in cases {
            let got = s.verify(&s.mac.seal(&payload), 1000, 1000).map(|link| {
                assert_eq!(
                    (link.subscriber_id, link.list_id, link.issued_at),
                    (5, Some(3), 1000),
                    "{what}"
                );
                link.binding
            });
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn unsubscribe_links_are_not_confirmation_links() {
        let key = TokenSigner::key_from_text("shared");
        let unsubscribe = TokenSigner::new(&key).sign(UnsubscribeToken {
            subscriber_id: 5,
            campaign_id: 3,
            link_key: link_key(),
        });
        use secrecy::ExposeSecret;
        let confirm = ConfirmSigner::new(key.expose_secret());
        assert_eq!(
            confirm.verify(&unsubscribe, 0, i64::MAX),
            Err(ConfirmTokenError::Malformed)
        );
        let link = confirm.sign(ConfirmToken {
            subscriber_id: 5,
            list_id: None,
            issued_at: 0,
            link_key: link_key(),
        });
        assert!(TokenSigner::new(&key).verify(&link).is_err());
    }
}
