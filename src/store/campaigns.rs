//! Campaigns and their lifecycle.

use crate::domain::{Actor, AuditAction, AuditEntry, CampaignStatus, Detail, Subject};

use super::audit::audit_in;
use super::{Millis, Store, StoreError, on_pool};

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    /// A label for people; defaults to the message id.
    pub name: String,
    /// The catalogue message it sends.
    pub message_id: String,
    /// Target lists (ids); the audience is their union.
    pub list_ids: Vec<i64>,
    /// When given, the campaign is created `scheduled` for that time.
    pub scheduled_at: Option<Millis>,
}

/// A stored campaign.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Campaign {
    /// Row id.
    pub id: i64,
    /// Label.
    pub name: String,
    /// Catalogue message id.
    pub message_id: String,
    /// Lifecycle state.
    pub status: CampaignStatus,
    /// When it is due (UTC ms).
    pub scheduled_at: Option<Millis>,
    /// When a worker expanded its audience.
    pub started_at: Option<Millis>,
    /// When its last delivery settled.
    pub finished_at: Option<Millis>,
    /// Names of the target lists.
    pub lists: Vec<String>,
}

/// A campaign's own columns.
#[derive(sqlx::FromRow)]
pub(super) struct CampaignRow {
    id: i64,
    name: String,
    message_id: String,
    status: String,
    scheduled_at: Option<i64>,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

/// A campaign joined with one of its lists (none when it has no list).
#[derive(sqlx::FromRow)]
pub(super) struct ListedRow {
    #[sqlx(flatten)]
    campaign: CampaignRow,
    list: Option<String>,
}

// Campaigns with one row per target list, newest first and lists by name, so
// a campaign and its lists come in one statement. `$where` picks campaigns.
macro_rules! campaigns_sql {
    ($columns:expr, $joins:expr, $where:literal) => {
        concat!(
            "SELECT c.id, c.name, c.message_id, c.status, c.scheduled_at, c.started_at, ",
            "c.finished_at, l.name AS list",
            $columns,
            " FROM campaigns c ",
            "LEFT JOIN campaign_lists cl ON cl.campaign_id = c.id ",
            "LEFT JOIN lists l ON l.id = cl.list_id",
            $joins,
            $where,
            " ORDER BY c.id DESC, l.name"
        )
    };
}
pub(super) use campaigns_sql;

const ONE_CAMPAIGN: &str = campaigns_sql!("", "", " WHERE c.id = $1");
const ALL_CAMPAIGNS: &str = campaigns_sql!("", "", "");
impl Store {
    /// Creates a campaign (draft, or scheduled when a time is given) for `actor`.
    pub async fn create_campaign(
        &self,
        new: &NewCampaign,
        now: Millis,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let status = if new.scheduled_at.is_some() {
            CampaignStatus::Scheduled
        } else {
            CampaignStatus::Draft
        };
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO campaigns (name, message_id, status, scheduled_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(&new.name)
            .bind(&new.message_id)
            .bind(status.as_str())
            .bind(new.scheduled_at)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for list_id in &new.list_ids {
                sqlx::query(
                    "INSERT INTO campaign_lists (campaign_id, list_id) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(list_id)
                .execute(&mut *tx)
                .await?;
            }
            let detail = Detail::default()
                .word("status", status.as_str())
                .count("lists", new.list_ids.len() as i64);
            let entry = AuditEntry::new(actor, AuditAction::CampaignCreated, Some(Subject::campaign(id)));
            audit_in!(tx, &entry.with(detail), now);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// One campaign by id.
    pub async fn campaign(&self, id: i64) -> Result<Campaign, StoreError> {
        self.listed_campaigns(ONE_CAMPAIGN, Some(id))
            .await?
            .pop()
            .ok_or(StoreError::UnknownCampaign(id))
    }

    /// The campaign with this name, if one exists (the newest).
    pub async fn campaign_by_name(&self, name: &str) -> Result<Option<Campaign>, StoreError> {
        let id: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(id) FROM campaigns WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        match id {
            Some(id) => Ok(Some(self.campaign(id).await?)),
            None => Ok(None),
        }
    }

    /// Every campaign, newest first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.listed_campaigns(ALL_CAMPAIGNS, None).await
    }

    /// Campaigns with their lists from `sql`, bound to `id` when it takes one.
    async fn listed_campaigns(
        &self,
        sql: &'static str,
        id: Option<i64>,
    ) -> Result<Vec<Campaign>, StoreError> {
        let rows: Vec<ListedRow> = on_pool!(self, pool => {
            let query = sqlx::query_as(sql);
            match id {
                Some(id) => query.bind(id),
                None => query,
            }
            .fetch_all(pool)
            .await?
        });
        Ok(fold_lists(rows.into_iter().map(|row| (row, ())))?
            .into_iter()
            .map(|(campaign, ())| campaign)
            .collect())
    }

    /// Moves a campaign to `to` if its lifecycle allows it, atomically.
    ///
    /// Scheduling sets the due time (`at`, default now). Cancelling marks every
    /// unsent delivery `skipped` in the same transaction, so no worker sends it.
    /// The change is `actor`'s `action`, recorded with it.
    pub async fn transition_campaign(
        &self,
        id: i64,
        to: CampaignStatus,
        at: Option<Millis>,
        now: Millis,
        actor: &Actor,
        action: AuditAction,
    ) -> Result<Campaign, StoreError> {
        let current = self.campaign(id).await?;
        let from = current.status;
        if !from.can_become(to) {
            return Err(StoreError::Transition { id, from, to });
        }
        let scheduled_at = match to {
            CampaignStatus::Scheduled => Some(at.unwrap_or(now)),
            _ => current.scheduled_at,
        };
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The status guard makes concurrent managers and workers race-free:
            // whoever changes the row first wins, the other sees 0 rows.
            let changed = sqlx::query(
                "UPDATE campaigns SET status = $1, scheduled_at = $2, updated_at = $3, \
                 finished_at = CASE WHEN $1 = 'cancelled' THEN $3 ELSE finished_at END \
                 WHERE id = $4 AND status = $5",
            )
            .bind(to.as_str())
            .bind(scheduled_at)
            .bind(now)
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 && to == CampaignStatus::Cancelled {
                sqlx::query(
                    "UPDATE deliveries SET state = 'skipped', last_error = 'campaign cancelled', \
                     lease_owner = NULL, lease_until = NULL, updated_at = $2 \
                     WHERE campaign_id = $1 AND state = 'pending'",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if changed == 1 {
                let detail = Detail::default()
                    .word("from", from.as_str())
                    .word("to", to.as_str());
                let entry = AuditEntry::new(actor, action, Some(Subject::campaign(id)));
                audit_in!(tx, &entry.with(detail), now);
            }
            tx.commit().await?;
            changed
        });
        if changed == 0 {
            // Someone else moved it between our read and our write.
            let now_status = self.campaign(id).await?.status;
            return Err(StoreError::Transition {
                id,
                from: now_status,
                to,
            });
        }
        self.campaign(id).await
    }

    /// Campaigns paused or cancelled: workers stop sending rows of these they
    /// have already claimed.
    pub async fn halted_campaigns(&self) -> Result<Vec<i64>, StoreError> {
        let ids: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM campaigns WHERE status IN ('paused', 'cancelled')")
                .fetch_all(pool)
                .await?
        });
        Ok(ids)
    }

