//! The staff dashboard: log-in with an API token, campaigns with progress,
//! reach charts, and a form to create and schedule a campaign with the
//! message previewed in every language side by side. Server-rendered, no script.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

use super::WebState;
use super::api::campaigns::{CampaignView, FallbackView, campaign_view};
use super::auth::{self, FORM_COOKIE, SESSION_COOKIE, Staff};
use super::charts;
use super::error::ApiError;
use super::public::html;
use crate::campaigns::{CampaignAction, CampaignRequest};
use crate::domain::{CampaignStatus, ListName};
use crate::store::{ListSummary, ReachFilter, ReachRow, now_millis};

pub(super) fn login_routes() -> Router<WebState> {
    Router::new().route("/login", get(login_page).post(login))
}

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/logout", post(logout))
        .route("/dashboard", get(overview))
        .route("/dashboard/campaigns", post(create))
        .route("/dashboard/campaigns/new", get(new_campaign))
        .route("/dashboard/campaigns/{id}", get(campaign))
        .route("/dashboard/campaigns/{id}/{action}", post(act))
}

fn page(status: StatusCode, body: Result<String, askama::Error>) -> Response {
    html(status, "en", body)
}

#[derive(Template)]
#[template(path = "web/dash_error.html")]
struct ErrorPage<'a> {
    user: &'a str,
    csrf: &'a str,
    title: &'a str,
    message: String,
}

fn error_page(staff: Option<&Staff>, status: StatusCode, title: &str, message: String) -> Response {
    page(
        status,
        ErrorPage {
            user: staff.map_or("", |s| s.session.token_name.as_str()),
            csrf: staff.map_or("", |s| s.session.csrf.as_str()),
            title,
            message,
        }
        .render(),
    )
}

fn failed(staff: &Staff, error: impl Into<ApiError>) -> Response {
    let error = error.into();
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(%error, "dashboard request failed");
    }
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::CONFLICT => "Not possible now",
        StatusCode::UNPROCESSABLE_ENTITY => "Please check the form",
        _ => "Something went wrong",
    };
    let message = if status.is_server_error() {
        "The request failed on the server; it has been logged.".to_owned()
    } else {
        error.to_string()
    };
    error_page(Some(staff), status, title, message)
}

fn forged(staff: Option<&Staff>) -> Response {
    error_page(
        staff,
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form was not sent from a page of this dashboard session (its anti-forgery value is missing or wrong). Go back, reload the page and try again.".into(),
    )
}

// ---------------------------------------------------------------- log-in

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    error: Option<&'a str>,
}

fn login_form(
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&str>,
    secure: bool,
) -> Response {
    let (csrf, fresh) = auth::form_token(headers);
    let mut response = page(status, LoginPage { csrf: &csrf, error }.render());
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, &csrf, 3600, secure),
        );
    }
    response
}

async fn login_page(State(state): State<WebState>, headers: HeaderMap) -> Response {
    login_form(&headers, StatusCode::OK, None, state.secure_cookies)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct LoginForm {
    csrf: String,
    token: String,
}

async fn login(
    State(state): State<WebState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    if !auth::form_token_ok(&headers, &form.csrf) {
        return forged(None);
    }
    let store = &state.app.store;
    let token = match auth::authenticate(store, &form.token).await {
        Ok(Some(token)) => token,
        Ok(None) => {
            return login_form(
                &headers,
                StatusCode::UNAUTHORIZED,
                Some("That token is not valid (or was revoked)."),
                state.secure_cookies,
            );
        }
        Err(error) => {
            return error_page(
                None,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Log-in failed",
                error.to_string(),
            );
        }
    };
    let session = auth::random_text();
    let now = now_millis();
    let ttl = state.config.session_ttl;
    if let Err(error) = store
        .create_session(
            &auth::digest(&session),
            token.id,
            &auth::random_text(),
            now,
            now + ttl.as_millis() as i64,
        )
        .await
    {
        return error_page(
            None,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Log-in failed",
            error.to_string(),
        );
    }
    tracing::info!(token = %token.name, "dashboard log-in");
    let mut response = Redirect::to("/dashboard").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            SESSION_COOKIE,
            &session,
            ttl.as_secs() as i64,
            state.secure_cookies,
        ),
    );
    response
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<WebState>,
    staff: Staff,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Response {
    if !staff.csrf_ok(&form.csrf) {
        return forged(Some(&staff));
    }
    if let Err(error) = state.app.store.delete_session(&staff.id_hash).await {
        return failed(&staff, error);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies),
    );
    response
}

// ---------------------------------------------------------------- overview

struct Stat {
    label: &'static str,
    value: i64,
}

fn stats(totals: &ReachRow) -> Vec<Stat> {
    vec![
        Stat {
            label: "people reached",
            value: totals.people_reached,
        },
        Stat {
            label: "messages delivered",
            value: totals.messages_delivered,
        },
        Stat {
            label: "pending",
            value: totals.pending,
        },
        Stat {
            label: "failed",
            value: totals.failed,
        },
        Stat {
            label: "unsubscribed since",
            value: totals.unsubscribed_since,
        },
    ]
}

