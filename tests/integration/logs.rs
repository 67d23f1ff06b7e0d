//! What willay writes to stderr, at the most verbose level anyone can ask for:
//! never the relay's password, never a person's address, name or region, never
//! a link's token. And a log line that cannot be written (a closed pipe) never
//! takes the process down.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header;

use crate::binary::{Willay, output_within, people_words};
use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;
use crate::smtp::SmtpServer;
use crate::web::set_cookie;

const USER: &str = "relay-user";
const PASSWORD: &str = "S3cret-relay-pass";

/// The relay, with a login willay must use; Killari's address is refused at RCPT
/// (Postfix quotes it in the reply).
fn relay() -> SmtpServer {
    SmtpServer::start_with(&[
        "--auth-user",
        USER,
        "--auth-password",
        PASSWORD,
        "--reject-rcpt",
        "killa",
    ])
}

fn relay_url(smtp: &SmtpServer) -> String {
    format!(
        "smtp://{USER}:{PASSWORD}@127.0.0.1:{}?tls=none",
        smtp.port()
    )
}

/// Every form the password takes on the wire: plain, AUTH PLAIN's
/// base64(\0user\0password), AUTH LOGIN's base64(password).
fn secrets() -> Vec<String> {
    vec![
        PASSWORD.to_owned(),
        STANDARD.encode(format!("\0{USER}\0{PASSWORD}")),
        STANDARD.encode(PASSWORD),
    ]
}

/// Fails naming each secret or personal word found in `log` (case-insensitive).
fn assert_holds_none(log: &str, words: &[String]) {
    // The test bites only if the level really is verbose: the libraries'
    // debug lines (sqlx's statements) are there.
    assert!(
        log.lines().count() > 20 && log.contains(" DEBUG sqlx::query"),
        "WILLAY_LOG=trace should give a verbose log:\n{log}"
    );
    let lower = log.to_lowercase();
    let found: Vec<&String> = words
        .iter()
        .filter(|w| lower.contains(&w.to_lowercase()))
        .collect();
    assert!(found.is_empty(), "the log holds {found:?}:\n{log}");
}

/// People's words, and each address's local part on its own.
fn personal_words(extra: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = people_words().into_iter().map(str::to_owned).collect();
    words.extend(extra.iter().map(|w| (*w).to_owned()));
    let local_parts: Vec<String> = words
        .iter()
        .filter_map(|w| w.split_once('@'))
        .map(|(local, _)| local.to_owned())
        .collect();
    words.extend(local_parts);
    words
}

async fn a_traced_send_over_an_authenticated_relay_logs_no_secret_and_nobody(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();
    let smtp = relay();
    let mut log = String::new();
    for args in [
        &["subscribers", "import", "people.csv", "--list", "peru"][..],
        &["worker", "--until-idle"],
    ] {
        let output = output_within(
            willay
                .command()
                .args(args)
                .env("WILLAY_LOG", "trace")
                .env("WILLAY_SMTP_URL", relay_url(&smtp)),
            Duration::from_secs(120),
        );
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{args:?}: {stderr}");
        log.push_str(&stderr);
    }
    assert_eq!(smtp.messages().len(), 2, "Killari's address is refused");
    assert!(
        smtp.auth_attempts()
            .iter()
            .all(|a| a.contains("\"success\": true")),
        "{:?}",
        smtp.auth_attempts()
    );
    let mut words = secrets();
    words.extend(personal_words(&["Lima", "Cusco", "Arequipa"]));
    assert_holds_none(&log, &words);
}

