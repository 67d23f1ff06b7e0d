//! A relay as an organisation runs it: a certificate from its own CA, STARTTLS
//! or SMTPS, a login. What willay cannot use as configured stops the worker at
//! once, exit 1, naming the setting, spending no attempt: it never retries a
//! certificate it refused, nor sends a password in clear text unasked.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::binary::{Willay, output_within};
use crate::helpers::{Backend, TestDb};
use crate::smtp::{PrivateCa, SmtpServer};

const USER: &str = "relay-user";
const PASSWORD: &str = "S3cret-relay-pass";

/// What the relay offers.
#[derive(Clone, Copy)]
enum Relay {
    /// Plain SMTP with AUTH (no STARTTLS).
    Plain,
    /// STARTTLS with the private CA's certificate; AUTH only after it.
    StartTls,
    /// TLS from the first byte (port 465 style).
    Implicit,
}

/// Where the relay's CA is made known to willay.
#[derive(Clone, Copy, PartialEq)]
enum Trust {
    Nowhere,
    CaFile,
    /// The system's store, through rustls-native-certs' `SSL_CERT_FILE`.
    SystemStore,
    /// `WILLAY_SMTP_CA_FILE` names a file that holds no certificate.
    BrokenCaFile,
}

/// How the worker must end.
enum Expect {
    /// Exit 0, every message accepted by the relay.
    Sent,
    /// Exit 1 with a message holding these words; nothing sent, nothing spent,
    /// and (when `no_auth`) the password never offered to the relay.
    Stops { words: &'static [&'static str] },
}

struct Case {
    name: &'static str,
    relay: Relay,
    /// `WILLAY_SMTP_URL`, with `{port}` for the relay's port.
    url: &'static str,
    trust: Trust,
    expect: Expect,
}

const CASES: &[Case] = &[
    Case {
        name: "STARTTLS, private CA not given",
        relay: Relay::StartTls,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=starttls",
        trust: Trust::Nowhere,
        expect: Expect::Stops {
            words: &["UnknownIssuer", "WILLAY_SMTP_CA_FILE"],
        },
    },
    Case {
        name: "STARTTLS, private CA in WILLAY_SMTP_CA_FILE",
        relay: Relay::StartTls,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=starttls",
        trust: Trust::CaFile,
        expect: Expect::Sent,
    },
    Case {
        name: "STARTTLS, private CA in the system's store",
        relay: Relay::StartTls,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=starttls",
        trust: Trust::SystemStore,
        expect: Expect::Sent,
    },
    Case {
        name: "smtps://, private CA not given",
        relay: Relay::Implicit,
        url: "smtps://relay-user:S3cret-relay-pass@localhost:{port}",
        trust: Trust::Nowhere,
        expect: Expect::Stops {
            words: &["UnknownIssuer", "WILLAY_SMTP_CA_FILE"],
        },
    },
    Case {
        name: "smtps://, private CA in WILLAY_SMTP_CA_FILE",
        relay: Relay::Implicit,
        url: "smtps://relay-user:S3cret-relay-pass@localhost:{port}",
        trust: Trust::CaFile,
        expect: Expect::Sent,
    },
    Case {
        name: "smtps:// to a relay that speaks plain SMTP",
        relay: Relay::Plain,
        url: "smtps://relay-user:S3cret-relay-pass@localhost:{port}",
        trust: Trust::CaFile,
        expect: Expect::Stops {
            words: &["TLS", "WILLAY_SMTP_URL"],
        },
    },
    Case {
        name: "tls=starttls to a relay that offers no STARTTLS",
        relay: Relay::Plain,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=starttls",
        trust: Trust::CaFile,
        expect: Expect::Stops {
            words: &["offers no STARTTLS", "tls=starttls", "WILLAY_SMTP_URL"],
        },
    },
    Case {
        name: "tls=opportunistic with a login, relay without STARTTLS",
        relay: Relay::Plain,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=opportunistic",
        trust: Trust::Nowhere,
        expect: Expect::Stops {
            words: &["tls=opportunistic", "clear text", "tls=none"],
        },
    },
    Case {
        name: "tls=opportunistic with a login, relay with STARTTLS",
        relay: Relay::StartTls,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=opportunistic",
        trust: Trust::CaFile,
        expect: Expect::Sent,
    },
    Case {
        name: "tls=none with a login: clear text, chosen explicitly",
        relay: Relay::Plain,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=none",
        trust: Trust::Nowhere,
        expect: Expect::Sent,
    },
    Case {
        name: "WILLAY_SMTP_CA_FILE holds no certificate",
        relay: Relay::StartTls,
        url: "smtp://relay-user:S3cret-relay-pass@localhost:{port}?tls=starttls",
        trust: Trust::BrokenCaFile,
        expect: Expect::Stops {
            words: &["WILLAY_SMTP_CA_FILE", "no PEM certificate"],
        },
    },
];

