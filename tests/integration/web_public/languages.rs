//! Pages speak the visitor's language.

use super::*;

#[tokio::test]
async fn pages_speak_the_visitors_language() {
    let t = WebTest::start(Backend::Sqlite).await;
    for (accept, query, lang, words) in [
        ("quz-PE,es;q=0.5", "", "qu", "Qillqachikuy"),
        ("fr-FR,en;q=0.8", "", "en", "Subscribe"),
        ("de", "", "es", "Suscribirme"),
        ("quz-PE", "?lang=en", "en", "Subscribe"),
    ] {
        let (status, content_language, body) = t
            .client
            .get(t.url(&format!("/subscribe{query}")))
            .header(header::ACCEPT_LANGUAGE, accept)
            .page()
            .await;
        assert_eq!(
            (status, content_language.as_str()),
            (StatusCode::OK, lang),
            "{accept} {query}"
        );
        assert!(body.contains(&format!("<html lang=\"{lang}\">")), "{body}");
        assert!(body.contains(words), "{accept}: {body}");
        // The switcher offers every language in its own name.
        for name in ["Español", "English", "Runasimi"] {
            assert!(body.contains(name), "{name}");
        }
    }
    let response = t.client.get(t.url("/")).fetch().await;
    assert_eq!(response.headers()[header::LOCATION], "/subscribe");
}
