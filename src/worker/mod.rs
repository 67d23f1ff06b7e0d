//! The delivery worker: claim due ledger rows, render and send them with bounded
//! concurrency, record the outcomes in batches.
//!
//! Three tasks make one pipeline. The claimer starts due campaigns and queues
//! leased rows; the senders (`buffer_unordered`, up to `concurrency` in flight,
//! paced by the rate limit) render and send them; the committer writes the
//! outcomes back in batches. A heartbeat renews the leases meanwhile.
//!
//! Stopping (Ctrl-C, SIGTERM) stops the claimer; in-flight sends get up to
//! `shutdown_timeout` to finish and be recorded, and every row claimed but not
//! sent is handed back.

mod claimer;
mod committer;
mod deliver;
mod gate;
mod lease;
mod refusals;
mod retry;
mod verdict;
mod watch;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

pub use crate::privacy::redact_addresses;
pub use retry::RetryPolicy;
pub use watch::WATCH_INTERVAL;

/// The most messages a worker killed with SIGKILL can have sent without
/// recording them, which another worker will send again: SMTP has no
/// two-phase commit. Sends in flight (`concurrency`), the one the pipeline
/// holds, the outcome queue (`2 × concurrency`), the batch being written and
/// the one being gathered meanwhile.
pub fn unrecorded_bound(concurrency: usize) -> usize {
    concurrency + 1 + 2 * concurrency + 2 * committer::COMMIT_BATCH
}

use self::claimer::{Claimer, Job};
use self::committer::Settled;
use self::gate::RelayGate;
use self::lease::Leases;
use self::watch::StoppedCampaigns;
use crate::mail::{MessageComposer, Transport};
use crate::render::Renderer;
use crate::store::{Store, StoreError, now_millis};
use crate::unsubscribe::TokenSigner;

/// A send-rate limit; `None` means unlimited.
#[derive(Debug, Clone, Copy, Default)]
pub struct RateLimit {
    /// Messages per second at most.
    pub per_second: Option<NonZeroU32>,
    /// Messages per minute at most.
    pub per_minute: Option<NonZeroU32>,
}

/// How a worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Most sends in flight at once (and SMTP connections in the pool).
    pub concurrency: usize,
    /// Ledger rows claimed per query.
    pub batch_size: i64,
    /// How long a claim is exclusive without renewal; a dead worker's rows are
    /// taken over after it.
    pub lease: Duration,
    /// Longest sleep when nothing is due.
    pub poll_interval: Duration,
    /// Exit once nothing is scheduled or unsettled (instead of waiting for more).
    pub until_idle: bool,
    /// Back-off for transient failures.
    pub retry: RetryPolicy,
    /// Send-rate limits for this worker's transport.
    pub rate: RateLimit,
    /// On shutdown, how long in-flight sends may take before they are abandoned.
    pub shutdown_timeout: Duration,
    /// Hard bounces after which a subscriber is marked `bounced`.
    pub bounce_threshold: i64,
}

impl WorkerSettings {
    /// Default of [`Self::concurrency`] (and `--concurrency`).
    pub const DEFAULT_CONCURRENCY: usize = 8;
    /// Default of [`Self::batch_size`] (and `--batch-size`).
    pub const DEFAULT_BATCH_SIZE: i64 = 500;
    /// Default of [`Self::lease`] (and `--lease-seconds`).
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
    /// Default of [`Self::shutdown_timeout`] (and `--shutdown-timeout`).
    pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default of [`Self::bounce_threshold`] (and `--bounce-threshold`).
    pub const DEFAULT_BOUNCE_THRESHOLD: i64 = 1;
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: Self::DEFAULT_CONCURRENCY,
            batch_size: Self::DEFAULT_BATCH_SIZE,
            lease: Self::DEFAULT_LEASE,
            poll_interval: Duration::from_secs(2),
            until_idle: false,
            retry: RetryPolicy::default(),
            rate: RateLimit::default(),
            shutdown_timeout: Self::DEFAULT_SHUTDOWN_TIMEOUT,
            bounce_threshold: Self::DEFAULT_BOUNCE_THRESHOLD,
        }
    }
}

/// What a worker run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WorkerReport {
    /// Messages accepted by the transport.
    pub sent: u64,
    /// Transient failures and relay outages scheduled for another attempt.
    pub retried: u64,
    /// Deliveries given up on.
    pub failed: u64,
    /// Deliveries not sent on purpose.
    pub skipped: u64,
    /// Claimed rows handed back unsent: at shutdown, because the campaign was
    /// paused or cancelled meanwhile, or because the lease was in doubt.
    pub released: u64,
    /// Campaigns this worker started (expanded).
    pub campaigns_started: Vec<i64>,
    /// Campaigns this worker marked done.
    pub campaigns_finished: Vec<i64>,
}

/// Why a worker stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The database kept failing.
    #[error("the worker stopped because the database kept failing: {0}")]
    Store(#[from] StoreError),
    /// The SMTP relay refuses the worker's session; the settings need fixing.
    #[error(
        "the worker stopped: {0} (check WILLAY_SMTP_URL: host, port, tls mode, user and password)"
    )]
    Relay(String),
}

