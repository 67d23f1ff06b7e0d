//! What a relay's answer to one send means: for the row (its outcome) and
//! for the worker (the relay gate, the refusal streak, stopping). Pure, so
//! each answer can be checked against each point of the retry budget.

use super::retry::RetryPolicy;
use crate::mail::SendError;
use crate::store::{DeliveryOutcome, Millis};

/// What a send's result means for its row, and what the worker learns from it.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The row's outcome is `outcome`; the worker applies `learn`.
    Settled {
        /// The row's outcome.
        outcome: DeliveryOutcome,
        /// What the gate, the refusal streak or the worker learn.
        learn: Learn,
    },
    /// A permanent refusal that is not a hard bounce: the gate learns the
    /// relay answers, and the row is `failed` unless the refusal completes
    /// the streak of a relay refusing us (then the worker stops and the row
    /// is deferred, no attempt spent).
    Refused {
        /// The relay's reply.
        reply: String,
        /// The row's outcome if the refusal is about the recipient.
        failed: DeliveryOutcome,
    },
    /// The relay is unreachable: the gate closes, and the row is deferred
    /// until it reopens.
    Unreachable {
        /// Why the relay could not be used.
        error: String,
    },
}

/// The worker-wide effect of a settled send.
#[derive(Debug, PartialEq, Eq)]
pub enum Learn {
    /// Accepted: the gate opens and the refusal streak ends.
    Accepted,
    /// The relay answered (a hard bounce): the gate opens, the streak stands.
    Answered,
    /// The relay refuses the session: the worker stops, for this reason.
    Stop(String),
    /// Nothing beyond this row.
    Nothing,
}

