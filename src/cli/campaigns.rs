//! `willay campaigns …`.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use tabled::Tabled;

use crate::app::App;
use crate::campaigns::{CampaignRequest, Fallback, ScheduleError, Steer};
use crate::domain::{Actor, ListName};
use crate::store::{Campaign, Millis};

#[derive(Debug, Subcommand)]
pub(super) enum CampaignsCommand {
    /// Create a campaign: a draft, or scheduled when --at is given.
    Create {
        /// The catalogue message to send (see `willay preview --help`).
        #[arg(long)]
        message: String,
        /// A target list; repeat for several (a person on several gets one message).
        #[arg(long = "list", required = true)]
        lists: Vec<String>,
        /// Schedule for this time (RFC 3339, e.g. 2026-11-25T14:00:00-05:00).
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        /// A label for people (defaults to the message id).
        #[arg(long)]
        name: Option<String>,
        /// Refuse if anyone would get the message in a fallback language because
        /// their translation lacks it or does not format; nothing is stored.
        #[arg(long)]
        strict: bool,
    },
    /// Show every campaign.
    List,
    /// Show one campaign with its progress.
    Show {
        /// Campaign id.
        id: i64,
    },
    /// Follow a campaign until it is done or cancelled: a live bar on a
    /// terminal (sent, failed, pending, rate, time left), else a line now,
    /// every half minute and at the end.
    Watch {
        /// Campaign id.
        id: i64,
    },
    /// Schedule a draft campaign (now, or --at a time).
    Schedule {
        /// Campaign id.
        id: i64,
        /// When to start (RFC 3339); default now.
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        /// Refuse (the campaign stays a draft) if anyone would get the message
        /// in a fallback language because their translation lacks it or does
        /// not format.
        #[arg(long)]
        strict: bool,
    },
    /// Pause a running campaign: workers stop claiming its messages.
    Pause {
        /// Campaign id.
        id: i64,
    },
    /// Resume a paused campaign where it stopped.
    Resume {
        /// Campaign id.
        id: i64,
    },
    /// Cancel a campaign: unsent messages are never sent.
    Cancel {
        /// Campaign id.
        id: i64,
    },
    /// Put a campaign's failed messages back in the queue, with a fresh set of
    /// attempts (a done campaign runs again). Bounced, unsubscribed and erased
    /// people are not retried.
    Retry {
        /// Campaign id.
        id: i64,
        /// Why, kept in the ledger with the time (e.g. "relay login fixed").
        #[arg(long, default_value = "")]
        reason: String,
    },
}

impl CampaignsCommand {
    /// Create and schedule check the message against the catalogue; the rest
    /// only touch the database.
    pub(super) fn needs_catalogue(&self) -> bool {
        matches!(
            self,
            CampaignsCommand::Create { .. } | CampaignsCommand::Schedule { .. }
        )
    }
}

#[derive(Tabled)]
struct CampaignRow {
    id: i64,
    name: String,
    message: String,
    status: String,
    lists: String,
    scheduled: String,
    finished: String,
}

fn time(ms: Option<Millis>) -> String {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_else(|| "-".into())
}

fn row(c: Campaign) -> CampaignRow {
    CampaignRow {
        id: c.id,
        name: c.name,
        message: c.message_id,
        status: c.status.to_string(),
        lists: c.lists.join(", "),
        scheduled: time(c.scheduled_at),
        finished: time(c.finished_at),
    }
}

/// `campaigns create` and `campaigns schedule`: they check the message against the catalogue.
pub(super) async fn run_rendering(app: &App, command: CampaignsCommand) -> anyhow::Result<()> {
    match command {
        CampaignsCommand::Create {
            message,
            lists,
            at,
            name,
            strict,
        } => {
            let lists = lists
                .iter()
                .map(|l| ListName::parse(l))
                .collect::<Result<Vec<_>, _>>()?;
            let request = CampaignRequest {
                message_id: message,
                lists,
                name,
                at,
            };
            let (campaign, fallbacks) = refused_note(
                app.create_campaign_checked(&request, strict, &Actor::Cli)
                    .await,
                "was not created",
            )?;
            outln!("created campaign {} ({})", campaign.id, campaign.status)?;
            warn_fallbacks(&fallbacks);
            Ok(())
        }
        CampaignsCommand::Schedule { id, at, strict } => {
            let (campaign, fallbacks) = refused_note(
                app.schedule_campaign_checked(id, at, strict, &Actor::Cli)
                    .await,
                "was not scheduled",
            )?;
            outln!("campaign {id} is now {}", campaign.status)?;
            outln!("starts at {}", time(campaign.scheduled_at))?;
            warn_fallbacks(&fallbacks);
            Ok(())
        }
        other => run(app, other).await,
    }
}

