//! One delivery: checks, render, compose, send, and what the result means.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use lettre::Message;

use super::Worker;
use super::claimer::Job;
use super::committer::Settled;
use super::refusals;
use super::verdict::{Learn, Verdict, judge};
use crate::domain::{PersonName, SubscriberStatus};
use crate::mail::{DeliveryKey, SendError};
use crate::privacy::redact_addresses;
use crate::render::Personalisation;
use crate::store::{ClaimedDelivery, DeliveryOutcome, Millis, Recipient, now_millis};
use crate::unsubscribe::UnsubscribeToken;

impl Worker {
    /// Renders and sends one delivery; every failure becomes an outcome, a
    /// panic too: one bad row must not lose the outcomes settled beside it.
    // Ids only: the job holds the recipient's address and name.
    #[tracing::instrument(skip_all, fields(delivery_id = job.delivery.id, campaign_id = job.delivery.campaign_id))]
    pub(super) async fn deliver(&self, job: Job) -> Settled {
        let delivery = &job.delivery;
        let outcome = caught(
            delivery.id,
            delivery.campaign_id,
            delivery.recipient.as_ref(),
            self.outcome(&job),
        )
        .await;
        Settled {
            owner: job.lease.owner.clone(),
            outcome,
        }
    }

    async fn outcome(&self, job: &Job) -> DeliveryOutcome {
        let person = match self.precheck(job) {
            Ok(person) => person,
            Err(outcome) => return outcome,
        };
        let (message, locale) = match self.compose(job, person) {
            Ok(composed) => composed,
            Err(outcome) => return outcome,
        };
        if let Some(outcome) = self.pace(job).await {
            return outcome;
        }
        self.send(job, message, locale).await
    }

