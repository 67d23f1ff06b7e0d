//! A change and its event commit together: when the event cannot be
//! written, the change does not happen either, so the log never misses one.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::all_events;
use crate::helpers::web::WebTest;
use crate::helpers::{Backend, execute_sql};
use crate::on_both_backends;

/// Makes every new event fail, as a full log or a broken table would.
async fn refuse_new_events(backend: Backend, db_url: &str) {
    let statements: &[&'static str] = match backend {
        Backend::Sqlite => &[
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_events \
              BEGIN SELECT RAISE(ABORT, 'no more events'); END",
        ],
        Backend::Postgres => &[
            "CREATE FUNCTION audit_refused() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'no more events'; END; $$",
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION audit_refused()",
        ],
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(db_url).await.unwrap();
    for sql in statements {
        sqlx::query(*sql).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

async fn a_change_whose_event_fails_does_not_happen(backend: Backend) {
    let t = WebTest::start(backend).await;
    t.post("/api/lists", json!({"name": "peru"})).await;
    let (_, person) = t
        .post(
            "/api/subscribers",
            json!({"email": "rosa@example.org", "name": "Rosa", "language": "es",
                   "region": "Cusco", "lists": ["peru"]}),
        )
        .await;
    let person = person["id"].as_i64().unwrap();
    let (_, created) = t
        .post(
            "/api/campaigns",
            json!({"message_id": "survivor-rights", "lists": ["peru"]}),
        )
        .await;
    let campaign = created["campaign"]["id"].as_i64().unwrap();
    let sql = "UPDATE campaigns SET status = 'running' WHERE id = $1";
    assert_eq!(execute_sql(&t.db_url, sql, campaign).await, 1);
    let before = all_events(&t.app.store).await;
    refuse_new_events(backend, &t.db_url).await;

    let (status, _) = t
        .post(&format!("/api/campaigns/{campaign}/pause"), json!({}))
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (_, shown) = t.get(&format!("/api/campaigns/{campaign}")).await;
    assert_eq!(shown["status"], "running", "{shown}");

    let path = format!("/api/subscribers/{person}");
    let (status, _) = t.api(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, kept) = t.get(&path).await;
    assert_eq!(
        (status, &kept["email"]),
        (StatusCode::OK, &json!("rosa@example.org"))
    );

    assert_eq!(all_events(&t.app.store).await, before);
}

on_both_backends!(a_change_whose_event_fails_does_not_happen);
