//! The audit log: every change by staff, a token or the command line leaves
//! exactly one event naming who, what and to what, by ids only; nothing
//! rewrites it; staff read it through the API and `willay audit`.

mod api;
mod append_only;
mod atomic;
mod cli;
mod dashboard;
mod privacy;
mod sessions;
mod through_the_api;
mod upgrade;

use willay::domain::ActorKind;
use willay::store::{AuditEvent, AuditFilter, Store};

/// Every event, oldest first.
async fn all_events(store: &Store) -> Vec<AuditEvent> {
    let mut events = store
        .audit_events(&AuditFilter::default())
        .await
        .unwrap()
        .events;
    events.reverse();
    events
}

/// An event's who, what and to what, as one comparable line:
/// `token#1 staff#- campaign.pause campaign#7`.
fn line(event: &AuditEvent) -> String {
    let id = |id: Option<i64>| id.map_or("-".into(), |id| id.to_string());
    let actor = match event.actor_kind {
        ActorKind::Token => format!("token#{}", id(event.actor_token_id)),
        kind => kind.to_string(),
    };
    let subject = match (&event.subject_kind, event.subject_id) {
        (Some(kind), Some(sid)) => format!("{kind}#{sid}"),
        _ => "-".into(),
    };
    format!(
        "{actor} staff#{} {} {subject}",
        id(event.actor_staff_id),
        event.action
    )
}

/// The events recorded since the first `before` ones.
async fn events_since(store: &Store, before: usize) -> Vec<String> {
    all_events(store).await[before..].iter().map(line).collect()
}
