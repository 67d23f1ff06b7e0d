//! What the campaign overview shows of each campaign: who it reaches and
//! where its ledger stands, for every campaign in one statement.

use super::campaigns::{Campaign, ListedRow, campaigns_sql, fold_lists};
use super::ledger::{CountsRow, ledger_count_columns};
use super::{LedgerCounts, Store, StoreError, on_pool};

/// Who a campaign reaches now and where its ledger stands.
#[derive(Debug, Clone, Default)]
pub struct CampaignProgress {
    /// Confirmed people its lists reach, counted once each.
    pub audience: i64,
    /// Its ledger rows by state.
    pub counts: LedgerCounts,
}

/// A campaign joined with one of its lists, its audience and its ledger counts.
#[derive(sqlx::FromRow)]
struct ProgressRow {
    #[sqlx(flatten)]
    listed: ListedRow,
    audience: i64,
    #[sqlx(flatten)]
    counts: CountsRow,
}

// Audience and ledger counts grouped by campaign, joined once: the same data
// as `audience_size` and `ledger_counts`, for every campaign in one statement.
const ALL_WITH_PROGRESS: &str = campaigns_sql!(
    concat!(
        ", COALESCE(a.people, 0) AS audience, COALESCE(lc.pending, 0) AS pending, ",
        "COALESCE(lc.sending, 0) AS sending, COALESCE(lc.sent, 0) AS sent, ",
        "COALESCE(lc.failed, 0) AS failed, COALESCE(lc.skipped, 0) AS skipped, ",
        "COALESCE(lc.unknown, 0) AS unknown"
    ),
    concat!(
        " LEFT JOIN (SELECT acl.campaign_id, COUNT(DISTINCT s.id) AS people ",
        "FROM campaign_lists acl JOIN memberships m ON m.list_id = acl.list_id ",
        "JOIN subscribers s ON s.id = m.subscriber_id WHERE s.status = 'confirmed' ",
        "GROUP BY acl.campaign_id) a ON a.campaign_id = c.id",
        " LEFT JOIN (SELECT d.campaign_id, ",
        ledger_count_columns!(),
        " FROM deliveries d GROUP BY d.campaign_id) lc ON lc.campaign_id = c.id"
    ),
    ""
);
// One campaign's audience and ledger counts (aggregates without GROUP BY:
// always one row, zeros before the campaign starts).
const ONE_PROGRESS: &str = concat!(
    "SELECT (SELECT COUNT(DISTINCT s.id) FROM subscribers s ",
    "JOIN memberships m ON m.subscriber_id = s.id ",
    "JOIN campaign_lists cl ON cl.list_id = m.list_id ",
    "WHERE cl.campaign_id = $1 AND s.status = 'confirmed') AS audience, ",
    ledger_count_columns!(),
    " FROM deliveries d WHERE d.campaign_id = $1"
);

impl Store {
    /// Every campaign with its audience and ledger counts, newest first, in
    /// one statement whatever the number of campaigns.
    pub async fn campaigns_with_progress(
        &self,
    ) -> Result<Vec<(Campaign, CampaignProgress)>, StoreError> {
        let rows: Vec<ProgressRow> = on_pool!(self, pool => {
            sqlx::query_as(ALL_WITH_PROGRESS).fetch_all(pool).await?
        });
        let rows = rows
            .into_iter()
            .map(|row| (row.listed, (row.audience, row.counts)));
        fold_lists(rows)?
            .into_iter()
            .map(|(campaign, (audience, counts))| {
                let counts = counts.into_counts(campaign.id)?;
                Ok((campaign, CampaignProgress { audience, counts }))
            })
            .collect()
    }

    /// One campaign's audience and ledger counts, in one statement.
    pub async fn campaign_progress(&self, id: i64) -> Result<CampaignProgress, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            audience: i64,
            #[sqlx(flatten)]
            counts: CountsRow,
        }
        let row: Row = on_pool!(self, pool => {
            sqlx::query_as(ONE_PROGRESS).bind(id).fetch_one(pool).await?
        });
        Ok(CampaignProgress {
            audience: row.audience,
            counts: row.counts.into_counts(id)?,
        })
    }
}
