//! `willay tokens` and `willay serve` as the binary.

use super::*;

fn willay(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_willay"));
    command
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("web.db").display()),
        )
        .env("WILLAY_LOCALES", shipped_locales())
        .env("WILLAY_OUTBOX", dir.join("outbox"))
        .env_remove("WILLAY_SMTP_URL");
    command
}

#[test]
fn tokens_are_created_once_listed_without_secret_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let output = willay(dir.path())
        .args(["tokens", "create", "ana-laptop", "--role", "admin"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("wly_") && token.len() == 47, "{token}");
    let output = willay(dir.path())
        .args(["tokens", "create", "ana-laptop", "--role", "admin"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    let output = willay(dir.path())
        .args(["tokens", "list"])
        .output()
        .unwrap();
    let listing = String::from_utf8(output.stdout).unwrap();
    assert!(
        listing.contains("ana-laptop") && !listing.contains(&token[4..]),
        "{listing}"
    );
    let output = willay(dir.path())
        .args(["tokens", "revoke", "ana-laptop"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let output = willay(dir.path())
        .args(["tokens", "revoke", "ana-laptop"])
        .output()
        .unwrap();
    assert!(!output.status.success(), "revoking twice says so");
}

#[tokio::test]
async fn willay_serve_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, address) = spawn_serve(dir.path(), &[]);
    let health = reqwest::get(format!("{address}/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let subscribe = reqwest::get(format!("{address}/subscribe")).await.unwrap();
    assert_eq!(subscribe.status(), StatusCode::OK);
    // Exits cleanly on SIGTERM.
    stop(child);
}

/// Spawns `willay ARGS` on `dir`'s database and reads its stderr until a line
/// holds `marker`; returns the child and the word after the marker (an address).
fn spawn_until(
    dir: &std::path::Path,
    args: &[&str],
    marker: &str,
) -> (std::process::Child, String) {
    let mut child = willay(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("willay prints its address").unwrap();
        if let Some(rest) = line.split(marker).nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stderr so the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// `willay serve` on `dir`'s database until it prints its address; returns the child and the address.
fn spawn_serve(dir: &std::path::Path, extra: &[&str]) -> (std::process::Child, String) {
    let args = [&["serve", "--bind", "127.0.0.1:0"], extra].concat();
    spawn_until(dir, &args, "listening on ")
}

/// SIGTERMs `child`, checks it exits cleanly, and returns what it printed.
fn stop(child: std::process::Child) -> String {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn outbox_messages(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("outbox"))
        .map(|entries| {
            entries
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// `serve --no-worker` leaves sending to a separate `willay worker`, whose own
/// `/metrics` counts what it sent; without the flag, `serve` sends itself.
#[tokio::test]
async fn willay_serve_sends_due_campaigns_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.csv"), PEOPLE).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    for args in [
        vec!["lists", "create", "peru"],
        vec!["subscribers", "import", "people.csv", "--list", "peru"],
        vec![
            "campaigns",
            "create",
            "--message",
            "survivor-rights",
            "--list",
            "peru",
            "--at",
            &now,
        ],
    ] {
        let output = willay(dir.path()).args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
    }

    let token = willay(dir.path())
        .args(["tokens", "create", "prometheus", "--role", "analyst"])
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();

    // --no-worker: the campaign is due, but this process does not send it; a
    // separate `willay worker` does, and shows its own metrics.
    let (serve, address) = spawn_serve(dir.path(), &["--no-worker"]);
    let (worker, metrics) = spawn_until(
        dir.path(),
        &["worker", "--metrics-bind", "127.0.0.1:0"],
        "metrics on ",
    );
    let scrape = async |url: &str, token: &str| {
        let response = reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    };
    assert_eq!(
        scrape(&metrics, "wly_wrong").await.0,
        StatusCode::UNAUTHORIZED
    );
    let sent = r#"willay_messages_total{outcome="sent",locale="#;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let worker_metrics = loop {
        let (status, text) = scrape(&metrics, &token).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let counted: u64 = text
            .lines()
            .filter(|l| l.starts_with(sent))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        if counted == 4 {
            break text;
        }
        assert!(std::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        worker_metrics.contains("willay_send_seconds"),
        "{worker_metrics}"
    );
    let report = stop(worker);
    assert!(report.contains(": 4 sent, 0 failed"), "{report}");
    // serve counted no message of its own: it never sent, the worker sent all.
    let (status, serve_metrics) = scrape(&format!("{address}/metrics"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!serve_metrics.contains(sent), "{serve_metrics}");
    assert!(
        serve_metrics.contains("willay_queue_depth 0"),
        "{serve_metrics}"
    );
    stop(serve);
    assert_eq!(outbox_messages(dir.path()), 4);

    // Without --no-worker, serve sends a due campaign itself.
    let campaign = willay(dir.path())
        .args([
            "campaigns",
            "create",
            "--message",
            "sterilisation-justice",
            "--list",
            "peru",
            "--at",
            &now,
        ])
        .output()
        .unwrap();
    assert!(campaign.status.success(), "{campaign:?}");
    let (child, _) = spawn_serve(dir.path(), &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while outbox_messages(dir.path()) < 8 {
        assert!(
            std::time::Instant::now() < deadline,
            "willay serve sent {} of 4",
            outbox_messages(dir.path()) - 4
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    stop(child);
    assert_eq!(outbox_messages(dir.path()), 8);
}
