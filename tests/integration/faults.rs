//! Faults that must not cost anyone her message: a full disk under the
//! database or the outbox, a relay outage, a paused campaign left behind, and
//! files other users of the machine could read.
//!
//! The disk-full stories mount small tmpfs file systems of their own: they
//! need root (as in CI) and fail, loudly, without it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::binary::Willay;
use crate::helpers::{Backend, TestApp, shipped_locales};
use crate::scale_out::{message_id_counts, scheduled_campaign};
use crate::smtp::SmtpServer;

const SECRET: &str = "test-signing-key-of-32-bytes-at-least";

/// A tmpfs of `size` mounted on `at` for one test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Self {
        std::fs::create_dir_all(at).unwrap();
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "the disk-full tests mount a tmpfs of their own: run them as root ({status})"
        );
        Self(at.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system holding `dir` to the last byte; returns the filler.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    for chunk in [1 << 20, 4096, 1] {
        let bytes = vec![0u8; chunk];
        while file.write_all(&bytes).and_then(|_| file.flush()).is_ok() {}
    }
    path
}

/// A `willay worker --until-idle` process whose stderr is kept for reading.
struct Worker {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Worker {
    fn spawn(t: &TestApp, smtp: Option<&SmtpServer>, extra: &[&str]) -> Self {
        Self::spawn_to(t, smtp.map(SmtpServer::url), extra)
    }

