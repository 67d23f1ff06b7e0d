//! The public pages: double opt-in with the mail caught by a real SMTP server,
//! one-click unsubscribe, forged and tampered requests, languages, rate limits.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header;
use willay::domain::SubscriberStatus;
use willay::store::now_millis;
use willay::unsubscribe::UnsubscribeToken;
use willay::web::{ConfirmSigner, ConfirmToken, PublicRateLimit, WebConfig};

use crate::helpers::Backend;
use crate::helpers::web::{PEOPLE, WebTest, roomy, set_cookie};
use crate::on_both_backends;
use crate::smtp::{Received, SmtpServer};

/// A page: status, `Content-Language`, body.
pub(crate) async fn page(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let lang = response
        .headers()
        .get(header::CONTENT_LANGUAGE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, lang, response.text().await.unwrap())
}

/// The subscribe form's anti-forgery value and cookie.
pub(crate) async fn subscribe_form(t: &WebTest, query: &str) -> (String, String) {
    let response = t
        .client
        .get(t.url(&format!("/subscribe{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (cookie, attributes) =
        set_cookie(response.headers(), "willay_form").expect("a form cookie");
    assert!(
        attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict"),
        "{attributes}"
    );
    let body = response.text().await.unwrap();
    let start = body.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    let csrf = body[start..].split('"').next().unwrap().to_owned();
    assert_eq!(csrf, cookie, "double-submit value");
    (csrf, cookie)
}

pub(crate) async fn subscribe(
    t: &WebTest,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut request = t.client.post(t.url("/subscribe")).form(fields);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("willay_form={cookie}"));
    }
    page(request.send().await.unwrap()).await
}

/// The language switcher's links, unescaped, as (path, query pairs).
fn switcher_links(body: &str) -> Vec<(String, Vec<(String, String)>)> {
    let start = body.find("<nav").expect("a language switcher");
    let end = start + body[start..].find("</nav>").unwrap();
    body[start..end]
        .split("href=\"")
        .skip(1)
        .map(|rest| {
            let href = rest.split('"').next().unwrap();
            let href = href.replace("&#38;", "&").replace("&amp;", "&");
            let url = url::Url::parse(&format!("http://x{href}")).unwrap();
            let pairs = url.query_pairs().into_owned().collect();
            (url.path().to_owned(), pairs)
        })
        .collect()
}

/// Waits until the SMTP server holds `n` messages (the mail is sent in the background).
pub(crate) async fn wait_for_mail(smtp: &SmtpServer, n: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let messages = smtp.messages();
        if messages.len() >= n {
            return messages;
        }
        assert!(
            Instant::now() < deadline,
            "no confirmation mail arrived ({} of {n})",
            messages.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn double_opt_in_round_trip(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "andes").await;
    let (csrf, cookie) = subscribe_form(&t, "?lang=qu&list=andes").await;
    // The list exists: the page names it, and switching language keeps it.
    let (_, _, form_page) = page(
        t.client
            .get(t.url("/subscribe?lang=qu&list=andes"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        form_page.contains("name=\"list\" value=\"andes\""),
        "{form_page}"
    );
    let links = switcher_links(&form_page);
    assert_eq!(links.len(), 3, "{links:?}");
    for (path, pairs) in &links {
        assert_eq!(path, "/subscribe");
        assert!(
            pairs.contains(&("list".into(), "andes".into())),
            "{pairs:?}"
        );
        assert_eq!(pairs.iter().filter(|(k, _)| k == "lang").count(), 1);
    }
    let form = [
        ("csrf", csrf.as_str()),
        ("lang", "qu"),
        ("email", "Carmen@Example.org"),
        ("name", "Carmen"),
        ("language", "qu"),
        ("region", "Apurímac"),
        ("list", "andes"),
    ];
    let (status, lang, inbox_page) = subscribe(&t, Some(&cookie), &form).await;
    assert_eq!(
        (status, lang.as_str()),
        (StatusCode::OK, "qu"),
        "{inbox_page}"
    );
    assert!(inbox_page.contains("Correoykita qhawariy"), "{inbox_page}");
    let state = t
        .app
        .store
        .signup_state("carmen@example.org")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(state.status, SubscriberStatus::Unconfirmed);

    let mail = wait_for_mail(&smtp, 1).await.remove(0);
    assert_eq!(mail.to, "Carmen@Example.org");
    assert_eq!(mail.content_language, "qu");
    assert!(mail.subject.contains("takyachiy"), "{}", mail.subject);
    assert!(mail.list_unsubscribe.is_empty(), "nothing to leave yet");
    assert!(
        !mail.text.contains("Carmen"),
        "a name typed in a public form is not mailed"
    );
    let start = mail
        .text
        .find("https://willay.example.org/confirm/")
        .expect("a confirm link")
        + 35;
    let token: String = mail.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(mail.html.contains(&format!("/confirm/{token}")));

    // Following the link shows a button; only the POST confirms (link scanners GET).
    let (status, lang, confirm_page) = page(
        t.client
            .get(t.url(&format!("/confirm/{token}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, lang.as_str()), (StatusCode::OK, "qu"));
    assert!(
        confirm_page.contains(&format!("action=\"/confirm/{token}\"")),
        "{confirm_page}"
    );
    assert!(
        !confirm_page.contains("List-Unsubscribe"),
        "a confirm form is not an unsubscribe form: {confirm_page}"
    );
    let still = t
        .app
        .store
        .signup_state("carmen@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, SubscriberStatus::Unconfirmed);
    let response = t
        .client
        .post(t.url(&format!("/confirm/{token}")))
        .form(&[("lang", "qu")])
        .send()
        .await
        .unwrap();
    let (status, _, done) = page(response).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let carmen = t.app.store.subscriber(state.id).await.unwrap();
    assert_eq!(carmen.status, SubscriberStatus::Confirmed);
    assert_eq!(carmen.language, "qu");
    assert_eq!(
        t.app.store.subscriber_lists(state.id).await.unwrap(),
        ["andes"]
    );

    // The same sign-up again, and a known confirmed address: the same page,
    // so the form never tells a stranger who is subscribed.
    let (status, _, again) = subscribe(&t, Some(&cookie), &form).await;
    assert_eq!(
        (status, again.as_str()),
        (StatusCode::OK, inbox_page.as_str())
    );
    let rosa = [
        ("csrf", csrf.as_str()),
        ("lang", "qu"),
        ("email", "rosa@example.org"),
        ("language", "qu"),
    ];
    let (status, _, known) = subscribe(&t, Some(&cookie), &rosa).await;
    assert_eq!(
        (status, known.as_str()),
        (StatusCode::OK, inbox_page.as_str())
    );
    // …and neither confirmed address was mailed: once every mail the server
    // started has gone, only a newcomer's was added.
    let newcomer = [
        ("csrf", csrf.as_str()),
        ("lang", "qu"),
        ("email", "luz@example.org"),
    ];
    assert_eq!(
        subscribe(&t, Some(&cookie), &newcomer).await.0,
        StatusCode::OK
    );
    t.state.mail_settled().await;
    let recipients: Vec<String> = smtp.messages().into_iter().map(|m| m.to).collect();
    assert_eq!(recipients, ["Carmen@Example.org", "luz@example.org"]);

    // Altered links, and links of the other kind, are refused.
    let mut forged = token.clone().into_bytes();
    forged[10] = if forged[10] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let unsubscribe = t.app.signer.sign(UnsubscribeToken {
        subscriber_id: state.id,
        campaign_id: 1,
        link_key: t.app.store.link_key(state.id).await.unwrap(),
    });
    for bad in [forged.as_str(), unsubscribe.as_str(), "nonsense"] {
        let response = t
            .client
            .post(t.url(&format!("/confirm/{bad}")))
            .header(header::ACCEPT_LANGUAGE, "en")
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap();
        let (status, _, body) = page(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body.contains("This link is not valid"), "{body}");
    }
    let response = t
        .client
        .post(t.url(&format!("/u/{token}")))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "a confirm link cannot unsubscribe"
    );
    assert_eq!(
        t.app.store.subscriber(state.id).await.unwrap().status,
        SubscriberStatus::Confirmed
    );
}

async fn one_click_unsubscribe(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    t.import(PEOPLE, "peru").await;
    let ann = t.id_of("ann@example.org").await;
    let token = t.app.signer.sign(UnsubscribeToken {
        subscriber_id: ann,
        campaign_id: 3,
        link_key: t.app.store.link_key(ann).await.unwrap(),
    });
    let confirm = ConfirmSigner::for_app(&t.app);
    let old_confirm_link = confirm.sign(ConfirmToken {
        subscriber_id: ann,
        link_key: t.app.store.link_key(ann).await.unwrap(),
        list_id: None,
        issued_at: now_millis() - 1000,
    });

    // The page in her own language (en-GB), with a button; GET changes nothing.
    let (status, lang, body) = page(
        t.client
            .get(t.url(&format!("/u/{token}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, lang.as_str()), (StatusCode::OK, "en"));
    assert!(
        body.contains("name=\"List-Unsubscribe\" value=\"One-Click\""),
        "{body}"
    );
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Confirmed
    );

    // A POST without the RFC 8058 body does nothing.
    let response = t
        .client
        .post(t.url(&format!("/u/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Confirmed
    );

    // Only the exact RFC 8058 pair counts, not text that merely contains its words.
    for (content_type, body) in [
        (
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Clickety",
        ),
        (
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=no&why=One-Click",
        ),
        (
            "application/x-www-form-urlencoded",
            "X-List-Unsubscribe=One-Click",
        ),
        ("text/plain", "List-Unsubscribe=One-Click"),
    ] {
        let response = t
            .client
            .post(t.url(&format!("/u/{token}")))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Confirmed
    );

    // What a mail client sends for the one-click button: no cookie, no page.
    for _ in 0..2 {
        let response = t
            .client
            .post(t.url(&format!("/u/{token}")))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        let (status, _, body) = page(response).await;
        assert_eq!(status, StatusCode::OK, "idempotent: {body}");
        assert!(body.contains("You have unsubscribed"), "{body}");
    }
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Unsubscribed
    );

    // A confirmation link issued before she left cannot undo it.
    let response = t
        .client
        .post(t.url(&format!("/confirm/{old_confirm_link}")))
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Unsubscribed
    );

    // Tampered: 400 in the visitor's language; well-signed but nobody: 404.
    let mut tampered = token.clone().into_bytes();
    tampered[5] = if tampered[5] == b'x' { b'y' } else { b'x' };
    let tampered = String::from_utf8(tampered).unwrap();
    let rosa = t.id_of("rosa@example.org").await;
    for (accept, expected_lang, words) in [
        ("es-PE,es;q=0.9", "es", "Este enlace no es válido"),
        ("quz-PE", "qu", "Kay enlaceqa manam allinchu"),
    ] {
        let response = t
            .client
            .post(t.url(&format!("/u/{tampered}")))
            .header(header::ACCEPT_LANGUAGE, accept)
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .unwrap();
        let (status, lang, body) = page(response).await;
        assert_eq!(
            (status, lang.as_str()),
            (StatusCode::BAD_REQUEST, expected_lang)
        );
        assert!(body.contains(words), "{body}");
    }
    let (status, _, body) = page(
        t.client
            .get(t.url(&format!("/u/{tampered}")))
            .header(header::ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("This link is not valid"), "{body}");
    assert!(!body.contains("<form"), "nothing to press: {body}");
    assert_eq!(
        t.app.store.subscriber(rosa).await.unwrap().status,
        SubscriberStatus::Confirmed,
        "nobody else left"
    );

    // RFC 8058 also allows multipart/form-data (some mail clients send it).
    let juana = t.id_of("juana@example.org").await;
    let juana_token = t.app.signer.sign(UnsubscribeToken {
        subscriber_id: juana,
        campaign_id: 3,
        link_key: t.app.store.link_key(juana).await.unwrap(),
    });
    let multipart = "--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b0undary--\r\n";
    let response = t
        .client
        .post(t.url(&format!("/u/{juana_token}")))
        .header(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=b0undary",
        )
        .body(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        t.app.store.subscriber(juana).await.unwrap().status,
        SubscriberStatus::Unsubscribed
    );
    let nobody = t.app.signer.sign(UnsubscribeToken {
        subscriber_id: 999_999,
        campaign_id: 3,
        link_key: willay::unsubscribe::LinkKey::generate(),
    });
    let response = t
        .client
        .post(t.url(&format!("/u/{nobody}")))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = t
        .client
        .get(t.url(&format!("/u/{nobody}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn forged_and_invalid_sign_ups_are_refused(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    let fields = [
        ("csrf", "made-up"),
        ("email", "eve@example.org"),
        ("language", "es"),
    ];
    let (status, _, body) = subscribe(&t, None, &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no form cookie");
    assert!(body.contains("El formulario caducó"), "{body}");
    let (status, _, _) = subscribe(
        &t,
        Some("another-value-of-the-right-length-0123456789a"),
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "cookie and field differ");
    assert!(
        t.app
            .store
            .signup_state("eve@example.org")
            .await
            .unwrap()
            .is_none()
    );

    let (csrf, cookie) = subscribe_form(&t, "").await;
    // The right cookie with another value of the same length: refused by the
    // comparison itself, not by a length check.
    let mut other = csrf.clone().into_bytes();
    other[20] = if other[20] == b'A' { b'B' } else { b'A' };
    let other = String::from_utf8(other).unwrap();
    assert_eq!(other.len(), csrf.len());
    let (status, _, _) = subscribe(
        &t,
        Some(&cookie),
        &[("csrf", other.as_str()), ("email", "eve@example.org")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        t.app
            .store
            .signup_state("eve@example.org")
            .await
            .unwrap()
            .is_none()
    );

    // A list that does not exist is never shown: the page is the organisation's
    // voice, not a place for strangers' words.
    let (status, _, body) = page(
        t.client
            .get(t.url("/subscribe?list=pay-us-at-scam-example"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("pay-us-at-scam-example"), "{body}");

    let (status, lang, body) = subscribe(
        &t,
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("lang", "en"),
            ("email", "eve@"),
            ("name", "<b>Eve</b>"),
        ],
    )
    .await;
    assert_eq!(
        (status, lang.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "en")
    );
    assert!(body.contains("This email address is not valid"), "{body}");
    assert!(
        body.contains("value=\"&#60;b&#62;Eve&#60;/b&#62;\"") || body.contains("&lt;b&gt;Eve"),
        "escaped: {body}"
    );
    // A list that does not exist gets exactly the answer a real one gets (it
    // was a 422 "That list does not exist", which told anyone which lists
    // exist), and nobody is stored or mailed for it.
    let peru = willay::domain::ListName::parse("peru").unwrap();
    t.app.store.ensure_list(&peru, now_millis()).await.unwrap();
    let sign_up = |email: &'static str, list: &'static str| {
        let (csrf, cookie) = (csrf.clone(), cookie.clone());
        let t = &t;
        async move {
            subscribe(
                t,
                Some(&cookie),
                &[
                    ("csrf", csrf.as_str()),
                    ("lang", "en"),
                    ("email", email),
                    ("list", list),
                ],
            )
            .await
        }
    };
    let real = sign_up("ana@example.org", "peru").await;
    let unknown = sign_up("eve@example.org", "no-such-list").await;
    assert_eq!(real.0, StatusCode::OK, "{}", real.2);
    assert_eq!(unknown, real, "an unknown list is told apart");
    assert!(!unknown.2.contains("no-such-list"), "{}", unknown.2);
    let store = &t.app.store;
    assert!(
        store
            .signup_state("ana@example.org")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .signup_state("eve@example.org")
            .await
            .unwrap()
            .is_none()
    );
}

async fn links_with_problems_get_clear_pages(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    t.import(PEOPLE, "peru").await;
    let ann = t.id_of("ann@example.org").await;
    let confirm = ConfirmSigner::for_app(&t.app);
    let expired = confirm.sign(ConfirmToken {
        subscriber_id: ann,
        link_key: t.app.store.link_key(ann).await.unwrap(),
        list_id: None,
        issued_at: now_millis() - 73 * 3600 * 1000,
    });
    let valid = confirm.sign(ConfirmToken {
        subscriber_id: ann,
        link_key: t.app.store.link_key(ann).await.unwrap(),
        list_id: None,
        issued_at: now_millis(),
    });
    let get = |path: String| {
        t.client
            .get(t.url(&path))
            .header(header::ACCEPT_LANGUAGE, "en")
            .send()
    };
    for (path, words) in [
        ("/confirm/nonsense".to_owned(), "This link is not valid"),
        (format!("/confirm/{valid}x"), "This link is not valid"),
        (format!("/confirm/{expired}"), "This link has expired"),
        ("/u/nonsense".to_owned(), "This link is not valid"),
    ] {
        let (status, lang, body) = page(get(path.clone()).await.unwrap()).await;
        assert_eq!(
            (status, lang.as_str()),
            (StatusCode::BAD_REQUEST, "en"),
            "{path}"
        );
        assert!(body.contains(words), "{path}: {body}");
    }

    // A confirmation POST that is not a form gets the page with its button
    // again (400), and confirms nothing.
    t.app
        .store
        .unsubscribe(ann, now_millis() - 1000)
        .await
        .unwrap();
    let relink = confirm.sign(ConfirmToken {
        subscriber_id: ann,
        link_key: t.app.store.link_key(ann).await.unwrap(),
        list_id: None,
        issued_at: now_millis(),
    });
    for content_type in [None, Some("text/plain"), Some("application/json")] {
        let mut request = t.client.post(t.url(&format!("/confirm/{relink}")));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = request.body("lang=en").send().await.unwrap();
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{content_type:?}"
        );
        let (status, _, body) = page(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type:?}");
        assert!(
            body.contains(&format!("action=\"/confirm/{relink}\"")),
            "{body}"
        );
    }
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Unsubscribed
    );
}

#[tokio::test]
async fn pages_speak_the_visitors_language() {
    let t = WebTest::start(Backend::Sqlite).await;
    for (accept, query, lang, words) in [
        ("quz-PE,es;q=0.5", "", "qu", "Qillqachikuy"),
        ("fr-FR,en;q=0.8", "", "en", "Subscribe"),
        ("de", "", "es", "Suscribirme"),
        ("quz-PE", "?lang=en", "en", "Subscribe"),
    ] {
        let response = t
            .client
            .get(t.url(&format!("/subscribe{query}")))
            .header(header::ACCEPT_LANGUAGE, accept)
            .send()
            .await
            .unwrap();
        let (status, content_language, body) = page(response).await;
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
    let response = t.client.get(t.url("/")).send().await.unwrap();
    assert_eq!(response.headers()[header::LOCATION], "/subscribe");
}

#[tokio::test]
async fn public_pages_are_rate_limited_per_client() {
    let config = WebConfig {
        rate: PublicRateLimit {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(3).unwrap(),
        },
        ..WebConfig::default()
    };
    let t = WebTest::start_with(Backend::Sqlite, None, config).await;
    for _ in 0..3 {
        let response = t
            .client
            .get(t.url("/subscribe?lang=en"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = t
        .client
        .get(t.url("/subscribe?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body = response.text().await.unwrap();
    assert!(body.contains("Too many attempts"), "{body}");
    // The log-in form shares the allowance; the API and health checks do not.
    let response = t.client.get(t.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let response = t.client.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, _) = t.get("/api/lists").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn rate_limits_are_per_client_address() {
    let config = WebConfig {
        rate: PublicRateLimit {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
        },
        ..WebConfig::default()
    };
    let t = WebTest::start_with(Backend::Sqlite, None, config).await;
    // Two clients on the loopback network: 127.0.0.1 and 127.0.0.2.
    let client = |address: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(address))
            .build()
            .unwrap()
    };
    let (first, second) = (client([127, 0, 0, 1]), client([127, 0, 0, 2]));
    let status = |client: &reqwest::Client| {
        let request = client.get(t.url("/subscribe")).send();
        async move { request.await.unwrap().status() }
    };
    assert_eq!(status(&first).await, StatusCode::OK);
    assert_eq!(status(&first).await, StatusCode::OK);
    assert_eq!(status(&first).await, StatusCode::TOO_MANY_REQUESTS);
    // The other client still has its whole allowance.
    assert_eq!(status(&second).await, StatusCode::OK);
    assert_eq!(status(&second).await, StatusCode::OK);
    assert_eq!(status(&second).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(status(&first).await, StatusCode::TOO_MANY_REQUESTS);
}

on_both_backends!(
    double_opt_in_round_trip,
    one_click_unsubscribe,
    forged_and_invalid_sign_ups_are_refused,
    links_with_problems_get_clear_pages,
);
