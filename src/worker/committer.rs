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
///
/// One batch is written while the next is gathered: senders hand their
/// outcomes over and go on sending instead of waiting for the database (a
/// PostgreSQL commit waits for its WAL flush; the outcome queue holds a few
/// milliseconds of sending).
pub async fn commit_outcomes(
    store: Store,
    bounce_threshold: i64,
    mut settled: mpsc::Receiver<Settled>,
    committed: Arc<Notify>,
) -> Result<Committed, StoreError> {
    let mut counts = Committed::default();
    let mut next = Vec::with_capacity(COMMIT_BATCH);
    let mut open = true;
    let mut writing = None;
    loop {
        if writing.is_none() {
            if next.is_empty() {
                if !open || settled.recv_many(&mut next, COMMIT_BATCH).await == 0 {
                    break;
                }
                open = linger(&mut settled, &mut next).await;
            }
            let batch = std::mem::replace(&mut next, Vec::with_capacity(COMMIT_BATCH));
            writing = Some(Box::pin(write(&store, batch, bounce_threshold)));
        }
        let write = writing.as_mut().expect("a write is under way");
        let room = COMMIT_BATCH - next.len();
        tokio::select! {
            written = write => {
                writing = None;
                counts.add(&written?);
                committed.notify_one();
            }
            received = settled.recv_many(&mut next, room), if open && room > 0 => {
                open = received > 0;
            }
        }
    }
    Ok(counts)
}

/// Lets the first outcomes of a batch wait up to [`COMMIT_LINGER`] for more;
/// false once the channel is closed.
async fn linger(settled: &mut mpsc::Receiver<Settled>, batch: &mut Vec<Settled>) -> bool {
    let deadline = tokio::time::Instant::now() + COMMIT_LINGER;
    while batch.len() < COMMIT_BATCH {
        let room = COMMIT_BATCH - batch.len();
        match tokio::time::timeout_at(deadline, settled.recv_many(batch, room)).await {
            Ok(0) => return false,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    true
}

/// Records one batch, grouped by lease owner; returns it for counting.
async fn write(
    store: &Store,
    mut batch: Vec<Settled>,
    bounce_threshold: i64,
) -> Result<Vec<Settled>, StoreError> {
    // Nearly always one owner; a new lease epoch mid-batch makes two.
    batch.sort_by(|a, b| a.owner.cmp(&b.owner));
    let mut outcomes = Vec::with_capacity(batch.len());
    for group in batch.chunk_by(|a, b| a.owner == b.owner) {
        outcomes.clear();
        outcomes.extend(group.iter().map(|s| s.outcome.clone()));
        record(store, &group[0].owner, &outcomes, bounce_threshold).await?;
    }
    Ok(batch)
}

impl Committed {
    fn add(&mut self, written: &[Settled]) {
        for Settled { outcome, .. } in written {
            match outcome {
                DeliveryOutcome::Sent { .. } => self.sent += 1,
                DeliveryOutcome::Retry { .. } | DeliveryOutcome::Deferred { .. } => {
                    self.retried += 1
                }
                DeliveryOutcome::Failed { .. } => self.failed += 1,
                DeliveryOutcome::Skipped { .. } => self.skipped += 1,
                DeliveryOutcome::Released { .. } => self.released += 1,
            }
        }
    }
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
