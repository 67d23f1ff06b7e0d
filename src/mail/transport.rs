//! Where messages go: a pooled SMTP relay, or an outbox folder of `.eml` files.

use std::io::{ErrorKind, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::Message;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, TlsParameters};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use secrecy::{ExposeSecret, SecretString};

use super::SendError;
use super::smtp::{Relay, Security, SmtpPool};

/// How to build the transport.
#[derive(Debug, Clone)]
pub struct TransportSettings {
    /// `smtp://user:pass@host:port?tls=starttls|required|none|opportunistic`
    /// (or `smtps://…`); `None` selects the outbox.
    pub smtp_url: Option<SecretString>,
    /// The outbox folder, used when there is no SMTP URL.
    pub outbox: PathBuf,
    /// Most SMTP connections kept open (match the send concurrency).
    pub pool_size: u32,
    /// Per-command SMTP timeout.
    pub timeout: Duration,
    /// PEM file of extra CA certificates to trust for the relay (a private CA),
    /// besides the system's trust store.
    pub ca_file: Option<PathBuf>,
}

/// Why the transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The SMTP URL does not parse or names an unknown option.
    #[error("invalid WILLAY_SMTP_URL: {0}")]
    Url(String),
    /// TLS parameters could not be built.
    #[error("cannot set up TLS for the SMTP relay: {0}")]
    Tls(#[from] lettre::transport::smtp::Error),
    /// The private CA file cannot be read or holds no usable certificate.
    #[error("cannot use WILLAY_SMTP_CA_FILE {path}: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The outbox folder cannot be created.
    #[error("cannot create the outbox folder {path}: {source}")]
    Outbox {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A message transport, built once and shared by every sender task.
#[derive(Clone)]
pub enum Transport {
    /// A pooled SMTP relay.
    Smtp {
        /// The connection pool.
        pool: SmtpPool,
        /// `host:port`, for logs (never the credentials).
        relay: String,
    },
    /// A folder where each message is written as a complete `.eml` file.
    Outbox {
        /// The folder.
        path: PathBuf,
    },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Transport {
    /// Builds the transport the settings select.
    pub fn new(settings: &TransportSettings) -> Result<Self, TransportError> {
        match &settings.smtp_url {
            Some(url) => smtp(url.expose_secret(), settings),
            None => outbox(&settings.outbox),
        }
    }

    /// A description safe to print: relay address or outbox path.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { relay, .. } => format!("SMTP relay {relay}"),
            Transport::Outbox { path, .. } => format!("outbox {}", path.display()),
        }
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp { pool, .. } => {
                pool.send(message.envelope(), &message.formatted()).await
            }
            Transport::Outbox { path } => {
                let (path, eml) = (path.clone(), message.formatted());
                tokio::task::spawn_blocking(move || write_eml(&path, &eml))
                    .await
                    .map_err(|e| SendError::Transient(format!("outbox write failed: {e}")))?
                    .map_err(|e| SendError::Relay(outbox_outage(&e)))
            }
        }
    }
}

fn outbox(path: &Path) -> Result<Transport, TransportError> {
    // Messages hold names and unsubscribe links: for this user only.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(|source| TransportError::Outbox {
            path: path.to_owned(),
            source,
        })?;
    Ok(Transport::Outbox {
        path: path.to_owned(),
    })
}

/// Writes one message into the outbox as `<uuid>.eml` (the names lettre's file
/// transport gives). It is written to a hidden temporary file in the same
/// folder (mode 0600), synced, and renamed into place, so a pickup process
/// sees a message whole or not at all.
fn write_eml(dir: &Path, eml: &[u8]) -> std::io::Result<()> {
    let mut file = tempfile::Builder::new()
        .prefix(".")
        .suffix(".eml.tmp")
        .tempfile_in(dir)?;
    file.write_all(eml)?;
    file.as_file().sync_data()?;
    let name = dir.join(format!("{}.eml", uuid::Uuid::new_v4()));
    file.persist(name).map_err(|e| e.error)?;
    Ok(())
}

/// What a failed outbox write means: the folder, not the message, is at fault,
/// so it is an outage like an unreachable relay and spends no attempt.
fn outbox_outage(error: &std::io::Error) -> String {
    let why = match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "the disk holding the outbox is full",
        ErrorKind::ReadOnlyFilesystem => "the outbox is on a read-only file system",
        ErrorKind::PermissionDenied => "the outbox folder is not writable",
        ErrorKind::NotFound => "the outbox folder is gone",
        _ => "the outbox cannot be written",
    };
    format!("{why}: {error}")
}