/// What `result`, the relay's answer to attempt `attempt` of row `id` in
/// `locale`, means, when the retry policy is `retry` and it is `now`.
pub fn judge(
    id: i64,
    locale: &str,
    attempt: i64,
    result: &Result<(), SendError>,
    retry: &RetryPolicy,
    now: Millis,
) -> Verdict {
    let settled = |outcome, learn| Verdict::Settled { outcome, learn };
    let failed = |error: String| DeliveryOutcome::Failed {
        id,
        error,
        locale: Some(locale.to_owned()),
        hard_bounce: false,
    };
    match result {
        Ok(()) => settled(
            DeliveryOutcome::Sent {
                id,
                locale: locale.to_owned(),
            },
            Learn::Accepted,
        ),
        Err(SendError::Permanent {
            reply,
            hard_bounce: true,
        }) => settled(
            DeliveryOutcome::Failed {
                id,
                error: reply.clone(),
                locale: Some(locale.to_owned()),
                hard_bounce: true,
            },
            Learn::Answered,
        ),
        Err(SendError::Permanent {
            reply,
            hard_bounce: false,
        }) => Verdict::Refused {
            reply: reply.clone(),
            failed: failed(reply.clone()),
        },
        Err(SendError::Relay(error)) => Verdict::Unreachable {
            error: error.clone(),
        },
        Err(SendError::Misconfigured(error)) => settled(
            DeliveryOutcome::Deferred {
                id,
                error: error.clone(),
                retry_at: now,
            },
            Learn::Stop(error.clone()),
        ),
        Err(SendError::Transient(error)) => match retry.delay_after(attempt) {
            Some(delay) => settled(
                DeliveryOutcome::Retry {
                    id,
                    error: error.clone(),
                    retry_at: now + delay.as_millis() as Millis,
                },
                Learn::Nothing,
            ),
            None => settled(
                failed(format!("gave up after {attempt} attempts: {error}")),
                Learn::Nothing,
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const NOW: Millis = 1_000_000;

    /// No delay and no jitter: a retry is due at once, so its time is exact.
    fn retries(max_attempts: i64) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    fn failed(error: &str, hard_bounce: bool) -> DeliveryOutcome {
        DeliveryOutcome::Failed {
            id: 7,
            error: error.into(),
            locale: Some("qu".into()),
            hard_bounce,
        }
    }

    fn settled(outcome: DeliveryOutcome, learn: Learn) -> Verdict {
        Verdict::Settled { outcome, learn }
    }

    fn sent() -> DeliveryOutcome {
        DeliveryOutcome::Sent {
            id: 7,
            locale: "qu".into(),
        }
    }

    fn retry_now() -> DeliveryOutcome {
        DeliveryOutcome::Retry {
            id: 7,
            error: "421 try later".into(),
            retry_at: NOW,
        }
    }

    fn refused() -> Verdict {
        Verdict::Refused {
            reply: "550 5.1.1 no such user".into(),
            failed: failed("550 5.1.1 no such user", false),
        }
    }

    fn unreachable() -> Verdict {
        Verdict::Unreachable {
            error: "connection refused".into(),
        }
    }

    /// Each kind of relay answer, at each point of the retry budget, gives
    /// one outcome and one effect on the worker.
    #[test]
    fn each_send_result_settles_its_row_and_tells_the_worker() {
        let permanent = |hard_bounce| {
            Err(SendError::Permanent {
                reply: "550 5.1.1 no such user".into(),
                hard_bounce,
            })
        };
        let transient = || Err(SendError::Transient("421 try later".into()));
        // (case, result, attempt, max attempts, verdict)
        type Case = (&'static str, Result<(), SendError>, i64, i64, Verdict);
        let cases: Vec<Case> = vec![
            ("accepted", Ok(()), 1, 5, settled(sent(), Learn::Accepted)),
            (
                "accepted on the last attempt",
                Ok(()),
                5,
                5,
                settled(sent(), Learn::Accepted),
            ),
            (
                "hard bounce",
                permanent(true),
                1,
                5,
                settled(failed("550 5.1.1 no such user", true), Learn::Answered),
            ),
            (
                "refusal that may be about us",
                permanent(false),
                1,
                5,
                refused(),
            ),
            (
                "refusal on the last attempt",
                permanent(false),
                5,
                5,
                refused(),
            ),
            (
                "relay unreachable",
                Err(SendError::Relay("connection refused".into())),
                1,
                5,
                unreachable(),
            ),
            (
                "relay unreachable after the retry budget",
                Err(SendError::Relay("connection refused".into())),
                9,
                5,
                unreachable(),
            ),
            (
                "session refused",
                Err(SendError::Misconfigured("535 bad login".into())),
                1,
                5,
                settled(
                    DeliveryOutcome::Deferred {
                        id: 7,
                        error: "535 bad login".into(),
                        retry_at: NOW,
                    },
                    Learn::Stop("535 bad login".into()),
                ),
            ),
            (
                "transient, attempts left",
                transient(),
                1,
                5,
                settled(retry_now(), Learn::Nothing),
            ),
            (
                "transient, one attempt left",
                transient(),
                4,
                5,
                settled(retry_now(), Learn::Nothing),
            ),
            (
                "transient, attempts used up",
                transient(),
                5,
                5,
                settled(
                    failed("gave up after 5 attempts: 421 try later", false),
                    Learn::Nothing,
                ),
            ),
            (
                "transient, a single attempt allowed",
                transient(),
                1,
                1,
                settled(
                    failed("gave up after 1 attempts: 421 try later", false),
                    Learn::Nothing,
                ),
            ),
        ];
        for (case, result, attempt, max_attempts, expected) in cases {
            let verdict = judge(7, "qu", attempt, &result, &retries(max_attempts), NOW);
            assert_eq!(verdict, expected, "{case}");
        }
    }

    /// A transient failure is tried again after the policy's back-off.
    #[test]
    fn a_transient_failure_is_due_after_the_back_off() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
        };
        let result = Err(SendError::Transient("421 try later".into()));
        for (attempt, delay_secs) in [(1, 30), (2, 60), (3, 120), (4, 240)] {
            let verdict = judge(7, "es", attempt, &result, &policy, NOW);
            let Verdict::Settled {
                outcome: DeliveryOutcome::Retry { retry_at, .. },
                learn: Learn::Nothing,
            } = verdict
            else {
                panic!("attempt {attempt}: not a retry: {verdict:?}");
            };
            let delay = retry_at - NOW;
            let base = delay_secs * 1000;
            assert!(
                (base * 3 / 4..=base * 5 / 4).contains(&delay),
                "attempt {attempt}: {delay} ms"
            );
        }
    }
}
