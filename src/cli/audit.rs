//! `willay audit`: the audit log, newest first.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use tabled::Tabled;

use crate::app::{App, NoCatalogue};
use crate::domain::{ActorKind, AuditAction};
use crate::store::{AuditEvent, AuditFilter};

#[derive(Debug, Args)]
pub(super) struct AuditArgs {
    /// Only this action, e.g. `campaign.pause`, `subscriber.erase`, `session.login_refused`.
    #[arg(long)]
    action: Option<AuditAction>,
    /// Only what this staff member did (with their password or their tokens).
    #[arg(long, value_name = "NAME")]
    staff: Option<String>,
    /// Only events at or after this time: RFC 3339 or a date (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
    /// At most this many events (the newest).
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = text.parse::<DateTime<Utc>>() {
        return Ok(time);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|day| day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| format!("`{text}` is neither RFC 3339 nor YYYY-MM-DD"))
}

#[derive(Tabled)]
struct Row {
    time: String,
    actor: String,
    action: AuditAction,
    subject: String,
    detail: String,
}

pub(super) async fn run(app: &App<NoCatalogue>, args: AuditArgs) -> anyhow::Result<()> {
    // Staff names are resolved here, for reading: the log itself keeps ids,
    // so removing someone leaves their history readable as `staff #id`.
    let names: HashMap<i64, String> = app
        .store
        .staff()
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let actor_staff_id = match &args.staff {
        None => None,
        Some(name) => Some(
            names
                .iter()
                .find(|(_, n)| *n == name)
                .map(|(id, _)| *id)
                .ok_or_else(|| crate::access::staff::StaffError::Unknown(name.clone()))?,
        ),
    };
    let filter = AuditFilter {
        action: args.action,
        actor_staff_id,
        since: args.since.map(|t| t.timestamp_millis()),
        limit: Some(args.limit),
        ..AuditFilter::default()
    };
    let page = app.store.audit_events(&filter).await?;
    if page.events.is_empty() {
        outln!("no audit events match")?;
        return Ok(());
    }
    let rows: Vec<Row> = page.events.iter().map(|e| row(e, &names)).collect();
    outln!("{}", super::reach::table(rows))?;
    if page.next.is_some() {
        note!("older events not shown: raise --limit or narrow with --since");
    }
    Ok(())
}

fn row(event: &AuditEvent, names: &HashMap<i64, String>) -> Row {
    let staff = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("staff #{id}"))
    };
    let actor = match (event.actor_kind, event.actor_staff_id, event.actor_token_id) {
        (ActorKind::Token, Some(id), Some(token)) => format!("{} (token #{token})", staff(id)),
        (ActorKind::Token, None, Some(token)) => format!("token #{token}"),
        (_, Some(id), _) => staff(id),
        (kind, ..) => kind.to_string(),
    };
    let subject = match (&event.subject_kind, event.subject_id) {
        (Some(kind), Some(id)) if kind == "staff" => match names.get(&id) {
            Some(name) => format!("{name} (staff #{id})"),
            None => format!("staff #{id}"),
        },
        (Some(kind), Some(id)) => format!("{kind} #{id}"),
        _ => "—".into(),
    };
    Row {
        time: super::tokens::time(Some(event.at)),
        actor,
        action: event.action,
        subject,
        detail: event.detail.clone().unwrap_or_default(),
    }
}
