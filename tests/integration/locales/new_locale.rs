//! A fourth locale is a folder and no code: Aymara added the way locales/README.md says.

use super::*;

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
