//! Catalogue messages and their previews in any language.

use axum::Json;
use axum::extract::State;

use super::extract::{ApiPath, ApiQuery};
use crate::web::error::{ApiError, ErrorBody};
use crate::web::state::WebState;

/// Campaign message ids in the catalogue.
#[utoipa::path(get, path = "/messages", tag = "messages",
    responses((status = 200, body = [String])))]
pub async fn list_messages(State(state): State<WebState>) -> Json<Vec<String>> {
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
#[utoipa::path(get, path = "/messages/{message_id}/preview", tag = "messages",
    params(("message_id" = String, Path, description = "catalogue message id"), PreviewQuery),
    responses((status = 200, body = PreviewView),
        (status = 400, description = "a query parameter given twice", body = ErrorBody),
        (status = 422, description = "unknown message", body = ErrorBody)))]
pub async fn preview(
    State(state): State<WebState>,
    ApiPath(message_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PreviewQuery>,
) -> Result<Json<PreviewView>, ApiError> {
    let requested = query
        .locale
        .unwrap_or_else(|| crate::catalogue::REFERENCE_LOCALE.into());
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
