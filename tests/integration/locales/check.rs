//! `willay locales check`: each broken catalogue gets its exact diagnostic and place; the shipped one passes strict.

use super::*;

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
