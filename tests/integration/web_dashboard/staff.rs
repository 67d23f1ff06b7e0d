//! Staff at the dashboard: logging in, creating and steering a campaign, retrying failed messages, logging out.

use super::*;

async fn staff_log_in_create_a_campaign_and_log_out(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;

    let response = t.client.get(t.url("/dashboard")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/login");
    let response = log_in(&t, "wly_wrongwrongwrongwrongwrongwrongwrongwrongwro").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(response.headers(), "willay_session").is_none());
    // A log-in form posted without its anti-forgery value is refused.
    let response = t
        .client
        .post(t.url("/login"))
        .form(&[("token", t.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // …and so is one whose value differs from the cookie's at the same length.
    let form = t.client.get(t.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").unwrap();
    let response = t
        .client
        .post(t.url("/login"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[
            ("csrf", same_length_other(&cookie).as_str()),
            ("token", &t.token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(response.headers(), "willay_session").is_none());

    let session = session_of(&t).await;
    let (status, overview) = get_page(&t, &session, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(overview.contains("Sesión de test-runner"), "{overview}");
    assert!(overview.contains("Todavía no hay campañas"));
    let csrf = csrf_in(&overview);

    let (status, form) = get_page(
        &t,
        &session,
        "/dashboard/campaigns/new?message=sterilisation-justice",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        form.matches("<iframe sandbox=\"\"").count(),
        3,
        "a preview per language"
    );
    for locale in ["es", "en", "qu"] {
        let subject = t
            .app
            .preview("sterilisation-justice", locale, "")
            .unwrap()
            .subject;
        let escaped = subject.replace('\'', "&#39;").replace('"', "&#34;");
        assert!(
            form.contains(&escaped) || form.contains(&subject),
            "{locale} subject {subject}"
        );
    }
    assert!(form.contains("value=\"peru\""));

    // Without the session's anti-forgery value: refused, nothing created.
    let body = "message=sterilisation-justice&lists=peru&when=now&name=Forged".to_owned();
    let response = post_form(&t, &session, "/dashboard/campaigns", body.clone()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = post_form(
        &t,
        &session,
        "/dashboard/campaigns",
        format!("{body}&csrf=wrong"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(t.app.store.campaigns().await.unwrap().is_empty());

    let body = format!(
        "csrf={csrf}&message=sterilisation-justice&lists=peru&name=Justicia&when=at&at=2031-11-25T09%3A00"
    );
    let response = post_form(&t, &session, "/dashboard/campaigns", body).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let campaign = &t.app.store.campaigns().await.unwrap()[0];
    assert_eq!(location, format!("/dashboard/campaigns/{}", campaign.id));
    assert_eq!(
        (campaign.name.as_str(), campaign.lists.as_slice()),
        ("Justicia", ["peru".to_owned()].as_slice())
    );
    // 09:00 in Lima is 14:00 UTC.
    assert_eq!(
        campaign.scheduled_at,
        Some(
            chrono::DateTime::parse_from_rfc3339("2031-11-25T14:00:00Z")
                .unwrap()
                .timestamp_millis()
        )
    );

    let (status, page) = get_page(&t, &session, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("status-scheduled"));
    assert!(
        page.contains("<meta http-equiv=\"refresh\" content=\"5\">"),
        "a campaign still to send refreshes itself, so reach can be watched"
    );
    assert_eq!(page.matches("<svg").count(), 3, "three charts");
    assert!(
        page.contains("<title id=\"c-lang-t\">"),
        "accessible chart titles"
    );
    let (_, overview) = get_page(&t, &session, "/dashboard").await;
    assert!(
        overview.contains("#1 Justicia")
            || overview.contains(&format!("#{} Justicia", campaign.id))
    );

    let act = |action: &str, csrf: &str| {
        let path = format!("{location}/{action}");
        let body = format!("csrf={csrf}");
        let (t, session) = (&t, &session);
        async move { post_form(t, session, &path, body).await }
    };
    assert_eq!(
        act("pause", &csrf).await.status(),
        StatusCode::CONFLICT,
        "a scheduled campaign cannot pause"
    );
    assert_eq!(act("cancel", "wrong").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        act("cancel", &same_length_other(&csrf)).await.status(),
        StatusCode::FORBIDDEN,
        "a forged value of the right length"
    );
    let response = act("cancel", &csrf).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        t.app
            .store
            .campaign(campaign.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "cancelled"
    );

    // Log out: the session is gone server-side, whatever the browser keeps.
    assert_eq!(
        post_form(&t, &session, "/logout", "csrf=wrong".into())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let response = post_form(&t, &session, "/logout", format!("csrf={csrf}")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (cleared, attributes) = set_cookie(response.headers(), "willay_session").unwrap();
    assert!(
        cleared.is_empty() && attributes.contains("Max-Age=0"),
        "{attributes}"
    );
    let (status, _) = get_page(&t, &session, "/dashboard").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Revoking the token ends its other sessions at once.
    let session = session_of(&t).await;
    assert_eq!(get_page(&t, &session, "/dashboard").await.0, StatusCode::OK);
    assert!(
        t.app
            .store
            .revoke_api_token("test-runner", &willay::domain::Actor::Cli)
            .await
            .unwrap()
    );
    assert_eq!(
        get_page(&t, &session, "/dashboard").await.0,
        StatusCode::SEE_OTHER
    );
}

async fn the_dashboard_steers_a_campaign_and_says_what_it_cannot_do(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let session = session_of(&t).await;
    let (_, overview) = get_page(&t, &session, "/dashboard").await;
    let csrf = csrf_in(&overview);
    let body = format!("csrf={csrf}&message=survivor-rights&lists=peru&name=Borrador&when=draft");
    let response = post_form(&t, &session, "/dashboard/campaigns", body).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = t.app.store.campaigns().await.unwrap()[0].id;
    let status = || async { t.app.store.campaign(id).await.unwrap().status.to_string() };
    assert_eq!(status().await, "draft");
    let act = |action: &str, extra: &str| {
        let path = format!("/dashboard/campaigns/{id}/{action}");
        let body = format!("csrf={csrf}{extra}");
        let (t, session) = (&t, &session);
        async move { post_form(t, session, &path, body).await }
    };
    let expect_page = |response: reqwest::Response, code: StatusCode, words: &'static str| async move {
        assert_eq!(response.status(), code);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(words), "{body}");
    };

    // A draft cannot resume; it can be scheduled (empty time: now), once.
    expect_page(
        act("resume", "").await,
        StatusCode::CONFLICT,
        "No es posible ahora",
    )
    .await;
    let response = act("schedule", "&at=").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("/dashboard/campaigns/{id}")
    );
    assert_eq!(status().await, "scheduled");
    expect_page(
        act("schedule", "&at=").await,
        StatusCode::CONFLICT,
        "No es posible ahora",
    )
    .await;

    // Running, then paused through the API; the dashboard resumes it, once.
    t.app
        .store
        .start_due_campaigns(willay::store::now_millis())
        .await
        .unwrap();
    assert_eq!(status().await, "running");
    let (code, _) = t
        .post(&format!("/api/campaigns/{id}/pause"), serde_json::json!({}))
        .await;
    assert_eq!(code, StatusCode::OK);
    let (_, page) = get_page(&t, &session, &format!("/dashboard/campaigns/{id}")).await;
    assert!(
        page.contains(&format!("action=\"/dashboard/campaigns/{id}/resume\"")),
        "{page}"
    );
    assert!(
        !page.contains("http-equiv=\"refresh\""),
        "a paused campaign's page stays still"
    );
    assert_eq!(act("resume", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status().await, "running");
    expect_page(
        act("resume", "").await,
        StatusCode::CONFLICT,
        "No es posible ahora",
    )
    .await;

    // Addresses that name nothing get the dashboard's own 404 page.
    for path in [
        "/dashboard/campaigns/999999".to_owned(),
        "/dashboard/campaigns/abc".to_owned(),
        // Before: axum's bare 404, with no page at all.
        "/dashboard/".to_owned(),
        "/dashboard/nope".to_owned(),
        format!("/dashboard/campaigns/{id}/pause/more"),
    ] {
        let response = t
            .client
            .get(t.url(&path))
            .header(header::COOKIE, format!("willay_session={session}"))
            .send()
            .await
            .unwrap();
        expect_page(response, StatusCode::NOT_FOUND, "No encontrado").await;
    }
    for path in [
        "/dashboard/campaigns/999999/pause".to_owned(),
        "/dashboard/campaigns/abc/pause".to_owned(),
        format!("/dashboard/campaigns/{id}/explode"),
    ] {
        let response = post_form(&t, &session, &path, format!("csrf={csrf}")).await;
        expect_page(response, StatusCode::NOT_FOUND, "No encontrado").await;
    }
}

/// A database failure during log-in is logged, not shown to whoever is at the form.
#[tokio::test]
async fn log_in_hides_database_errors() {
    let t = WebTest::start(Backend::Sqlite).await;
    let form = t.client.get(t.url("/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(form.headers(), "willay_form").unwrap();
    let csrf = csrf_in(&form.text().await.unwrap());
    t.app.store.close().await;
    let response = t
        .client
        .post(t.url("/login"))
        .header(header::COOKIE, format!("willay_form={cookie}"))
        .form(&[("csrf", csrf.as_str()), ("token", t.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(body.contains("No se pudo ingresar"), "{body}");
    for detail in ["database", "pool", "sqlite", "closed"] {
        assert!(!body.to_lowercase().contains(detail), "{detail}: {body}");
    }
}

/// Staff put a campaign's failed messages back in the queue from its page.
async fn failed_messages_are_retried_from_the_campaign_page(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--reject-data", "^(rosa|juana)@"]);
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    t.run_worker().await;
    let session = session_of(&t).await;
    let page = format!("/dashboard/campaigns/{id}");
    let (status, body) = get_page(&t, &session, &page).await;
    assert_eq!(status, StatusCode::OK);
    let form = format!("action=\"/dashboard/campaigns/{id}/retry\"");
    assert!(body.contains(&form), "{body}");
    assert!(
        body.contains("¿Por qué reintentar los 2 mensajes fallidos?"),
        "{body}"
    );
    let csrf = csrf_in(&body);

    let retry = format!("{page}/retry");
    let response = post_form(&t, &session, &retry, "reason=relay+fixed".into()).await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "no anti-forgery value"
    );
    assert_eq!(t.app.store.ledger_counts(id).await.unwrap().failed, 2);
    let response = post_form(
        &t,
        &session,
        &retry,
        format!("csrf={csrf}&reason=relay+fixed"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let counts = t.app.store.ledger_counts(id).await.unwrap();
    assert_eq!((counts.pending, counts.failed), (2, 0));
    let retries = t.app.store.delivery_retries(id).await.unwrap();
    assert_eq!(
        (retries[0].reason.as_str(), retries[0].requested_by.as_str()),
        ("relay fixed", "dashboard (token test-runner)")
    );
    let (_, body) = get_page(&t, &session, &page).await;
    assert!(body.contains("enviándose"), "{body}");
    assert!(
        !body.contains(&form),
        "nothing failed is left to retry: {body}"
    );
}

/// The new-campaign form's list checkboxes repeat one key: every ticked list is
/// the campaign's, in order (the form was parsed by hand before axum-extra's `Form`).
async fn a_campaign_from_the_dashboard_goes_to_every_ticked_list(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    t.import(PEOPLE, "cusco").await;
    let session = session_of(&t).await;
    let (_, overview) = get_page(&t, &session, "/dashboard").await;
    let csrf = csrf_in(&overview);
    let body = format!(
        "csrf={csrf}&message=survivor-rights&lists=peru&lists=cusco&name=Dos+listas&when=draft"
    );
    let response = post_form(&t, &session, "/dashboard/campaigns", body).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let campaign = &t.app.store.campaigns().await.unwrap()[0];
    assert_eq!(campaign.name, "Dos listas");
    let mut lists = campaign.lists.clone();
    lists.sort();
    assert_eq!(lists, ["cusco", "peru"]);
}

on_both_backends!(
    a_campaign_from_the_dashboard_goes_to_every_ticked_list,
    staff_log_in_create_a_campaign_and_log_out,
    the_dashboard_steers_a_campaign_and_says_what_it_cannot_do,
    failed_messages_are_retried_from_the_campaign_page,
);
