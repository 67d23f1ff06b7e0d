//! A campaign message previewed in every language side by side, as each
//! person will get it (fallbacks marked): on the new-campaign form, and on
//! the messages page translators land on.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::text::DashText;
use super::{failed, page};
use crate::web::auth::Staff;
use crate::web::error::ApiError;
use crate::web::state::WebState;

/// One language's preview.
pub(super) struct Preview {
    pub(super) locale: String,
    pub(super) fallback_from: Option<String>,
    pub(super) subject: String,
    pub(super) preheader: String,
    pub(super) html: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct MessageQuery {
    message: Option<String>,
}

/// The catalogue's campaign messages and the one `query` asks for (a
/// mangled query, or none, is the first message rather than an error).
pub(super) fn chosen(
    state: &WebState,
    query: Result<Query<MessageQuery>, QueryRejection>,
) -> (Vec<String>, String) {
    let messages = state.app.catalogue().campaign_messages();
    let message = query
        .ok()
        .and_then(|Query(q)| q.message)
        .filter(|m| messages.contains(m))
        .or_else(|| messages.first().cloned())
        .unwrap_or_default();
    (messages, message)
}

/// `message` in every locale of the catalogue.
pub(super) fn previews(state: &WebState, message: &str) -> Result<Vec<Preview>, ApiError> {
    let app = &state.app;
    app.catalogue()
        .locale_ids()
        .into_iter()
        .map(|locale| {
            let tag = locale.to_string();
            let email = app.preview(message, &tag, "")?;
            Ok(Preview {
                fallback_from: (email.locale != locale).then(|| tag.clone()),
                locale: email.locale.to_string(),
                subject: email.subject,
                preheader: email.preheader,
                html: email.html,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "web/messages.html")]
struct MessagesPage<'a> {
    t: &'a DashText<'a>,
    user: &'a str,
    csrf: &'a str,
    messages: Vec<String>,
    message: String,
    previews: Vec<Preview>,
}

/// `GET /dashboard/messages?message=`: the catalogue's messages, each in
/// every language (translators land here).
pub(super) async fn messages(
    State(state): State<WebState>,
    staff: Staff,
    query: Result<Query<MessageQuery>, QueryRejection>,
) -> Response {
    let t = DashText::for_staff(&state, &staff);
    let (messages, message) = chosen(&state, query);
    let previews = match previews(&state, &message) {
        Ok(previews) => previews,
        Err(error) => return failed(&state, &staff, error),
    };
    let body = MessagesPage {
        t: &t,
        user: &staff.session.token_name,
        csrf: &staff.session.csrf,
        messages,
        message,
        previews,
    }
    .render();
    page(&t, StatusCode::OK, body)
}
