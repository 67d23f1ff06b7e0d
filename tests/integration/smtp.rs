//! A real SMTP server on loopback (aiosmtpd, `tests/support/smtp_server.py`),
//! with fault injection, and the messages it received parsed back with
//! mail-parser.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use tempfile::TempDir;

/// Makes sure aiosmtpd is importable, installing it from PyPI once if not.
fn ensure_aiosmtpd() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let importable = || {
            Command::new("python3")
                .args(["-c", "import aiosmtpd"])
                .status()
                .is_ok_and(|s| s.success())
        };
        if !importable() {
            let installed = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "aiosmtpd"])
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                installed && importable(),
                "the test SMTP server needs Python's aiosmtpd: python3 -m pip install aiosmtpd"
            );
        }
    });
}

/// A running test SMTP server, stopped on drop.
pub struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: TempDir,
}

impl SmtpServer {
    /// Starts a well-behaved server.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server with fault flags (see the script's `--help`).
    pub fn start_with(flags: &[&str]) -> Self {
        Self::start_on(0, flags)
    }

    /// Starts a server on a given port (0: any free port).
    pub fn start_on(port: u16, flags: &[&str]) -> Self {
        ensure_aiosmtpd();
        let dir = tempfile::tempdir().expect("tempdir");
        let maildir = dir.path().join("mail");
        std::fs::create_dir_all(&maildir).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg("--maildir")
            .arg(&maildir)
            .arg("--port")
            .arg(port.to_string())
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the test SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("the server prints READY");
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the SMTP server: {line:?}"));
        Self {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    /// The `WILLAY_SMTP_URL` that reaches it.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Raw messages received so far, in arrival order.
    pub fn raw_messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    }

    /// Messages received so far, parsed.
    pub fn messages(&self) -> Vec<Received> {
        self.raw_messages()
            .into_iter()
            .map(Received::parse)
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// One received message, with the parts tests look at.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    /// The display name and address of `From`.
    pub from_name: String,
    pub from_address: String,
    /// `Date`, as Unix seconds; `None` when missing or unparseable.
    pub date: Option<i64>,
    pub subject: String,
    pub message_id: String,
    pub content_language: String,
    pub list_unsubscribe: String,
    pub list_unsubscribe_post: String,
    pub content_type: String,
    pub text: String,
    pub html: String,
}

impl Received {
    pub fn parse(raw: Vec<u8>) -> Self {
        let message = MessageParser::default()
            .parse(&raw)
            .expect("a parseable message");
        let header = |name: &str| -> String {
            match message.header(name) {
                Some(HeaderValue::Text(t)) => t.to_string(),
                Some(HeaderValue::TextList(list)) => list.join(", "),
                Some(other) => format!("{other:?}"),
                None => String::new(),
            }
        };
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned();
        let content_type = message
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
            .unwrap_or_default();
        let from = message.from().and_then(|a| a.first());
        Self {
            to,
            from_name: from.and_then(|a| a.name()).unwrap_or_default().to_owned(),
            from_address: from
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned(),
            date: message.date().map(|d| d.to_timestamp()),
            subject: message.subject().unwrap_or_default().to_owned(),
            message_id: message.message_id().unwrap_or_default().to_owned(),
            content_language: header("Content-Language"),
            // Raw and unfolded: mail-parser would interpret the URLs as addresses.
            list_unsubscribe: message
                .header_raw("List-Unsubscribe")
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            list_unsubscribe_post: header("List-Unsubscribe-Post"),
            content_type,
            text: message.body_text(0).unwrap_or_default().into_owned(),
            html: message.body_html(0).unwrap_or_default().into_owned(),
        }
    }

    /// The token in the List-Unsubscribe URL.
    pub fn unsubscribe_token(&self) -> String {
        let start = self
            .list_unsubscribe
            .find("/u/")
            .expect("an unsubscribe URL")
            + 3;
        self.list_unsubscribe[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

impl SmtpServer {
    /// The server's log: one JSON line per accepted message.
    pub fn log_lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.maildir.join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Blocks until the server has accepted `n` messages; fails after two
    /// minutes rather than hang when the sender died.
    pub fn wait_for_messages(&self, n: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let accepted = self.log_lines().len();
            if accepted >= n {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the SMTP server accepted {accepted} of {n} messages in two minutes"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

impl SmtpServer {
    /// The port it listens on (for URLs with a login or a TLS mode).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's AUTH attempts, one JSON line each (mechanism, success,
    /// whether the session was encrypted); never the secret.
    pub fn auth_attempts(&self) -> Vec<String> {
        std::fs::read_to_string(self.maildir.join("auth.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// An organisation's own certificate authority and a relay certificate it
/// signed for `localhost`, as PEM files in a folder of their own.
pub struct PrivateCa {
    /// The CA's certificate: what `WILLAY_SMTP_CA_FILE` names.
    pub ca_file: PathBuf,
    /// The relay's certificate and key, for the server's `--tls-cert/--tls-key`.
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    _dir: TempDir,
}

impl PrivateCa {
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let dir = tempfile::tempdir().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Colectivo Willay internal CA");
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let relay = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let relay_key = KeyPair::generate().unwrap();
        let relay_cert = relay.signed_by(&relay_key, &issuer).unwrap();
        let write = |name: &str, pem: String| {
            let path = dir.path().join(name);
            std::fs::write(&path, pem).unwrap();
            path
        };
        Self {
            ca_file: write("ca.pem", ca_cert.pem()),
            cert_file: write("relay.pem", relay_cert.pem()),
            key_file: write("relay.key", relay_key.serialize_pem()),
            _dir: dir,
        }
    }

    /// The server flags that present the relay certificate.
    pub fn server_flags(&self) -> Vec<String> {
        vec![
            "--tls-cert".into(),
            self.cert_file.display().to_string(),
            "--tls-key".into(),
            self.key_file.display().to_string(),
        ]
    }
}
