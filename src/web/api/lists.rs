//! Renaming and deleting lists (creating and listing them sit with the
//! subscribers, where imports create them too).

use axum::extract::State;
use axum::http::StatusCode;

use super::extract::{Body, Id};
use super::responses::JsonBodyRefused;
use crate::domain::ListName;
use crate::web::auth::ApiCaller;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::state::WebState;

/// A list's new name.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ListRename {
    /// The new name.
    pub name: String,
}

/// Renames a list.
#[utoipa::path(patch, path = "/lists/{id}", tag = "lists", request_body = ListRename,
    params(("id" = i64, Path, description = "list id")),
    responses((status = 204), JsonBodyRefused, (status = 404, body = ErrorBody),
        (status = 409, description = "another list has that name", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn rename_list(
    State(state): State<WebState>,
    caller: ApiCaller,
    Id(id): Id,
    Body(body): Body<ListRename>,
) -> Result<StatusCode, ApiError> {
    let name = ListName::parse(&body.name)?;
    state
        .app
        .store
        .rename_list(id, &name, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a list and its memberships; its people stay.
#[utoipa::path(delete, path = "/lists/{id}", tag = "lists",
    params(("id" = i64, Path, description = "list id")),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 409, description = "campaigns were sent to this list", body = ErrorBody)))]
pub async fn delete_list(
    State(state): State<WebState>,
    caller: ApiCaller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    state.app.store.delete_list(id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
