//! One message's SMTP transaction, and what its failure means.
//!
//! lettre's `send` runs `MAIL`, `RCPT`, `DATA` and the content as one call and
//! reports a failure without saying which step refused. That step decides
//! what a `5xx` means (RFC 5321 §3.3): at `RCPT` the address is refused (a
//! hard bounce); at `MAIL` the relay refuses *us*, so every message would fail
//! alike; after `DATA` the content or a policy is refused. So willay drives the
//! steps itself with lettre's commands.

use lettre::address::Envelope;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{Extension, MailBodyParameter, MailParameter};

use crate::mail::SendError;

/// The step of the transaction that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `MAIL FROM`: the sender.
    Mail,
    /// `RCPT TO`: the recipient.
    Rcpt,
    /// `DATA`, refused before any content was sent.
    Data,
    /// The content, refused after the final dot (the transaction is over).
    Content,
}

/// Sends one message over an open session. On a refusal the session is reset
/// (`RSET`) and stays usable; on an I/O error it is aborted, and the pool
/// discards it.
pub async fn send(
    connection: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
) -> Result<(), SendError> {
    match steps(connection, envelope, message).await {
        Ok(()) => Ok(()),
        Err((step, error)) => {
            let in_sync = error.status().is_some();
            if in_sync && step != Step::Content {
                if connection.command(Rset).await.is_err() {
                    connection.abort().await;
                }
            } else if !in_sync {
                connection.abort().await;
            }
            Err(classify(step, &error))
        }
    }
}

async fn steps(
    connection: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
) -> Result<(), (Step, lettre::transport::smtp::Error)> {
    let mut parameters = Vec::new();
    let non_ascii_addresses = envelope
        .to()
        .iter()
        .chain(envelope.from())
        .any(|address| !AsRef::<str>::as_ref(address).is_ascii());
    if non_ascii_addresses
        && connection
            .server_info()
            .supports_feature(Extension::SmtpUtfEight)
    {
        parameters.push(MailParameter::SmtpUtfEight);
    }
    if !message.is_ascii()
        && connection
            .server_info()
            .supports_feature(Extension::EightBitMime)
    {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    connection
        .command(Mail::new(envelope.from().cloned(), parameters))
        .await
        .map_err(|e| (Step::Mail, e))?;
    for to in envelope.to() {
        connection
            .command(Rcpt::new(to.clone(), Vec::new()))
            .await
            .map_err(|e| (Step::Rcpt, e))?;
    }
    connection
        .command(Data)
        .await
        .map_err(|e| (Step::Data, e))?;
    connection
        .message(message)
        .await
        .map_err(|e| (Step::Content, e))?;
    Ok(())
}

/// What a failed step means for the retry policy.
pub fn classify(step: Step, error: &lettre::transport::smtp::Error) -> SendError {
    let reply = error.to_string();
    if !error.is_permanent() {
        // 4xx, a dropped connection, a malformed reply: try again later.
        return SendError::Transient(reply);
    }
    match step {
        // RFC 4954: the relay wants a login willay was not given.
        Step::Mail if error.status().is_some_and(|code| code.to_string() == "530") => {
            SendError::Misconfigured(format!("the SMTP relay requires a login: {reply}"))
        }
        // The relay refuses the sender: every message would fail the same way.
        Step::Mail => SendError::Relay(reply),
        Step::Rcpt => SendError::Permanent {
            hard_bounce: refuses_the_address(&reply),
            reply,
        },
        Step::Data | Step::Content => SendError::Permanent {
            reply,
            hard_bounce: false,
        },
    }
}

/// Whether a permanent reply to `RCPT` says the address cannot receive mail:
/// RFC 3463 `5.1.x` addressing statuses (but not `5.1.7`/`5.1.8`, which are
/// about the sender) or `5.2.1` (mailbox disabled). Without an enhanced status
/// code, 550/551/553 at `RCPT` are address refusals (RFC 5321 §4.2.3).
pub fn refuses_the_address(reply: &str) -> bool {
    let enhanced = reply
        .split(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == ')')
        .find(|word| {
            let parts: Vec<&str> = word.split('.').collect();
            parts.len() == 3
                && parts[0] == "5"
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
    match enhanced {
        Some("5.1.7" | "5.1.8") => false,
        Some(status) => status.starts_with("5.1.") || status == "5.2.1",
        None => ["(550)", "(551)", "(553)"]
            .iter()
            .any(|code| reply.contains(code)),
    }
}

#[cfg(test)]
mod tests {
    use super::refuses_the_address;

    #[test]
    fn tells_address_refusals_from_other_refusals() {
        for reply in [
            "permanent error (550): 5.1.1 No such user",
            "permanent error (550): 5.2.1 Mailbox disabled",
            "permanent error (553): mailbox name not allowed",
            "permanent error (550): user unknown",
        ] {
            assert!(refuses_the_address(reply), "{reply}");
        }
        for reply in [
            "permanent error (550): 5.7.1 Message rejected as spam",
            "permanent error (553): 5.1.8 Sender address rejected: Domain not found",
            "permanent error (554): transaction failed",
        ] {
            assert!(!refuses_the_address(reply), "{reply}");
        }
    }
}
