//! Writing outcomes back, handing rows back, finishing and settling campaigns.

use std::collections::BTreeMap;

use super::DeliveryOutcome;
use crate::privacy::redact_addresses;
use crate::store::{Millis, Store, StoreError, on_pool};

/// A batch of outcomes sorted into the statements that write them.
#[derive(Default)]
struct Statements<'a> {
    /// Successes are the bulk: one statement per locale instead of one per row.
    sent: BTreeMap<&'a str, Vec<i64>>,
    pending: Vec<PendingAgain>,
    failed: Vec<Failure<'a>>,
    skipped: Vec<(i64, &'a str)>,
}

/// A row going back to `pending`, and whether the attempt it was claimed
/// with is given back: only a real attempt that failed (`Retry`) keeps it.
struct PendingAgain {
    id: i64,
    error: Option<String>,
    due: Millis,
    refund: i64,
}

/// A row that failed, and whether the failure counts as a hard bounce.
struct Failure<'a> {
    id: i64,
    error: String,
    locale: Option<&'a str>,
    hard_bounce: bool,
}

impl<'a> Statements<'a> {
    /// One pass over `outcomes`; errors are redacted on the way.
    fn sort(outcomes: &'a [DeliveryOutcome], now: Millis) -> Self {
        let mut statements = Self::default();
        for outcome in outcomes {
            let mut pending = |id, error: Option<&String>, due, refund| {
                statements.pending.push(PendingAgain {
                    id,
                    error: error.map(|e| redact_addresses(e)),
                    due,
                    refund,
                })
            };
            match outcome {
                DeliveryOutcome::Sent { id, locale } => statements
                    .sent
                    .entry(locale.as_str())
                    .or_default()
                    .push(*id),
                DeliveryOutcome::Retry {
                    id,
                    error,
                    retry_at,
                } => pending(*id, Some(error), *retry_at, 0),
                DeliveryOutcome::Deferred {
                    id,
                    error,
                    retry_at,
                } => pending(*id, Some(error), *retry_at, 1),
                DeliveryOutcome::Released { id } => pending(*id, None, now, 1),
                DeliveryOutcome::Failed {
                    id,
                    error,
                    locale,
                    hard_bounce,
                } => statements.failed.push(Failure {
                    id: *id,
                    error: redact_addresses(error),
                    locale: locale.as_deref(),
                    hard_bounce: *hard_bounce,
                }),
                DeliveryOutcome::Skipped { id, reason } => {
                    statements.skipped.push((*id, reason.as_str()))
                }
            }
        }
        statements
    }
}

