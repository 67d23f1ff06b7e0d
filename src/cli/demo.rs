//! `willay demo`: a whole campaign cycle in a folder of its own.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::app::App;
use crate::campaigns::CampaignRequest;
use crate::config::{Settings, WorkerArgs};
use crate::domain::{Actor, ListName, SubscriberStatus};
use crate::store::{ReachFilter, now_millis};

/// Sample subscribers shipped with the binary: a mix of languages and regions,
/// with a few broken rows that the import reports.
const SAMPLE: &str = include_str!("../demo/subscribers.csv");
const SAMPLE_NAME: &str = "sample subscribers (src/demo/subscribers.csv)";
/// Regions whose subscribers also join the second list, so the demo shows a
/// person on two target lists receiving one message.
const ANDEAN_REGIONS: [&str; 5] = ["Huancavelica", "Ayacucho", "Apurímac", "Cusco", "Puno"];

pub(super) async fn run(mut settings: Settings, dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    // Its database and outbox hold (sample) people: for this user only.
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    settings.database_url = format!("sqlite://{}", dir.join("willay.db").display());
    settings.outbox = dir.join("outbox");
    outln!(
        "willay demo in {}/ (database willay.db, outbox/)",
        dir.display()
    )?;
    let app = App::build(settings)
        .await
        .context("willay could not start")?;
    outln!(
        "catalogue: {} locales ({}), messages: {}",
        app.catalogue().locale_ids().len(),
        app.catalogue()
            .locale_ids()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        app.catalogue().campaign_messages().join(", ")
    )?;

    let everyone = ListName::parse("demo-peru")?;
    let andes = ListName::parse("demo-sur-andino")?;
    for list in [&everyone, &andes] {
        app.store
            .ensure_list(list, now_millis(), &Actor::Cli)
            .await?;
    }
    outln!("\n1. Importing subscribers")?;
    let report = super::subscribers::import_with_progress(
        &app,
        SAMPLE.as_bytes(),
        SAMPLE_NAME,
        Some(&everyone),
        SubscriberStatus::Confirmed,
    )
    .await?;
    super::subscribers::print_import(SAMPLE_NAME, &report)?;
    let andean = andean_rows(SAMPLE)?;
    let report = app
        .import_subscribers(
            andean.as_bytes(),
            SAMPLE_NAME,
            &Actor::Cli,
            Some(&andes),
            SubscriberStatus::Confirmed,
            |_, _| {},
        )
        .await?;
    outln!(
        "{}: {} of them (southern Andes) also on list `{andes}`",
        SAMPLE_NAME,
        report.summary.created + report.summary.updated
    )?;

    outln!("\n2. Campaigns (one per catalogue message, to both lists)")?;
    for message in app.catalogue().campaign_messages() {
        let name = format!("demo: {message}");
        match app.store.campaign_by_name(&name).await? {
            Some(existing) => outln!(
                "campaign {} `{name}` already exists ({}): nothing will be sent twice",
                existing.id,
                existing.status
            )?,
            None => {
                let campaign = app
                    .create_campaign(
                        &CampaignRequest {
                            message_id: message.clone(),
                            lists: vec![everyone.clone(), andes.clone()],
                            name: Some(name.clone()),
                            at: Some(chrono::Utc::now()),
                        },
                        &Actor::Cli,
                    )
                    .await?;
                outln!(
                    "campaign {} `{name}` scheduled now for {} people",
                    campaign.id,
                    app.store.audience_size(campaign.id).await?
                )?;
            }
        }
    }

    outln!("\n3. Sending")?;
    let worker = app.worker(&WorkerArgs {
        until_idle: true,
        ..WorkerArgs::default()
    })?;
    let sent = worker.run(super::shutdown_on_signal()).await?;
    outln!(
        "worker: {} sent, {} failed, {} skipped (to {})",
        sent.sent,
        sent.failed,
        sent.skipped,
        app.settings.outbox.display()
    )?;

    outln!("\n4. Reach")?;
    let reach = app.store.reach(ReachFilter::default()).await?;
    out!("{}", super::reach::render_table(&reach, None))?;
    if app.settings.smtp_url.is_none() {
        let outbox = outbox_languages(&app.settings.outbox)?;
        let files: usize = outbox.values().sum();
        let by_language: Vec<String> = outbox.iter().map(|(l, n)| format!("{l} {n}")).collect();
        outln!(
            "\noutbox: {files} .eml files ({}); ledger: {} messages delivered",
            by_language.join(", "),
            reach.totals.messages_delivered
        )?;
    }
    outln!("\ndone in {:.1}s", started.elapsed().as_secs_f64())?;
    app.store.close().await;
    Ok(())
}

/// The sample rows whose region is in the southern Andes, as CSV.
fn andean_rows(sample: &str) -> anyhow::Result<String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(sample.as_bytes());
    // Read back by willay's own importer, never opened in a spreadsheet: cells
    // stay verbatim (see crate::csv_cell for the CSV written for people).
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers()?)?;
    for record in reader.records() {
        let record = record?;
        if record.len() == 4 && ANDEAN_REGIONS.contains(&record.get(3).unwrap_or_default()) {
            writer.write_record(&record)?;
        }
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// Counts the outbox's `.eml` files by their Content-Language header.
fn outbox_languages(outbox: &Path) -> anyhow::Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    for entry in std::fs::read_dir(outbox)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let language = text
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix("Content-Language: "))
            .unwrap_or("?")
            .trim()
            .to_owned();
        *counts.entry(language).or_default() += 1;
    }
    Ok(counts)
}
