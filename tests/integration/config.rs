//! `willay.toml`: a deployment's settings in one file, beneath the environment
//! and the flags, shown with their sources by `willay config show`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The `config show` row of `setting`, as its cells.
fn row(stdout: &str, setting: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            line.split('│')
                .map(|cell| cell.trim().to_owned())
                .filter(|cell| !cell.is_empty())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().is_some_and(|c| c == setting))
        .unwrap_or_else(|| panic!("no row for {setting} in\n{stdout}"))
}

fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// An operator keeps her settings in `willay.toml` beside the database; the
/// environment overrides the file, a flag overrides both, and the worker
/// sends with what the file says.
#[tokio::test]
async fn the_file_beside_the_database_sits_beneath_the_environment_and_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    write_private(
        &dir.path().join("willay.toml"),
        "outbox = \"from-file\"\nconcurrency = 3\nsmtp_timeout = 12\n",
    );
    for (env, flag, value, source) in [
        (None, None, "from-file", "file "),
        (
            Some("from-env"),
            None,
            "from-env",
            "environment WILLAY_OUTBOX",
        ),
        (Some("from-env"), Some("from-flag"), "from-flag", "flag"),
    ] {
        let mut command = willay.command();
        command
            .env_remove("WILLAY_OUTBOX")
            .env_remove("WILLAY_SMTP_TIMEOUT");
        if let Some(env) = env {
            command.env("WILLAY_OUTBOX", env);
        }
        command.args(["config", "show"]);
        if let Some(flag) = flag {
            command.args(["--outbox", flag]);
        }
        let output = command.output().unwrap();
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stdout}\n{stderr}");
        let outbox = row(&stdout, "outbox");
        assert_eq!(outbox[1], value, "{stdout}");
        assert!(outbox[2].starts_with(source), "{source}: {stdout}");
        assert!(stdout.contains("configuration file: "), "{stdout}");
        assert_eq!(
            row(&stdout, "concurrency")[1..3],
            [
                "3",
                &format!("file {}", dir.path().join("willay.toml").display())
            ]
        );
        assert_eq!(row(&stdout, "batch-size")[1..3], ["500", "default"]);
    }

    // The worker takes its outbox from the file.
    willay.due_campaign();
    let output = willay
        .command()
        .env_remove("WILLAY_OUTBOX")
        .args(["worker", "--until-idle"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let sent = std::fs::read_dir(dir.path().join("from-file"))
        .unwrap()
        .count();
    assert_eq!(sent, 3, "the file's outbox holds the three messages");
}

/// Passwords and keys never print: not the relay's password, not the link
/// key, not the database password; a file holding them that others can read
/// is named with the fix.
#[tokio::test]
async fn config_show_hides_secrets_and_warns_of_a_readable_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    let file = dir.path().join("team.toml");
    std::fs::write(
        &file,
        "smtp-url = \"smtp://mailer:relay-pa55word@relay.example.org:587\"\n\
         secret = \"link-key-that-must-not-print-0123456789\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = willay
        .command()
        .env(
            "DATABASE_URL",
            "postgres://willay:db-pa55word@db.example.org/willay",
        )
        .args(["--config", file.to_str().unwrap(), "config", "show"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for secret in [
        "relay-pa55word",
        "link-key-that-must-not-print",
        "db-pa55word",
    ] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} printed:\n{stdout}\n{stderr}"
        );
    }
    assert_eq!(
        row(&stdout, "smtp-url")[1],
        "smtp://mailer:***@relay.example.org:587"
    );
    assert_eq!(row(&stdout, "secret")[1], "(set, hidden)");
    assert_eq!(
        row(&stdout, "database-url")[1],
        "postgres://willay:***@db.example.org/willay"
    );
    assert!(
        stderr.contains("other users of this machine can read it: `chmod 600"),
        "{stderr}"
    );

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let output = willay
        .command()
        .args(["--config", file.to_str().unwrap(), "config", "show"])
        .output()
        .unwrap();
    assert!(!text(&output).1.contains("chmod"), "{output:?}");
}

/// A file willay cannot use stops every command before it touches anything,
/// naming the file, the key and what is wrong.
#[tokio::test]
async fn a_file_that_cannot_be_used_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = Willay {
        dir: dir.path(),
        db: &db,
    };
    for (contents, says) in [
        (
            "concurency = 3\n",
            "`concurency` is not a willay setting; the file takes: log, database-url",
        ),
        (
            "concurrency = \"many\"\n",
            "`concurrency = many`: invalid digit found in string",
        ),
        (
            "dkim-algorithm = \"dsa\"\n",
            "`dkim-algorithm = dsa`: must be one of: rsa, ed25519",
        ),
        (
            "public-url = \"not a url\"\n",
            "`public-url = not a url`: relative URL without a base",
        ),
        (
            "outbox = [\"a\", \"b\"]\n",
            "`outbox` takes one value (text, a number or true/false), not a list",
        ),
        ("outbox = \"a\n", "TOML parse error at line 1, column"),
        (
            "config = \"other.toml\"\n",
            "`config` is not a willay setting",
        ),
        ("secret = 12\nconcurrency = -1\n", "`concurrency = -1`"),
    ] {
        write_private(&dir.path().join("willay.toml"), contents);
        let output = willay.run(&["lists", "create", "peru"]);
        let (stdout, stderr) = text(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{contents}: {stdout}\n{stderr}"
        );
        assert!(
            stderr.contains("willay.toml: ") && stderr.contains(says),
            "{contents}: {stderr}"
        );
        assert!(
            !dir.path().join("willay.db").exists(),
            "{contents}: the database was touched"
        );
    }
    let output = willay.run(&["--config", "absent.toml", "lists"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("absent.toml: no such configuration file"),
        "{output:?}"
    );
}
