//! Bounce intake: address lists and delivery status notifications (RFC 3464).

use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders};

use crate::app::{App, AppError};
use crate::domain::EmailAddress;
use crate::import::LineNote;
use crate::store::{BounceMark, now_millis};

/// One hard bounce found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The address that bounced.
    pub email: EmailAddress,
    /// (campaign, subscriber) from the returned Message-ID, when the report carries it.
    pub delivery: Option<(i64, i64)>,
}

/// What reading one file found.
#[derive(Debug, Default)]
pub struct ParsedBounces {
    /// Hard bounces.
    pub bounces: Vec<Bounce>,
    /// Lines or recipients not taken, with why.
    pub skipped: Vec<LineNote>,
}

/// What an intake did.
#[derive(Debug, Default)]
pub struct BounceReport {
    /// Subscribers newly marked bounced.
    pub marked: u64,
    /// Already bounced before.
    pub already: u64,
    /// Addresses no subscriber has.
    pub unknown: u64,
    /// Per file: what was not taken.
    pub skipped: Vec<(String, LineNote)>,
}

/// Reads a file as a DSN when it is a `multipart/report` message, else as one
/// address per line (blank lines and `#` comments ignored).
pub fn parse_file(bytes: &[u8]) -> ParsedBounces {
    match MessageParser::default().parse(bytes) {
        Some(message)
            if message.content_type().is_some_and(|c| {
                c.ctype().eq_ignore_ascii_case("multipart") && c.subtype() == Some("report")
            }) =>
        {
            parse_dsn(&message)
        }
        _ => parse_list(&String::from_utf8_lossy(bytes)),
    }
}

fn parse_list(text: &str) -> ParsedBounces {
    let mut parsed = ParsedBounces::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match EmailAddress::parse(line) {
            Ok(email) => parsed.bounces.push(Bounce {
                email,
                delivery: None,
            }),
            Err(error) => parsed.skipped.push(LineNote {
                line: index as u64 + 1,
                message: error.to_string(),
            }),
        }
    }
    parsed
}

fn parse_dsn(message: &mail_parser::Message<'_>) -> ParsedBounces {
    let mut parsed = ParsedBounces::default();
    let mut delivery = None;
    let mut status_text = None;
    for part in &message.parts {
        let Some(content_type) = part.content_type() else {
            continue;
        };
        let kind = format!(
            "{}/{}",
            content_type.ctype().to_ascii_lowercase(),
            content_type
                .subtype()
                .unwrap_or_default()
                .to_ascii_lowercase()
        );
        let body = String::from_utf8_lossy(part.contents()).into_owned();
        match kind.as_str() {
            "message/delivery-status" => status_text = Some(body),
            "text/rfc822-headers" | "message/rfc822" => {
                delivery = delivery.or_else(|| willay_message_id(&body))
            }
            _ => {}
        }
    }
    let Some(status) = status_text else {
        parsed.skipped.push(LineNote {
            line: 1,
            message: "a multipart/report without a message/delivery-status part".into(),
        });
        return parsed;
    };
    // Per-recipient groups are separated by blank lines; the first is per-message.
    for group in status.replace("\r\n", "\n").split("\n\n").skip(1) {
        let field = |name: &str| {
            group.lines().find_map(|l| {
                let (key, value) = l.split_once(':')?;
                key.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_owned())
            })
        };
        let Some(recipient) = field("Final-Recipient").or_else(|| field("Original-Recipient"))
        else {
            continue;
        };
        let address = recipient
            .rsplit(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let action = field("Action").unwrap_or_default().to_ascii_lowercase();
        let code = field("Status").unwrap_or_default();
        if action != "failed" || !code.starts_with('5') {
            parsed.skipped.push(LineNote {
                line: 1,
                message: format!("not a hard bounce (action `{action}`, status `{code}`)"),
            });
            continue;
        }
        match EmailAddress::parse(&address) {
            Ok(email) => parsed.bounces.push(Bounce { email, delivery }),
            Err(error) => parsed.skipped.push(LineNote {
                line: 1,
                message: error.to_string(),
            }),
        }
    }
    parsed
}

/// (campaign, subscriber) from a `Message-ID: <willay.c{c}.s{s}@…>` line.
fn willay_message_id(headers: &str) -> Option<(i64, i64)> {
    let start = headers.find("<willay.c")? + "<willay.c".len();
    let rest = &headers[start..];
    let (campaign, rest) = rest.split_once(".s")?;
    let (subscriber, _) = rest.split_once('@')?;
    Some((campaign.parse().ok()?, subscriber.parse().ok()?))
}

impl App {
    /// Marks every hard bounce in `files` (address lists or DSN messages).
    pub async fn import_bounces(
        &self,
        files: &[impl AsRef<Path>],
    ) -> Result<BounceReport, AppError> {
        let mut report = BounceReport::default();
        for file in files {
            let file = file.as_ref();
            let bytes = std::fs::read(file)
                .map_err(|e| AppError::Invalid(format!("cannot read {}: {e}", file.display())))?;
            let parsed = parse_file(&bytes);
            for bounce in parsed.bounces {
                match self
                    .store
                    .mark_bounced(&bounce.email, bounce.delivery, now_millis())
                    .await?
                {
                    BounceMark::Marked => report.marked += 1,
                    BounceMark::AlreadyBounced => report.already += 1,
                    BounceMark::Unknown => report.unknown += 1,
                }
            }
            let name = file.display().to_string();
            report
                .skipped
                .extend(parsed.skipped.into_iter().map(|n| (name.clone(), n)));
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSN: &str = "From: MAILER-DAEMON@mx.example.net\r\n\
To: noticias@example.org\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\
\r\n\
--B\r\n\
Content-Type: text/plain\r\n\
\r\n\
Your message could not be delivered.\r\n\
--B\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.example.net\r\n\
\r\n\
Final-Recipient: rfc822; gone@example.net\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
\r\n\
Final-Recipient: rfc822; slow@example.net\r\n\
Action: delayed\r\n\
Status: 4.4.1\r\n\
--B\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
Message-ID: <willay.c3.s42@example.org>\r\n\
--B--\r\n";

    #[test]
    fn reads_hard_bounces_from_a_dsn() {
        let parsed = parse_file(DSN.as_bytes());
        assert_eq!(parsed.bounces.len(), 1);
        assert_eq!(parsed.bounces[0].email.as_str(), "gone@example.net");
        assert_eq!(parsed.bounces[0].delivery, Some((3, 42)));
        assert_eq!(
            parsed.skipped[0].message,
            "not a hard bounce (action `delayed`, status `4.4.1`)"
        );
    }

    #[test]
    fn reads_address_lists_with_line_numbers() {
        let parsed = parse_file(
            b"# bounced in October\nrosa@example.org\nnot an address\n\nana@example.org\n",
        );
        assert_eq!(parsed.bounces.len(), 2);
        assert_eq!(parsed.skipped[0].line, 3);
    }
}
