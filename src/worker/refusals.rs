//! Telling a relay that refuses *us* from one that refuses a recipient.
//!
//! A relay that does not know this sender answers every `RCPT` with the same
//! permanent refusal — Postfix's `554 5.7.1 <host>: Client host rejected:
//! Access denied` when the login was left out of `WILLAY_SMTP_URL`, or
//! `554 5.7.1 <address>: Relay access denied`. Taken one recipient at a time,
//! each is a permanent failure, and the whole list is used up in seconds. The
//! same refusal (addresses redacted) for [`STREAK`] recipients in a row, with
//! no success between, is the relay refusing us: the worker stops, and the
//! rows of the streak go back to `pending` without spending an attempt.
//! Hard bounces (the address itself refused) never count.

use std::sync::Mutex;

use crate::privacy::redact_addresses;

/// Identical refusals in a row that make a relay-wide refusal. Distinct
/// recipients' own problems do not produce the same words twenty times
/// running; a relay that refuses us does so for every one.
pub const STREAK: usize = 20;

/// The refusals since the last success, shared by one worker's senders.
#[derive(Debug, Default)]
pub struct Refusals {
    state: Mutex<Streak>,
}

#[derive(Debug, Default)]
struct Streak {
    /// The refusal repeated, addresses redacted.
    reply: String,
    /// The rows refused with it, in the order the replies came.
    rows: Vec<i64>,
    /// Reached [`STREAK`]: the relay refuses us, and every later refusal is
    /// treated alike until the worker stops.
    tripped: bool,
}

impl Refusals {
    /// A message was accepted: the relay takes our mail, the streak ends.
    pub fn record_success(&self) {
        let mut streak = self.state.lock().expect("not poisoned");
        if !streak.tripped && !streak.rows.is_empty() {
            *streak = Streak::default();
        }
    }

    /// Records a permanent refusal of row `id` that is not a hard bounce.
    /// Returns whether the relay is refusing us rather than the recipient,
    /// from this refusal on.
    pub fn refuses_us(&self, id: i64, reply: &str) -> bool {
        let reply = redact_addresses(reply);
        let mut streak = self.state.lock().expect("not poisoned");
        if streak.tripped {
            return true;
        }
        if streak.reply != reply {
            streak.reply = reply;
            streak.rows.clear();
        }
        streak.rows.push(id);
        streak.tripped = streak.rows.len() >= STREAK;
        streak.tripped
    }

    /// The rows already recorded `failed` by the streak before it tripped
    /// (the refusal that tripped it, and later ones, are deferred instead).
    /// Empty unless it tripped.
    pub fn recorded_failed(&self) -> Vec<i64> {
        let streak = self.state.lock().expect("not poisoned");
        if streak.tripped {
            streak.rows[..STREAK - 1].to_vec()
        } else {
            Vec::new()
        }
    }
}

/// The words the worker stops with (the caller adds the hint to check
/// `WILLAY_SMTP_URL`).
pub fn relay_refuses_us(reply: &str) -> String {
    format!(
        "the SMTP relay refused {STREAK} recipients in a row with the same reply, so it is \
         refusing this sender, not them: {}; those messages are pending again with no \
         attempt spent (a relay that does not know this host or login says this, e.g. \
         Postfix's \"Client host rejected\" or \"Relay access denied\")",
        redact_addresses(reply)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENIED: &str = "permanent error (554): 5.7.1 <{}>: Relay access denied";

    fn denied(n: i64) -> String {
        DENIED.replace("{}", &format!("person{n}@example.org"))
    }

    #[test]
    fn the_same_refusal_for_twenty_recipients_in_a_row_is_about_us() {
        let refusals = Refusals::default();
        for id in 1..STREAK as i64 {
            assert!(!refusals.refuses_us(id, &denied(id)), "row {id}");
        }
        assert!(refusals.recorded_failed().is_empty());
        assert!(refusals.refuses_us(20, &denied(20)));
        // From then on every refusal is deferred, whatever it says.
        assert!(refusals.refuses_us(21, "permanent error (550): 5.7.1 other"));
        refusals.record_success();
        assert!(refusals.refuses_us(22, &denied(22)));
        assert_eq!(refusals.recorded_failed(), (1..20).collect::<Vec<i64>>());
    }

    #[test]
    fn a_success_or_another_reply_starts_the_count_again() {
        // (replies in order, with None for a success; whether the last trips)
        let other = "permanent error (554): 5.7.1 Message rejected as spam";
        let cases: Vec<(Vec<Option<String>>, bool)> = vec![
            ((0..19).map(|n| Some(denied(n))).collect(), false),
            ((0..25).map(|n| Some(denied(n))).collect(), true),
            (
                (0..30).map(|n| (n != 10).then(|| denied(n))).collect(),
                false,
            ),
            (
                (0..30)
                    .map(|n| Some(if n == 15 { other.to_owned() } else { denied(n) }))
                    .collect(),
                false,
            ),
            (
                (0..40).map(|n| (n != 10).then(|| denied(n))).collect(),
                true,
            ),
        ];
        for (replies, trips) in cases {
            let refusals = Refusals::default();
            let mut tripped = false;
            for (id, reply) in replies.iter().enumerate() {
                match reply {
                    Some(reply) => tripped = refusals.refuses_us(id as i64, reply),
                    None => refusals.record_success(),
                }
            }
            assert_eq!(tripped, trips, "{} replies", replies.len());
        }
    }

    #[test]
    fn the_message_names_the_reply_without_the_address() {
        let words = relay_refuses_us(&denied(7));
        assert!(words.contains("[address] Relay access denied"), "{words}");
        assert!(!words.contains('@'), "{words}");
    }
}
