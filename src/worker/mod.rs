//! The delivery worker: claim due ledger rows, render and send them with bounded
//! concurrency, record the outcomes in batches.
//!
//! Three tasks make one pipeline. The claimer starts due campaigns and queues
//! leased rows; the senders (`buffer_unordered`, up to `concurrency` in flight,
//! paced by the rate limit) render and send them; the committer writes the
//! outcomes back in batches. A heartbeat renews the leases meanwhile.
//!
//! Stopping (Ctrl-C, SIGTERM) stops the claimer; in-flight sends get up to
//! `shutdown_timeout` to finish and be recorded, and every row claimed but not
//! sent is handed back.

mod claimer;
mod committer;
mod gate;
mod retry;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Notify, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

pub use retry::RetryPolicy;

use self::claimer::{Claimer, Job};
use self::gate::RelayGate;
use crate::domain::SubscriberStatus;
use crate::mail::{DeliveryKey, Identity, SendError, Transport};
use crate::render::{Personalisation, Renderer};
use crate::store::{DeliveryOutcome, Millis, Store, StoreError, now_millis};
use crate::unsubscribe::{TokenSigner, UnsubscribeToken};

/// A send-rate limit; `None` means unlimited.
#[derive(Debug, Clone, Copy, Default)]
pub struct RateLimit {
    /// Messages per second at most.
    pub per_second: Option<NonZeroU32>,
    /// Messages per minute at most.
    pub per_minute: Option<NonZeroU32>,
}

/// How a worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Most sends in flight at once (and SMTP connections in the pool).
    pub concurrency: usize,
    /// Ledger rows claimed per query.
    pub batch_size: i64,
    /// How long a claim is exclusive without renewal; a dead worker's rows are
    /// taken over after it.
    pub lease: Duration,
    /// Longest sleep when nothing is due.
    pub poll_interval: Duration,
    /// Exit once nothing is scheduled or unsettled (instead of waiting for more).
    pub until_idle: bool,
    /// Back-off for transient failures.
    pub retry: RetryPolicy,
    /// Send-rate limits for this worker's transport.
    pub rate: RateLimit,
    /// On shutdown, how long in-flight sends may take before they are abandoned.
    pub shutdown_timeout: Duration,
    /// Hard bounces after which a subscriber is marked `bounced`.
    pub bounce_threshold: i64,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 8,
            batch_size: 500,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(2),
            until_idle: false,
            retry: RetryPolicy::default(),
            rate: RateLimit::default(),
            shutdown_timeout: Duration::from_secs(30),
            bounce_threshold: 1,
        }
    }
}

/// What a worker run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WorkerReport {
    /// Messages accepted by the transport.
    pub sent: u64,
    /// Transient failures and relay outages scheduled for another attempt.
    pub retried: u64,
    /// Deliveries given up on.
    pub failed: u64,
    /// Deliveries not sent on purpose.
    pub skipped: u64,
    /// Claimed rows handed back unsent at shutdown.
    pub released: u64,
    /// Campaigns this worker started (expanded).
    pub campaigns_started: Vec<i64>,
    /// Campaigns this worker marked done.
    pub campaigns_finished: Vec<i64>,
}

/// Why a worker stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The database kept failing.
    #[error("the worker stopped because the database kept failing: {0}")]
    Store(#[from] StoreError),
}

/// Everything a worker needs, built once.
pub struct Worker {
    id: String,
    store: Store,
    renderer: Arc<Renderer>,
    identity: Arc<Identity>,
    signer: TokenSigner,
    transport: Transport,
    settings: WorkerSettings,
    limiters: Vec<DefaultDirectRateLimiter>,
    gate: Arc<RelayGate>,
    /// Until when the last successful heartbeat made this worker's leases last.
    renewed_until: Arc<std::sync::atomic::AtomicI64>,
}

impl Worker {
    /// A worker with a unique id (`host:pid:random`) for its leases.
    pub fn new(
        store: Store,
        renderer: Arc<Renderer>,
        identity: Arc<Identity>,
        signer: TokenSigner,
        transport: Transport,
        settings: WorkerSettings,
    ) -> Self {
        let host = hostname::get()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "unknown".into());
        let id = format!(
            "{host}:{}:{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        // Burst of one: the rate holds at every instant, not only on average.
        let limiters = [
            settings
                .rate
                .per_second
                .map(|n| Quota::per_second(n).allow_burst(NonZeroU32::MIN)),
            settings
                .rate
                .per_minute
                .map(|n| Quota::per_minute(n).allow_burst(NonZeroU32::MIN)),
        ]
        .into_iter()
        .flatten()
        .map(RateLimiter::direct)
        .collect();
        Self {
            id,
            store,
            renderer,
            identity,
            signer,
            transport,
            settings,
            limiters,
            gate: Arc::default(),
            renewed_until: Arc::default(),
        }
    }

