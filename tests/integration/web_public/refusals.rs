//! Forged sign-ups and links with problems are refused with clear pages.

use super::*;

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
    assert!(!signed_up(&t, "eve@example.org").await);

    let (csrf, cookie) = subscribe_form(&t, "").await;
    // The right cookie with another value of the same length: refused by the
    // comparison itself, not by a length check.
    let other = same_length_other(&csrf);
    let (status, _, _) = subscribe(
        &t,
        Some(&cookie),
        &[("csrf", other.as_str()), ("email", "eve@example.org")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!signed_up(&t, "eve@example.org").await);

    // A list that does not exist is never shown: the page is the organisation's
    // voice, not a place for strangers' words.
    let (status, _, body) = t
        .client
        .get(t.url("/subscribe?list=pay-us-at-scam-example"))
        .page()
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
    t.app
        .store
        .ensure_list(&peru, now_millis(), &willay::domain::Actor::Cli)
        .await
        .unwrap();
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
    assert!(signed_up(&t, "ana@example.org").await);
    assert!(!signed_up(&t, "eve@example.org").await);
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
    for (path, words) in [
        ("/confirm/nonsense".to_owned(), "This link is not valid"),
        (format!("/confirm/{valid}x"), "This link is not valid"),
        (format!("/confirm/{expired}"), "This link has expired"),
        ("/u/nonsense".to_owned(), "This link is not valid"),
    ] {
        let (status, lang, body) = t
            .client
            .get(t.url(&path))
            .header(header::ACCEPT_LANGUAGE, "en")
            .page()
            .await;
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
        .unsubscribe(ann, now_millis() - 1000, None)
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
        let response = request.body("lang=en").fetch().await;
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

on_both_backends!(
    forged_and_invalid_sign_ups_are_refused,
    links_with_problems_get_clear_pages,
);
