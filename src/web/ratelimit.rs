//! Per-client rate limiting of the public pages and the log-in form.
//!
//! A keyed GCRA limiter (governor) per client: cheap, no database writes, and a
//! precise `Retry-After`. A client is an IPv4 address, or an IPv6 /64: one
//! host is usually given a whole /64 and can pick any address in it, so keying
//! by address would give it 2⁶⁴ allowances. Behind a reverse proxy every client
//! has the proxy's address; see the README.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The allowance per client address.
#[derive(Debug, Clone, Copy)]
pub struct PublicRateLimit {
    /// Sustained requests per minute.
    pub per_minute: NonZeroU32,
    /// Requests allowed at once before the rate applies.
    pub burst: NonZeroU32,
}

impl PublicRateLimit {
    /// Default of [`Self::per_minute`] (and `--public-rate-per-minute`).
    pub const DEFAULT_PER_MINUTE: NonZeroU32 = NonZeroU32::new(30).expect("non-zero");
    /// Default of [`Self::burst`] (and `--public-rate-burst`).
    pub const DEFAULT_BURST: NonZeroU32 = NonZeroU32::new(10).expect("non-zero");
}

impl Default for PublicRateLimit {
    fn default() -> Self {
        Self {
            per_minute: Self::DEFAULT_PER_MINUTE,
            burst: Self::DEFAULT_BURST,
        }
    }
}

/// The shared limiter.
pub(super) struct Limiter {
    inner: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl Limiter {
    /// A limiter granting `rate` to each client.
    pub(super) fn new(rate: PublicRateLimit) -> Self {
        let quota = Quota::per_minute(rate.per_minute).allow_burst(rate.burst);
        Self {
            inner: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// Drops the state of clients that are back to a full allowance.
    pub(super) fn retain_recent(&self) {
        self.inner.retain_recent();
    }

    /// `Err(seconds to wait)` when `client` is over its allowance.
    pub(super) fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.inner.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            // Round up: retrying after a truncated wait would be refused again.
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// The key a client's allowance is kept under: an IPv4 address as it is
/// (also when it arrives IPv4-mapped on a dual-stack socket), an IPv6 address
/// by its /64 network.
pub(super) fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> IpAddr {
        client_key(text.parse().unwrap())
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2:ffff:eeee:dddd:cccc")
        );
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2::").to_string().parse::<IpAddr>().unwrap()
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("2001:db8:1:2:abcd::9").to_string(), "2001:db8:1:2::");
    }

    #[test]
    fn ipv4_clients_are_keyed_by_their_address() {
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        assert_eq!(key("192.0.2.1").to_string(), "192.0.2.1");
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
    }

    #[test]
    fn a_limited_client_does_not_limit_another() {
        let limiter = Limiter::new(PublicRateLimit {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(1).unwrap(),
        });
        assert!(limiter.check(key("2001:db8::1")).is_ok());
        assert!(limiter.check(key("2001:db8::2")).is_err(), "same /64");
        assert!(limiter.check(key("2001:db8:0:1::1")).is_ok(), "another /64");
    }
}