    /// This worker's lease owner id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `shutdown` fires (or, with `until_idle`, until nothing is left).
    pub async fn run(&self, shutdown: CancellationToken) -> Result<WorkerReport, WorkerError> {
        tracing::info!(worker = %self.id, transport = %self.transport.describe(),
            concurrency = self.settings.concurrency, "worker started");
        let concurrency = self.settings.concurrency.max(1);
        let batch = self.settings.batch_size.max(1) as usize;
        let committed = Arc::new(Notify::new());
        let stop_claiming = shutdown.child_token();

        let (jobs_tx, jobs_rx) = mpsc::channel(batch * 2);
        let claimer = tokio::spawn(
            Claimer {
                store: self.store.clone(),
                worker: self.id.clone(),
                batch_size: batch as i64,
                lease: self.settings.lease,
                poll_interval: self.settings.poll_interval,
                until_idle: self.settings.until_idle,
                gate: self.gate.clone(),
                committed: committed.clone(),
                jobs: jobs_tx,
                stop: stop_claiming.clone(),
            }
            .run(),
        );
        // A small queue keeps "sent but not yet recorded" small: that is what a
        // crash can re-send (README, "Delivery guarantees").
        let (outcomes_tx, outcomes_rx) = mpsc::channel(concurrency * 2);
        let committer = tokio::spawn(committer::commit_outcomes(
            self.store.clone(),
            self.id.clone(),
            self.settings.bounce_threshold,
            outcomes_rx,
            committed.clone(),
        ));
        let stop_heartbeat = CancellationToken::new();
        let heartbeat = tokio::spawn(committer::heartbeat(
            self.store.clone(),
            self.id.clone(),
            self.settings.lease,
            self.renewed_until.clone(),
            stop_heartbeat.clone(),
        ));

        let senders = ReceiverStream::new(jobs_rx)
            .take_until(shutdown.cancelled())
            .map(|job| self.deliver(job))
            .buffer_unordered(concurrency)
            .for_each(|outcome| {
                let tx = outcomes_tx.clone();
                async move {
                    // The committer only stops once every sender is dropped.
                    let _ = tx.send(outcome).await;
                }
            });
        let drained = async {
            shutdown.cancelled().await;
            tokio::time::sleep(self.settings.shutdown_timeout).await;
        };
        tokio::select! {
            _ = senders => {}
            _ = drained => tracing::warn!(worker = %self.id,
                "in-flight sends did not finish within the shutdown timeout; abandoning them"),
        }
        stop_claiming.cancel();
        drop(outcomes_tx);

        let claimed = claimer.await.expect("the claimer does not panic");
        let committed_counts = committer.await.expect("the committer does not panic");
        stop_heartbeat.cancel();
        heartbeat.await.expect("the heartbeat does not panic");
        let committed_counts = committed_counts?;
        let released = self
            .store
            .release_deliveries(&self.id, now_millis())
            .await?;
        if released > 0 {
            tracing::info!(worker = %self.id, released, "handed back claimed rows not yet sent");
        }
        let mut report = WorkerReport {
            sent: committed_counts.sent,
            retried: committed_counts.retried,
            failed: committed_counts.failed,
            skipped: committed_counts.skipped,
            released: released + committed_counts.lease_lost,
            campaigns_started: claimed.campaigns_started,
            campaigns_finished: claimed.campaigns_finished,
        };
        report
            .campaigns_finished
            .extend(self.store.finish_campaigns(now_millis()).await?);
        if let Some(error) = claimed.error {
            return Err(error.into());
        }
        tracing::info!(worker = %self.id, sent = report.sent, failed = report.failed,
            retried = report.retried, skipped = report.skipped, released, "worker stopped");
        Ok(report)
    }

