//! The delivery ledger: audience expansion, leased claims, and recorded outcomes.
//!
//! A row moves `pending → sending → sent | failed | pending (retry)`; `sending`
//! rows carry a lease (`lease_owner`, `lease_until`). Every write-back is guarded
//! by the lease owner, so a worker that lost its lease cannot overwrite the
//! worker that took the row over.

use std::collections::BTreeMap;

use crate::domain::SubscriberStatus;

use super::{Backend, Millis, Store, StoreError, on_pool};

/// A ledger row claimed by a worker, with what it needs to render and send.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// Ledger row id.
    pub id: i64,
    /// The campaign it belongs to.
    pub campaign_id: i64,
    /// The person.
    pub subscriber_id: i64,
    /// Attempts including this one.
    pub attempts: i64,
    /// The recipient, unless the subscriber was erased meanwhile.
    pub recipient: Option<Recipient>,
}

/// The personal data a delivery needs, read at claim time (never logged).
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Address to send to.
    pub email: String,
    /// Name for the greeting; may be empty.
    pub name: String,
    /// Language tag as stored.
    pub language: String,
    /// Current status: only `confirmed` people are mailed.
    pub status: SubscriberStatus,
}

/// What happened to one claimed delivery.
#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    /// Accepted by the server (or written to the outbox) in `locale`.
    Sent {
        /// The ledger row.
        id: i64,
        /// The catalogue locale used.
        locale: String,
    },
    /// A transient failure; try again at `retry_at`.
    Retry {
        /// The ledger row.
        id: i64,
        /// The server's reply or the local error.
        error: String,
        /// When it becomes due again.
        retry_at: Millis,
    },
    /// Not tried: the relay is unreachable. Back to pending without spending
    /// an attempt, because the failure says nothing about this message.
    Deferred {
        /// The ledger row.
        id: i64,
        /// Why the relay could not be used.
        error: String,
        /// When it becomes due again.
        retry_at: Millis,
    },
    /// A permanent failure, or attempts exhausted.
    Failed {
        /// The ledger row.
        id: i64,
        /// The server's reply or the local error.
        error: String,
        /// The locale it was rendered in, if it got that far.
        locale: Option<String>,
        /// The server refused the address itself: counts toward `bounced`.
        hard_bounce: bool,
    },
    /// Not sent because this worker can no longer be sure it holds the lease
    /// (its heartbeat fell behind): handed back if it still holds it, left
    /// alone if another worker has taken it over.
    LeaseLost {
        /// The ledger row.
        id: i64,
    },
    /// Not sent on purpose (the person left or was erased after expansion).
    Skipped {
        /// The ledger row.
        id: i64,
        /// Why.
        reason: String,
    },
}

type DeliveryTuple = (
    i64,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// One ledger row as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRow {
    /// The person.
    pub subscriber_id: i64,
    /// Where it stands.
    pub state: crate::domain::DeliveryState,
    /// Claims so far.
    pub attempts: i64,
    /// The last failure's reply or reason.
    pub last_error: Option<String>,
    /// The locale used, once rendered.
    pub locale: Option<String>,
    /// The address hard-bounced.
    pub bounced: bool,
}

/// Ledger rows of one campaign by state.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LedgerCounts {
    /// Waiting to be sent (including retries).
    pub pending: i64,
    /// Claimed by a worker right now.
    pub sending: i64,
    /// Delivered.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
    /// Not sent on purpose.
    pub skipped: i64,
}

impl LedgerCounts {
    /// Every row.
    pub fn total(&self) -> i64 {
        self.pending + self.sending + self.sent + self.failed + self.skipped
    }
}

/// When the worker next has something to do, if anything is left at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backlog {
    /// Nothing scheduled, nothing unsettled: the worker may stop if asked to.
    Idle,
    /// Work exists; the earliest of it is due at this time (maybe already).
    DueAt(Millis),
}

