//! Both `/metrics` endpoints as Prometheus reads them: `promtool check metrics`
//! (Debian's `prometheus` package) passes, every family has its HELP, and the
//! send latency is a histogram, whose buckets add up across workers.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};

/// `promtool check metrics` on `text`: its verdict, or what it objects to.
fn promtool_check(text: &str) -> Result<(), String> {
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs (Debian: apt-get install prometheus)");
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = promtool.wait_with_output().unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

async fn scrape(url: &str, token: &str) -> String {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{response:?}");
    response.text().await.unwrap()
}

/// What both endpoints must show once messages were sent.
fn assert_well_formed(endpoint: &str, text: &str) {
    if let Err(problems) = promtool_check(text) {
        panic!("promtool rejects {endpoint}:\n{problems}\n{text}");
    }
    for line in [
        "# HELP willay_messages_total ",
        "# TYPE willay_messages_total counter",
        "# HELP willay_send_seconds ",
        "# TYPE willay_send_seconds histogram",
        "willay_send_seconds_bucket{",
        "le=\"+Inf\"",
        "willay_send_seconds_count{",
    ] {
        assert!(text.contains(line), "{endpoint} lacks {line:?}:\n{text}");
    }
}

#[tokio::test]
async fn both_metrics_endpoints_pass_promtool_with_a_latency_histogram() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();
    let token = willay
        .ok(&["tokens", "create", "prometheus", "--role", "analyst"])
        .stdout;
    let token = String::from_utf8(token).unwrap().trim().to_owned();

    let (worker, metrics) = willay.spawn_until(
        willay
            .command()
            .args(["worker", "--metrics-bind", "127.0.0.1:0"]),
        "metrics on ",
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while willay.outbox_messages() < 3 {
        assert!(Instant::now() < deadline, "the worker sent nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_well_formed("the worker's /metrics", &scrape(&metrics, &token).await);
    worker.stop();

    willay.another_campaign("sterilisation-justice");
    let (serve, address) = willay.spawn_until(
        willay.command().args(["serve", "--bind", "127.0.0.1:0"]),
        "listening on ",
    );
    while willay.outbox_messages() < 6 {
        assert!(Instant::now() < deadline, "serve sent nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = scrape(&format!("{address}/metrics"), &token).await;
    assert_well_formed("serve's /metrics", &text);
    assert!(text.contains("# HELP willay_queue_depth "), "{text}");
    serve.stop();
}
