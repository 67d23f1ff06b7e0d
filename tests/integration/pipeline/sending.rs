//! Each person gets one message in their language, even with racing workers, replayed starts and stopped workers.

use super::*;

async fn sends_each_person_one_message_in_their_language(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    t.import(PEOPLE, "peru").await;
    t.import(ANDES, "andes").await;
    let campaign = campaign_to(&t, "sterilisation-justice", &["peru", "andes"]).await;

    let started = chrono::Utc::now().timestamp();
    let report = t.run_worker().await;
    let finished = chrono::Utc::now().timestamp();
    assert_eq!(report.sent, 8, "{report:?}");
    assert_eq!(report.campaigns_finished, [campaign]);

    let received = smtp.messages();
    let counts = per_address(&smtp, campaign);
    assert_eq!(counts.len(), 8);
    assert!(
        counts.values().all(|n| *n == 1),
        "one message each: {counts:?}"
    );

    for mail in &received {
        let (locale, name) = expected(&mail.to);
        assert_message(mail, locale, name, (started, finished));
        assert_eq!(mail.content_type, "multipart/alternative");
        assert_eq!(mail.list_unsubscribe_post, "List-Unsubscribe=One-Click");
        assert!(
            mail.list_unsubscribe
                .contains("<mailto:noticias@example.org?subject=unsubscribe%20")
        );
        let token = t
            .app
            .signer
            .verify(&mail.unsubscribe_token())
            .expect("a valid signed token");
        assert_eq!(token.campaign_id, campaign);
        assert_eq!(
            mail.message_id,
            format!("willay.c{campaign}.s{}@example.org", token.subscriber_id)
        );
        let subscriber = t.app.store.subscriber(token.subscriber_id).await.unwrap();
        assert_eq!(subscriber.email, mail.to, "the token names the recipient");
    }
    let maria = received
        .iter()
        .find(|m| m.to == "maria@example.org")
        .unwrap();
    assert!(
        maria
            .html
            .contains("Hola, María &#60;b&#62;Torres&#60;/b&#62;:"),
        "names are HTML-escaped"
    );
    assert!(!maria.html.contains("<b>"));
    assert!(
        maria.text.contains("María <b>Torres</b>"),
        "and left alone in plain text"
    );

    // The ledger is the truth for reach.
    let reach = t.reach_of(campaign).await;
    assert_eq!(reach.totals.people_reached, 8);
    assert_eq!(reach.totals.messages_delivered, 8);
    assert_eq!(reach.totals.pending + reach.totals.failed, 0);
    let by_locale: Vec<(&str, i64)> = reach
        .by_locale
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(by_locale, [("en", 2), ("es", 3), ("qu", 3)]);
    assert_eq!(reach.by_list["andes"], 3);
    assert_eq!(reach.by_list["peru"], 7);
    assert_eq!(reach.by_region["Cusco"], 1);
}

/// "Never twice" is not about a finished campaign being left alone: it is
/// about two workers racing for the same rows, and about the audience being
/// expanded again for a campaign that already sent (a replayed start). Both
/// happen here; the SMTP server must hold one message per person.
async fn two_workers_and_a_replayed_start_send_each_person_once(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    t.import(PEOPLE, "peru").await;
    t.import(ANDES, "andes").await;
    let campaign = campaign_to(&t, "survivor-rights", &["peru", "andes"]).await;

    let (a, b) = tokio::join!(t.run_worker(), t.run_worker());
    assert_eq!(a.sent + b.sent, 8, "{a:?} {b:?}");
    assert_eq!(
        a.campaigns_started.len() + b.campaigns_started.len(),
        1,
        "only one worker expands the audience"
    );
    let counts = per_address(&smtp, campaign);
    assert_eq!(counts.len(), 8, "{counts:?}");
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");

    // Someone joins; then the campaign's start is replayed (as a stale worker
    // or a hand-edited row would): the audience is expanded again.
    t.import(
        "email,name,language,region\nnueva@example.org,Nueva,es,Tacna\n",
        "peru",
    )
    .await;
    let replayed = execute_sql(
        &t._db.url,
        "UPDATE campaigns SET status = 'scheduled' WHERE id = $1",
        campaign,
    )
    .await;
    assert_eq!(replayed, 1);
    let again = t.run_worker().await;
    assert_eq!(again.campaigns_started, [campaign], "it was expanded again");
    assert_eq!(again.sent, 1, "only the newcomer: {again:?}");
    let counts = per_address(&smtp, campaign);
    assert_eq!(counts.len(), 9, "{counts:?}");
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert_eq!(smtp.raw_messages().len(), 9);

    // And a worker run with the campaign done sends nothing.
    assert_eq!(t.run_worker().await.sent, 0);
    assert_eq!(
        t.app.store.campaign(campaign).await.unwrap().status,
        CampaignStatus::Done
    );
}

/// A worker stopped mid-campaign (what SIGTERM does) and started again: the
/// rerun sends only what the first did not.
async fn a_stopped_worker_and_its_rerun_send_each_person_once(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    let mut csv = String::from("email,name,language,region\n");
    for i in 0..30 {
        csv.push_str(&format!("p{i}@example.org,Persona {i},es,Lima\n"));
    }
    t.import(&csv, "peru").await;
    let campaign = campaign_to(&t, "agro-workers-rights", &["peru"]).await;

    let stop = tokio_util::sync::CancellationToken::new();
    let worker = t
        .app
        .worker(&WorkerArgs {
            concurrency: 2,
            until_idle: true,
            rate_per_second: std::num::NonZeroU32::new(10),
            ..WorkerArgs::default()
        })
        .unwrap();
    let run = worker.run(stop.clone());
    let stopper = async {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while smtp.raw_messages().len() < 5 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.cancel();
    };
    let (first, ()) = tokio::join!(run, stopper);
    let first = first.unwrap();
    assert!(
        (5..30).contains(&first.sent),
        "stopped mid-campaign: {first:?}"
    );
    assert_eq!(
        smtp.raw_messages().len() as u64,
        first.sent,
        "every send recorded"
    );

    let rest = t.run_worker().await;
    assert_eq!(first.sent + rest.sent, 30, "{first:?} {rest:?}");
    let counts = per_address(&smtp, campaign);
    assert_eq!(counts.len(), 30);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

on_both_backends!(
    sends_each_person_one_message_in_their_language,
    two_workers_and_a_replayed_start_send_each_person_once,
    a_stopped_worker_and_its_rerun_send_each_person_once,
);