/// Runs one case; `Err` says what went wrong.
async fn run(case: &Case, ca: &PrivateCa) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();
    let mut flags = vec!["--auth-user".to_owned(), USER.to_owned()];
    flags.extend(["--auth-password".to_owned(), PASSWORD.to_owned()]);
    match case.relay {
        Relay::Plain => {}
        Relay::StartTls => flags.push("--starttls".into()),
        Relay::Implicit => flags.push("--implicit-tls".into()),
    }
    flags.extend(ca.server_flags());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let smtp = SmtpServer::start_with(&flags);

    let url = case.url.replace("{port}", &smtp.port().to_string());
    let mut command = willay.command();
    command
        .args(["worker", "--until-idle"])
        .env("WILLAY_SMTP_URL", url)
        // rustls logs through `log` at trace level: it must not leak the login either.
        .env("WILLAY_LOG", "trace");
    let not_a_certificate = dir.path().join("not-a-certificate.pem");
    std::fs::write(&not_a_certificate, "just some text\n").unwrap();
    match case.trust {
        Trust::Nowhere => {}
        Trust::CaFile => {
            command.env("WILLAY_SMTP_CA_FILE", &ca.ca_file);
        }
        Trust::SystemStore => {
            command.env("SSL_CERT_FILE", &ca.ca_file);
        }
        Trust::BrokenCaFile => {
            command.env("WILLAY_SMTP_CA_FILE", &not_a_certificate);
        }
    }
    let output = output_within(&mut command, Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let auth_plain = STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    for secret in [PASSWORD, &auth_plain, &STANDARD.encode(PASSWORD)] {
        if stderr.contains(secret) {
            return Err(format!("{secret} is in stderr:\n{stderr}"));
        }
    }
    let rows = willay.deliveries().await;
    match case.expect {
        Expect::Sent => {
            if output.status.code() != Some(0) {
                return Err(format!("exit {:?}:\n{stderr}", output.status.code()));
            }
            if smtp.messages().len() != 3 || rows.iter().any(|(state, _)| state != "sent") {
                return Err(format!(
                    "{} messages received, ledger {rows:?}",
                    smtp.messages().len()
                ));
            }
            let logins = smtp.auth_attempts();
            let in_clear = logins.iter().any(|l| l.contains("\"tls\": false"));
            if logins.is_empty() || (in_clear && !case.url.contains("tls=none")) {
                return Err(format!("logins: {logins:?}"));
            }
        }
        Expect::Stops { words } => {
            if output.status.code() != Some(1) {
                return Err(format!("exit {:?}:\n{stderr}", output.status.code()));
            }
            let last = stderr.lines().last().unwrap_or_default();
            if !last.starts_with("error: ") || words.iter().any(|w| !last.contains(w)) {
                return Err(format!("the last line should name {words:?}:\n{stderr}"));
            }
            // Rows exist once the campaign started; a start-up refusal starts none.
            if rows.iter().any(|row| *row != ("pending".into(), 0)) {
                return Err(format!("attempts spent: {rows:?}"));
            }
            if !smtp.messages().is_empty() {
                return Err("a message was sent".into());
            }
            let in_clear: Vec<String> = smtp
                .auth_attempts()
                .into_iter()
                .filter(|l| l.contains("\"tls\": false"))
                .collect();
            if !in_clear.is_empty() {
                return Err(format!("the login went out in clear text: {in_clear:?}"));
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn tls_modes_and_trust_against_a_relay_with_a_private_ca() {
    let ca = PrivateCa::new();
    let mut failures = Vec::new();
    for case in CASES {
        if let Err(why) = run(case, &ca).await {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// A refused connection is an outage, not a configuration error: the worker
/// keeps waiting for the relay (here: until SIGTERM), spending no attempt.
#[tokio::test]
async fn a_relay_that_is_down_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut command = willay.command();
    command
        .args(["worker"])
        .env(
            "WILLAY_SMTP_URL",
            format!("smtps://{USER}:{PASSWORD}@localhost:{port}"),
        )
        .env("WILLAY_LOG", "info");
    let (worker, _) = willay.spawn_until(&mut command, "Connection refused");
    let (_, stderr) = worker.stop();
    assert!(
        !stderr.lines().any(|l| l.starts_with("error: ")),
        "{stderr}"
    );
    for row in willay.deliveries().await {
        assert_eq!(row, ("pending".into(), 0));
    }
}
