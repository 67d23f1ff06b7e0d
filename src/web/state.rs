//! What every handler shares, and how the web service is configured.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::task::TaskTracker;

use super::confirm::ConfirmSigner;
use super::ratelimit::{Limiter, PublicRateLimit};
use crate::app::{App, AppError};
use crate::mail::Transport;

/// How the web service behaves, from `willay serve` flags.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Requests per minute per client address on public pages and log-in.
    pub rate: PublicRateLimit,
    /// How long a dashboard session lasts.
    pub session_ttl: Duration,
    /// How long a confirmation link stays valid.
    pub confirm_ttl: Duration,
    /// Least time between two confirmation mails to one person.
    pub confirm_resend_interval: Duration,
    /// The dashboard's time zone, in minutes east of UTC (Peru: −300, no DST).
    pub utc_offset_minutes: i32,
}

impl WebConfig {
    /// Default of [`Self::session_ttl`] (and `--session-hours`).
    pub const DEFAULT_SESSION_TTL: Duration = Duration::from_hours(12);
    /// Default of [`Self::confirm_ttl`] (and `--confirm-hours`).
    pub const DEFAULT_CONFIRM_TTL: Duration = Duration::from_hours(72);
    /// Default of [`Self::utc_offset_minutes`] (and `--dashboard-utc-offset-minutes`): Peru.
    pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = -300;
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            rate: PublicRateLimit::default(),
            session_ttl: Self::DEFAULT_SESSION_TTL,
            confirm_ttl: Self::DEFAULT_CONFIRM_TTL,
            confirm_resend_interval: Duration::from_secs(10 * 60),
            utc_offset_minutes: Self::DEFAULT_UTC_OFFSET_MINUTES,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct WebState {
    /// The application.
    pub app: Arc<App>,
    pub(super) config: Arc<WebConfig>,
    pub(super) confirm: ConfirmSigner,
    pub(super) transport: Transport,
    pub(super) limiter: Arc<Limiter>,
    /// Confirmation mails on their way, so shutdown can let them finish.
    pub(super) mail: TaskTracker,
    pub(super) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Cookies get `Secure` when the public URL is https.
    pub(super) secure_cookies: bool,
}

impl WebState {
    /// Builds the shared state: the confirmation signer (same key as unsubscribe
    /// links) and the transport for confirmation mail.
    pub async fn new(
        app: Arc<App>,
        config: WebConfig,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> Result<Self, AppError> {
        let confirm = ConfirmSigner::for_app(&app);
        let transport = Transport::new(&app.settings.transport(1))?;
        let secure_cookies = app.settings.public_url.scheme() == "https";
        Ok(Self {
            limiter: Arc::new(Limiter::new(config.rate)),
            config: Arc::new(config),
            confirm,
            transport,
            mail: TaskTracker::new(),
            metrics,
            secure_cookies,
            app,
        })
    }

    /// Waits until every confirmation mail started so far is sent or has failed.
    pub async fn mail_settled(&self) {
        // Closing only lets `wait` return once nothing runs; later mails still start.
        self.mail.close();
        self.mail.wait().await;
    }

    /// The rate limiter's bookkeeping, trimmed of idle clients.
    pub fn forget_idle_clients(&self) {
        self.limiter.retain_recent();
    }
}
