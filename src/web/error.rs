//! The API's errors, mapped to status codes and JSON in one place.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppError;
use crate::catalogue::CatalogueError;
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
    /// A body that cannot be read at all (bad JSON syntax, wrong content type).
    #[error("{message}")]
    BadRequest {
        /// Status to answer with (400 or 415).
        status: StatusCode,
        /// Details.
        message: String,
    },
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

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { status, .. } => *status,
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
            | Self::Unprocessable { code, .. } => code,
            Self::BadRequest { .. } => "malformed_request",
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
            StoreError::Transition { .. } => {
                Self::conflict("invalid_transition", error.to_string())
            }
            other => Self::Internal(Box::new(other)),
        }
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

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let message = rejection.body_text();
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            Self::invalid("invalid_body", message)
        } else {
            Self::BadRequest { status, message }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            tracing::error!(error = %source, "API request failed");
        }
        let status = self.status();
        let body = ErrorBody {
            error: self.code().to_owned(),
            message: self.to_string(),
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"willay\""),
            );
        }
        response
    }
}