    /// Renders and sends one delivery; every failure becomes an outcome.
    async fn deliver(&self, job: Job) -> DeliveryOutcome {
        let delivery = &job.delivery;
        let id = delivery.id;
        let Some(person) = &delivery.recipient else {
            return DeliveryOutcome::Skipped {
                id,
                reason: "the subscriber was erased".into(),
            };
        };
        if person.status != SubscriberStatus::Confirmed {
            return DeliveryOutcome::Skipped {
                id,
                reason: format!("the subscriber is {}", person.status),
            };
        }
        if let Some(until) = self.gate.closed_until() {
            return DeliveryOutcome::Deferred {
                id,
                error: "not tried: the relay is unreachable".into(),
                retry_at: until,
            };
        }
        let token = self.signer.sign(UnsubscribeToken {
            subscriber_id: delivery.subscriber_id,
            campaign_id: delivery.campaign_id,
        });
        let unsubscribe_url = self.identity.unsubscribe_url(&token);
        let personalisation = Personalisation {
            language: &person.language,
            name: &person.name,
            unsubscribe_url: &unsubscribe_url,
        };
        let email = match self.renderer.render(&job.message_id, personalisation) {
            Ok(email) => email,
            Err(error) => {
                tracing::error!(campaign_id = delivery.campaign_id, delivery_id = id, %error, "cannot render");
                return DeliveryOutcome::Failed {
                    id,
                    error: error.to_string(),
                    locale: None,
                    hard_bounce: false,
                };
            }
        };
        let locale = email.locale.to_string();
        let key = DeliveryKey {
            campaign_id: delivery.campaign_id,
            subscriber_id: delivery.subscriber_id,
        };
        let message = match self
            .identity
            .compose(&email, key, &person.email, &person.name, &token)
        {
            Ok(message) => message,
            Err(error) => {
                return DeliveryOutcome::Failed {
                    id,
                    error: error.to_string(),
                    locale: Some(locale),
                    hard_bounce: false,
                };
            }
        };
        for limiter in &self.limiters {
            limiter.until_ready().await;
        }
        // Never send a row another worker may already have taken over: with a
        // heartbeat late (an overloaded machine, a slow database), give it back.
        let lease_until = job.lease_until.max(
            self.renewed_until
                .load(std::sync::atomic::Ordering::Acquire),
        );
        let margin = (self.settings.lease.as_millis() as Millis / 4).max(250);
        if now_millis() + margin >= lease_until {
            tracing::warn!(
                campaign_id = delivery.campaign_id,
                delivery_id = id,
                "lease may have expired; not sending"
            );
            return DeliveryOutcome::LeaseLost { id };
        }
        let campaign_id = delivery.campaign_id;
        let attempt = delivery.attempts;
        let started = std::time::Instant::now();
        let result = self.transport.send(message).await;
        record_metrics(&locale, &result, started.elapsed());
        match result {
            Ok(()) => {
                self.gate.record_success();
                tracing::debug!(campaign_id, delivery_id = id, %locale, attempt, "sent");
                DeliveryOutcome::Sent { id, locale }
            }
            Err(SendError::Permanent { reply, hard_bounce }) => {
                self.gate.record_success();
                tracing::warn!(campaign_id, delivery_id = id, attempt, hard_bounce,
                    error = %redact_addresses(&reply), "permanent failure");
                DeliveryOutcome::Failed {
                    id,
                    error: reply,
                    locale: Some(locale),
                    hard_bounce,
                }
            }
            Err(SendError::Relay(error)) => {
                let retry_at = self.gate.record_failure();
                tracing::warn!(campaign_id, delivery_id = id, error = %redact_addresses(&error),
                    "relay unreachable; pausing sends");
                DeliveryOutcome::Deferred {
                    id,
                    error,
                    retry_at,
                }
            }
            Err(SendError::Transient(error)) => {
                tracing::warn!(campaign_id, delivery_id = id, attempt,
                    error = %redact_addresses(&error), "transient failure");
                match self.settings.retry.delay_after(attempt) {
                    Some(delay) => DeliveryOutcome::Retry {
                        id,
                        error,
                        retry_at: now_millis() + delay.as_millis() as Millis,
                    },
                    None => DeliveryOutcome::Failed {
                        id,
                        error: format!("gave up after {attempt} attempts: {error}"),
                        locale: Some(locale),
                        hard_bounce: false,
                    },
                }
            }
        }
    }
}

/// Counts the send (`willay_messages_total{outcome, locale}`) and its latency
/// (`willay_send_seconds{locale}`) through the `metrics` facade; `willay serve`
/// exports them for Prometheus, other commands record nothing.
fn record_metrics(locale: &str, result: &Result<(), SendError>, took: Duration) {
    let outcome = match result {
        Ok(()) => "sent",
        Err(SendError::Permanent { .. }) => "failed",
        Err(SendError::Transient(_)) => "transient",
        Err(SendError::Relay(_)) => "relay_down",
    };
    metrics::counter!("willay_messages_total", "outcome" => outcome, "locale" => locale.to_owned())
        .increment(1);
    metrics::histogram!("willay_send_seconds", "locale" => locale.to_owned())
        .record(took.as_secs_f64());
}

/// Replaces anything that looks like an email address, for logs: SMTP replies
/// often quote the recipient.
pub fn redact_addresses(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            if word.contains('@') {
                let trailing = &word[word.trim_end().len()..];
                format!("[address]{trailing}")
            } else {
                word.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_addresses_in_replies() {
        assert_eq!(
            redact_addresses("550 5.1.1 <rosa@example.org>: No such user"),
            "550 5.1.1 [address] No such user"
        );
        assert_eq!(redact_addresses("451 try later"), "451 try later");
    }
}
