//! The API's extractors: path, query and body rejections become JSON API
//! errors with a stable code, and its one time format.

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};

use crate::web::error::ApiError;

/// A numeric id from the path; anything else is a resource that does not exist.
#[derive(FromRequestParts)]
#[from_request(rejection(ApiError))]
pub(in crate::web) struct Id(#[from_request(via(Path))] pub i64);

/// A path parameter; one that does not parse names nothing, hence 404.
#[derive(FromRequestParts)]
#[from_request(via(Path), rejection(ApiError))]
pub(in crate::web) struct ApiPath<T>(pub T);

/// A query string whose rejections are API errors (400 `invalid_query`).
#[derive(FromRequestParts)]
#[from_request(via(Query), rejection(ApiError))]
pub(in crate::web) struct ApiQuery<T>(pub T);

/// A JSON body whose rejections are API errors (JSON, with a stable code).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(in crate::web) struct Body<T>(pub T);

/// A JSON body that may be absent: no body (or only white space) is `T::default()`.
pub(in crate::web) struct OptionalBody<T>(pub T);

impl<S, T> FromRequest<S> for OptionalBody<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Default,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Raw::from_request(request, state).await?.0;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalBody(T::default()));
        }
        Ok(OptionalBody(serde_json::from_slice(&bytes)?))
    }
}

/// The raw body, within the route's size limit (413 JSON beyond it).
#[derive(FromRequest)]
#[from_request(rejection(ApiError))]
pub(in crate::web) struct Raw(pub axum::body::Bytes);

/// Milliseconds as RFC 3339 (UTC), for people and programs alike.
pub(in crate::web) fn rfc3339(ms: Option<i64>) -> Option<String> {
    ms.and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}
