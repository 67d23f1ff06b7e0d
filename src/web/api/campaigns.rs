//! Campaigns: create, schedule, pause, resume, cancel, and show with live progress.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::extract::{Body, Id, OptionalBody, rfc3339};
use super::responses::{JsonBodyRefused, OptionalBodyRefused};
use crate::campaigns::{CampaignRequest, Fallback, Steer};
use crate::domain::ListName;
use crate::store::{Campaign, CampaignProgress};
use crate::web::auth::ApiCaller;
use crate::web::error::{ApiError, ErrorBody, FallbackRefusedBody};
use crate::web::state::WebState;
use crate::web::views::{CampaignView, FallbackView};

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
    /// Refuse (409 `fallback_refused`, nothing stored) if anyone in the
    /// audience would get the message in a fallback language.
    #[serde(default)]
    pub strict: bool,
}

/// When to schedule; the whole body is optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ScheduleBody {
    /// Start time (RFC 3339); default now.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// Refuse (409 `fallback_refused`, the campaign stays a draft) if anyone
    /// in the audience would get the message in a fallback language.
    #[serde(default)]
    pub strict: bool,
}

/// A 409 that is either a refused transition ([`ErrorBody`]) or a strict
/// refusal ([`FallbackRefusedBody`]): the document says `anyOf` the two, as
/// the second is the first with two more fields.
pub struct ConflictBody;

impl utoipa::PartialSchema for ConflictBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOf, Ref};
        AnyOf::builder()
            .item(Ref::from_schema_name("ErrorBody"))
            .item(Ref::from_schema_name("FallbackRefusedBody"))
            .description(Some(
                "`invalid_transition` (an ErrorBody) or `fallback_refused` (a FallbackRefusedBody)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ConflictBody {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push(("ErrorBody".into(), ErrorBody::schema()));
        schemas.push(("FallbackRefusedBody".into(), FallbackRefusedBody::schema()));
        <FallbackRefusedBody as utoipa::ToSchema>::schemas(schemas);
    }
}

/// A campaign's view, with progress from the ledger (one more statement).
pub(crate) async fn campaign_view(
    state: &WebState,
    campaign: Campaign,
) -> Result<CampaignView, ApiError> {
    let progress = state.app.store.campaign_progress(campaign.id).await?;
    Ok(view_of(campaign, progress))
}

/// Every campaign's view, newest first, in one statement whatever their number.
pub(crate) async fn campaign_views(state: &WebState) -> Result<Vec<CampaignView>, ApiError> {
    let campaigns = state.app.store.campaigns_with_progress().await?;
    Ok(campaigns
        .into_iter()
        .map(|(campaign, progress)| view_of(campaign, progress))
        .collect())
}

fn view_of(campaign: Campaign, progress: CampaignProgress) -> CampaignView {
    CampaignView {
        audience: progress.audience,
        progress: progress.counts.into(),
        scheduled_at: rfc3339(campaign.scheduled_at),
        started_at: rfc3339(campaign.started_at),
        finished_at: rfc3339(campaign.finished_at),
        id: campaign.id,
        name: campaign.name,
        message_id: campaign.message_id,
        status: campaign.status.to_string(),
        lists: campaign.lists,
    }
}

async fn changed(state: &WebState, campaign: Campaign) -> Result<CampaignChanged, ApiError> {
    let fallbacks = state.app.fallbacks(campaign.id).await?;
    with_fallbacks(state, campaign, fallbacks).await
}

async fn with_fallbacks(
    state: &WebState,
    campaign: Campaign,
    fallbacks: Vec<Fallback>,
) -> Result<CampaignChanged, ApiError> {
    Ok(CampaignChanged {
        campaign: campaign_view(state, campaign).await?,
        fallbacks: fallbacks.into_iter().map(Into::into).collect(),
    })
}

/// Every campaign, newest first.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    responses((status = 200, body = [CampaignView])))]
pub async fn list_campaigns(
    State(state): State<WebState>,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    Ok(Json(campaign_views(&state).await?))
}

/// Creates a campaign (a draft, or scheduled with `at`), with a warning for
/// each group of people who will get a fallback language; with `strict`,
/// refuses instead.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns",
    request_body = NewCampaignBody,
    responses((status = 201, body = CampaignChanged),
        JsonBodyRefused,
        (status = 409, description = "`strict` and someone would get a fallback language", body = FallbackRefusedBody),
        (status = 422, description = "unknown message or list, or no list", body = ErrorBody)))]
pub async fn create_campaign(
    State(state): State<WebState>,
    caller: ApiCaller,
    Body(body): Body<NewCampaignBody>,
) -> Result<(StatusCode, Json<CampaignChanged>), ApiError> {
    let lists = body
        .lists
        .iter()
        .map(|l| ListName::parse(l))
        .collect::<Result<Vec<_>, _>>()?;
    let request = CampaignRequest {
        message_id: body.message_id,
        lists,
        name: body.name,
        at: body.at,
    };
    let (campaign, fallbacks) = state
        .app
        .create_campaign_checked(&request, body.strict, &caller.actor())
        .await?;
    tracing::info!(
        campaign_id = campaign.id,
        "campaign created through the API"
    );
    let changed = with_fallbacks(&state, campaign, fallbacks).await?;
    Ok((StatusCode::CREATED, Json(changed)))
}

