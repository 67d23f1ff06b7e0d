//! The delivery ledger: audience expansion, leased claims, and recorded outcomes.
//!
//! A row moves `pending → sending → sent | failed | skipped | pending (retry)`.
//! A `sending` row names its `lease_owner`; the lease itself is the owner's row
//! in `worker_leases`, renewed by one heartbeat statement. When it runs out,
//! another worker takes the row over. Every write-back is guarded by the owner,
//! so a worker that lost its lease cannot overwrite the one that took over.

mod claim;
mod inspect;
mod outcomes;

use crate::domain::SubscriberStatus;
use crate::unsubscribe::LinkKey;

use super::Millis;

pub use inspect::{Backlog, DeliveryRow, LedgerCounts};
pub(crate) use inspect::{CountsRow, ledger_count_columns};

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
    /// Their link key, signed into the unsubscribe link.
    pub link_key: LinkKey,
}

/// What happened to one claimed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Not sent, because this worker can no longer be sure it holds the lease
    /// (its heartbeat fell behind) or because the campaign was paused or
    /// cancelled after the row was claimed. Handed back without spending an
    /// attempt if the worker still holds it; a cancelled campaign's row is
    /// skipped instead.
    Released {
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

impl DeliveryOutcome {
    /// The ledger row this outcome is about.
    pub fn id(&self) -> i64 {
        match self {
            Self::Sent { id, .. }
            | Self::Retry { id, .. }
            | Self::Deferred { id, .. }
            | Self::Failed { id, .. }
            | Self::Released { id }
            | Self::Skipped { id, .. } => *id,
        }
    }
}
