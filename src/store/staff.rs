//! Staff members, their password hashes and their one-time password links.

use super::audit::audit_in;
use super::{Millis, Store, StoreError, now_millis, on_pool};
use crate::domain::{Actor, AuditAction, AuditEntry, Detail, Role, Subject};

/// A staff member as listed (never their password hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffMember {
    /// Row id: what the audit log and the logs name.
    pub id: i64,
    /// The name they log in with, e.g. `rosa`.
    pub name: String,
    /// What they may do.
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// Whether they have set a password (until then they cannot log in).
    pub has_password: bool,
    /// The dashboard language they chose, if any.
    pub locale: Option<String>,
    /// Tokens they hold.
    pub tokens: i64,
    /// When they were added.
    pub created_at: Millis,
}

/// What a log-in checks a password against.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCredentials {
    /// Row id.
    pub id: i64,
    /// argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
}

/// `SELECT` of a [`StaffMember`] from `staff s`, as a literal so queries stay static text.
macro_rules! select_member {
    () => {
        "SELECT s.id, s.name, s.role, (s.password_hash IS NOT NULL) AS has_password, s.locale, \
         (SELECT COUNT(*) FROM api_tokens t WHERE t.staff_id = s.id) AS tokens, s.created_at "
    };
}

impl Store {
    /// Adds a staff member (by `actor`); `Ok(None)` when the name is taken.
    pub async fn insert_staff(
        &self,
        name: &str,
        role: Role,
        now: Millis,
        actor: &Actor,
    ) -> Result<Option<i64>, StoreError> {
        let id: Option<i64> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO staff (name, role, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING RETURNING id",
            )
            .bind(name)
            .bind(role.as_str())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                let entry = AuditEntry::new(actor, AuditAction::StaffAdded, Some(Subject::staff(id)));
                audit_in!(tx, &entry.with(Detail::default().word("role", role.as_str())), now);
            }
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Every staff member, by name.
    pub async fn staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let sql = concat!(select_member!(), "FROM staff s ORDER BY s.name");
        let members: Vec<StaffMember> = on_pool!(self, pool => {
            sqlx::query_as(sql).fetch_all(pool).await?
        });
        Ok(members)
    }

    /// The staff member named `name`, if any.
    pub async fn staff_member(&self, name: &str) -> Result<Option<StaffMember>, StoreError> {
        let sql = concat!(select_member!(), "FROM staff s WHERE s.name = $1");
        self.row_by(sql, name).await
    }

    /// What a log-in as `name` is checked against.
    pub async fn staff_credentials(
        &self,
        name: &str,
    ) -> Result<Option<StaffCredentials>, StoreError> {
        let sql = "SELECT id, password_hash FROM staff WHERE name = $1";
        self.row_by(sql, name).await
    }

    /// Stores the dashboard language staff member `id` chose (`None`: follow the browser).
    pub async fn set_staff_locale(&self, id: i64, locale: Option<&str>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE staff SET locale = $2 WHERE id = $1")
                .bind(id)
                .bind(locale)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Removes a staff member with their tokens, sessions and links (by
    /// `actor`); false when no one has that name.
    pub async fn remove_staff(&self, name: &str, actor: &Actor) -> Result<bool, StoreError> {
        let now = now_millis();
        let removed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let Some(id): Option<i64> = sqlx::query_scalar("SELECT id FROM staff WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(false);
            };
            // Explicit rather than relying on the cascades, which SQLite applies
            // only when foreign keys are enabled on the connection.
            for sql in [
                "DELETE FROM web_sessions WHERE staff_id IN (SELECT id FROM staff WHERE name = $1) \
                 OR token_id IN (SELECT t.id FROM api_tokens t JOIN staff s ON s.id = t.staff_id WHERE s.name = $1)",
                "DELETE FROM api_tokens WHERE staff_id IN (SELECT id FROM staff WHERE name = $1)",
                "DELETE FROM staff_password_links WHERE staff_id IN (SELECT id FROM staff WHERE name = $1)",
            ] {
                sqlx::query(sql).bind(name).execute(&mut *tx).await?;
            }
            let removed = sqlx::query("DELETE FROM staff WHERE name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            audit_in!(tx, &AuditEntry::new(actor, AuditAction::StaffRemoved, Some(Subject::staff(id))), now);
            tx.commit().await?;
            removed
        });
        Ok(removed > 0)
    }

    /// Gives `name` a new role, revoking their tokens the new role does not
    /// cover and ending their sessions (which carry the old role). Returns the
    /// revoked tokens' names, or `None` when no one has that name.
    pub async fn set_staff_role(
        &self,
        name: &str,
        role: Role,
        actor: &Actor,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let now = now_millis();
        let revoked = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar("UPDATE staff SET role = $2 WHERE name = $1 RETURNING id")
                .bind(name)
                .bind(role.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(id) = id else {
                return Ok(None);
            };
            let tokens: Vec<(i64, String, String)> =
                sqlx::query_as("SELECT id, name, role FROM api_tokens WHERE staff_id = $1")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
            let mut revoked = Vec::new();
            for (token_id, token_name, token_role) in tokens {
                if token_role.parse().is_ok_and(|r| role.covers(r)) {
                    continue;
                }
                sqlx::query("DELETE FROM web_sessions WHERE token_id = $1")
                    .bind(token_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM api_tokens WHERE id = $1")
                    .bind(token_id)
                    .execute(&mut *tx)
                    .await?;
                revoked.push(token_name);
            }
            sqlx::query("DELETE FROM web_sessions WHERE staff_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = Detail::default()
                .word("role", role.as_str())
                .count("tokens_revoked", revoked.len() as i64);
            let entry = AuditEntry::new(actor, AuditAction::StaffRoleSet, Some(Subject::staff(id)));
            audit_in!(tx, &entry.with(detail), now);
            tx.commit().await?;
            revoked
        });
        Ok(Some(revoked))
    }

    /// Stores a one-time password link for staff member `staff_id`, issued by `actor`.
    pub async fn insert_password_link(
        &self,
        staff_id: i64,
        token_hash: &[u8],
        now: Millis,
        expires_at: Millis,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Sweep expired links while writing anyway.
            sqlx::query("DELETE FROM staff_password_links WHERE expires_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO staff_password_links (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
            )
            .bind(token_hash)
            .bind(staff_id)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            let entry = AuditEntry::new(actor, AuditAction::PasswordLinkIssued, Some(Subject::staff(staff_id)));
            audit_in!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The staff member an unexpired password link is for.
    pub async fn password_link_holder(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> Result<Option<StaffMember>, StoreError> {
        let sql = concat!(
            select_member!(),
            "FROM staff s JOIN staff_password_links l ON l.staff_id = s.id \
             WHERE l.token_hash = $1 AND l.expires_at > $2"
        );
        let member: Option<StaffMember> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?
        });
        Ok(member)
    }

    /// Sets the password of the link's holder, spends every link of theirs and
    /// ends their sessions; the holder's id, or `None` for a dead link.
    pub async fn use_password_link(
        &self,
        token_hash: &[u8],
        now: Millis,
        password_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let holder = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT staff_id FROM staff_password_links WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                sqlx::query("UPDATE staff SET password_hash = $2 WHERE id = $1")
                    .bind(id)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await?;
                for sql in [
                    "DELETE FROM staff_password_links WHERE staff_id = $1",
                    "DELETE FROM web_sessions WHERE staff_id = $1",
                ] {
                    sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                }
                // Holding the link is what proves who they are.
                let actor = Actor::Staff { staff_id: id };
                let entry = AuditEntry::new(&actor, AuditAction::PasswordSet, Some(Subject::staff(id)));
                audit_in!(tx, &entry, now);
            }
            tx.commit().await?;
            id
        });
        Ok(holder)
    }
}
