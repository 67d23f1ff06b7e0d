//! Several `willay worker` processes sharing one database and one SMTP server.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use willay::store::{LedgerCounts, now_millis};

use crate::helpers::{Backend, TestApp, shipped_locales};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

/// `n` subscribers with a realistic mix of languages and regions, as CSV.
pub fn people_csv(n: usize) -> String {
    const LANGUAGES: [&str; 6] = ["es", "es-PE", "quz-PE", "quy", "en", "qu"];
    const REGIONS: [&str; 5] = ["Huancavelica", "Ica", "Lima", "Cusco", "Ayacucho"];
    let mut csv = String::from("email,name,language,region\n");
    for i in 0..n {
        csv.push_str(&format!(
            "person{i}@example.org,Persona {i},{},{}\n",
            LANGUAGES[i % LANGUAGES.len()],
            REGIONS[i % REGIONS.len()]
        ));
    }
    csv
}

/// A worker process, killed if the test ends (or fails) before it exits.
pub struct WorkerProcess(pub Child);

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `willay worker --until-idle` process.
pub fn spawn_worker(t: &TestApp, smtp: &SmtpServer, extra: &[&str]) -> WorkerProcess {
    let child = Command::new(env!("CARGO_BIN_EXE_willay"))
        .env("DATABASE_URL", &t._db.url)
        .env("WILLAY_SMTP_URL", smtp.url())
        // The default public URL is http://localhost: a test relay.
        .env("WILLAY_ALLOW_INSECURE_LINKS", "1")
        .env("WILLAY_LOCALES", shipped_locales())
        .env("WILLAY_SECRET", "test-signing-key-of-32-bytes-at-least")
        .env("WILLAY_LOG", "warn")
        .args(["worker", "--until-idle", "--concurrency", "8"])
        .args(extra)
        // One summary line at exit, well within a pipe's buffer.
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("a worker process starts");
    WorkerProcess(child)
}

