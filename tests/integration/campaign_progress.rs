//! The campaign overview (`/api/campaigns`, `/dashboard`) reads every
//! campaign's lists, audience and ledger counts in one grouped statement: it
//! must say exactly what asking about each campaign on its own says.

use willay::domain::ListName;
use willay::store::{NewCampaign, Store, now_millis};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn list(store: &Store, name: &str) -> i64 {
    let name = ListName::parse(name).unwrap();
    store
        .ensure_list(&name, now_millis(), &willay::domain::Actor::Cli)
        .await
        .unwrap()
        .0
}

async fn campaign(store: &Store, name: &str, lists: &[i64], due: bool) -> i64 {
    let new = NewCampaign {
        name: name.into(),
        message_id: "survivor-rights".into(),
        list_ids: lists.to_vec(),
        scheduled_at: due.then(now_millis),
    };
    store
        .create_campaign(&new, now_millis(), &willay::domain::Actor::Cli)
        .await
        .unwrap()
}

async fn the_overview_says_what_each_campaign_says(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    t.import(
        "email,name,language,region\nana@example.org,Ana,es,Lima\nrosa@example.org,Rosa,qu,Cusco\n",
        "peru",
    )
    .await;
    // Rosa is on both lists: the two-list campaign reaches her once.
    t.import(
        "email,name,language,region\nrosa@example.org,Rosa,qu,Cusco\nluz@example.org,Luz,en,Puno\n",
        "sur",
    )
    .await;
    let store = &t.app.store;
    let (peru, sur, empty) = (
        list(store, "peru").await,
        list(store, "sur").await,
        list(store, "vacia").await,
    );
    let sent = campaign(store, "both lists, sent", &[sur, peru], true).await;
    t.run_worker().await;
    let _draft = campaign(store, "one list, draft", &[sur], false).await;
    let _nobody = campaign(store, "nobody yet", &[empty], false).await;
    let _no_list = campaign(store, "no list", &[], false).await;

    let overview = store.campaigns_with_progress().await.unwrap();
    let ids: Vec<i64> = overview.iter().map(|(c, _)| c.id).collect();
    let listed: Vec<i64> = store
        .campaigns()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, listed, "newest first, every campaign once");
    assert_eq!(ids.len(), 4);
    for (listed, progress) in overview {
        let id = listed.id;
        let alone = store.campaign(id).await.unwrap();
        assert_eq!(
            serde_json::to_value(&listed).unwrap(),
            serde_json::to_value(&alone).unwrap(),
            "campaign {id}"
        );
        assert_eq!(
            progress.audience,
            store.audience_size(id).await.unwrap(),
            "campaign {id}"
        );
        let counts = store.ledger_counts(id).await.unwrap();
        assert_eq!(
            serde_json::to_value(&progress.counts).unwrap(),
            serde_json::to_value(&counts).unwrap(),
            "campaign {id}"
        );
        let one = store.campaign_progress(id).await.unwrap();
        assert_eq!(one.audience, progress.audience, "campaign {id}");
        assert_eq!(
            serde_json::to_value(&one.counts).unwrap(),
            serde_json::to_value(&counts).unwrap(),
            "campaign {id}"
        );
    }
    let first = store.campaign(sent).await.unwrap();
    assert_eq!(first.lists, ["peru", "sur"], "lists by name");
    let progress = store.campaign_progress(sent).await.unwrap();
    assert_eq!(progress.audience, 3);
    assert_eq!(progress.counts.sent, 3);
    assert_eq!(progress.counts.total(), 3);
}

on_both_backends!(the_overview_says_what_each_campaign_says);
