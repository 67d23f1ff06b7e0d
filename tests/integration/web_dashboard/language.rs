//! The dashboard in the staff's language: Spanish unless the browser asks
//! for another, and then whatever the staff member chose, kept with her.
//! Every page in Spanish leaves no English word behind, in what the eye reads
//! or in what a screen reader reads.

use std::collections::BTreeSet;

use regex::Regex;
use willay::access::staff;
use willay::access::{AccountName, Role};
use willay::domain::Actor;
use willay::web;

use super::password::log_in_as;
use super::*;

/// Words of the English dashboard that Spanish never uses: any of them on a
/// Spanish page is a string someone forgot to translate.
fn english_only_words() -> BTreeSet<String> {
    let words_of = |locale: &str| -> BTreeSet<String> {
        let path = shipped_locales().join(locale).join("dashboard.ftl");
        let text = std::fs::read_to_string(path).unwrap();
        let word = Regex::new(r"[A-Za-z]{3,}").unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(" = ").map(|(_, value)| value))
            .flat_map(|value| word.find_iter(value).map(|m| m.as_str().to_lowercase()))
            .filter(|w| w != "scope" && w != "name")
            .collect()
    };
    let spanish = words_of("es");
    let mut english = words_of("en");
    english.retain(|w| !spanish.contains(w));
    // A language's own name (the reach chart's "English (en)") is no slip.
    english.remove("english");
    english
}

