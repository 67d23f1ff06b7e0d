//! Finding people: `GET /api/subscribers`, a page at a time.

use axum::Json;
use axum::extract::State;

use super::extract::ApiQuery;
use crate::domain::{ListName, SubscriberStatus};
use crate::store::{self, FoundSubscriber, SubscriberSearch};
use crate::web::error::{ApiError, ErrorBody};
use crate::web::state::WebState;

/// What to look for; every part is optional, and they combine.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchQuery {
    /// The start of an address or of a name, any case (`rosa`, `rosa@`, `quispe`
    /// only as the start of the whole name).
    pub q: Option<String>,
    /// `unconfirmed`, `confirmed`, `unsubscribed` or `bounced`.
    pub status: Option<String>,
    /// Members of the list with this name.
    pub list: Option<String>,
    /// People of this region, exactly.
    pub region: Option<String>,
    /// People with this language tag, exactly as stored (e.g. `quz-PE`).
    pub language: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<i64>,
    /// People per page: 50 unless asked, at most 500.
    pub limit: Option<u32>,
}

store::found_subscriber!(
    #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
    FoundView,
    from: FoundSubscriber
);

/// A page of people.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    /// The people, by id.
    pub subscribers: Vec<FoundView>,
    /// Pass as `after` for the next page; null on the last one.
    pub next: Option<i64>,
}

impl SearchQuery {
    /// The store's search for this query; an unknown list or status is refused (422).
    pub(in crate::web) async fn resolve(
        &self,
        state: &WebState,
    ) -> Result<SubscriberSearch, ApiError> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            Some(text) => Some(
                text.parse::<SubscriberStatus>()
                    .map_err(|e| ApiError::invalid("invalid_status", e.to_string()))?,
            ),
            None => None,
        };
        let list_id = match self.list.as_deref().filter(|s| !s.is_empty()) {
            Some(name) => {
                let name = ListName::parse(name)?;
                Some(state.app.store.list_id(&name).await?)
            }
            None => None,
        };
        let given = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        Ok(SubscriberSearch {
            text: given(&self.q),
            status,
            list_id,
            region: given(&self.region),
            language: given(&self.language),
            after: self.after,
            limit: self.limit.unwrap_or(SubscriberSearch::DEFAULT_LIMIT),
        })
    }
}

/// Finds people by address, name, status, list, region and language.
#[utoipa::path(get, path = "/subscribers", tag = "subscribers", params(SearchQuery),
    responses((status = 200, body = SearchResult), (status = 422, body = ErrorBody)))]
pub async fn search_subscribers(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResult>, ApiError> {
    let search = query.resolve(&state).await?;
    let page = state.app.store.search_subscribers(&search).await?;
    Ok(Json(SearchResult {
        subscribers: page.people.into_iter().map(Into::into).collect(),
        next: page.next,
    }))
}
