//! Lists and subscribers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::extract::{ApiQuery, Body, Id, Raw};
use super::responses::JsonBodyRefused;
use super::search::FoundView;
use crate::domain::{
    EmailAddress, LanguageTag, ListName, PersonName, ProfileError, Region, SubscriberStatus,
};
use crate::store::{NewSubscriber, StoreError, now_millis};
use crate::web::auth::ApiCaller;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::state::WebState;

/// A list with head counts.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ListView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Members in any status.
    pub members: i64,
    /// Members who receive campaigns.
    pub confirmed: i64,
}

/// A list to create.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewList {
    /// Its name, e.g. `huancavelica-2026`.
    pub name: String,
}

/// Every list, by name.
#[utoipa::path(get, path = "/lists", tag = "lists",
    responses((status = 200, body = [ListView])))]
pub async fn list_lists(State(state): State<WebState>) -> Result<Json<Vec<ListView>>, ApiError> {
    let lists = state.app.store.lists().await?;
    Ok(Json(
        lists
            .into_iter()
            .map(|l| ListView {
                id: l.id,
                name: l.name,
                members: l.members,
                confirmed: l.confirmed,
            })
            .collect(),
    ))
}

/// Creates a list.
#[utoipa::path(post, path = "/lists", tag = "lists", request_body = NewList,
    responses((status = 201, body = ListView),
        JsonBodyRefused,
        (status = 409, description = "a list of that name exists", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_list(
    State(state): State<WebState>,
    caller: ApiCaller,
    Body(body): Body<NewList>,
) -> Result<(StatusCode, Json<ListView>), ApiError> {
    let name = ListName::parse(&body.name)?;
    let (id, created) = state
        .app
        .store
        .ensure_list(&name, now_millis(), &caller.actor())
        .await?;
    if !created {
        return Err(ApiError::conflict(
            "list_exists",
            format!("a list named `{name}` already exists"),
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(ListView {
            id,
            name: name.to_string(),
            members: 0,
            confirmed: 0,
        }),
    ))
}

/// A subscriber, with the lists they are on.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SubscriberView {
    /// Who.
    #[serde(flatten)]
    pub person: FoundView,
    /// Names of their lists.
    pub lists: Vec<String>,
}

/// A subscriber to create.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewSubscriberBody {
    /// Address (required).
    pub email: String,
    /// Name; control characters (line breaks) become spaces; at most 200
    /// characters, else 422 `name_too_long`.
    #[serde(default)]
    pub name: String,
    /// Language tag, e.g. `quz-PE`.
    #[serde(default)]
    pub language: String,
    /// Region; control characters become spaces; at most 100 characters,
    /// else 422 `region_too_long`.
    #[serde(default)]
    pub region: String,
    /// `confirmed` (default: consent was recorded elsewhere) or `unconfirmed`.
    #[serde(default)]
    pub status: Option<String>,
    /// Lists to add them to (must exist).
    #[serde(default)]
    pub lists: Vec<String>,
}

/// Changes to a subscriber; absent fields stay as they are.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SubscriberPatch {
    /// New language tag.
    pub language: Option<String>,
    /// New region; control characters become spaces; at most 100
    /// characters, else 422 `region_too_long`.
    pub region: Option<String>,
    /// `confirmed` (only from `unconfirmed`) or `unsubscribed`.
    pub status: Option<String>,
}

async fn view(state: &WebState, id: i64) -> Result<SubscriberView, ApiError> {
    let s = state.app.store.subscriber(id).await?;
    Ok(SubscriberView {
        lists: state.app.store.subscriber_lists(id).await?,
        person: FoundView {
            id: s.id,
            email: s.email,
            name: s.name,
            language: s.language,
            region: s.region,
            status: s.status.to_string(),
        },
    })
}

/// A name or region beyond its cap: 422 `name_too_long` / `region_too_long`.
pub(in crate::web) fn too_long(error: ProfileError) -> ApiError {
    ApiError::invalid(error.code(), error.to_string())
}

