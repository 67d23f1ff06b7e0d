//! Delivery in the real world: a misbehaving SMTP server, an unreachable relay,
//! rate limits, SIGTERM and SIGKILL, DKIM, bounce reports.

use std::time::{Duration, Instant};

use willay::config::WorkerArgs;
use willay::domain::{CampaignStatus, DeliveryState, SubscriberStatus};
use willay::store::DeliveryRow;

use crate::helpers::{Backend, TestApp, shipped_locales};
use crate::on_both_backends;
use crate::scale_out::{message_id_counts, scheduled_campaign, spawn_worker, wait_all};
use crate::smtp::SmtpServer;

/// Immediate retries, so a test sees every attempt without waiting for back-off.
fn fast_retries(max_attempts: i64) -> WorkerArgs {
    WorkerArgs {
        concurrency: 4,
        until_idle: true,
        retry_base_seconds: 0,
        max_attempts,
        ..WorkerArgs::default()
    }
}

async fn rows(t: &TestApp, campaign: i64) -> Vec<DeliveryRow> {
    t.app.store.deliveries(campaign).await.unwrap()
}

async fn transient_replies_are_retried_until_accepted_or_given_up(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--tempfail-first", "2"]);
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, 20).await;
    let report = t.run_worker_with(fast_retries(5)).await;
    assert_eq!(report.sent, 20);
    assert_eq!(report.retried, 40, "two 451 replies per person");
    for row in rows(&t, campaign).await {
        assert_eq!((row.state, row.attempts), (DeliveryState::Sent, 3));
        assert_eq!(row.last_error, None);
    }
    assert_eq!(message_id_counts(&smtp).len(), 20);

    // With fewer attempts allowed, the last reply is kept and the row fails.
    let smtp = SmtpServer::start_with(&["--tempfail-first", "5"]);
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, 5).await;
    let report = t.run_worker_with(fast_retries(2)).await;
    assert_eq!((report.sent, report.failed), (0, 5));
    for row in rows(&t, campaign).await {
        assert_eq!((row.state, row.attempts), (DeliveryState::Failed, 2));
        let error = row.last_error.unwrap();
        assert!(
            error.starts_with("gave up after 2 attempts: transient error (451)")
                && error.contains("4.3.0 Try again later"),
            "{error}"
        );
    }
    assert_eq!(
        t.app.store.campaign(campaign).await.unwrap().status,
        CampaignStatus::Done
    );
}

async fn hard_bounces_fail_at_once_and_stop_later_mail(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--reject-rcpt", "^person(3|7)@"]);
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, 10).await;
    let report = t.run_worker_with(fast_retries(5)).await;
    assert_eq!((report.sent, report.failed, report.retried), (8, 2, 0));
    let failed: Vec<DeliveryRow> = rows(&t, campaign)
        .await
        .into_iter()
        .filter(|r| r.state == DeliveryState::Failed)
        .collect();
    assert_eq!(failed.len(), 2);
    for row in &failed {
        assert_eq!(row.attempts, 1, "a 5xx is not retried");
        assert!(row.bounced);
        assert!(
            row.last_error
                .as_deref()
                .unwrap()
                .contains("5.1.1 [address] Recipient address rejected: User unknown")
        );
        let person = t.app.store.subscriber(row.subscriber_id).await.unwrap();
        assert_eq!(person.status, SubscriberStatus::Bounced);
    }
    let reach = t.reach_of(campaign).await;
    assert_eq!((reach.totals.bounced, reach.totals.failed), (2, 2));

    // The next campaign leaves the bounced addresses out.
    let next = t
        .app
        .create_campaign(
            &willay::campaigns::CampaignRequest {
                message_id: "agro-workers-rights".into(),
                lists: vec![willay::domain::ListName::parse("everyone").unwrap()],
                name: None,
                at: Some(chrono::Utc::now()),
            },
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    t.run_worker_with(fast_retries(5)).await;
    assert_eq!(rows(&t, next.id).await.len(), 8);
}

async fn dropped_connections_and_stalls_are_retried(backend: Backend) {
    // Two DATA payloads cut halfway, three transactions cut after the final dot
    // without a reply, then one that stalls past the client's 1 s timeout.
    let smtp = SmtpServer::start_with(&[
        "--drop-during-data",
        "2",
        "--drop-after-data",
        "3",
        "--stall-data",
        "3",
        "--stall-count",
        "1",
    ]);
    let t = TestApp::spawn_configured(backend, &shipped_locales(), Some(&smtp), |s| {
        s.smtp_timeout = 1
    })
    .await;
    let campaign = scheduled_campaign(&t, 12).await;
    let report = t.run_worker_with(fast_retries(5)).await;
    assert_eq!(report.sent, 12);
    assert_eq!(report.retried, 6);
    let rows = rows(&t, campaign).await;
    assert!(rows.iter().all(|r| r.state == DeliveryState::Sent));
    assert_eq!(rows.iter().map(|r| r.attempts).sum::<i64>(), 12 + 6);
    // Neither a dropped nor a stalled transaction is stored by the server.
    let counts = message_id_counts(&smtp);
    assert_eq!(counts.len(), 12);
    assert!(counts.values().all(|n| *n == 1));
}

