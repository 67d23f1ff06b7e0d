//! A pool of SMTP connections with Nagle's algorithm off.
//!
//! lettre writes a message body and its `.` terminator in two writes; with
//! Nagle on, the terminator waits for the server's delayed ACK — 40 ms per
//! message, per connection (lettre/lettre#1159, not yet released). So willay
//! opens the TCP connections itself with `TCP_NODELAY`, lets lettre speak SMTP
//! over them, and keeps them in a deadpool pool.

mod transaction;

pub use transaction::refuses_the_address;

use std::time::Duration;

use deadpool::Runtime;
use deadpool::managed::{self, Metrics, RecycleError, RecycleResult, Timeouts};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;

use super::SendError;

/// How the connection is secured.
#[derive(Clone)]
pub enum Security {
    /// Plain text (a relay on localhost or a private network).
    None,
    /// STARTTLS, refusing to continue without it.
    StartTls(TlsParameters),
    /// STARTTLS when the server offers it; without it, plain text but no
    /// login (that would send the password in clear).
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
    /// willay will not go on with this relay as configured (its certificate,
    /// no STARTTLS, no login in clear text): retrying cannot help.
    #[error("{0}")]
    Refused(String),
    /// Nothing happened within the timeout.
    #[error("timed out connecting to the SMTP relay")]
    Timeout,
}

/// A TLS handshake that failed because of what the peer presented (rustls
/// reports certificate and protocol errors as `InvalidData`), as opposed to a
/// connection lost on the way, which is an outage.
fn tls_refusal(error: &lettre::transport::smtp::Error) -> Option<ConnectError> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return (io.kind() == std::io::ErrorKind::InvalidData).then(|| {
                let hint = if io.to_string().contains("certificate") {
                    "a relay certificate from a private CA needs WILLAY_SMTP_CA_FILE"
                } else {
                    "does the relay speak TLS on this port?"
                };
                ConnectError::Refused(format!(
                    "willay refused the TLS session with the SMTP relay: {io} ({hint})"
                ))
            });
        }
        cause = current.source();
    }
    None
}

/// Classifies a failed TLS set-up: refused by willay, or lost on the way.
fn tls_failure(error: lettre::transport::smtp::Error) -> ConnectError {
    tls_refusal(&error).unwrap_or(ConnectError::Smtp(error))
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
            Security::Implicit(params) => AsyncSmtpConnection::connect_tokio1(
                address,
                Some(relay.timeout),
                &self.hello,
                Some(params.clone()),
                None,
            )
            .await
            .map_err(tls_failure)?,
            security => {
                let tcp = TcpStream::connect(address).await?;
                tcp.set_nodelay(true)?;
                let mut connection =
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await?;
                let upgrade = match security {
                    Security::StartTls(params) | Security::Opportunistic(params) => Some(params),
                    _ => None,
                };
                match upgrade {
                    Some(params) if connection.can_starttls() => connection
                        .starttls(params.clone(), &self.hello)
                        .await
                        .map_err(tls_failure)?,
                    Some(_) if matches!(security, Security::StartTls(_)) => {
                        return Err(ConnectError::Refused(
                            "the SMTP relay offers no STARTTLS, which tls=starttls requires \
                             (check the port and tls mode in WILLAY_SMTP_URL: STARTTLS is \
                             usually port 587, smtps:// port 465)"
                                .into(),
                        ));
                    }
                    // RFC 8314 §3: a login must not travel in clear text unless
                    // that was chosen (tls=none).
                    Some(_) if relay.credentials.is_some() => {
                        return Err(ConnectError::Refused(
                            "the SMTP relay offers no STARTTLS, and with tls=opportunistic \
                             willay does not send the login in clear text (use tls=starttls \
                             or smtps:// in WILLAY_SMTP_URL, or tls=none to send it \
                             unencrypted on purpose)"
                                .into(),
                        ));
                    }
                    _ => {}
                }
                connection
            }
        };
        if let Some(credentials) = &relay.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| {
                    if e.is_client() {
                        // lettre found no mechanism in common: the relay offers
                        // no AUTH (at all, or not before TLS).
                        ConnectError::Refused(format!(
                            "the SMTP relay offers no login willay can use ({e}); check the \
                             user, tls mode and port in WILLAY_SMTP_URL"
                        ))
                    } else {
                        ConnectError::Smtp(e)
                    }
                })?;
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
            // A relay that accepts the connection and then says nothing must
            // not hang a sender: the NOOP check of an idle session is bounded
            // like every other exchange.
            .timeouts(Timeouts {
                wait: None,
                create: Some(timeout),
                recycle: Some(timeout),
            })
            .runtime(Runtime::Tokio1)
            .build()
            .expect("the tokio runtime is given, so timeouts are supported");
        Self { pool, timeout }
    }

    /// Sends one message over a pooled session.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        let mut connection = self.pool.get().await.map_err(|e| match e {
            // The relay answered but refused the session itself (5xx to the
            // greeting, EHLO or AUTH): a configuration problem, not an outage.
            managed::PoolError::Backend(ConnectError::Smtp(e)) if e.is_permanent() => {
                SendError::Misconfigured(format!("the SMTP relay refused the session: {e}"))
            }
            managed::PoolError::Backend(ConnectError::Refused(why)) => {
                SendError::Misconfigured(why)
            }
            managed::PoolError::Backend(e) => SendError::Relay(e.to_string()),
            other => SendError::Relay(format!("no SMTP connection available: {other}")),
        })?;
        match tokio::time::timeout(
            self.timeout,
            transaction::send(&mut connection, envelope, message),
        )
        .await
        {
            Ok(result) => result,
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