/// A language tag as given, canonicalised; empty is "none"; 422 `invalid_language` otherwise.
pub(in crate::web) fn language(tag: &str) -> Result<String, ApiError> {
    if tag.trim().is_empty() {
        return Ok(String::new());
    }
    LanguageTag::parse(tag)
        .map(|t| t.to_string())
        .ok_or_else(|| {
            ApiError::invalid(
                "invalid_language",
                format!("`{tag}` is not a language tag (e.g. es, en-GB, quz-PE)"),
            )
        })
}

/// The status a new subscriber starts in: `confirmed` (the default: consent
/// was recorded elsewhere) or `unconfirmed`; no one is created unsubscribed or bounced.
fn initial_status(text: Option<&str>) -> Result<SubscriberStatus, ApiError> {
    let Some(text) = text else {
        return Ok(SubscriberStatus::Confirmed);
    };
    match text.parse::<SubscriberStatus>() {
        Ok(status @ (SubscriberStatus::Confirmed | SubscriberStatus::Unconfirmed)) => Ok(status),
        _ => Err(ApiError::invalid(
            "invalid_status",
            format!("new subscribers are `confirmed` or `unconfirmed`, not `{text}`"),
        )),
    }
}

/// Creates one subscriber.
#[utoipa::path(post, path = "/subscribers", tag = "subscribers",
    request_body = NewSubscriberBody,
    responses((status = 201, body = SubscriberView),
        JsonBodyRefused,
        (status = 409, description = "the address is already subscribed", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_subscriber(
    State(state): State<WebState>,
    caller: ApiCaller,
    Body(body): Body<NewSubscriberBody>,
) -> Result<(StatusCode, Json<SubscriberView>), ApiError> {
    let email = EmailAddress::parse(&body.email)
        .map_err(|e| ApiError::invalid("invalid_email", e.to_string()))?;
    let status = initial_status(body.status.as_deref())?;
    let mut list_ids = Vec::new();
    for name in &body.lists {
        let name = ListName::parse(name)?;
        list_ids.push(state.app.store.list_id(&name).await?);
    }
    let person = NewSubscriber {
        email,
        name: PersonName::parse(&body.name).map_err(too_long)?,
        language: language(&body.language)?,
        region: Region::parse(&body.region).map_err(too_long)?,
    };
    let source = caller.source("admin API");
    let id = state
        .app
        .store
        .create_subscriber(
            &person,
            status,
            &source,
            &list_ids,
            now_millis(),
            &caller.actor(),
        )
        .await?
        .ok_or_else(|| {
            ApiError::conflict(
                "subscriber_exists",
                "a subscriber with that address already exists",
            )
        })?;
    Ok((StatusCode::CREATED, Json(view(&state, id).await?)))
}

/// One subscriber.
#[utoipa::path(get, path = "/subscribers/{id}", tag = "subscribers",
    params(("id" = i64, Path, description = "subscriber id")),
    responses((status = 200, body = SubscriberView), (status = 404, body = ErrorBody)))]
pub async fn show_subscriber(
    State(state): State<WebState>,
    Id(id): Id,
) -> Result<Json<SubscriberView>, ApiError> {
    Ok(Json(view(&state, id).await?))
}

