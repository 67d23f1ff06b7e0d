//! Retries: failed deliveries put back in the queue by staff.

use crate::app::{App, AppError};
use crate::domain::Actor;
use crate::store::{Campaign, DeliveryRetry, now_millis};

/// Failed deliveries put back in the queue by staff.
#[derive(Debug, Clone)]
pub struct Retried {
    /// The campaign as it is now (`running` again if it was `done`).
    pub campaign: Campaign,
    /// The retry as the ledger records it.
    pub retry: DeliveryRetry,
}

/// The most characters of a retry's reason the ledger keeps.
pub const RETRY_REASON_CHARS: usize = 500;

impl<R> App<R> {
    /// Puts campaign `id`'s failed deliveries back in the queue with a fresh
    /// set of attempts, recording `reason` and who asked in the ledger.
    /// Bounced, unsubscribed and erased people are not retried.
    pub async fn retry_failed(
        &self,
        id: i64,
        reason: &str,
        requested_by: &str,
        actor: &Actor,
    ) -> Result<Retried, AppError> {
        // One line of words, as typed: control characters would break the
        // tables and logs that show it.
        let reason: String = reason
            .trim()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(RETRY_REASON_CHARS)
            .collect();
        let retry = self
            .store
            .retry_failed(id, &reason, requested_by, now_millis(), actor)
            .await?;
        tracing::info!(
            campaign_id = id,
            retry_id = retry.id,
            rows = retry.rows_retried,
            "failed deliveries put back in the queue"
        );
        Ok(Retried {
            campaign: self.store.campaign(id).await?,
            retry,
        })
    }
}
