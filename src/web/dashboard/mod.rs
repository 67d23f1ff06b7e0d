//! The staff dashboard, in each staff member's language: log-in, campaigns
//! with progress, reach charts, and a form to create and schedule a campaign
//! with the message previewed in every language side by side.
//! Server-rendered, no script.

mod audit;
mod campaigns;
mod export;
mod form;
mod guard;
mod import;
mod lists;
mod login;
mod password;
mod people;
mod preferences;
mod previews;
mod text;

use std::collections::BTreeMap;
use std::convert::Infallible;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{any, get, post};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

use self::text::DashText;

use super::api::IMPORT_BODY_LIMIT;
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
    let audience = Router::new()
        .route("/dashboard/lists", get(lists::lists).post(lists::create))
        .route("/dashboard/lists/{id}/{action}", post(lists::act))
        .route("/dashboard/lists/{id}/export.csv", get(export::export))
        .route("/dashboard/subscribers", get(people::search))
        .route(
            "/dashboard/subscribers/import",
            get(import::form)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .route("/dashboard/subscribers/{id}", get(people::person))
        .route(
            "/dashboard/subscribers/{id}/erase",
            get(people::confirm_erase).post(people::erase),
        )
        .route("/dashboard/subscribers/{id}/{action}", post(people::act));
    let staff = Router::new().route("/dashboard/audit", get(audit::audit));
    let messages = Router::new().route("/dashboard/messages", get(previews::messages));
    Router::new()
        .merge(guard::guarded(state, Area::Staff, staff))
        .merge(guard::guarded(state, Area::Messages, messages))
        .merge(guard::guarded(state, Area::Progress, progress))
        .merge(guard::guarded(state, Area::Audience, audience))
        .merge(guard::guarded(state, Area::Campaigns, steering))
        .route("/logout", post(login::logout))
        .route("/dashboard/language", post(preferences::choose_language))
        .route("/dashboard/", any(not_found))
        .route("/dashboard/{*rest}", any(not_found))
}

/// Any other address under `/dashboard/`: the dashboard's own 404 page, in
/// the signed-in frame when there is a session.
async fn not_found(State(state): State<WebState>, staff: Result<Staff, Response>) -> Response {
    let staff = staff.ok();
    let t = match &staff {
        Some(staff) => DashText::for_staff(&state, staff),
        None => DashText::reference(&state),
    };
    let message = t.get("dash-not-found");
    error_page(
        &t,
        staff.as_ref(),
        StatusCode::NOT_FOUND,
        "dash-not-found-title",
        message,
    )
}

/// A dashboard page in the language of `t`.
fn page(t: &DashText<'_>, status: StatusCode, body: Result<String, askama::Error>) -> Response {
    html(status, &t.lang(), body)
}

#[derive(Template)]
#[template(path = "web/dash_error.html")]
struct ErrorPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    title: String,
    message: String,
    detail: Option<String>,
}

/// The dashboard's error page titled by message `title`; with `staff`,
/// inside the signed-in frame.
fn error_page(
    t: &DashText<'_>,
    staff: Option<&Staff>,
    status: StatusCode,
    title: &str,
    message: String,
) -> Response {
    ErrorPage::new(t, staff, title, message).show(status)
}

impl<'a> ErrorPage<'a> {
    /// The page titled by message `title`, without technical detail.
    fn new(t: &'a DashText<'a>, staff: Option<&'a Staff>, title: &str, message: String) -> Self {
        Self {
            t,
            user: staff.map_or("", |s| s.session.token_name.as_str()),
            csrf: staff.map_or("", |s| s.session.csrf.as_str()),
            title: t.get(title),
            message,
            detail: None,
        }
    }

    fn show(self, status: StatusCode) -> Response {
        page(self.t, status, self.render())
    }
}

