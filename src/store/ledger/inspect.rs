//! Reading the ledger: what is left to do, and what happened to each row.

use crate::store::{Millis, Store, StoreError, on_pool};

/// A ledger row's columns as read.
#[derive(sqlx::FromRow)]
struct DeliveryRecord {
    subscriber_id: i64,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    locale: Option<String>,
    bounced_at: Option<i64>,
}

/// Ledger rows by state as the columns of one row, over deliveries `d`;
/// `unknown` counts rows in a state this code does not know (a corrupt row).
macro_rules! ledger_count_columns {
    () => {
        concat!(
            "COUNT(*) FILTER (WHERE d.state = 'pending') AS pending, ",
            "COUNT(*) FILTER (WHERE d.state = 'sending') AS sending, ",
            "COUNT(*) FILTER (WHERE d.state = 'sent') AS sent, ",
            "COUNT(*) FILTER (WHERE d.state = 'failed') AS failed, ",
            "COUNT(*) FILTER (WHERE d.state = 'skipped') AS skipped, ",
            "COUNT(*) FILTER (WHERE d.state NOT IN ",
            "('pending', 'sending', 'sent', 'failed', 'skipped')) AS unknown"
        )
    };
}
pub(crate) use ledger_count_columns;

/// The columns of [`ledger_count_columns!`].
#[derive(sqlx::FromRow)]
pub(crate) struct CountsRow {
    pending: i64,
    sending: i64,
    sent: i64,
    failed: i64,
    skipped: i64,
    unknown: i64,
}

impl CountsRow {
    /// The counts of campaign `id`, unless a row is in an unknown state.
    pub(crate) fn into_counts(self, id: i64) -> Result<LedgerCounts, StoreError> {
        if self.unknown > 0 {
            return Err(StoreError::Corrupt(format!(
                "{} ledger rows of campaign {id} in an unknown state",
                self.unknown
            )));
        }
        Ok(LedgerCounts {
            pending: self.pending,
            sending: self.sending,
            sent: self.sent,
            failed: self.failed,
            skipped: self.skipped,
        })
    }
}

/// One ledger row as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRow {
    /// The person.
    pub subscriber_id: i64,
    /// Where it stands.
    pub state: crate::domain::DeliveryState,
    /// Claims so far.
    pub attempts: i64,
    /// The last failure's reply or reason.
    pub last_error: Option<String>,
    /// The locale used, once rendered.
    pub locale: Option<String>,
    /// The address hard-bounced.
    pub bounced: bool,
}

/// Ledger rows of one campaign by state.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LedgerCounts {
    /// Waiting to be sent (including retries).
    pub pending: i64,
    /// Claimed by a worker right now.
    pub sending: i64,
    /// Delivered.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
    /// Not sent on purpose.
    pub skipped: i64,
}

impl LedgerCounts {
    /// Every row.
    pub fn total(&self) -> i64 {
        self.pending + self.sending + self.sent + self.failed + self.skipped
    }
}

/// When the worker next has something to do, if anything is left at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backlog {
    /// Nothing scheduled, nothing unsettled: the worker may stop if asked to.
    Idle,
    /// Work exists; the earliest of it is due at this time (maybe already).
    DueAt(Millis),
}

impl Store {
    /// Whether any work remains, and when the earliest of it is due. Rows a
    /// dead worker left `sending` count until its lease runs out: then they
    /// are taken over (running campaign) or skipped (cancelled one).
    pub async fn backlog(&self) -> Result<Backlog, StoreError> {
        /// The earliest due time of each kind of work.
        #[derive(sqlx::FromRow)]
        struct Due {
            scheduled: Option<i64>,
            pending: Option<i64>,
            leased: Option<i64>,
        }
        let due: Due = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT \
                    (SELECT MIN(scheduled_at) FROM campaigns WHERE status = 'scheduled') AS scheduled, \
                    (SELECT MIN(d.next_attempt_at) FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id \
                        WHERE c.status = 'running' AND d.state = 'pending') AS pending, \
                    (SELECT MIN(COALESCE(w.lease_until, 0)) FROM deliveries d \
                        JOIN campaigns c ON c.id = d.campaign_id \
                        LEFT JOIN worker_leases w ON w.owner = d.lease_owner \
                        WHERE c.status IN ('running', 'cancelled') AND d.state = 'sending') AS leased",
            )
            .fetch_one(pool)
            .await?
        });
        let running_unsettled: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE status = 'running'")
                .fetch_one(pool)
                .await?
        });
        Ok(
            match [due.scheduled, due.pending, due.leased]
                .into_iter()
                .flatten()
                .min()
            {
                Some(at) => Backlog::DueAt(at),
                // A running campaign with nothing unsettled is finished by the next pass.
                None if running_unsettled > 0 => Backlog::DueAt(0),
                None => Backlog::Idle,
            },
        )
    }

    /// Paused campaigns with rows still unsettled, and how many: what a worker
    /// that stops when idle leaves behind. In id order.
    pub async fn paused_with_unsettled(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, COUNT(*) FROM campaigns c JOIN deliveries d ON d.campaign_id = c.id \
                 WHERE c.status = 'paused' AND d.state IN ('pending', 'sending') \
                 GROUP BY c.id ORDER BY c.id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Every ledger row of a campaign, in id order (for inspection and tests).
    pub async fn deliveries(&self, campaign_id: i64) -> Result<Vec<DeliveryRow>, StoreError> {
        let sql = "SELECT subscriber_id, state, attempts, last_error, locale, bounced_at \
                   FROM deliveries WHERE campaign_id = $1 ORDER BY id";
        let rows: Vec<DeliveryRecord> = self.rows_by(sql, campaign_id).await?;
        rows.into_iter()
            .map(|row| {
                Ok(DeliveryRow {
                    subscriber_id: row.subscriber_id,
                    state: row
                        .state
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
                    attempts: row.attempts,
                    last_error: row.last_error,
                    locale: row.locale,
                    bounced: row.bounced_at.is_some(),
                })
            })
            .collect()
    }

    /// Rows of a campaign claimed more than once: retried or taken over.
    pub async fn rows_attempted_more_than_once(&self, campaign_id: i64) -> Result<i64, StoreError> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE campaign_id = $1 AND attempts > 1")
                .bind(campaign_id)
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// Ledger rows of one campaign by state.
    pub async fn ledger_counts(&self, campaign_id: i64) -> Result<LedgerCounts, StoreError> {
        let row: CountsRow = on_pool!(self, pool => {
            sqlx::query_as(concat!(
                "SELECT ",
                ledger_count_columns!(),
                " FROM deliveries d WHERE d.campaign_id = $1"
            ))
            .bind(campaign_id)
            .fetch_one(pool)
            .await?
        });
        row.into_counts(campaign_id)
    }
}
