//! Lists and subscribers through the API: create, import, change, erase.

use super::*;

async fn lists_and_subscribers_through_the_api(backend: Backend) {
    let t = WebTest::start(backend).await;
    let (status, list) = t
        .post("/api/lists", json!({"name": "huancavelica-2026"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    assert_eq!(list["name"], "huancavelica-2026");
    let post = reqwest::Method::POST;
    t.assert_refusals(vec![
        (
            "a list of the same name",
            post.clone(),
            "/api/lists".into(),
            Some(json!({"name": "huancavelica-2026"})),
            StatusCode::CONFLICT,
            "list_exists",
        ),
        (
            "a blank list name",
            post.clone(),
            "/api/lists".into(),
            Some(json!({"name": "  "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_list_name",
        ),
        (
            "a body without a name",
            post.clone(),
            "/api/lists".into(),
            Some(json!({"nombre": "x"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ])
    .await;
    let response = t
        .client
        .post(t.url("/api/lists"))
        .bearer_auth(&t.token)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "malformed_request");

    let person = json!({"email": "Rosa@Example.org", "name": "Rosa", "language": "quz_pe",
                        "region": "Cusco", "lists": ["huancavelica-2026"]});
    let (status, rosa) = t.post("/api/subscribers", person.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{rosa}");
    assert_eq!(rosa["language"], "quz-PE");
    assert_eq!(rosa["status"], "confirmed");
    assert_eq!(rosa["lists"], json!(["huancavelica-2026"]));
    t.assert_refusals(vec![
        (
            "the same address again, in other case",
            post.clone(),
            "/api/subscribers".into(),
            Some(json!({"email": "rosa@example.org"})),
            StatusCode::CONFLICT,
            "subscriber_exists",
        ),
        (
            "an address without a domain",
            post.clone(),
            "/api/subscribers".into(),
            Some(json!({"email": "rosa@"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
        ),
        (
            "a list that does not exist",
            post.clone(),
            "/api/subscribers".into(),
            Some(json!({"email": "ana@example.org", "lists": ["nope"]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_list",
        ),
        (
            "a status only delivery may set",
            post.clone(),
            "/api/subscribers".into(),
            Some(json!({"email": "ana@example.org", "status": "bounced"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_status",
        ),
    ])
    .await;

    let id = rosa["id"].as_i64().unwrap();
    let (status, shown) = t.get(&format!("/api/subscribers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["email"], "Rosa@Example.org");
    for missing in ["/api/subscribers/999999", "/api/subscribers/abc"] {
        let (status, body) = t.get(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
    }

    let rosa_path = format!("/api/subscribers/{id}");
    let patch = |body: Value| t.api(reqwest::Method::PATCH, &rosa_path, Some(body));
    let (status, changed) = patch(json!({"language": "es", "region": "Ayacucho"})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["language"].as_str(), changed["region"].as_str()),
        (Some("es"), Some("Ayacucho"))
    );
    let patch_method = reqwest::Method::PATCH;
    t.assert_refusals(vec![
        (
            "a language tag that is not one",
            patch_method.clone(),
            rosa_path.clone(),
            Some(json!({"language": "español!!"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_language",
        ),
        (
            "a status only delivery may set",
            patch_method.clone(),
            rosa_path.clone(),
            Some(json!({"status": "bounced"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_status",
        ),
    ])
    .await;
    let (status, changed) = patch(json!({"status": "unsubscribed"})).await;
    assert_eq!(
        (status, changed["status"].as_str()),
        (StatusCode::OK, Some("unsubscribed"))
    );
    // Only the person can come back, through the double opt-in form.
    t.assert_refusals(vec![
        (
            "confirming an unsubscribed person",
            patch_method.clone(),
            rosa_path.clone(),
            Some(json!({"status": "confirmed"})),
            StatusCode::CONFLICT,
            "status_conflict",
        ),
        (
            "changing a subscriber who does not exist",
            patch_method,
            "/api/subscribers/999999".into(),
            Some(json!({"region": "Ica"})),
            StatusCode::NOT_FOUND,
            "subscriber_not_found",
        ),
    ])
    .await;

    // CSV upload: bad lines are reported by number, good ones imported.
    let csv = "email,name,language,region\nana@example.org,Ana,es,Ica\nnot-an-address,X,es,Ica\nluz@example.org,Luz,en,Lima\n";
    let upload = |query: &'static str| {
        t.client
            .post(t.url(&format!("/api/subscribers/import{query}")))
            .bearer_auth(&t.token)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .send()
    };
    let (status, report) = json_of(upload("?list=huancavelica-2026").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["created"], 2);
    assert_eq!(report["rejected"][0]["line"], 3, "{report}");
    assert!(
        report["rejected"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not-an-address")
    );
    let (status, body) = json_of(upload("?list=nope").await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_list",
    );
    let (_, lists) = t.get("/api/lists").await;
    assert_eq!(lists[0]["members"], 3, "{lists}");
    assert_eq!(lists[0]["confirmed"], 2, "Rosa unsubscribed: {lists}");
}

async fn erasing_a_subscriber_keeps_anonymous_reach(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let first = t.campaign_due_now("survivor-rights").await;
    assert_eq!(t.run_worker().await.sent, 4);
    let before = t.app.store.reach(ReachFilter::default()).await.unwrap();

    // A second campaign expanded but not sent yet: Rosa has a pending row.
    let second = t.campaign_due_now("sterilisation-justice").await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let rosa = t.id_of("rosa@example.org").await;

    let (status, body) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{rosa}"),
            None,
        )
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (status, _) = t.get(&format!("/api/subscribers/{rosa}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{rosa}"),
            None,
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "subscriber_not_found");

    let after = t
        .app
        .store
        .reach(ReachFilter {
            campaign_id: Some(first),
        })
        .await
        .unwrap();
    assert_eq!(
        after.totals.people_reached, before.totals.people_reached,
        "reach survives erasure"
    );
    assert_eq!(after.by_region.get("Cusco"), Some(&1));
    assert_eq!(
        after.by_list, before.by_list,
        "reach by list counts the lists people were on when the campaign went out"
    );
    let (_, second_view) = t.get(&format!("/api/campaigns/{second}")).await;
    assert_eq!(second_view["progress"]["skipped"], 1, "{second_view}");
    assert_eq!(second_view["progress"]["pending"], 3, "{second_view}");
    let (_, lists) = t.get("/api/lists").await;
    assert_eq!(lists[0]["members"], 3, "membership gone: {lists}");
}

async fn erasure_leaves_no_personal_data_anywhere(backend: Backend) {
    // The relay refuses Rosa's address: her delivery fails for good.
    let smtp = SmtpServer::start_with(&["--reject-rcpt", "^rosa@"]);
    let t = WebTest::start_with(backend, Some(&smtp), WebConfig::default()).await;
    t.import(PEOPLE, "peru").await;
    t.campaign_due_now("survivor-rights").await;
    let report = t.run_worker().await;
    assert_eq!((report.sent, report.failed), (3, 1), "{report:?}");
    // Relays quote the refused address in their reply; willay stores it
    // redacted, but rows written before it did were not: stage one.
    execute_sql(
        &t.db_url,
        "UPDATE deliveries SET last_error = '550 5.1.1 <rosa@example.org>: Recipient address rejected: user unknown in virtual mailbox table' WHERE state = 'failed' AND attempts = $1",
        1,
    )
    .await;
    // A second campaign expanded but not sent yet, and a confirmation mail on record.
    t.campaign_due_now("sterilisation-justice").await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let rosa = t.id_of("rosa@example.org").await;
    assert!(
        t.app
            .store
            .claim_confirmation_mail(rosa, now_millis(), 0)
            .await
            .unwrap()
    );
    for needle in ["rosa@example.org", "Rosa Quispe"] {
        assert!(
            !columns_containing(&t.db_url, needle).await.is_empty(),
            "the test stages {needle}"
        );
    }

    let (status, _) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/subscribers/{rosa}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for needle in ["rosa@example.org", "Rosa Quispe"] {
        let left = columns_containing(&t.db_url, needle).await;
        assert!(left.is_empty(), "{needle} is still in {left:?}");
    }
    // The failure itself still counts, anonymously.
    let reach = t.app.store.reach(ReachFilter::default()).await.unwrap();
    assert_eq!(reach.totals.failed, 1, "{reach:?}");
}

on_both_backends!(
    lists_and_subscribers_through_the_api,
    erasing_a_subscriber_keeps_anonymous_reach,
    erasure_leaves_no_personal_data_anywhere,
);