/// The claim statement; `$lock` is empty on SQLite (one writer at a time) and
/// `FOR UPDATE OF d SKIP LOCKED` on PostgreSQL, so concurrent workers claim
/// disjoint batches without waiting on each other.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE deliveries SET state = 'sending', lease_owner = $1, lease_until = $2, ",
            "attempts = attempts + 1, updated_at = $3 ",
            "WHERE id IN (",
            "SELECT d.id FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id ",
            "WHERE c.status = 'running' AND (",
            "(d.state = 'pending' AND d.next_attempt_at <= $3) ",
            "OR (d.state = 'sending' AND d.lease_until < $3)) ",
            "ORDER BY d.id LIMIT $4 ",
            $lock,
            ") RETURNING id, campaign_id, subscriber_id, attempts, ",
            "(SELECT email FROM subscribers s WHERE s.id = subscriber_id), ",
            "(SELECT name FROM subscribers s WHERE s.id = subscriber_id), ",
            "(SELECT language FROM subscribers s WHERE s.id = subscriber_id), ",
            "(SELECT status FROM subscribers s WHERE s.id = subscriber_id)"
        )
    };
}
const CLAIM_SQLITE: &str = claim_sql!("");
const CLAIM_POSTGRES: &str = claim_sql!("FOR UPDATE OF d SKIP LOCKED");

