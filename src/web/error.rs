//! The API's errors, mapped to status codes and JSON in one place.

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::views::FallbackView;
use crate::app::AppError;
use crate::campaigns::{FallbackRefused, ScheduleError};
use crate::catalogue::CatalogueError;
use crate::domain::ListNameError;
use crate::render::RenderError;
use crate::store::StoreError;

/// The body of every API error: a stable code for programs, words for people.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable code, e.g. `campaign_not_found`.
    pub error: String,
    /// What went wrong, for a person.
    pub message: String,
}

/// A strict create or schedule refused (409 `fallback_refused`): who would
/// have received the message in another language than their own.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FallbackRefusedBody {
    /// Always `fallback_refused`.
    pub error: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The campaign a refused schedule left as it was; null for a refused
    /// create, which stores nothing.
    pub campaign_id: Option<i64>,
    /// The people who would have received a fallback language.
    pub fallbacks: Vec<FallbackView>,
}

/// Why an API request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token, an unknown one, or a revoked one.
    #[error("a valid API token is required: send `Authorization: Bearer <token>`")]
    Unauthorized,
    /// Authenticated but not allowed (e.g. a form without its anti-forgery value).
    #[error("{0}")]
    Forbidden(String),
    /// The addressed resource does not exist.
    #[error("{message}")]
    NotFound {
        /// Stable code.
        code: &'static str,
        /// Details.
        message: String,
    },
    /// The request conflicts with the resource's current state.
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Details.
        message: String,
    },
    /// Well-formed but semantically invalid input.
    #[error("{message}")]
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// Details.
        message: String,
    },
    /// A request refused before its meaning is considered: a body or query that
    /// does not parse, a body too large or of the wrong type, a method the
    /// route does not have.
    #[error("{message}")]
    Rejected {
        /// Status to answer with (400, 405, 413 or 415).
        status: StatusCode,
        /// Stable code.
        code: &'static str,
        /// Details.
        message: String,
    },
    /// A strict create or schedule refused: some people would get a fallback language.
    #[error(transparent)]
    FallbackRefused(#[from] FallbackRefused),
    /// Something broke on our side; details are logged, not returned.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A 404 with a code.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    /// A 409 with a code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A 422 with a code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            message: message.into(),
        }
    }

    /// A request refused before its meaning is considered.
    pub fn rejected(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Rejected {
            status,
            code,
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Rejected { status, .. } => *status,
            // Like any state conflict: the catalogue or the audience can change
            // (a translation added), and the same request then succeeds.
            Self::FallbackRefused(_) => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unprocessable { code, .. }
            | Self::Rejected { code, .. } => code,
            Self::FallbackRefused(_) => "fallback_refused",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::UnknownCampaign(_) => {
                Self::not_found("campaign_not_found", error.to_string())
            }
            StoreError::UnknownSubscriber(_) => {
                Self::not_found("subscriber_not_found", error.to_string())
            }
            // Lists are named inside request bodies, never addressed by path.
            StoreError::UnknownList(_) => Self::invalid("unknown_list", error.to_string()),
            StoreError::UnknownListId(_) => Self::not_found("list_not_found", error.to_string()),
            StoreError::ListExists(_) => Self::conflict("list_exists", error.to_string()),
            StoreError::ListInUse(_) => Self::conflict("list_in_use", error.to_string()),
            StoreError::Transition { .. } => {
                Self::conflict("invalid_transition", error.to_string())
            }
            other => Self::Internal(Box::new(other)),
        }
    }
}

/// A list name that does not parse, wherever it was given: 422 `invalid_list_name`.
impl From<ListNameError> for ApiError {
    fn from(error: ListNameError) -> Self {
        Self::invalid("invalid_list_name", error.to_string())
    }
}

impl From<CatalogueError> for ApiError {
    fn from(error: CatalogueError) -> Self {
        match error {
            CatalogueError::UnknownMessage { .. } => {
                Self::invalid("unknown_message", error.to_string())
            }
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Store(e) => e.into(),
            AppError::Catalogue(e) => e.into(),
            AppError::Render(RenderError::Catalogue(e)) => e.into(),
            AppError::Invalid(message) => Self::invalid("invalid_request", message),
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<ScheduleError> for ApiError {
    fn from(error: ScheduleError) -> Self {
        match error {
            ScheduleError::App(e) => e.into(),
            ScheduleError::Refused(refused) => refused.into(),
        }
    }
}

/// The stable code of a refusal with `status`, for rejections axum makes.
fn rejection_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "malformed_request",
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let message = rejection.body_text();
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            Self::invalid("invalid_body", message)
        } else {
            Self::rejected(status, rejection_code(status), message)
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        Self::rejected(status, rejection_code(status), rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::rejected(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            rejection.body_text(),
        )
    }
}

/// A path parameter that does not parse names nothing: 404 `not_found`.
impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        Self::not_found("not_found", "no resource has that id")
    }
}

impl From<serde_json::Error> for ApiError {
    /// A body read by hand: bad syntax is 400, well-formed but wrong data 422.
    fn from(error: serde_json::Error) -> Self {
        match error.classify() {
            serde_json::error::Category::Data => Self::invalid("invalid_body", error.to_string()),
            _ => Self::rejected(
                StatusCode::BAD_REQUEST,
                "malformed_request",
                error.to_string(),
            ),
        }
    }
}

/// The words of a strict refusal: how many people would get which language.
fn describe_refusal(refused: &FallbackRefused) -> String {
    let who = refused
        .fallbacks
        .iter()
        .map(|f| {
            format!(
                "{} subscriber(s) would receive `{}` in `{}` instead of `{}`",
                f.people, refused.message_id, f.used, f.wanted
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    format!("refused because `strict` is set: {who}")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            tracing::error!(error = %source, "API request failed");
        }
        let status = self.status();
        let mut response = if let Self::FallbackRefused(refused) = &self {
            let body = FallbackRefusedBody {
                error: self.code().to_owned(),
                message: describe_refusal(refused),
                campaign_id: refused.campaign_id,
                fallbacks: refused.fallbacks.iter().cloned().map(Into::into).collect(),
            };
            (status, Json(body)).into_response()
        } else {
            let body = ErrorBody {
                error: self.code().to_owned(),
                message: self.to_string(),
            };
            (status, Json(body)).into_response()
        };
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"willay\""),
            );
        }
        response
    }
}
