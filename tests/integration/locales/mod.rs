//! Catalogue tooling for translators: `willay locales check`, previews of every
//! locale, fallback warnings and `--strict` on campaigns, and a new locale added
//! by adding a folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use willay::campaigns::{CampaignRequest, Fallback, FallbackRefused, ScheduleError};
use willay::catalogue::Catalogue;
use willay::catalogue::check::{Code, Severity, check};
use willay::domain::{CampaignStatus, ListName};

use crate::helpers::{Backend, TestApp, shipped_locales};
use crate::on_both_backends;
use crate::pipeline::{copy_catalogue, copy_catalogue_without};
use crate::smtp::Received;

mod check;
mod fallbacks;
mod new_locale;
mod previews;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalogues")
}

/// `willay locales check` on a fixture, from the fixtures folder so paths print
/// as `<case>/<locale>/<file>`. The database URL points at nothing: the check
/// must not need one.
fn check_fixture(case: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_willay"))
        .current_dir(fixtures())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:9/nothing-here")
        .env_remove("WILLAY_LOCALES")
        .args(["locales", "check", "--locales", case])
        .args(extra)
        .output()
        .expect("the willay binary runs")
}

/// The binary with a database and outbox of the test's own, on `locales`.
fn willay(dir: &Path, locales: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_willay"))
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("cli.db").display()),
        )
        .env("WILLAY_LOCALES", locales)
        .env("WILLAY_OUTBOX", dir.join("outbox"))
        .env("WILLAY_SECRET", "test-signing-key-of-32-bytes-at-least")
        .env_remove("WILLAY_SMTP_URL")
        .env("NO_COLOR", "1")
        .env("WILLAY_LOG", "error")
        .args(args)
        .output()
        .expect("the willay binary runs")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
