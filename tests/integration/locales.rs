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

/// Each purpose-made broken catalogue, with the exact lines the check prints.
const BROKEN: &[(&str, i32, &[&str])] = &[
    (
        "syntax-error",
        1,
        &[
            "syntax-error/qu/main.ftl:3:1: error: Expected a token starting with \"}\" (in the entry starting on line 2) [syntax]",
            "checked 2 locale(s) (es, qu), 2 file(s): 1 error(s), 0 warning(s)",
        ],
    ),
    (
        "missing-message",
        0,
        &[
            "missing-message/es/main.ftl:3:1: warning: message `goodbye` has no `qu` translation (its reference definition is here); add it to missing-message/qu/main.ftl — until then `qu` readers get the `es` text [missing-message]",
            "checked 2 locale(s) (es, qu), 2 file(s): 0 error(s), 1 warning(s)",
        ],
    ),
    (
        "missing-attribute",
        1,
        &[
            "missing-attribute/en/main.ftl:2:1: error: message `invite` lacks the `.preheader` attribute that the reference has at missing-attribute/es/main.ftl:4:5; it cannot be sent in `en` without it [missing-attribute]",
            "checked 2 locale(s) (en, es), 2 file(s): 1 error(s), 0 warning(s)",
        ],
    ),
    (
        "variable-mismatch",
        1,
        &[
            "variable-mismatch/en/main.ftl:2:1: warning: `greeting` does not use `$has-name`, which the reference `es` uses at variable-mismatch/es/main.ftl:3:7 [variable-mismatch]",
            "variable-mismatch/en/main.ftl:2:1: warning: `greeting` does not use `$name`, which the reference `es` uses at variable-mismatch/es/main.ftl:4:23 [variable-mismatch]",
            "variable-mismatch/en/main.ftl:2:21: error: `$nombre` in `greeting` is not a variable of the reference `es` (which uses `$has-name`, `$name`); only those are passed, so this text would not format [variable-mismatch]",
            "variable-mismatch/en/main.ftl:3:1: warning: `reported` does not use `$total`, which the reference `es` uses at variable-mismatch/es/main.ftl:7:28 [variable-mismatch]",
            "variable-mismatch/en/main.ftl:3:31: error: `$number` in `reported` is not a variable of the reference `es` nor one willay gives every campaign message (which are `$has-name`, `$name`, `$total`); only those are passed, so this text would not format [variable-mismatch]",
            "variable-mismatch/en/main.ftl:4:5: warning: `reported.subject` does not use `$total`, which the reference `es` uses at variable-mismatch/es/main.ftl:8:18 [variable-mismatch]",
            "checked 2 locale(s) (en, es), 2 file(s): 2 error(s), 4 warning(s)",
        ],
    ),
    (
        "undefined-term",
        1,
        &[
            "undefined-term/qu/main.ftl:2:10: error: term `-helpline` is used but not defined in `qu`; the reference defines it at undefined-term/es/main.ftl:2:1 [undefined-term]",
            "checked 2 locale(s) (es, qu), 2 file(s): 1 error(s), 0 warning(s)",
        ],
    ),
    (
        // `$name` and `$has-name` are given to every part of every campaign
        // message, so the translation may use them where the reference does not.
        "person-variables",
        1,
        &[
            "person-variables/en/main.ftl:4:35: error: `$total` in `invite` is not a variable of the reference `es` nor one willay gives every campaign message (which are `$has-name`, `$name`); only those are passed, so this text would not format [variable-mismatch]",
            "checked 2 locale(s) (en, es), 2 file(s): 1 error(s), 0 warning(s)",
        ],
    ),
    (
        // Files saved with a byte order mark (Windows Notepad) read like any
        // other, with lines and columns where the translator sees them.
        "bom",
        1,
        &[
            "bom/qu/main.ftl:3:10: error: term `-helpine` is used but not defined in `qu` [undefined-term]",
            "checked 2 locale(s) (es, qu), 2 file(s): 1 error(s), 0 warning(s)",
        ],
    ),
    (
        // `drafts/` holds .ftl files but is no language; `notes/` holds none.
        "stray-folder",
        0,
        &[
            "stray-folder/drafts: warning: the folder name `drafts` is not a language code (two or three letters, e.g. `ay`, `cni`, `es-PE`), so willay does not load its files; rename it to add a language, or move it out of the catalogue [locale-folder]",
            "checked 1 locale(s) (es), 1 file(s): 0 error(s), 1 warning(s)",
        ],
    ),
    (
        "extra-message",
        0,
        &[
            "extra-message/en/main.ftl:3:1: warning: message `old-news` is not in the reference `es`, so it is never used; remove it or correct its name [extra-message]",
            "checked 2 locale(s) (en, es), 2 file(s): 0 error(s), 1 warning(s)",
        ],
    ),
];