fn smtp(url: &str, settings: &TransportSettings) -> Result<Transport, TransportError> {
    let bad = |why: String| TransportError::Url(why);
    let parsed = url::Url::parse(url).map_err(|e| bad(format!("not a URL ({e})")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| bad("no host".into()))?
        .to_owned();
    let mut mode = match parsed.scheme() {
        "smtp" => "starttls".to_owned(),
        "smtps" => "required".to_owned(),
        other => return Err(bad(format!("scheme `{other}` (use smtp:// or smtps://)"))),
    };
    for (key, value) in parsed.query_pairs() {
        match key.as_ref() {
            "tls" => mode = value.into_owned(),
            other => return Err(bad(format!("unknown option `{other}` (known: tls)"))),
        }
    }
    let params = || tls_parameters(&host, settings.ca_file.as_deref());
    // `required` is implicit TLS (SMTPS, port 465); `starttls` upgrades a plain
    // connection and refuses to continue without TLS (port 587).
    let (security, default_port) = match mode.as_str() {
        "none" => (Security::None, 25),
        "starttls" => (Security::StartTls(params()?), 587),
        "required" => (Security::Implicit(params()?), 465),
        "opportunistic" => (Security::Opportunistic(params()?), 25),
        other => {
            return Err(bad(format!(
                "tls={other} (use none, starttls, required or opportunistic)"
            )));
        }
    };
    let port = parsed.port().unwrap_or(default_port);
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let credentials = (!parsed.username().is_empty()).then(|| {
        Credentials::new(
            decode(parsed.username()),
            decode(parsed.password().unwrap_or_default()),
        )
    });
    if matches!(security, Security::None) && credentials.is_some() {
        tracing::warn!("tls=none: the SMTP login goes to the relay unencrypted");
    }
    let relay = Relay {
        host: host.clone(),
        port,
        security,
        credentials,
        timeout: settings.timeout,
    };
    Ok(Transport::Smtp {
        pool: SmtpPool::new(relay, settings.pool_size as usize),
        relay: format!("{host}:{port}"),
    })
}

/// TLS towards `host`, trusting the system's store (rustls-native-certs:
/// `/etc/ssl/certs`, or `SSL_CERT_FILE`/`SSL_CERT_DIR`) and the certificates
/// of `ca_file`.
fn tls_parameters(host: &str, ca_file: Option<&Path>) -> Result<TlsParameters, TransportError> {
    let mut builder =
        TlsParameters::builder(host.to_owned()).certificate_store(CertificateStore::Default);
    if let Some(path) = ca_file {
        let refuse = |reason: String| TransportError::CaFile {
            path: path.to_owned(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| refuse(e.to_string()))?;
        let certificates = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| refuse(format!("not a PEM file ({e})")))?;
        if certificates.is_empty() {
            return Err(refuse("no PEM certificate in it".into()));
        }
        for certificate in certificates {
            let certificate =
                Certificate::from_der(certificate.to_vec()).map_err(|e| refuse(e.to_string()))?;
            builder = builder.add_root_certificate(certificate);
        }
    }
    // Each root is parsed here: a certificate that is no CA fails at start-up.
    builder.build().map_err(|e| match ca_file {
        Some(path) => TransportError::CaFile {
            path: path.to_owned(),
            reason: e.to_string(),
        },
        None => TransportError::Tls(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> TransportSettings {
        TransportSettings {
            smtp_url: Some(SecretString::from(url.to_owned())),
            outbox: PathBuf::from("unused"),
            pool_size: 4,
            timeout: Duration::from_secs(5),
            ca_file: None,
        }
    }

    #[test]
    fn parses_smtp_urls_and_hides_credentials() {
        let t = Transport::new(&settings(
            "smtp://ana:s%40cret@mail.example.org?tls=starttls",
        ))
        .unwrap();
        assert_eq!(t.describe(), "SMTP relay mail.example.org:587");
        let t = Transport::new(&settings("smtp://127.0.0.1:2525?tls=none")).unwrap();
        assert_eq!(t.describe(), "SMTP relay 127.0.0.1:2525");
        let t = Transport::new(&settings("smtps://mail.example.org")).unwrap();
        assert_eq!(t.describe(), "SMTP relay mail.example.org:465");
    }

    #[test]
    fn a_ca_file_must_hold_a_ca_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let ca = rcgen::CertificateParams::new(Vec::<String>::new())
            .unwrap()
            .self_signed(&key)
            .unwrap();
        for (name, content, expected) in [
            ("ca.pem", Some(ca.pem()), None),
            ("missing.pem", None, Some("No such file")),
            (
                "key.pem",
                Some(key.serialize_pem()),
                Some("no PEM certificate"),
            ),
            ("empty.pem", Some(String::new()), Some("no PEM certificate")),
        ] {
            let path = dir.path().join(name);
            if let Some(content) = content {
                std::fs::write(&path, content).unwrap();
            }
            let settings = TransportSettings {
                ca_file: Some(path.clone()),
                ..settings("smtp://relay.example.org?tls=starttls")
            };
            match (Transport::new(&settings), expected) {
                (Ok(_), None) => {}
                (Err(e), Some(expected)) => {
                    let e = e.to_string();
                    assert!(e.contains("WILLAY_SMTP_CA_FILE"), "{name}: {e}");
                    assert!(e.contains(&path.display().to_string()), "{name}: {e}");
                    assert!(e.contains(expected), "{name}: {e}");
                }
                (result, _) => panic!("{name}: {:?}", result.map(|t| t.describe())),
            }
        }
    }

    #[test]
    fn rejects_unknown_options() {
        for (url, expected) in [
            ("smtp://h?tls=maybe", "tls=maybe"),
            ("smtp://h?pool=3", "unknown option `pool`"),
            ("http://h", "scheme `http`"),
        ] {
            let err = Transport::new(&settings(url)).unwrap_err().to_string();
            assert!(err.contains(expected), "{url}: {err}");
        }
    }
}
