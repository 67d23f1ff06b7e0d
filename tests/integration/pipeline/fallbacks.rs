//! A missing or broken Quechua message falls back to Spanish and loses nobody.

use super::*;

async fn a_missing_quechua_message_falls_back_to_spanish(backend: Backend) {
    let scratch = tempfile::tempdir().unwrap();
    copy_catalogue_without(scratch.path(), "qu", "survivor-rights");
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, scratch.path(), Some(&smtp)).await;
    t.import(ANDES, "andes").await;
    let campaign = campaign_to(&t, "survivor-rights", &["andes"]).await;
    let fallbacks = t.app.fallbacks(campaign).await.unwrap();
    assert_eq!(fallbacks.len(), 1);
    assert_eq!(
        (
            fallbacks[0].wanted.as_str(),
            fallbacks[0].used.as_str(),
            fallbacks[0].people
        ),
        ("qu", "es", 3)
    );
    assert!(fallbacks[0].broken.is_empty(), "missing, not broken");

    t.run_worker().await;
    let received = smtp.messages();
    assert_eq!(received.len(), 3);
    for mail in &received {
        assert_eq!(mail.content_language, "es");
        assert_eq!(
            mail.subject,
            "No es tu culpa: tus derechos y dónde pedir ayuda"
        );
        assert!(mail.html.contains("<html lang=\"es\""));
    }
    let rosa = received
        .iter()
        .find(|m| m.to == "rosa@example.org")
        .unwrap();
    assert_eq!(rosa.text.lines().next(), Some("Hola, Rosa Quispe:"));
    let reach = t.reach_of(campaign).await;
    assert_eq!(
        reach.by_locale.get("es"),
        Some(&3),
        "the ledger records the locale used"
    );
    // Messages Quechua does have are still sent in Quechua.
    let other = campaign_to(&t, "sterilisation-justice", &["andes"]).await;
    t.run_worker().await;
    let reach = t.reach_of(other).await;
    assert_eq!(reach.by_locale.get("qu"), Some(&3));
}

/// A Quechua translation that parses but does not format (its term uses a
/// term Quechua does not define) loses nobody: Quechua readers get the Spanish
/// message, the ledger and `Content-Language` say so, and the campaign's
/// fallback count names the check's finding.
async fn a_broken_quechua_translation_falls_back_to_spanish(backend: Backend) {
    let scratch = tempfile::tempdir().unwrap();
    copy_catalogue(scratch.path());
    let shared = scratch.path().join("qu/shared.ftl");
    let text = std::fs::read_to_string(&shared).unwrap();
    let broken = text.replace(
        "*[other] { $count } warmi",
        "*[other] { $count } { -warmi }",
    );
    assert_ne!(broken, text);
    std::fs::write(&shared, broken).unwrap();

    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, scratch.path(), Some(&smtp)).await;
    t.import(ANDES, "andes").await;
    let campaign = campaign_to(&t, "sterilisation-justice", &["andes"]).await;
    let fallbacks = t.app.fallbacks(campaign).await.unwrap();
    assert_eq!(fallbacks.len(), 1, "{fallbacks:?}");
    let f = &fallbacks[0];
    assert_eq!(
        (f.wanted.as_str(), f.used.as_str(), f.people),
        ("qu", "es", 3)
    );
    let found: Vec<String> = f.broken.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [format!(
            "{}:36:30: error: term `-warmi` is used but not defined in `qu` [undefined-term]",
            shared.display()
        )]
    );

    let started = chrono::Utc::now().timestamp();
    let report = t.run_worker().await;
    let finished = chrono::Utc::now().timestamp();
    assert_eq!((report.sent, report.failed), (3, 0), "{report:?}");
    for mail in smtp.messages() {
        let (_, name) = expected(&mail.to);
        assert_message(&mail, "es", name, (started, finished));
    }
    let reach = t.reach_of(campaign).await;
    assert_eq!(
        reach.by_locale.get("es"),
        Some(&3),
        "the ledger records `es`"
    );

    // Quechua messages that do not use the broken term are still Quechua.
    let other = campaign_to(&t, "survivor-rights", &["andes"]).await;
    assert!(t.app.fallbacks(other).await.unwrap().is_empty());
    t.run_worker().await;
    assert!(
        smtp.messages()[3..]
            .iter()
            .all(|m| m.content_language == "qu")
    );
}

on_both_backends!(
    a_missing_quechua_message_falls_back_to_spanish,
    a_broken_quechua_translation_falls_back_to_spanish,
);
