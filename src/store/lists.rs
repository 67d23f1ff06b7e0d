//! Subscriber lists.

use crate::domain::ListName;

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
    /// The boolean is true when the list was created now.
    pub async fn ensure_list(
        &self,
        name: &ListName,
        now: Millis,
    ) -> Result<(i64, bool), StoreError> {
        let inserted: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO lists (name, created_at) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING RETURNING id",
            )
            .bind(name.as_str())
            .bind(now)
            .fetch_optional(pool)
            .await?
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

    /// Gives list `id` a new name.
    pub async fn rename_list(&self, id: i64, name: &ListName) -> Result<(), StoreError> {
        let taken: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM lists WHERE name = $1 AND id <> $2")
                .bind(name.as_str())
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        if taken.is_some() {
            return Err(StoreError::ListExists(name.to_string()));
        }
        let renamed = on_pool!(self, pool => {
            sqlx::query("UPDATE lists SET name = $2 WHERE id = $1")
                .bind(id)
                .bind(name.as_str())
                .execute(pool)
                .await?
                .rows_affected()
        });
        if renamed == 0 {
            return Err(StoreError::UnknownListId(id));
        }
        Ok(())
    }

    /// Deletes list `id` and its memberships; the people stay. A list that
    /// campaigns were sent to is kept, so each campaign can say whom it reached.
    pub async fn delete_list(&self, id: i64) -> Result<(), StoreError> {
        enum Outcome {
            Deleted,
            InUse,
            Unknown,
        }
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let used: Option<i64> =
                sqlx::query_scalar("SELECT campaign_id FROM campaign_lists WHERE list_id = $1 LIMIT 1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if used.is_some() {
                Outcome::InUse
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
                tx.commit().await?;
                if deleted == 0 { Outcome::Unknown } else { Outcome::Deleted }
            }
        });
        match outcome {
            Outcome::Deleted => Ok(()),
            Outcome::InUse => Err(StoreError::ListInUse(id)),
            Outcome::Unknown => Err(StoreError::UnknownListId(id)),
        }
    }
}
