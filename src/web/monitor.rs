//! `/healthz` (is the database reachable?) and `/metrics` (Prometheus), for
//! `willay serve`; and the `/metrics` of a separate `willay worker`.
//!
//! `/metrics` needs an API token: the counts are aggregate, but they describe
//! who a women's-rights campaign reaches, in which language, and that is not
//! for everyone to read. Prometheus sends it with `authorization: credentials`.

use std::fmt::Write;
use std::sync::OnceLock;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::auth::ApiCaller;
use super::error::ApiError;
use super::state::WebState;
use crate::access::Area;
use crate::store::Store;

/// `/healthz` and `/metrics`.
pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// Upper bounds, in seconds, of the send-latency buckets: a loopback relay
/// answers in milliseconds, a remote one in tenths, a slow one up to the
/// 30-second SMTP timeout.
const SEND_SECONDS_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Installs the Prometheus recorder for the `metrics` facade, once per process;
/// later calls return the same handle.
pub fn install_metrics_recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // A histogram, not the exporter's default summary: bucket counts
            // add up across workers (`sum by (le)`), quantiles do not.
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("willay_send_seconds".into()),
                    SEND_SECONDS_BUCKETS,
                )
                .expect("the buckets are not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed");
            describe_metrics();
            handle
        })
        .clone()
}

/// The HELP texts of what the worker records (`worker::deliver`).
fn describe_metrics() {
    metrics::describe_counter!(
        "willay_messages_total",
        "Send attempts by outcome (sent, failed, transient, relay_down) and locale used."
    );
    metrics::describe_histogram!(
        "willay_send_seconds",
        metrics::Unit::Seconds,
        "Time to hand one message to the relay or the outbox, by locale."
    );
}

/// The `/metrics` of a `willay worker` process: its own counters (messages by
/// outcome and locale, send latency), behind the same API tokens as `serve`.
/// The ledger's gauges are left to `serve`, so summing workers counts each
/// message once.
pub fn worker_metrics_router(store: Store, handle: PrometheusHandle) -> Router {
    Router::new().route(
        "/metrics",
        get(
            async move |headers: HeaderMap| -> Result<Response, ApiError> {
                ApiCaller::of(&headers, &store).await?.may(Area::Metrics)?;
                Ok(prometheus_text(handle.render()))
            },
        ),
    )
}

fn prometheus_text(text: String) -> Response {
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

async fn healthz(State(state): State<WebState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<WebState>, headers: HeaderMap) -> Result<Response, ApiError> {
    ApiCaller::of(&headers, &state.app.store)
        .await?
        .may(Area::Metrics)?;
    let mut text = state
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    let gauges = state.app.store.ledger_gauges().await?;
    let queued: i64 = gauges
        .iter()
        .filter(|g| g.state == "pending" || g.state == "sending")
        .map(|g| g.rows)
        .sum();
    // Computed from the ledger at scrape time, so every replica reports the
    // same truth whichever worker did the sending.
    let _ = writeln!(
        text,
        "# HELP willay_queue_depth Ledger rows waiting or being sent.\n\
         # TYPE willay_queue_depth gauge\nwillay_queue_depth {queued}"
    );
    let _ = writeln!(
        text,
        "# HELP willay_ledger_deliveries Ledger rows by state and locale used.\n\
         # TYPE willay_ledger_deliveries gauge"
    );
    for g in gauges
        .iter()
        .filter(|g| g.state == "sent" || g.state == "failed")
    {
        let _ = writeln!(
            text,
            "willay_ledger_deliveries{{state=\"{}\",locale=\"{}\"}} {}",
            g.state,
            g.locale.replace(['\\', '"', '\n'], "_"),
            g.rows
        );
    }
    Ok(prometheus_text(text))
}
