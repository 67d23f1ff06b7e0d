//! The ledger's hot statements on a real SQLite file (and PostgreSQL when
//! `WILLAY_BENCH_POSTGRES_URL` names an empty database): claiming a batch of
//! 500 rows, and recording 500 outcomes. `cargo bench --bench ledger`.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use willay::domain::{EmailAddress, ListName, PersonName, Region, SubscriberStatus};
use willay::import::ImportRow;
use willay::store::{Consent, DeliveryOutcome, NewCampaign, PoolSettings, Store, now_millis};

const PEOPLE: usize = 50_000;
const BATCH: i64 = 500;

/// A store with `PEOPLE` confirmed subscribers on one list.
async fn populated(url: &str) -> (Store, i64) {
    let store = Store::connect(url, &PoolSettings::default()).await.unwrap();
    let list = ListName::parse("bench").unwrap();
    let (list_id, _) = store
        .ensure_list(&list, now_millis(), &willay::domain::Actor::Cli)
        .await
        .unwrap();
    let people: Vec<ImportRow> = (0..PEOPLE)
        .map(|i| ImportRow {
            email: EmailAddress::parse(&format!("person{i}@example.org")).unwrap(),
            name: PersonName::parse("Rosa Quispe").ok(),
            language: Some(["es", "qu", "en"][i % 3].into()),
            region: Region::parse("Huancavelica").ok(),
        })
        .collect();
    let consent = Consent {
        status: SubscriberStatus::Confirmed,
        source: "bench".into(),
    };
    store
        .upsert_subscribers(&people, &consent, Some(list_id), now_millis())
        .await
        .unwrap();
    (store, list_id)
}

/// Starts a fresh campaign to the list: `PEOPLE` pending rows.
async fn start_campaign(store: &Store, list_id: i64) {
    let new = NewCampaign {
        name: "bench".into(),
        message_id: "survivor-rights".into(),
        list_ids: vec![list_id],
        scheduled_at: Some(0),
    };
    store
        .create_campaign(&new, now_millis(), &willay::domain::Actor::Cli)
        .await
        .unwrap();
    store.start_due_campaigns(now_millis()).await.unwrap();
}

/// Claims and records batches, timing only the two statements; a new
/// campaign is started (untimed) whenever the current one runs dry.
fn bench_backend(c: &mut Criterion, name: &str, url: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (store, list_id) = runtime.block_on(populated(url));
    runtime.block_on(start_campaign(&store, list_id));
    let owner = "bench:0";
    runtime.block_on(async {
        store
            .register_lease(owner, i64::MAX / 2, now_millis())
            .await
            .unwrap()
    });
    let mut claimed = Vec::new();
    let mut group = c.benchmark_group(format!("ledger/{name}"));
    group.bench_function("claim 500", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let started = Instant::now();
                    let batch = store
                        .claim_deliveries(owner, now_millis(), BATCH)
                        .await
                        .unwrap();
                    total += started.elapsed();
                    if batch.len() < BATCH as usize {
                        start_campaign(&store, list_id).await;
                    }
                    claimed.push(batch);
                }
                total
            })
        })
    });
    group.bench_function("record 500 sent", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let batch = match claimed.pop() {
                        Some(batch) if !batch.is_empty() => batch,
                        _ => {
                            let batch = store
                                .claim_deliveries(owner, now_millis(), BATCH)
                                .await
                                .unwrap();
                            if batch.len() < BATCH as usize {
                                start_campaign(&store, list_id).await;
                            }
                            batch
                        }
                    };
                    let outcomes: Vec<DeliveryOutcome> = batch
                        .iter()
                        .map(|d| DeliveryOutcome::Sent {
                            id: d.id,
                            locale: "es".into(),
                        })
                        .collect();
                    let started = Instant::now();
                    store
                        .record_outcomes(owner, &outcomes, now_millis(), 1)
                        .await
                        .unwrap();
                    total += started.elapsed();
                }
                total
            })
        })
    });
    group.finish();
}

fn ledger(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    bench_backend(c, "sqlite", &url);
    if let Ok(url) = std::env::var("WILLAY_BENCH_POSTGRES_URL") {
        bench_backend(c, "postgres", &url);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = ledger
}
criterion_main!(benches);
