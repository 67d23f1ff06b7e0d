//! Bounce and complaint intake: address lists, delivery status notifications
//! (RFC 3464) and abuse reports from feedback loops (ARF, RFC 5965).

use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders};

use crate::app::{App, AppError};
use crate::domain::EmailAddress;
use crate::import::LineNote;
use crate::mail::{MessageId, refuses_the_address};
use crate::store::{BounceMark, now_millis};

/// One hard bounce found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The address that bounced.
    pub email: EmailAddress,
    /// (campaign, subscriber) from the returned Message-ID, when the report carries it.
    pub delivery: Option<(i64, i64)>,
}

/// One person who reported a campaign message as spam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    /// The complaining address, when the report names it (many redact it).
    pub email: Option<EmailAddress>,
    /// (campaign, subscriber) from the reported message's Message-ID.
    pub delivery: Option<(i64, i64)>,
}

/// What reading one file found.
#[derive(Debug, Default)]
pub struct ParsedBounces {
    /// Hard bounces.
    pub bounces: Vec<Bounce>,
    /// Spam complaints.
    pub complaints: Vec<Complaint>,
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
    /// People unsubscribed because they reported a message as spam.
    pub complaints: u64,
    /// Per file: what was not taken.
    pub skipped: Vec<(String, LineNote)>,
}