async fn refusals_mean_what_the_refused_step_says(backend: Backend) {
    // RFC 5321: a 5xx to RCPT refuses the address, after DATA the content, and
    // to MAIL the sender -- which is the relay's problem, not the message's.
    let smtp = SmtpServer::start_with(&[
        "--reject-rcpt",
        "^person3@",
        "--reject-data",
        "^person5@",
        "--reject-mail-first",
        "2",
    ]);
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, 10).await;
    let report = t.run_worker_with(fast_retries(2)).await;
    assert_eq!((report.sent, report.failed), (8, 2));
    assert!(report.retried >= 2, "the refused senders were deferred");
    let rows = rows(&t, campaign).await;
    let mut people = std::collections::HashMap::new();
    for row in &rows {
        let person = t.app.store.subscriber(row.subscriber_id).await.unwrap();
        people.insert(person.email.clone(), (row.clone(), person));
    }
    let (row, bounced) = &people["person3@example.org"];
    assert_eq!((row.state, row.bounced), (DeliveryState::Failed, true));
    let error = row.last_error.as_deref().unwrap();
    assert!(
        error.contains("5.1.1 [address] Recipient address rejected"),
        "{error}"
    );
    assert!(!error.contains('@'), "no address is stored: {error}");
    assert_eq!(bounced.status, SubscriberStatus::Bounced);

    let (row, refused) = &people["person5@example.org"];
    assert_eq!((row.state, row.bounced), (DeliveryState::Failed, false));
    let error = row.last_error.as_deref().unwrap();
    assert!(error.contains("5.7.1 Message rejected as spam"), "{error}");
    assert_eq!(
        refused.status,
        SubscriberStatus::Confirmed,
        "spam is not a bounce"
    );

    // Two MAIL refusals cost nobody an attempt: every delivered row took one.
    for row in rows.iter().filter(|r| r.state == DeliveryState::Sent) {
        assert_eq!(row.attempts, 1, "{row:?}");
    }
    assert_eq!(message_id_counts(&smtp).len(), 8);
}

async fn a_refused_login_stops_the_worker_and_spends_nothing(backend: Backend) {
    let smtp = SmtpServer::start_with(&["--require-auth"]);
    let port = smtp
        .url()
        .split(':')
        .nth(2)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    for (url, expected) in [
        (
            format!("smtp://ana:wrong-secret@127.0.0.1:{port}?tls=none"),
            "(535)",
        ),
        (smtp.url(), "requires a login"),
    ] {
        let t = TestApp::spawn_configured(backend, &shipped_locales(), None, |s| {
            s.smtp_url = Some(url.clone().into());
        })
        .await;
        let campaign = scheduled_campaign(&t, 20).await;
        let worker = t.app.worker(&fast_retries(3)).unwrap();
        let error = worker
            .run(tokio_util::sync::CancellationToken::new())
            .await
            .expect_err("a worker that cannot log in stops");
        let message = error.to_string();
        assert!(message.contains(expected), "{message}");
        assert!(message.contains("check WILLAY_SMTP_URL"), "{message}");
        assert!(
            !message.contains("wrong-secret"),
            "no password in errors: {message}"
        );
        for row in rows(&t, campaign).await {
            assert_eq!(
                (row.state, row.attempts),
                (DeliveryState::Pending, 0),
                "{row:?}"
            );
        }
    }
    assert!(message_id_counts(&smtp).is_empty());
}

async fn an_unreachable_relay_defers_without_spending_attempts(backend: Backend) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let t = TestApp::spawn_configured(backend, &shipped_locales(), None, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}?tls=none").into());
    })
    .await;
    let campaign = scheduled_campaign(&t, 30).await;
    let worker = t.app.worker(&fast_retries(3)).unwrap();
    let running =
        tokio::spawn(async move { worker.run(tokio_util::sync::CancellationToken::new()).await });

    // Wait until the worker has met the closed port at least twice.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let deferred = rows(&t, campaign)
            .await
            .iter()
            .filter(|r| {
                r.last_error
                    .as_deref()
                    .is_some_and(|e| e.contains("cannot connect"))
            })
            .count();
        if deferred >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the worker never tried the relay"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let smtp = SmtpServer::start_on(port, &[]);
    let report = running.await.unwrap().unwrap();
    assert_eq!(report.sent, 30);
    assert!(report.retried >= 2);
    for row in rows(&t, campaign).await {
        // Three attempts allowed, yet nobody failed: an outage is not the message's fault.
        assert_eq!(
            (row.state, row.attempts),
            (DeliveryState::Sent, 1),
            "{row:?}"
        );
    }
    assert_eq!(message_id_counts(&smtp).len(), 30);
}

