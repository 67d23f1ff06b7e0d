//! The ledger over time (reach by day) and as live gauges for monitoring.

use super::{Store, StoreError, on_pool};

/// Milliseconds in a UTC day.
const DAY_MS: i64 = 86_400_000;

/// People reached and messages delivered on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DayReach {
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Distinct people who received a message that day.
    pub people_reached: i64,
    /// Messages delivered that day.
    pub messages_delivered: i64,
}

/// Ledger rows counted by locale and state, for the Prometheus gauges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerGauge {
    /// Locale used (`-` before rendering).
    pub locale: String,
    /// Delivery state.
    pub state: String,
    /// Rows.
    pub rows: i64,
}

impl Store {
    /// Reach per UTC day of delivery, oldest first; one campaign or all.
    pub async fn reach_by_day(
        &self,
        campaign_id: Option<i64>,
    ) -> Result<Vec<DayReach>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.sent_at / $2 AS day, COUNT(DISTINCT d.subscriber_id), COUNT(*) \
                 FROM deliveries d \
                 WHERE d.state = 'sent' AND d.sent_at IS NOT NULL \
                   AND ($1 IS NULL OR d.campaign_id = $1) \
                 GROUP BY d.sent_at / $2 ORDER BY 1",
            )
            .bind(campaign_id)
            .bind(DAY_MS)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(day, people_reached, messages_delivered)| DayReach {
                day: chrono::DateTime::from_timestamp_millis(day * DAY_MS)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                people_reached,
                messages_delivered,
            })
            .collect())
    }

    /// Every ledger row counted by locale and state.
    pub async fn ledger_gauges(&self) -> Result<Vec<LedgerGauge>, StoreError> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COALESCE(locale, '-'), state, COUNT(*) FROM deliveries \
                 GROUP BY COALESCE(locale, '-'), state ORDER BY 1, 2",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(locale, state, rows)| LedgerGauge {
                locale,
                state,
                rows,
            })
            .collect())
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await?;
        });
        Ok(())
    }
}
