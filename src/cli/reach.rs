//! `willay reach`: the ledger's counts as a table, JSON or CSV.

use clap::{Args, ValueEnum};
use tabled::settings::Style;
use tabled::{Table, Tabled};

use crate::app::{App, NoCatalogue};
use crate::store::{Breakdown, Reach, ReachFilter};

#[derive(Debug, Args)]
pub(super) struct ReachArgs {
    /// Only this campaign (default: all campaigns).
    #[arg(long)]
    campaign: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

pub(super) async fn run(app: &App<NoCatalogue>, args: ReachArgs) -> anyhow::Result<()> {
    if let Some(id) = args.campaign {
        app.store.campaign(id).await?;
    }
    let reach = app
        .store
        .reach(ReachFilter {
            campaign_id: args.campaign,
        })
        .await?;
    match args.format {
        Format::Table => out!("{}", render_table(&reach, args.campaign))?,
        Format::Json => outln!("{}", serde_json::to_string_pretty(&reach)?)?,
        Format::Csv => out!("{}", render_csv(&reach)?)?,
    }
    Ok(())
}

/// A table in the house style.
pub(super) fn table<T: Tabled>(rows: impl IntoIterator<Item = T>) -> String {
    Table::new(rows).with(Style::rounded()).to_string()
}

#[derive(Tabled)]
struct Row<'a> {
    #[tabled(rename = "")]
    key: &'a str,
    #[tabled(rename = "people reached")]
    reached: i64,
    #[tabled(rename = "delivered")]
    delivered: i64,
    #[tabled(rename = "failed")]
    failed: i64,
    #[tabled(rename = "pending")]
    pending: i64,
    #[tabled(rename = "targeted")]
    targeted: i64,
    #[tabled(rename = "unsubscribed since")]
    unsubscribed: i64,
    #[tabled(rename = "bounced")]
    bounced: i64,
}

fn rows<'a>(breakdown: &'a [Breakdown]) -> Vec<Row<'a>> {
    breakdown
        .iter()
        .map(|b| Row {
            key: &b.key,
            reached: b.counts.people_reached,
            delivered: b.counts.messages_delivered,
            failed: b.counts.failed,
            pending: b.counts.pending,
            targeted: b.counts.people_targeted,
            unsubscribed: b.counts.unsubscribed_since,
            bounced: b.counts.bounced,
        })
        .collect()
}

/// The reach report as text tables.
pub(super) fn render_table(reach: &Reach, campaign: Option<i64>) -> String {
    let t = &reach.totals;
    let scope = campaign.map_or_else(|| "all campaigns".to_owned(), |id| format!("campaign {id}"));
    let mut out = format!(
        "Reach — {scope}\n\
         people reached {}  ·  messages delivered {}  ·  failed {}  ·  pending {}  ·  people targeted {}  ·  unsubscribed since {}  ·  bounced {}\n",
        t.people_reached,
        t.messages_delivered,
        t.failed,
        t.pending,
        t.people_targeted,
        t.unsubscribed_since,
        t.bounced
    );
    let detail = &reach.detail;
    let sections: [(&str, &[Breakdown]); 4] = [
        ("By campaign", &detail.campaigns),
        ("By locale (language actually sent)", &detail.locales),
        ("By region", &detail.regions),
        ("By list", &detail.lists),
    ];
    for (title, breakdown) in sections {
        if breakdown.is_empty() || (campaign.is_some() && title == "By campaign") {
            continue;
        }
        out.push_str(&format!("\n{title}\n{}\n", table(rows(breakdown))));
    }
    out
}

fn render_csv(reach: &Reach) -> anyhow::Result<String> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    crate::csv_cell::write_record(
        &mut csv,
        [
            "dimension",
            "key",
            "people_targeted",
            "people_reached",
            "messages_delivered",
            "failed",
            "pending",
            "skipped",
            "unsubscribed_since",
            "bounced",
        ],
    )?;
    let total = Breakdown {
        key: String::new(),
        counts: reach.totals.clone(),
    };
    let detail = &reach.detail;
    let sections: [(&str, &[Breakdown]); 5] = [
        ("total", std::slice::from_ref(&total)),
        ("campaign", &detail.campaigns),
        ("locale", &detail.locales),
        ("region", &detail.regions),
        ("list", &detail.lists),
    ];
    for (dimension, breakdown) in sections {
        for b in breakdown {
            let c = &b.counts;
            crate::csv_cell::write_record(
                &mut csv,
                [
                    dimension.to_owned(),
                    b.key.clone(),
                    c.people_targeted.to_string(),
                    c.people_reached.to_string(),
                    c.messages_delivered.to_string(),
                    c.failed.to_string(),
                    c.pending.to_string(),
                    c.skipped.to_string(),
                    c.unsubscribed_since.to_string(),
                    c.bounced.to_string(),
                ],
            )?;
        }
    }
    Ok(String::from_utf8(csv.into_inner()?)?)
}
