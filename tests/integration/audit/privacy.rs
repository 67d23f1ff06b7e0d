//! The audit log holds ids, never a person: after an import, a change and
//! an erasure, no column of any event holds an address, a name, a region
//! or a list's name.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use super::all_events;
use crate::helpers::web::{PEOPLE, WebTest, json_of};
use crate::helpers::{Backend, columns_containing};
use crate::on_both_backends;

async fn no_event_names_a_person(backend: Backend) {
    let t = WebTest::start(backend).await;
    let (status, _) = t
        .post("/api/lists", json!({"name": "sobrevivientes-huancavelica"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let response = t
        .client
        .post(t.url("/api/subscribers/import?list=sobrevivientes-huancavelica"))
        .bearer_auth(&t.token)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(PEOPLE)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(response).await.0, StatusCode::OK);
    let juana = t.id_of("juana@example.org").await;
    let path = format!("/api/subscribers/{juana}");
    let (status, _) = t
        .api(Method::PATCH, &path, Some(json!({"region": "Ayacucho"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = t.api(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let events = all_events(&t.app.store).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&[
            "list.create",
            "subscribers.import",
            "subscriber.update",
            "subscriber.erase"
        ]),
        "{actions:?}"
    );

    // Every person of the file (the erased one too), her new region, the
    // list's name and the token's name.
    for needle in [
        "juana@example.org",
        "Juana",
        "Huamán",
        "Huancavelica",
        "Ayacucho",
        "rosa@example.org",
        "Rosa Quispe",
        "Cusco",
        "Lima",
        "example.org",
        "sobrevivientes",
        "test-runner",
    ] {
        let found: Vec<String> = columns_containing(&t.db_url, needle)
            .await
            .into_iter()
            .filter(|column| column.starts_with("audit_events."))
            .collect();
        assert_eq!(found, Vec::<String>::new(), "{needle}");
    }
}

on_both_backends!(no_event_names_a_person);