async fn the_send_rate_holds(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    scheduled_campaign(&t, 31).await;
    let started = Instant::now();
    let report = t
        .run_worker_with(WorkerArgs {
            rate_per_second: Some(std::num::NonZeroU32::new(20).unwrap()),
            concurrency: 8,
            ..fast_retries(3)
        })
        .await;
    assert_eq!(report.sent, 31);
    // 31 messages at 20/s with no burst allowance cannot take less than 1.5 s.
    assert!(
        started.elapsed() >= Duration::from_millis(1450),
        "{:?}",
        started.elapsed()
    );

    // Per minute too: 120 a minute is one every 500 ms, so 5 take 2 s.
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    scheduled_campaign(&t, 5).await;
    let started = Instant::now();
    let report = t
        .run_worker_with(WorkerArgs {
            rate_per_minute: Some(std::num::NonZeroU32::new(120).unwrap()),
            concurrency: 8,
            ..fast_retries(3)
        })
        .await;
    assert_eq!(report.sent, 5);
    assert!(
        started.elapsed() >= Duration::from_millis(1950),
        "{:?}",
        started.elapsed()
    );
}

async fn sigterm_finishes_in_flight_sends_and_loses_nothing(backend: Backend) {
    const PEOPLE: usize = 3_000;
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    let mut worker = spawn_worker(&t, &smtp, &["--batch-size", "200"]);
    smtp.wait_for_messages(500);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &worker.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = worker.0.wait().unwrap();
    assert!(exit.success(), "a clean stop exits 0: {exit}");
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!(counts.sending, 0, "nothing left claimed");
    assert_eq!(
        counts.sent as usize,
        message_id_counts(&smtp).len(),
        "every send recorded"
    );
    assert!(counts.pending > 0, "stopped mid-campaign");

    let mut rest = [spawn_worker(&t, &smtp, &[])];
    wait_all(&mut rest);
    let received = message_id_counts(&smtp);
    assert_eq!(received.len(), PEOPLE);
    assert!(
        received.values().all(|n| *n == 1),
        "a clean stop sends nothing twice"
    );
}

async fn sigkill_at_random_points_loses_nothing(backend: Backend) {
    const PEOPLE: usize = 5_000;
    const CONCURRENCY: usize = 8;
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;
    let flags = ["--batch-size", "200", "--lease-seconds", "2"];
    let kills = 3;
    let mut kill_points = Vec::new();
    for kill in 0..kills {
        let received = smtp.log_lines().len();
        let target = received + rand::random_range(200..1200);
        let mut worker = spawn_worker(&t, &smtp, &flags);
        while smtp.log_lines().len() < target {
            assert!(
                worker.0.try_wait().unwrap().is_none(),
                "worker {kill} exited early"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        worker.0.kill().unwrap();
        worker.0.wait().unwrap();
        kill_points.push(target);
    }
    let mut last = [spawn_worker(&t, &smtp, &flags)];
    wait_all(&mut last);

    let counts = message_id_counts(&smtp);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    eprintln!(
        "crash ({backend:?}): SIGKILL after {kill_points:?} messages; {duplicates} duplicates of {PEOPLE}"
    );
    assert_eq!(counts.len(), PEOPLE, "zero recipients lost");
    // Per kill, only messages sent but not yet recorded can repeat (README,
    // "Delivery guarantees").
    assert!(
        duplicates <= kills * willay::worker::unrecorded_bound(CONCURRENCY),
        "{duplicates} duplicates"
    );
    let ledger = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!(
        (ledger.sent, ledger.pending, ledger.sending, ledger.failed),
        (PEOPLE as i64, 0, 0, 0)
    );
}

async fn a_spam_complaint_unsubscribes_and_counts_in_reach(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let campaign = scheduled_campaign(&t, 3).await;
    assert_eq!(t.run_worker().await.sent, 3);
    let complainer = rows(&t, campaign).await[1].subscriber_id;
    // A feedback-loop report (RFC 5965) with the recipient redacted: only the
    // returned Message-ID says who complained.
    let report = format!(
        "From: fbl@mx.example.net\r\nTo: noticias@example.org\r\nSubject: complaint\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n\
         --F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n\
         --F\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: redacted@example.net\r\n\
         Message-ID: <willay.c{campaign}.s{complainer}@example.org>\r\n--F--\r\n"
    );
    let file = t.dir.path().join("complaint.eml");
    std::fs::write(&file, report).unwrap();
    let imported = t.app.import_bounces(&[&file]).await.unwrap();
    assert_eq!((imported.complaints, imported.marked), (1, 0));
    let person = t.app.store.subscriber(complainer).await.unwrap();
    assert_eq!(person.status, SubscriberStatus::Unsubscribed);
    let reach = t.reach_of(campaign).await;
    assert_eq!(reach.totals.unsubscribed_since, 1);
}

on_both_backends!(
    a_spam_complaint_unsubscribes_and_counts_in_reach,
    transient_replies_are_retried_until_accepted_or_given_up,
    hard_bounces_fail_at_once_and_stop_later_mail,
    dropped_connections_and_stalls_are_retried,
    refusals_mean_what_the_refused_step_says,
    a_refused_login_stops_the_worker_and_spends_nothing,
    an_unreachable_relay_defers_without_spending_attempts,
    the_send_rate_holds,
    sigterm_finishes_in_flight_sends_and_loses_nothing,
    sigkill_at_random_points_loses_nothing,
);
