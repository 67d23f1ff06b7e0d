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

/// Counts for one slice of the ledger (a campaign, a locale, a region, a list…).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ReachRow {
    /// Distinct people with a ledger row.
    pub people_targeted: i64,
    /// Distinct people with at least one delivered message.
    pub people_reached: i64,
    /// Delivered messages (one per campaign and person at most).
    pub messages_delivered: i64,
    /// Rows given up on.
    pub failed: i64,
    /// Rows not yet settled (waiting or being sent).
    pub pending: i64,
    /// Rows not sent on purpose (cancelled campaign, person left before the send).
    pub skipped: i64,
    /// People reached who unsubscribed after the message.
    pub unsubscribed_since: i64,
    /// People whose address hard-bounced (at send time or by a later bounce report).
    pub bounced: i64,
}

/// One labelled row of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    /// The locale, region, list or campaign this row counts.
    pub key: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: ReachRow,
}

/// Reach over the filtered ledger, with its breakdowns.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Reach {
    /// Totals.
    #[serde(flatten)]
    pub totals: ReachRow,
    /// Locale → people reached.
    pub by_locale: BTreeMap<String, i64>,
    /// Region → people reached.
    pub by_region: BTreeMap<String, i64>,
    /// List → people reached.
    pub by_list: BTreeMap<String, i64>,
    /// Full counts per locale, region, list and campaign.
    pub detail: ReachDetail,
}

/// Every breakdown with full counts.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ReachDetail {
    /// Per locale actually used (rows not yet rendered count under `-`).
    pub locales: Vec<Breakdown>,
    /// Per region as recorded when the audience was expanded.
    pub regions: Vec<Breakdown>,
    /// Per target list (a person on two lists counts in both).
    pub lists: Vec<Breakdown>,
    /// Per campaign, `#id name`.
    pub campaigns: Vec<Breakdown>,
}

impl From<store::ReachRow> for ReachRow {
    fn from(r: store::ReachRow) -> Self {
        Self {
            people_targeted: r.people_targeted,
            people_reached: r.people_reached,
            messages_delivered: r.messages_delivered,
            failed: r.failed,
            pending: r.pending,
            skipped: r.skipped,
            unsubscribed_since: r.unsubscribed_since,
            bounced: r.bounced,
        }
    }
}

impl From<store::Breakdown> for Breakdown {
    fn from(b: store::Breakdown) -> Self {
        Self {
            key: b.key,
            counts: b.counts.into(),
        }
    }
}

impl From<store::Reach> for Reach {
    fn from(r: store::Reach) -> Self {
        let rows = |rows: Vec<store::Breakdown>| rows.into_iter().map(Into::into).collect();
        Self {
            totals: r.totals.into(),
            by_locale: r.by_locale,
            by_region: r.by_region,
            by_list: r.by_list,
            detail: ReachDetail {
                locales: rows(r.detail.locales),
                regions: rows(r.detail.regions),
                lists: rows(r.detail.lists),
                campaigns: rows(r.detail.campaigns),
            },
        }
    }
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
