//! `willay serve` when its delivery worker stops: the web side stays up
//! (issue 12, item 1c).

use std::process::Command;

use reqwest::StatusCode;

use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};
use crate::poison::{POISONED, succeeded, willay};
use crate::smtp::SmtpServer;

/// A worker that stops (here: the relay wants a login the settings lack)
/// leaves `serve`'s web side up: unsubscribe links must keep working. Before,
/// the whole server stopped with it.
#[tokio::test]
async fn serve_keeps_its_web_side_when_the_worker_stops() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let smtp = SmtpServer::start_with(&["--require-auth"]);
    std::fs::write(dir.path().join("p.csv"), POISONED).unwrap();
    let run = |args: &[&str]| willay(dir.path(), &db, Some(&smtp), args);
    succeeded(&run(&["lists", "create", "t"]));
    succeeded(&run(&["subscribers", "import", "p.csv", "--list", "t"]));
    let now = chrono::Utc::now().to_rfc3339();
    let create = ["campaigns", "create", "--message", "survivor-rights"];
    succeeded(&run(&[&create[..], &["--list", "t", "--at", &now]].concat()));

    let mut serve = Willay {
        dir: dir.path(),
        db: &db,
    }
    .command_to(&smtp.url())
    // Plain http on loopback: the links it would mail need not be https here.
    .env("WILLAY_ALLOW_INSECURE_LINKS", "1")
    .args(["serve", "--bind", "127.0.0.1:0"])
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(serve.stderr.take().unwrap()).lines();
    let mut address = None;
    let mut said = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            address = rest.split_whitespace().next().map(str::to_owned);
        }
        said.push(line);
        if said.last().unwrap().contains("still serving the web side") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let said = said.join("\n");
    assert!(said.contains("requires a login"), "{said}");
    let address = address.expect("serve printed its address");
    let health = reqwest::get(format!("{address}/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let page = reqwest::get(format!("{address}/subscribe")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    // Stopped, it still says the worker failed.
    Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(serve.wait().unwrap().code(), Some(1));
}
