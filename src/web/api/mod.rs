//! The admin JSON API under `/api/`, authenticated with bearer tokens.
//!
//! Every error is JSON with a stable code, including the ones axum would
//! answer in plain text (a query or body that does not parse, a body too
//! large, a method the route does not have).

pub(super) mod campaigns;
mod extract;
pub(super) mod messages;
pub(super) mod reach;
pub(super) mod subscribers;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::routing::{MethodFilter, MethodRouter, get, on};

use super::error::ApiError;
use super::state::WebState;

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
