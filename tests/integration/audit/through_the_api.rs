//! A manager's day through the API, step by step: each change leaves exactly
//! one event, naming the token, the action and the thing changed.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use super::{all_events, events_since};
use crate::helpers::web::{WebTest, json_of};
use crate::helpers::{Backend, execute_sql};
use crate::on_both_backends;

const CSV: &str = "email,name,language,region\nana@example.org,Ana Mamani,es,Ica\n";

async fn each_change_through_the_api_is_one_event(backend: Backend) {
    let t = WebTest::start(backend).await;
    let store = &t.app.store;
    let tokens = store.api_tokens().await.unwrap();
    let token = tokens.iter().find(|t| t.name == "test-runner").unwrap().id;
    let by = format!("token#{token} staff#-");

    let (status, list) = t.post("/api/lists", json!({"name": "peru"})).await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    let list = list["id"].as_i64().unwrap();
    let (status, person) = t
        .post(
            "/api/subscribers",
            json!({"email": "rosa@example.org", "name": "Rosa Quispe", "language": "es",
                   "region": "Cusco", "lists": ["peru"], "status": "unconfirmed"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    let person = person["id"].as_i64().unwrap();
    assert_eq!(
        events_since(store, all_events(store).await.len() - 2).await,
        [
            format!("{by} list.create list#{list}"),
            format!("{by} subscriber.create subscriber#{person}"),
        ]
    );

    let subscriber = format!("/api/subscribers/{person}");
    let mut campaign = 0;
    // (the step, the action it must record, the kind of thing it is about):
    // the step runs, then exactly that one event must be new.
    let steps = [
        ("region", "subscriber.update", "subscriber"),
        ("confirm", "subscriber.confirm", "subscriber"),
        ("unsubscribe", "subscriber.unsubscribe", "subscriber"),
        ("import", "subscribers.import", "list"),
        ("create", "campaign.create", "campaign"),
        ("schedule", "campaign.schedule", "campaign"),
        ("pause", "campaign.pause", "campaign"),
        ("resume", "campaign.resume", "campaign"),
        ("retry", "campaign.retry", "campaign"),
        ("cancel", "campaign.cancel", "campaign"),
        ("erase", "subscriber.erase", "subscriber"),
    ];
    for (step, action, kind) in steps {
        let before = all_events(store).await.len();
        let (status, body) = match step {
            "region" => {
                let (s, b) = patch(&t, &subscriber, json!({"region": "Puno"})).await;
                (s, b)
            }
            "confirm" => {
                let (s, b) = patch(&t, &subscriber, json!({"status": "confirmed"})).await;
                (s, b)
            }
            "unsubscribe" => {
                let (s, b) = patch(&t, &subscriber, json!({"status": "unsubscribed"})).await;
                (s, b)
            }
            "import" => {
                let response = t
                    .client
                    .post(t.url("/api/subscribers/import?list=peru"))
                    .bearer_auth(&t.token)
                    .header(header::CONTENT_TYPE, "text/csv")
                    .body(CSV)
                    .send()
                    .await
                    .unwrap();
                let (s, b) = json_of(response).await;
                (s, b)
            }
            "create" => {
                let (s, b) = t
                    .post(
                        "/api/campaigns",
                        json!({"message_id": "survivor-rights", "lists": ["peru"]}),
                    )
                    .await;
                campaign = b["campaign"]["id"].as_i64().unwrap_or_default();
                (s, b)
            }
            "pause" => {
                // Only a worker starts a campaign: this one is started behind the app's back.
                let sql = "UPDATE campaigns SET status = 'running' WHERE id = $1";
                assert_eq!(execute_sql(&t.db_url, sql, campaign).await, 1);
                let (s, b) = t
                    .post(&format!("/api/campaigns/{campaign}/pause"), json!({}))
                    .await;
                (s, b)
            }
            "erase" => {
                let (s, b) = t.api(Method::DELETE, &subscriber, None).await;
                (s, b)
            }
            action => {
                let (s, b) = t
                    .post(&format!("/api/campaigns/{campaign}/{action}"), json!({}))
                    .await;
                (s, b)
            }
        };
        assert!(status.is_success(), "{step}: {status} {body}");
        let id = match kind {
            "list" => list,
            "campaign" => campaign,
            _ => person,
        };
        assert_eq!(
            events_since(store, before).await,
            [format!("{by} {action} {kind}#{id}")],
            "{step}"
        );
    }

    // A list renamed and deleted: one event each, about the list.
    let (_, sierra) = t.post("/api/lists", json!({"name": "sierra"})).await;
    let sierra = sierra["id"].as_i64().unwrap();
    let path = format!("/api/lists/{sierra}");
    let before = all_events(store).await.len();
    let (status, _) = patch(&t, &path, json!({"name": "sierra-sur"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = t.api(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        events_since(store, before).await,
        [
            format!("{by} list.rename list#{sierra}"),
            format!("{by} list.delete list#{sierra}"),
        ]
    );

    // A refused change leaves no event.
    let before = all_events(store).await.len();
    let (status, _) = t
        .post(&format!("/api/campaigns/{campaign}/pause"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(events_since(store, before).await, Vec::<String>::new());

    // The import's detail is its counts, the campaign's its statuses.
    let events = all_events(store).await;
    let detail = |action: &str| -> Value {
        let e = events.iter().find(|e| e.action.as_str() == action).unwrap();
        json!(e.detail)
    };
    assert_eq!(
        detail("subscribers.import"),
        json!("created=1 updated=0 rejected=0")
    );
    assert_eq!(detail("campaign.pause"), json!("from=running to=paused"));
    assert_eq!(detail("subscriber.update"), json!("language=0 region=1"));
}

async fn patch(t: &WebTest, path: &str, body: Value) -> (StatusCode, Value) {
    t.api(Method::PATCH, path, Some(body)).await
}

on_both_backends!(each_change_through_the_api_is_one_event);
