//! Following a send from the terminal: `willay campaigns watch N` and the
//! worker's live bars, and the plain lines both write when no one is looking.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};

/// A campaign manager starts `willay campaigns watch 1` in one window before
/// the send; it says where the campaign stands at once and, when a worker has
/// sent everything, says so and ends by itself.
#[tokio::test]
async fn watching_a_campaign_follows_it_until_it_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();

    let mut watch = willay
        .command()
        .args(["campaigns", "watch", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, seen) = mpsc::channel();
    let stdout = watch.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let first = seen
        .recv_timeout(Duration::from_secs(30))
        .expect("a first line");
    assert_eq!(
        first,
        "campaign 1 «survivor-rights»: 0 sent, 0 failed, 0 skipped, 0 pending of 0 · scheduled"
    );

    willay.ok(&["worker", "--until-idle"]);
    let last = seen
        .recv_timeout(Duration::from_secs(30))
        .expect("watch reports the end");
    assert_eq!(
        last,
        "campaign 1 «survivor-rights»: 3 sent, 0 failed, 0 skipped, 0 pending of 3 · done"
    );
    assert!(
        watch.wait().unwrap().success(),
        "watch ends by itself when the campaign is done"
    );
    reader.join().unwrap();

    let missing = willay.run(&["campaigns", "watch", "9"]);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("there is no campaign with id 9"),
        "{missing:?}"
    );
}

/// On a terminal the worker draws a bar per campaign — sent, failed, pending
/// of the audience — and leaves it finished; in a log the same progress is a
/// plain line with the campaign's id, no bar, no escape codes.
#[tokio::test]
async fn the_worker_draws_bars_on_a_terminal_and_writes_lines_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    willay.due_campaign();

    // `script` gives the worker a pseudo-terminal, as a person's window would.
    let worker = format!("{} worker --until-idle", env!("CARGO_BIN_EXE_willay"));
    let output = {
        let command = willay.command();
        let mut script = std::process::Command::new("script");
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => script.env(key, value),
                None => script.env_remove(key),
            };
        }
        script
            .current_dir(dir.path())
            .args(["-qec", &worker, "/dev/null"])
            .output()
            .expect("script (util-linux) runs")
    };
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(
        screen.contains("campaign 1 «survivor-rights» [==============================] 100% 3 sent, 0 failed, 0 skipped, 0 pending of 3 · done"),
        "{screen}"
    );

    willay.another_campaign("survivor-rights");
    let output = willay
        .command()
        .env("WILLAY_LOG", "willay=info")
        .args(["worker", "--until-idle"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains(
            "campaign progress: 3 sent, 0 failed, 0 skipped, 0 pending of 3 · done campaign_id=2"
        ),
        "{log}"
    );
    assert!(!log.contains("[===") && !log.contains('\u{1b}'), "{log}");
}
