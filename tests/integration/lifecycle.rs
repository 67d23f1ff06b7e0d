//! Pausing, cancelling and resuming campaigns while a worker is sending them.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use willay::campaigns::CampaignAction;
use willay::config::WorkerArgs;
use willay::domain::CampaignStatus;
use willay::worker::{WATCH_INTERVAL, WorkerReport};

use crate::helpers::{Backend, TestApp, shipped_locales};
use crate::on_both_backends;
use crate::scale_out::{message_id_counts, scheduled_campaign, spawn_worker, wait_all};
use crate::smtp::SmtpServer;

const PEOPLE: usize = 600;
const RATE: u32 = 100;
const CONCURRENCY: usize = 4;

/// A slow worker holding far more claimed rows than it sends in a moment:
/// two batches of 200 queued, 100 messages a second.
fn slow_worker() -> WorkerArgs {
    WorkerArgs {
        concurrency: CONCURRENCY,
        batch_size: 200,
        rate_per_second: std::num::NonZeroU32::new(RATE),
        until_idle: true,
        ..WorkerArgs::default()
    }
}

/// Starts the slow worker, waits until the server has `n` messages, applies
/// `action`, and returns what the server had then and the worker's report.
async fn act_mid_send(
    t: &TestApp,
    smtp: &SmtpServer,
    campaign: i64,
    action: CampaignAction,
) -> (usize, WorkerReport) {
    let worker = t.app.worker(&slow_worker()).unwrap();
    let running = tokio::spawn(async move { worker.run(CancellationToken::new()).await });
    let deadline = Instant::now() + Duration::from_secs(60);
    while smtp.log_lines().len() < 50 {
        assert!(Instant::now() < deadline, "the worker never got going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    t.app
        .change_campaign(campaign, action, None, &willay::domain::Actor::Cli)
        .await
        .expect("a running campaign can be paused or cancelled");
    let at_action = smtp.log_lines().len();
    let report = running.await.unwrap().expect("the worker stops cleanly");
    (at_action, report)
}

/// Messages that may still go out after a pause or cancel: those in flight,
/// and what the rate allows until the worker next reads campaign states.
fn after_halt_bound() -> usize {
    CONCURRENCY + (RATE as f64 * WATCH_INTERVAL.as_secs_f64()).ceil() as usize + 10
}

async fn pausing_stops_queued_sends_and_resuming_finishes(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    let (at_pause, report) = act_mid_send(&t, &smtp, campaign, CampaignAction::Pause).await;

    let received = smtp.log_lines().len();
    assert!(
        received - at_pause <= after_halt_bound(),
        "{} sent after the pause (bound {}), of {} claimed",
        received - at_pause,
        after_halt_bound(),
        report.sent + report.released
    );
    assert!(report.released > 0, "queued rows were handed back");
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!(counts.sending, 0, "nothing left claimed");
    assert_eq!(counts.sent as usize, received, "every send recorded");
    assert_eq!(counts.pending as usize, PEOPLE - received);
    assert_eq!(
        t.app.store.campaign(campaign).await.unwrap().status,
        CampaignStatus::Paused
    );

    t.app
        .change_campaign(
            campaign,
            CampaignAction::Resume,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    t.run_worker().await;
    let counts = message_id_counts(&smtp);
    assert_eq!(counts.len(), PEOPLE, "everyone got it after the resume");
    assert!(counts.values().all(|n| *n == 1), "nobody twice");
}

async fn cancelling_mid_send_skips_everything_unsent(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    let (at_cancel, _) = act_mid_send(&t, &smtp, campaign, CampaignAction::Cancel).await;

    let received = smtp.log_lines().len();
    assert!(received - at_cancel <= after_halt_bound());
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!(
        (counts.pending, counts.sending),
        (0, 0),
        "nothing left waiting"
    );
    assert_eq!(counts.sent as usize, received);
    assert_eq!(counts.skipped as usize, PEOPLE - received);
    let reach = t.reach_of(campaign).await;
    assert_eq!(
        reach.totals.pending, 0,
        "reach shows nothing pending forever"
    );
}

async fn a_cancelled_campaigns_rows_left_by_a_dead_worker_are_skipped(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    let flags = ["--rate-per-second", "100", "--lease-seconds", "2"];
    let mut victim = spawn_worker(&t, &smtp, &flags);
    smtp.wait_for_messages(50);
    victim.0.kill().expect("SIGKILL the worker");
    victim.0.wait().unwrap();
    t.app
        .change_campaign(
            campaign,
            CampaignAction::Cancel,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    let left = t.app.store.ledger_counts(campaign).await.unwrap();
    assert!(left.sending > 0, "the dead worker held rows");

    // Another worker waits for the dead one's lease, then settles its rows.
    let mut other = [spawn_worker(&t, &smtp, &flags)];
    wait_all(&mut other);
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!((counts.pending, counts.sending), (0, 0));
    assert_eq!(counts.sent + counts.skipped, PEOPLE as i64);
}

async fn a_campaign_that_never_started_cannot_be_resumed(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let campaign = scheduled_campaign(&t, 5).await;
    let refused = t
        .app
        .change_campaign(
            campaign,
            CampaignAction::Resume,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .expect_err("resume is for paused campaigns");
    assert!(
        refused
            .to_string()
            .contains("is scheduled; it cannot become running"),
        "{refused}"
    );
    // The worker still starts it and sends it.
    let report = t.run_worker().await;
    assert_eq!(report.sent, 5);
}

on_both_backends!(
    pausing_stops_queued_sends_and_resuming_finishes,
    cancelling_mid_send_skips_everything_unsent,
    a_cancelled_campaigns_rows_left_by_a_dead_worker_are_skipped,
    a_campaign_that_never_started_cannot_be_resumed,
);