/// One campaign with its live progress.
#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    responses((status = 200, body = CampaignView), (status = 404, body = ErrorBody)))]
pub async fn show_campaign(
    State(state): State<WebState>,
    Id(id): Id,
) -> Result<Json<CampaignView>, ApiError> {
    let campaign = state.app.store.campaign(id).await?;
    Ok(Json(campaign_view(&state, campaign).await?))
}

/// Schedules a draft (now, or at `at`), with fallback warnings; with
/// `strict`, refuses instead. The body is optional: none schedules it now.
#[utoipa::path(post, path = "/campaigns/{id}/schedule", tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    request_body(content = Option<ScheduleBody>, description = "optional: no body schedules the campaign now"),
    responses((status = 200, body = CampaignChanged), OptionalBodyRefused, (status = 404, body = ErrorBody),
        (status = 409, description = "not a draft (`invalid_transition`), or `strict` and someone would get a fallback language (`fallback_refused`)", body = ConflictBody)))]
pub async fn schedule(
    State(state): State<WebState>,
    caller: ApiCaller,
    Id(id): Id,
    OptionalBody(body): OptionalBody<ScheduleBody>,
) -> Result<Json<CampaignChanged>, ApiError> {
    let (campaign, fallbacks) = state
        .app
        .schedule_campaign_checked(id, body.at, body.strict, &caller.actor())
        .await?;
    tracing::info!(campaign_id = id, status = %campaign.status, "campaign changed through the API");
    Ok(Json(with_fallbacks(&state, campaign, fallbacks).await?))
}

/// Declares the routes that steer a campaign: each its handler and OpenAPI
/// entry, from its name, path, command and when it is refused.
macro_rules! steering_routes {
    ($($(#[$doc:meta])* $name:ident: $path:tt, $steer:expr, refused $refused:tt;)+) => {$(
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "campaigns",
            params(("id" = i64, Path, description = "campaign id")),
            responses((status = 200, body = CampaignChanged), (status = 404, body = ErrorBody),
                (status = 409, description = $refused, body = ErrorBody)))]
        pub async fn $name(
            State(state): State<WebState>,
            caller: ApiCaller,
            Id(id): Id,
        ) -> Result<Json<CampaignChanged>, ApiError> {
            let campaign = state.app.steer_campaign(id, $steer, &caller.actor()).await?;
            tracing::info!(campaign_id = id, status = %campaign.status, "campaign changed through the API");
            Ok(Json(changed(&state, campaign).await?))
        }
    )+};
}

steering_routes! {
    /// Pauses a running campaign.
    pause: "/campaigns/{id}/pause", Steer::Pause, refused "not running";
    /// Resumes a paused campaign.
    resume: "/campaigns/{id}/resume", Steer::Resume, refused "not paused";
    /// Cancels a campaign: unsent messages are never sent.
    cancel: "/campaigns/{id}/cancel", Steer::Cancel, refused "already finished or cancelled";
}

/// Why failed messages are retried; the whole body is optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RetryBody {
    /// Kept in the ledger with the time and the token's name (at most 500 characters).
    #[serde(default)]
    pub reason: String,
}

/// A campaign after a retry.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RetriedView {
    /// The campaign (`running` again if it was `done`).
    pub campaign: CampaignView,
    /// How many failed messages went back in the queue.
    pub retried: i64,
    /// The retry's id in the ledger.
    pub retry_id: i64,
}

/// Puts the campaign's failed messages back in the queue with a fresh set of
/// attempts; a `done` campaign runs again. Bounced, unsubscribed and erased
/// people are not retried. The reason and the token's name are recorded.
#[utoipa::path(post, path = "/campaigns/{id}/retry", tag = "campaigns",
    params(("id" = i64, Path, description = "campaign id")),
    request_body(content = Option<RetryBody>, description = "optional: `{\"reason\": \"…\"}`"),
    responses((status = 200, body = RetriedView), OptionalBodyRefused, (status = 404, body = ErrorBody),
        (status = 409, description = "the campaign is cancelled (`invalid_transition`)", body = ErrorBody)))]
pub async fn retry(
    State(state): State<WebState>,
    caller: ApiCaller,
    Id(id): Id,
    OptionalBody(body): OptionalBody<RetryBody>,
) -> Result<Json<RetriedView>, ApiError> {
    let retried = state
        .app
        .retry_failed(
            id,
            &body.reason,
            &caller.source("admin API"),
            &caller.actor(),
        )
        .await?;
    Ok(Json(RetriedView {
        campaign: campaign_view(&state, retried.campaign).await?,
        retried: retried.retry.rows_retried,
        retry_id: retried.retry.id,
    }))
}
