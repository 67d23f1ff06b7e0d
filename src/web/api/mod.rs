//! The admin JSON API under `/api/`, authenticated with bearer tokens.

pub(super) mod campaigns;
pub(super) mod subscribers;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};

use super::WebState;
use super::error::ApiError;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/openapi.json", get(super::openapi::serve_openapi))
        .route(
            "/lists",
            get(subscribers::list_lists).post(subscribers::create_list),
        )
        .route("/subscribers", post(subscribers::create_subscriber))
        .route("/subscribers/import", post(subscribers::import_subscribers))
        .route(
            "/subscribers/{id}",
            get(subscribers::show_subscriber)
                .patch(subscribers::update_subscriber)
                .delete(subscribers::delete_subscriber),
        )
        .route("/messages", get(campaigns::list_messages))
        .route("/messages/{message_id}/preview", get(campaigns::preview))
        .route(
            "/campaigns",
            get(campaigns::list_campaigns).post(campaigns::create_campaign),
        )
        .route("/campaigns/{id}", get(campaigns::show_campaign))
        .route("/campaigns/{id}/schedule", post(campaigns::schedule))
        .route("/campaigns/{id}/pause", post(campaigns::pause))
        .route("/campaigns/{id}/resume", post(campaigns::resume))
        .route("/campaigns/{id}/cancel", post(campaigns::cancel))
        .route("/reach", get(campaigns::reach))
        .route("/reach/daily", get(campaigns::reach_daily))
        .fallback(|| async { ApiError::not_found("no_such_route", "there is no such API route") })
}

/// A numeric id from the path; anything else is a resource that does not exist.
pub(super) struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<i64>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| ApiError::not_found("not_found", "no resource has that id"))
    }
}

/// A JSON body whose rejections are API errors (JSON, with a stable code).
pub(super) struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| Body(value))
            .map_err(ApiError::from)
    }
}

/// Milliseconds as RFC 3339 (UTC), for people and programs alike.
pub(super) fn rfc3339(ms: Option<i64>) -> Option<String> {
    ms.and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}
