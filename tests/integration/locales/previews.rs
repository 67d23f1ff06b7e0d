//! `willay locales preview`: every message in every locale, complete, for reviewers.

use super::*;

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
