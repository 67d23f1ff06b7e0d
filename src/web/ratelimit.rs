//! Per-client rate limiting of the public pages and the log-in form.
//!
//! A keyed GCRA limiter (governor) per client IP address: cheap, no database
//! writes, and a precise `Retry-After`. Behind a reverse proxy every client has
//! the proxy's address; see the README.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::WebState;

/// The allowance per client address.
#[derive(Debug, Clone, Copy)]
pub struct PublicRateLimit {
    /// Sustained requests per minute.
    pub per_minute: NonZeroU32,
    /// Requests allowed at once before the rate applies.
    pub burst: NonZeroU32,
}

impl Default for PublicRateLimit {
    fn default() -> Self {
        Self {
            per_minute: NonZeroU32::new(30).expect("non-zero"),
            burst: NonZeroU32::new(10).expect("non-zero"),
        }
    }
}

/// The shared limiter.
pub(super) struct Limiter {
    inner: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl Limiter {
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
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.inner.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            // Round up: retrying after a truncated wait would be refused again.
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// Middleware: refuses over-limit clients with 429 and `Retry-After`.
pub(super) async fn limit(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    match state.limiter.check(client) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            super::public::too_many_requests(&state, request.headers(), request.uri(), retry_after)
        }
    }
}