#[derive(Template)]
#[template(path = "web/dashboard.html")]
struct Overview<'a> {
    user: &'a str,
    csrf: &'a str,
    campaigns: Vec<Row>,
    stats: Vec<Stat>,
    by_language: String,
    by_region: String,
    by_day: String,
}

/// A campaign as a table row, times in the dashboard's zone.
struct Row {
    c: CampaignView,
    scheduled: String,
}

fn local_time(state: &WebState, rfc3339: Option<&str>) -> String {
    let offset = state.config.offset();
    rfc3339
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "—".into())
}

async fn overview(State(state): State<WebState>, staff: Staff) -> Response {
    let result: Result<Response, ApiError> = async {
        let store = &state.app.store;
        let mut campaigns = Vec::new();
        for c in store.campaigns().await? {
            let c = campaign_view(&state, c).await?;
            campaigns.push(Row {
                scheduled: local_time(&state, c.scheduled_at.as_deref()),
                c,
            });
        }
        let reach = store.reach(ReachFilter::default()).await?;
        let days = store.reach_by_day(None).await?;
        let pairs = |m: &std::collections::BTreeMap<String, i64>| {
            m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>()
        };
        let body = Overview {
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            campaigns,
            stats: stats(&reach.totals),
            by_language: charts::bars(
                "all-lang",
                "People reached by language (all campaigns)",
                &language_names(&state, &reach.by_locale),
            ),
            by_region: charts::bars(
                "all-region",
                "People reached by region (all campaigns)",
                &pairs(&reach.by_region),
            ),
            by_day: charts::days(
                "all-day",
                "People reached per day, UTC (all campaigns)",
                &days,
            ),
        }
        .render();
        Ok(page(StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(&staff, e))
}

/// Locale counts labelled with each language's own name, e.g. `Runasimi (qu)`.
fn language_names(
    state: &WebState,
    by_locale: &std::collections::BTreeMap<String, i64>,
) -> Vec<(String, i64)> {
    let catalogue = state.app.catalogue();
    by_locale
        .iter()
        .map(|(tag, people)| {
            let name = tag
                .parse()
                .ok()
                .and_then(|id| catalogue.format("web-language-name", &[id], None).ok())
                .map_or_else(|| tag.clone(), |(name, _)| format!("{name} ({tag})"));
            (name, *people)
        })
        .collect()
}

// ---------------------------------------------------------------- one campaign

#[derive(Template)]
#[template(path = "web/campaign.html")]
struct CampaignPage<'a> {
    user: &'a str,
    csrf: &'a str,
    c: CampaignView,
    scheduled: String,
    actions: Vec<(&'static str, &'static str)>,
    fallbacks: Vec<FallbackView>,
    stats: Vec<Stat>,
    by_language: String,
    by_region: String,
    by_day: String,
    zone: String,
}

async fn campaign(State(state): State<WebState>, staff: Staff, Path(id): Path<i64>) -> Response {
    let result: Result<Response, ApiError> = async {
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
        let pairs = |m: &std::collections::BTreeMap<String, i64>| {
            m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>()
        };
        let actions = [
            ("schedule", "Schedule", CampaignStatus::Scheduled),
            ("pause", "Pause", CampaignStatus::Paused),
            ("resume", "Resume", CampaignStatus::Running),
            ("cancel", "Cancel", CampaignStatus::Cancelled),
        ]
        .into_iter()
        // Resume is the only way a manager makes a campaign run; the worker starts scheduled ones.
        .filter(|(action, _, to)| {
            status.can_become(*to) && !(*action == "resume" && status != CampaignStatus::Paused)
        })
        .map(|(action, label, _)| (action, label))
        .collect();
        let body = CampaignPage {
            user: &staff.session.token_name,
            csrf: &staff.session.csrf,
            scheduled: local_time(&state, c.scheduled_at.as_deref()),
            actions,
            fallbacks: state
                .app
                .fallbacks(id)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
            stats: stats(&reach.totals),
            by_language: charts::bars(
                "c-lang",
                &format!("People reached by language — {}", c.name),
                &language_names(&state, &reach.by_locale),
            ),
            by_region: charts::bars(
                "c-region",
                &format!("People reached by region — {}", c.name),
                &pairs(&reach.by_region),
            ),
            by_day: charts::days(
                "c-day",
                &format!("People reached per day, UTC — {}", c.name),
                &days,
            ),
            zone: state.config.zone_label(),
            c,
        }
        .render();
        Ok(page(StatusCode::OK, body))
    }
    .await;
    result.unwrap_or_else(|e| failed(&staff, e))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ActionForm {
    csrf: String,
    at: String,
}

async fn act(
    State(state): State<WebState>,
    staff: Staff,
    Path((id, action)): Path<(i64, String)>,
    axum::Form(form): axum::Form<ActionForm>,
) -> Response {
    if !staff.csrf_ok(&form.csrf) {
        return forged(Some(&staff));
    }
    let action = match action.as_str() {
        "schedule" => CampaignAction::Schedule,
        "pause" => CampaignAction::Pause,
        "resume" => CampaignAction::Resume,
        "cancel" => CampaignAction::Cancel,
        _ => {
            return failed(
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
        Err(error) => return failed(&staff, error),
    };
    match state.app.change_campaign(id, action, at).await {
        Ok(_) => {
            tracing::info!(campaign_id = id, token = %staff.session.token_name, "campaign changed from the dashboard");
            Redirect::to(&format!("/dashboard/campaigns/{id}")).into_response()
        }
        Err(error) => failed(&staff, error),
    }
}

// ---------------------------------------------------------------- new campaign

struct Preview {
    locale: String,
    fallback_from: Option<String>,
    subject: String,
    preheader: String,
    html: String,
}

#[derive(Template)]
#[template(path = "web/new_campaign.html")]
struct NewCampaignPage<'a> {
    user: &'a str,
    csrf: &'a str,
    messages: Vec<String>,
    message: String,
    lists: Vec<ListSummary>,
    previews: Vec<Preview>,
    zone: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct NewQuery {
    message: Option<String>,
}

async fn new_campaign(
    State(state): State<WebState>,
    staff: Staff,
    Query(query): Query<NewQuery>,
) -> Response {
    let app = &state.app;
    let messages = app.catalogue().campaign_messages();
    let message = query
        .message
        .filter(|m| messages.contains(m))
        .or_else(|| messages.first().cloned())
        .unwrap_or_default();
    let lists = match app.store.lists().await {
        Ok(lists) => lists,
        Err(error) => return failed(&staff, error),
    };
    let mut previews = Vec::new();
    for locale in app.catalogue().locale_ids() {
        let tag = locale.to_string();
        match app.preview(&message, &tag, "") {
            Ok(email) => previews.push(Preview {
                fallback_from: (email.locale != locale).then(|| tag.clone()),
                locale: email.locale.to_string(),
                subject: email.subject,
                preheader: email.preheader,
                html: email.html,
            }),
            Err(error) => return failed(&staff, error),
        }
    }
    let body = NewCampaignPage {
        user: &staff.session.token_name,
        csrf: &staff.session.csrf,
        messages,
        message,
        lists,
        previews,
        zone: state.config.zone_label(),
    }
    .render();
    page(StatusCode::OK, body)
}

async fn create(State(state): State<WebState>, staff: Staff, body: String) -> Response {
    // Parsed by hand: the list checkboxes repeat a key, which serde_urlencoded cannot collect.
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    if !staff.csrf_ok(field("csrf")) {
        return forged(Some(&staff));
    }
    let lists = match fields
        .iter()
        .filter(|(k, _)| k == "lists")
        .map(|(_, v)| ListName::parse(v))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(lists) => lists,
        Err(error) => {
            return failed(
                &staff,
                ApiError::invalid("invalid_list_name", error.to_string()),
            );
        }
    };
    let at = match field("when") {
        "now" => Some(Utc::now()),
        "at" => match state.config.parse_local(field("at")) {
            Ok(Some(at)) => Some(at),
            Ok(None) => {
                return failed(
                    &staff,
                    ApiError::invalid(
                        "missing_time",
                        "choose a start time, or “start now”, or “save as draft”",
                    ),
                );
            }
            Err(error) => return failed(&staff, error),
        },
        _ => None,
    };
    let request = CampaignRequest {
        message_id: field("message").to_owned(),
        lists,
        name: Some(field("name").to_owned()),
        at,
    };
    match state.app.create_campaign(&request).await {
        Ok(campaign) => {
            tracing::info!(campaign_id = campaign.id, token = %staff.session.token_name, "campaign created from the dashboard");
            Redirect::to(&format!("/dashboard/campaigns/{}", campaign.id)).into_response()
        }
        Err(error) => failed(&staff, error),
    }
}

impl super::WebConfig {
    /// The dashboard's time zone as a fixed offset.
    pub(super) fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
    }

    /// E.g. `UTC−05:00`.
    pub(super) fn zone_label(&self) -> String {
        let m = self.utc_offset_minutes;
        let sign = if m < 0 { '−' } else { '+' };
        format!("UTC{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
    }

    /// A `datetime-local` form value in the dashboard's zone; empty is `None`.
    pub(super) fn parse_local(&self, value: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| {
                ApiError::invalid("invalid_time", format!("`{value}` is not a date and time"))
            })?;
        self.offset()
            .from_local_datetime(&naive)
            .single()
            .map(|t| Some(t.with_timezone(&Utc)))
            .ok_or_else(|| {
                ApiError::invalid("invalid_time", format!("`{value}` is not a date and time"))
            })
    }
}