/// Everything a worker needs, built once.
pub struct Worker {
    id: String,
    store: Store,
    renderer: Arc<Renderer>,
    composer: Arc<MessageComposer>,
    signer: TokenSigner,
    transport: Transport,
    settings: WorkerSettings,
    limiters: Vec<DefaultDirectRateLimiter>,
    gate: Arc<RelayGate>,
    leases: Arc<Leases>,
    stopped_campaigns: Arc<StoppedCampaigns>,
    /// Identical refusals in a row: the relay refusing this sender.
    refusals: refusals::Refusals,
    /// Fired when the relay refuses the session: sending cannot go on.
    refused: CancellationToken,
    refusal: std::sync::Mutex<Option<String>>,
}

impl Worker {
    /// A worker with a unique id (`host:pid:random`) for its leases.
    pub fn new(
        store: Store,
        renderer: Arc<Renderer>,
        composer: Arc<MessageComposer>,
        signer: TokenSigner,
        transport: Transport,
        settings: WorkerSettings,
    ) -> Self {
        let host = hostname::get()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "unknown".into());
        let id = format!(
            "{host}:{}:{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        // Burst of one: the rate holds at every instant, not only on average.
        let limiters = [
            settings
                .rate
                .per_second
                .map(|n| Quota::per_second(n).allow_burst(NonZeroU32::MIN)),
            settings
                .rate
                .per_minute
                .map(|n| Quota::per_minute(n).allow_burst(NonZeroU32::MIN)),
        ]
        .into_iter()
        .flatten()
        .map(RateLimiter::direct)
        .collect();
        Self {
            leases: Arc::new(Leases::new(id.clone(), settings.lease)),
            stopped_campaigns: Arc::default(),
            id,
            store,
            renderer,
            composer,
            signer,
            transport,
            settings,
            limiters,
            gate: Arc::default(),
            refusals: Default::default(),
            refused: CancellationToken::new(),
            refusal: std::sync::Mutex::default(),
        }
    }

    /// Stops the run because the relay refuses this worker's session.
    fn stop_for(&self, refusal: String) {
        let mut first = self.refusal.lock().expect("not poisoned");
        if first.is_none() {
            tracing::error!(error = %redact_addresses(&refusal),
                "the SMTP session cannot be set up as configured; stopping the worker");
            *first = Some(refusal);
        }
        self.refused.cancel();
    }

    /// Hands back every row this worker claimed and did not record, and drops
    /// its leases; the number of rows handed back.
    pub async fn release_claims(&self) -> Result<u64, StoreError> {
        let mut released = 0;
        for owner in self.leases.owners() {
            released += self.store.release_deliveries(&owner, now_millis()).await?;
            self.store.drop_lease(&owner).await?;
        }
        Ok(released)
    }

    /// This worker's lease owner id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `shutdown` fires (or, with `until_idle`, until nothing is left).
    #[tracing::instrument(skip_all, fields(worker = %self.id))]
    pub async fn run(&self, shutdown: CancellationToken) -> Result<WorkerReport, WorkerError> {
        tracing::info!(worker = %self.id, transport = %self.transport.describe(),
            concurrency = self.settings.concurrency, "worker started");
        let (pipeline, jobs, settled) = self.spawn_pipeline(shutdown);
        self.send_until_drained(jobs, &settled, &pipeline.stop)
            .await;
        pipeline.stop_claiming.cancel();
        drop(settled);
        self.wind_down(pipeline).await
    }

    /// Starts the claimer, the committer and the background tasks; returns
    /// them with the queue of claimed jobs and the queue of settled ones.
    fn spawn_pipeline(
        &self,
        shutdown: CancellationToken,
    ) -> (Pipeline, mpsc::Receiver<Job>, mpsc::Sender<Settled>) {
        let concurrency = self.settings.concurrency.max(1);
        let batch = self.settings.batch_size.max(1) as usize;
        let committed = Arc::new(Notify::new());
        let stop = CancellationToken::new();
        let link = tokio::spawn({
            let (stop, shutdown, refused) = (stop.clone(), shutdown.clone(), self.refused.clone());
            async move {
                tokio::select! {
                    _ = shutdown.cancelled() => {}
                    _ = refused.cancelled() => {}
                }
                stop.cancel();
            }
        });
        let stop_claiming = stop.child_token();

        let (jobs_tx, jobs_rx) = mpsc::channel(batch * 2);
        let claimer = tokio::spawn(
            Claimer {
                store: self.store.clone(),
                leases: self.leases.clone(),
                batch_size: batch as i64,
                poll_interval: self.settings.poll_interval,
                until_idle: self.settings.until_idle,
                gate: self.gate.clone(),
                committed: committed.clone(),
                jobs: jobs_tx,
                stop: stop_claiming.clone(),
            }
            .run(),
        );
        // A small queue keeps "sent but not yet recorded" small: that is what a
        // crash can re-send (README, "Delivery guarantees").
        let (settled_tx, settled_rx) = mpsc::channel(concurrency * 2);
        // Outcomes the ledger cannot write are kept until this fires: the
        // shutdown timeout after stopping.
        let give_up = CancellationToken::new();
        let deadline = tokio::spawn({
            let (stop, give_up, timeout) = (
                stop.clone(),
                give_up.clone(),
                self.settings.shutdown_timeout,
            );
            async move {
                stop.cancelled().await;
                tokio::time::sleep(timeout).await;
                give_up.cancel();
            }
        });
        let committer = tokio::spawn(committer::commit_outcomes(
            self.store.clone(),
            self.settings.bounce_threshold,
            settled_rx,
            committed.clone(),
            self.gate.clone(),
            give_up,
        ));
        let stop_background = CancellationToken::new();
        let heartbeat = tokio::spawn(
            self.leases
                .clone()
                .heartbeat(self.store.clone(), stop_background.clone()),
        );
        let watch = tokio::spawn(
            self.stopped_campaigns
                .clone()
                .watch(self.store.clone(), stop_background.clone()),
        );
        let pipeline = Pipeline {
            stop,
            stop_claiming,
            stop_background,
            link,
            deadline,
            claimer,
            committer,
            heartbeat,
            watch,
        };
        (pipeline, jobs_rx, settled_tx)
    }

