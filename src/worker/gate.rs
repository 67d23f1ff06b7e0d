//! Relay-wide back-off: when the relay itself is unreachable, stop sending
//! for a while instead of spending every recipient's attempts on it.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::Duration;

use crate::store::{Millis, now_millis};

/// Shared by the claimer and the senders of one worker.
#[derive(Debug, Default)]
pub struct RelayGate {
    closed_until: AtomicI64,
    failures: AtomicU32,
}

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

impl RelayGate {
    /// When sending may resume, if the gate is closed now.
    pub fn closed_until(&self) -> Option<Millis> {
        let until = self.closed_until.load(Ordering::Acquire);
        (until > now_millis()).then_some(until)
    }

    /// Records a relay failure: closes the gate for 1 s, 2 s, 4 s… up to 60 s.
    /// Returns when it reopens.
    pub fn record_failure(&self) -> Millis {
        let failures = self.failures.fetch_add(1, Ordering::AcqRel).min(16);
        let pause = FIRST_PAUSE.saturating_mul(1 << failures).min(LONGEST_PAUSE);
        let until = now_millis() + pause.as_millis() as Millis;
        self.closed_until.fetch_max(until, Ordering::AcqRel);
        self.closed_until.load(Ordering::Acquire)
    }

    /// Records a successful send: the relay is back.
    pub fn record_success(&self) {
        if self.failures.load(Ordering::Relaxed) != 0 {
            self.failures.store(0, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_and_reopens() {
        let gate = RelayGate::default();
        assert_eq!(gate.closed_until(), None);
        let first = gate.record_failure() - now_millis();
        assert!((900..=1000).contains(&first), "{first}");
        let second = gate.record_failure() - now_millis();
        assert!((1900..=2000).contains(&second), "{second}");
        assert!(gate.closed_until().is_some());
        gate.record_success();
        assert_eq!(gate.failures.load(Ordering::Relaxed), 0);
    }
}
