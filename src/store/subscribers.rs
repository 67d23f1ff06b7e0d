//! Subscribers and their list memberships.

use crate::domain::{EmailAddress, PersonName, Region, SubscriberStatus};
use crate::unsubscribe::{LEGACY_LINKS_SETTING, LinkBinding, LinkKey, LinkRefused, LinkSent};

use super::audit::audit_in;
use super::{Millis, Store, StoreError, on_pool};
use crate::domain::{Actor, AuditAction, AuditEntry, Subject};

/// One row of an import: `None` where the file has no such column, so that
/// importing a file of addresses and names keeps everyone's language and region.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Their address.
    pub email: EmailAddress,
    /// Their name, if the file has a `name` column; may be empty.
    pub name: Option<PersonName>,
    /// Their language tag, if the file has a `language` column.
    pub language: Option<String>,
    /// Their region, if the file has a `region` column.
    pub region: Option<Region>,
}

impl ImportRow {
    /// Which of the optional columns the row carries.
    pub(crate) fn columns(&self) -> [bool; 3] {
        [
            self.name.is_some(),
            self.language.is_some(),
            self.region.is_some(),
        ]
    }
}

/// A person to import or create, already validated.
#[derive(Debug, Clone)]
pub struct NewSubscriber {
    /// Their address.
    pub email: EmailAddress,
    /// How they like to be addressed; may be empty.
    pub name: PersonName,
    /// Their language tag as given (canonicalised when it parses).
    pub language: String,
    /// Their region, e.g. `Huancavelica`.
    pub region: Region,
}

/// A stored subscriber.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Subscriber {
    /// Row id.
    pub id: i64,
    /// Their address.
    pub email: String,
    /// Their name; may be empty.
    pub name: String,
    /// Their language tag as stored.
    pub language: String,
    /// Their region.
    pub region: String,
    /// Whether they receive campaigns.
    pub status: SubscriberStatus,
}

/// What links are checked against, besides the id.
struct LinkRow {
    link_key: LinkKey,
    created_at: Millis,
}

/// The effect of one import batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows that created a subscriber.
    pub created: u64,
    /// Rows that updated an existing subscriber (same address, any case).
    pub updated: u64,
}

/// How consent was obtained, recorded with every subscriber created.
#[derive(Debug, Clone)]
pub struct Consent {
    /// The status new subscribers start in.
    pub status: SubscriberStatus,
    /// Free text naming the source, e.g. `csv import subscribers.csv`.
    pub source: String,
}

// Stays well below SQLite's and PostgreSQL's bound-parameter limits (11 per row).
const IMPORT_CHUNK: usize = 1000;

impl Store {
    /// Creates or updates subscribers by address and adds them to `list_id`.
    ///
    /// An update changes only the columns the row carries (`Some`): a file
    /// without a `language` column must not erase the languages people have.
    /// New subscribers get an empty value for a column the row lacks.
    /// Existing subscribers keep their status and consent record: a re-import must
    /// never re-subscribe someone who left. Each chunk is one transaction.
    /// `people` must not repeat an address (PostgreSQL refuses to upsert a row
    /// twice in one statement); [`crate::import`] removes repeats first.
    pub async fn upsert_subscribers(
        &self,
        people: &[ImportRow],
        consent: &Consent,
        list_id: Option<i64>,
        now: Millis,
    ) -> Result<ImportSummary, StoreError> {
        let mut summary = ImportSummary::default();
        for chunk in people.chunks(IMPORT_CHUNK) {
            // One statement per set of columns (a CSV file has one set).
            let mut shapes: Vec<[bool; 3]> = chunk.iter().map(ImportRow::columns).collect();
            shapes.sort_unstable();
            shapes.dedup();
            let created = on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let mut created = 0;
                for shape in &shapes {
                    let rows: Vec<&ImportRow> =
                        chunk.iter().filter(|p| p.columns() == *shape).collect();
                    // Counted before the upsert: a timestamp cannot tell a row
                    // made now from one imported earlier in the same millisecond.
                    let mut known = sqlx::QueryBuilder::new(
                        "SELECT COUNT(*) FROM subscribers WHERE email_key IN (",
                    );
                    let mut keys = known.separated(", ");
                    for person in &rows {
                        keys.push_bind(person.email.key());
                    }
                    known.push(")");
                    let known: i64 = known.build_query_scalar().fetch_one(&mut *tx).await?;
                    let mut insert = sqlx::QueryBuilder::new(
                        "INSERT INTO subscribers (email, email_key, name, language, region, status, \
                         consent_at, consent_source, created_at, updated_at, link_key) ",
                    );
                    // A known address keeps its link key: the upsert never sets it.
                    insert.push_values(&rows, |mut row, person| {
                        row.push_bind(person.email.as_str())
                            .push_bind(person.email.key())
                            .push_bind(person.name.as_deref().unwrap_or_default())
                            .push_bind(person.language.as_deref().unwrap_or_default())
                            .push_bind(person.region.as_deref().unwrap_or_default())
                            .push_bind(consent.status.as_str())
                            .push_bind((consent.status == SubscriberStatus::Confirmed).then_some(now))
                            .push_bind(consent.source.as_str())
                            .push_bind(now)
                            .push_bind(now)
                            .push_bind(LinkKey::generate().as_bytes().to_vec());
                    });
                    // Fixed column names only: nothing from the file reaches the SQL text.
                    insert.push(" ON CONFLICT (email_key) DO UPDATE SET email = excluded.email");
                    for (present, column) in shape.iter().zip(["name", "language", "region"]) {
                        if *present {
                            insert.push(format_args!(", {column} = excluded.{column}"));
                        }
                    }
                    insert.push(", updated_at = excluded.updated_at RETURNING id");
                    let ids: Vec<i64> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
                    created += ids.len() - known as usize;
                    if let Some(list_id) = list_id {
                        let mut join = sqlx::QueryBuilder::new(
                            "INSERT INTO memberships (list_id, subscriber_id, created_at) ",
                        );
                        join.push_values(&ids, |mut row, id| {
                            row.push_bind(list_id).push_bind(*id).push_bind(now);
                        });
                        join.push(" ON CONFLICT DO NOTHING");
                        join.build().execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                created as u64
            });
            summary.created += created;
            summary.updated += chunk.len() as u64 - created;
        }
        Ok(summary)
    }

