//! Dashboard sessions, kept server-side so logout and token revocation end them.

use super::{Millis, Store, StoreError, on_pool};

/// A live session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebSession {
    /// The API token that logged in.
    pub token_id: i64,
    /// That token's name, shown in the dashboard.
    pub token_name: String,
    /// The per-session anti-CSRF value every form must echo.
    pub csrf: String,
    /// When it ends.
    pub expires_at: Millis,
}

impl Store {
    /// Opens a session for `token_id`, identified by the hash of its cookie value.
    pub async fn create_session(
        &self,
        id_hash: &[u8],
        token_id: i64,
        csrf: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Sweep expired sessions while we are writing anyway.
            sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO web_sessions (id_hash, token_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id_hash)
            .bind(token_id)
            .bind(csrf)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The unexpired session with this cookie hash whose token still exists.
    pub async fn session(
        &self,
        id_hash: &[u8],
        now: Millis,
    ) -> Result<Option<WebSession>, StoreError> {
        let session: Option<WebSession> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.token_id, t.name AS token_name, s.csrf, s.expires_at FROM web_sessions s \
                 JOIN api_tokens t ON t.id = s.token_id \
                 WHERE s.id_hash = $1 AND s.expires_at > $2",
            )
            .bind(id_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(session)
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, id_hash: &[u8]) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
