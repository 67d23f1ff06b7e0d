//! A manager keeps the lists in order in the browser (and through the API):
//! counts, create, rename, delete; deleting keeps the people, and a list that
//! campaigns were sent to is kept so they can say whom they reached.

use super::*;

async fn lists_are_created_renamed_and_deleted(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.import(PEOPLE, "peru").await;
    t.import("email\nzoila@example.org\n", "borrador").await;
    t.campaign_due_now("survivor-rights").await;
    let session = session_of(&t).await;
    let (status, page) = get_page(&t, &session, "/dashboard/lists").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("href=\"/dashboard/subscribers?list=peru\""),
        "{page}"
    );
    let csrf = csrf_in(&page);
    let list_id = |name: &'static str| {
        let store = t.app.store.clone();
        async move {
            store
                .list_id(&willay::domain::ListName::parse(name).unwrap())
                .await
        }
    };
    let (peru, draft) = (
        list_id("peru").await.unwrap(),
        list_id("borrador").await.unwrap(),
    );

    for (path, body, status, says) in [
        (
            "/dashboard/lists".to_owned(),
            "name=andes".to_owned(),
            StatusCode::SEE_OTHER,
            "",
        ),
        (
            "/dashboard/lists".to_owned(),
            "name=andes".to_owned(),
            StatusCode::CONFLICT,
            "Ya hay una lista con ese nombre",
        ),
        (
            format!("/dashboard/lists/{draft}/rename"),
            "name=andes".to_owned(),
            StatusCode::CONFLICT,
            "Ya hay una lista",
        ),
        (
            format!("/dashboard/lists/{draft}/rename"),
            "name=sierra".to_owned(),
            StatusCode::SEE_OTHER,
            "",
        ),
        (
            format!("/dashboard/lists/{peru}/delete"),
            "confirm=yes".to_owned(),
            StatusCode::CONFLICT,
            "Ya se enviaron campañas a esta lista",
        ),
        (
            format!("/dashboard/lists/{draft}/delete"),
            String::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Marca la casilla",
        ),
        (
            format!("/dashboard/lists/{draft}/delete"),
            "confirm=yes".to_owned(),
            StatusCode::SEE_OTHER,
            "",
        ),
        (
            "/dashboard/lists/999/rename".to_owned(),
            "name=x".to_owned(),
            StatusCode::NOT_FOUND,
            "No existe esa lista",
        ),
    ] {
        let response = post_form(&t, &session, &path, format!("csrf={csrf}&{body}")).await;
        assert_eq!(response.status(), status, "{path} {body}");
        let text = response.text().await.unwrap();
        assert!(text.contains(says), "{path} {body}: {text}");
    }
    let names: Vec<String> = t
        .app
        .store
        .lists()
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["andes", "peru"]);
    // Deleting the list kept its person.
    assert!(
        t.app
            .store
            .signup_state("zoila@example.org")
            .await
            .unwrap()
            .is_some()
    );
    let (_, page) = get_page(&t, &session, "/dashboard/lists?done=deleted").await;
    assert!(page.contains("sus personas siguen en willay"), "{page}");

    // The same through the API.
    let andes = list_id("andes").await.unwrap();
    let path = format!("/api/lists/{andes}");
    let rename = |body: serde_json::Value| t.api(reqwest::Method::PATCH, &path, Some(body));
    assert_eq!(
        rename(serde_json::json!({"name": "andes-sur"})).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, body) = rename(serde_json::json!({"name": "peru"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "list_exists");
    let (status, body) = t
        .api(reqwest::Method::DELETE, &format!("/api/lists/{peru}"), None)
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "list_in_use");
    let (status, _) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/lists/{andes}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = t
        .api(
            reqwest::Method::DELETE,
            &format!("/api/lists/{andes}"),
            None,
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "list_not_found");
}

on_both_backends!(lists_are_created_renamed_and_deleted);
