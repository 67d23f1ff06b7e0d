//! The OpenAPI document of `/api/`, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api::{campaigns, messages, reach, subscribers};
use super::error::{ErrorBody, FallbackRefusedBody};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "willay admin API",
        description = "Lists, subscribers, campaigns, previews and reach. Every route needs `Authorization: Bearer <token>` (create one with `willay tokens create NAME`). Errors are `{\"error\": code, \"message\": text}`, always JSON: 400 `malformed_request` or `invalid_query`, 401 `unauthorized`, 404, 405 `method_not_allowed`, 409, 413 `payload_too_large`, 415 `unsupported_media_type`, 422."
    ),
    paths(
        subscribers::list_lists,
        subscribers::create_list,
        subscribers::create_subscriber,
        subscribers::import_subscribers,
        subscribers::show_subscriber,
        subscribers::update_subscriber,
        subscribers::delete_subscriber,
        campaigns::list_campaigns,
        campaigns::create_campaign,
        campaigns::show_campaign,
        campaigns::schedule,
        campaigns::pause,
        campaigns::resume,
        campaigns::cancel,
        campaigns::retry,
        messages::list_messages,
        messages::preview,
        reach::reach,
        reach::reach_daily,
    ),
    components(schemas(ErrorBody, FallbackRefusedBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes")
}

/// `GET /api/openapi.json`.
pub(super) async fn serve_openapi() -> Json<serde_json::Value> {
    Json(openapi_json())
}
