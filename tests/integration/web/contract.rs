//! What every API answer promises: tokens, the OpenAPI document, JSON errors, headers, health.

use super::*;

async fn the_api_needs_a_valid_unrevoked_token(backend: Backend) {
    let t = WebTest::start(backend).await;
    let lists = t.url("/api/lists");

    let response = t.client.get(&lists).send().await.unwrap();
    assert_eq!(
        response.headers()[header::WWW_AUTHENTICATE],
        "Bearer realm=\"willay\""
    );
    let (status, body) = json_of(response).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");

    let forged = format!("{}x", &t.token[..t.token.len() - 1]);
    for wrong in [forged.as_str(), "wly_short", "not-a-token", ""] {
        let response = t
            .client
            .get(&lists)
            .bearer_auth(wrong)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    }

    let (status, _) = t.get("/api/lists").await;
    assert_eq!(status, StatusCode::OK);

    let second = web::auth::create_token(
        &t.app.store,
        "to-revoke",
        Role::Admin,
        None,
        &willay::domain::Actor::Cli,
    )
    .await
    .unwrap();
    let ok = t
        .client
        .get(&lists)
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        t.app
            .store
            .revoke_api_token("to-revoke", &willay::domain::Actor::Cli)
            .await
            .unwrap()
    );
    let response = t
        .client
        .get(&lists)
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");

    // Tokens are stored hashed: the text appears nowhere in the listing.
    let listed = format!("{:?}", t.app.store.api_tokens().await.unwrap());
    assert!(!listed.contains(&t.token), "{listed}");
    assert!(matches!(
        web::auth::create_token(
            &t.app.store,
            "test-runner",
            Role::Admin,
            None,
            &willay::domain::Actor::Cli
        )
        .await,
        Err(web::auth::TokenError::NameTaken(_))
    ));
}