/// What a person reads on `page`: its text and the labels of its controls,
/// without code samples, and without what is marked as another language
/// (a preview's subject, a language's own name in the switcher).
fn readable(page: &str) -> String {
    let drop = [
        r"(?s)<style>.*?</style>",
        r"(?s)<code>.*?</code>",
        r#"(?s)<(\w+)[^>]*\slang="(?:en|qu)[^"]*"[^>]*>.*?</(?:span|strong|option|a)>"#,
    ];
    let mut text = page.to_owned();
    for pattern in drop {
        text = Regex::new(pattern)
            .unwrap()
            .replace_all(&text, " ")
            .into_owned();
    }
    let labels = Regex::new(r#"\s(?:aria-label|title|placeholder|alt)="([^"]*)""#).unwrap();
    let said: Vec<String> = labels
        .captures_iter(&text)
        .map(|c| c[1].to_owned())
        .collect();
    let tags = Regex::new(r"<[^>]*>").unwrap();
    format!("{} {}", tags.replace_all(&text, " "), said.join(" "))
}

fn english_left(page: &str, english: &BTreeSet<String>) -> Vec<String> {
    let word = Regex::new(r"[A-Za-z]{3,}").unwrap();
    let found: BTreeSet<String> = word
        .find_iter(&readable(page))
        .map(|m| m.as_str().to_lowercase())
        .filter(|w| english.contains(w))
        .collect();
    found.into_iter().collect()
}

async fn every_dashboard_page_is_in_spanish_by_default(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--reject-data", "^rosa@"]);
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    t.run_worker().await;
    let english = english_only_words();
    assert!(
        ["campaigns", "reached", "password", "the"]
            .iter()
            .all(|w| english.contains(*w)),
        "the yardstick knows English: {english:?}"
    );

    let link = staff::add(
        &t.app.store,
        &t.app.settings.public_url,
        &AccountName::parse("ana").unwrap(),
        Role::Manager,
        &Actor::Cli,
    )
    .await
    .unwrap();
    let session = session_of(&t).await;
    let analyst =
        web::auth::create_token(&t.app.store, "mirador", Role::Analyst, None, &Actor::Cli)
            .await
            .unwrap();
    let response = log_in(&t, &analyst).await;
    let (analyst, _) = set_cookie(response.headers(), "willay_session").unwrap();

    let mut pages = Vec::new();
    for path in [
        "/login".to_owned(),
        link.url.path().to_owned(),
        "/staff/password/not-a-link".to_owned(),
    ] {
        pages.push((path.clone(), get_page(&t, "none", &path).await));
    }
    for path in [
        "/dashboard".to_owned(),
        format!("/dashboard/campaigns/{id}"),
        "/dashboard/campaigns/new?message=sterilisation-justice".to_owned(),
        "/dashboard/campaigns/999".to_owned(),
        "/dashboard/subscribers?q=ma".to_owned(),
        "/dashboard/lists?done=created".to_owned(),
        "/dashboard/audit".to_owned(),
        "/dashboard/messages?message=survivor-rights".to_owned(),
        "/dashboard/subscribers/import".to_owned(),
        "/dashboard/subscribers/1".to_owned(),
        "/dashboard/subscribers/1/erase".to_owned(),
        "/dashboard/no-such-page".to_owned(),
    ] {
        pages.push((path.clone(), get_page(&t, &session, &path).await));
    }
    let path = "/dashboard/campaigns/new".to_owned();
    pages.push((
        format!("{path} (analyst)"),
        get_page(&t, &analyst, &path).await,
    ));
    let (_, overview) = get_page(&t, &session, "/dashboard").await;
    let csrf = csrf_in(&overview);
    for (path, body) in [
        (format!("/dashboard/campaigns/{id}/pause"), String::new()),
        (
            "/dashboard/campaigns".to_owned(),
            format!("csrf={csrf}&message=survivor-rights&lists=peru&when=at&at="),
        ),
        (
            format!("/dashboard/campaigns/{id}/schedule"),
            format!("csrf={csrf}"),
        ),
    ] {
        let response = post_form(&t, &session, &path, body).await;
        let status = response.status();
        pages.push((
            format!("POST {path}"),
            (status, response.text().await.unwrap()),
        ));
    }
    let refused = log_in_as(&t, "ana", "not her password at all").await;
    let status = refused.status();
    pages.push((
        "POST /login".into(),
        (status, refused.text().await.unwrap()),
    ));

    for (path, (status, page)) in &pages {
        assert!(
            page.contains("<html lang=\"es\">"),
            "{path} ({status}): {page}"
        );
        let left = english_left(page, &english);
        assert!(
            left.is_empty(),
            "{path} ({status}): English left: {left:?}\n{page}"
        );
    }
    // The refusals say what happened, in Spanish.
    let said = |path: &str| &pages.iter().find(|(p, _)| p == path).unwrap().1;
    assert!(
        said("/dashboard/campaigns/999")
            .1
            .contains("No existe esa campaña")
    );
    let schedule = format!("POST /dashboard/campaigns/{id}/schedule");
    assert_eq!(said(&schedule).0, StatusCode::CONFLICT);
    assert!(
        said("POST /dashboard/campaigns")
            .1
            .contains("Elige una hora de inicio")
    );
    assert!(said("POST /login").1.contains("no coinciden"));
    // Times as Peru writes them (CLDR es-PE), in Lima time: «4 dic. 2026, 3:05 p. m.».
    let spanish_time =
        Regex::new(r"\d{1,2} \w+\.? \d{4}, \d{1,2}:\d\d\x{202f}[ap]\.\x{202f}m\.").unwrap();
    assert!(spanish_time.is_match(&overview), "{overview}");
}

on_both_backends!(every_dashboard_page_is_in_spanish_by_default);

/// The page's `<html lang>`.
fn lang_of(page: &str) -> &str {
    let start = page.find("<html lang=\"").expect("an html element") + 12;
    page[start..].split('"').next().unwrap()
}

async fn staff_choose_their_language_and_keep_it(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    // Before a choice: the browser's language, when willay has it.
    for (accept, lang) in [
        ("", "es"),
        ("en-US,en;q=0.8", "en"),
        ("quz-PE", "qu"),
        ("de-DE", "es"),
    ] {
        let page = t
            .client
            .get(t.url("/login"))
            .header(header::ACCEPT_LANGUAGE, accept)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(lang_of(&page), lang, "Accept-Language: {accept}");
    }
    let (_, english) = get_page(&t, "none", "/login?lang=en").await;
    assert!(english.contains("Log in"), "{english}");

    let store = &t.app.store;
    let ana = AccountName::parse("ana").unwrap();
    let link = staff::add(
        store,
        &t.app.settings.public_url,
        &ana,
        Role::Manager,
        &Actor::Cli,
    )
    .await
    .unwrap();
    let password = "wayra pacha llaqta 1990";
    let response = t.client.get(t.url(link.url.path())).send().await.unwrap();
    let (cookie, _) = set_cookie(response.headers(), "willay_form").unwrap();
    let csrf = csrf_in(&response.text().await.unwrap());
    let response = t
        .client
        .post(t.url(link.url.path()))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", password),
            ("again", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let response = log_in_as(&t, "ana", password).await;
    let (session, _) = set_cookie(response.headers(), "willay_session").unwrap();
    let (_, page) = get_page(&t, &session, "/dashboard").await;
    assert_eq!(lang_of(&page), "es");
    let csrf = csrf_in(&page);
    let response = post_form(
        &t,
        &session,
        "/dashboard/language",
        format!("csrf={csrf}&lang=qu"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Her choice wins over her browser's, in this session and the next.
    let response = log_in_as(&t, "ana", password).await;
    let (next, _) = set_cookie(response.headers(), "willay_session").unwrap();
    for session in [&session, &next] {
        let response = t
            .client
            .get(t.url("/dashboard"))
            .header(header::COOKIE, format!("willay_session={session}"))
            .header(header::ACCEPT_LANGUAGE, "en-US")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[header::CONTENT_LANGUAGE], "qu");
        let page = response.text().await.unwrap();
        assert!(page.contains("Kampañakuna"), "{page}");
    }
    // A language willay does not have is refused, and changes nothing.
    let response = post_form(
        &t,
        &session,
        "/dashboard/language",
        format!("csrf={csrf}&lang=de"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = get_page(&t, &session, "/dashboard").await;
    assert_eq!(lang_of(&page), "qu");
    // A token session has no person to keep a choice for: it says so.
    let token = session_of(&t).await;
    let (_, page) = get_page(&t, &token, "/dashboard").await;
    let csrf = csrf_in(&page);
    let response = post_form(
        &t,
        &token,
        "/dashboard/language",
        format!("csrf={csrf}&lang=en"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("nombre y contraseña")
    );
}

on_both_backends!(staff_choose_their_language_and_keep_it);
