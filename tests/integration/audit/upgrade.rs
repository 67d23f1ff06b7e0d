//! Upgrading to the audit log keeps every token and open session (SQLite
//! rebuilds the tokens table so their ids are never reused).

use willay::web::auth::digest;

use crate::helpers::{Backend, TestDb, settings, shipped_locales};
use crate::on_both_backends;

fn hex(bytes: &[u8], backend: Backend) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match backend {
        Backend::Sqlite => format!("X'{hex}'"),
        Backend::Postgres => format!("'\\x{hex}'::bytea"),
    }
}

async fn tokens_and_sessions_survive_the_upgrade(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let cookie = "an-open-session";
    let statements = [
        format!(
            "INSERT INTO api_tokens (id, name, selector, token_hash, created_at, role) \
             VALUES (7, 'ana-laptop', 'abcdefghijkl', {}, 1000, 'manager')",
            hex(&digest("wly_x"), backend)
        ),
        format!(
            "INSERT INTO web_sessions (id_hash, token_id, csrf, created_at, expires_at) \
             VALUES ({}, 7, 'c', 1000, 99999999999999)",
            hex(&digest(cookie), backend)
        ),
    ];
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    let db = TestDb::at_migration(backend, dir.path(), 8, &statements).await;
    let app = willay::app::App::build(settings(dir.path(), &db, &shipped_locales(), None))
        .await
        .expect("migrates");
    let session = app.store.session(&digest(cookie), 2000).await.unwrap();
    let session = session.expect("the session is still open");
    assert_eq!(
        (session.token_id, session.token_name.as_str()),
        (Some(7), "ana-laptop")
    );
    let tokens = app.store.api_tokens().await.unwrap();
    assert_eq!((tokens.len(), tokens[0].id), (1, 7));
}

on_both_backends!(tokens_and_sessions_survive_the_upgrade);