/// The router and the document come from one list of handlers: every
/// documented operation exists and answers 401 without a token and with a
/// revoked one (a missing route would be 404, a missing method 405).
async fn every_api_route_is_documented_and_needs_a_token(backend: Backend) {
    let t = WebTest::start(backend).await;
    let response = t
        .client
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    let (status, doc) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "the document itself is public");
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} documents no 401"
            );
            if let Some(body) = operation["requestBody"]["content"]["application/json"].as_object()
            {
                let responses = &operation["responses"];
                assert!(
                    responses["400"].is_object() && responses["422"].is_object(),
                    "{method} {path} parses JSON but documents no 400/422: {body:?}"
                );
            }
        }
    }
    assert_eq!(documented.len(), 23, "{documented:?}");

    let revoked = web::auth::create_token(
        &t.app.store,
        "revoked",
        Role::Admin,
        None,
        &willay::domain::Actor::Cli,
    )
    .await
    .unwrap();
    assert!(
        t.app
            .store
            .revoke_api_token("revoked", &willay::domain::Actor::Cli)
            .await
            .unwrap()
    );
    for (method, path) in &documented {
        let url = t.url(
            &path
                .replace("{id}", "1")
                .replace("{message_id}", "survivor-rights"),
        );
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        for token in [None, Some(revoked.as_str())] {
            let mut request = t.client.request(method.clone(), &url).json(&json!({}));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert!(
                response.headers().contains_key(header::WWW_AUTHENTICATE),
                "{method} {path}"
            );
            let (status, body) = json_of(response).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
            assert_eq!(body["error"], "unauthorized", "{method} {path}");
        }
    }
    let response = t
        .client
        .get(t.url("/metrics"))
        .bearer_auth(&revoked)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Reach has a real schema, the same object `willay reach --format json` prints.
    let reach = &doc["paths"]["/api/reach"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert_eq!(reach["$ref"], "#/components/schemas/Reach", "{reach}");
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Reach",
        "ReachRow",
        "ReachDetail",
        "Breakdown",
        "FallbackRefusedBody",
    ] {
        assert!(schemas[name].is_object(), "{name} has no schema");
    }
    let reach_doc = schemas["Reach"].to_string();
    for field in [
        "people_reached",
        "by_locale",
        "by_region",
        "by_list",
        "detail",
    ] {
        assert!(
            reach_doc.contains(field) || schemas["ReachRow"].to_string().contains(field),
            "{field}: {reach_doc}"
        );
    }
    // The schedule body is optional, as the handler treats it.
    let schedule = &doc["paths"]["/api/campaigns/{id}/schedule"]["post"]["requestBody"];
    assert!(schedule.is_object(), "{schedule}");
    assert_ne!(schedule["required"], true, "{schedule}");
    assert_eq!(
        doc["paths"]["/api/campaigns"]["post"]["requestBody"]["required"],
        true
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

async fn api_errors_are_json_with_a_stable_code(backend: Backend) {
    let t = WebTest::start(backend).await;
    for path in [
        "/api/reach?campaign=abc",
        "/api/reach/daily?campaign=abc",
        "/api/messages/survivor-rights/preview?locale=es&locale=en",
    ] {
        let (status, body) = t.get(path).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    }
    for (method, path) in [
        (reqwest::Method::PUT, "/api/lists"),
        (reqwest::Method::DELETE, "/api/campaigns"),
        (reqwest::Method::GET, "/api/campaigns/1/pause"),
    ] {
        let (status, body) = t.api(method.clone(), path, None).await;
        assert_error(
            status,
            &body,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        );
    }
    let post = |path: &str, content_type: &'static str, body: &'static str| {
        t.client
            .post(t.url(path))
            .bearer_auth(&t.token)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    let (status, body) = json_of(
        post("/api/lists", "text/plain", "{\"name\": \"x\"}")
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    for path in ["/api/lists", "/api/campaigns", "/api/campaigns/1/schedule"] {
        let (status, body) =
            json_of(post(path, "application/json", "{not json").await.unwrap()).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "malformed_request");
    }

    // A file of 45,000 people (about 2.6 MB) is read in full: here it reaches the
    // list check, which refuses the unknown list, instead of the body limit.
    let mut big = String::from("email,name,language,region\n");
    for i in 0..45_000 {
        big.push_str(&format!(
            "person{i:05}@example.org,Persona {i},es-PE,Lima\n"
        ));
    }
    assert!(big.len() > 2 * 1024 * 1024);
    let upload = |body: Vec<u8>| {
        t.client
            .post(t.url("/api/subscribers/import?list=no-such-list"))
            .bearer_auth(&t.token)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(body)
            .send()
    };
    let (status, body) = json_of(upload(big.into_bytes()).await.unwrap()).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_list",
    );
    let (status, body) = json_of(
        upload(vec![b'x'; web::IMPORT_BODY_LIMIT + 1])
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
}

/// Before: `campaign` on the reach routes was documented as a path
/// parameter, and the schedule's 409 as a `FallbackRefusedBody`, which an
/// `invalid_transition` answer (no `fallbacks`) does not match.
async fn the_document_describes_what_the_api_answers(backend: Backend) {
    let t = WebTest::start(backend).await;
    let doc = web::openapi_json();
    for path in ["/api/reach", "/api/reach/daily"] {
        let parameters = &doc["paths"][path]["get"]["parameters"];
        assert_eq!(parameters[0]["name"], "campaign", "{path}: {parameters}");
        assert_eq!(parameters[0]["in"], "query", "{path}: {parameters}");
        assert_ne!(parameters[0]["required"], true, "{path}: {parameters}");
    }
    t.import(PEOPLE, "peru").await;
    let id = t.campaign_due_now("survivor-rights").await;
    let (status, body) = t
        .post(&format!("/api/campaigns/{id}/schedule"), json!({}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let schema = &doc["paths"]["/api/campaigns/{id}/schedule"]["post"]["responses"]["409"]["content"]
        ["application/json"]["schema"];
    assert!(matches_schema(&doc, schema, &body), "{body} vs {schema}");
    // A strict refusal's body matches it too.
    let refused =
        json!({"error": "fallback_refused", "message": "m", "campaign_id": id, "fallbacks": []});
    assert!(matches_schema(&doc, schema, &refused), "{schema}");
    assert!(
        !matches_schema(&doc, schema, &json!({"error": "x"})),
        "{schema}"
    );
}

/// Whether `value` has every property `schema` requires (following `$ref`,
/// `anyOf` and `oneOf`): enough to tell which documented body an answer is.
fn matches_schema(doc: &Value, schema: &Value, value: &Value) -> bool {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "{reference} is not in the document");
        return matches_schema(doc, target, value);
    }
    for combined in ["anyOf", "oneOf"] {
        if let Some(members) = schema[combined].as_array() {
            let matching = members
                .iter()
                .filter(|m| matches_schema(doc, m, value))
                .count();
            return if combined == "oneOf" {
                matching == 1
            } else {
                matching > 0
            };
        }
    }
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|key| value.get(key.as_str().unwrap()).is_some())
}

/// Before: no `X-Content-Type-Options` or `Strict-Transport-Security` on any
/// answer, and API answers naming people could be kept by any cache.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    for https in [true, false] {
        let TestApp { mut app, _db, dir } = TestApp::spawn(Backend::Sqlite).await;
        if !https {
            app.settings.public_url = "http://localhost:8080/".parse().unwrap();
        }
        let t = WebTest::serve(Arc::new(app), roomy(), _db, dir).await;
        for (path, token, api) in [
            ("/subscribe", false, false),
            ("/login", false, false),
            ("/dashboard", false, false),
            ("/dashboard/nope", false, false),
            ("/healthz", false, false),
            ("/metrics", true, false),
            ("/nothing-here", false, false),
            ("/api/openapi.json", false, true),
            ("/api/lists", true, true),
            ("/api/subscribers/1", true, true),
            ("/api/reach", true, true),
            ("/api/reach", false, true),
            ("/api/nothing-here", true, true),
        ] {
            let mut request = t.client.get(t.url(path));
            if token {
                request = request.bearer_auth(&t.token);
            }
            let response = request.send().await.unwrap();
            let headers = response.headers();
            let header = |name: header::HeaderName| {
                headers
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let what = format!("{path} (https {https}, {})", response.status());
            assert_eq!(header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
            let hsts = if https { "max-age=31536000" } else { "" };
            assert_eq!(header(header::STRICT_TRANSPORT_SECURITY), hsts, "{what}");
            if api {
                assert_eq!(header(header::CACHE_CONTROL), "no-store", "{what}");
            }
        }
    }
}

async fn health_and_metrics(backend: Backend) {
    let t = WebTest::start(backend).await;
    let response = t.client.get(t.url("/healthz")).send().await.unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));

    let response = t.client.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    t.import(PEOPLE, "peru").await;
    t.campaign_due_now("survivor-rights").await;
    t.app.store.start_due_campaigns(now_millis()).await.unwrap();
    let metrics = || async {
        let response = t
            .client
            .get(t.url("/metrics"))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    };
    let text = metrics().await;
    assert!(text.contains("willay_queue_depth 4"), "{text}");

    t.run_worker().await;
    let text = metrics().await;
    assert!(text.contains("willay_queue_depth 0"), "{text}");
    assert!(
        text.contains("willay_ledger_deliveries{state=\"sent\",locale=\"qu\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("willay_ledger_deliveries{state=\"sent\",locale=\"en\"} 1"),
        "{text}"
    );
    // The worker's own counter, through the installed Prometheus recorder.
    assert!(text.contains("willay_messages_total{"), "{text}");
}

on_both_backends!(
    the_api_needs_a_valid_unrevoked_token,
    every_api_route_is_documented_and_needs_a_token,
    api_errors_are_json_with_a_stable_code,
    the_document_describes_what_the_api_answers,
    health_and_metrics,
);