    /// Sends the claimed jobs, up to `concurrency` at once, until the claimer
    /// runs dry or `stop` fires; then in-flight sends get the shutdown
    /// timeout to finish.
    async fn send_until_drained(
        &self,
        jobs: mpsc::Receiver<Job>,
        settled: &mpsc::Sender<Settled>,
        stop: &CancellationToken,
    ) {
        let senders = ReceiverStream::new(jobs)
            .take_until(stop.cancelled())
            .map(|job| self.deliver(job))
            .buffer_unordered(self.settings.concurrency.max(1))
            .for_each(|outcome| {
                let tx = settled.clone();
                async move {
                    // The committer only stops once every sender is dropped.
                    let _ = tx.send(outcome).await;
                }
            });
        let drained = async {
            stop.cancelled().await;
            tokio::time::sleep(self.settings.shutdown_timeout).await;
        };
        tokio::select! {
            _ = senders => {}
            _ = drained => tracing::warn!(worker = %self.id,
                "in-flight sends did not finish within the shutdown timeout; abandoning them"),
        }
    }

    /// Waits for the pipeline to stop, hands back what was claimed and not
    /// sent, finishes campaigns, and reports (or says why the run failed).
    async fn wind_down(&self, pipeline: Pipeline) -> Result<WorkerReport, WorkerError> {
        let claimed = pipeline.claimer.await.expect("the claimer does not panic");
        let committed_counts = pipeline
            .committer
            .await
            .expect("the committer does not panic");
        pipeline.stop_background.cancel();
        pipeline.link.abort();
        pipeline.deadline.abort();
        pipeline
            .heartbeat
            .await
            .expect("the heartbeat does not panic");
        pipeline
            .watch
            .await
            .expect("the campaign watch does not panic");
        let committed_counts = committed_counts?;
        let released = self.release_claims().await?;
        if released > 0 {
            tracing::info!(worker = %self.id, released, "handed back claimed rows not yet sent");
        }
        // Rows the relay's refusal of us had already failed: pending again.
        let requeued = self
            .store
            .requeue_refused(&self.refusals.recorded_failed(), now_millis())
            .await?;
        let mut report = WorkerReport {
            sent: committed_counts.sent,
            retried: committed_counts.retried,
            failed: committed_counts.failed.saturating_sub(requeued),
            skipped: committed_counts.skipped,
            released: released + committed_counts.released + requeued,
            campaigns_started: claimed.campaigns_started,
            campaigns_finished: claimed.campaigns_finished,
        };
        report
            .campaigns_finished
            .extend(self.store.finish_campaigns(now_millis()).await?);
        if let Some(error) = claimed.error {
            return Err(error.into());
        }
        if let Some(refusal) = self.refusal.lock().expect("not poisoned").take() {
            return Err(WorkerError::Relay(redact_addresses(&refusal)));
        }
        tracing::info!(worker = %self.id, sent = report.sent, failed = report.failed,
            retried = report.retried, skipped = report.skipped, released, "worker stopped");
        Ok(report)
    }
}

/// One run's tasks and the tokens that stop them.
struct Pipeline {
    /// Stopping, for whichever reason: asked to, or the relay refuses us.
    stop: CancellationToken,
    /// Stops the claimer (a child of `stop`, also fired once sends drained).
    stop_claiming: CancellationToken,
    /// Stops the heartbeat and the campaign watch, once outcomes are written.
    stop_background: CancellationToken,
    link: JoinHandle<()>,
    deadline: JoinHandle<()>,
    claimer: JoinHandle<claimer::Claimed>,
    committer: JoinHandle<Result<committer::Committed, StoreError>>,
    heartbeat: JoinHandle<()>,
    watch: JoinHandle<()>,
}
