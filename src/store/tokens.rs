//! API tokens: created by `willay tokens create`, checked on every API call.

use super::audit::audit_in;
use super::{Millis, Store, StoreError, on_pool};
use crate::domain::{Actor, AuditAction, AuditEntry, Detail, Role, Subject};

/// A token as listed (never its secret, which is not stored).
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ApiToken {
    /// Row id.
    pub id: i64,
    /// The name given at creation, e.g. `ana-laptop`.
    pub name: String,
    /// What it may do.
    #[sqlx(try_from = "String")]
    #[serde(serialize_with = "as_str")]
    pub role: Role,
    /// The staff member it belongs to, if any.
    pub staff: Option<String>,
    /// When it was created.
    pub created_at: Millis,
    /// When it last authenticated a request.
    pub last_used_at: Option<Millis>,
}

/// What the store holds to check a presented token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredToken {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// SHA-256 of the whole token text.
    pub hash: Vec<u8>,
    /// What it may do.
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// The staff member it belongs to, if any.
    pub staff_id: Option<i64>,
}

fn as_str<S: serde::Serializer>(role: &Role, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(role.as_str())
}

/// A token to store: its secret only as a hash.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// Its name.
    pub name: &'a str,
    /// The non-secret prefix that finds the row.
    pub selector: &'a str,
    /// SHA-256 of the whole token text.
    pub hash: &'a [u8],
    /// What it may do.
    pub role: Role,
    /// The staff member it belongs to.
    pub staff_id: Option<i64>,
}

impl Store {
    /// Stores a new token made by `actor`; `Ok(None)` when the name is taken.
    pub async fn insert_api_token(
        &self,
        token: &NewToken<'_>,
        now: Millis,
        actor: &Actor,
    ) -> Result<Option<i64>, StoreError> {
        let id: Option<i64> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO api_tokens (name, selector, token_hash, role, staff_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id",
            )
            .bind(token.name)
            .bind(token.selector)
            .bind(token.hash)
            .bind(token.role.as_str())
            .bind(token.staff_id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                let detail = Detail::default().word("role", token.role.as_str());
                let entry = AuditEntry::new(actor, AuditAction::TokenCreated, Some(Subject::token(id)));
                audit_in!(tx, &entry.with(detail), now);
            }
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// The token whose selector is `selector`, if any.
    pub async fn api_token_by_selector(
        &self,
        selector: &str,
    ) -> Result<Option<StoredToken>, StoreError> {
        let sql = "SELECT id, name, token_hash AS hash, role, staff_id FROM api_tokens \
                   WHERE selector = $1";
        self.row_by(sql, selector).await
    }

    /// Records that a token was used (at most once a minute, to spare writes).
    pub async fn touch_api_token(&self, id: i64, now: Millis) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $2 \
                 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2 - 60000)",
            )
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Every token, by name.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let tokens: Vec<ApiToken> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, t.name, t.role, s.name AS staff, t.created_at, t.last_used_at \
                 FROM api_tokens t LEFT JOIN staff s ON s.id = t.staff_id ORDER BY t.name",
            )
                .fetch_all(pool)
                .await?
        });
        Ok(tokens)
    }

    /// Deletes a token and, with it, every dashboard session it opened;
    /// `actor` revoked it.
    ///
    /// Returns false when no token has that name.
    pub async fn revoke_api_token(&self, name: &str, actor: &Actor) -> Result<bool, StoreError> {
        let now = super::now_millis();
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
            // Explicit rather than relying on the cascade, which SQLite applies
            // only when foreign keys are enabled on the connection.
            sqlx::query(
                "DELETE FROM web_sessions WHERE token_id IN (SELECT id FROM api_tokens WHERE name = $1)",
            )
            .bind(name)
            .execute(&mut *tx)
            .await?;
            let deleted = sqlx::query("DELETE FROM api_tokens WHERE name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if let (Some(id), 1..) = (id, deleted) {
                let entry = AuditEntry::new(actor, AuditAction::TokenRevoked, Some(Subject::token(id)));
                audit_in!(tx, &entry, now);
            }
            tx.commit().await?;
            deleted
        });
        Ok(deleted > 0)
    }
}
