//! A manager finds people and looks after them in the browser: search by
//! address, name, status, list, region and language, a page at a time; a
//! person's page; changing her language, unsubscribing her, erasing her only
//! after saying yes twice. The same search is `GET /api/subscribers`.

use serde_json::Value;

use super::*;

fn emails(body: &Value) -> Vec<&str> {
    body["subscribers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap())
        .collect()
}

async fn the_api_finds_people_by_what_staff_know_of_them(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    t.import("email,name\nzoila@example.org,Zoila Mamani\n", "andes")
        .await;
    let all = [
        "rosa@example.org",
        "juana@example.org",
        "maria@example.org",
        "ann@example.org",
    ];
    for (query, expected) in [
        ("", &[&all[..], &["zoila@example.org"]].concat()[..]),
        ("q=ROSA", &["rosa@example.org"][..]),
        ("q=ann%40", &["ann@example.org"]),
        ("q=mar%C3%ADa", &["maria@example.org"]),
        ("q=zoila+m", &["zoila@example.org"]),
        ("q=quispe", &[]),
        ("region=Lima", &["maria@example.org", "ann@example.org"]),
        ("language=quy", &["juana@example.org"]),
        ("list=andes", &["zoila@example.org"]),
        ("list=peru&q=j", &["juana@example.org"]),
        ("status=unsubscribed", &[]),
    ] {
        let (status, body) = t.get(&format!("/api/subscribers?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(emails(&body), expected, "{query}");
    }
    // A page at a time: the next page starts after the last id shown.
    let (_, first) = t.get("/api/subscribers?limit=3").await;
    assert_eq!(emails(&first), all[..3]);
    let next = first["next"].as_i64().expect("a next page");
    let (_, second) = t
        .get(&format!("/api/subscribers?limit=3&after={next}"))
        .await;
    assert_eq!(emails(&second), [all[3], "zoila@example.org"]);
    assert!(second["next"].is_null());
    for (query, code) in [
        ("status=gone", "invalid_status"),
        ("list=nowhere", "unknown_list"),
    ] {
        let (status, body) = t.get(&format!("/api/subscribers?{query}")).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, code);
    }
}

on_both_backends!(the_api_finds_people_by_what_staff_know_of_them);

async fn a_manager_looks_after_a_person_in_the_browser(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let juana = t.id_of("juana@example.org").await;
    let session = session_of(&t).await;

    let (status, page) = get_page(&t, &session, "/dashboard/subscribers?q=ju").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Juana Huamán") && !page.contains("Rosa Quispe"),
        "{page}"
    );
    let link = format!("/dashboard/subscribers/{juana}");
    assert!(page.contains(&format!("href=\"{link}\"")), "{page}");

    let (status, page) = get_page(&t, &session, &link).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "juana@example.org",
        "peru",
        "confirmada",
        "Consentimiento",
        "Huancavelica",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    let csrf = csrf_in(&page);

    // Her language: an invalid tag is refused in words and changes nothing.
    let profile = format!("{link}/profile");
    let response = post_form(
        &t,
        &session,
        &profile,
        format!("csrf={csrf}&language=no+such&region=Huancavelica"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("no es una etiqueta válida")
    );
    let response = post_form(
        &t,
        &session,
        &profile,
        format!("csrf={csrf}&language=qu&region=Ayacucho"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = t.app.store.subscriber(juana).await.unwrap();
    assert_eq!(
        (stored.language.as_str(), stored.region.as_str()),
        ("qu", "Ayacucho")
    );

    // Without the session's anti-forgery value nothing happens.
    let unsubscribe = format!("{link}/unsubscribe");
    let response = post_form(&t, &session, &unsubscribe, String::new()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = post_form(&t, &session, &unsubscribe, format!("csrf={csrf}")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        t.app.store.subscriber(juana).await.unwrap().status.as_str(),
        "unsubscribed"
    );

    // Erasing asks first: without the confirmation she is still there.
    let erase = format!("{link}/erase");
    let response = post_form(&t, &session, &erase, format!("csrf={csrf}")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], erase.as_str());
    let (_, asked) = get_page(&t, &session, &erase).await;
    assert!(
        asked.contains("¿Borrar a esta persona para siempre?"),
        "{asked}"
    );
    assert!(t.app.store.subscriber(juana).await.is_ok());
    let response = post_form(&t, &session, &erase, format!("csrf={csrf}&confirm=yes")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(t.app.store.subscriber(juana).await.is_err(), "erased");
    let (_, after) = get_page(&t, &session, &back).await;
    assert!(after.contains("La persona fue borrada"), "{after}");
    assert!(!after.contains("juana@example.org"), "{after}");
    let (status, gone) = get_page(&t, &session, &link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(gone.contains("No existe esa persona"), "{gone}");

    // Each change is in the audit log, by the session's token, about her id.
    let filter = willay::store::AuditFilter {
        subject_id: Some(juana),
        ..Default::default()
    };
    let mut events = t.app.store.audit_events(&filter).await.unwrap().events;
    events.reverse();
    let done: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        done,
        [
            "subscriber.update",
            "subscriber.unsubscribe",
            "subscriber.erase"
        ]
    );
    assert!(events.iter().all(|e| e.actor_token_id.is_some()));
}

on_both_backends!(a_manager_looks_after_a_person_in_the_browser);