type ClaimRow = (
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Starts every scheduled campaign that is due: marks it running and expands
    /// its audience into the ledger, once, in one transaction.
    ///
    /// Returns (campaign id, ledger rows created) for each campaign this call started.
    /// Concurrent workers race on the status guard; exactly one of them expands.
    pub async fn start_due_campaigns(&self, now: Millis) -> Result<Vec<(i64, u64)>, StoreError> {
        let due: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY id",
            )
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        let mut started = Vec::new();
        for id in due {
            let expanded = on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let won = sqlx::query(
                    "UPDATE campaigns SET status = 'running', started_at = $2, updated_at = $2 \
                     WHERE id = $1 AND status = 'scheduled'",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let mut rows = 0;
                if won == 1 {
                    // DISTINCT: a person on three target lists gets one message.
                    rows = sqlx::query(
                        "INSERT INTO deliveries (campaign_id, subscriber_id, state, region, \
                             next_attempt_at, created_at, updated_at) \
                         SELECT DISTINCT $1, s.id, 'pending', s.region, 0, $2, $2 \
                         FROM subscribers s \
                         JOIN memberships m ON m.subscriber_id = s.id \
                         JOIN campaign_lists cl ON cl.list_id = m.list_id \
                         WHERE cl.campaign_id = $1 AND s.status = 'confirmed' \
                         ON CONFLICT (campaign_id, subscriber_id) DO NOTHING",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                tx.commit().await?;
                (won == 1).then_some(rows)
            });
            if let Some(rows) = expanded {
                started.push((id, rows));
            }
        }
        Ok(started)
    }

    /// Claims up to `limit` due rows of running campaigns for `worker` until `lease_until`.
    ///
    /// Rows whose lease expired (their worker died) are taken over here too.
    pub async fn claim_deliveries(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => CLAIM_SQLITE,
            Backend::Postgres => CLAIM_POSTGRES,
        };
        let rows: Vec<ClaimRow> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(
                |(id, campaign_id, subscriber_id, attempts, email, name, language, status)| {
                    let recipient = match (email, status) {
                        (Some(email), Some(status)) => Some(Recipient {
                            email,
                            name: name.unwrap_or_default(),
                            language: language.unwrap_or_default(),
                            status: status.parse().map_err(|e| {
                                StoreError::Corrupt(format!("subscriber {subscriber_id}: {e}"))
                            })?,
                        }),
                        _ => None,
                    };
                    Ok(ClaimedDelivery {
                        id,
                        campaign_id,
                        subscriber_id,
                        attempts,
                        recipient,
                    })
                },
            )
            .collect()
    }

    /// Writes a batch of outcomes in one transaction; rows whose lease `worker`
    /// no longer holds are left alone. Returns how many rows were updated.
    ///
    /// A hard bounce adds to the subscriber's count; at `bounce_threshold` they
    /// become `bounced` and later campaigns skip them.
    pub async fn record_outcomes(
        &self,
        worker: &str,
        outcomes: &[DeliveryOutcome],
        now: Millis,
        bounce_threshold: i64,
    ) -> Result<u64, StoreError> {
        // Successes are the bulk: one statement per locale instead of one per row.
        let mut sent: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for outcome in outcomes {
            if let DeliveryOutcome::Sent { id, locale } = outcome {
                sent.entry(locale.as_str()).or_default().push(*id);
            }
        }
        let updated = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut updated = 0;
            for (locale, ids) in &sent {
                let mut query = sqlx::QueryBuilder::new(
                    "UPDATE deliveries SET state = 'sent', lease_owner = NULL, lease_until = NULL, \
                     last_error = NULL, locale = ",
                );
                query.push_bind(*locale);
                query.push(", sent_at = ").push_bind(now);
                query.push(", updated_at = ").push_bind(now);
                query.push(" WHERE state = 'sending' AND lease_owner = ").push_bind(worker);
                query.push(" AND id IN (");
                let mut list = query.separated(", ");
                for id in ids {
                    list.push_bind(*id);
                }
                query.push(")");
                updated += query.build().execute(&mut *tx).await?.rows_affected();
            }
            for outcome in outcomes {
                let result = match outcome {
                    DeliveryOutcome::Sent { .. } => continue,
                    DeliveryOutcome::LeaseLost { id } => sqlx::query(
                        "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL, \
                         attempts = attempts - 1, next_attempt_at = $1, updated_at = $1 \
                         WHERE id = $2 AND state = 'sending' AND lease_owner = $3",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(worker)
                    .execute(&mut *tx)
                    .await?,
                    DeliveryOutcome::Retry { id, error, retry_at } => sqlx::query(
                        "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL, \
                         last_error = $1, next_attempt_at = $2, updated_at = $3 \
                         WHERE id = $4 AND state = 'sending' AND lease_owner = $5",
                    )
                    .bind(error)
                    .bind(retry_at)
                    .bind(now)
                    .bind(id)
                    .bind(worker)
                    .execute(&mut *tx)
                    .await?,
                    DeliveryOutcome::Deferred { id, error, retry_at } => sqlx::query(
                        "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL, \
                         attempts = attempts - 1, last_error = $1, next_attempt_at = $2, updated_at = $3 \
                         WHERE id = $4 AND state = 'sending' AND lease_owner = $5",
                    )
                    .bind(error)
                    .bind(retry_at)
                    .bind(now)
                    .bind(id)
                    .bind(worker)
                    .execute(&mut *tx)
                    .await?,
                    DeliveryOutcome::Failed { id, error, locale, hard_bounce } => {
                        let result = sqlx::query(
                            "UPDATE deliveries SET state = 'failed', lease_owner = NULL, lease_until = NULL, \
                             last_error = $1, locale = COALESCE($2, locale), updated_at = $3, \
                             bounced_at = CASE WHEN $6 THEN $3 ELSE bounced_at END \
                             WHERE id = $4 AND state = 'sending' AND lease_owner = $5",
                        )
                        .bind(error)
                        .bind(locale)
                        .bind(now)
                        .bind(id)
                        .bind(worker)
                        .bind(hard_bounce)
                        .execute(&mut *tx)
                        .await?;
                        if *hard_bounce && result.rows_affected() == 1 {
                            sqlx::query(
                                "UPDATE subscribers SET hard_bounces = hard_bounces + 1, updated_at = $2, \
                                 status = CASE WHEN hard_bounces + 1 >= $3 AND status = 'confirmed' \
                                     THEN 'bounced' ELSE status END \
                                 WHERE id = (SELECT subscriber_id FROM deliveries WHERE id = $1)",
                            )
                            .bind(id)
                            .bind(now)
                            .bind(bounce_threshold)
                            .execute(&mut *tx)
                            .await?;
                        }
                        result
                    }
                    DeliveryOutcome::Skipped { id, reason } => sqlx::query(
                        "UPDATE deliveries SET state = 'skipped', lease_owner = NULL, lease_until = NULL, \
                         last_error = $1, updated_at = $2 \
                         WHERE id = $3 AND state = 'sending' AND lease_owner = $4",
                    )
                    .bind(reason)
                    .bind(now)
                    .bind(id)
                    .bind(worker)
                    .execute(&mut *tx)
                    .await?,
                };
                updated += result.rows_affected();
            }
            tx.commit().await?;
            updated
        });
        Ok(updated)
    }

    /// Extends the lease on every row `worker` holds: its heartbeat. A live
    /// worker keeps its rows however long its queue; a dead one stops renewing
    /// and its rows are taken over once the lease runs out.
    pub async fn extend_leases(
        &self,
        worker: &str,
        lease_until: Millis,
    ) -> Result<u64, StoreError> {
        let extended = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE deliveries SET lease_until = $2 WHERE state = 'sending' AND lease_owner = $1",
            )
            .bind(worker)
            .bind(lease_until)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(extended)
    }

    /// Hands back every row `worker` still holds (after its in-flight sends were
    /// recorded, these are rows it claimed but never tried).
    pub async fn release_deliveries(&self, worker: &str, now: Millis) -> Result<u64, StoreError> {
        let released = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL, \
                 attempts = attempts - 1, updated_at = $2 \
                 WHERE state = 'sending' AND lease_owner = $1",
            )
            .bind(worker)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
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

    /// Whether any work remains, and when the earliest of it is due.
    pub async fn backlog(&self) -> Result<Backlog, StoreError> {
        let (scheduled, pending, leased): (Option<i64>, Option<i64>, Option<i64>) = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT \
                    (SELECT MIN(scheduled_at) FROM campaigns WHERE status = 'scheduled'), \
                    (SELECT MIN(d.next_attempt_at) FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id \
                        WHERE c.status = 'running' AND d.state = 'pending'), \
                    (SELECT MIN(d.lease_until) FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id \
                        WHERE c.status = 'running' AND d.state = 'sending')",
            )
            .fetch_one(pool)
            .await?
        });
        let running_unsettled: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE status = 'running'")
                .fetch_one(pool)
                .await?
        });
        Ok(
            match [scheduled, pending, leased].into_iter().flatten().min() {
                Some(at) => Backlog::DueAt(at),
                // A running campaign with nothing unsettled is finished by the next pass.
                None if running_unsettled > 0 => Backlog::DueAt(0),
                None => Backlog::Idle,
            },
        )
    }

    /// Every ledger row of a campaign, in id order (for inspection and tests).
    pub async fn deliveries(&self, campaign_id: i64) -> Result<Vec<DeliveryRow>, StoreError> {
        let rows: Vec<DeliveryTuple> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT subscriber_id, state, attempts, last_error, locale, bounced_at \
                 FROM deliveries WHERE campaign_id = $1 ORDER BY id",
            )
            .bind(campaign_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(subscriber_id, state, attempts, last_error, locale, bounced_at)| {
                    Ok(DeliveryRow {
                        subscriber_id,
                        state: state
                            .parse()
                            .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
                        attempts,
                        last_error,
                        locale,
                        bounced: bounced_at.is_some(),
                    })
                },
            )
            .collect()
    }

    /// Rows of a campaign claimed more than once: retried or taken over.
    pub async fn rows_attempted_more_than_once(&self, campaign_id: i64) -> Result<i64, StoreError> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE campaign_id = $1 AND attempts > 1")
                .bind(campaign_id)
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// Ledger rows of one campaign by state.
    pub async fn ledger_counts(&self, campaign_id: i64) -> Result<LedgerCounts, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT state, COUNT(*) FROM deliveries WHERE campaign_id = $1 GROUP BY state")
                .bind(campaign_id)
                .fetch_all(pool)
                .await?
        });
        let mut counts = LedgerCounts::default();
        for (state, n) in rows {
            match state.as_str() {
                "pending" => counts.pending = n,
                "sending" => counts.sending = n,
                "sent" => counts.sent = n,
                "failed" => counts.failed = n,
                "skipped" => counts.skipped = n,
                other => return Err(StoreError::Corrupt(format!("delivery state `{other}`"))),
            }
        }
        Ok(counts)
    }
}
