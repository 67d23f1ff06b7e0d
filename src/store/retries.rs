//! Putting failed ledger rows back in the queue: by staff (`campaigns retry`),
//! or by a worker that found the relay refusing every recipient for a reason
//! about the sender.

use crate::domain::{Actor, AuditAction, AuditEntry, CampaignStatus, Detail, Subject};

use super::audit::audit_in;
use super::{Millis, Store, StoreError, on_pool};

/// A retry as recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct DeliveryRetry {
    /// Its id; each row put back names it (`deliveries.retry_id`).
    pub id: i64,
    /// The campaign.
    pub campaign_id: i64,
    /// Why, in staff's words (may be empty).
    pub reason: String,
    /// Who asked: `command line`, or the channel and token name.
    pub requested_by: String,
    /// How many failed rows went back to `pending`.
    pub rows_retried: i64,
    /// When (UTC ms).
    pub created_at: Millis,
}

impl Store {
    /// Puts campaign `id`'s failed rows back in the queue with a fresh set of
    /// attempts, records the retry with `reason` and `requested_by`, and sets
    /// a `done` campaign running again (a paused one stays paused). A
    /// cancelled campaign is refused: its rows are never sent. The audit log
    /// names `actor` and the counts, never the reason (free text).
    pub async fn retry_failed(
        &self,
        id: i64,
        reason: &str,
        requested_by: &str,
        now: Millis,
        actor: &Actor,
    ) -> Result<DeliveryRetry, StoreError> {
        let status = self.campaign(id).await?.status;
        if status == CampaignStatus::Cancelled {
            return Err(StoreError::Transition {
                id,
                from: status,
                to: CampaignStatus::Running,
            });
        }
        let retry: DeliveryRetry = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let retry_id: i64 = sqlx::query_scalar(
                "INSERT INTO delivery_retries (campaign_id, reason, requested_by, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(id)
            .bind(reason)
            .bind(requested_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            // Failed rows that were not a hard bounce, of people still
            // confirmed: bounced, unsubscribed or erased people are never retried.
            let rows = sqlx::query(
                "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, \
                 retry_id = $3, updated_at = $2 \
                 WHERE campaign_id = $1 AND state = 'failed' AND bounced_at IS NULL \
                 AND subscriber_id IN (SELECT id FROM subscribers WHERE status = 'confirmed')",
            )
            .bind(id)
            .bind(now)
            .bind(retry_id)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
            if rows > 0 {
                // The guard keeps a cancel that won the race cancelled.
                sqlx::query(
                    "UPDATE campaigns SET status = 'running', finished_at = NULL, updated_at = $2 \
                     WHERE id = $1 AND status = 'done'",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let retry = sqlx::query_as(
                "UPDATE delivery_retries SET rows_retried = $2 WHERE id = $1 \
                 RETURNING id, campaign_id, reason, requested_by, rows_retried, created_at",
            )
            .bind(retry_id)
            .bind(rows)
            .fetch_one(&mut *tx)
            .await?;
            let detail = Detail::default().count("retry_id", retry_id).count("rows", rows);
            let entry = AuditEntry::new(actor, AuditAction::CampaignRetried, Some(Subject::campaign(id)));
            audit_in!(tx, &entry.with(detail), now);
            tx.commit().await?;
            retry
        });
        Ok(retry)
    }

    /// The retries of campaign `id`, oldest first.
    pub async fn delivery_retries(&self, id: i64) -> Result<Vec<DeliveryRetry>, StoreError> {
        let sql = "SELECT id, campaign_id, reason, requested_by, rows_retried, created_at \
                   FROM delivery_retries WHERE campaign_id = $1 ORDER BY id";
        self.rows_by(sql, id).await
    }

    /// Gives back rows recorded `failed` by a refusal that turned out to be
    /// the relay refusing this sender, not the recipients: `pending` again,
    /// the attempt not counted, their campaigns running again if that made
    /// them `done`. Returns how many rows went back.
    pub async fn requeue_refused(&self, ids: &[i64], now: Millis) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let rows = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut query = sqlx::QueryBuilder::new(
                "UPDATE deliveries SET state = 'pending', attempts = attempts - 1, \
                 next_attempt_at = ",
            );
            query.push_bind(now).push(", updated_at = ").push_bind(now);
            query.push(" WHERE state = 'failed' AND bounced_at IS NULL AND id IN (");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            query.push(")");
            let rows = query.build().execute(&mut *tx).await?.rows_affected();
            let mut query = sqlx::QueryBuilder::new(
                "UPDATE campaigns SET status = 'running', finished_at = NULL, updated_at = ",
            );
            query.push_bind(now);
            query.push(
                " WHERE status = 'done' AND id IN (SELECT campaign_id FROM deliveries WHERE id IN (",
            );
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            query.push("))");
            query.build().execute(&mut *tx).await?;
            tx.commit().await?;
            rows
        });
        Ok(rows)
    }
}
