//! Nobody rewrites history, not even someone holding the database: the
//! schema refuses to change or remove an event.

use willay::domain::{Actor, AuditAction, AuditEntry, Subject};

use super::all_events;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn the_database_refuses_to_change_or_remove_an_event(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let entry = AuditEntry::new(
        &Actor::Cli,
        AuditAction::SubscriberErased,
        Some(Subject::subscriber(42)),
    );
    t.app.store.record(&entry).await.unwrap();
    let before = all_events(&t.app.store).await;
    assert_eq!(before.len(), 1, "{before:?}");

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t._db.url).await.unwrap();
    for sql in [
        "UPDATE audit_events SET subject_id = 7",
        "UPDATE audit_events SET action = 'campaign.pause'",
        "DELETE FROM audit_events",
    ] {
        let refused = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(
            refused.to_string().contains("audit_events is append-only"),
            "{sql}: {refused}"
        );
    }
    if backend == Backend::Postgres {
        let refused = sqlx::query("TRUNCATE audit_events")
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    pool.close().await;
    assert_eq!(all_events(&t.app.store).await, before);
}

on_both_backends!(the_database_refuses_to_change_or_remove_an_event);
