//! Subscriber lists.

use crate::domain::{Actor, AuditAction, AuditEntry, ListName, Subject};

use super::audit::audit_in;
use super::{Millis, Store, StoreError, on_pool};

/// A list with its head count.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ListSummary {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Members in any status.
    pub members: i64,
    /// Members who receive campaigns.
    pub confirmed: i64,
}

impl Store {
    /// Creates a list, or returns the id of the existing list of that name.
    ///
    /// The boolean is true when the list was created now (by `actor`, recorded).
    pub async fn ensure_list(
        &self,
        name: &ListName,
        now: Millis,
        actor: &Actor,
    ) -> Result<(i64, bool), StoreError> {
        let inserted: Option<i64> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO lists (name, created_at) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING RETURNING id",
            )
            .bind(name.as_str())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                let entry = AuditEntry::new(actor, AuditAction::ListCreated, Some(Subject::list(id)));
                audit_in!(tx, &entry, now);
            }
            tx.commit().await?;
            id
        });
        match inserted {
            Some(id) => Ok((id, true)),
            None => Ok((self.list_id(name).await?, false)),
        }
    }

    /// The id of the list called `name`.
    pub async fn list_id(&self, name: &ListName) -> Result<i64, StoreError> {
        let id: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM lists WHERE name = $1")
                .bind(name.as_str())
                .fetch_optional(pool)
                .await?
        });
        id.ok_or_else(|| StoreError::UnknownList(name.to_string()))
    }

    /// Every list with member counts, by name.
    pub async fn lists(&self) -> Result<Vec<ListSummary>, StoreError> {
        let lists: Vec<ListSummary> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT l.id, l.name, COUNT(s.id) AS members, \
                        COUNT(CASE WHEN s.status = 'confirmed' THEN 1 END) AS confirmed \
                 FROM lists l \
                 LEFT JOIN memberships m ON m.list_id = l.id \
                 LEFT JOIN subscribers s ON s.id = m.subscriber_id \
                 GROUP BY l.id, l.name ORDER BY l.name",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(lists)
    }
}