/// Waits for every worker to exit successfully (a hang fails the test, late);
/// returns how many messages each one reported sending.
pub fn wait_all(workers: &mut [WorkerProcess]) -> Vec<u64> {
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut sent = Vec::new();
    for worker in workers.iter_mut() {
        loop {
            if let Some(status) = worker.0.try_wait().unwrap() {
                assert!(status.success(), "a worker failed: {status}");
                break;
            }
            assert!(Instant::now() < deadline, "workers did not finish");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut summary = String::new();
        std::io::Read::read_to_string(&mut worker.0.stdout.take().unwrap(), &mut summary).unwrap();
        // "worker host:pid:id: 1234 sent, 0 failed, …"
        let count = summary
            .split_once(" sent,")
            .and_then(|(head, _)| head.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no summary from a worker: {summary:?}"));
        sent.push(count);
    }
    sent
}

/// Message-ID → how many times the server accepted it.
pub fn message_id_counts(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for line in smtp.log_lines() {
        let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
        let id = entry["message_id"]
            .as_str()
            .expect("every message has an id")
            .to_owned();
        *counts.entry(id).or_default() += 1;
    }
    counts
}

pub async fn scheduled_campaign(t: &TestApp, people: usize) -> i64 {
    t.import(&people_csv(people), "everyone").await;
    t.app
        .create_campaign(
            &willay::campaigns::CampaignRequest {
                message_id: "survivor-rights".into(),
                lists: vec![willay::domain::ListName::parse("everyone").unwrap()],
                name: None,
                at: Some(chrono::Utc::now()),
            },
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap()
        .id
}

fn assert_all_sent(counts: &LedgerCounts, people: i64) {
    assert_eq!(
        (
            counts.sent,
            counts.pending,
            counts.sending,
            counts.failed,
            counts.skipped
        ),
        (people, 0, 0, 0, 0),
        "the ledger agrees: everyone sent, nothing left"
    );
}

async fn four_workers_send_twenty_thousand_messages_exactly_once(backend: Backend) {
    const PEOPLE: usize = 20_000;
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;

    let started = Instant::now();
    let mut workers: Vec<WorkerProcess> = (0..4)
        .map(|_| spawn_worker(&t, &smtp, &["--batch-size", "250"]))
        .collect();
    let sent = wait_all(&mut workers);
    let elapsed = started.elapsed();

    let counts = message_id_counts(&smtp);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    eprintln!(
        "scale-out ({backend:?}): {PEOPLE} recipients, 4 workers (sent {sent:?}), {:.1}s, {:.0} msg/s, \
         {duplicates} duplicates",
        elapsed.as_secs_f64(),
        PEOPLE as f64 / elapsed.as_secs_f64()
    );
    assert!(
        sent.iter().all(|n| *n > 0),
        "every worker took a share: {sent:?}"
    );
    assert_eq!(sent.iter().sum::<u64>(), PEOPLE as u64);
    assert_eq!(counts.len(), PEOPLE, "every recipient received a message");
    assert_eq!(duplicates, 0, "nobody received one twice");
    assert_all_sent(
        &t.app.store.ledger_counts(campaign).await.unwrap(),
        PEOPLE as i64,
    );
    let campaign = t.app.store.campaign(campaign).await.unwrap();
    assert_eq!(campaign.status, willay::domain::CampaignStatus::Done);
}

async fn a_killed_worker_is_taken_over_and_nothing_is_lost(backend: Backend) {
    const PEOPLE: usize = 6_000;
    const CONCURRENCY: usize = 8;
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let campaign = scheduled_campaign(&t, PEOPLE).await;

    let flags = ["--batch-size", "200", "--lease-seconds", "2"];
    let mut victim = spawn_worker(&t, &smtp, &flags);
    // Let the victim claim and send alone for a while, then start the others.
    smtp.wait_for_messages(500);
    let mut survivors: Vec<WorkerProcess> =
        (0..3).map(|_| spawn_worker(&t, &smtp, &flags)).collect();
    smtp.wait_for_messages(2_000);
    victim.0.kill().expect("SIGKILL the worker");
    victim.0.wait().unwrap();
    let killed_at = now_millis();
    wait_all(&mut survivors);

    let counts = message_id_counts(&smtp);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    let taken_over = t
        .app
        .store
        .rows_attempted_more_than_once(campaign)
        .await
        .unwrap();
    eprintln!(
        "takeover ({backend:?}): killed after {} messages; {taken_over} rows taken over; {duplicates} duplicates; \
         finished {:.1}s after the kill",
        2_000,
        (now_millis() - killed_at) as f64 / 1000.0
    );
    assert_eq!(
        counts.len(),
        PEOPLE,
        "nothing lost: every recipient received a message"
    );
    assert!(taken_over > 0, "the dead worker's rows were taken over");
    // Only messages the dead worker had sent but not yet recorded can repeat.
    assert!(
        duplicates <= willay::worker::unrecorded_bound(CONCURRENCY),
        "{duplicates} duplicates exceed the in-flight bound"
    );
    assert_all_sent(
        &t.app.store.ledger_counts(campaign).await.unwrap(),
        PEOPLE as i64,
    );
}

async fn concurrent_workers_expand_a_campaign_once(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let campaign = scheduled_campaign(&t, 300).await;
    let now = now_millis();
    let racers = (0..8).map(|_| {
        let store = t.app.store.clone();
        tokio::spawn(async move { store.start_due_campaigns(now).await.unwrap() })
    });
    let started: Vec<(i64, u64)> = futures::future::join_all(racers)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    assert_eq!(started, [(campaign, 300)], "exactly one worker expanded it");
    assert_eq!(
        t.app.store.ledger_counts(campaign).await.unwrap().pending,
        300
    );
}

async fn a_lease_that_ran_out_is_never_revived(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let campaign = scheduled_campaign(&t, 10).await;
    let store = &t.app.store;
    let t0 = now_millis();
    store.start_due_campaigns(t0).await.unwrap();
    store.register_lease("a:0", t0 + 1_000, t0).await.unwrap();
    let held = store.claim_deliveries("a:0", t0, 10).await.unwrap();
    assert_eq!(held.len(), 10);
    // Live: nobody else can take the rows.
    assert!(
        store
            .claim_deliveries("b:0", t0 + 500, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .renew_lease("a:0", t0 + 2_000, t0 + 900)
            .await
            .unwrap()
    );

    // Worker a's database goes away for longer than the lease...
    let later = t0 + 2_500;
    store
        .register_lease("b:0", later + 1_000, later)
        .await
        .unwrap();
    let taken = store.claim_deliveries("b:0", later, 10).await.unwrap();
    assert_eq!(taken.len(), 10, "b takes over the rows of a's dead lease");
    assert!(taken.iter().all(|d| d.attempts == 2));
    // ...and when it comes back, its late heartbeat must not revive the lease.
    assert!(
        !store
            .renew_lease("a:0", later + 60_000, later + 10)
            .await
            .unwrap()
    );
    let sent: Vec<_> = held
        .iter()
        .map(|d| willay::store::DeliveryOutcome::Sent {
            id: d.id,
            locale: "es".into(),
        })
        .collect();
    assert_eq!(
        store
            .record_outcomes("a:0", &sent, later + 20, 1)
            .await
            .unwrap(),
        0,
        "a's write-back does not touch b's rows"
    );
    assert_eq!(
        t.app.store.ledger_counts(campaign).await.unwrap().sending,
        10
    );
}

on_both_backends!(
    a_lease_that_ran_out_is_never_revived,
    four_workers_send_twenty_thousand_messages_exactly_once,
    a_killed_worker_is_taken_over_and_nothing_is_lost,
    concurrent_workers_expand_a_campaign_once,
);