/// `willay serve` at trace level through a sign-up, its confirmation mail over
/// the authenticated relay, the confirm link, a campaign and its one-click
/// unsubscribe: nobody's details, no password, no token or query in the log,
/// and each request's span names the route it matched.
#[tokio::test]
async fn a_traced_serve_logs_no_secret_nobody_and_no_link_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.ok(&["lists", "create", "peru"]);
    let smtp = relay();
    let mut command = willay.command();
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("WILLAY_LOG", "trace")
        .env("WILLAY_SMTP_URL", relay_url(&smtp));
    let (serve, address) = willay.spawn_until(&mut command, "listening on ");
    let client = reqwest::Client::new();

    let form = client
        .get(format!("{address}/subscribe?list=peru"))
        .send()
        .await
        .unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").expect("a form cookie");
    let response = client
        .post(format!("{address}/subscribe"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[
            ("csrf", cookie.as_str()),
            ("email", "wayra.condori@example.net"),
            ("name", "Wayra Condori"),
            ("language", "es"),
            ("region", "Puno"),
            ("list", "peru"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{response:?}");
    smtp.wait_for_messages(1);
    let confirmation = smtp.messages().remove(0);
    let start = confirmation.text.find("/confirm/").expect("a confirm link") + 9;
    let confirm_token: String = confirmation.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let confirm = format!("{address}/confirm/{confirm_token}");
    open_and_post(&client, &confirm, &[("lang", "es")]).await;

    willay.another_campaign("survivor-rights");
    smtp.wait_for_messages(2);
    let unsubscribe_token = smtp.messages().remove(1).unsubscribe_token();
    let unsubscribe = format!("{address}/u/{unsubscribe_token}");
    let opened = client
        .get(format!("{unsubscribe}?lang=es&ref={QUERY_MARK}"))
        .send()
        .await
        .unwrap();
    assert!(opened.status().is_success(), "{opened:?}");
    open_and_post(&client, &unsubscribe, &[("List-Unsubscribe", "One-Click")]).await;

    let (_, log) = serve.stop();
    // Each request has its span, named by the route it matched, not its path.
    for route in ["/subscribe", "/confirm/{token}", "/u/{token}"] {
        assert!(
            log.contains(&format!("request{{method=GET route=\"{route}\"}}")),
            "no request span for {route}:\n{log}"
        );
    }
    assert!(
        log.lines().any(
            |line| line.contains(r#"request{method=POST route="/u/{token}"}"#)
                && line.contains("finished processing request")
                && line.contains("status=200")
        ),
        "the one-click post's span closes with its status:\n{log}"
    );
    let mut words = secrets();
    words.extend(personal_words(&[
        "wayra.condori@example.net",
        "Wayra Condori",
        "Puno",
    ]));
    words.extend([confirm_token, unsubscribe_token, QUERY_MARK.to_owned()]);
    assert_holds_none(&log, &words);
}

/// A query parameter no page reads, to show the log never copies a query.
const QUERY_MARK: &str = "query-mark-7qz";

/// `willay worker 2>&1 | head`: once `head` has gone, every write to stdout
/// and stderr fails. The worker still finishes its campaign and exits 0.
async fn a_worker_whose_output_pipe_closed_finishes_its_campaign(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut worker = willay
        .command()
        .args(["worker", "--until-idle"])
        .env("WILLAY_LOG", "debug")
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    let status = worker.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(willay.outbox_messages(), 3);
    let rows = willay.deliveries().await;
    assert!(rows.iter().all(|(state, _)| state == "sent"), "{rows:?}");
    let campaigns = willay.ok(&["campaigns", "list"]);
    let campaigns = String::from_utf8_lossy(&campaigns.stdout);
    assert!(campaigns.contains("done"), "{campaigns}");
}

/// `willay serve` with its output to a closed pipe answers, sends, and stops
/// cleanly on SIGTERM.
#[tokio::test]
async fn serve_whose_output_pipe_closed_keeps_serving() {
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
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut serve = willay
        .command()
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("WILLAY_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while willay.outbox_messages() < 3 {
        assert!(
            serve.try_wait().unwrap().is_none(),
            "serve died: {:?}",
            serve.try_wait()
        );
        assert!(std::time::Instant::now() < deadline, "nothing sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert!(health.status().is_success());
    std::process::Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(serve.wait().unwrap().code(), Some(0));
}

on_both_backends!(
    a_traced_send_over_an_authenticated_relay_logs_no_secret_and_nobody,
    a_worker_whose_output_pipe_closed_finishes_its_campaign,
);

/// Opens a link's page, then posts its form, as a person clicking through would.
async fn open_and_post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) {
    let page = client.get(url).send().await.unwrap();
    assert!(page.status().is_success(), "{page:?}");
    let posted = client.post(url).form(form).send().await.unwrap();
    assert!(posted.status().is_success(), "{posted:?}");
}
