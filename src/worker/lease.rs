//! This worker's lease on the rows it claims, and the heartbeat that renews it.
//!
//! A lease is one row in `worker_leases`. Each claimed job holds the lease it
//! was claimed under and is sent only while that lease is known to be live.
//! When a renewal comes too late (the database was out of reach for a whole
//! lease), other workers may already have taken the rows over: the old lease
//! is given up for good — its queued jobs are handed back unsent — and the
//! next claim starts a new epoch under a new owner name.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{Millis, Store, StoreError, now_millis};

/// One epoch of this worker's lease.
#[derive(Debug)]
pub struct Lease {
    /// The `lease_owner` written on claimed rows.
    pub owner: Arc<str>,
    /// Until when the lease is known to be live; 0 once lost.
    until: AtomicI64,
}

impl Lease {
    /// Whether rows held under this lease may still be sent at `now`, leaving
    /// `margin` for clock skew between machines and the send itself.
    pub fn holds(&self, now: Millis, margin: Millis) -> bool {
        now + margin < self.until.load(Ordering::Acquire)
    }
}

/// The current lease and every epoch this worker has used.
pub struct Leases {
    base: String,
    length: Duration,
    epoch: AtomicU32,
    current: Mutex<Option<Arc<Lease>>>,
    owners: Mutex<Vec<Arc<str>>>,
}

impl Leases {
    /// Leases named after `base` (`host:pid:random`), each `length` long.
    pub fn new(base: String, length: Duration) -> Self {
        Self {
            base,
            length,
            epoch: AtomicU32::new(0),
            current: Mutex::default(),
            owners: Mutex::default(),
        }
    }

    /// How long a lease lasts without renewal.
    pub fn length(&self) -> Millis {
        self.length.as_millis() as Millis
    }

    /// Slack kept before a lease's end: no send starts closer to it than this.
    pub fn margin(&self) -> Millis {
        (self.length() / 4).max(250)
    }

    /// The live lease to claim under, registering a new epoch when there is
    /// none yet or the current one is too close to its end.
    pub async fn for_claiming(&self, store: &Store) -> Result<Arc<Lease>, StoreError> {
        let now = now_millis();
        if let Some(lease) = self.current()
            && lease.holds(now, self.margin())
        {
            return Ok(lease);
        }
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel);
        let owner: Arc<str> = format!("{}:{epoch}", self.base).into();
        let until = now + self.length();
        store.register_lease(&owner, until, now).await?;
        let lease = Arc::new(Lease {
            owner: owner.clone(),
            until: AtomicI64::new(until),
        });
        self.owners.lock().expect("not poisoned").push(owner);
        *self.current.lock().expect("not poisoned") = Some(lease.clone());
        Ok(lease)
    }

    /// Every owner name this worker has claimed under (to hand rows back at exit).
    pub fn owners(&self) -> Vec<Arc<str>> {
        self.owners.lock().expect("not poisoned").clone()
    }

    fn current(&self) -> Option<Arc<Lease>> {
        self.current.lock().expect("not poisoned").clone()
    }

    /// Renews the current lease every third of its length until stopped.
    pub async fn heartbeat(self: Arc<Self>, store: Store, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(self.length / 3);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let Some(lease) = self.current() else {
                continue;
            };
            let now = now_millis();
            let until = now + self.length();
            match store.renew_lease(&lease.owner, until, now).await {
                Ok(true) => {
                    lease.until.fetch_max(until, Ordering::AcqRel);
                }
                Ok(false) => {
                    tracing::warn!(owner = %lease.owner,
                        "lease ran out before it could be renewed; its rows may be taken over, \
                         so they will not be sent by this worker");
                    self.give_up(&lease);
                }
                // Not fatal: the lease is three ticks long, the next tick may succeed;
                // meanwhile senders stop sending rows whose lease may have run out.
                Err(error) => tracing::warn!(%error, "could not renew the lease"),
            }
        }
    }

    fn give_up(&self, lease: &Arc<Lease>) {
        lease.until.store(0, Ordering::Release);
        let mut current = self.current.lock().expect("not poisoned");
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, lease)) {
            *current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_holds_only_with_room_to_spare() {
        let lease = Lease {
            owner: "w:0".into(),
            until: AtomicI64::new(10_000),
        };
        assert!(lease.holds(5_000, 1_000));
        assert!(!lease.holds(9_500, 1_000));
        lease.until.store(0, Ordering::Release);
        assert!(!lease.holds(0, 0));
    }
}