#[test]
fn each_broken_catalogue_gets_its_exact_diagnostic_and_location() {
    for (case, code, lines) in BROKEN {
        let output = check_fixture(case, &[]);
        let (stdout, stderr) = text(&output);
        assert_eq!(stdout.lines().collect::<Vec<_>>(), *lines, "{case}");
        assert_eq!(output.status.code(), Some(*code), "{case}: {stderr}");
        if *code == 1 {
            assert!(
                stderr.starts_with(&format!("error: the catalogue at {case} has ")),
                "{case}: {stderr}"
            );
        } else {
            assert_eq!(stderr, "", "{case}");
        }
    }
}

#[test]
fn strict_makes_warnings_errors() {
    let output = check_fixture("missing-message", &["--strict"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "missing-message/es/main.ftl:3:1: error: message `goodbye` has no `qu` translation (its reference definition is here); add it to missing-message/qu/main.ftl — until then `qu` readers get the `es` text [missing-message]",
            "checked 2 locale(s) (es, qu), 2 file(s): 1 error(s), 0 warning(s) (--strict: warnings count as errors)",
        ]
    );
    assert_eq!(
        stderr,
        "error: the catalogue at missing-message has 1 error(s)\n"
    );
    assert_eq!(
        check_fixture("extra-message", &["--strict"]).status.code(),
        Some(1)
    );
}

