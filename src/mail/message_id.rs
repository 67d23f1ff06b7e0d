//! The `Message-ID` of a campaign message: written when composing, read back
//! from bounces and abuse reports to find the delivery they are about.

use std::fmt;

use super::DeliveryKey;

/// What every willay campaign `Message-ID` starts with, before the campaign id.
const PREFIX: &str = "<willay.c";

/// `<willay.c{campaign}.s{subscriber}@{domain}>`: the same for every attempt
/// of one delivery, so receivers can drop a duplicate left by a crash between
/// send and record, and a returned message names its delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageId {
    /// The delivery it names.
    pub key: DeliveryKey,
    /// The sender's domain, after the `@`.
    pub domain: String,
}

impl MessageId {
    /// The id of delivery `key` sent from `domain`.
    pub fn new(key: DeliveryKey, domain: &str) -> Self {
        Self {
            key,
            domain: domain.to_owned(),
        }
    }

    /// Reads one id as written by [`MessageId`]'s `Display`; `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.trim().strip_prefix(PREFIX)?.strip_suffix('>')?;
        let (campaign, rest) = rest.split_once(".s")?;
        let (subscriber, domain) = rest.split_once('@')?;
        let number = |digits: &str| {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        (!domain.is_empty() && !domain.contains(['<', '>', '@'])).then_some(())?;
        Some(Self {
            key: DeliveryKey {
                campaign_id: number(campaign)?,
                subscriber_id: number(subscriber)?,
            },
            domain: domain.to_owned(),
        })
    }

    /// The first willay id in a block of headers (a returned message's copy).
    pub fn find(headers: &str) -> Option<Self> {
        let start = headers.find(PREFIX)?;
        let rest = &headers[start..];
        let end = rest.find('>')?;
        Self::parse(&rest[..=end])
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}.s{}@{}>",
            self.key.campaign_id, self.key.subscriber_id, self.domain
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(campaign_id: i64, subscriber_id: i64) -> DeliveryKey {
        DeliveryKey {
            campaign_id,
            subscriber_id,
        }
    }

    #[test]
    fn what_is_written_reads_back() {
        for (campaign, subscriber, domain, written) in [
            (3, 42, "example.org", "<willay.c3.s42@example.org>"),
            (0, 0, "example.org", "<willay.c0.s0@example.org>"),
            (
                i64::MAX,
                1,
                "mail.example.net",
                "<willay.c9223372036854775807.s1@mail.example.net>",
            ),
        ] {
            let id = MessageId::new(key(campaign, subscriber), domain);
            assert_eq!(id.to_string(), written);
            assert_eq!(MessageId::parse(written), Some(id.clone()), "{written}");
            let headers = format!("From: a@example.org\r\nMessage-ID: {written}\r\nTo: b@x\r\n");
            assert_eq!(MessageId::find(&headers), Some(id), "{headers}");
        }
    }

    #[test]
    fn other_ids_are_refused() {
        for text in [
            "",
            "<other.c3.s42@example.org>",
            "<willay.c3.s42@example.org",
            "willay.c3.s42@example.org>",
            "<willay.c3@example.org>",
            "<willay.cx.s42@example.org>",
            "<willay.c3.s4x@example.org>",
            "<willay.c-3.s42@example.org>",
            "<willay.c.s42@example.org>",
            "<willay.c3.s@example.org>",
            "<willay.c3.s42@>",
            "<willay.c3.s42example.org>",
            "<willay.c99999999999999999999.s1@example.org>",
        ] {
            assert_eq!(MessageId::parse(text), None, "{text}");
        }
        assert_eq!(MessageId::find("Message-ID: <abc@example.org>"), None);
    }
}
