//! The writing side of the pipeline: outcomes back to the ledger in batches.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use super::gate::RelayGate;
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
// Attempts at recording a batch before the worker gives up, when the database
// refuses it (an outage is waited out instead).
const RECORD_ATTEMPTS: u32 = 10;
// Pauses between attempts while the ledger cannot write: 100 ms doubling to 5 s.
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LONGEST_RETRY: Duration = Duration::from_secs(5);

/// Writes outcomes back in batches until the channel closes.
///
/// One batch is written while the next is gathered: senders hand their
/// outcomes over and go on sending instead of waiting for the database (a
/// PostgreSQL commit waits for its WAL flush; the outcome queue holds a few
/// milliseconds of sending).
///
/// When a batch cannot be written (a full disk, a lost connection) the
/// outcomes are kept and written again with back-off, and `gate` stays closed
/// meanwhile so that nothing more is sent that could not be recorded. Only
/// once `give_up` fires (the shutdown deadline) are unwritten outcomes
/// abandoned, with the error that kept them out.
#[tracing::instrument(skip_all)]
pub async fn commit_outcomes(
    store: Store,
    bounce_threshold: i64,
    mut settled: mpsc::Receiver<Settled>,
    committed: Arc<Notify>,
    gate: Arc<RelayGate>,
    give_up: CancellationToken,
) -> Result<Committed, StoreError> {
    let mut counts = Committed::default();
    // Received and not yet written, oldest first.
    let mut held = Vec::with_capacity(COMMIT_BATCH);
    let mut open = true;
    let mut writing = None;
    let mut failures = 0u32;
    let mut outage = false;
    let mut last_error = None;
    let mut in_write = 0;
    loop {
        if writing.is_none() {
            if held.is_empty() {
                if !open || settled.recv_many(&mut held, COMMIT_BATCH).await == 0 {
                    break;
                }
                open = linger(&mut settled, &mut held).await;
            }
            let batch: Vec<_> = held.drain(..held.len().min(COMMIT_BATCH)).collect();
            in_write = batch.len();
            let wait = (failures > 0).then(|| {
                FIRST_RETRY
                    .saturating_mul(1 << (failures - 1).min(8))
                    .min(LONGEST_RETRY)
            });
            writing = Some(Box::pin(write(&store, batch, bounce_threshold, wait)));
        }
        let write = writing.as_mut().expect("a write is under way");
        // Gathering stops at a batch ahead (back-pressure keeps "sent but not
        // recorded" small), except in an outage: the gate stops the sends then,
        // and what still comes in is what was already under way.
        let room = if outage {
            COMMIT_BATCH
        } else {
            COMMIT_BATCH.saturating_sub(held.len())
        };
        let gather = open && room > 0;
        tokio::select! {
            written = write => {
                writing = None;
                match written {
                    Ok(batch) => {
                        counts.add(&batch);
                        failures = 0;
                        if outage && held.is_empty() {
                            outage = false;
                            gate.ledger_writes();
                            tracing::info!("the ledger records outcomes again; sending resumes");
                        }
                        committed.notify_one();
                    }
                    Err((batch, error)) => {
                        failures += 1;
                        let unwritten = batch.len() + held.len();
                        held.splice(0..0, batch);
                        if !error.is_outage() && failures >= RECORD_ATTEMPTS {
                            return Err(error);
                        }
                        outage = true;
                        gate.ledger_fails();
                        tracing::warn!(%error, failures, unwritten,
                            "cannot record outcomes; sends paused, outcomes kept to write again");
                        if give_up.is_cancelled() {
                            return Err(abandon(error, unwritten));
                        }
                        last_error = Some(error);
                    }
                }
            }
            received = settled.recv_many(&mut held, room), if gather => {
                open = received > 0;
            }
            _ = give_up.cancelled(), if outage => {
                let error = last_error.take().expect("an outage has its error");
                return Err(abandon(error, in_write + held.len()));
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

/// Records one batch, grouped by lease owner, after waiting `wait` if given;
/// returns it for counting, or with the error if it could not be written.
///
/// Writing a batch again is harmless: each write is guarded by the row still
/// being `sending` under its owner.
#[tracing::instrument(skip_all, fields(outcomes = batch.len()))]
async fn write(
    store: &Store,
    mut batch: Vec<Settled>,
    bounce_threshold: i64,
    wait: Option<Duration>,
) -> Result<Vec<Settled>, (Vec<Settled>, StoreError)> {
    if let Some(wait) = wait {
        tokio::time::sleep(wait).await;
    }
    // Nearly always one owner; a new lease epoch mid-batch makes two.
    batch.sort_by(|a, b| a.owner.cmp(&b.owner));
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut failed = None;
    for group in batch.chunk_by(|a, b| a.owner == b.owner) {
        outcomes.clear();
        outcomes.extend(group.iter().map(|s| s.outcome.clone()));
        if let Err(error) = store
            .record_outcomes(&group[0].owner, &outcomes, now_millis(), bounce_threshold)
            .await
        {
            failed = Some(error);
            break;
        }
    }
    match failed {
        None => Ok(batch),
        Some(error) => Err((batch, error)),
    }
}

/// Gives up on outcomes that could not be written by the shutdown deadline.
fn abandon(error: StoreError, unwritten: usize) -> StoreError {
    tracing::error!(%error, unwritten,
        "stopping with outcomes the ledger could not record; \
         those rows will be sent again once their lease runs out");
    error
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
