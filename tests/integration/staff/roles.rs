//! Every API route × every role: allowed, or 403 `forbidden` — the same in
//! the OpenAPI document as in the answers.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::json;
use willay::access::Role;
use willay::web;

use crate::helpers::Backend;
use crate::helpers::web::WebTest;
use crate::on_both_backends;

/// Which roles each route lets in (the table); every other role gets 403.
const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/api/audit", "admin"),
    ("GET", "/api/lists", "admin manager"),
    ("POST", "/api/lists", "admin manager"),
    ("PATCH", "/api/lists/{id}", "admin manager"),
    ("DELETE", "/api/lists/{id}", "admin manager"),
    ("GET", "/api/subscribers", "admin manager"),
    ("POST", "/api/subscribers", "admin manager"),
    ("POST", "/api/subscribers/import", "admin manager"),
    ("GET", "/api/subscribers/{id}", "admin manager"),
    ("PATCH", "/api/subscribers/{id}", "admin manager"),
    ("DELETE", "/api/subscribers/{id}", "admin manager"),
    ("GET", "/api/messages", "admin manager translator"),
    (
        "GET",
        "/api/messages/{message_id}/preview",
        "admin manager translator",
    ),
    ("GET", "/api/campaigns", "admin manager analyst"),
    ("POST", "/api/campaigns", "admin manager"),
    ("GET", "/api/campaigns/{id}", "admin manager analyst"),
    ("POST", "/api/campaigns/{id}/schedule", "admin manager"),
    ("POST", "/api/campaigns/{id}/pause", "admin manager"),
    ("POST", "/api/campaigns/{id}/resume", "admin manager"),
    ("POST", "/api/campaigns/{id}/cancel", "admin manager"),
    ("POST", "/api/campaigns/{id}/retry", "admin manager"),
    ("GET", "/api/reach", "admin manager analyst"),
    ("GET", "/api/reach/daily", "admin manager analyst"),
    ("GET", "/metrics", "admin manager analyst"),
];

async fn each_role_reaches_exactly_its_routes(backend: Backend) {
    let t = WebTest::start(backend).await;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let name = format!("{role}-token");
        let token =
            web::auth::create_token(&t.app.store, &name, role, None, &willay::domain::Actor::Cli)
                .await
                .unwrap();
        tokens.push((role, token));
    }

    // The table is the document: every documented route, with its roles.
    let doc = web::openapi_json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let roles = operation["security"][0]["bearer"].as_array().unwrap();
            let roles: Vec<&str> = roles.iter().map(|r| r.as_str().unwrap()).collect();
            documented.insert((method.to_uppercase(), path.clone(), roles.join(" ")));
            assert!(operation["responses"]["403"].is_object(), "{method} {path}");
        }
    }
    let table: BTreeSet<(String, String, String)> = ROUTES
        .iter()
        .filter(|(_, path, _)| path.starts_with("/api/"))
        .map(|(m, p, r)| (m.to_string(), p.to_string(), r.to_string()))
        .collect();
    assert_eq!(
        documented, table,
        "the document's roles vs the issue's table"
    );

    for (method, path, allowed) in ROUTES {
        let url = t.url(
            &path
                .replace("{id}", "1")
                .replace("{message_id}", "survivor-rights"),
        );
        for (role, token) in &tokens {
            let request = t
                .client
                .request(Method::from_bytes(method.as_bytes()).unwrap(), &url)
                .bearer_auth(token);
            let request = if *method == "GET" {
                request
            } else {
                request.json(&json!({}))
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            // `/metrics` answers Prometheus text; every refusal is JSON.
            let text = response.text().await.unwrap();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let what = format!("{role} {method} {path}: {status} {body}");
            if allowed.split(' ').any(|r| r == role.as_str()) {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{what}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                assert_eq!(body["error"], "forbidden", "{what}");
                // A refusal carries nothing but its code and words.
                assert_eq!(body.as_object().unwrap().len(), 2, "{what}");
            }
        }
    }
}

on_both_backends!(each_role_reaches_exactly_its_routes);

/// A token made before roles existed could do everything; after the
/// migration it is an admin token, and still works.
async fn tokens_made_before_roles_become_admin_tokens(backend: Backend) {
    use willay::web::auth::{digest, random_text};
    let dir = tempfile::tempdir().unwrap();
    let token = format!("wly_{}", random_text());
    let hash: String = digest(&token).iter().map(|b| format!("{b:02x}")).collect();
    let hash = match backend {
        Backend::Sqlite => format!("X'{hash}'"),
        Backend::Postgres => format!("'\\x{hash}'::bytea"),
    };
    let insert = format!(
        "INSERT INTO api_tokens (name, selector, token_hash, created_at) \
         VALUES ('ana-laptop', '{}', {hash}, 1000)",
        &token[4..16]
    );
    let db = crate::helpers::TestDb::at_migration(backend, dir.path(), 7, &[&insert]).await;
    let app = willay::app::App::build(crate::helpers::settings(
        dir.path(),
        &db,
        &crate::helpers::shipped_locales(),
        None,
    ))
    .await
    .expect("migrates");
    let listed = app.store.api_tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].name.as_str(), listed[0].role),
        ("ana-laptop", Role::Admin)
    );
    let t = WebTest::serve(
        std::sync::Arc::new(app),
        crate::helpers::web::roomy(),
        db,
        dir,
    )
    .await;
    let response = t
        .client
        .get(t.url("/api/lists"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

on_both_backends!(tokens_made_before_roles_become_admin_tokens);
