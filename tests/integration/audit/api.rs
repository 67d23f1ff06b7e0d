//! An administrator reads the log through `GET /api/audit`: newest first,
//! narrowed by action, staff member, subject and time, page by page.

use reqwest::StatusCode;
use serde_json::{Value, json};
use willay::access::staff;
use willay::access::{AccountName, Role};
use willay::domain::Actor;
use willay::web;

use crate::helpers::Backend;
use crate::helpers::web::{WebTest, json_of, roomy};
use crate::on_both_backends;

/// The `action subject_kind#subject_id` of each event of a page.
fn actions(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}#{}",
                e["action"].as_str().unwrap(),
                e["subject_kind"],
                e["subject_id"]
            )
        })
        .collect()
}

async fn the_log_is_read_newest_first_filtered_and_paged(backend: Backend) {
    let t = WebTest::start_with(backend, None, roomy()).await;
    let store = &t.app.store;
    // Rosa, an administrator, with a token of her own.
    let rosa = AccountName::parse("rosa").unwrap();
    staff::add(
        store,
        &t.app.settings.public_url,
        &rosa,
        Role::Admin,
        &Actor::Cli,
    )
    .await
    .unwrap();
    let rosa_id = store.staff_member("rosa").await.unwrap().unwrap().id;
    let rosas_token =
        web::auth::create_token(store, "rosa-laptop", Role::Admin, Some("rosa"), &Actor::Cli)
            .await
            .unwrap();
    let as_rosa = |name: &'static str| {
        t.client
            .post(t.url("/api/lists"))
            .bearer_auth(&rosas_token)
            .json(&json!({ "name": name }))
            .send()
    };
    assert_eq!(
        as_rosa("cusco").await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(as_rosa("puno").await.unwrap().status(), StatusCode::CREATED);
    let (_, ica) = t.post("/api/lists", json!({"name": "ica"})).await;
    let ica = ica["id"].as_i64().unwrap();

    let (status, all) = t.get("/api/audit").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["next"], Value::Null);
    let newest = &all["events"][0];
    assert_eq!(newest["action"], "list.create");
    assert_eq!(newest["actor"], "token");
    assert_eq!(newest["subject_id"], ica);
    assert!(newest["at"].as_str().unwrap().ends_with('Z'), "{newest}");
    let ids: Vec<i64> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");

    // (query, the events it keeps, newest first)
    let cases: [(String, Vec<String>); 5] = [
        (
            format!("?staff={rosa_id}"),
            vec![
                format!("list.create \"list\"#{}", ica - 1),
                format!("list.create \"list\"#{}", ica - 2),
            ],
        ),
        (
            "?action=staff.add".into(),
            vec![format!("staff.add \"staff\"#{rosa_id}")],
        ),
        (
            format!("?subject_kind=list&subject_id={ica}"),
            vec![format!("list.create \"list\"#{ica}")],
        ),
        ("?since=2999-01-01T00:00:00Z".into(), vec![]),
        ("?until=2000-01-01T00:00:00Z".into(), vec![]),
    ];
    for (query, expected) in cases {
        let (status, page) = t.get(&format!("/api/audit{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        assert_eq!(actions(&page), expected, "{query}");
    }
    let (_, recent) = t
        .get("/api/audit?since=2000-01-01T00:00:00Z&action=list.create")
        .await;
    assert_eq!(actions(&recent).len(), 3);
    assert_eq!(recent["events"][1]["actor_staff_id"], rosa_id);

    // Two at a time: the pages join up to the whole log, with no event twice.
    let mut paged = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let (status, page) = t.get(&format!("/api/audit{query}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page["events"].as_array().unwrap().len() <= 2);
        paged.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page["next"].as_i64() {
            Some(next) => query = format!("?limit=2&before={next}"),
            None => break,
        }
    }
    assert_eq!(paged, ids);

    // A filter willay does not know is refused, not ignored.
    for query in ["?action=campaign.explode", "?subject_kind=person"] {
        let response = t
            .client
            .get(t.url(&format!("/api/audit{query}")))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
}

on_both_backends!(the_log_is_read_newest_first_filtered_and_paged);
