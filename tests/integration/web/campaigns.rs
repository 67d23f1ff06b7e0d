//! Campaigns through the API: create, steer, strict languages, retry.

use super::*;

async fn campaigns_through_the_api(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;

    let (status, messages) = t.get("/api/messages").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        messages
            .as_array()
            .unwrap()
            .contains(&json!("survivor-rights")),
        "{messages}"
    );
    let (status, preview) = t
        .get("/api/messages/survivor-rights/preview?locale=quz-PE&name=Rosa")
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let expected = t.app.preview("survivor-rights", "quz-PE", "Rosa").unwrap();
    assert_eq!(preview["locale"], "qu");
    assert_eq!(preview["subject"], expected.subject.as_str());
    assert_eq!(preview["html"], expected.html.as_str());
    let (get, post) = (reqwest::Method::GET, reqwest::Method::POST);
    t.assert_refusals(vec![
        (
            "previewing a message the catalogue lacks",
            get.clone(),
            "/api/messages/no-such-message/preview".into(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_message",
        ),
        (
            "a campaign of a message the catalogue lacks",
            post.clone(),
            "/api/campaigns".into(),
            Some(json!({"message_id": "nope", "lists": ["peru"]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_message",
        ),
        (
            "a campaign to no list",
            post.clone(),
            "/api/campaigns".into(),
            Some(json!({"message_id": "survivor-rights", "lists": []})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            "a campaign to a list that does not exist",
            post.clone(),
            "/api/campaigns".into(),
            Some(json!({"message_id": "survivor-rights", "lists": ["nope"]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_list",
        ),
    ])
    .await;

    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "name": "Nov 25"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let campaign = &created["campaign"];
    assert_eq!(
        (campaign["status"].as_str(), campaign["audience"].as_i64()),
        (Some("draft"), Some(4))
    );
    let id = campaign["id"].as_i64().unwrap();
    let path = |action: &str| format!("/api/campaigns/{id}/{action}");

    t.assert_refusals(vec![
        (
            "pausing a draft",
            post.clone(),
            path("pause"),
            Some(json!({})),
            StatusCode::CONFLICT,
            "invalid_transition",
        ),
        (
            "resuming a draft",
            post.clone(),
            path("resume"),
            Some(json!({})),
            StatusCode::CONFLICT,
            "invalid_transition",
        ),
    ])
    .await;
    let (status, scheduled) = t
        .post(
            &path("schedule"),
            json!({"at": "2031-11-25T09:00:00-05:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["campaign"]["status"], "scheduled");
    assert_eq!(
        scheduled["campaign"]["scheduled_at"],
        "2031-11-25T14:00:00Z"
    );
    let (status, body) = t.post(&path("schedule"), json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, cancelled) = t.post(&path("cancel"), json!({})).await;
    assert_eq!(
        (status, cancelled["campaign"]["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    for missing in ["/api/campaigns/999999", "/api/campaigns/x"] {
        let (status, body) = t.get(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let (status, body) = t.post("/api/campaigns/999999/pause", json!({})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "campaign_not_found");

    // A running campaign pauses and resumes, with live progress.
    let running = t.campaign_due_now("sterilisation-justice").await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let (status, shown) = t.get(&format!("/api/campaigns/{running}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            shown["status"].as_str(),
            shown["progress"]["pending"].as_i64()
        ),
        (Some("running"), Some(4))
    );
    let (status, paused) = t
        .post(&format!("/api/campaigns/{running}/pause"), json!({}))
        .await;
    assert_eq!(
        (status, paused["campaign"]["status"].as_str()),
        (StatusCode::OK, Some("paused"))
    );
    let (status, resumed) = t
        .post(&format!("/api/campaigns/{running}/resume"), json!({}))
        .await;
    assert_eq!(
        (status, resumed["campaign"]["status"].as_str()),
        (StatusCode::OK, Some("running"))
    );
    assert_eq!(t.run_worker().await.sent, 4);
    let (_, done) = t.get(&format!("/api/campaigns/{running}")).await;
    assert_eq!(done["status"], "done");
    assert_eq!(
        (
            done["progress"]["sent"].as_i64(),
            done["progress"]["percent_done"].as_i64()
        ),
        (Some(4), Some(100))
    );
    let (status, body) = t
        .post(&format!("/api/campaigns/{running}/cancel"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (_, all) = t.get("/api/campaigns").await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    // Reach: the same object as `willay reach --format json`.
    let (status, reach) = t.get("/api/reach").await;
    assert_eq!(status, StatusCode::OK);
    let expected =
        serde_json::to_value(t.app.store.reach(ReachFilter::default()).await.unwrap()).unwrap();
    assert_eq!(reach, expected);
    assert_eq!(reach["people_reached"], 4);
    assert_eq!(reach["by_locale"], json!({"en": 1, "es": 1, "qu": 2}));
    let (status, one) = t.get(&format!("/api/reach?campaign={running}")).await;
    assert_eq!(
        (status, one["messages_delivered"].as_i64()),
        (StatusCode::OK, Some(4))
    );
    t.assert_refusals(vec![
        (
            "the reach of a campaign that does not exist",
            get.clone(),
            "/api/reach?campaign=999999".into(),
            None,
            StatusCode::NOT_FOUND,
            "campaign_not_found",
        ),
        (
            "the daily reach of a campaign that does not exist",
            get.clone(),
            "/api/reach/daily?campaign=999999".into(),
            None,
            StatusCode::NOT_FOUND,
            "campaign_not_found",
        ),
    ])
    .await;
    let (status, daily) = t.get("/api/reach/daily").await;
    assert_eq!(status, StatusCode::OK);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(
        daily,
        json!([{"day": today, "people_reached": 4, "messages_delivered": 4}])
    );
    let (status, body) = t.get("/api/nothing-here").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "no_such_route");
}

async fn strict_campaigns_refuse_language_fallbacks(backend: Backend) {
    // Quechua lacks `survivor-rights`: Rosa and Juana would get it in Spanish.
    let scratch = tempfile::tempdir().unwrap();
    crate::pipeline::copy_catalogue_without(scratch.path(), "qu", "survivor-rights");
    let TestApp { app, _db, dir } = TestApp::spawn_with(backend, scratch.path(), None).await;
    let t = WebTest::serve(Arc::new(app), WebConfig::default(), _db, dir).await;
    t.import(PEOPLE, "peru").await;
    let expected = json!([{"wanted": "qu", "used": "es", "people": 2,
        "reason": "has no `qu` translation", "problems": []}]);

    // Strict: refused, with the fallbacks listed, and nothing stored.
    let (status, body) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "strict": true,
                   "at": chrono::Utc::now()}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "fallback_refused");
    assert_eq!(body["fallbacks"], expected, "{body}");
    assert_eq!(body["campaign_id"], Value::Null, "{body}");
    assert!(t.app.store.campaigns().await.unwrap().is_empty());

    // Not strict: created, with the warning.
    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["fallbacks"], expected, "{created}");
    let id = created["campaign"]["id"].as_i64().unwrap();

    // Scheduling strictly is refused and leaves the draft as it was.
    let schedule = format!("/api/campaigns/{id}/schedule");
    let (status, body) = t.post(&schedule, json!({"strict": true})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "fallback_refused");
    assert_eq!(
        (&body["fallbacks"], body["campaign_id"].as_i64()),
        (&expected, Some(id)),
        "{body}"
    );
    let (_, shown) = t.get(&format!("/api/campaigns/{id}")).await;
    assert_eq!(shown["status"], "draft");
    let (status, scheduled) = t.post(&schedule, json!({"strict": false})).await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["campaign"]["status"], "scheduled");
    assert_eq!(scheduled["fallbacks"], expected, "{scheduled}");

    // A message every language has passes strictly.
    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "agro-workers-rights", "lists": ["peru"], "strict": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["fallbacks"], json!([]));
}

async fn a_broken_translation_is_explained_by_the_api(backend: Backend) {
    // Quechua has the message, but its plural term uses a term nobody defined.
    let scratch = tempfile::tempdir().unwrap();
    crate::pipeline::copy_catalogue(scratch.path());
    let shared = scratch.path().join("qu/shared.ftl");
    let text = std::fs::read_to_string(&shared).unwrap();
    std::fs::write(
        &shared,
        text.replace(
            "*[other] { $count } warmi",
            "*[other] { $count } { -warmi }",
        ),
    )
    .unwrap();
    let TestApp { app, _db, dir } = TestApp::spawn_with(backend, scratch.path(), None).await;
    let t = WebTest::serve(Arc::new(app), WebConfig::default(), _db, dir).await;
    t.import(PEOPLE, "peru").await;
    let (status, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "sterilisation-justice", "lists": ["peru"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let fallback = &created["fallbacks"][0];
    assert_eq!(
        (&fallback["wanted"], &fallback["used"], &fallback["people"]),
        (&json!("qu"), &json!("es"), &json!(2)),
        "{created}"
    );
    assert_eq!(
        fallback["reason"],
        "has a `qu` translation that does not format"
    );
    assert_eq!(
        fallback["problems"],
        json!([format!(
            "{}:36:30: error: term `-warmi` is used but not defined in `qu` [undefined-term]",
            shared.display()
        )])
    );
}

async fn resuming_a_scheduled_campaign_is_refused(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    let (_, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"], "at": "2031-11-25T09:00:00-05:00"}),
        )
        .await;
    let id = created["campaign"]["id"].as_i64().unwrap();
    // Resume is for paused campaigns; a scheduled one starts at its time, not now.
    let (status, body) = t
        .post(&format!("/api/campaigns/{id}/resume"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (_, shown) = t.get(&format!("/api/campaigns/{id}")).await;
    assert_eq!(shown["status"], "scheduled");
}

/// Staff put failed messages back in the queue through the API.
async fn failed_messages_are_retried_through_the_api(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--reject-data", "^(rosa|juana)@"]);
    let t = WebTest::start_with(backend, Some(&smtp), roomy()).await;
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    t.run_worker().await;
    let (_, shown) = t.get(&format!("/api/campaigns/{id}")).await;
    assert_eq!(shown["status"], "done");
    assert_eq!(shown["progress"]["failed"], 2);

    let retry = format!("/api/campaigns/{id}/retry");
    let (status, body) = t.post(&retry, json!({"reason": "relay fixed"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["retried"], 2, "{body}");
    assert_eq!(body["campaign"]["status"], "running", "{body}");
    assert_eq!(body["campaign"]["progress"]["pending"], 2, "{body}");
    let retries = t.app.store.delivery_retries(id).await.unwrap();
    assert_eq!(body["retry_id"], retries[0].id);
    assert_eq!(
        (retries[0].reason.as_str(), retries[0].requested_by.as_str()),
        ("relay fixed", "admin API (token test-runner)")
    );
    // No body is fine; nothing failed is left.
    let response = t
        .client
        .post(t.url(&retry))
        .bearer_auth(&t.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body["retried"].as_i64()),
        (StatusCode::OK, Some(0)),
        "{body}"
    );
    // The next run tries them again (this relay still refuses them as spam).
    let report = t.run_worker().await;
    assert_eq!((report.sent, report.failed), (0, 2));
    assert_eq!(smtp.messages().len(), 2, "the two accepted the first time");

    let (status, body) = t.post("/api/campaigns/999999/retry", json!({})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "campaign_not_found");
    let other = t.campaign_due_now("survivor-rights").await;
    t.post(&format!("/api/campaigns/{other}/cancel"), json!({}))
        .await;
    let (status, body) = t
        .post(&format!("/api/campaigns/{other}/retry"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, body) = t.post(&retry, json!({"reason": 5})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
}

on_both_backends!(
    campaigns_through_the_api,
    strict_campaigns_refuse_language_fallbacks,
    a_broken_translation_is_explained_by_the_api,
    resuming_a_scheduled_campaign_is_refused,
    failed_messages_are_retried_through_the_api,
);
