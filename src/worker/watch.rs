//! Which campaigns were paused or cancelled, as seen by this worker.
//!
//! Claiming stops for a paused campaign at once, but a worker may hold up to
//! a queue's worth of its rows already; the senders consult this set before
//! each send and hand those rows back instead.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// How often the worker re-reads campaign states: the bound on how long a
/// paused campaign keeps sending from rows already claimed.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(250);

/// The campaigns paused or cancelled at the last look: their claimed rows must not be sent.
#[derive(Debug, Default)]
pub struct StoppedCampaigns {
    campaigns: RwLock<HashSet<i64>>,
}

impl StoppedCampaigns {
    /// Whether `campaign_id` was paused or cancelled at the last look.
    pub fn halted(&self, campaign_id: i64) -> bool {
        self.campaigns
            .read()
            .expect("not poisoned")
            .contains(&campaign_id)
    }

    /// Re-reads the halted campaigns every [`WATCH_INTERVAL`] until stopped.
    pub async fn watch(self: Arc<Self>, store: Store, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(WATCH_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            match store.halted_campaigns().await {
                Ok(ids) => {
                    *self.campaigns.write().expect("not poisoned") = ids.into_iter().collect()
                }
                // Keep the last known set; the next tick may succeed.
                Err(error) => tracing::warn!(%error, "could not read campaign states"),
            }
        }
    }
}
