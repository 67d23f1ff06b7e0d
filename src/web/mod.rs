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
mod state;
mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

pub use api::IMPORT_BODY_LIMIT;
pub use confirm::{ConfirmLink, ConfirmSigner, ConfirmToken, ConfirmTokenError};
pub use monitor::{install_metrics_recorder, worker_metrics_router};
pub use openapi::openapi_json;
pub use ratelimit::PublicRateLimit;
pub use state::{WebConfig, WebState};

/// Every route of the service.
pub fn router(state: WebState) -> Router {
    let limited = public::routes()
        .merge(dashboard::login_routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), public::limit));
    // API answers name people (subscribers, reach by region): no cache keeps them.
    let api = api::routes(&state).layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let secure = state.secure_cookies;
    let router = Router::new()
        .nest("/api", api)
        .merge(dashboard::routes(&state))
        .merge(monitor::routes())
        .merge(limited)
        .with_state(state)
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
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

/// A request's span: its method and the route it matched (`/u/{token}`),
/// never its path or query, which hold link tokens and search text, nor its
/// headers (cookies, bearer tokens). Status and latency come as the span's
/// closing event.
fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    tracing::debug_span!("request", method = %request.method(), route)
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
