//! Who is mailed: not the unsubscribed nor the cancelled; a paused campaign waits.

use super::*;

async fn unsubscribed_and_cancelled_people_are_not_mailed(backend: Backend) {
    let smtp = SmtpServer::start();
    let t = TestApp::spawn_with(backend, &shipped_locales(), Some(&smtp)).await;
    t.import(PEOPLE, "peru").await;
    let first = campaign_to(&t, "survivor-rights", &["peru"]).await;
    t.run_worker().await;
    assert_eq!(smtp.raw_messages().len(), 7);

    // Ann unsubscribes through the link in her message.
    let ann = smtp
        .messages()
        .into_iter()
        .find(|m| m.to == "ann@example.org")
        .unwrap();
    let token = t.app.signer.verify(&ann.unsubscribe_token()).unwrap();
    assert!(
        t.app
            .store
            .unsubscribe(token.subscriber_id, willay::store::now_millis(), None)
            .await
            .unwrap()
    );
    let reach = t.reach_of(first).await;
    assert_eq!(reach.totals.unsubscribed_since, 1);

    campaign_to(&t, "agro-workers-rights", &["peru"]).await;
    let report = t.run_worker().await;
    assert_eq!(report.sent, 6, "Ann is not mailed again");
    assert!(
        !smtp.messages()[7..]
            .iter()
            .any(|m| m.to == "ann@example.org")
    );

    // A cancelled campaign sends nothing and says so in its ledger.
    let cancelled = campaign_to(&t, "sterilisation-justice", &["peru"]).await;
    let campaign = t
        .app
        .change_campaign(
            cancelled,
            CampaignAction::Cancel,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    assert_eq!(campaign.status, CampaignStatus::Cancelled);
    assert_eq!(t.run_worker().await.sent, 0);
    assert_eq!(smtp.raw_messages().len(), 13);
    // Done campaigns cannot be resumed: the lifecycle refuses with a precise error.
    let err = t
        .app
        .change_campaign(
            first,
            CampaignAction::Resume,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("campaign {first} is done; it cannot become running")
    );
}

async fn a_paused_campaign_waits_and_resumes_where_it_stopped(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.import(PEOPLE, "peru").await;
    let id = campaign_to(&t, "survivor-rights", &["peru"]).await;
    // Start it (expand the audience) without sending: a worker claiming 0 rows per batch
    // is not a thing, so expand directly through the store as a worker would.
    let started = t
        .app
        .store
        .start_due_campaigns(willay::store::now_millis())
        .await
        .unwrap();
    assert_eq!(started, [(id, 7)]);
    t.app
        .change_campaign(id, CampaignAction::Pause, None, &willay::domain::Actor::Cli)
        .await
        .unwrap();
    assert_eq!(
        t.run_worker().await.sent,
        0,
        "nothing is claimed from a paused campaign"
    );
    assert_eq!(t.app.store.ledger_counts(id).await.unwrap().pending, 7);
    t.app
        .change_campaign(
            id,
            CampaignAction::Resume,
            None,
            &willay::domain::Actor::Cli,
        )
        .await
        .unwrap();
    assert_eq!(t.run_worker().await.sent, 7);
    let outbox = std::fs::read_dir(t.dir.path().join("outbox"))
        .unwrap()
        .count();
    assert_eq!(outbox, 7, "the outbox holds one .eml per message");
}

on_both_backends!(
    unsubscribed_and_cancelled_people_are_not_mailed,
    a_paused_campaign_waits_and_resumes_where_it_stopped,
);