impl Store {
    /// Writes a batch of outcomes in one transaction; rows whose lease `owner`
    /// no longer holds are left alone. Returns how many rows were updated.
    ///
    /// A hard bounce adds to the subscriber's count; at `bounce_threshold` they
    /// become `bounced` and later campaigns skip them. Errors are stored with
    /// addresses redacted: the ledger outlives an erasure.
    pub async fn record_outcomes(
        &self,
        owner: &str,
        outcomes: &[DeliveryOutcome],
        now: Millis,
        bounce_threshold: i64,
    ) -> Result<u64, StoreError> {
        let statements = Statements::sort(outcomes, now);
        let updated = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut updated = 0;
            for (locale, ids) in &statements.sent {
                let mut query = sqlx::QueryBuilder::new(
                    "UPDATE deliveries SET state = 'sent', lease_owner = NULL, lease_until = NULL, \
                     last_error = NULL, locale = ",
                );
                query.push_bind(*locale);
                query.push(", sent_at = ").push_bind(now);
                query.push(", updated_at = ").push_bind(now);
                query.push(" WHERE state = 'sending' AND lease_owner = ").push_bind(owner);
                query.push(" AND id IN (");
                let mut list = query.separated(", ");
                for id in ids {
                    list.push_bind(*id);
                }
                query.push(")");
                updated += query.build().execute(&mut *tx).await?.rows_affected();
            }
            for back in &statements.pending {
                updated += sqlx::query(
                    "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL, \
                     attempts = attempts - $1, last_error = COALESCE($2, last_error), \
                     next_attempt_at = $3, updated_at = $4 \
                     WHERE id = $5 AND state = 'sending' AND lease_owner = $6",
                )
                .bind(back.refund)
                .bind(&back.error)
                .bind(back.due)
                .bind(now)
                .bind(back.id)
                .bind(owner)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            for failure in &statements.failed {
                let result = sqlx::query(
                    "UPDATE deliveries SET state = 'failed', lease_owner = NULL, lease_until = NULL, \
                     last_error = $1, locale = COALESCE($2, locale), updated_at = $3, \
                     bounced_at = CASE WHEN $6 THEN $3 ELSE bounced_at END \
                     WHERE id = $4 AND state = 'sending' AND lease_owner = $5",
                )
                .bind(&failure.error)
                .bind(failure.locale)
                .bind(now)
                .bind(failure.id)
                .bind(owner)
                .bind(failure.hard_bounce)
                .execute(&mut *tx)
                .await?;
                if failure.hard_bounce && result.rows_affected() == 1 {
                    sqlx::query(
                        "UPDATE subscribers SET hard_bounces = hard_bounces + 1, updated_at = $2, \
                         status = CASE WHEN hard_bounces + 1 >= $3 AND status = 'confirmed' \
                             THEN 'bounced' ELSE status END \
                         WHERE id = (SELECT subscriber_id FROM deliveries WHERE id = $1)",
                    )
                    .bind(failure.id)
                    .bind(now)
                    .bind(bounce_threshold)
                    .execute(&mut *tx)
                    .await?;
                }
                updated += result.rows_affected();
            }
            for (id, reason) in &statements.skipped {
                updated += sqlx::query(
                    "UPDATE deliveries SET state = 'skipped', lease_owner = NULL, lease_until = NULL, \
                     last_error = $1, updated_at = $2 \
                     WHERE id = $3 AND state = 'sending' AND lease_owner = $4",
                )
                .bind(*reason)
                .bind(now)
                .bind(*id)
                .bind(owner)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            if !statements.pending.is_empty() {
                // A row handed back to a cancelled campaign would wait forever.
                let mut query = sqlx::QueryBuilder::new(
                    "UPDATE deliveries SET state = 'skipped', last_error = 'campaign cancelled', \
                     updated_at = ",
                );
                query.push_bind(now);
                query.push(
                    " WHERE state = 'pending' AND campaign_id IN \
                     (SELECT id FROM campaigns WHERE status = 'cancelled') AND id IN (",
                );
                let mut list = query.separated(", ");
                for back in &statements.pending {
                    list.push_bind(back.id);
                }
                query.push(")");
                query.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            updated
        });
        Ok(updated)
    }

    /// Hands back every row `owner` still holds (after its in-flight sends were
    /// recorded, these are rows it claimed but never tried). A cancelled
    /// campaign's rows are skipped instead.
    pub async fn release_deliveries(&self, owner: &str, now: Millis) -> Result<u64, StoreError> {
        let released = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE deliveries SET state = 'skipped', last_error = 'campaign cancelled', \
                 lease_owner = NULL, lease_until = NULL, updated_at = $2 \
                 WHERE state = 'sending' AND lease_owner = $1 AND campaign_id IN \
                 (SELECT id FROM campaigns WHERE status = 'cancelled')",
            )
            .bind(owner)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let released = sqlx::query(
                "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL, \
                 attempts = attempts - 1, updated_at = $2 \
                 WHERE state = 'sending' AND lease_owner = $1",
            )
            .bind(owner)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            released
        });
        Ok(released)
    }

    /// Marks `done` every running campaign with no unsettled rows; returns their ids.
    ///
    /// One guarded statement, so workers finishing at once cannot both "finish" it.
    pub async fn finish_campaigns(&self, now: Millis) -> Result<Vec<i64>, StoreError> {
        let ids: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "UPDATE campaigns SET status = 'done', finished_at = $1, updated_at = $1 \
                 WHERE status = 'running' AND NOT EXISTS ( \
                    SELECT 1 FROM deliveries d WHERE d.campaign_id = campaigns.id \
                    AND d.state IN ('pending', 'sending')) \
                 RETURNING id",
            )
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        Ok(ids)
    }

    /// Settles what no worker will settle: rows of cancelled campaigns left
    /// `sending` by a worker that died, and the leases of workers gone for a day.
    /// Returns how many rows were skipped.
    pub async fn sweep(&self, now: Millis) -> Result<u64, StoreError> {
        const DAY: Millis = 24 * 3600 * 1000;
        let skipped = on_pool!(self, pool => {
            let skipped = sqlx::query(
                "UPDATE deliveries SET state = 'skipped', last_error = 'campaign cancelled', \
                 lease_owner = NULL, lease_until = NULL, updated_at = $1 \
                 WHERE campaign_id IN (SELECT id FROM campaigns WHERE status = 'cancelled') \
                 AND (state = 'pending' OR (state = 'sending' AND NOT EXISTS ( \
                    SELECT 1 FROM worker_leases w \
                    WHERE w.owner = deliveries.lease_owner AND w.lease_until >= $1)))",
            )
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected();
            sqlx::query(
                "DELETE FROM worker_leases WHERE lease_until < $1 AND NOT EXISTS \
                 (SELECT 1 FROM deliveries d WHERE d.state = 'sending' \
                  AND d.lease_owner = worker_leases.owner)",
            )
            .bind(now - DAY)
            .execute(pool)
            .await?;
            skipped
        });
        Ok(skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of outcome lands in the one statement group that writes it,
    /// with its error redacted and its attempt refunded or kept.
    #[test]
    fn one_pass_sorts_outcomes_into_their_statements() {
        let outcomes = [
            DeliveryOutcome::Sent {
                id: 1,
                locale: "es".into(),
            },
            DeliveryOutcome::Retry {
                id: 2,
                error: "421 <ana@example.net> busy".into(),
                retry_at: 50,
            },
            DeliveryOutcome::Sent {
                id: 3,
                locale: "qu".into(),
            },
            DeliveryOutcome::Deferred {
                id: 4,
                error: "relay down".into(),
                retry_at: 60,
            },
            DeliveryOutcome::Released { id: 5 },
            DeliveryOutcome::Failed {
                id: 6,
                error: "550 <ana@example.net> unknown".into(),
                locale: Some("en".into()),
                hard_bounce: true,
            },
            DeliveryOutcome::Skipped {
                id: 7,
                reason: "the subscriber was erased".into(),
            },
            DeliveryOutcome::Sent {
                id: 8,
                locale: "es".into(),
            },
        ];
        let statements = Statements::sort(&outcomes, 10);
        assert_eq!(
            statements.sent.into_iter().collect::<Vec<_>>(),
            [("es", vec![1, 8]), ("qu", vec![3])]
        );
        let pending: Vec<_> = statements
            .pending
            .iter()
            .map(|p| (p.id, p.error.as_deref(), p.due, p.refund))
            .collect();
        assert_eq!(
            pending,
            [
                (2, Some("421 [address] busy"), 50, 0),
                (4, Some("relay down"), 60, 1),
                (5, None, 10, 1),
            ]
        );
        let failed: Vec<_> = statements
            .failed
            .iter()
            .map(|f| (f.id, f.error.as_str(), f.locale, f.hard_bounce))
            .collect();
        assert_eq!(failed, [(6, "550 [address] unknown", Some("en"), true)]);
        assert_eq!(statements.skipped, [(7, "the subscriber was erased")]);
    }
}
