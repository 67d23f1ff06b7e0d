//! Campaigns, catalogue messages and their previews, reach.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::{Body, Id, rfc3339};
use crate::campaigns::{CampaignAction, CampaignRequest, Fallback};
use crate::domain::ListName;
use crate::store::{Campaign, DayReach, LedgerCounts, ReachFilter};
use crate::web::WebState;
use crate::web::auth::ApiCaller;
use crate::web::error::{ApiError, ErrorBody};

/// Ledger rows of a campaign by state: its live progress.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// Waiting to be sent (including retries).
    pub pending: i64,
    /// Being sent right now.
    pub sending: i64,
    /// Delivered.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
    /// Not sent on purpose.
    pub skipped: i64,
    /// Every ledger row (0 until the campaign starts).
    pub total: i64,
    /// Settled rows (sent, failed, skipped) as a percentage of the total.
    pub percent_done: u8,
}

impl From<LedgerCounts> for Progress {
    fn from(c: LedgerCounts) -> Self {
        let total = c.total();
        let settled = c.sent + c.failed + c.skipped;
        Self {
            percent_done: if total == 0 {
                0
            } else {
                (settled * 100 / total) as u8
            },
            pending: c.pending,
            sending: c.sending,
            sent: c.sent,
            failed: c.failed,
            skipped: c.skipped,
            total,
        }
    }
}

/// A campaign with its progress.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    /// Id.
    pub id: i64,
    /// Label.
    pub name: String,
    /// Catalogue message id.
    pub message_id: String,
    /// `draft`, `scheduled`, `running`, `paused`, `done` or `cancelled`.
    pub status: String,
    /// When it is due (RFC 3339, UTC).
    pub scheduled_at: Option<String>,
    /// When its audience was expanded.
    pub started_at: Option<String>,
    /// When it finished or was cancelled.
    pub finished_at: Option<String>,
    /// Target lists.
    pub lists: Vec<String>,
    /// Confirmed people its lists reach now (before it starts: who it would reach).
    pub audience: i64,
    /// Ledger progress.
    pub progress: Progress,
}

/// People who will get the message in another language than their own.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FallbackView {
    /// Their best locale, which lacks the message.
    pub wanted: String,
    /// The locale they will receive.
    pub used: String,
    /// How many people.
    pub people: i64,
}

impl From<Fallback> for FallbackView {
    fn from(f: Fallback) -> Self {
        Self {
            wanted: f.wanted,
            used: f.used,
            people: f.people,
        }
    }
}

/// A campaign after a change, with language fallback warnings.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CampaignChanged {
    /// The campaign.
    pub campaign: CampaignView,
    /// Who will receive a fallback language.
    pub fallbacks: Vec<FallbackView>,
}

/// A campaign to create.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewCampaignBody {
    /// A catalogue message id (see `GET /api/messages`).
    pub message_id: String,
    /// Target lists; the audience is their union.
    pub lists: Vec<String>,
    /// A label (defaults to the message id).
    #[serde(default)]
    pub name: Option<String>,
    /// Schedule for this time (RFC 3339); without it the campaign is a draft.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// When to schedule.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ScheduleBody {
    /// Start time (RFC 3339); default now.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// A campaign's view, with progress from the ledger.
pub(crate) async fn campaign_view(
    state: &WebState,
    campaign: Campaign,
) -> Result<CampaignView, ApiError> {
    let store = &state.app.store;
    Ok(CampaignView {
        audience: store.audience_size(campaign.id).await?,
        progress: store.ledger_counts(campaign.id).await?.into(),
        scheduled_at: rfc3339(campaign.scheduled_at),
        started_at: rfc3339(campaign.started_at),
        finished_at: rfc3339(campaign.finished_at),
        id: campaign.id,
        name: campaign.name,
        message_id: campaign.message_id,
        status: campaign.status.to_string(),
        lists: campaign.lists,
    })
}

async fn changed(state: &WebState, campaign: Campaign) -> Result<CampaignChanged, ApiError> {
    let fallbacks = state.app.fallbacks(campaign.id).await?;
    Ok(CampaignChanged {
        campaign: campaign_view(state, campaign).await?,
        fallbacks: fallbacks.into_iter().map(Into::into).collect(),
    })
}

/// Every campaign, newest first.
#[utoipa::path(get, path = "/api/campaigns", tag = "campaigns", security(("bearer" = [])),
    responses((status = 200, body = [CampaignView]), (status = 401, body = ErrorBody)))]
