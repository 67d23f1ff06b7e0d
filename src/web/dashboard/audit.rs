//! The audit log for administrators: who did what and when, newest first,
//! filtered by action, staff member and day, a page at a time. It shows ids
//! and staff names, never a subscriber's address or name (the log holds none).

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, TimeZone};

use super::text::DashText;
use super::{failed, page};
use crate::domain::{ActorKind, AuditAction};
use crate::store::{AuditEvent, AuditFilter, Millis};
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;

/// The filters as the form sends them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct AuditQuery {
    action: String,
    staff: String,
    /// First day shown, `YYYY-MM-DD` in the dashboard's zone.
    since: String,
    /// Last day shown.
    until: String,
    before: Option<i64>,
}

/// One event as a table row, in words.
struct Row {
    at: String,
    actor: String,
    action: String,
    subject: String,
    link: Option<String>,
    detail: String,
}

#[derive(Template)]
#[template(path = "web/audit.html")]
struct AuditPageView<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    query: &'a AuditQuery,
    /// Every action: its word and its name in the page's language.
    actions: Vec<(&'static str, String)>,
    staff: Vec<String>,
    rows: Vec<Row>,
    next: Option<String>,
}

/// `GET /dashboard/audit`.
pub(super) async fn audit(
    State(state): State<WebState>,
    staff: Staff,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result: Result<Response, ApiError> = async {
        let store = &state.app.store;
        let members = store.staff().await?;
        let names: HashMap<i64, String> = members.iter().map(|m| (m.id, m.name.clone())).collect();
        let filter = AuditFilter {
            action: match query.action.as_str() {
                "" => None,
                word => Some(
                    word.parse::<AuditAction>()
                        .map_err(|e| ApiError::invalid("invalid_action", e.to_string()))?,
                ),
            },
            actor_staff_id: match query.staff.as_str() {
                "" => None,
                name => Some(
                    members
                        .iter()
                        .find(|m| m.name == name)
                        .map(|m| m.id)
                        .ok_or_else(|| {
                            ApiError::invalid("unknown_staff", "no such staff member")
                        })?,
                ),
            },
            since: day_start(&state, &query.since, 0)?,
            until: day_start(&state, &query.until, 1)?,
            before_id: query.before,
            ..Default::default()
        };
        let found = store.audit_events(&filter).await?;
        let rows = found.events.iter().map(|e| row(&t, &names, e)).collect();
        let next = found.next.map(|before| next_page(&query, before));
        let body = AuditPageView {
            t: &t,
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            query: &query,
            actions: AuditAction::ALL
                .iter()
                .map(|a| (a.as_str(), t.get(&action_id(*a))))
                .collect(),
            staff: members.into_iter().map(|m| m.name).collect(),
            rows,
            next,
        }
        .render();
        Ok(page(&t, StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(&state, &staff, e))
}

/// The start of day `text` (plus `days`) in the dashboard's zone; empty is none.
fn day_start(state: &WebState, text: &str, days: i64) -> Result<Option<Millis>, ApiError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let invalid = || ApiError::invalid("invalid_time", format!("`{text}` is not a date"));
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| invalid())?;
    let start = (day + chrono::Duration::days(days))
        .and_hms_opt(0, 0, 0)
        .ok_or_else(invalid)?;
    state
        .config
        .offset()
        .from_local_datetime(&start)
        .single()
        .map(|t| Some(t.timestamp_millis()))
        .ok_or_else(invalid)
}

/// The message id naming `action`, e.g. `dash-audit-campaign-pause`.
fn action_id(action: AuditAction) -> String {
    format!("dash-audit-{}", action.as_str().replace(['.', '_'], "-"))
}

fn row(t: &DashText<'_>, names: &HashMap<i64, String>, e: &AuditEvent) -> Row {
    let staff =
        |id: Option<i64>| id.map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")));
    let actor = match e.actor_kind {
        ActorKind::Cli => t.get("dash-audit-actor-cli"),
        ActorKind::Visitor => t.get("dash-audit-actor-visitor"),
        ActorKind::Staff => staff(e.actor_staff_id).unwrap_or_default(),
        ActorKind::Token => {
            let token = t.with(
                "dash-audit-actor-token",
                "id",
                e.actor_token_id.unwrap_or_default(),
            );
            match staff(e.actor_staff_id) {
                Some(holder) => format!("{token} ({holder})"),
                None => token,
            }
        }
    };
    let (subject, link) = match (e.subject_kind.as_deref(), e.subject_id) {
        (Some(kind), Some(id)) => {
            let shown = match kind {
                "staff" => staff(Some(id)).unwrap_or_default(),
                _ => format!("{} #{id}", t.get(&format!("dash-audit-kind-{kind}"))),
            };
            let link = match kind {
                "campaign" => Some(format!("/dashboard/campaigns/{id}")),
                "subscriber" => Some(format!("/dashboard/subscribers/{id}")),
                _ => None,
            };
            (shown, link)
        }
        _ => ("—".to_owned(), None),
    };
    Row {
        at: t.at_ms(&e.at),
        actor,
        action: t.get(&action_id(e.action)),
        subject,
        link,
        detail: e.detail.clone().unwrap_or_default(),
    }
}

/// The next page's address: the same filters, before `before`.
fn next_page(query: &AuditQuery, before: i64) -> String {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("action", &query.action),
        ("staff", &query.staff),
        ("since", &query.since),
        ("until", &query.until),
    ] {
        if !value.is_empty() {
            url.append_pair(key, value);
        }
    }
    url.append_pair("before", &before.to_string());
    format!("/dashboard/audit?{}", url.finish())
}