/// Reads a file as a report when it is a `multipart/report` message (a DSN, or
/// an abuse report), else as one address per line (blank lines and `#`
/// comments ignored).
pub fn parse_file(bytes: &[u8]) -> ParsedBounces {
    match MessageParser::default().parse(bytes) {
        Some(message)
            if message.content_type().is_some_and(|c| {
                c.ctype().eq_ignore_ascii_case("multipart") && c.subtype() == Some("report")
            }) =>
        {
            parse_report(&message)
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

fn parse_report(message: &mail_parser::Message<'_>) -> ParsedBounces {
    let mut parsed = ParsedBounces::default();
    let mut delivery = None;
    let mut status_text = None;
    let mut feedback = None;
    let mut reported_to = None;
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
            "message/feedback-report" => feedback = Some(body),
            "text/rfc822-headers" | "message/rfc822" => {
                delivery = delivery.or_else(|| {
                    MessageId::find(&body).map(|id| (id.key.campaign_id, id.key.subscriber_id))
                });
                reported_to = reported_to.or_else(|| header_value(&body, "To"));
            }
            _ => {}
        }
    }
    if let Some(feedback) = feedback {
        return parse_feedback(&feedback, delivery, reported_to);
    }
    let Some(status) = status_text else {
        parsed.skipped.push(LineNote {
            line: 1,
            message: "a multipart/report that is neither a delivery status nor a feedback report"
                .into(),
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
        // Only a refused address is a bounce: `5.7.1` (spam, policy) says
        // nothing about whether the mailbox exists (RFC 3463).
        if action != "failed" || !refuses_the_address(&code) {
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

/// An abuse report: the person asked their provider to stop this mail, which
/// willay honours as an unsubscribe. Other feedback types are not complaints.
fn parse_feedback(
    feedback: &str,
    delivery: Option<(i64, i64)>,
    reported_to: Option<String>,
) -> ParsedBounces {
    let mut parsed = ParsedBounces::default();
    let kind = header_value(feedback, "Feedback-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if kind != "abuse" {
        parsed.skipped.push(LineNote {
            line: 1,
            message: format!("a feedback report of type `{kind}`, not a complaint"),
        });
        return parsed;
    }
    let email = header_value(feedback, "Original-Rcpt-To")
        .or(reported_to)
        .and_then(|a| {
            let a = a.rsplit('<').next().unwrap_or(&a).trim_end_matches('>');
            EmailAddress::parse(a.trim()).ok()
        });
    if email.is_none() && delivery.is_none() {
        parsed.skipped.push(LineNote {
            line: 1,
            message: "a complaint that names neither the recipient nor a willay Message-ID".into(),
        });
    } else {
        parsed.complaints.push(Complaint { email, delivery });
    }
    parsed
}

/// The value of the first `name:` header line in a block of headers.
fn header_value(headers: &str, name: &str) -> Option<String> {
    headers.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// A bounce file's bytes; a file that cannot be read is the disk's fault,
/// not a bad request.
fn read_file(file: &Path) -> Result<Vec<u8>, AppError> {
    std::fs::read(file).map_err(|error| AppError::Io {
        doing: format!("cannot read {}", file.display()),
        error,
    })
}

impl<R> App<R> {
    /// Marks every hard bounce in `files` (address lists or DSN messages).
    pub async fn import_bounces(
        &self,
        files: &[impl AsRef<Path>],
    ) -> Result<BounceReport, AppError> {
        let mut report = BounceReport::default();
        for file in files {
            let file = file.as_ref();
            let parsed = parse_file(&read_file(file)?);
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
            for complaint in parsed.complaints {
                if self.unsubscribe_complainer(&complaint).await? {
                    report.complaints += 1;
                } else {
                    report.unknown += 1;
                }
            }
            let name = file.display().to_string();
            report
                .skipped
                .extend(parsed.skipped.into_iter().map(|n| (name.clone(), n)));
        }
        Ok(report)
    }

    /// Unsubscribes the person a complaint is about; false if nobody matches.
    /// The Message-ID names them exactly, when the ledger shows that message
    /// went to the person holding its id now (an id reused before migration
    /// 0006 names someone else); the address is the fallback.
    async fn unsubscribe_complainer(&self, complaint: &Complaint) -> Result<bool, AppError> {
        let by_message = match complaint.delivery {
            Some((campaign, subscriber))
                if self.store.was_sent_to(campaign, subscriber).await? =>
            {
                Some(subscriber)
            }
            _ => None,
        };
        let id = match (by_message, &complaint.email) {
            (Some(id), _) => Some(id),
            (None, Some(email)) => self.store.signup_state(&email.key()).await?.map(|s| s.id),
            (None, None) => None,
        };
        let Some(id) = id else {
            return Ok(false);
        };
        self.store.unsubscribe(id, now_millis(), None).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `multipart/report` of `report_type` (RFC 6522): a note for people,
    /// the machine-readable `report`, and the headers of the returned message.
    fn report(from: &str, report_type: &str, report: &str, returned_headers: &str) -> String {
        format!(
            "From: {from}\r\n\
To: noticias@example.org\r\n\
Subject: a report\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type={report_type}; boundary=\"B\"\r\n\
\r\n\
--B\r\n\
Content-Type: text/plain\r\n\
\r\n\
A report for people.\r\n\
--B\r\n\
Content-Type: message/{report_type}\r\n\
\r\n\
{report}\
--B\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
{returned_headers}\
--B--\r\n"
        )
    }

    /// A delivery status notification: one hard bounce, one delay.
    fn dsn() -> String {
        report(
            "MAILER-DAEMON@mx.example.net",
            "delivery-status",
            "Reporting-MTA: dns; mx.example.net\r\n\
\r\n\
Final-Recipient: rfc822; gone@example.net\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
\r\n\
Final-Recipient: rfc822; slow@example.net\r\n\
Action: delayed\r\n\
Status: 4.4.1\r\n",
            "Message-ID: <willay.c3.s42@example.org>\r\n",
        )
    }

    #[test]
    fn reads_hard_bounces_from_a_dsn() {
        let parsed = parse_file(dsn().as_bytes());
        assert_eq!(parsed.bounces.len(), 1);
        assert_eq!(parsed.bounces[0].email.as_str(), "gone@example.net");
        assert_eq!(parsed.bounces[0].delivery, Some((3, 42)));
        assert_eq!(
            parsed.skipped[0].message,
            "not a hard bounce (action `delayed`, status `4.4.1`)"
        );
    }

    #[test]
    fn a_refused_message_is_not_a_bounced_address() {
        let spam = dsn().replace("Status: 5.1.1", "Status: 5.7.1");
        let parsed = parse_file(spam.as_bytes());
        assert!(parsed.bounces.is_empty());
        assert_eq!(
            parsed.skipped[0].message,
            "not a hard bounce (action `failed`, status `5.7.1`)"
        );
    }

    /// An abuse report as feedback loops send them (RFC 5965 §2), recipient redacted.
    fn arf() -> String {
        report(
            "fbl@mx.example.net",
            "feedback-report",
            "Feedback-Type: abuse\r\n\
User-Agent: ExampleFBL/1.0\r\n\
Version: 1\r\n",
            "From: noticias@example.org\r\n\
To: redacted@example.net\r\n\
Message-ID: <willay.c2.s7@example.org>\r\n",
        )
    }

    #[test]
    fn reads_complaints_from_abuse_reports() {
        let parsed = parse_file(arf().as_bytes());
        assert!(parsed.bounces.is_empty());
        assert_eq!(parsed.complaints.len(), 1);
        assert_eq!(parsed.complaints[0].delivery, Some((2, 7)));
        let other = arf().replace("Feedback-Type: abuse", "Feedback-Type: virus");
        let parsed = parse_file(other.as_bytes());
        assert!(parsed.complaints.is_empty());
        assert_eq!(
            parsed.skipped[0].message,
            "a feedback report of type `virus`, not a complaint"
        );
    }

    #[test]
    fn a_file_that_cannot_be_read_is_a_disk_fault_not_bad_input() {
        let missing = Path::new("/nonexistent/willay-bounces.txt");
        match read_file(missing) {
            Err(error @ AppError::Io { .. }) => assert!(
                error
                    .to_string()
                    .starts_with("cannot read /nonexistent/willay-bounces.txt: "),
                "{error}"
            ),
            other => panic!("expected an I/O error, got {other:?}"),
        }
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
