//! The admin JSON API under `/api/`, authenticated with bearer tokens.
//!
//! Every error is JSON with a stable code, including the ones axum would
//! answer in plain text (a query or body that does not parse, a body too
//! large, a method the route does not have).

pub(super) mod campaigns;
pub(super) mod messages;
pub(super) mod reach;
pub(super) mod subscribers;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::routing::{MethodFilter, MethodRouter, get, on};

use super::WebState;
use super::error::ApiError;

/// The largest CSV upload `/api/subscribers/import` reads. axum's default
/// (2 MB) refuses a list of some 40,000 people, and organisations import their
/// whole contact lists at once; 64 MiB is about a million rows, read into
/// memory once per upload by a token holder.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// One authenticated API route: its method, its path under `/api`, its handler.
struct ApiRoute {
    method: Method,
    path: &'static str,
    handler: MethodRouter<WebState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> ApiRoute
where
    H: Handler<T, WebState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
    ApiRoute {
        method,
        path,
        handler: on(filter, handler),
    }
}

/// Every authenticated API route. The router is built from this table and the
/// OpenAPI check walks it, so no route can be served without being documented.
fn table() -> Vec<ApiRoute> {
    use self::{campaigns as c, messages as m, reach as r, subscribers as s};
    let mut import = route(Method::POST, "/subscribers/import", s::import_subscribers);
    import.handler = import
        .handler
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    vec![
        route(Method::GET, "/lists", s::list_lists),
        route(Method::POST, "/lists", s::create_list),
        route(Method::POST, "/subscribers", s::create_subscriber),
        import,
        route(Method::GET, "/subscribers/{id}", s::show_subscriber),
        route(Method::PATCH, "/subscribers/{id}", s::update_subscriber),
        route(Method::DELETE, "/subscribers/{id}", s::delete_subscriber),
        route(Method::GET, "/messages", m::list_messages),
        route(Method::GET, "/messages/{message_id}/preview", m::preview),
        route(Method::GET, "/campaigns", c::list_campaigns),
        route(Method::POST, "/campaigns", c::create_campaign),
        route(Method::GET, "/campaigns/{id}", c::show_campaign),
        route(Method::POST, "/campaigns/{id}/schedule", c::schedule),
        route(Method::POST, "/campaigns/{id}/pause", c::pause),
        route(Method::POST, "/campaigns/{id}/resume", c::resume),
        route(Method::POST, "/campaigns/{id}/cancel", c::cancel),
        route(Method::POST, "/campaigns/{id}/retry", c::retry),
        route(Method::GET, "/reach", r::reach),
        route(Method::GET, "/reach/daily", r::reach_daily),
    ]
}

/// `(method, path)` of every authenticated API route, paths as served
/// (`/api/…`, parameters in braces as in the OpenAPI document).
pub fn api_routes() -> Vec<(String, String)> {
    table()
        .into_iter()
        .map(|r| (r.method.to_string(), format!("/api{}", r.path)))
        .collect()
}

/// The `/api` router: the table's routes, the document, JSON 404 and 405.
pub(super) fn routes() -> Router<WebState> {
    // The document describes the routes; it is public, like any API's description.
    let mut router = Router::new().route("/openapi.json", get(super::openapi::serve_openapi));
    for ApiRoute { path, handler, .. } in table() {
        // Routes of one path merge into one method router.
        router = router.route(path, handler);
    }
    // After every route: the fallback is set on the routes registered so far.
    router
        .method_not_allowed_fallback(|method: Method| async move {
            ApiError::rejected(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("this API route does not answer {method}"),
            )
        })
        .fallback(|| async { ApiError::not_found("no_such_route", "there is no such API route") })
}

/// A numeric id from the path; anything else is a resource that does not exist.
pub(super) struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath(id) = ApiPath::<i64>::from_request_parts(parts, state).await?;
        Ok(Id(id))
    }
}

/// A path parameter; one that does not parse names nothing, hence 404.
pub(super) struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|_| ApiError::not_found("not_found", "no resource has that id"))
    }
}

/// A query string whose rejections are API errors (400 `invalid_query`).
#[derive(FromRequestParts)]
#[from_request(via(Query), rejection(ApiError))]
pub(super) struct ApiQuery<T>(pub T);

/// A JSON body whose rejections are API errors (JSON, with a stable code).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(super) struct Body<T>(pub T);

/// A JSON body that may be absent: no body (or only white space) is `T::default()`.
pub(super) struct OptionalBody<T>(pub T);

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
pub(super) struct Raw(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for Raw {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(Raw)
            .map_err(ApiError::from)
    }
}

/// Milliseconds as RFC 3339 (UTC), for people and programs alike.
pub(super) fn rfc3339(ms: Option<i64>) -> Option<String> {
    ms.and_then(chrono::DateTime::<chrono::Utc>::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}
