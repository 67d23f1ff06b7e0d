//! `willay worker`: the delivery worker on its own, with optional Prometheus metrics.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;

use super::shutdown_on_signal;
use crate::app::App;
use crate::config::{Settings, WorkerArgs};
use crate::web;

#[derive(Debug, Args)]
pub(super) struct WorkerCommand {
    #[command(flatten)]
    worker: WorkerArgs,
    /// Serve this worker's own Prometheus metrics (messages, send latency) at
    /// http://ADDRESS/metrics, for an API token. `willay serve` reports the
    /// ledger's totals.
    #[arg(long, env = "WILLAY_WORKER_METRICS_BIND", value_name = "ADDRESS")]
    metrics_bind: Option<SocketAddr>,
}

pub(super) async fn run(app: &App, args: WorkerCommand) -> anyhow::Result<()> {
    check_sending_settings(&app.settings, true)?;
    let worker = app.worker(&args.worker)?;
    let shutdown = shutdown_on_signal();
    let metrics = match args.metrics_bind {
        Some(bind) => {
            // Installed before the run, so every message is counted.
            let handle = web::install_metrics_recorder();
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind} for metrics"))?;
            note!(
                "willay worker: metrics on http://{}/metrics",
                listener.local_addr()?
            );
            let router = web::worker_metrics_router(app.store.clone(), handle);
            let stop = shutdown.child_token();
            let server = tokio::spawn(web::serve(listener, router, stop.clone()));
            Some((server, stop))
        }
        None => None,
    };
    let board_stop = tokio_util::sync::CancellationToken::new();
    let board = tokio::spawn(super::progress::follow_worker(
        app.store.clone(),
        board_stop.clone(),
    ));
    let report = worker.run(shutdown).await;
    board_stop.cancel();
    let _ = board.await;
    if let Some((server, stop)) = metrics {
        // With --until-idle the worker ends on its own; the scrape endpoint goes with it.
        stop.cancel();
        server.await?.context("the metrics server failed")?;
    }
    let report = report?;
    if args.worker.until_idle {
        note_paused(app).await?;
    }
    outln!(
        "worker {}: {} sent, {} failed, {} to retry, {} skipped; campaigns started {:?}, finished {:?}",
        worker.id(),
        report.sent,
        report.failed,
        report.retried,
        report.skipped,
        report.campaigns_started,
        report.campaigns_finished
    )?;
    Ok(())
}

/// Says which paused campaigns still have rows waiting: a worker that stops
/// when idle leaves them, so its exit does not mean they were sent. The exit
/// status stays 0, as for any run that did what was asked (1 means the
/// worker failed).
async fn note_paused(app: &App) -> anyhow::Result<()> {
    for (id, unsettled) in app.store.paused_with_unsettled().await? {
        note!(
            "willay worker: campaign {id} is paused with {unsettled} messages still pending; \
             they are sent once it is resumed (`willay campaigns resume {id}`) and a worker runs"
        );
    }
    Ok(())
}

/// Before mail goes out over SMTP: names each setting that still holds a
/// sample or local value, loudly, and refuses `http://` unsubscribe links
/// (RFC 8058) for campaign mail unless `--allow-insecure-links` was given.
pub(super) fn check_sending_settings(
    settings: &Settings,
    sends_campaigns: bool,
) -> anyhow::Result<()> {
    for placeholder in settings.placeholders() {
        // The value may be the organisation's address: stderr only, the log gets the name.
        tracing::warn!(
            setting = placeholder.setting,
            "sending over SMTP with a placeholder setting"
        );
        note!(
            "willay: WARNING: {}: {}",
            placeholder.setting,
            placeholder.problem
        );
    }
    if sends_campaigns {
        settings.check_unsubscribe_links()?;
    }
    Ok(())
}
