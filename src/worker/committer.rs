//! The writing side of the pipeline: outcomes back to the ledger in batches,
//! and the heartbeat that keeps this worker's leases alive.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use crate::store::{DeliveryOutcome, Millis, Store, StoreError, now_millis};

/// Counts of what the committer recorded.
#[derive(Debug, Default)]
pub struct Committed {
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
    pub skipped: u64,
    pub lease_lost: u64,
}

// Outcomes written per transaction at most.
const COMMIT_BATCH: usize = 256;
// Attempts at recording a batch before the worker gives up.
const RECORD_ATTEMPTS: u32 = 10;

/// Writes outcomes back in batches until the channel closes.
pub async fn commit_outcomes(
    store: Store,
    worker: String,
    bounce_threshold: i64,
    mut outcomes: mpsc::Receiver<DeliveryOutcome>,
    committed: Arc<Notify>,
) -> Result<Committed, StoreError> {
    let mut counts = Committed::default();
    let mut batch = Vec::with_capacity(COMMIT_BATCH);
    while outcomes.recv_many(&mut batch, COMMIT_BATCH).await > 0 {
        let mut attempt = 0;
        loop {
            match store
                .record_outcomes(&worker, &batch, now_millis(), bounce_threshold)
                .await
            {
                Ok(_) => break,
                // Rows left `sending` would be re-sent after their lease expires:
                // try hard before giving up on recording.
                Err(error) if attempt < RECORD_ATTEMPTS => {
                    attempt += 1;
                    tracing::warn!(%error, attempt, "database error while recording outcomes");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
                Err(error) => return Err(error),
            }
        }
        for outcome in batch.drain(..) {
            match outcome {
                DeliveryOutcome::Sent { .. } => counts.sent += 1,
                DeliveryOutcome::Retry { .. } | DeliveryOutcome::Deferred { .. } => {
                    counts.retried += 1
                }
                DeliveryOutcome::Failed { .. } => counts.failed += 1,
                DeliveryOutcome::Skipped { .. } => counts.skipped += 1,
                DeliveryOutcome::LeaseLost { .. } => counts.lease_lost += 1,
            }
        }
        committed.notify_one();
    }
    Ok(counts)
}

/// Renews this worker's leases every third of the lease until stopped, and
/// records in `renewed_until` how long the renewed leases are known to last.
pub async fn heartbeat(
    store: Store,
    worker: String,
    lease: Duration,
    renewed_until: Arc<AtomicI64>,
    stop: CancellationToken,
) {
    let mut ticks = tokio::time::interval(lease / 3);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let until = now_millis() + lease.as_millis() as Millis;
        match store.extend_leases(&worker, until).await {
            Ok(_) => {
                renewed_until.fetch_max(until, Ordering::AcqRel);
            }
            // Not fatal: the lease is three ticks long, the next tick may succeed;
            // meanwhile senders stop sending rows whose lease may have run out.
            Err(error) => tracing::warn!(%error, "could not renew leases"),
        }
    }
}