pub async fn list_campaigns(
    State(state): State<WebState>,
    _: ApiCaller,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    let mut views = Vec::new();
    for campaign in state.app.store.campaigns().await? {
        views.push(campaign_view(&state, campaign).await?);
    }
    Ok(Json(views))
}

/// Creates a campaign (a draft, or scheduled with `at`).
#[utoipa::path(post, path = "/api/campaigns", tag = "campaigns", security(("bearer" = [])),
    request_body = NewCampaignBody,
    responses((status = 201, body = CampaignChanged), (status = 401, body = ErrorBody),
        (status = 422, description = "unknown message or list, or no list", body = ErrorBody)))]
pub async fn create_campaign(
    State(state): State<WebState>,
    _: ApiCaller,
    Body(body): Body<NewCampaignBody>,
) -> Result<(StatusCode, Json<CampaignChanged>), ApiError> {
    let lists = body
        .lists
        .iter()
        .map(|l| ListName::parse(l))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::invalid("invalid_list_name", e.to_string()))?;
    let campaign = state
        .app
        .create_campaign(&CampaignRequest {
            message_id: body.message_id,
            lists,
            name: body.name,
            at: body.at,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(changed(&state, campaign).await?)))
}

/// One campaign with its live progress.
#[utoipa::path(get, path = "/api/campaigns/{id}", tag = "campaigns", security(("bearer" = [])),
    params(("id" = i64, Path, description = "campaign id")),
    responses((status = 200, body = CampaignView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_campaign(
    State(state): State<WebState>,
    _: ApiCaller,
    Id(id): Id,
) -> Result<Json<CampaignView>, ApiError> {
    let campaign = state.app.store.campaign(id).await?;
    Ok(Json(campaign_view(&state, campaign).await?))
}

async fn act(
    state: &WebState,
    id: i64,
    action: CampaignAction,
    at: Option<DateTime<Utc>>,
) -> Result<Json<CampaignChanged>, ApiError> {
    let campaign = state.app.change_campaign(id, action, at).await?;
    tracing::info!(campaign_id = id, status = %campaign.status, "campaign changed through the API");
    Ok(Json(changed(state, campaign).await?))
}

/// Schedules a draft (now, or at `at`).
#[utoipa::path(post, path = "/api/campaigns/{id}/schedule", tag = "campaigns", security(("bearer" = [])),
    params(("id" = i64, Path, description = "campaign id")), request_body(content = ScheduleBody, description = "optional"),
    responses((status = 200, body = CampaignChanged), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not a draft", body = ErrorBody)))]
pub async fn schedule(
    State(state): State<WebState>,
    _: ApiCaller,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Json<CampaignChanged>, ApiError> {
    // The body is optional: no body (or `{}`) schedules it now.
    let at = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<ScheduleBody>(&body)
            .map_err(|e| ApiError::invalid("invalid_body", e.to_string()))?
            .at
    };
    act(&state, id, CampaignAction::Schedule, at).await
}

/// Pauses a running campaign.
#[utoipa::path(post, path = "/api/campaigns/{id}/pause", tag = "campaigns", security(("bearer" = [])),
    params(("id" = i64, Path, description = "campaign id")),
    responses((status = 200, body = CampaignChanged), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not running", body = ErrorBody)))]
pub async fn pause(
    State(state): State<WebState>,
    _: ApiCaller,
    Id(id): Id,
) -> Result<Json<CampaignChanged>, ApiError> {
    act(&state, id, CampaignAction::Pause, None).await
}

/// Resumes a paused campaign.
#[utoipa::path(post, path = "/api/campaigns/{id}/resume", tag = "campaigns", security(("bearer" = [])),
    params(("id" = i64, Path, description = "campaign id")),
    responses((status = 200, body = CampaignChanged), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not paused", body = ErrorBody)))]
pub async fn resume(
    State(state): State<WebState>,
    _: ApiCaller,
    Id(id): Id,
) -> Result<Json<CampaignChanged>, ApiError> {
    act(&state, id, CampaignAction::Resume, None).await
}

/// Cancels a campaign: unsent messages are never sent.
#[utoipa::path(post, path = "/api/campaigns/{id}/cancel", tag = "campaigns", security(("bearer" = [])),
    params(("id" = i64, Path, description = "campaign id")),
    responses((status = 200, body = CampaignChanged), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already finished or cancelled", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<WebState>,
    _: ApiCaller,
    Id(id): Id,
) -> Result<Json<CampaignChanged>, ApiError> {
    act(&state, id, CampaignAction::Cancel, None).await
}

/// Campaign message ids in the catalogue.
#[utoipa::path(get, path = "/api/messages", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = [String]), (status = 401, body = ErrorBody)))]
pub async fn list_messages(State(state): State<WebState>, _: ApiCaller) -> Json<Vec<String>> {
    Json(state.app.catalogue().campaign_messages())
}

/// Who the preview is for.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PreviewQuery {
    /// A subscriber language tag, e.g. `quz-PE` (default `es`).
    pub locale: Option<String>,
    /// The name to greet (empty: the greeting for people without a name).
    pub name: Option<String>,
}

/// A message as one person would receive it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PreviewView {
    /// The message id.
    pub message_id: String,
    /// The tag asked for.
    pub requested: String,
    /// The locale the words came from (after fallback).
    pub locale: String,
    /// Subject line.
    pub subject: String,
    /// Preview line.
    pub preheader: String,
    /// The `text/plain` part.
    pub text: String,
    /// The `text/html` part.
    pub html: String,
}

/// Renders a message for a language, with a sample unsubscribe link.
#[utoipa::path(get, path = "/api/messages/{message_id}/preview", tag = "messages", security(("bearer" = [])),
    params(("message_id" = String, Path, description = "catalogue message id"), PreviewQuery),
    responses((status = 200, body = PreviewView), (status = 401, body = ErrorBody),
        (status = 422, description = "unknown message", body = ErrorBody)))]
pub async fn preview(
    State(state): State<WebState>,
    _: ApiCaller,
    Path(message_id): Path<String>,
    Query(query): Query<PreviewQuery>,
) -> Result<Json<PreviewView>, ApiError> {
    let requested = query.locale.unwrap_or_else(|| "es".into());
    let email = state.app.preview(
        &message_id,
        &requested,
        query.name.as_deref().unwrap_or_default(),
    )?;
    Ok(Json(PreviewView {
        message_id,
        requested,
        locale: email.locale.to_string(),
        subject: email.subject,
        preheader: email.preheader,
        text: email.text,
        html: email.html,
    }))
}

/// Which part of the ledger to count.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ReachQuery {
    /// One campaign (default: all).
    pub campaign: Option<i64>,
}