#[test]
fn json_output_lists_errors_and_warnings_with_codes_and_places() {
    let output = check_fixture("variable-mismatch", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["error_count"], 2);
    assert_eq!(report["warning_count"], 4);
    assert_eq!(report["errors"].as_array().unwrap().len(), 2);
    assert_eq!(report["warnings"].as_array().unwrap().len(), 4);
    assert_eq!(
        report["errors"][0],
        serde_json::json!({
            "severity": "error",
            "locale": "en",
            "file": "variable-mismatch/en/main.ftl",
            "line": 2,
            "column": 21,
            "code": "variable-mismatch",
            "message": "`$nombre` in `greeting` is not a variable of the reference `es` (which uses `$has-name`, `$name`); only those are passed, so this text would not format",
        })
    );
    assert_eq!(report["warnings"][0]["severity"], "warning");
    assert_eq!(report["warnings"][0]["line"], 2);

    // A missing message: the translation's locale, the reference's place.
    let output = check_fixture("missing-message", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let warning = &report["warnings"][0];
    assert_eq!(
        (
            &warning["locale"],
            &warning["file"],
            &warning["line"],
            &warning["code"]
        ),
        (
            &"qu".into(),
            &"missing-message/es/main.ftl".into(),
            &3.into(),
            &"missing-message".into()
        )
    );
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(
        report["locales"][1]["missing"],
        serde_json::json!(["goodbye"])
    );
}

#[test]
fn a_catalogue_saved_with_byte_order_marks_loads_and_falls_back_past_a_broken_translation() {
    let catalogue = Catalogue::load(&fixtures().join("bom")).expect("a BOM is no syntax error");
    let qu: unic_langid::LanguageIdentifier = "qu".parse().unwrap();
    let problems: Vec<String> = catalogue
        .problems(&qu, "help")
        .iter()
        .map(|d| format!("{}:{:?}:{:?} {}", d.locale, d.line, d.column, d.code))
        .collect();
    assert_eq!(problems, ["qu:Some(3):Some(10) undefined-term"]);
    let (text, locale) = catalogue
        .format("help", &catalogue.chain("quz-PE"), None)
        .unwrap();
    assert_eq!(
        (text.as_str(), locale.to_string().as_str()),
        ("Llama a la Línea 100.", "es")
    );
}

/// 30,000 nested placeables used to overflow fluent-syntax's recursive parser
/// (SIGABRT); now `locales check` and every command that loads the catalogue
/// refuse the file with the place the nesting passes the limit.
#[test]
fn placeables_nested_beyond_reason_are_an_error_with_a_place_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    std::fs::create_dir_all(locales.join("es")).unwrap();
    let depth = 30_000;
    std::fs::write(
        locales.join("es/main.ftl"),
        format!(
            "hello = Hola\ndeep = {}x{}\n",
            "{ ".repeat(depth),
            " }".repeat(depth)
        ),
    )
    .unwrap();
    let output = willay(dir.path(), &locales, &["locales", "check"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    // The 101st `{ ` starts at character 8 + 2 × 100 of line 2.
    let expected = format!(
        "{}:2:208: error: placeables nested more than 100 deep; willay refuses to parse deeper [syntax]",
        locales.join("es/main.ftl").display()
    );
    assert!(stdout.contains(&expected), "{stdout}{stderr}");
    let output = willay(
        dir.path(),
        &locales,
        &["preview", "hello", "--locale", "es"],
    );
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains(":2:208: placeables nested"), "{stderr}");
}

#[test]
fn the_library_check_returns_typed_diagnostics() {
    let report = check(&fixtures().join("undefined-term"), false).unwrap();
    assert_eq!(report.diagnostics.len(), 1);
    let d = &report.diagnostics[0];
    assert_eq!((d.code, d.severity), (Code::UndefinedTerm, Severity::Error));
    assert_eq!((d.line, d.column), (Some(2), Some(10)));
    assert_eq!(d.locale, "qu");
    assert!(report.has_errors());
}

#[test]
fn the_shipped_catalogue_passes_strict() {
    let report = check(&shipped_locales(), true).unwrap();
    let found: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
    let names: Vec<&str> = report.locales.iter().map(|l| l.locale.as_str()).collect();
    assert_eq!(names, ["en", "es", "qu"]);

    let dir = tempfile::tempdir().unwrap();
    let output = willay(
        dir.path(),
        &shipped_locales(),
        &["locales", "check", "--strict"],
    );
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("checked 3 locale(s) (en, es, qu), ")
            && stdout
                .ends_with(": 0 error(s), 0 warning(s) (--strict: warnings count as errors)\n"),
        "{stdout}"
    );
    assert!(
        !dir.path().join("cli.db").exists(),
        "the check opened the database"
    );
}

/// Aymara for the test: one campaign message translated, the others missing.
/// Placeholder words, not a reviewed translation.
const AYMARA_CAMPAIGNS: &str =
    "### review: pending — test locale written by tests/integration/locales.rs
# review: pending
survivor-rights =
    { $has-name ->
        [yes] Kamisaki, { $name }:
       *[no] Kamisaki:
    }

    (ay) Jumax janiw juchanïktati. { -helpline }.

    { -org-name }.
    .subject = (ay) Janiw juchamäkiti
    .preheader = (ay) { -helpline }
";

/// A scratch copy of the shipped catalogue plus `ay/`, made the way
/// locales/README.md tells a translator to: copy `es/`, translate some of it.
fn with_aymara(dir: &Path) -> PathBuf {
    let locales = dir.join("locales");
    copy_catalogue(&locales);
    let ay = locales.join("ay");
    std::fs::create_dir_all(&ay).unwrap();
    std::fs::copy(locales.join("es/shared.ftl"), ay.join("shared.ftl")).unwrap();
    std::fs::write(ay.join("campaigns.ftl"), AYMARA_CAMPAIGNS).unwrap();
    locales
}

