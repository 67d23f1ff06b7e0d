//! Subscriber lists.

use crate::domain::{Actor, AuditAction, AuditEntry, ListName, Subject};

use super::audit::audit_in;
use super::{Millis, Store, StoreError, now_millis, on_pool};

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

/// A list by id and name, without counting its members.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRef {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

impl Store {
    /// Every list's id and name, by name: what a menu of lists needs, without
    /// [`Store::lists`]' counts (a join over every membership: 0.22 s at a
    /// million members on SQLite).
    pub async fn list_refs(&self) -> Result<Vec<ListRef>, StoreError> {
        let lists: Vec<ListRef> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name FROM lists ORDER BY name")
                .fetch_all(pool)
                .await?
        });
        Ok(lists)
    }

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

    /// Gives list `id` a new name (by `actor`, recorded).
    pub async fn rename_list(
        &self,
        id: i64,
        name: &ListName,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        let outcome: Result<(), StoreError> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM lists WHERE name = $1 AND id <> $2")
                    .bind(name.as_str())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                Err(StoreError::ListExists(name.to_string()))
            } else {
                let renamed = sqlx::query("UPDATE lists SET name = $2 WHERE id = $1")
                    .bind(id)
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if renamed == 0 {
                    Err(StoreError::UnknownListId(id))
                } else {
                    let entry = AuditEntry::new(actor, AuditAction::ListRenamed, Some(Subject::list(id)));
                    audit_in!(tx, &entry, now);
                    tx.commit().await?;
                    Ok(())
                }
            }
        });
        outcome
    }

    /// Deletes list `id` and its memberships (by `actor`, recorded); the
    /// people stay. A list that campaigns were sent to is kept, so each
    /// campaign can say whom it reached.
    pub async fn delete_list(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let now = now_millis();
        let outcome: Result<(), StoreError> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let used: Option<i64> = sqlx::query_scalar(
                "SELECT campaign_id FROM campaign_lists WHERE list_id = $1 LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if used.is_some() {
                Err(StoreError::ListInUse(id))
            } else {
                sqlx::query("DELETE FROM memberships WHERE list_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let deleted = sqlx::query("DELETE FROM lists WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if deleted == 0 {
                    Err(StoreError::UnknownListId(id))
                } else {
                    let entry = AuditEntry::new(actor, AuditAction::ListDeleted, Some(Subject::list(id)));
                    audit_in!(tx, &entry, now);
                    tx.commit().await?;
                    Ok(())
                }
            }
        });
        outcome
    }
}
