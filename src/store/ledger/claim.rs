//! Starting campaigns (audience expansion), worker leases, and claiming rows.

use super::{ClaimedDelivery, Recipient};
use crate::store::{Backend, Millis, Store, StoreError, on_pool};
use crate::unsubscribe::LinkKey;

/// The columns every claim returns: the row, and the person read in the same
/// statement so a worker never sends to someone who left a moment before.
macro_rules! claimed_columns {
    () => {
        concat!(
            " RETURNING id, campaign_id, subscriber_id, attempts, ",
            "(SELECT email FROM subscribers s WHERE s.id = subscriber_id) AS email, ",
            "(SELECT name FROM subscribers s WHERE s.id = subscriber_id) AS name, ",
            "(SELECT language FROM subscribers s WHERE s.id = subscriber_id) AS language, ",
            "(SELECT status FROM subscribers s WHERE s.id = subscriber_id) AS status, ",
            "(SELECT link_key FROM subscribers s WHERE s.id = subscriber_id) AS link_key"
        )
    };
}

/// Due rows of one running campaign, oldest due first. `$lock` is empty on
/// SQLite (one writer at a time) and `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
/// concurrent workers claim disjoint batches without waiting on each other.
/// Per campaign, so the scan walks the `deliveries_claim` index from the first
/// due row instead of past every row already sent.
macro_rules! claim_due_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE deliveries SET state = 'sending', lease_owner = $1, lease_until = NULL, ",
            "attempts = attempts + 1, updated_at = $2 ",
            "WHERE id IN (SELECT d.id FROM deliveries d ",
            "WHERE d.campaign_id = $3 AND d.state = 'pending' AND d.next_attempt_at <= $2 ",
            "ORDER BY d.next_attempt_at LIMIT $4 ",
            $lock,
            ") AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = $3 AND c.status = 'running')",
            claimed_columns!()
        )
    };
}
const CLAIM_DUE_SQLITE: &str = claim_due_sql!("");
const CLAIM_DUE_POSTGRES: &str = claim_due_sql!("FOR UPDATE SKIP LOCKED");

/// Rows of running campaigns held by worker `$4`, whose lease has run out: it
/// died, or lost its database for a whole lease. Looked up by owner through
/// the partial index on `sending` rows: a scan of every `sending` entry would
/// wade through the dead index entries of every row ever sent (PostgreSQL
/// keeps them until vacuum), and it ran before every claim.
macro_rules! take_over_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE deliveries SET state = 'sending', lease_owner = $1, lease_until = NULL, ",
            "attempts = attempts + 1, updated_at = $2 ",
            "WHERE id IN (SELECT d.id FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id ",
            "WHERE d.lease_owner = $4 AND d.state = 'sending' AND c.status = 'running' ",
            "ORDER BY d.id LIMIT $3 ",
            $lock,
            ")",
            claimed_columns!()
        )
    };
}
const TAKE_OVER_SQLITE: &str = take_over_sql!("");
const TAKE_OVER_POSTGRES: &str = take_over_sql!("FOR UPDATE OF d SKIP LOCKED");

