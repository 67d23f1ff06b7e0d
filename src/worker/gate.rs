//! Worker-wide pauses: when the relay itself is unreachable, or the ledger
//! cannot record what was sent, stop sending for a while instead of spending
//! every recipient's attempts on it (or sending what cannot be recorded).
//!
//! One outage is one step of the back-off, whatever the concurrency: a
//! failure while the gate is already closed, or of a send that started before
//! the gate last closed, reports the outage the gate already knows about.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use crate::store::{Millis, now_millis};

/// Shared by the claimer and the senders of one worker.
#[derive(Debug, Default)]
pub struct RelayGate {
    closed_until: AtomicI64,
    steps: Mutex<Steps>,
    ledger_down: AtomicBool,
}

/// The back-off so far: how many pauses in a row, and when the last began.
#[derive(Debug, Default)]
struct Steps {
    pauses: u32,
    last_closed_at: Millis,
}

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
// While the ledger cannot write, how often the claimer looks again (the
// committer rings it as soon as a write succeeds).
const LEDGER_RECHECK: Millis = 1_000;

impl RelayGate {
    /// When sending may resume, if the gate is closed now.
    pub fn closed_until(&self) -> Option<Millis> {
        self.closed().map(|(until, _)| until)
    }

    /// When sending may resume and why it may not now, if the gate is closed.
    pub fn closed(&self) -> Option<(Millis, &'static str)> {
        let now = now_millis();
        if self.ledger_down.load(Ordering::Acquire) {
            return Some((now + LEDGER_RECHECK, "the ledger cannot be written"));
        }
        self.closed_until_at(now)
            .map(|until| (until, "the relay is unreachable"))
    }

    /// The ledger cannot record outcomes: no sends until [`Self::ledger_writes`].
    pub fn ledger_fails(&self) {
        self.ledger_down.store(true, Ordering::Release);
    }

    /// The ledger records outcomes again.
    pub fn ledger_writes(&self) {
        self.ledger_down.store(false, Ordering::Release);
    }

    fn closed_until_at(&self, now: Millis) -> Option<Millis> {
        let until = self.closed_until.load(Ordering::Acquire);
        (until > now).then_some(until)
    }

    /// Records a relay failure of a send that started at `started`: closes the
    /// gate for 1 s, 2 s, 4 s… up to 60 s, one step per outage. Returns when
    /// it reopens.
    pub fn record_failure(&self, started: Millis) -> Millis {
        self.fail_at(started, now_millis())
    }

    fn fail_at(&self, started: Millis, now: Millis) -> Millis {
        let mut steps = self.steps.lock().expect("not poisoned");
        if let Some(until) = self.closed_until_at(now) {
            return until;
        }
        if started < steps.last_closed_at {
            // It began before the outage was noticed: the same outage.
            return now;
        }
        let pause = FIRST_PAUSE
            .saturating_mul(1 << steps.pauses.min(16))
            .min(LONGEST_PAUSE);
        steps.pauses = steps.pauses.saturating_add(1);
        steps.last_closed_at = now;
        let until = now + pause.as_millis() as Millis;
        self.closed_until.store(until, Ordering::Release);
        until
    }

    /// Records a successful send: the relay is back.
    pub fn record_success(&self) {
        let mut steps = self.steps.lock().expect("not poisoned");
        steps.pauses = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_000_000;

    #[test]
    fn backs_off_one_step_per_outage_and_reopens() {
        let gate = RelayGate::default();
        assert_eq!(gate.closed_until_at(T0), None);
        assert_eq!(gate.fail_at(T0, T0), T0 + 1_000);
        assert_eq!(gate.closed_until_at(T0 + 500), Some(T0 + 1_000));
        assert_eq!(gate.closed_until_at(T0 + 1_000), None);
        // The probe after reopening fails too: the next step.
        assert_eq!(gate.fail_at(T0 + 1_000, T0 + 1_010), T0 + 3_010);
        assert_eq!(gate.fail_at(T0 + 3_010, T0 + 3_020), T0 + 7_020);
        gate.record_success();
        assert_eq!(gate.fail_at(T0 + 9_000, T0 + 9_000), T0 + 10_000);
    }

    #[test]
    fn concurrent_failures_of_one_outage_are_one_step() {
        let gate = RelayGate::default();
        // Eight senders start together; the relay is down; all eight fail.
        let first = gate.fail_at(T0, T0 + 5);
        assert_eq!(first, T0 + 1_005);
        for late in 1..8 {
            assert_eq!(gate.fail_at(T0, T0 + 5 + late), first, "sender {late}");
        }
        // A send that started before the gate closed fails after it reopened
        // (a slow connect timeout): still the same outage.
        assert_eq!(gate.fail_at(T0, T0 + 1_200), T0 + 1_200);
        assert_eq!(gate.closed_until_at(T0 + 1_200), None);
        // A send started after reopening that fails: the second step, 2 s.
        assert_eq!(gate.fail_at(T0 + 1_100, T0 + 1_300), T0 + 3_300);
    }

    #[test]
    fn the_pause_never_exceeds_a_minute() {
        let gate = RelayGate::default();
        let mut now = T0;
        let mut pauses = Vec::new();
        for _ in 0..10 {
            let until = gate.fail_at(now, now);
            pauses.push((until - now) / 1_000);
            now = until;
        }
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
    }

    #[test]
    fn a_ledger_that_cannot_write_closes_the_gate_until_it_writes() {
        let gate = RelayGate::default();
        gate.ledger_fails();
        let (_, why) = gate.closed().expect("closed");
        assert_eq!(why, "the ledger cannot be written");
        gate.ledger_writes();
        assert_eq!(gate.closed(), None);
    }
}
