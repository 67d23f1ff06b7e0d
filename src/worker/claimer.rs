//! The claiming side of the pipeline: starts due campaigns, claims leased
//! batches and queues them for the senders.
//!
//! It runs as a task of its own so that a database statement is always driven
//! to completion: on SQLite a half-read `UPDATE … RETURNING` holds the write
//! lock, and the committer would wait on it forever.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

use super::gate::RelayGate;
use super::lease::{Lease, Leases};
use crate::store::{Backlog, ClaimedDelivery, Store, StoreError, now_millis};

/// A claimed row with the campaign facts needed to send it.
pub struct Job {
    /// The ledger row and its recipient.
    pub delivery: ClaimedDelivery,
    /// The catalogue message of its campaign.
    pub message_id: Arc<str>,
    /// The lease it was claimed under: it is sent only while that holds.
    pub lease: Arc<Lease>,
}

/// What the claimer did.
#[derive(Debug, Default)]
pub struct Claimed {
    /// Campaigns this worker started (expanded).
    pub campaigns_started: Vec<i64>,
    /// Campaigns this worker marked done.
    pub campaigns_finished: Vec<i64>,
    /// The database error that stopped it, if one did.
    pub error: Option<StoreError>,
}

// Consecutive database failures tolerated before the worker gives up.
const MAX_STORE_FAILURES: u32 = 10;

/// The claiming task's settings and channels.
pub struct Claimer {
    /// The ledger.
    pub store: Store,
    /// The lease claims are made under.
    pub leases: Arc<Leases>,
    /// Rows per claim.
    pub batch_size: i64,
    /// Longest sleep when nothing is due.
    pub poll_interval: Duration,
    /// Stop once nothing is left instead of waiting for more.
    pub until_idle: bool,
    /// Closed while the relay is unreachable: no claims then.
    pub gate: Arc<RelayGate>,
    /// Rung by the committer when outcomes land.
    pub committed: Arc<Notify>,
    /// Where claimed rows go to the senders.
    pub jobs: mpsc::Sender<Job>,
    /// Stops claiming.
    pub stop: CancellationToken,
}

impl Claimer {
    /// Claims and queues batches until stopped, idle (with `until_idle`) or failing.
    #[tracing::instrument(name = "claim", skip_all)]
    pub async fn run(self) -> Claimed {
        let mut claimed = Claimed::default();
        let mut campaigns: HashMap<i64, Arc<str>> = HashMap::new();
        let (mut failures, mut outages) = (0, 0);
        while !self.stop.is_cancelled() {
            match self.round(&mut claimed, &mut campaigns).await {
                Ok(true) => (failures, outages) = (0, 0),
                Ok(false) => break,
                // An outage (a full disk, a lost connection) is waited out
                // however long it lasts; a refusal stops the worker.
                Err(error) if error.is_outage() => {
                    outages += 1;
                    tracing::warn!(%error, outages, "the database is out of reach; claiming paused");
                    self.pause(self.poll_interval).await;
                }
                Err(error) => {
                    failures += 1;
                    tracing::warn!(%error, failures, "database error while claiming");
                    if failures >= MAX_STORE_FAILURES {
                        claimed.error = Some(error);
                        break;
                    }
                    self.pause(self.poll_interval).await;
                }
            }
        }
        claimed
    }

    /// One round; `Ok(false)` when the worker should stop.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn round(
        &self,
        claimed: &mut Claimed,
        campaigns: &mut HashMap<i64, Arc<str>>,
    ) -> Result<bool, StoreError> {
        if let Some(until) = self.gate.closed_until() {
            self.pause(Duration::from_millis((until - now_millis()).max(0) as u64))
                .await;
            return Ok(true);
        }
        // Wait for room for a whole batch before claiming it, so claimed rows
        // queue here as briefly as possible.
        let Ok(permits) = self.jobs.reserve_many(self.batch_size as usize).await else {
            return Ok(false);
        };
        let now = now_millis();
        for (campaign_id, rows) in self.store.start_due_campaigns(now).await? {
            tracing::info!(campaign_id, recipients = rows, "campaign started");
            claimed.campaigns_started.push(campaign_id);
        }
        let lease = self.leases.for_claiming(&self.store).await?;
        let batch = self
            .store
            .claim_deliveries(&lease.owner, now, self.batch_size)
            .await?;
        if !batch.is_empty() {
            let mut permits = permits;
            for delivery in batch {
                let message_id = match campaigns.get(&delivery.campaign_id) {
                    Some(id) => id.clone(),
                    None => {
                        let id: Arc<str> = self
                            .store
                            .campaign(delivery.campaign_id)
                            .await?
                            .message_id
                            .into();
                        campaigns.insert(delivery.campaign_id, id.clone());
                        id
                    }
                };
                permits
                    .next()
                    .expect("one permit per claimed row")
                    .send(Job {
                        delivery,
                        message_id,
                        lease: lease.clone(),
                    });
            }
            return Ok(true);
        }
        drop(permits);
        let skipped = self.store.sweep(now).await?;
        if skipped > 0 {
            tracing::info!(
                skipped,
                "skipped rows of cancelled campaigns left by a dead worker"
            );
        }
        for campaign_id in self.store.finish_campaigns(now).await? {
            tracing::info!(campaign_id, "campaign done");
            claimed.campaigns_finished.push(campaign_id);
        }
        let wait = match self.store.backlog().await? {
            Backlog::Idle if self.until_idle => return Ok(false),
            Backlog::Idle => self.poll_interval,
            Backlog::DueAt(at) => {
                Duration::from_millis((at - now).max(0) as u64).min(self.poll_interval)
            }
        };
        self.pause(wait).await;
        Ok(true)
    }

    /// Sleeps, waking early when outcomes land (a retry or a finished campaign
    /// may be due) or when the worker is stopped.
    async fn pause(&self, wait: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = self.committed.notified() => {}
            _ = self.stop.cancelled() => {}
        }
    }
}
