//! The staff dashboard: log-in with an API token, campaigns with progress,
//! reach charts, and a form to create and schedule a campaign with the
//! message previewed in every language side by side. Server-rendered, no script.

mod campaigns;
mod guard;
mod login;
mod password;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{any, get, post};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

use super::auth::Staff;
use super::charts;
use super::error::ApiError;
use super::page::html;
use super::state::{WebConfig, WebState};
use crate::access::Area;
use crate::store::{DayReach, Reach, ReachRow};

/// The log-in form and the password links: rate-limited with the public
/// pages, as anyone can reach them.
pub(super) fn login_routes() -> Router<WebState> {
    Router::new()
        .route("/login", get(login::login_page).post(login::login))
        .route(
            "/staff/password/{secret}",
            get(password::password_page).post(password::set_password),
        )
}

/// Everything behind a session, each page in the area its role check names.
pub(super) fn routes(state: &WebState) -> Router<WebState> {
    let progress = Router::new()
        .route("/dashboard", get(campaigns::overview))
        .route("/dashboard/campaigns/{id}", get(campaigns::campaign));
    let steering = Router::new()
        .route("/dashboard/campaigns", post(campaigns::create))
        .route("/dashboard/campaigns/new", get(campaigns::new_campaign))
        .route("/dashboard/campaigns/{id}/{action}", post(campaigns::act));
    Router::new()
        .merge(guard::guarded(state, Area::Progress, progress))
        .merge(guard::guarded(state, Area::Campaigns, steering))
        .route("/logout", post(login::logout))
        .route("/dashboard/", any(not_found))
        .route("/dashboard/{*rest}", any(not_found))
}

/// Any other address under `/dashboard/`: the dashboard's own 404 page, in
/// the signed-in frame when there is a session.
async fn not_found(staff: Result<Staff, Response>) -> Response {
    error_page(
        staff.as_ref().ok(),
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no such page in the dashboard.".into(),
    )
}

/// A dashboard page (the dashboard is in English).
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

/// The dashboard's error page; with `staff`, inside the signed-in frame.
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

/// A failed request as a page: the API's status and words, except that a
/// server error is logged and described only generically.
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

/// The 403 for a form without this session's anti-forgery value.
fn forged(staff: Option<&Staff>) -> Response {
    error_page(
        staff,
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form was not sent from a page of this dashboard session (its anti-forgery value is missing or wrong). Go back, reload the page and try again.".into(),
    )
}

/// A campaign id from a dashboard address; anything else names no campaign.
fn campaign_id(text: &str) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found("campaign_not_found", "there is no such campaign"))
}

/// One headline number above the charts.
struct Stat {
    label: &'static str,
    value: i64,
}

fn stats(totals: &ReachRow) -> Vec<Stat> {
    [
        ("people reached", totals.people_reached),
        ("messages delivered", totals.messages_delivered),
        ("pending", totals.pending),
        ("failed", totals.failed),
        ("unsubscribed since", totals.unsubscribed_since),
    ]
    .into_iter()
    .map(|(label, value)| Stat { label, value })
    .collect()
}

/// The three reach charts (language, region, day) of one scope, as SVG.
struct Charts {
    by_language: String,
    by_region: String,
    by_day: String,
}

impl Charts {
    /// Charts of `reach` and `days`; `prefix` keeps element ids unique on the
    /// page, `scope` ends each title (e.g. ` (all campaigns)`).
    fn new(state: &WebState, prefix: &str, scope: &str, reach: &Reach, days: &[DayReach]) -> Self {
        let regions: Vec<(String, i64)> = reach
            .by_region
            .iter()
            .map(|(region, people)| (region.clone(), *people))
            .collect();
        Self {
            by_language: charts::bars(
                &format!("{prefix}-lang"),
                &format!("People reached by language{scope}"),
                &language_names(state, &reach.by_locale),
            ),
            by_region: charts::bars(
                &format!("{prefix}-region"),
                &format!("People reached by region{scope}"),
                &regions,
            ),
            by_day: charts::days(
                &format!("{prefix}-day"),
                &format!("People reached per day, UTC{scope}"),
                days,
            ),
        }
    }
}

/// Locale counts labelled with each language's own name, e.g. `Runasimi (qu)`.
fn language_names(state: &WebState, by_locale: &BTreeMap<String, i64>) -> Vec<(String, i64)> {
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

impl WebConfig {
    /// The dashboard's time zone as a fixed offset.
    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
    }

    /// E.g. `UTC−05:00`.
    fn zone_label(&self) -> String {
        let m = self.utc_offset_minutes;
        let sign = if m < 0 { '−' } else { '+' };
        format!("UTC{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
    }

    /// An RFC 3339 time as `YYYY-MM-DD HH:MM` in the dashboard's zone; `—` for none.
    fn local_time(&self, rfc3339: Option<&str>) -> String {
        rfc3339
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| {
                t.with_timezone(&self.offset())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "—".into())
    }

    /// A `datetime-local` form value in the dashboard's zone; empty is `None`.
    fn parse_local(&self, value: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let invalid =
            || ApiError::invalid("invalid_time", format!("`{value}` is not a date and time"));
        let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| invalid())?;
        self.offset()
            .from_local_datetime(&naive)
            .single()
            .map(|t| Some(t.with_timezone(&Utc)))
            .ok_or_else(invalid)
    }
}
