//! One delivery: checks, render, compose, send, and what the result means.

use std::time::Duration;

use super::Worker;
use super::claimer::Job;
use super::committer::Settled;
use super::refusals;
use crate::domain::SubscriberStatus;
use crate::mail::{DeliveryKey, SendError};
use crate::privacy::redact_addresses;
use crate::render::Personalisation;
use crate::store::{DeliveryOutcome, Millis, now_millis};
use crate::unsubscribe::UnsubscribeToken;

impl Worker {
    /// Renders and sends one delivery; every failure becomes an outcome.
    pub(super) async fn deliver(&self, job: Job) -> Settled {
        let outcome = self.outcome(&job).await;
        Settled {
            owner: job.lease.owner.clone(),
            outcome,
        }
    }

    async fn outcome(&self, job: &Job) -> DeliveryOutcome {
        let delivery = &job.delivery;
        let id = delivery.id;
        let campaign_id = delivery.campaign_id;
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
        if self.halts.halted(campaign_id) {
            return DeliveryOutcome::Released { id };
        }
        if let Some((until, why)) = self.gate.closed() {
            return DeliveryOutcome::Deferred {
                id,
                error: format!("not tried: {why}"),
                retry_at: until,
            };
        }
        let token = self.signer.sign(UnsubscribeToken {
            subscriber_id: delivery.subscriber_id,
            campaign_id,
            link_key: person.link_key,
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
                tracing::error!(campaign_id, delivery_id = id, %error, "cannot render");
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
            campaign_id,
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
        // Never send a row another worker may already have taken over: with the
        // heartbeat late (an overloaded machine, a slow database), hand it back.
        // Checked after the rate limiter, which may have waited.
        if !job.lease.holds(now_millis(), self.leases.margin()) {
            tracing::warn!(
                campaign_id,
                delivery_id = id,
                "lease may have expired; not sending"
            );
            return DeliveryOutcome::Released { id };
        }
        if self.halts.halted(campaign_id) {
            return DeliveryOutcome::Released { id };
        }
        let attempt = delivery.attempts;
        let started = std::time::Instant::now();
        let started_at = now_millis();
        let result = self.transport.send(message).await;
        record_metrics(&locale, &result, started.elapsed());
        match result {
            Ok(()) => {
                self.gate.record_success();
                self.refusals.record_success();
                tracing::debug!(campaign_id, delivery_id = id, %locale, attempt, "sent");
                DeliveryOutcome::Sent { id, locale }
            }
            Err(SendError::Permanent { reply, hard_bounce }) => {
                self.gate.record_success();
                if !hard_bounce && self.refusals.refuses_us(id, &reply) {
                    self.stop_for(refusals::relay_refuses_us(&reply));
                    return DeliveryOutcome::Deferred {
                        id,
                        error: reply,
                        retry_at: now_millis(),
                    };
                }
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
                let retry_at = self.gate.record_failure(started_at);
                tracing::warn!(campaign_id, delivery_id = id, error = %redact_addresses(&error),
                    "relay unreachable; pausing sends");
                DeliveryOutcome::Deferred {
                    id,
                    error,
                    retry_at,
                }
            }
            Err(SendError::Misconfigured(error)) => {
                self.stop_for(error.clone());
                DeliveryOutcome::Deferred {
                    id,
                    error,
                    retry_at: now_millis(),
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
        Err(SendError::Relay(_) | SendError::Misconfigured(_)) => "relay_down",
    };
    metrics::counter!("willay_messages_total", "outcome" => outcome, "locale" => locale.to_owned())
        .increment(1);
    metrics::histogram!("willay_send_seconds", "locale" => locale.to_owned())
        .record(took.as_secs_f64());
}