/// A claimed row as [`claimed_columns!`] returns it; the person's columns are
/// empty when they were erased.
#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i64,
    campaign_id: i64,
    subscriber_id: i64,
    attempts: i64,
    email: Option<String>,
    name: Option<String>,
    language: Option<String>,
    status: Option<String>,
    link_key: Option<Vec<u8>>,
}

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
                    // ...but counts under each of those lists in reach by list. With
                    // one target list there is nothing to record: every row came
                    // through it (reach reads that from campaign_lists).
                    sqlx::query(
                        "INSERT INTO delivery_lists (campaign_id, subscriber_id, list_id) \
                         SELECT $1, s.id, m.list_id \
                         FROM subscribers s \
                         JOIN memberships m ON m.subscriber_id = s.id \
                         JOIN campaign_lists cl ON cl.list_id = m.list_id \
                         WHERE cl.campaign_id = $1 AND s.status = 'confirmed' \
                         AND (SELECT COUNT(*) FROM campaign_lists o WHERE o.campaign_id = $1) > 1 \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
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

    /// Records a new worker lease, live until `lease_until`.
    pub async fn register_lease(
        &self,
        owner: &str,
        lease_until: Millis,
        now: Millis,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO worker_leases (owner, lease_until, started_at) VALUES ($1, $2, $3)",
            )
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The heartbeat: extends `owner`'s lease to `lease_until` if it is still
    /// live at `now`. `false` means it had run out: its rows may already belong
    /// to another worker, and reviving it would let two workers send them.
    pub async fn renew_lease(
        &self,
        owner: &str,
        lease_until: Millis,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let renewed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE worker_leases SET lease_until = $2 WHERE owner = $1 AND lease_until >= $3",
            )
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(renewed == 1)
    }

    /// Forgets `owner`'s lease once it holds no rows (a clean shutdown, or a
    /// dead worker whose rows were all taken over).
    pub async fn drop_lease(&self, owner: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "DELETE FROM worker_leases WHERE owner = $1 AND NOT EXISTS \
                 (SELECT 1 FROM deliveries d WHERE d.state = 'sending' AND d.lease_owner = $1)",
            )
            .bind(owner)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Claims up to `limit` due rows for `owner`: first rows whose worker's
    /// lease ran out (taken over), then due rows of running campaigns in
    /// campaign order.
    pub async fn claim_deliveries(
        &self,
        owner: &str,
        now: Millis,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let (take_over, claim_due) = match self.backend() {
            Backend::Sqlite => (TAKE_OVER_SQLITE, CLAIM_DUE_SQLITE),
            Backend::Postgres => (TAKE_OVER_POSTGRES, CLAIM_DUE_POSTGRES),
        };
        let mut rows: Vec<ClaimRow> = Vec::new();
        let expired: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT owner FROM worker_leases WHERE lease_until < $1 AND owner <> $2 ORDER BY owner",
            )
            .bind(now)
            .bind(owner)
            .fetch_all(pool)
            .await?
        });
        for dead in expired {
            let room = limit - rows.len() as i64;
            if room <= 0 {
                break;
            }
            let taken: Vec<ClaimRow> = on_pool!(self, pool => {
                sqlx::query_as(take_over)
                    .bind(owner)
                    .bind(now)
                    .bind(room)
                    .bind(&dead)
                    .fetch_all(pool)
                    .await?
            });
            if (taken.len() as i64) < room {
                // Nothing of it left to take: forget it, so the next claim does
                // not look again. (A paused campaign's rows keep it until then.)
                self.drop_lease(&dead).await?;
            }
            rows.extend(taken);
        }
        if (rows.len() as i64) < limit {
            let running: Vec<i64> = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT id FROM campaigns WHERE status = 'running' ORDER BY id")
                    .fetch_all(pool)
                    .await?
            });
            for campaign_id in running {
                let room = limit - rows.len() as i64;
                if room <= 0 {
                    break;
                }
                let claimed: Vec<ClaimRow> = on_pool!(self, pool => {
                    sqlx::query_as(claim_due)
                        .bind(owner)
                        .bind(now)
                        .bind(campaign_id)
                        .bind(room)
                        .fetch_all(pool)
                        .await?
                });
                rows.extend(claimed);
            }
        }
        rows.into_iter().map(claimed_delivery).collect()
    }
}

fn claimed_delivery(row: ClaimRow) -> Result<ClaimedDelivery, StoreError> {
    let subscriber_id = row.subscriber_id;
    let recipient = match (row.email, row.status) {
        (Some(email), Some(status)) => Some(Recipient {
            email,
            name: row.name.unwrap_or_default(),
            language: row.language.unwrap_or_default(),
            status: status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("subscriber {subscriber_id}: {e}")))?,
            link_key: row
                .link_key
                .as_deref()
                .and_then(LinkKey::from_bytes)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("subscriber {subscriber_id}: link key"))
                })?,
        }),
        _ => None,
    };
    Ok(ClaimedDelivery {
        id: row.id,
        campaign_id: row.campaign_id,
        subscriber_id,
        attempts: row.attempts,
        recipient,
    })
}