#[test]
fn a_fourth_locale_is_a_folder_and_no_code() {
    let dir = tempfile::tempdir().unwrap();
    let locales = with_aymara(dir.path());

    // Listed and checked: missing messages are warnings, so the check passes…
    let output = willay(dir.path(), &locales, &["locales", "check"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let es_campaigns = locales.join("es/campaigns.ftl");
    let ay_campaigns = locales.join("ay/campaigns.ftl");
    for (line, id) in [(21, "sterilisation-justice"), (70, "agro-workers-rights")] {
        let expected = format!(
            "{}:{line}:1: warning: message `{id}` has no `ay` translation (its reference definition is here); add it to {} — until then `ay` readers get the `es` text [missing-message]",
            es_campaigns.display(),
            ay_campaigns.display()
        );
        assert!(
            stdout.lines().any(|l| l == expected),
            "{expected}\n{stdout}"
        );
    }
    assert!(
        !stdout.contains("`survivor-rights` has no `ay`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("checked 4 locale(s) (ay, en, es, qu), ")
            && stdout.contains(": 0 error(s), "),
        "{stdout}"
    );
    // …but not strictly.
    let strict = willay(dir.path(), &locales, &["locales", "check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));

    let (list, _) = text(&willay(dir.path(), &locales, &["locales"]));
    let ay_row = list
        .lines()
        .find(|l| l.contains("│ ay "))
        .unwrap_or_else(|| panic!("ay is listed: {list}"));
    assert!(
        ay_row.contains("agro-workers-rights, ") && ay_row.contains("pending"),
        "{ay_row}"
    );

    // Negotiated: regional and individual-language tags reach `ay`.
    let catalogue = Catalogue::load(&locales).unwrap();
    for tag in ["ay-BO", "ayr", "ayc-PE", "ay"] {
        let chain: Vec<String> = catalogue.chain(tag).iter().map(|l| l.to_string()).collect();
        assert_eq!(chain, ["ay", "es"], "{tag}");
    }

    // Rendered in Aymara where translated; Spanish where not.
    let output = willay(
        dir.path(),
        &locales,
        &[
            "preview",
            "survivor-rights",
            "--locale",
            "ayr",
            "--name",
            "Rosa",
        ],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("Content-Language: ay\nSubject: (ay) Janiw juchamäkiti\n"),
        "{stdout}"
    );
    assert!(stdout.contains("Kamisaki, Rosa:"), "{stdout}");
    let output = willay(
        dir.path(),
        &locales,
        &["preview", "sterilisation-justice", "--locale", "ay-BO"],
    );
    let (stdout, stderr) = text(&output);
    assert!(stdout.starts_with("Content-Language: es\n"), "{stdout}");
    assert_eq!(
        stderr,
        "note: `sterilisation-justice` has no `ay` translation; showing the `es` fallback\n"
    );

    let out = dir.path().join("review");
    for (message, language) in [("survivor-rights", "ay"), ("agro-workers-rights", "es")] {
        let output = willay(
            dir.path(),
            &locales,
            &[
                "preview",
                message,
                "--all-locales",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{:?}", text(&output));
        let eml = std::fs::read(out.join(format!("{message}.ay.eml"))).unwrap();
        assert_eq!(Received::parse(eml).content_language, language, "{message}");
    }

    // And sent: subscribers tagged `ayr` and `ay-BO` get Aymara, or Spanish
    // (with a warning that counts them) where the message is missing.
    std::fs::write(
        dir.path().join("ay.csv"),
        "email,name,language,region\n\
         rosa@example.org,Rosa Mamani,ayr,Puno\n\
         luz@example.org,Luz Condori,ay-BO,La Paz\n",
    )
    .unwrap();
    assert!(
        willay(dir.path(), &locales, &["lists", "create", "altiplano"])
            .status
            .success()
    );
    let import = willay(
        dir.path(),
        &locales,
        &["subscribers", "import", "ay.csv", "--list", "altiplano"],
    );
    assert!(import.status.success(), "{:?}", text(&import));
    let at = "2020-01-01T00:00:00Z";
    let create = |message: &str| {
        willay(
            dir.path(),
            &locales,
            &[
                "campaigns",
                "create",
                "--message",
                message,
                "--list",
                "altiplano",
                "--at",
                at,
            ],
        )
    };
    let (_, stderr) = text(&create("survivor-rights"));
    assert_eq!(stderr, "");
    let (stdout, stderr) = text(&create("agro-workers-rights"));
    assert_eq!(stdout, "created campaign 2 (scheduled)\n");
    assert_eq!(
        stderr,
        "warning: the message has no `ay` translation; 2 subscriber(s) will receive it in `es`\n"
    );
    let worker = willay(dir.path(), &locales, &["worker", "--until-idle"]);
    assert!(worker.status.success(), "{:?}", text(&worker));
    let mut languages: Vec<(String, String)> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|entry| {
            let mail = Received::parse(std::fs::read(entry.unwrap().path()).unwrap());
            (mail.subject, mail.content_language)
        })
        .collect();
    languages.sort();
    let spanish_subject = "Trabajar sin hostigamiento sexual es tu derecho".to_owned();
    let aymara_subject = "(ay) Janiw juchamäkiti".to_owned();
    assert_eq!(
        languages,
        [
            (aymara_subject.clone(), "ay".to_owned()),
            (aymara_subject, "ay".to_owned()),
            (spanish_subject.clone(), "es".to_owned()),
            (spanish_subject, "es".to_owned()),
        ]
    );
}

#[test]
fn preview_all_locales_writes_complete_messages_for_reviewers() {
    let dir = tempfile::tempdir().unwrap();
    let output = willay(
        dir.path(),
        &shipped_locales(),
        &[
            "preview",
            "survivor-rights",
            "--all-locales",
            "--out",
            "review",
        ],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "");
    let mut expected = Vec::new();
    for locale in ["en", "es", "qu"] {
        for extension in ["eml", "html"] {
            expected.push(format!("review/survivor-rights.{locale}.{extension}"));
        }
    }
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);

    let subjects = [
        (
            "en",
            "It is not your fault: your rights and where to get help",
        ),
        ("es", "No es tu culpa: tus derechos y dónde pedir ayuda"),
        (
            "qu",
            "Manam qampa huchaykichu: derechoykikuna, maypi yanapay kan",
        ),
    ];
    for (locale, subject) in subjects {
        let eml = std::fs::read(
            dir.path()
                .join(format!("review/survivor-rights.{locale}.eml")),
        )
        .unwrap();
        let raw = String::from_utf8_lossy(&eml).into_owned();
        let mail = Received::parse(eml);
        assert_eq!(mail.content_language, locale);
        assert_eq!(mail.subject, subject);
        assert_eq!(mail.to, "maria.quispe@example.org");
        assert_eq!(mail.content_type, "multipart/alternative");
        assert_eq!(mail.list_unsubscribe_post, "List-Unsubscribe=One-Click");
        assert!(
            mail.text.contains("María Quispe"),
            "{locale}: {}",
            mail.text
        );
        assert!(
            raw.contains("\r\nMessage-ID: <willay.c0.s0@example.org>\r\n"),
            "{raw}"
        );
        let html = std::fs::read_to_string(
            dir.path()
                .join(format!("review/survivor-rights.{locale}.html")),
        )
        .unwrap();
        assert!(html.contains(&format!("<html lang=\"{locale}\"")), "{html}");
        assert!(html.contains("María Quispe"));
        assert_eq!(html.trim(), mail.html.replace("\r\n", "\n").trim());
    }

    let output = willay(
        dir.path(),
        &shipped_locales(),
        &["preview", "nope", "--all-locales", "--out", "review"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output)
            .1
            .contains("message `nope` is not in the catalogue")
    );
}

const PERU: &str = "email,name,language,region
rosa@example.org,Rosa Quispe,quz-PE,Cusco
juana@example.org,Juana Huamán,quy,Huancavelica
ana@example.org,Ana Torres,es-PE,Lima
kate@example.org,Kate Smith,en-GB,Lima
";

#[test]
fn campaigns_count_fallbacks_and_strict_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_catalogue_without(&locales, "qu", "survivor-rights");
    std::fs::write(dir.path().join("peru.csv"), PERU).unwrap();
    let run = |args: &[&str]| willay(dir.path(), &locales, args);
    assert!(run(&["lists", "create", "peru"]).status.success());
    assert!(
        run(&["subscribers", "import", "peru.csv", "--list", "peru"])
            .status
            .success()
    );
    let create = [
        "campaigns",
        "create",
        "--message",
        "survivor-rights",
        "--list",
        "peru",
    ];
    let at = ["--at", "2030-01-01T00:00:00Z"];
    let warning =
        "warning: the message has no `qu` translation; 2 subscriber(s) will receive it in `es`\n";
    let refusal = "error: refused (--strict): 2 subscriber(s) would receive `survivor-rights` in `es` instead of `qu`\n";

    // Without --strict: created and scheduled, with the count of people affected.
    let output = run(&[&create[..], &at[..]].concat());
    assert_eq!(
        text(&output),
        ("created campaign 1 (scheduled)\n".into(), warning.into())
    );

    // --strict: refused before anything is stored.
    let output = run(&[&create[..], &at[..], &["--strict"]].concat());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output),
        (
            String::new(),
            format!(
                "note: no campaign was created; add the missing translation (see `willay locales check`) or go ahead without --strict\n{refusal}"
            )
        )
    );
    let (list, _) = text(&run(&["campaigns", "list"]));
    assert_eq!(
        list.matches("survivor-rights").count(),
        2,
        "only campaign 1: {list}"
    );

    // A draft: scheduling strictly is refused and it stays a draft; without, it goes.
    let output = run(&create);
    assert_eq!(
        text(&output),
        ("created campaign 2 (draft)\n".into(), warning.into())
    );
    let output = run(&["campaigns", "schedule", "2", "--strict"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output).1,
        format!(
            "note: campaign 2 was not scheduled; add the missing translation (see `willay locales check`) or go ahead without --strict\n{refusal}"
        )
    );
    let (show, _) = text(&run(&["campaigns", "show", "2"]));
    assert!(show.contains("draft"), "{show}");
    let output = run(&["campaigns", "schedule", "2", "--at", "2030-01-01T00:00:00Z"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(
        stdout,
        "campaign 2 is now scheduled\nstarts at 2030-01-01 00:00:00Z\n"
    );
    assert_eq!(stderr, warning);

    // A message every locale has: --strict lets it through, silently.
    let output = run(&[
        "campaigns",
        "create",
        "--message",
        "agro-workers-rights",
        "--list",
        "peru",
        "--at",
        "2030-01-01T00:00:00Z",
        "--strict",
    ]);
    assert_eq!(
        text(&output),
        ("created campaign 3 (scheduled)\n".into(), String::new())
    );
}

/// A translation that parses but does not format is named where a manager
/// sees it: when creating the campaign, with what `locales check` says.
#[test]
fn a_broken_translation_is_named_when_a_campaign_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_catalogue(&locales);
    // Saved from Notepad (a byte order mark), with a term that uses an undefined one.
    let shared = locales.join("qu/shared.ftl");
    let original = std::fs::read_to_string(&shared).unwrap();
    let broken = original.replace(
        "*[other] { $count } warmi",
        "*[other] { $count } { -warmi }",
    );
    assert_ne!(broken, original);
    std::fs::write(&shared, format!("\u{feff}{broken}")).unwrap();
    let diagnostic = format!(
        "{}:36:30: error: term `-warmi` is used but not defined in `qu` [undefined-term]",
        shared.display()
    );

    let output = willay(dir.path(), &locales, &["locales", "check"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output).0,
        format!(
            "{diagnostic}\nchecked 3 locale(s) (en, es, qu), 9 file(s): 1 error(s), 0 warning(s)\n"
        )
    );

    // A reviewer previewing it sees the Spanish fallback, and why.
    let output = willay(
        dir.path(),
        &locales,
        &["preview", "sterilisation-justice", "--locale", "quz-PE"],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("Content-Language: es\n"), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "note: the `qu` translation of `sterilisation-justice` does not format; showing the `es` fallback\n  {diagnostic}\n"
        )
    );

    std::fs::write(dir.path().join("peru.csv"), PERU).unwrap();
    let run = |args: &[&str]| willay(dir.path(), &locales, args);
    assert!(run(&["lists", "create", "peru"]).status.success());
    assert!(
        run(&["subscribers", "import", "peru.csv", "--list", "peru"])
            .status
            .success()
    );
    let create = |message: &str, strict: bool| {
        let mut args = vec![
            "campaigns",
            "create",
            "--message",
            message,
            "--list",
            "peru",
            "--at",
            "2030-01-01T00:00:00Z",
        ];
        if strict {
            args.push("--strict");
        }
        run(&args)
    };
    assert_eq!(
        text(&create("sterilisation-justice", false)),
        (
            "created campaign 1 (scheduled)\n".into(),
            format!(
                "warning: the message has a `qu` translation that does not format; 2 subscriber(s) will receive it in `es`\n  {diagnostic}\n"
            )
        )
    );
    let refused = create("sterilisation-justice", true);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused).1,
        "note: no campaign was created; fix or add the translation (see `willay locales check`) or go ahead without --strict\n\
         error: refused (--strict): 2 subscriber(s) would receive `sterilisation-justice` in `es` instead of `qu` (it has a `qu` translation that does not format)\n"
    );
    // A message that does not use the broken term is Quechua as ever.
    assert_eq!(
        text(&create("survivor-rights", true)),
        ("created campaign 2 (scheduled)\n".into(), String::new())
    );
}

