//! The one place that builds MIME messages and hands them to a transport.

pub mod dkim;
mod message_id;
mod smtp;
mod transport;

use lettre::Message;
use lettre::message::header::{
    ContentTransferEncoding, ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0,
};
use lettre::message::{Body, Mailbox, MessageBuilder, MultiPart};

pub use message_id::MessageId;
pub use smtp::refuses_the_address;
pub use transport::{Transport, TransportError, TransportSettings};

use crate::domain::PersonName;
use crate::render::RenderedEmail;

/// Builds the MIME messages willay sends, as the organisation: who they are
/// from, where unsubscribe requests go, how they are signed.
#[derive(Clone)]
pub struct MessageComposer {
    /// The `From` mailbox.
    pub from: Mailbox,
    /// Where `mailto:` unsubscribe requests are sent (RFC 2369).
    pub unsubscribe_mailto: lettre::Address,
    /// The public base URL of `willay serve` (for unsubscribe links).
    pub public_url: url::Url,
    /// DKIM signing, when a key is configured.
    pub dkim: Option<std::sync::Arc<lettre::message::dkim::DkimConfig>>,
}

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The recipient's stored address is not one lettre can send to.
    #[error("the recipient address is not deliverable: {0}")]
    Address(#[from] lettre::address::AddressError),
    /// lettre refused the message.
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
}

/// A failed send, classified for the retry policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: 4xx replies, timeouts, dropped connections, I/O.
    #[error("{0}")]
    Transient(String),
    /// Will never succeed as is: 5xx replies.
    #[error("{reply}")]
    Permanent {
        /// The server's reply.
        reply: String,
        /// The reply says the address itself does not exist or cannot receive
        /// mail (a hard bounce), as opposed to a policy or content refusal.
        hard_bounce: bool,
    },
    /// The relay itself is unreachable, or refuses the sender: no fault of
    /// this message.
    #[error("{0}")]
    Relay(String),
    /// The relay refuses this worker's session (login, greeting): nothing can
    /// be sent until the SMTP settings are fixed.
    #[error("{0}")]
    Misconfigured(String),
}

/// A delivery's identity: which campaign, which person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryKey {
    /// The campaign.
    pub campaign_id: i64,
    /// The person.
    pub subscriber_id: i64,
}

impl MessageComposer {
    /// The unsubscribe page URL for a signed token.
    pub fn unsubscribe_url(&self, token: &str) -> String {
        let mut url = self.public_url.clone();
        url.path_segments_mut()
            .map(|mut segments| {
                segments.pop_if_empty().push("u").push(token);
            })
            .ok();
        url.to_string()
    }

    /// The delivery's `Message-ID`, the same for every attempt (see [`MessageId`]).
    pub fn message_id(&self, key: DeliveryKey) -> MessageId {
        MessageId::new(key, self.from.email.domain())
    }

    /// The `List-Id` of every campaign (RFC 2919): one list, the organisation's
    /// news, named after the From address. It stays the same from campaign to
    /// campaign, so filters and receivers' reputation follow it; it names no
    /// list topic (a list called after a region or a survivors' group would
    /// tell whoever sees the headers what the person subscribed to).
    pub fn list_id(&self) -> String {
        let label: String = self
            .from
            .email
            .user()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        format!(
            "<{label}.{}>",
            self.from.email.domain().to_ascii_lowercase()
        )
    }

    /// Gmail's feedback-loop id (`a:b:SenderId`): the campaign, the kind of mail,
    /// and willay as the stable sender id (5–15 characters, as Gmail asks).
    /// Gmail reports per DKIM domain, so the organisation is the signature's.
    /// No person's data: the same value goes to every recipient of a campaign.
    pub fn feedback_id(campaign_id: i64) -> String {
        format!("c{campaign_id}:campaign:willay")
    }

    /// Builds the `multipart/alternative` message for one person.
    pub fn compose(
        &self,
        email: &RenderedEmail,
        key: DeliveryKey,
        to_address: &str,
        to_name: &str,
        unsubscribe_token: &str,
    ) -> Result<Message, ComposeError> {
        let address: lettre::Address = to_address.parse()?;
        // A name stored before entry points folded them may hold a line break,
        // which lettre cannot write into `To:` (it panics): fold it here too.
        let to_name = PersonName::lenient(to_name);
        let to = Mailbox::new((!to_name.is_empty()).then(|| to_name.to_string()), address);
        let unsubscribe_url = self.unsubscribe_url(unsubscribe_token);
        let mailto = format!(
            "mailto:{}?subject=unsubscribe%20{}",
            self.unsubscribe_mailto, unsubscribe_token
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .date_now()
            .message_id(Some(self.message_id(key).to_string()))
            .raw_header(header("Content-Language", email.locale.to_string()))
            // RFC 2369 + RFC 8058: one-click unsubscribe that mail clients show as a button.
            .raw_header(header(
                "List-Unsubscribe",
                format!("<{unsubscribe_url}>, <{mailto}>"),
            ))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            ))
            .raw_header(header("List-Id", self.list_id()))
            .raw_header(header("Feedback-ID", Self::feedback_id(key.campaign_id)));
        let mut message = alternative(message, email.text.clone(), email.html.clone())?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }
}

impl MessageComposer {
    /// Builds a one-to-one message (a confirmation, not a campaign): no
    /// list headers, a fresh `Message-ID`, DKIM-signed like campaign mail.
    pub fn compose_transactional(
        &self,
        to_address: &str,
        subject: &str,
        language: &str,
        text: String,
        html: String,
    ) -> Result<Message, ComposeError> {
        let to = Mailbox::new(None, to_address.parse()?);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .date_now()
            .message_id(None)
            .raw_header(header("Content-Language", language.to_owned()));
        let mut message = alternative(message, text, html)?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }
}

/// Finishes `message` with a `multipart/alternative` body of `text` and `html`,
/// its Content-Type among the message's own headers.
///
/// lettre's `multipart()` keeps that Content-Type with the part, where its DKIM
/// signer does not look: listing Content-Type in the signature would then hash
/// nothing for it while verifiers hash the real one, and fail. So the part is
/// formatted by lettre and carried as a raw body: lettre has already encoded
/// both alternatives (quoted-printable or base64), so the body is 7-bit.
fn alternative(
    message: MessageBuilder,
    text: String,
    html: String,
) -> Result<Message, ComposeError> {
    let part = MultiPart::alternative_plain_html(text, html);
    let content_type: ContentType = part
        .headers()
        .get::<ContentType>()
        .expect("lettre gives every multipart a Content-Type");
    let formatted = part.formatted();
    // The part is its headers, an empty line, then the body.
    let body_start = formatted
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
        .expect("a formatted multipart has a header block");
    Ok(message
        .header(MIME_VERSION_1_0)
        .header(content_type)
        .body(Body::dangerous_pre_encoded(
            formatted[body_start..].to_vec(),
            ContentTransferEncoding::SevenBit,
        ))?)
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}
