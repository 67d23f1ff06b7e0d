//! The admin JSON API under `/api/`, authenticated with bearer tokens.
//!
//! Every route is declared once, in [`areas`]: the router and the OpenAPI
//! document both come from that list, and each area's guard answers 401
//! without a valid token before any handler runs.
//!
//! Every error is JSON with a stable code, including the ones axum would
//! answer in plain text (a query or body that does not parse, a body too
//! large, a method the route does not have).

pub(super) mod audit;
pub(super) mod campaigns;
mod extract;
mod guard;
pub(super) mod lists;
pub(super) mod messages;
pub(super) mod reach;
pub(super) mod responses;
pub(super) mod search;
pub(super) mod subscribers;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::ApiError;
use super::openapi::ApiDoc;
use super::state::WebState;
use crate::access::Area;

/// The largest CSV upload `/api/subscribers/import` reads. axum's default
/// (2 MB) refuses a list of some 40,000 people, and organisations import their
/// whole contact lists at once; 64 MiB is about a million rows, read into
/// memory once per upload by a token holder.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Every authenticated API route, by the area it belongs to; paths are
/// relative to `/api`.
fn areas() -> Vec<(Area, OpenApiRouter<WebState>)> {
    use self::{
        audit as a, campaigns as c, lists as l, messages as m, reach as r, search as q,
        subscribers as s,
    };
    let staff = OpenApiRouter::new().routes(routes!(a::audit_log));
    let audience = OpenApiRouter::new()
        .routes(routes!(s::list_lists, s::create_list))
        .routes(routes!(l::rename_list, l::delete_list))
        .routes(routes!(q::search_subscribers, s::create_subscriber))
        .routes(routes!(s::import_subscribers).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)))
        .routes(routes!(
            s::show_subscriber,
            s::update_subscriber,
            s::delete_subscriber
        ));
    let messages = OpenApiRouter::new()
        .routes(routes!(m::list_messages))
        .routes(routes!(m::preview));
    let campaigns = OpenApiRouter::new()
        .routes(routes!(c::create_campaign))
        .routes(routes!(c::schedule))
        .routes(routes!(c::pause))
        .routes(routes!(c::resume))
        .routes(routes!(c::cancel))
        .routes(routes!(c::retry));
    let progress = OpenApiRouter::new()
        .routes(routes!(c::list_campaigns))
        .routes(routes!(c::show_campaign))
        .routes(routes!(r::reach))
        .routes(routes!(r::reach_daily));
    vec![
        (Area::Staff, staff),
        (Area::Audience, audience),
        (Area::Messages, messages),
        (Area::Campaigns, campaigns),
        (Area::Progress, progress),
    ]
}

/// The OpenAPI document of every route, paths as served (`/api/…`).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut paths = utoipa::openapi::OpenApi::default();
    for (area, router) in areas() {
        paths.merge(guard::documented(area, router.into_openapi()));
    }
    ApiDoc::openapi().nest("/api", paths)
}

/// The `/api` router: the areas' routes behind their guards, the document,
/// JSON 404 and 405.
pub(super) fn routes(state: &WebState) -> Router<WebState> {
    let document = super::openapi::openapi_json();
    // The document describes the routes; it is public, like any API's description.
    let mut router = Router::new().route(
        "/openapi.json",
        get(async move || axum::Json(document.clone())),
    );
    for (area, routes) in areas() {
        router = router.merge(guard::guarded(state, area, routes.into()));
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
