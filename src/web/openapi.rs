//! The OpenAPI document of `/api/`, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api::{campaigns, subscribers};
use super::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "willay admin API",
        description = "Lists, subscribers, campaigns, previews and reach. Every route needs `Authorization: Bearer <token>` (create one with `willay tokens create NAME`). Errors are `{\"error\": code, \"message\": text}`."
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
        campaigns::list_messages,
        campaigns::preview,
        campaigns::reach,
        campaigns::reach_daily,
    ),
    components(schemas(ErrorBody)),
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

pub(super) async fn serve_openapi() -> Json<serde_json::Value> {
    Json(openapi_json())
}
