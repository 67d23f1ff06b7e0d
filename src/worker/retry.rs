//! When to try a transient failure again.

use std::time::Duration;

/// Exponential back-off with jitter, bounded in attempts.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts (including the first) before a transient failure becomes final.
    pub max_attempts: i64,
    /// Delay after the first failure; doubles each attempt.
    pub base_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            base_delay: Self::DEFAULT_BASE_DELAY,
            max_delay: Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// Default of [`Self::max_attempts`] (and `--max-attempts`).
    pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;
    /// Default of [`Self::base_delay`] (and `--retry-base-seconds`).
    pub const DEFAULT_BASE_DELAY: Duration = Duration::from_secs(30);

    /// The delay before attempt `attempts + 1`, or `None` when attempts are exhausted.
    ///
    /// Jitter (±25 %) spreads retries so a relay that was down for a minute is
    /// not hit by every deferred message in the same second.
    pub fn delay_after(&self, attempts: i64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(u32::MAX)
            .min(20);
        let delay = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let jitter = rand::random_range(0.75..=1.25);
        Some(delay.mul_f64(jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_with_jitter_and_stops() {
        let policy = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(25),
        };
        let secs = |a| policy.delay_after(a).map(|d| d.as_secs_f64());
        assert!((7.5..=12.5).contains(&secs(1).unwrap()));
        assert!((15.0..=25.0).contains(&secs(2).unwrap()));
        // Capped at max_delay before jitter.
        assert!((18.75..=31.25).contains(&secs(3).unwrap()));
        assert_eq!(secs(4), None);
    }
}