async fn strict_refusal_is_a_typed_error_for_the_api(backend: Backend) {
    let scratch = tempfile::tempdir().unwrap();
    copy_catalogue_without(scratch.path(), "qu", "survivor-rights");
    let t = TestApp::spawn_with(backend, scratch.path(), None).await;
    t.import(PERU, "peru").await;
    let request = CampaignRequest {
        message_id: "survivor-rights".into(),
        lists: vec![ListName::parse("peru").unwrap()],
        name: None,
        at: Some("2030-01-01T00:00:00Z".parse().unwrap()),
    };
    let expected = vec![Fallback {
        wanted: "qu".into(),
        used: "es".into(),
        people: 2,
        broken: vec![],
    }];
    let refused = match t.app.create_campaign_checked(&request, true).await {
        Err(ScheduleError::Refused(refused)) => refused,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused,
        FallbackRefused {
            campaign_id: None,
            message_id: "survivor-rights".into(),
            fallbacks: expected.clone(),
        }
    );
    assert_eq!(
        refused.to_string(),
        "refused (--strict): 2 subscriber(s) would receive `survivor-rights` in `es` instead of `qu`"
    );
    assert!(
        t.app.store.campaigns().await.unwrap().is_empty(),
        "a refused create stores nothing"
    );

    let (campaign, fallbacks) = t
        .app
        .create_campaign_checked(&request, false)
        .await
        .unwrap();
    assert_eq!(campaign.status, CampaignStatus::Scheduled);
    assert_eq!(fallbacks, expected);

    let draft = t
        .app
        .create_campaign_checked(
            &CampaignRequest {
                at: None,
                ..request.clone()
            },
            false,
        )
        .await
        .unwrap()
        .0;
    assert!(matches!(
        t.app.schedule_campaign_checked(draft.id, None, true).await,
        Err(ScheduleError::Refused(FallbackRefused { campaign_id, .. })) if campaign_id == Some(draft.id)
    ));
    assert_eq!(
        t.app.store.campaign(draft.id).await.unwrap().status,
        CampaignStatus::Draft
    );
}

on_both_backends!(strict_refusal_is_a_typed_error_for_the_api);