    /// The recipient, if the row is to be tried now; otherwise its outcome.
    fn precheck<'a>(&self, job: &'a Job) -> Result<&'a Recipient, DeliveryOutcome> {
        let delivery = &job.delivery;
        let id = delivery.id;
        let Some(person) = &delivery.recipient else {
            return Err(DeliveryOutcome::Skipped {
                id,
                reason: "the subscriber was erased".into(),
            });
        };
        if person.status != SubscriberStatus::Confirmed {
            return Err(DeliveryOutcome::Skipped {
                id,
                reason: format!("the subscriber is {}", person.status),
            });
        }
        if self.stopped_campaigns.halted(delivery.campaign_id) {
            return Err(DeliveryOutcome::Released { id });
        }
        if let Some((until, why)) = self.gate.closed() {
            return Err(DeliveryOutcome::Deferred {
                id,
                error: format!("not tried: {why}"),
                retry_at: until,
            });
        }
        Ok(person)
    }

    /// Renders the row's message for `person` and composes it, with the
    /// catalogue locale used; a failure fails the row.
    fn compose(&self, job: &Job, person: &Recipient) -> Result<(Message, String), DeliveryOutcome> {
        let delivery = &job.delivery;
        let (id, campaign_id) = (delivery.id, delivery.campaign_id);
        let token = self.signer.sign(UnsubscribeToken {
            subscriber_id: delivery.subscriber_id,
            campaign_id,
            link_key: person.link_key,
        });
        let unsubscribe_url = self.composer.unsubscribe_url(&token);
        // Names stored before entry points folded and capped them may hold line
        // breaks (headers) or megabytes (the message).
        let name = PersonName::lenient(&person.name);
        let personalisation = Personalisation {
            language: &person.language,
            name: &name,
            unsubscribe_url: &unsubscribe_url,
        };
        let email = self
            .renderer
            .render(&job.message_id, personalisation)
            .map_err(|error| {
                tracing::error!(campaign_id, delivery_id = id, %error, "cannot render");
                DeliveryOutcome::Failed {
                    id,
                    error: error.to_string(),
                    locale: None,
                    hard_bounce: false,
                }
            })?;
        let locale = email.locale.to_string();
        let key = DeliveryKey {
            campaign_id,
            subscriber_id: delivery.subscriber_id,
        };
        match self
            .composer
            .compose(&email, key, &person.email, &name, &token)
        {
            Ok(message) => Ok((message, locale)),
            Err(error) => {
                tracing::warn!(campaign_id, delivery_id = id, %error, "cannot build the message");
                Err(DeliveryOutcome::Failed {
                    id,
                    error: error.to_string(),
                    locale: Some(locale),
                    hard_bounce: false,
                })
            }
        }
    }

    /// Waits for the rate limits; then, if the row may no longer be sent,
    /// its outcome.
    async fn pace(&self, job: &Job) -> Option<DeliveryOutcome> {
        let (id, campaign_id) = (job.delivery.id, job.delivery.campaign_id);
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
            return Some(DeliveryOutcome::Released { id });
        }
        if self.stopped_campaigns.halted(campaign_id) {
            return Some(DeliveryOutcome::Released { id });
        }
        None
    }

    /// Sends `message` and settles the row by what the relay said.
    async fn send(&self, job: &Job, message: Message, locale: String) -> DeliveryOutcome {
        let delivery = &job.delivery;
        let started = std::time::Instant::now();
        let started_at = now_millis();
        let result = self.transport.send(message).await;
        record_metrics(&locale, &result, started.elapsed());
        let verdict = judge(
            delivery.id,
            &locale,
            delivery.attempts,
            &result,
            &self.settings.retry,
            now_millis(),
        );
        let outcome = self.apply(delivery.id, verdict, started_at);
        log_send(delivery, &locale, &result, &outcome);
        outcome
    }

    /// Applies a verdict's worker-wide effects; the row's outcome.
    fn apply(&self, id: i64, verdict: Verdict, started_at: Millis) -> DeliveryOutcome {
        match verdict {
            Verdict::Settled { outcome, learn } => {
                match learn {
                    Learn::Accepted => {
                        self.gate.record_success();
                        self.refusals.record_success();
                    }
                    Learn::Answered => self.gate.record_success(),
                    Learn::Stop(reason) => self.stop_for(reason),
                    Learn::Nothing => {}
                }
                outcome
            }
            Verdict::Refused { reply, failed } => {
                self.gate.record_success();
                if !self.refusals.refuses_us(id, &reply) {
                    return failed;
                }
                self.stop_for(refusals::relay_refuses_us(&reply));
                DeliveryOutcome::Deferred {
                    id,
                    error: reply,
                    retry_at: now_millis(),
                }
            }
            Verdict::Unreachable { error } => DeliveryOutcome::Deferred {
                id,
                error,
                retry_at: self.gate.record_failure(started_at),
            },
        }
    }
}

/// Logs a send by its result and the row's outcome (ids only, addresses
/// redacted from replies).
fn log_send(
    delivery: &ClaimedDelivery,
    locale: &str,
    result: &Result<(), SendError>,
    outcome: &DeliveryOutcome,
) {
    let (campaign_id, id, attempt) = (delivery.campaign_id, delivery.id, delivery.attempts);
    match (result, outcome) {
        (Ok(()), _) => {
            tracing::debug!(campaign_id, delivery_id = id, %locale, attempt, "sent");
        }
        (Err(SendError::Permanent { reply, hard_bounce }), DeliveryOutcome::Failed { .. }) => {
            tracing::warn!(campaign_id, delivery_id = id, attempt, hard_bounce,
                error = %redact_addresses(reply), "permanent failure");
        }
        (Err(SendError::Relay(error)), _) => {
            tracing::warn!(campaign_id, delivery_id = id, error = %redact_addresses(error),
                "relay unreachable; pausing sends");
        }
        (Err(SendError::Transient(error)), _) => {
            tracing::warn!(campaign_id, delivery_id = id, attempt,
                error = %redact_addresses(error), "transient failure");
        }
        (Err(SendError::Permanent { .. } | SendError::Misconfigured(_)), _) => {}
    }
}