/// The campaign commands that only touch the database.
pub(super) async fn run<R>(app: &App<R>, command: CampaignsCommand) -> anyhow::Result<()> {
    let (id, steer) = match command {
        CampaignsCommand::Create { .. } | CampaignsCommand::Schedule { .. } => {
            unreachable!("create and schedule need the catalogue: run_rendering")
        }
        CampaignsCommand::List => {
            let rows: Vec<CampaignRow> =
                app.store.campaigns().await?.into_iter().map(row).collect();
            if rows.is_empty() {
                outln!("no campaigns yet: create one with `willay campaigns create`")?;
            } else {
                outln!("{}", super::reach::table(rows))?;
            }
            return Ok(());
        }
        CampaignsCommand::Show { id } => {
            let campaign = app.store.campaign(id).await?;
            let counts = app.store.ledger_counts(id).await?;
            let audience = app.store.audience_size(id).await?;
            outln!("{}", super::reach::table([row(campaign)]))?;
            outln!(
                "audience now: {audience} confirmed people; ledger: {} rows — {} sent, {} pending, {} sending, {} failed, {} skipped",
                counts.total(),
                counts.sent,
                counts.pending,
                counts.sending,
                counts.failed,
                counts.skipped
            )?;
            return Ok(());
        }
        CampaignsCommand::Watch { id } => {
            super::progress::watch(&app.store, id, super::shutdown_on_signal()).await?;
            return Ok(());
        }
        CampaignsCommand::Retry { id, reason } => {
            let retried = app
                .retry_failed(id, &reason, "command line", &Actor::Cli)
                .await?;
            match retried.retry.rows_retried {
                0 => outln!(
                    "campaign {id} has no failed messages to retry (bounced, unsubscribed and erased people are never retried)"
                )?,
                rows => outln!(
                    "campaign {id}: {rows} failed message(s) back in the queue; it is {}",
                    retried.campaign.status
                )?,
            }
            return Ok(());
        }
        CampaignsCommand::Pause { id } => (id, Steer::Pause),
        CampaignsCommand::Resume { id } => (id, Steer::Resume),
        CampaignsCommand::Cancel { id } => (id, Steer::Cancel),
    };
    let campaign = app.steer_campaign(id, steer, &Actor::Cli).await?;
    outln!("campaign {id} is now {}", campaign.status)?;
    Ok(())
}

fn warn_fallbacks(fallbacks: &[Fallback]) {
    for fallback in fallbacks {
        note!(
            "warning: the message {}; {} subscriber(s) will receive it in `{}`",
            fallback.reason(),
            fallback.people,
            fallback.used
        );
        // What `willay locales check` says about it, so the fix is one step away.
        for diagnostic in &fallback.broken {
            note!("  {diagnostic}");
        }
    }
}

/// On a strict refusal, says what became of the campaign before the error is printed.
fn refused_note<T>(result: Result<T, ScheduleError>, fate: &str) -> anyhow::Result<T> {
    if let Err(ScheduleError::Refused(refused)) = &result {
        let what = match refused.campaign_id {
            Some(id) => format!("campaign {id} {fate}"),
            None => "no campaign was created".to_owned(),
        };
        let fix = if refused.fallbacks.iter().all(|f| f.broken.is_empty()) {
            "add the missing translation"
        } else {
            "fix or add the translation"
        };
        note!("note: {what}; {fix} (see `willay locales check`) or go ahead without --strict");
    }
    Ok(result?)
}
