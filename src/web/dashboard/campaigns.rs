//! The dashboard's campaign pages: the overview, one campaign with its reach
//! and lifecycle buttons, and the new-campaign form with its previews.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use super::form::SignedForm;
use super::previews::{self, MessageQuery, Preview};
use super::text::DashText;
use super::{Charts, Stat, campaign_id, failed, page, stats};
use crate::campaigns::{CampaignAction, CampaignRequest};
use crate::domain::{CampaignStatus, ListName};
use crate::store::{ListSummary, ReachFilter};
use crate::web::api::campaigns::{campaign_view, campaign_views};
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;
use crate::web::views::{CampaignView, FallbackView};

#[derive(Template)]
#[template(path = "web/dashboard.html")]
struct Overview<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    campaigns: Vec<Row>,
    stats: Vec<Stat>,
    charts: Charts,
}

/// A campaign as a table row, times in the dashboard's zone.
struct Row {
    c: CampaignView,
    scheduled: String,
}

/// `GET /dashboard`: every campaign with its progress, and reach over all of them.
pub(super) async fn overview(State(state): State<WebState>, staff: Staff) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let result: Result<Response, ApiError> = async {
        let store = &state.app.store;
        let campaigns = campaign_views(&state)
            .await?
            .into_iter()
            .map(|c| Row {
                scheduled: t.time(c.scheduled_at.as_deref()),
                c,
            })
            .collect();
        let reach = store.reach(ReachFilter::default()).await?;
        let days = store.reach_by_day(None).await?;
        let scope = t.get("dash-scope-all");
        let body = Overview {
            t: &t,
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            campaigns,
            stats: stats(&t, &reach.totals),
            charts: Charts::new(&state, &t, "all", &scope, &reach, &days),
        }
        .render();
        Ok(page(&t, StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(&state, &staff, e))
}

#[derive(Template)]
#[template(path = "web/campaign.html")]
struct CampaignPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    c: CampaignView,
    scheduled: String,
    actions: Vec<(&'static str, String)>,
    fallbacks: Vec<FallbackView>,
    stats: Vec<Stat>,
    charts: Charts,
    zone: String,
    /// Scheduled or sending: the page reloads itself, so reach can be watched.
    live: bool,
    /// Has failed messages that a retry would put back in the queue.
    retryable: bool,
}

/// The lifecycle buttons a campaign in `status` shows: action and label.
fn actions(t: &DashText<'_>, status: CampaignStatus) -> Vec<(&'static str, String)> {
    [
        ("schedule", CampaignStatus::Scheduled),
        ("pause", CampaignStatus::Paused),
        ("resume", CampaignStatus::Running),
        ("cancel", CampaignStatus::Cancelled),
    ]
    .into_iter()
    // Resume is the only way a manager makes a campaign run; the worker starts scheduled ones.
    .filter(|(action, to)| {
        status.can_become(*to) && !(*action == "resume" && status != CampaignStatus::Paused)
    })
    .map(|(action, _)| (action, t.get(&format!("dash-action-{action}"))))
    .collect()
}

/// `GET /dashboard/campaigns/{id}`: one campaign, its reach and its lifecycle buttons.
pub(super) async fn campaign(
    State(state): State<WebState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let result: Result<Response, ApiError> = async {
        let id = campaign_id(&id)?;
        let store = &state.app.store;
        let campaign = store.campaign(id).await?;
        let status = campaign.status;
        let c = campaign_view(&state, campaign).await?;
        let reach = store
            .reach(ReachFilter {
                campaign_id: Some(id),
            })
            .await?;
        let days = store.reach_by_day(Some(id)).await?;
        let fallbacks = state.app.fallbacks(id).await?;
        let body = CampaignPage {
            t: &t,
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            scheduled: t.time(c.scheduled_at.as_deref()),
            actions: actions(&t, status),
            fallbacks: fallbacks.into_iter().map(Into::into).collect(),
            stats: stats(&t, &reach.totals),
            charts: Charts::new(&state, &t, "c", &c.name, &reach, &days),
            zone: state.config.zone_label(),
            live: matches!(status, CampaignStatus::Running | CampaignStatus::Scheduled),
            retryable: c.progress.failed > 0 && status != CampaignStatus::Cancelled,
            c,
        }
        .render();
        Ok(page(&t, StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(&state, &staff, e))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct ActionForm {
    at: String,
    reason: String,
}

/// `POST /dashboard/campaigns/{id}/{action}`: schedule, pause, resume, cancel,
/// or retry the failed messages.
pub(super) async fn act(
    State(state): State<WebState>,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    SignedForm(form): SignedForm<ActionForm>,
) -> Response {
    let id = match campaign_id(&id) {
        Ok(id) => id,
        Err(error) => return failed(&state, &staff, error),
    };
    let action = match action.as_str() {
        "retry" => {
            let by = format!("dashboard (token {})", staff.session.token_name);
            return match state
                .app
                .retry_failed(id, &form.reason, &by, &staff.session.actor())
                .await
            {
                Ok(_) => Redirect::to(&format!("/dashboard/campaigns/{id}")).into_response(),
                Err(error) => failed(&state, &staff, error),
            };
        }
        "schedule" => CampaignAction::Schedule,
        "pause" => CampaignAction::Pause,
        "resume" => CampaignAction::Resume,
        "cancel" => CampaignAction::Cancel,
        _ => {
            return failed(
                &state,
                &staff,
                ApiError::not_found(
                    "no_such_action",
                    format!("`{action}` is not a campaign action"),
                ),
            );
        }
    };
    let at = match state.config.parse_local(&form.at) {
        Ok(at) => at,
        Err(error) => return failed(&state, &staff, error),
    };
    match state
        .app
        .change_campaign(id, action, at, &staff.session.actor())
        .await
    {
        Ok(_) => {
            tracing::info!(campaign_id = id, token = %staff.session.token_name, "campaign changed from the dashboard");
            Redirect::to(&format!("/dashboard/campaigns/{id}")).into_response()
        }
        Err(error) => failed(&state, &staff, error),
    }
}

#[derive(Template)]
#[template(path = "web/new_campaign.html")]
struct NewCampaignPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    messages: Vec<String>,
    message: String,
    lists: Vec<ListSummary>,
    previews: Vec<Preview>,
    zone: String,
}

/// `GET /dashboard/campaigns/new`: the form, with the message previewed in every language.
pub(super) async fn new_campaign(
    State(state): State<WebState>,
    staff: Staff,
    query: Result<Query<MessageQuery>, QueryRejection>,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let app = &state.app;
    let (messages, message) = previews::chosen(&state, query);
    let lists = match app.store.lists().await {
        Ok(lists) => lists,
        Err(error) => return failed(&state, &staff, error),
    };
    let previews = match previews::previews(&state, &message) {
        Ok(previews) => previews,
        Err(error) => return failed(&state, &staff, error),
    };
    let body = NewCampaignPage {
        t: &t,
        user: &staff.session.token_name,
        csrf: &staff.session.csrf,
        messages,
        message,
        lists,
        previews,
        zone: state.config.zone_label(),
    }
    .render();
    page(&t, StatusCode::OK, body)
}

/// The new-campaign form as posted.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct NewCampaignForm {
    message: String,
    name: String,
    /// One value per ticked list checkbox.
    lists: Vec<String>,
    /// `draft`, `now` or `at`.
    when: String,
    at: String,
}

/// `POST /dashboard/campaigns`: creates a campaign (a draft, now, or at a time).
pub(super) async fn create(
    State(state): State<WebState>,
    staff: Staff,
    SignedForm(form): SignedForm<NewCampaignForm>,
) -> Response {
    let lists = match form
        .lists
        .iter()
        .map(|name| ListName::parse(name))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(lists) => lists,
        Err(error) => return failed(&state, &staff, error),
    };
    let at = match form.when.as_str() {
        "now" => Some(Utc::now()),
        "at" => match state.config.parse_local(&form.at) {
            Ok(Some(at)) => Some(at),
            Ok(None) => {
                return failed(
                    &state,
                    &staff,
                    ApiError::invalid(
                        "missing_time",
                        "choose a start time, or “start now”, or “save as draft”",
                    ),
                );
            }
            Err(error) => return failed(&state, &staff, error),
        },
        _ => None,
    };
    let request = CampaignRequest {
        message_id: form.message,
        lists,
        name: Some(form.name),
        at,
    };
    match state
        .app
        .create_campaign(&request, &staff.session.actor())
        .await
    {
        Ok(campaign) => {
            tracing::info!(campaign_id = campaign.id, token = %staff.session.token_name, "campaign created from the dashboard");
            Redirect::to(&format!("/dashboard/campaigns/{}", campaign.id)).into_response()
        }
        Err(error) => failed(&state, &staff, error),
    }
}
