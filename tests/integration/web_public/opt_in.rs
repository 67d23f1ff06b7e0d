//! Double opt-in: the form, the mail caught by a real SMTP server, the confirming POST.

use super::*;

async fn double_opt_in_round_trip(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "andes").await;
    let (csrf, cookie) = subscribe_form(&t, "?lang=qu&list=andes").await;
    // The list exists: the page names it, and switching language keeps it.
    let (_, _, form_page) = t
        .client
        .get(t.url("/subscribe?lang=qu&list=andes"))
        .page()
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
    let (status, lang, confirm_page) = t
        .client
        .get(t.url(&format!("/confirm/{token}")))
        .page()
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
    let (status, _, done) = t
        .client
        .post(t.url(&format!("/confirm/{token}")))
        .form(&[("lang", "qu")])
        .page()
        .await;
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
        let (status, _, body) = t
            .client
            .post(t.url(&format!("/confirm/{bad}")))
            .header(header::ACCEPT_LANGUAGE, "en")
            .form(&[("x", "y")])
            .page()
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body.contains("This link is not valid"), "{body}");
    }
    let response = t
        .client
        .post(t.url(&format!("/u/{token}")))
        .form(&[("List-Unsubscribe", "One-Click")])
        .fetch()
        .await;
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

on_both_backends!(double_opt_in_round_trip);