/// A failed request as a page: the API's status, and its refusal in the
/// staff's words where the catalogue has them (`dash-refused-CODE`), else a
/// general sentence with the technical detail beside it; a server error is
/// logged and described only generically.
fn failed(state: &WebState, staff: &Staff, error: impl Into<ApiError>) -> Response {
    let t = DashText::for_staff(state, staff);
    let error = error.into();
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(%error, "dashboard request failed");
    }
    let title = match status {
        StatusCode::NOT_FOUND => "dash-not-found-title",
        StatusCode::CONFLICT => "dash-conflict-title",
        StatusCode::UNPROCESSABLE_ENTITY => "dash-invalid-title",
        _ => "dash-error-title",
    };
    if status.is_server_error() {
        let message = t.get("dash-server-error");
        return error_page(&t, Some(staff), status, title, message);
    }
    let known = format!("dash-refused-{}", error.code().replace('_', "-"));
    if t.has(&known) {
        let message = t.get(&known);
        return error_page(&t, Some(staff), status, title, message);
    }
    let message = t.get("dash-refused-other");
    ErrorPage {
        detail: Some(error.to_string()),
        ..ErrorPage::new(&t, Some(staff), title, message)
    }
    .show(status)
}

/// The 403 for a form without this session's anti-forgery value.
fn forged(t: &DashText<'_>, staff: Option<&Staff>) -> Response {
    let message = t.get("dash-forged");
    error_page(
        t,
        staff,
        StatusCode::FORBIDDEN,
        "dash-forged-title",
        message,
    )
}

/// What the step before a redirect did, from its `?done=…` (post, redirect,
/// get): the page it lands on says so. A query without it, or mangled, says nothing.
pub(super) struct Done(String);

impl<S: Send + Sync> FromRequestParts<S> for Done {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default)]
        struct Step {
            done: String,
        }
        let step =
            Query::<Step>::try_from_uri(&parts.uri).map_or_else(|_| Step::default(), |q| q.0);
        Ok(Done(step.done))
    }
}

impl Done {
    /// The notice (a message id) `table` gives the step that was done.
    fn notice(&self, table: &[(&str, &'static str)]) -> Option<&'static str> {
        table
            .iter()
            .find(|(done, _)| *done == self.0)
            .map(|&(_, notice)| notice)
    }
}

/// A campaign id from a dashboard address; anything else names no campaign.
fn campaign_id(text: &str) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found("campaign_not_found", "there is no such campaign"))
}

/// One headline number above the charts, in the page's words.
struct Stat {
    label: String,
    value: String,
}

fn stats(t: &DashText<'_>, totals: &ReachRow) -> Vec<Stat> {
    [
        ("dash-stat-reached", totals.people_reached),
        ("dash-stat-delivered", totals.messages_delivered),
        ("dash-stat-pending", totals.pending),
        ("dash-stat-failed", totals.failed),
        ("dash-stat-unsubscribed", totals.unsubscribed_since),
    ]
    .into_iter()
    .map(|(label, value)| Stat {
        label: t.get(label),
        value: t.num(value),
    })
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
    /// page, `scope` names what they count (all campaigns, or one).
    fn new(
        state: &WebState,
        t: &DashText<'_>,
        prefix: &str,
        scope: &str,
        reach: &Reach,
        days: &[DayReach],
    ) -> Self {
        let regions: Vec<(String, i64)> = reach
            .by_region
            .iter()
            .map(|(region, people)| (region.clone(), *people))
            .collect();
        Self {
            by_language: charts::bars(
                &format!("{prefix}-lang"),
                &t.with("dash-chart-language", "scope", scope.to_owned()),
                &language_names(state, &reach.by_locale),
                t,
            ),
            by_region: charts::bars(
                &format!("{prefix}-region"),
                &t.with("dash-chart-region", "scope", scope.to_owned()),
                &regions,
                t,
            ),
            by_day: charts::days(
                &format!("{prefix}-day"),
                &t.with("dash-chart-day", "scope", scope.to_owned()),
                days,
                t,
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
