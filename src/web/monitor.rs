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
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::WebState;
use super::auth::ApiCaller;
use super::error::ApiError;
use crate::store::Store;

/// `/healthz` and `/metrics`.
pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// Installs the Prometheus recorder for the `metrics` facade, once per process;
/// later calls return the same handle.
pub fn install_metrics_recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
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
                ApiCaller::of(&headers, &store).await?;
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

async fn metrics(State(state): State<WebState>, _caller: ApiCaller) -> Result<Response, ApiError> {
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