    /// How many subscribers exist, in any status.
    pub async fn subscriber_count(&self) -> Result<u64, StoreError> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM subscribers").fetch_one(pool).await?
        });
        Ok(n as u64)
    }

    /// One subscriber by id.
    pub async fn subscriber(&self, id: i64) -> Result<Subscriber, StoreError> {
        let (person, _) = self
            .subscriber_row(id)
            .await?
            .ok_or(StoreError::UnknownSubscriber(id))?;
        Ok(person)
    }

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

    async fn subscriber_row(&self, id: i64) -> Result<Option<(Subscriber, LinkRow)>, StoreError> {
        /// A subscriber's columns as stored.
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            email: String,
            name: String,
            language: String,
            region: String,
            status: String,
            link_key: Vec<u8>,
            created_at: Millis,
        }
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, email, name, language, region, status, link_key, created_at \
                 FROM subscribers WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let id = row.id;
        let link_key = LinkKey::from_bytes(&row.link_key)
            .ok_or_else(|| StoreError::Corrupt(format!("subscriber {id}: link key")))?;
        let person = Subscriber {
            id,
            email: row.email,
            name: row.name,
            language: row.language,
            region: row.region,
            status: row
                .status
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
        };
        Ok(Some((
            person,
            LinkRow {
                link_key,
                created_at: row.created_at,
            },
        )))
    }

    /// Marks a subscriber unsubscribed, crediting the campaigns that reached them.
    ///
    /// Returns false when they had already left (the click is idempotent).
    /// `by` is the staff or command line that did it, recorded in the audit
    /// log; `None` for the person's own click or a bounce, which the ledger
    /// records already.
    pub async fn unsubscribe(
        &self,
        subscriber_id: i64,
        now: Millis,
        by: Option<&Actor>,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $2, updated_at = $2 \
                 WHERE id = $1 AND status <> 'unsubscribed'",
            )
            .bind(subscriber_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed > 0 {
                sqlx::query(
                    "UPDATE deliveries SET unsubscribed_at = $2 \
                     WHERE subscriber_id = $1 AND state = 'sent' AND unsubscribed_at IS NULL",
                )
                .bind(subscriber_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if let Some(actor) = by {
                    let subject = Some(Subject::subscriber(subscriber_id));
                    audit_in!(tx, &AuditEntry::new(actor, AuditAction::SubscriberUnsubscribed, subject), now);
                }
            }
            tx.commit().await?;
            changed
        });
        Ok(changed > 0)
    }
}

/// What marking an address as bounced did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BounceMark {
    /// The subscriber is now `bounced`.
    Marked,
    /// They already were.
    AlreadyBounced,
    /// No subscriber has this address.
    Unknown,
}

impl Store {
    /// Marks the subscriber with this address bounced (a bounce report is final),
    /// and credits the bounce to the delivery it answers: `delivery` when the
    /// report names it, else their latest delivered message.
    pub async fn mark_bounced(
        &self,
        email: &crate::domain::EmailAddress,
        delivery: Option<(i64, i64)>,
        now: Millis,
    ) -> Result<BounceMark, StoreError> {
        let mark = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let found: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, status FROM subscribers WHERE email_key = $1",
            )
            .bind(email.key())
            .fetch_optional(&mut *tx)
            .await?;
            let mark = match found {
                None => BounceMark::Unknown,
                Some((_, status)) if status == "bounced" => BounceMark::AlreadyBounced,
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE subscribers SET status = 'bounced', hard_bounces = hard_bounces + 1, \
                         updated_at = $2 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let named = delivery.filter(|(_, subscriber)| *subscriber == id).map(|(c, _)| c);
                    sqlx::query(
                        "UPDATE deliveries SET bounced_at = $2 WHERE bounced_at IS NULL AND id = ( \
                            SELECT id FROM deliveries WHERE subscriber_id = $1 AND state = 'sent' \
                            AND ($3 IS NULL OR campaign_id = $3) ORDER BY sent_at DESC LIMIT 1)",
                    )
                    .bind(id)
                    .bind(now)
                    .bind(named)
                    .execute(&mut *tx)
                    .await?;
                    BounceMark::Marked
                }
            };
            tx.commit().await?;
            mark
        });
        Ok(mark)
    }
}
