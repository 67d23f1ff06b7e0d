//! A pool of SMTP connections with Nagle's algorithm off.
//!
//! lettre writes a message body and its `.` terminator in two writes; with
//! Nagle on, the terminator waits for the server's delayed ACK — 40 ms per
//! message, per connection (lettre/lettre#1159, not yet released). So willay
//! opens the TCP connections itself with `TCP_NODELAY`, lets lettre speak SMTP
//! over them, and keeps them in a deadpool pool.

use std::time::Duration;

use deadpool::managed::{self, Metrics, RecycleError, RecycleResult};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;

use super::transport::SendError;

/// How the connection is secured.
#[derive(Clone)]
pub enum Security {
    /// Plain text (a relay on localhost or a private network).
    None,
    /// STARTTLS, refusing to continue without it.
    StartTls(TlsParameters),
    /// STARTTLS when the server offers it.
    Opportunistic(TlsParameters),
    /// TLS from the first byte (SMTPS, port 465).
    Implicit(TlsParameters),
}

/// Where and how to connect.
#[derive(Clone)]
pub struct Relay {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS mode.
    pub security: Security,
    /// Login, if the relay needs one.
    pub credentials: Option<Credentials>,
    /// Limit for connecting and for each message's whole exchange.
    pub timeout: Duration,
}

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// TCP failed (refused, unreachable, reset).
    #[error("cannot connect to the SMTP relay: {0}")]
    Io(#[from] std::io::Error),
    /// The relay answered but the greeting, TLS or login failed.
    #[error("SMTP relay refused the session: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// Nothing happened within the timeout.
    #[error("timed out connecting to the SMTP relay")]
    Timeout,
}

/// Opens and checks connections for the pool.
pub struct Connector {
    relay: Relay,
    hello: ClientId,
}

impl managed::Manager for Connector {
    type Type = AsyncSmtpConnection;
    type Error = ConnectError;

    async fn create(&self) -> Result<AsyncSmtpConnection, ConnectError> {
        tokio::time::timeout(self.relay.timeout, self.connect())
            .await
            .map_err(|_| ConnectError::Timeout)?
    }

    async fn recycle(
        &self,
        connection: &mut AsyncSmtpConnection,
        metrics: &Metrics,
    ) -> RecycleResult<ConnectError> {
        if connection.has_broken() {
            return Err(RecycleError::message(
                "connection broken by an earlier error",
            ));
        }
        // Servers drop idle sessions; check with NOOP before reusing an old one.
        if metrics.last_used() > Duration::from_secs(20) && !connection.test_connected().await {
            return Err(RecycleError::message(
                "idle connection closed by the server",
            ));
        }
        Ok(())
    }
}

impl Connector {
    async fn connect(&self) -> Result<AsyncSmtpConnection, ConnectError> {
        let relay = &self.relay;
        let address = (relay.host.as_str(), relay.port);
        let mut connection = match &relay.security {
            // Implicit TLS goes through lettre's own connector (Nagle stays on there
            // until lettre ships its fix); it is rarely used for bulk relays.
            Security::Implicit(params) => {
                AsyncSmtpConnection::connect_tokio1(
                    address,
                    Some(relay.timeout),
                    &self.hello,
                    Some(params.clone()),
                    None,
                )
                .await?
            }
            security => {
                let tcp = TcpStream::connect(address).await?;
                tcp.set_nodelay(true)?;
                let mut connection =
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await?;
                match security {
                    Security::StartTls(params) => {
                        connection.starttls(params.clone(), &self.hello).await?
                    }
                    Security::Opportunistic(params) if connection.can_starttls() => {
                        connection.starttls(params.clone(), &self.hello).await?
                    }
                    _ => {}
                }
                connection
            }
        };
        if let Some(credentials) = &relay.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(connection)
    }
}

/// A bounded pool of SMTP sessions.
#[derive(Clone)]
pub struct SmtpPool {
    pool: managed::Pool<Connector>,
    timeout: Duration,
}

impl SmtpPool {
    /// A pool of at most `size` sessions to `relay` (opened lazily).
    pub fn new(relay: Relay, size: usize) -> Self {
        let timeout = relay.timeout;
        let connector = Connector {
            relay,
            hello: ClientId::default(),
        };
        let pool = managed::Pool::builder(connector)
            .max_size(size.max(1))
            .build()
            .expect("a pool without a runtime-specific timeout always builds");
        Self { pool, timeout }
    }

    /// Sends one message over a pooled session.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        let mut connection = self.pool.get().await.map_err(|e| match e {
            managed::PoolError::Backend(e) => SendError::Relay(e.to_string()),
            other => SendError::Relay(format!("no SMTP connection available: {other}")),
        })?;
        match tokio::time::timeout(self.timeout, connection.send(envelope, message)).await {
            Ok(Ok(_)) => Ok(()),
            // lettre has already aborted the session; recycle() will discard it.
            Ok(Err(e)) if e.is_permanent() => {
                let reply = e.to_string();
                let code = e.status().map(|c| c.to_string()).unwrap_or_default();
                Err(SendError::Permanent {
                    hard_bounce: is_hard_bounce(&code, &reply),
                    reply,
                })
            }
            Ok(Err(e)) => Err(SendError::Transient(e.to_string())),
            Err(_) => {
                // The session is mid-transaction: never reuse it.
                drop(managed::Object::take(connection));
                Err(SendError::Transient(format!(
                    "timed out after {}s waiting for the SMTP relay",
                    self.timeout.as_secs()
                )))
            }
        }
    }

    /// Closes idle sessions (politely: a pooled session is dropped, and lettre quits it).
    pub fn close(&self) {
        self.pool.close();
    }
}

/// Whether a permanent reply rejects the address itself (RFC 3463 `5.1.x`
/// addressing or `5.2.1` disabled mailbox), not the message or the sender.
/// Without an enhanced status code, 550/551/553 are taken as address refusals.
pub fn is_hard_bounce(code: &str, reply: &str) -> bool {
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
        Some(status) => status.starts_with("5.1.") || status == "5.2.1",
        None => matches!(code, "550" | "551" | "553"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_hard_bounce;

    #[test]
    fn tells_address_refusals_from_policy_refusals() {
        assert!(is_hard_bounce(
            "550",
            "permanent error (550): 5.1.1 No such user"
        ));
        assert!(is_hard_bounce(
            "550",
            "permanent error (550): 5.2.1 Mailbox disabled"
        ));
        assert!(is_hard_bounce(
            "553",
            "permanent error (553): mailbox name not allowed"
        ));
        assert!(!is_hard_bounce(
            "550",
            "permanent error (550): 5.7.1 Message rejected as spam"
        ));
        assert!(!is_hard_bounce(
            "554",
            "permanent error (554): transaction failed"
        ));
    }
}
