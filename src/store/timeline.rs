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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
        /// A day as a number of days since the epoch, with its counts.
        #[derive(sqlx::FromRow)]
        struct Row {
            day: i64,
            people_reached: i64,
            messages_delivered: i64,
        }
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.sent_at / $2 AS day, COUNT(DISTINCT d.subscriber_id) AS people_reached, \
                        COUNT(*) AS messages_delivered \
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
            .map(|row| DayReach {
                day: chrono::DateTime::from_timestamp_millis(row.day * DAY_MS)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                people_reached: row.people_reached,
                messages_delivered: row.messages_delivered,
            })
            .collect())
    }

    /// Every ledger row counted by locale and state.
    pub async fn ledger_gauges(&self) -> Result<Vec<LedgerGauge>, StoreError> {
        let gauges: Vec<LedgerGauge> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COALESCE(locale, '-') AS locale, state, COUNT(*) AS \"rows\" FROM deliveries \
                 GROUP BY COALESCE(locale, '-'), state ORDER BY 1, 2",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(gauges)
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await?;
        });
        Ok(())
    }
}
