//! Dashboard sessions, kept server-side so logout and token revocation end them.

use super::audit::audit_in;
use super::{Millis, Store, StoreError, on_pool};
use crate::domain::{Actor, AuditAction, AuditEntry, Role, Subject};

/// What opened a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOpener {
    /// A staff member's password.
    Staff(i64),
    /// An API token.
    Token(i64),
}

/// A live session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebSession {
    /// The staff member who logged in with a password, if one did.
    pub staff_id: Option<i64>,
    /// The token that opened the session, if one did.
    pub token_id: Option<i64>,
    /// The staff member holding that token, if any.
    pub token_staff_id: Option<i64>,
    /// The staff member's name, or the token's: shown in the dashboard.
    pub token_name: String,
    /// What the session may do: the staff member's role, or the token's.
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// The dashboard language the staff member chose; none follows their browser.
    pub locale: Option<String>,
    /// The per-session anti-CSRF value every form must echo.
    pub csrf: String,
    /// When it ends.
    pub expires_at: Millis,
}

impl WebSession {
    /// Who acts through this session, as the audit log names them.
    pub fn actor(&self) -> Actor {
        match (self.staff_id, self.token_id) {
            (_, Some(token_id)) => Actor::Token {
                token_id,
                staff_id: self.token_staff_id,
            },
            (Some(staff_id), None) => Actor::Staff { staff_id },
            // The table's CHECK makes one of the two present.
            (None, None) => Actor::Visitor,
        }
    }
}

impl Store {
    /// Opens a session (a log-in, recorded in the audit log), identified by the hash of its cookie value.
    pub async fn create_session(
        &self,
        id_hash: &[u8],
        opener: SessionOpener,
        csrf: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        let (staff_id, token_id) = match opener {
            SessionOpener::Staff(id) => (Some(id), None),
            SessionOpener::Token(id) => (None, Some(id)),
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Sweep expired sessions while we are writing anyway.
            sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO web_sessions (id_hash, staff_id, token_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id_hash)
            .bind(staff_id)
            .bind(token_id)
            .bind(csrf)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            let actor = match opener {
                SessionOpener::Staff(staff_id) => Actor::Staff { staff_id },
                SessionOpener::Token(token_id) => {
                    let holder: Option<i64> =
                        sqlx::query_scalar("SELECT staff_id FROM api_tokens WHERE id = $1")
                            .bind(token_id)
                            .fetch_optional(&mut *tx)
                            .await?
                            .flatten();
                    Actor::Token { token_id, staff_id: holder }
                }
            };
            let subject = actor.staff_id().map(Subject::staff);
            audit_in!(tx, &AuditEntry::new(&actor, AuditAction::LogIn, subject), now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The unexpired session with this cookie hash whose staff member or token still exists.
    pub async fn session(
        &self,
        id_hash: &[u8],
        now: Millis,
    ) -> Result<Option<WebSession>, StoreError> {
        let session: Option<WebSession> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.staff_id, s.token_id, t.staff_id AS token_staff_id, COALESCE(m.name, t.name) AS token_name, \
                 COALESCE(m.role, t.role) AS role, m.locale, s.csrf, s.expires_at FROM web_sessions s \
                 LEFT JOIN staff m ON m.id = s.staff_id LEFT JOIN api_tokens t ON t.id = s.token_id \
                 WHERE s.id_hash = $1 AND s.expires_at > $2 AND (m.id IS NOT NULL OR t.id IS NOT NULL)",
            )
            .bind(id_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(session)
    }

    /// Ends a session (logout) by `actor`, its holder.
    pub async fn delete_session(&self, id_hash: &[u8], actor: &Actor) -> Result<(), StoreError> {
        let now = super::now_millis();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let ended = sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if ended > 0 {
                let subject = actor.staff_id().map(Subject::staff);
                audit_in!(tx, &AuditEntry::new(actor, AuditAction::LogOut, subject), now);
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
