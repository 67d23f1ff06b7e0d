//! What staff see on a person's page besides the profile: how consent was
//! given and what willay sent them, campaign by campaign.

use super::{Millis, Store, StoreError, on_pool};

/// A person's consent record and their deliveries.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    /// When consent was recorded; none for someone not (yet) confirmed.
    pub consent_at: Option<Millis>,
    /// Where it came from, e.g. `csv import peru.csv` or `subscribe page`.
    pub consent_source: String,
    /// When they were added.
    pub created_at: Millis,
    /// When they left, if they did.
    pub unsubscribed_at: Option<Millis>,
    /// One row per campaign that included them, newest campaign first.
    pub deliveries: Vec<PersonDelivery>,
}

/// One campaign's message to a person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonDelivery {
    /// The campaign.
    pub campaign_id: i64,
    /// Its label.
    pub campaign_name: String,
    /// `pending`, `sending`, `sent`, `failed` or `skipped`.
    pub state: String,
    /// The locale the message was rendered in, once it was.
    pub locale: Option<String>,
    /// Attempts spent.
    pub attempts: i64,
    /// When it was accepted by the relay.
    pub sent_at: Option<Millis>,
}

impl Store {
    /// The consent record and deliveries of subscriber `id`.
    pub async fn person_record(&self, id: i64) -> Result<PersonRecord, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            consent_at: Option<Millis>,
            consent_source: String,
            created_at: Millis,
            unsubscribed_at: Option<Millis>,
        }
        let (row, deliveries): (Option<Row>, Vec<PersonDelivery>) = on_pool!(self, pool => {
            let row = sqlx::query_as(
                "SELECT consent_at, consent_source, created_at, unsubscribed_at \
                 FROM subscribers WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            let deliveries = sqlx::query_as(
                "SELECT d.campaign_id, c.name AS campaign_name, d.state, d.locale, d.attempts, \
                 d.sent_at FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id \
                 WHERE d.subscriber_id = $1 ORDER BY d.campaign_id DESC",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            (row, deliveries)
        });
        let row = row.ok_or(StoreError::UnknownSubscriber(id))?;
        Ok(PersonRecord {
            consent_at: row.consent_at,
            consent_source: row.consent_source,
            created_at: row.created_at,
            unsubscribed_at: row.unsubscribed_at,
            deliveries,
        })
    }
}
