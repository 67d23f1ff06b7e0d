//! A relay that refuses every recipient for a reason about us (Postfix's
//! `554 5.7.1 Relay access denied`), and staff putting failed messages back
//! in the queue with `willay campaigns retry`: the real binary against the
//! loopback SMTP server.

use std::process::Output;

use willay::domain::{CampaignStatus, DeliveryState};

use crate::binary::Willay;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::scale_out::{message_id_counts, scheduled_campaign};
use crate::smtp::SmtpServer;

/// `willay ARGS` on the test's database, sending to `smtp`.
fn willay(t: &TestApp, smtp: &SmtpServer, args: &[&str]) -> Output {
    Willay {
        dir: t.dir.path(),
        db: &t._db,
    }
    .command_to(&smtp.url())
    .env("WILLAY_SECRET", "test-signing-key-of-32-bytes-at-least")
    // Not at example.org, where the recipients are: the test looks for their addresses.
    .env("WILLAY_FROM", "Colectivo Willay <noticias@willay.test>")
    .env("WILLAY_LOG", "warn")
    .args(args)
    .output()
    .expect("the willay binary runs")
}

fn worker(t: &TestApp, smtp: &SmtpServer) -> (Option<i32>, String, String) {
    let output = willay(
        t,
        smtp,
        &[
            "worker",
            "--until-idle",
            "--concurrency",
            "4",
            "--retry-base-seconds",
            "0",
        ],
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn port_of(smtp: &SmtpServer) -> u16 {
    let url = smtp.url();
    let rest = url.rsplit(':').next().unwrap();
    rest.split('?').next().unwrap().parse().unwrap()
}

/// Before: every row `failed` after one attempt, in seconds, the campaign
/// `done`, exit 0 — the whole list used up by a relay that refused *us*.
async fn a_relay_refusing_us_stops_the_worker_and_spends_nothing(backend: Backend) {
    let refusing = SmtpServer::start_with(&["--relay-access-denied"]);
    let t = TestApp::spawn(backend).await;
    let campaign = scheduled_campaign(&t, 60).await;

    let (code, stdout, stderr) = worker(&t, &refusing);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("the SMTP relay refused 20 recipients in a row with the same reply")
            && stderr.contains("5.7.1 [address] Relay access denied")
            && stderr.contains("check WILLAY_SMTP_URL"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("@example.org"),
        "an address in the log: {stderr}"
    );
    let rows = t.app.store.deliveries(campaign).await.unwrap();
    assert_eq!(rows.len(), 60);
    for row in &rows {
        assert_eq!(
            (row.state, row.attempts, row.bounced),
            (DeliveryState::Pending, 0, false),
            "{row:?}"
        );
    }
    let status = t.app.store.campaign(campaign).await.unwrap().status;
    assert_eq!(status, CampaignStatus::Running);
    assert!(message_id_counts(&refusing).is_empty());

    // The relay is fixed (here: the same port, now relaying): everyone gets it once.
    let port = port_of(&refusing);
    drop(refusing);
    let fixed = SmtpServer::start_on(port, &[]);
    let (code, stdout, stderr) = worker(&t, &fixed);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let counts = message_id_counts(&fixed);
    assert_eq!(counts.len(), 60);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    for row in t.app.store.deliveries(campaign).await.unwrap() {
        assert_eq!(
            (row.state, row.attempts),
            (DeliveryState::Sent, 1),
            "{row:?}"
        );
    }
    let status = t.app.store.campaign(campaign).await.unwrap().status;
    assert_eq!(status, CampaignStatus::Done);
}

/// Before: a failed row stayed failed for good; staff had no way back.
async fn failed_messages_are_retried_with_their_reason_recorded(backend: Backend) {
    // Four refused as spam after DATA, one address that does not exist.
    let refusing =
        SmtpServer::start_with(&["--reject-data", "person[0-3]@", "--reject-rcpt", "person9@"]);
    let t = TestApp::spawn(backend).await;
    let campaign = scheduled_campaign(&t, 10).await;
    let (code, stdout, stderr) = worker(&t, &refusing);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!((counts.sent, counts.failed), (5, 5));
    let status = t.app.store.campaign(campaign).await.unwrap().status;
    assert_eq!(status, CampaignStatus::Done);

    let id = campaign.to_string();
    let output = willay(
        &t,
        &refusing,
        &["campaigns", "retry", &id, "--reason", "spam filter\nfixed"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    // The bounced person is not retried.
    assert_eq!(
        stdout,
        format!("campaign {id}: 4 failed message(s) back in the queue; it is running\n")
    );
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!((counts.sent, counts.pending, counts.failed), (5, 4, 1));
    let retries = t.app.store.delivery_retries(campaign).await.unwrap();
    assert_eq!(retries.len(), 1);
    assert_eq!(
        (
            retries[0].reason.as_str(),
            retries[0].requested_by.as_str(),
            retries[0].rows_retried
        ),
        ("spam filter fixed", "command line", 4)
    );
    assert!(retries[0].created_at > 0);

    let port = port_of(&refusing);
    drop(refusing);
    let fixed = SmtpServer::start_on(port, &[]);
    let (code, stdout, stderr) = worker(&t, &fixed);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(message_id_counts(&fixed).len(), 4);
    let counts = t.app.store.ledger_counts(campaign).await.unwrap();
    assert_eq!((counts.sent, counts.pending, counts.failed), (9, 0, 1));
    let status = t.app.store.campaign(campaign).await.unwrap().status;
    assert_eq!(status, CampaignStatus::Done);

    // Nothing left to retry: said so, and the campaign stays done.
    let output = willay(&t, &fixed, &["campaigns", "retry", &id]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("has no failed messages to retry"),
        "{output:?}"
    );
    let status = t.app.store.campaign(campaign).await.unwrap().status;
    assert_eq!(status, CampaignStatus::Done);
}

on_both_backends!(
    a_relay_refusing_us_stops_the_worker_and_spends_nothing,
    failed_messages_are_retried_with_their_reason_recorded,
);
