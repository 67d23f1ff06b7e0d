//! One-click unsubscribe: from a mail client and from the page, in the reader's language.

use super::*;

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
    let (status, lang, body) = t.client.get(t.url(&format!("/u/{token}"))).page().await;
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
    let response = t.client.post(t.url(&format!("/u/{token}"))).fetch().await;
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
            .fetch()
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(
        t.app.store.subscriber(ann).await.unwrap().status,
        SubscriberStatus::Confirmed
    );

    // What a mail client sends for the one-click button: no cookie, no page.
    for _ in 0..2 {
        let (status, _, body) = t
            .client
            .post(t.url(&format!("/u/{token}")))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .page()
            .await;
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
        .fetch()
        .await;
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
        let (status, lang, body) = t
            .client
            .post(t.url(&format!("/u/{tampered}")))
            .header(header::ACCEPT_LANGUAGE, accept)
            .form(&[("List-Unsubscribe", "One-Click")])
            .page()
            .await;
        assert_eq!(
            (status, lang.as_str()),
            (StatusCode::BAD_REQUEST, expected_lang)
        );
        assert!(body.contains(words), "{body}");
    }
    let (status, _, body) = t
        .client
        .get(t.url(&format!("/u/{tampered}")))
        .header(header::ACCEPT_LANGUAGE, "en")
        .page()
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
        .fetch()
        .await;
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
        .fetch()
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = t.client.get(t.url(&format!("/u/{nobody}"))).fetch().await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

on_both_backends!(one_click_unsubscribe);
