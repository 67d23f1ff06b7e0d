//! Answers many routes share, documented once.

use crate::web::error::ErrorBody;

/// What a route reading a JSON body answers before considering its meaning.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum JsonBodyRefused {
    /// The body is not JSON.
    #[response(
        status = 400,
        description = "the body is not JSON (`malformed_request`)"
    )]
    Malformed(ErrorBody),
    /// The body is not sent as JSON.
    #[response(
        status = 415,
        description = "the body is not `application/json` (`unsupported_media_type`)"
    )]
    NotJson(ErrorBody),
}

/// What a route reading an optional JSON body answers before considering its
/// meaning (no body at all is the default, whatever its type).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum OptionalBodyRefused {
    /// The body is not JSON.
    #[response(status = 400, description = "the body is not JSON")]
    Malformed(ErrorBody),
    /// The body is JSON of the wrong shape.
    #[response(status = 422, description = "a body of the wrong shape")]
    WrongShape(ErrorBody),
}