    /// How many confirmed subscribers the campaign's lists reach, counted once each.
    pub async fn audience_size(&self, id: i64) -> Result<i64, StoreError> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(DISTINCT s.id) FROM subscribers s \
                 JOIN memberships m ON m.subscriber_id = s.id \
                 JOIN campaign_lists cl ON cl.list_id = m.list_id \
                 WHERE cl.campaign_id = $1 AND s.status = 'confirmed'",
            )
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        Ok(n)
    }

    /// Languages of the confirmed members of these lists, counted once each
    /// (to check a campaign before it exists).
    pub async fn lists_audience_languages(
        &self,
        list_ids: &[i64],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        if list_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT s.language, COUNT(DISTINCT s.id) FROM subscribers s \
                 JOIN memberships m ON m.subscriber_id = s.id \
                 WHERE s.status = 'confirmed' AND m.list_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in list_ids {
                ids.push_bind(*id);
            }
            query.push(") GROUP BY s.language ORDER BY s.language");
            query.build_query_as().fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Languages of the campaign's audience with head counts (for fallback warnings).
    pub async fn audience_languages(&self, id: i64) -> Result<Vec<(String, i64)>, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.language, COUNT(DISTINCT s.id) FROM subscribers s \
                 JOIN memberships m ON m.subscriber_id = s.id \
                 JOIN campaign_lists cl ON cl.list_id = m.list_id \
                 WHERE cl.campaign_id = $1 AND s.status = 'confirmed' \
                 GROUP BY s.language ORDER BY s.language",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }
}

/// Folds the rows of [`campaigns_sql!`] (one per campaign and list, a
/// campaign's rows together) into campaigns with their lists, each with what
/// came with its first row.
pub(super) fn fold_lists<T>(
    rows: impl IntoIterator<Item = (ListedRow, T)>,
) -> Result<Vec<(Campaign, T)>, StoreError> {
    let mut campaigns: Vec<(Campaign, T)> = Vec::new();
    for (
        ListedRow {
            campaign: row,
            list,
        },
        extra,
    ) in rows
    {
        if campaigns.last().is_none_or(|(c, _)| c.id != row.id) {
            campaigns.push((campaign_from_row(row)?, extra));
        }
        if let (Some(list), Some((campaign, _))) = (list, campaigns.last_mut()) {
            campaign.lists.push(list);
        }
    }
    Ok(campaigns)
}

fn campaign_from_row(row: CampaignRow) -> Result<Campaign, StoreError> {
    let id = row.id;
    Ok(Campaign {
        id,
        name: row.name,
        message_id: row.message_id,
        status: row
            .status
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("campaign {id}: {e}")))?,
        scheduled_at: row.scheduled_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        lists: Vec::new(),
    })
}
