//! The writing side of the pipeline: outcomes back to the ledger in batches.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use crate::store::{DeliveryOutcome, Store, StoreError, now_millis};

/// An outcome with the lease owner its row was claimed under (the write-back
/// guard).
pub struct Settled {
    /// The `lease_owner` of the row.
    pub owner: Arc<str>,
    /// What happened.
    pub outcome: DeliveryOutcome,
}

/// Counts of what the committer recorded.
#[derive(Debug, Default)]
pub struct Committed {
    /// Accepted by the transport.
    pub sent: u64,
    /// Back to pending for another attempt.
    pub retried: u64,
    /// Given up on.
    pub failed: u64,
    /// Not sent on purpose.
    pub skipped: u64,
    /// Handed back unsent (lease in doubt, campaign paused or cancelled).
    pub released: u64,
}

/// Outcomes written per transaction at most.
pub const COMMIT_BATCH: usize = 256;
// How long the first outcome of a batch waits for company. Every transaction
// rewrites the ledger pages it touches (and on SQLite takes the write lock),
// so 256 outcomes in one cost about what 10 do; waiting a few milliseconds
// turns a trickle of tiny transactions into full ones at high send rates.
const COMMIT_LINGER: Duration = Duration::from_millis(20);
// Attempts at recording a batch before the worker gives up.
const RECORD_ATTEMPTS: u32 = 10;

/// Writes outcomes back in batches until the channel closes.
pub async fn commit_outcomes(
    store: Store,
    bounce_threshold: i64,
    mut settled: mpsc::Receiver<Settled>,
    committed: Arc<Notify>,
) -> Result<Committed, StoreError> {
    let mut counts = Committed::default();
    let mut batch = Vec::with_capacity(COMMIT_BATCH);
    let mut outcomes = Vec::with_capacity(COMMIT_BATCH);
    while settled.recv_many(&mut batch, COMMIT_BATCH).await > 0 {
        let deadline = tokio::time::Instant::now() + COMMIT_LINGER;
        while batch.len() < COMMIT_BATCH {
            let room = COMMIT_BATCH - batch.len();
            match tokio::time::timeout_at(deadline, settled.recv_many(&mut batch, room)).await {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
        // Nearly always one owner; a new lease epoch mid-batch makes two.
        batch.sort_by(|a, b| a.owner.cmp(&b.owner));
        for group in batch.chunk_by(|a, b| a.owner == b.owner) {
            outcomes.clear();
            outcomes.extend(group.iter().map(|s| s.outcome.clone()));
            record(&store, &group[0].owner, &outcomes, bounce_threshold).await?;
        }
        for Settled { outcome, .. } in batch.drain(..) {
            match outcome {
                DeliveryOutcome::Sent { .. } => counts.sent += 1,
                DeliveryOutcome::Retry { .. } | DeliveryOutcome::Deferred { .. } => {
                    counts.retried += 1
                }
                DeliveryOutcome::Failed { .. } => counts.failed += 1,
                DeliveryOutcome::Skipped { .. } => counts.skipped += 1,
                DeliveryOutcome::Released { .. } => counts.released += 1,
            }
        }
        committed.notify_one();
    }
    Ok(counts)
}

async fn record(
    store: &Store,
    owner: &str,
    outcomes: &[DeliveryOutcome],
    bounce_threshold: i64,
) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        match store
            .record_outcomes(owner, outcomes, now_millis(), bounce_threshold)
            .await
        {
            Ok(_) => return Ok(()),
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
}
