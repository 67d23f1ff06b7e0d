//! The `willay` binary on a test's own database and folders, for tests that
//! need what only a process shows: its exit code, its stderr, its pipes.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::{TestDb, shipped_locales};

/// Three people, each name and address unique enough to search a log for.
pub const PEOPLE: &str = "email,name,language,region\n\
    rosa.quispe@example.net,Rosalinda Quispe,es,Lima\n\
    killa.mamani@example.net,Killari Mamani,qu,Cusco\n\
    ana.torres@example.net,Anabel Torres,en,Arequipa\n";

/// The addresses and names in [`PEOPLE`].
pub fn people_words() -> Vec<&'static str> {
    PEOPLE
        .lines()
        .skip(1)
        .flat_map(|line| line.split(',').take(2))
        .collect()
}

/// `willay` on `db`, its outbox in `dir`.
pub struct Willay<'a> {
    pub dir: &'a Path,
    pub db: &'a TestDb,
}

impl Willay<'_> {
    /// A command with the test's database, catalogue and outbox, no relay, quiet logs.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_willay"));
        command
            .current_dir(self.dir)
            .env("DATABASE_URL", &self.db.url)
            .env("WILLAY_LOCALES", shipped_locales())
            .env("WILLAY_OUTBOX", self.outbox())
            .env("WILLAY_PUBLIC_URL", "https://willay.example.org")
            // Not the sample one, which names a region the log tests look for.
            .env("WILLAY_POSTAL_ADDRESS", "Apartado 0000, Perú")
            .env("WILLAY_SMTP_TIMEOUT", "5")
            // A developer's own settings file must not reach the tests.
            .env_remove("WILLAY_CONFIG")
            .env_remove("WILLAY_SMTP_URL")
            .env_remove("WILLAY_SMTP_CA_FILE")
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .env("NO_COLOR", "1")
            .env("WILLAY_LOG", "error")
            .env("RUST_BACKTRACE", "0");
        command
    }

    /// A command like [`Willay::command`] sending to the relay at `relay_url`.
    pub fn command_to(&self, relay_url: &str) -> Command {
        let mut command = self.command();
        command.env("WILLAY_SMTP_URL", relay_url);
        command
    }

    /// Runs `willay ARGS`, whatever its end: for tests of failing commands.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .expect("the willay binary runs")
    }

    /// Runs `willay ARGS` and checks it succeeds.
    pub fn ok(&self, args: &[&str]) -> Output {
        let output = self.command().args(args).output().expect("willay runs");
        assert!(output.status.success(), "willay {args:?}: {output:?}");
        output
    }

    /// The outbox folder.
    pub fn outbox(&self) -> PathBuf {
        self.dir.join("outbox")
    }

    /// `.eml` files in the outbox.
    pub fn outbox_messages(&self) -> usize {
        std::fs::read_dir(self.outbox())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .count()
            })
            .unwrap_or(0)
    }

    /// A list `peru` holding [`PEOPLE`], and a campaign to it that is due.
    pub fn due_campaign(&self) {
        std::fs::write(self.dir.join("people.csv"), PEOPLE).unwrap();
        self.ok(&["lists", "create", "peru"]);
        self.ok(&["subscribers", "import", "people.csv", "--list", "peru"]);
        self.another_campaign("survivor-rights");
    }

    /// Another due campaign of `message` to `peru`.
    pub fn another_campaign(&self, message: &str) {
        self.ok(&[
            "campaigns",
            "create",
            "--message",
            message,
            "--list",
            "peru",
            "--at",
            "2020-01-01T00:00:00Z",
        ]);
    }

    /// Every ledger row as (state, attempts).
    pub async fn deliveries(&self) -> Vec<(String, i64)> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.db.url).await.unwrap();
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, CAST(attempts AS BIGINT) FROM deliveries ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        pool.close().await;
        rows
    }

    /// Starts `willay ARGS` and reads its stderr until a line holds `marker`;
    /// returns the process and the word after the marker (an address).
    pub fn spawn_until(&self, command: &mut Command, marker: &str) -> (Running, String) {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("willay starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (found, address) = std::sync::mpsc::channel();
        let reader = {
            let (stderr, marker) = (stderr.clone(), marker.to_owned());
            let pipe = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(rest) = line.split(&marker).nth(1) {
                        let _ = found.send(rest.split_whitespace().next().unwrap().to_owned());
                    }
                    let mut all = stderr.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            })
        };
        let address = address
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("willay never printed {marker:?}: {stderr:?}"));
        (
            Running {
                child,
                stderr,
                reader: Some(reader),
            },
            address,
        )
    }
}

/// A running `willay` whose stderr is being collected.
pub struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// SIGTERMs it, checks it exits 0, and returns (stdout, all of stderr).
    pub fn stop(mut self) -> (String, String) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let status = self.child.wait().unwrap();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        let stderr = self.stderr.lock().unwrap().clone();
        assert!(status.success(), "{status}: {stdout}\n{stderr}");
        (stdout, stderr)
    }
}

/// A test that fails before `stop` must not leave its process behind (a
/// worker left running holds the machine for every later test).
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `command` to its end, or kills it after `limit` and fails: a worker
/// that retries forever must not hang the suite.
pub fn output_within(command: &mut Command, limit: Duration) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("willay starts");
    let collect = |pipe: Option<Box<dyn Read + Send>>| {
        let mut pipe = pipe.unwrap();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = collect(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = collect(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
            panic!("still running after {limit:?} (retrying forever?); stderr:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}
