//! The audit log, read newest first: who did what and when, by ids only.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};

use super::extract::{ApiQuery, rfc3339};
use crate::domain::{AuditAction, SubjectKind};
use crate::store::{AuditEvent, AuditFilter};
use crate::web::error::{ApiError, ErrorBody};
use crate::web::state::WebState;

/// Which events to read; every parameter narrows.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// One action, e.g. `campaign.pause` or `session.login_refused`.
    pub action: Option<String>,
    /// What one staff member did (by id), with their password or their tokens.
    pub staff: Option<i64>,
    /// Events about one kind of thing: `subscriber`, `list`, `campaign`, `staff` or `token`.
    pub subject_kind: Option<String>,
    /// Events about one id (with `subject_kind`, one thing).
    pub subject_id: Option<i64>,
    /// At or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    /// The previous page's `next`: events older than it.
    pub before: Option<i64>,
    /// At most this many events (1–500, default 500).
    pub limit: Option<u32>,
}

/// One event. It holds ids and enum words only, never a name or an address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEventView {
    /// Event id; newer events have larger ids.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// `cli`, `visitor` (not logged in), `staff` (password) or `token`.
    pub actor: String,
    /// The staff member who acted, if known.
    pub actor_staff_id: Option<i64>,
    /// The token used, if one was.
    pub actor_token_id: Option<i64>,
    /// What was done, e.g. `subscriber.erase`.
    pub action: String,
    /// The kind of thing it was done to.
    pub subject_kind: Option<String>,
    /// That thing's id.
    pub subject_id: Option<i64>,
    /// Counts and enum words, e.g. `created=3 updated=1 rejected=0`.
    pub detail: Option<String>,
}

impl From<AuditEvent> for AuditEventView {
    fn from(event: AuditEvent) -> Self {
        Self {
            id: event.id,
            at: rfc3339(Some(event.at)).unwrap_or_default(),
            actor: event.actor_kind.as_str().into(),
            actor_staff_id: event.actor_staff_id,
            actor_token_id: event.actor_token_id,
            action: event.action.as_str().into(),
            subject_kind: event.subject_kind,
            subject_id: event.subject_id,
            detail: event.detail,
        }
    }
}

/// A page of events, newest first.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AuditPageView {
    /// The events.
    pub events: Vec<AuditEventView>,
    /// Pass as `before` for the next (older) page; `null` on the last page.
    pub next: Option<i64>,
}

impl AuditQuery {
    fn filter(self) -> Result<AuditFilter, ApiError> {
        let action = self
            .action
            .as_deref()
            .map(str::parse::<AuditAction>)
            .transpose()
            .map_err(|e| ApiError::invalid("invalid_action", e.to_string()))?;
        let subject_kind = self
            .subject_kind
            .as_deref()
            .map(str::parse::<SubjectKind>)
            .transpose()
            .map_err(|e| ApiError::invalid("invalid_subject_kind", e.to_string()))?;
        Ok(AuditFilter {
            action,
            actor_staff_id: self.staff,
            subject_kind,
            subject_id: self.subject_id,
            since: self.since.map(|t| t.timestamp_millis()),
            until: self.until.map(|t| t.timestamp_millis()),
            before_id: self.before,
            limit: self.limit,
        })
    }
}

/// The audit log, newest first, filtered and paged.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPageView),
        (status = 400, description = "a query parameter that does not parse", body = ErrorBody),
        (status = 422, description = "an unknown action or subject kind", body = ErrorBody)))]
pub async fn audit_log(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPageView>, ApiError> {
    let page = state.app.store.audit_events(&query.filter()?).await?;
    Ok(Json(AuditPageView {
        events: page.events.into_iter().map(Into::into).collect(),
        next: page.next,
    }))
}