/// Reach from the delivery ledger: exactly `willay reach --format json`.
#[utoipa::path(get, path = "/api/reach", tag = "reach", security(("bearer" = [])), params(ReachQuery),
    responses((status = 200, description = "totals (people_targeted, people_reached, messages_delivered, failed, pending, skipped, unsubscribed_since, bounced), by_locale, by_region, by_list and detail — the same object as `willay reach --format json`", body = Object),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reach(
    State(state): State<WebState>,
    _: ApiCaller,
    Query(query): Query<ReachQuery>,
) -> Result<Json<crate::store::Reach>, ApiError> {
    if let Some(id) = query.campaign {
        state.app.store.campaign(id).await?;
    }
    Ok(Json(
        state
            .app
            .store
            .reach(ReachFilter {
                campaign_id: query.campaign,
            })
            .await?,
    ))
}

/// People reached on one UTC day.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DayView {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Distinct people who received a message that day.
    pub people_reached: i64,
    /// Messages delivered that day.
    pub messages_delivered: i64,
}

/// Reach per day of delivery (UTC), oldest first.
#[utoipa::path(get, path = "/api/reach/daily", tag = "reach", security(("bearer" = [])), params(ReachQuery),
    responses((status = 200, body = [DayView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reach_daily(
    State(state): State<WebState>,
    _: ApiCaller,
    Query(query): Query<ReachQuery>,
) -> Result<Json<Vec<DayView>>, ApiError> {
    if let Some(id) = query.campaign {
        state.app.store.campaign(id).await?;
    }
    let days = state.app.store.reach_by_day(query.campaign).await?;
    Ok(Json(
        days.into_iter()
            .map(
                |DayReach {
                     day,
                     people_reached,
                     messages_delivered,
                 }| DayView {
                    day,
                    people_reached,
                    messages_delivered,
                },
            )
            .collect(),
    ))
}
