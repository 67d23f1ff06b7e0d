//! `willay serve`: the web service, with the delivery worker alongside.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::app::App;
use crate::config::{Settings, WorkerArgs};
use crate::web::{self, PublicRateLimit, WebConfig, WebState};

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "WILLAY_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Do not run the delivery worker in this process (run `willay worker` elsewhere).
    #[arg(long)]
    no_worker: bool,
    /// Requests per minute per client address on the public pages and log-in.
    #[arg(long, env = "WILLAY_PUBLIC_RATE_PER_MINUTE", default_value_t = PublicRateLimit::DEFAULT_PER_MINUTE)]
    public_rate_per_minute: NonZeroU32,
    /// Requests a client may make at once before the per-minute rate applies.
    #[arg(long, env = "WILLAY_PUBLIC_RATE_BURST", default_value_t = PublicRateLimit::DEFAULT_BURST)]
    public_rate_burst: NonZeroU32,
    /// Hours a dashboard session lasts.
    #[arg(long, env = "WILLAY_SESSION_HOURS", default_value_t = whole_hours(WebConfig::DEFAULT_SESSION_TTL))]
    session_hours: u64,
    /// Hours a subscription confirmation link stays valid.
    #[arg(long, env = "WILLAY_CONFIRM_HOURS", default_value_t = whole_hours(WebConfig::DEFAULT_CONFIRM_TTL))]
    confirm_hours: u64,
    /// The dashboard's time zone in minutes east of UTC (Peru: -300).
    #[arg(long, env = "WILLAY_DASHBOARD_UTC_OFFSET_MINUTES", default_value_t = WebConfig::DEFAULT_UTC_OFFSET_MINUTES, allow_negative_numbers = true)]
    dashboard_utc_offset_minutes: i32,
    #[command(flatten)]
    worker: WorkerArgs,
}

/// A default duration in the whole hours the `--…-hours` flags take.
const fn whole_hours(duration: Duration) -> u64 {
    duration.as_secs() / 3600
}

pub(super) async fn run(settings: Settings, args: ServeArgs) -> anyhow::Result<()> {
    super::worker::check_sending_settings(&settings, !args.no_worker)?;
    // Before anything records a metric, so the worker's counters are captured.
    let metrics = web::install_metrics_recorder();
    let app = Arc::new(
        App::build(settings)
            .await
            .context("willay could not start")?,
    );
    let config = WebConfig {
        rate: PublicRateLimit {
            per_minute: args.public_rate_per_minute,
            burst: args.public_rate_burst,
        },
        session_ttl: Duration::from_secs(args.session_hours.max(1) * 3600),
        confirm_ttl: Duration::from_secs(args.confirm_hours.max(1) * 3600),
        utc_offset_minutes: args.dashboard_utc_offset_minutes,
        ..WebConfig::default()
    };
    // Built before listening: a worker that cannot be set up is a start-up error.
    let worker = if args.no_worker {
        None
    } else {
        let worker_args = WorkerArgs {
            until_idle: false,
            ..args.worker.clone()
        };
        let worker = app
            .worker(&worker_args)
            .context("the delivery worker cannot start")?;
        Some(Arc::new(worker))
    };
    let state = WebState::new(app.clone(), config, Some(metrics)).await?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    let shutdown = super::shutdown_on_signal();
    tracing::info!(%address, worker = !args.no_worker, "willay serve listening");
    note!(
        "willay serve: listening on http://{address} (dashboard /dashboard, API /api/, subscribe /subscribe)"
    );

    let sweeper = {
        let (state, shutdown) = (state.clone(), shutdown.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tick.tick() => state.forget_idle_clients(),
                }
            }
        })
    };
    let server = async {
        let served = web::serve(listener, web::router(state.clone()), shutdown.clone()).await;
        // Confirmation mails already promised on a "check your inbox" page.
        let settled = tokio::time::timeout(Duration::from_secs(30), state.mail_settled()).await;
        if settled.is_err() {
            tracing::warn!("stopping with confirmation mails still unsent");
        }
        served
    };
    // The worker runs as a task of its own, so that whatever stops it — the
    // database, the relay, a bug — the web side stays up: unsubscribe links
    // must keep working (RFC 8058), and sign-ups keep being recorded.
    let worker = async {
        let Some(worker) = worker else {
            return Ok(());
        };
        let run = tokio::spawn({
            let (worker, shutdown) = (worker.clone(), shutdown.clone());
            async move { worker.run(shutdown).await }
        });
        let result = match run.await {
            Ok(result) => result.map(drop).map_err(anyhow::Error::from),
            Err(panic) => {
                tracing::error!(%panic, "the delivery worker panicked");
                // Its claimed rows would wait for their lease to run out.
                if let Err(error) = worker.release_claims().await {
                    tracing::warn!(%error, "could not hand back the rows the worker had claimed");
                }
                Err(anyhow::anyhow!(
                    "the delivery worker stopped on an internal error (a bug in willay; please report it)"
                ))
            }
        };
        if let Err(error) = &result
            && !shutdown.is_cancelled()
        {
            tracing::error!(error = %format!("{error:#}"),
                "the delivery worker stopped; the web side keeps serving, nothing is sent until willay serve is restarted");
            note!(
                "willay serve: the delivery worker stopped: {error:#}\n\
                 willay serve: still serving the web side; nothing is sent until it is restarted"
            );
        }
        result
    };
    let (served, worked) = tokio::join!(server, worker);
    sweeper.abort();
    app.store.close().await;
    served.context("the web server failed")?;
    worked.context("the delivery worker failed")?;
    Ok(())
}