/// `outcome`, or, if it panics, row `id` failed with an internal error.
async fn caught(
    id: i64,
    campaign_id: i64,
    recipient: Option<&Recipient>,
    outcome: impl Future<Output = DeliveryOutcome>,
) -> DeliveryOutcome {
    AssertUnwindSafe(outcome)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| {
            let cause = panic_cause(panic.as_ref(), recipient);
            tracing::error!(campaign_id, delivery_id = id, %cause,
                "internal error while sending; the delivery is marked failed");
            DeliveryOutcome::Failed {
                id,
                error: format!(
                    "internal error while sending: {cause} (a bug in willay; please report it)"
                ),
                locale: None,
                hard_bounce: false,
            }
        })
}

/// What a panic says, without personal data: a fixed text (`panic!("…")`),
/// or the fixed part of `expect`'s `message: error`; the rest is withheld,
/// because a formatted message may quote the recipient, and the ledger and
/// the log must not hold it.
fn panic_cause(panic: &(dyn std::any::Any + Send), recipient: Option<&Recipient>) -> String {
    const WITHHELD: &str = "a panic whose message is withheld (it may hold personal data)";
    let text = match (
        panic.downcast_ref::<&'static str>(),
        panic.downcast_ref::<String>(),
    ) {
        (Some(text), _) => *text,
        (None, Some(text)) => match text.split_once(": ") {
            Some((fixed, _)) => fixed,
            None => return WITHHELD.into(),
        },
        (None, None) => return WITHHELD.into(),
    };
    let quotes_the_person = recipient.is_some_and(|person| {
        let name = person.name.trim();
        (!name.is_empty() && text.contains(name)) || text.contains(person.email.as_str())
    });
    if quotes_the_person {
        return WITHHELD.into();
    }
    redact_addresses(&text.chars().take(200).collect::<String>())
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

#[cfg(test)]
mod tests {
    use super::*;

    type Panics = Box<dyn Fn() + Send>;

    /// A `Display` that fails, as lettre's mailbox did on a line break.
    struct Failing;

    impl std::fmt::Display for Failing {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Err(std::fmt::Error)
        }
    }

    fn ana() -> Recipient {
        Recipient {
            email: "ana@example.net".into(),
            name: "Ana Quispe".into(),
            language: "es".into(),
            status: SubscriberStatus::Confirmed,
            link_key: crate::unsubscribe::LinkKey::SAMPLE,
        }
    }

    /// A panic in one send becomes that row's failure, with what it said
    /// when that cannot hold the person's data.
    #[tokio::test]
    async fn a_panicking_send_fails_its_row_without_personal_data() {
        let person = ana();
        let cases: [(Panics, &str); 5] = [
            (
                Box::new(|| panic!("a Display implementation returned an error unexpectedly")),
                "internal error while sending: a Display implementation returned an error unexpectedly",
            ),
            (
                // What lettre did with a line break in a display name.
                Box::new(|| drop(Failing.to_string())),
                "internal error while sending: a Display implementation returned an error unexpectedly",
            ),
            (
                Box::new(|| panic!("{}", "no greeting for Ana Quispe")),
                "internal error while sending: a panic whose message is withheld",
            ),
            (
                Box::new(|| panic!("cannot send to ana@example.net: refused")),
                "internal error while sending: a panic whose message is withheld",
            ),
            (
                Box::new(|| std::panic::panic_any(42)),
                "internal error while sending: a panic whose message is withheld",
            ),
        ];
        for (panics, expected) in cases {
            let outcome = caught(7, 1, Some(&person), async move {
                panics();
                DeliveryOutcome::Sent {
                    id: 7,
                    locale: "es".into(),
                }
            })
            .await;
            let DeliveryOutcome::Failed { id, error, .. } = outcome else {
                panic!("not failed: {outcome:?}");
            };
            assert_eq!(id, 7);
            assert!(error.starts_with(expected), "{error}");
            assert!(!error.contains("Ana") && !error.contains('@'), "{error}");
        }
        let fine = caught(8, 1, Some(&person), async {
            DeliveryOutcome::Skipped {
                id: 8,
                reason: "x".into(),
            }
        })
        .await;
        assert!(matches!(fine, DeliveryOutcome::Skipped { id: 8, .. }));
    }
}