/// Changes language, region or status.
#[utoipa::path(patch, path = "/subscribers/{id}", tag = "subscribers",
    params(("id" = i64, Path, description = "subscriber id")), request_body = SubscriberPatch,
    responses((status = 200, body = SubscriberView),
        JsonBodyRefused, (status = 404, body = ErrorBody),
        (status = 409, description = "the status change is not allowed from the current status", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_subscriber(
    State(state): State<WebState>,
    caller: ApiCaller,
    Id(id): Id,
    Body(patch): Body<SubscriberPatch>,
) -> Result<Json<SubscriberView>, ApiError> {
    let store = &state.app.store;
    let actor = caller.actor();
    let current = store.subscriber(id).await?;
    let language = patch.language.as_deref().map(language).transpose()?;
    let region = patch
        .region
        .as_deref()
        .map(Region::parse)
        .transpose()
        .map_err(too_long)?;
    let now = now_millis();
    if let Some(status) = patch.status.as_deref() {
        let target: SubscriberStatus =
            status.parse().map_err(|e: crate::domain::StatusError| {
                ApiError::invalid("invalid_status", e.to_string())
            })?;
        match target {
            _ if target == current.status => {}
            SubscriberStatus::Unsubscribed => {
                store.unsubscribe(id, now, Some(&actor)).await?;
            }
            SubscriberStatus::Confirmed => {
                let source = caller.source("admin API");
                if !store.confirm_by_admin(id, &source, now, &actor).await? {
                    return Err(ApiError::conflict(
                        "status_conflict",
                        format!(
                            "a subscriber who is {} cannot be confirmed by staff; they can sign up again through the subscribe page",
                            current.status
                        ),
                    ));
                }
            }
            other => {
                return Err(ApiError::invalid(
                    "invalid_status",
                    format!("status can be set to `confirmed` or `unsubscribed`, not `{other}`"),
                ));
            }
        }
    }
    if language.is_some() || region.is_some() {
        store
            .update_subscriber_profile(id, language.as_deref(), region.as_deref(), now, &actor)
            .await?;
    }
    Ok(Json(view(&state, id).await?))
}

/// Erases a subscriber: personal data and memberships go, unsent deliveries are
/// skipped, stored SMTP replies about them are cleared, and the ledger keeps
/// its anonymous counts (reach does not change).
#[utoipa::path(delete, path = "/subscribers/{id}", tag = "subscribers",
    params(("id" = i64, Path, description = "subscriber id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_subscriber(
    State(state): State<WebState>,
    caller: ApiCaller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let store = &state.app.store;
    if store
        .delete_subscriber(id, now_millis(), &caller.actor())
        .await?
    {
        tracing::info!(subscriber_id = id, "subscriber erased");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(StoreError::UnknownSubscriber(id).into())
    }
}

/// Where imported rows go and in which status.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ImportQuery {
    /// Add everyone to this list (it must exist).
    pub list: Option<String>,
    /// `confirmed` (default: the file records consent) or `unconfirmed`.
    pub status: Option<String>,
}

/// A line of the file that was refused or imported with a caveat.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LineNoteView {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// Why.
    pub message: String,
}

/// What an import did.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// New subscribers.
    pub created: u64,
    /// Existing subscribers updated (status never changes on import).
    pub updated: u64,
    /// Lines refused.
    pub rejected: Vec<LineNoteView>,
    /// Lines imported with a caveat.
    pub warnings: Vec<LineNoteView>,
}

/// Imports a CSV file (header `email,name,language,region`) sent as the body.
#[utoipa::path(post, path = "/subscribers/import", tag = "subscribers",
    params(ImportQuery), request_body(content = String, content_type = "text/csv", description = "at most 64 MiB"),
    responses((status = 200, body = ImportResult),
        (status = 400, description = "a query parameter given twice", body = ErrorBody),
        (status = 413, description = "the file is larger than 64 MiB", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn import_subscribers(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<ImportQuery>,
    Raw(csv): Raw,
) -> Result<Json<ImportResult>, ApiError> {
    let list = query.list.as_deref().map(ListName::parse).transpose()?;
    let status = initial_status(query.status.as_deref())?;
    let source = caller.source("API upload");
    let report = state
        .app
        .import_subscribers_off_runtime(csv, &source, &caller.actor(), list.as_ref(), status)
        .await?;
    let notes = |notes: Vec<crate::import::LineNote>| {
        notes
            .into_iter()
            .map(|n| LineNoteView {
                line: n.line,
                message: n.message,
            })
            .collect()
    };
    Ok(Json(ImportResult {
        created: report.summary.created,
        updated: report.summary.updated,
        rejected: notes(report.rejected),
        warnings: notes(report.warnings),
    }))
}