    /// Sending to `smtp_url`, or to the outbox without one.
    fn spawn_to(t: &TestApp, smtp_url: Option<String>, extra: &[&str]) -> Self {
        let willay = Willay {
            dir: t.dir.path(),
            db: &t._db,
        };
        let mut command = match smtp_url {
            Some(url) => willay.command_to(&url),
            None => willay.command(),
        };
        command
            .env("WILLAY_SECRET", SECRET)
            .env("WILLAY_LOG", "warn")
            .args(["worker", "--until-idle", "--concurrency", "8"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("a worker process starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        Self { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr says `what`, failing if the worker exits first.
    fn wait_for_stderr(&mut self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !self.stderr().contains(what) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the worker exited ({status}) before saying {what:?}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {what:?} in:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the exit (two minutes at most); returns it and how long it took.
    fn wait(&mut self) -> (std::process::ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last lines.
                std::thread::sleep(Duration::from_millis(50));
                return (status, started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = self.child.kill();
                panic!("the worker did not finish:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "filler"))
        .collect()
}

/// Every file in the outbox is a whole message: named `*.eml`, parses, has
/// both parts and the closing MIME boundary. Returns Message-ID → count.
fn whole_messages(outbox: &Path) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    for path in eml_files(outbox) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with(".eml"), "a stray file in the outbox: {name}");
        let raw = std::fs::read(&path).unwrap();
        assert!(
            raw.trim_ascii_end().ends_with(b"--"),
            "{name} is cut short ({} bytes)",
            raw.len()
        );
        let message = mail_parser::MessageParser::default()
            .parse(&raw)
            .unwrap_or_else(|| panic!("{name} does not parse"));
        assert!(
            message.body_text(0).is_some() && message.body_html(0).is_some(),
            "{name} lacks a part"
        );
        let id = message.message_id().expect("a Message-ID").to_owned();
        *ids.entry(id).or_default() += 1;
    }
    ids
}

async fn assert_all_sent_once_attempted(t: &TestApp, campaign: i64, people: i64) {
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!(
        (counts.sent, counts.pending, counts.sending, counts.failed),
        (people, 0, 0, 0),
        "everyone sent, no row failed"
    );
    let rows = t.app.store.deliveries(campaign).await.unwrap();
    let spent: Vec<i64> = rows
        .iter()
        .map(|r| r.attempts)
        .filter(|a| *a != 1)
        .collect();
    assert!(
        spent.is_empty(),
        "the outage spent attempts: {} rows with attempts {:?}",
        spent.len(),
        &spent[..spent.len().min(10)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_outbox_disk_pauses_sending_and_leaves_no_partial_message() {
    const PEOPLE: usize = 2_000;
    let t = TestApp::spawn(Backend::Sqlite).await;
    let outbox = t.dir.path().join("outbox");
    let _disk = Tmpfs::mount(&outbox, "24m");
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    // Retries that would use up every attempt within the outage if it spent them.
    let mut worker = Worker::spawn(
        &t,
        None,
        &["--retry-base-seconds", "0", "--max-attempts", "2"],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while eml_files(&outbox).len() < 300 {
        assert!(Instant::now() < deadline, "{}", worker.stderr());
        std::thread::sleep(Duration::from_millis(5));
    }
    let filler = fill(&outbox);
    worker.wait_for_stderr("outbox");
    // The disk stays full for a few seconds: several rounds of the back-off.
    std::thread::sleep(Duration::from_secs(4));
    std::fs::remove_file(filler).unwrap();
    let (status, _) = worker.wait();
    let stderr = worker.stderr();
    assert!(status.success(), "{status}\n{stderr}");
    assert_all_sent_once_attempted(&t, campaign, PEOPLE as i64).await;
    let ids = whole_messages(&outbox);
    assert_eq!(ids.len(), PEOPLE, "one whole message per person");
    assert!(ids.values().all(|n| *n == 1), "nothing written twice");
    assert!(
        stderr.contains("the disk holding the outbox is full"),
        "{stderr}"
    );
}

/// The database on a small disk of its own; the test's app opens it there.
async fn app_with_database_on(disk: &Path) -> TestApp {
    let url = format!("sqlite://{}", disk.join("willay.db").display());
    TestApp::spawn_configured(Backend::Sqlite, &shipped_locales(), None, |s| {
        s.database_url = url
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_disk_pauses_sending_and_resumes_when_space_is_freed() {
    const PEOPLE: usize = 3_000;
    let mut full = DatabaseDiskFull::mid_campaign(PEOPLE).await;
    let (t, smtp, campaign, worker) = (&full.t, &full.smtp, full.campaign, &mut full.worker);
    // The fault's length, not a wait for something to happen.
    std::thread::sleep(Duration::from_secs(3));
    std::fs::remove_file(&full.filler).unwrap();
    let (status, took) = worker.wait();
    let stderr = worker.stderr();
    assert!(status.success(), "{status} after {took:?}\n{stderr}");
    assert!(
        stderr.contains("the disk holding the database is full"),
        "{stderr}"
    );

    let received = message_id_counts(smtp);
    let duplicates: usize = received.values().map(|n| n - 1).sum();
    eprintln!(
        "database disk full, then freed: {duplicates} duplicates of {PEOPLE}; {} connections closed",
        stderr.matches("closing a database connection").count()
    );
    assert_eq!(received.len(), PEOPLE, "nobody lost");
    assert_eq!(duplicates, 0, "nothing sent twice without a crash");
    assert_all_sent_once_attempted(t, campaign, PEOPLE as i64).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_the_database_disk_full_stops_in_time_and_names_the_disk() {
    const PEOPLE: usize = 3_000;
    const CONCURRENCY: usize = 8;
    let mut full = DatabaseDiskFull::mid_campaign(PEOPLE).await;
    let (t, smtp, campaign, worker) = (&full.t, &full.smtp, full.campaign, &mut full.worker);
    worker.terminate();
    let (status, took) = worker.wait();
    let stderr = worker.stderr();
    eprintln!(
        "SIGTERM with the database disk full: {status} after {took:?}; last words: {}",
        stderr.lines().last().unwrap_or_default()
    );
    assert!(
        took < Duration::from_secs(35),
        "promised 30 s, took {took:?}"
    );
    assert!(
        !status.success(),
        "unrecorded outcomes are an error: {stderr}"
    );
    assert!(
        stderr.contains("the disk holding the database is full"),
        "{stderr}"
    );

    std::fs::remove_file(&full.filler).unwrap();
    let mut rest = Worker::spawn(t, Some(smtp), &["--lease-seconds", "2"]);
    let (status, _) = rest.wait();
    assert!(status.success(), "{status}\n{}", rest.stderr());
    let received = message_id_counts(smtp);
    let duplicates: usize = received.values().map(|n| n - 1).sum();
    eprintln!("… and after freeing the disk: {duplicates} duplicates of {PEOPLE}");
    assert_eq!(received.len(), PEOPLE, "nobody lost");
    assert!(
        duplicates <= willay::worker::unrecorded_bound(CONCURRENCY),
        "{duplicates} duplicates"
    );
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!(
        (counts.sent, counts.pending, counts.sending, counts.failed),
        (PEOPLE as i64, 0, 0, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn until_idle_says_which_paused_campaigns_still_wait() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let campaign = scheduled_campaign(&t, 5).await;
    let mut first = Worker::spawn(&t, None, &[]);
    assert!(first.wait().0.success(), "{}", first.stderr());
    let later = scheduled_campaign(&t, 0).await;
    // A second campaign to the same list, started and paused before sending.
    t.app
        .store
        .start_due_campaigns(willay::store::now_millis())
        .await
        .unwrap();
    t.app
        .change_campaign(
            later,
            willay::campaigns::CampaignAction::Pause,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    let mut worker = Worker::spawn(&t, None, &[]);
    let (status, _) = worker.wait();
    let stderr = worker.stderr();
    assert!(status.success(), "{status}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "campaign {later} is paused with 5 messages still pending"
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&format!("campaign {campaign} ")),
        "{stderr}"
    );
}

/// Runs the binary in `dir` with umask 022, as a login shell would.
fn willay_with_umask(dir: &Path, env: &[(&str, &Path)], args: &str) -> Child {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "umask 022; exec '{}' {args}",
            env!("CARGO_BIN_EXE_willay")
        ))
        .current_dir(dir)
        .env("WILLAY_LOCALES", shipped_locales())
        .env("WILLAY_SECRET", SECRET)
        .env("WILLAY_LOG", "error")
        .env_remove("WILLAY_SMTP_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("sh runs willay")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn files_willay_writes_are_for_its_user_only_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let run = |env: &[(&str, &Path)], args: &str| {
        let status = willay_with_umask(dir.path(), env, args).wait().unwrap();
        assert!(status.success(), "willay {args}: {status}");
    };
    run(&[], "demo --dir demo");
    let demo = dir.path().join("demo");
    let mut modes = vec![
        ("demo/", mode(&demo), 0o700),
        ("demo/willay.db", mode(&demo.join("willay.db")), 0o600),
        ("demo/outbox/", mode(&demo.join("outbox")), 0o700),
    ];
    let emls = eml_files(&demo.join("outbox"));
    assert_eq!(emls.len(), 879);
    for eml in &emls {
        modes.push(("demo/outbox/*.eml", mode(eml), 0o600));
    }

    // The -wal and -shm files live while a worker has the database open.
    let db = demo.join("willay.db");
    let url = format!("sqlite://{}", db.display());
    let mut worker = willay_with_umask(
        dir.path(),
        &[
            ("DATABASE_URL", Path::new(&url)),
            ("WILLAY_OUTBOX", &demo.join("outbox")),
        ],
        "worker",
    );
    let (wal, shm) = (demo.join("willay.db-wal"), demo.join("willay.db-shm"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(wal.exists() && shm.exists()) {
        assert!(
            Instant::now() < deadline,
            "no -wal/-shm while the worker runs"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    modes.push(("demo/willay.db-wal", mode(&wal), 0o600));
    modes.push(("demo/willay.db-shm", mode(&shm), 0o600));
    let _ = Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status();
    // It may still be starting, before its signal handler: any exit will do.
    worker.wait().unwrap();

    // A fresh database through any command, and the preview files.
    let fresh = dir.path().join("fresh.db");
    let url = format!("sqlite://{}", fresh.display());
    run(&[("DATABASE_URL", Path::new(&url))], "lists create t");
    modes.push(("fresh.db", mode(&fresh), 0o600));
    run(
        &[("DATABASE_URL", Path::new(&url))],
        "preview survivor-rights --all-locales --out previews",
    );
    modes.push(("previews/", mode(&dir.path().join("previews")), 0o700));
    for file in std::fs::read_dir(dir.path().join("previews")).unwrap() {
        modes.push(("previews/*", mode(&file.unwrap().path()), 0o600));
    }

    let loose: Vec<String> = modes
        .iter()
        .filter(|(_, got, want)| got != want)
        .map(|(what, got, want)| format!("{what}: {got:o}, want {want:o}"))
        .collect();
    assert!(loose.is_empty(), "{loose:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_relay_outage_pauses_eight_senders_for_one_step_not_a_minute() {
    const PEOPLE: usize = 200;
    let t = TestApp::spawn(Backend::Sqlite).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    // A port with nothing listening yet: the relay is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    let mut worker = Worker::spawn_to(&t, Some(url), &[]);
    worker.wait_for_stderr("relay unreachable");
    // The relay comes back at once: the back-off is one step, 1 s, whatever
    // the eight senders that failed together.
    let smtp = SmtpServer::start_on(port, &[]);
    let back = Instant::now();
    let (status, _) = worker.wait();
    let resumed_in = back.elapsed();
    eprintln!("relay down for a moment, 8 senders: finished {resumed_in:?} after it came back");
    assert!(status.success(), "{}", worker.stderr());
    assert!(
        resumed_in < Duration::from_secs(8),
        "paused {resumed_in:?} for a one-step outage"
    );
    assert_eq!(message_id_counts(&smtp).len(), PEOPLE);
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!((counts.sent, counts.failed), (PEOPLE as i64, 0));
}

/// A worker sending `people` messages over SMTP from a SQLite database on a
/// tmpfs of its own, which is filled once 500 have gone out; returned when
/// the worker has said the disk is full.
struct DatabaseDiskFull {
    // Dropped in this order: the worker, then what it used, the mount last.
    worker: Worker,
    smtp: SmtpServer,
    t: TestApp,
    campaign: i64,
    filler: PathBuf,
    _disk: Tmpfs,
    _root: tempfile::TempDir,
}

impl DatabaseDiskFull {
    async fn mid_campaign(people: usize) -> Self {
        let root = tempfile::tempdir().unwrap();
        let disk = Tmpfs::mount(&root.path().join("db"), "48m");
        let mut t = app_with_database_on(&disk.0).await;
        t._db.url = format!("sqlite://{}", disk.0.join("willay.db").display());
        let smtp = SmtpServer::start();
        let campaign = scheduled_campaign(&t, people).await;
        let mut worker = Worker::spawn(&t, Some(&smtp), &["--batch-size", "200"]);
        smtp.wait_for_messages(500);
        let filler = fill(&disk.0);
        worker.wait_for_stderr("disk is full");
        Self {
            worker,
            smtp,
            t,
            campaign,
            filler,
            _disk: disk,
            _root: root,
        }
    }
}
