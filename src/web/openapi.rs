//! The OpenAPI document of `/api/`, generated from the handlers' annotations.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error::{ErrorBody, FallbackRefusedBody};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "willay admin API",
        description = "Lists, subscribers, campaigns, previews and reach. Every route needs `Authorization: Bearer <token>` (create one with `willay tokens create NAME`), of a role the route names. Errors are `{\"error\": code, \"message\": text}`, always JSON: 400 `malformed_request` or `invalid_query`, 401 `unauthorized`, 403 `forbidden`, 404, 405 `method_not_allowed`, 409, 413 `payload_too_large`, 415 `unsupported_media_type`, 422."
    ),
    components(schemas(ErrorBody, FallbackRefusedBody)),
    modifiers(&BearerAuth)
)]
pub(super) struct ApiDoc;

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
    serde_json::to_value(super::api::document()).expect("the OpenAPI document serializes")
}
