//! The links mailed to a person: whose they are, and whether a message went
//! to the person holding an id now.

use super::Subscriber;
use crate::store::{Millis, Store, StoreError, on_pool};
use crate::unsubscribe::{LEGACY_LINKS_SETTING, LinkBinding, LinkKey, LinkRefused, LinkSent};

impl Store {
    /// A subscriber's link key, signed into every link sent to them.
    pub async fn link_key(&self, id: i64) -> Result<LinkKey, StoreError> {
        let (_, row) = self
            .subscriber_row(id)
            .await?
            .ok_or(StoreError::UnknownSubscriber(id))?;
        Ok(row.link_key)
    }

    /// The subscriber a verified link acts on: the one holding its id, if the
    /// link was sent to them. A link with a link key must carry theirs
    /// (compared in constant time). An old link without one acts only on a
    /// person stored before link keys came and before the link was `sent`.
    pub async fn link_subscriber(
        &self,
        id: i64,
        binding: LinkBinding,
        sent: LinkSent,
    ) -> Result<Result<Subscriber, LinkRefused>, StoreError> {
        let Some((person, row)) = self.subscriber_row(id).await? else {
            return Ok(Err(LinkRefused::Gone));
        };
        let theirs = match binding {
            LinkBinding::Key(key) => {
                if !key.matches(&row.link_key) {
                    return Ok(Err(LinkRefused::NotTheirs));
                }
                true
            }
            LinkBinding::Legacy => self.legacy_link_is_theirs(id, row.created_at, sent).await?,
        };
        Ok(if theirs {
            Ok(person)
        } else {
            Err(LinkRefused::LegacyForNewcomer)
        })
    }

    /// Whether an old link without a link key can be the person's, stored at
    /// `created_at`: their id is no higher than any id when link keys came,
    /// and they were stored before the link was sent. (Before migration 0006
    /// SQLite reused an erased person's id; the second test catches a reuse
    /// that happened before then.)
    async fn legacy_link_is_theirs(
        &self,
        id: i64,
        created_at: Millis,
        sent: LinkSent,
    ) -> Result<bool, StoreError> {
        let max: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(LEGACY_LINKS_SETTING)
                .fetch_optional(pool)
                .await?
        });
        let max: i64 = match max {
            Some(text) => text
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("setting {LEGACY_LINKS_SETTING}")))?,
            None => 0,
        };
        if id > max {
            return Ok(false);
        }
        Ok(match sent {
            LinkSent::At(issued_at) => created_at <= issued_at,
            LinkSent::InCampaign(campaign_id) => {
                // The ledger row for (campaign, id) is the message that carried
                // the link: made before this person existed, it went to someone else.
                let earlier: i64 = on_pool!(self, pool => {
                    sqlx::query_scalar(
                        "SELECT COUNT(*) FROM deliveries \
                         WHERE campaign_id = $1 AND subscriber_id = $2 AND created_at < $3",
                    )
                    .bind(campaign_id)
                    .bind(id)
                    .bind(created_at)
                    .fetch_one(pool)
                    .await?
                });
                earlier == 0
            }
        })
    }

    /// Whether campaign `campaign_id`'s message went to the person holding
    /// `subscriber_id` now: its ledger row was made once they were stored.
    /// (A report naming the message by Message-ID is about them only then.)
    pub async fn was_sent_to(
        &self,
        campaign_id: i64,
        subscriber_id: i64,
    ) -> Result<bool, StoreError> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id \
                 WHERE d.campaign_id = $1 AND d.subscriber_id = $2 AND d.created_at >= s.created_at",
            )
            .bind(campaign_id)
            .bind(subscriber_id)
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }
}
