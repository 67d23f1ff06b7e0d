//! Reach from the delivery ledger: the same numbers as `willay reach`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;

use super::extract::ApiQuery;
use crate::store::{self, DayReach, ReachFilter};
use crate::web::error::{ApiError, ErrorBody};
use crate::web::state::WebState;

/// Which part of the ledger to count.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
// utoipa places parameters in the path unless told otherwise.
#[into_params(parameter_in = Query)]
pub struct ReachQuery {
    /// One campaign (default: all).
    pub campaign: Option<i64>,
}

// The API's own copies of the store's reach types: the OpenAPI schema is
// the API's contract, and its JSON is the same as `willay reach --format json`.
store::reach_types! {
    row: #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)],
    breakdown: #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)],
    report: #[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)],
    from: store,
}

/// 404 unless the campaign asked for exists (the ledger would just say zero).
async fn check_campaign(state: &WebState, query: &ReachQuery) -> Result<(), ApiError> {
    if let Some(id) = query.campaign {
        state.app.store.campaign(id).await?;
    }
    Ok(())
}

/// Reach from the delivery ledger: exactly `willay reach --format json`.
#[utoipa::path(get, path = "/reach", tag = "reach", params(ReachQuery),
    responses((status = 200, description = "the same object as `willay reach --format json`", body = Reach),
        (status = 400, description = "`campaign` is not a number", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reach(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<ReachQuery>,
) -> Result<Json<Reach>, ApiError> {
    check_campaign(&state, &query).await?;
    let filter = ReachFilter {
        campaign_id: query.campaign,
    };
    Ok(Json(state.app.store.reach(filter).await?.into()))
}

/// People reached on one UTC day.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DayView {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Distinct people who received a message that day.
    pub people_reached: i64,
    /// Messages delivered that day.
    pub messages_delivered: i64,
}

/// Reach per day of delivery (UTC), oldest first.
#[utoipa::path(get, path = "/reach/daily", tag = "reach", params(ReachQuery),
    responses((status = 200, body = [DayView]),
        (status = 400, description = "`campaign` is not a number", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reach_daily(
    State(state): State<WebState>,
    ApiQuery(query): ApiQuery<ReachQuery>,
) -> Result<Json<Vec<DayView>>, ApiError> {
    check_campaign(&state, &query).await?;
    let days = state.app.store.reach_by_day(query.campaign).await?;
    Ok(Json(
        days.into_iter()
            .map(
                |DayReach {
                     day,
                     people_reached,
                     messages_delivered,
                 }| DayView {
                    day,
                    people_reached,
                    messages_delivered,
                },
            )
            .collect(),
    ))
}
