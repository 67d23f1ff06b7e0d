//! The `willay` binary as people run it: exit codes and the words they read.
//! Every command that touches the database runs on SQLite and on PostgreSQL.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::binary::Willay;
use crate::helpers::{Backend, TestDb};
use crate::on_both_backends;

/// The binary in `dir` on database `db`, with the shipped catalogue.
fn willay(dir: &Path, db: &TestDb, args: &[&str]) -> Output {
    Willay { dir, db }.run(args)
}

fn command(dir: &Path, db: &TestDb) -> Command {
    Willay { dir, db }.command()
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// SQLite only: the demo always makes its own SQLite database in `--dir`.
#[tokio::test]
async fn the_demo_sends_three_languages_and_its_reach_matches_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    let willay = |dir: &Path, args: &[&str]| willay(dir, &db, args);
    let output = willay(dir.path(), &["demo", "--dir", "demo"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    // 300 sample rows: 5 invalid, 2 repeated addresses.
    assert!(
        stdout.contains("293 new, 0 updated, 5 rejected"),
        "{stdout}"
    );
    assert!(
        stderr.contains("line 39: `maria.quispe@` is not a valid email address"),
        "{stderr}"
    );
    assert!(stdout.contains("worker: 879 sent, 0 failed"), "{stdout}");
    assert!(
        stdout.contains(
            "outbox: 879 .eml files (en 135, es 462, qu 282); ledger: 879 messages delivered"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("people reached 293  ·  messages delivered 879"),
        "{stdout}"
    );
    let files = std::fs::read_dir(dir.path().join("demo/outbox"))
        .unwrap()
        .count();
    assert_eq!(files, 879);

    // Again: nothing is sent twice.
    let output = willay(dir.path(), &["demo", "--dir", "demo"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("worker: 0 sent"), "{stdout}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("demo/outbox"))
            .unwrap()
            .count(),
        879
    );
}

async fn csv_errors_are_reported_by_line_and_good_rows_imported(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = |dir: &Path, args: &[&str]| willay(dir, &db, args);
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "email,name,language,region\n\
         rosa@example.org,Rosa,quz-PE,Cusco\n\
         ,Nadie,es,Lima\n\
         not-an-email,Luz,quy,Ayacucho\n\
         ana@example.org,Ana,es,Ica\n",
    )
    .unwrap();
    assert!(
        willay(dir.path(), &["lists", "create", "peru"])
            .status
            .success()
    );
    let output = willay(
        dir.path(),
        &["subscribers", "import", "people.csv", "--list", "peru"],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("people.csv: line 3: no email address (row skipped)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("people.csv: line 4: `not-an-email` is not a valid email address"),
        "{stderr}"
    );
    assert!(
        stdout.contains("people.csv: 2 new, 0 updated, 2 rejected"),
        "{stdout}"
    );
    let (lists, _) = text(&willay(dir.path(), &["lists"]));
    assert!(lists.contains("peru"), "{lists}");
    assert!(
        lists
            .lines()
            .any(|l| l.contains("peru") && l.contains("│ 2 ")),
        "{lists}"
    );

    // An Excel export: CRLF line ends, a byte order mark, no end on the last
    // line, an unknown column and a quote left open. Every line is counted
    // right and nothing disappears without a word.
    std::fs::write(
        dir.path().join("excel.csv"),
        "\u{feff}email,name,language,region,telefono\r\n\
         luz@example.org,Luz,es,Lima,1\r\n\
         bad@,B,es,Lima,2\r\n\
         luz@example.org,Luz M.,es,Lima,3\r\n\
         \"sin-cerrar@example.org,X,es,Lima,4\r\n\
         eva@example.org,Eva,es,Ica,5\r\n\
         flor@example.org,Flor,es,Ica,6",
    )
    .unwrap();
    let output = willay(dir.path(), &["subscribers", "import", "excel.csv"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "excel.csv: line 3: `bad@` is not a valid email address: Domain is empty. (row skipped)",
            "excel.csv: line 5: a quote (\") opened on line 5 is never closed, so lines 5–7 were read as one field and not imported; close or remove the quote and import the file again (row skipped)",
            "excel.csv: line 1: column `telefono` is not one willay reads (email, name, language, region), so its values are ignored",
            "excel.csv: line 4: repeats the address on line 2; this later row is kept",
        ]
    );
    assert_eq!(
        stdout,
        "excel.csv: 1 new, 0 updated, 2 rejected, 2 warnings\n"
    );
}

async fn unknown_lists_and_messages_get_precise_errors(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = |dir: &Path, args: &[&str]| willay(dir, &db, args);
    std::fs::write(dir.path().join("p.csv"), "email\nrosa@example.org\n").unwrap();
    let output = willay(
        dir.path(),
        &["subscribers", "import", "p.csv", "--list", "nope"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).1.contains("there is no list named `nope`"),
        "{:?}",
        text(&output)
    );
    assert_eq!(willay(dir.path(), &["lists"]).status.code(), Some(0));

    willay(dir.path(), &["lists", "create", "peru"]);
    let output = willay(
        dir.path(),
        &["campaigns", "create", "--message", "nope", "--list", "peru"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).1.contains(
            "message `nope` is not in the catalogue (messages: agro-workers-rights, sterilisation-justice, survivor-rights)"
        ),
        "{:?}",
        text(&output)
    );
    let output = willay(
        dir.path(),
        &[
            "campaigns",
            "create",
            "--message",
            "survivor-rights",
            "--list",
            "nadie",
        ],
    );
    assert!(text(&output).1.contains("there is no list named `nadie`"));
}

#[test]
fn a_broken_ftl_file_stops_start_up_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    crate::pipeline::copy_catalogue(&locales);
    std::fs::write(
        locales.join("qu/broken.ftl"),
        "# review: pending\ngood = Allin\nbad = { $name\nalso-good = Allin\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_willay"))
        .current_dir(dir.path())
        .env("WILLAY_LOCALES", &locales)
        .args(["preview", "survivor-rights", "--locale", "qu"])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let broken = locales.join("qu/broken.ftl");
    // The parser notices the missing `}` where the next entry begins.
    assert!(
        stderr.contains(&format!(
            "{}:4:1: Expected a token starting with \"}}\" (in the entry starting on line 3)",
            broken.display()
        )),
        "names the file and line: {stderr}"
    );
    assert!(
        stderr.contains("the catalogue has 1 syntax error(s)"),
        "{stderr}"
    );
}

async fn preview_shows_the_negotiated_language(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = |dir: &Path, args: &[&str]| willay(dir, &db, args);
    let cases = [
        ("quz-PE", "Content-Language: qu"),
        ("en-GB", "Content-Language: en"),
        ("xx!!", "Content-Language: es"),
        // Extensions and private use do not hide the language.
        ("en-US-x-private", "Content-Language: en"),
        ("qu-PE-u-ca-gregory", "Content-Language: qu"),
    ];
    for (tag, expected) in cases {
        let output = willay(
            dir.path(),
            &[
                "preview",
                "survivor-rights",
                "--locale",
                tag,
                "--name",
                "Rosa",
            ],
        );
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stderr}");
        assert!(stdout.starts_with(expected), "{tag}: {stdout}");
        assert!(stdout.contains("Rosa"));
    }
    let output = willay(
        dir.path(),
        &["preview", "survivor-rights", "--html", "--name", "<script>"],
    );
    let (stdout, _) = text(&output);
    assert!(
        stdout.contains("Hola, &#60;script&#62;:") && !stdout.contains("<script>"),
        "{stdout}"
    );
    assert!(stdout.contains("<html lang=\"es\""));
}

async fn bounce_reports_mark_people_bounced_and_show_in_reach(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    let willay = |dir: &Path, args: &[&str]| willay(dir, &db, args);
    std::fs::write(
        dir.path().join("p.csv"),
        "email,name,language,region\nrosa@example.org,Rosa,qu,Cusco\nana@example.org,Ana,es,Ica\nluz@example.org,Luz,en,Lima\n",
    )
    .unwrap();
    for args in [
        &["lists", "create", "peru"][..],
        &["subscribers", "import", "p.csv", "--list", "peru"],
        &[
            "campaigns",
            "create",
            "--message",
            "survivor-rights",
            "--list",
            "peru",
            "--at",
            "2020-01-01T00:00:00Z",
        ],
        &["worker", "--until-idle"],
    ] {
        let output = willay(dir.path(), args);
        assert!(output.status.success(), "{args:?}: {:?}", text(&output));
    }
    std::fs::write(
        dir.path().join("bounced.txt"),
        "# from the relay's log\nrosa@example.org\nnot an address\n",
    )
    .unwrap();
    let dsn = "From: MAILER-DAEMON@mx.example.net\r\nTo: noticias@example.org\r\nSubject: Undelivered Mail\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
--B\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n\
--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n\
Final-Recipient: rfc822; ana@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\
--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <willay.c1.s2@example.org>\r\n--B--\r\n";
    std::fs::write(dir.path().join("dsn.eml"), dsn).unwrap();

    let output = willay(dir.path(), &["bounces", "import", "bounced.txt", "dsn.eml"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("bounced.txt: line 3: `not an address` is not a valid email address"),
        "{stderr}"
    );
    assert_eq!(
        stdout.trim(),
        "2 marked bounced, 0 already bounced, 0 unsubscribed after a complaint, 0 unknown address(es), 1 skipped"
    );

    let (json, _) = text(&willay(dir.path(), &["reach", "--format", "json"]));
    let reach: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(reach["bounced"], 2, "{json}");
    assert_eq!(reach["people_reached"], 3);

    // A later campaign leaves them out.
    willay(
        dir.path(),
        &[
            "campaigns",
            "create",
            "--message",
            "agro-workers-rights",
            "--list",
            "peru",
        ],
    );
    let (show, _) = text(&willay(dir.path(), &["campaigns", "show", "2"]));
    assert!(show.contains("audience now: 1 confirmed people"), "{show}");
}

/// Commands that never render work from any folder: without `locales/`.
async fn commands_that_do_not_render_need_no_catalogue(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    std::fs::write(
        dir.path().join("p.csv"),
        "email,name,language,region\nrosa@example.org,Rosa,qu,Cusco\n",
    )
    .unwrap();
    let nowhere = dir.path().join("no-locales-here");
    let run = |args: &[&str]| {
        command(dir.path(), &db)
            .env("WILLAY_LOCALES", &nowhere)
            .args(args)
            .output()
            .unwrap()
    };
    for args in [
        &["migrate"][..],
        &["lists", "create", "peru"],
        &["lists"],
        &["subscribers", "import", "p.csv", "--list", "peru"],
        &["campaigns", "list"],
        &["reach", "--format", "json"],
        &["tokens", "list"],
    ] {
        let output = run(args);
        assert!(output.status.success(), "{args:?}: {:?}", text(&output));
    }
    // Those that render still need it, and say where they looked.
    let output = run(&["preview", "survivor-rights"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).1.contains(&format!(
            "error: willay could not start: cannot read the catalogue at {}",
            nowhere.display()
        )),
        "{:?}",
        text(&output)
    );
    // Campaigns made with the catalogue are paused, resumed and cancelled without it.
    let with = willay(
        dir.path(),
        &db,
        &[
            "campaigns",
            "create",
            "--message",
            "survivor-rights",
            "--list",
            "peru",
        ],
    );
    assert!(with.status.success(), "{:?}", text(&with));
    let output = run(&["campaigns", "cancel", "1"]);
    assert_eq!(text(&output).0, "campaign 1 is now cancelled\n");
}

/// `willay … | head -1`: the reader closes the pipe, willay stops quietly.
async fn a_closed_stdout_ends_every_command_quietly(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(backend, dir.path()).await;
    assert!(
        willay(dir.path(), &db, &["lists", "create", "peru"])
            .status
            .success()
    );
    for args in [
        &["preview", "survivor-rights", "--html"][..],
        &["locales", "check"],
        &["locales"],
        &["lists"],
        &["campaigns", "list"],
        &["reach"],
        &["reach", "--format", "csv"],
    ] {
        // The reading end is closed before willay starts: its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = command(dir.path(), &db)
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

on_both_backends!(
    csv_errors_are_reported_by_line_and_good_rows_imported,
    unknown_lists_and_messages_get_precise_errors,
    preview_shows_the_negotiated_language,
    bounce_reports_mark_people_bounced_and_show_in_reach,
    commands_that_do_not_render_need_no_catalogue,
    a_closed_stdout_ends_every_command_quietly,
);

/// `WILLAY_SECRET=a` used to be accepted: a one-byte key anyone can guess,
/// with which they could forge any person's unsubscribe or confirmation link.
#[tokio::test]
async fn a_signing_key_shorter_than_32_bytes_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create(Backend::Sqlite, dir.path()).await;
    // (WILLAY_SECRET, the key length it gives when refused)
    let cases = [
        ("a", Some(1)),
        ("correct-horse-battery!", Some(22)),
        // 32 characters of base64url decode to 24 bytes.
        ("abcdefghijklmnopqrstuvwxyz012345", Some(24)),
        // `openssl rand -base64 32`: 44 characters, used as they are.
        ("q3T0o2Xr+2yUu8cW0bL9Jm1Hc4pQ7fVn5sKa0eRtYxw=", None),
        // 43 characters of base64url: exactly 32 bytes.
        ("q3T0o2Xr-2yUu8cW0bL9Jm1Hc4pQ7fVn5sKa0eRtYxw", None),
    ];
    for (secret, refused) in cases {
        let output = command(dir.path(), &db)
            .env("WILLAY_SECRET", secret)
            .args(["lists"])
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        match refused {
            Some(bytes) => {
                assert_eq!(output.status.code(), Some(1), "{secret}: {stdout}{stderr}");
                assert!(
                    stderr.contains(&format!(
                        "invalid setting WILLAY_SECRET: it gives a link-signing key of {bytes} bytes"
                    )) && stderr.contains("at least 32 random bytes"),
                    "{secret}: {stderr}"
                );
                if secret.len() > 8 {
                    assert!(!stderr.contains(secret), "the secret is printed: {stderr}");
                }
            }
            None => assert!(output.status.success(), "{secret}: {stdout}{stderr}"),
        }
    }
}
