//! `willay serve`: the admin JSON API, the staff dashboard, the public
//! subscribe/confirm/unsubscribe pages, health and metrics — one axum router
//! built from an [`App`], so tests start exactly what `willay serve` runs.

mod api;
pub mod auth;
mod charts;
mod confirm;
mod dashboard;
pub mod error;
mod i18n;
mod monitor;
mod openapi;
mod page;
mod public;
mod ratelimit;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::set_header::SetResponseHeaderLayer;

pub use api::{IMPORT_BODY_LIMIT, api_routes};
pub use confirm::{ConfirmLink, ConfirmSigner, ConfirmToken, ConfirmTokenError};
pub use monitor::{install_metrics_recorder, worker_metrics_router};
pub use openapi::openapi_json;
pub use ratelimit::PublicRateLimit;

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
    config: Arc<WebConfig>,
    confirm: ConfirmSigner,
    transport: Transport,
    limiter: Arc<ratelimit::Limiter>,
    /// Confirmation mails on their way, so shutdown can let them finish.
    mail: TaskTracker,
    metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Cookies get `Secure` when the public URL is https.
    secure_cookies: bool,
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
            limiter: Arc::new(ratelimit::Limiter::new(config.rate)),
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

/// Every route of the service.
pub fn router(state: WebState) -> Router {
    let limited = public::routes()
        .merge(dashboard::login_routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            ratelimit::limit,
        ));
    // API answers name people (subscribers, reach by region): no cache keeps them.
    let api = api::routes().layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let secure = state.secure_cookies;
    let router = Router::new()
        .nest("/api", api)
        .merge(dashboard::routes())
        .merge(monitor::routes())
        .merge(limited)
        .with_state(state)
        // No browser may guess a type other than the one declared (a CSV or
        // JSON answer rendered as HTML would run what a stranger typed).
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));
    if secure {
        // Once a browser has seen the https site, it never tries plain http
        // again, where a session cookie or a form could be read on the way.
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    }
}

/// One year, the value browsers' preload lists ask for; not for subdomains,
/// which may be sites of the organisation's that willay knows nothing of.
const HSTS: &str = "max-age=31536000";

/// Serves `router` on `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.cancelled_owned())
    .await
}
