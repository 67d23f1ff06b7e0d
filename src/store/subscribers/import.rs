//! Imports: many people at once, created or updated by address.

use super::memberships_in;
use crate::domain::{EmailAddress, PersonName, Region, SubscriberStatus};
use crate::store::{Millis, Store, StoreError, on_pool};
use crate::unsubscribe::LinkKey;

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
                        memberships_in!(tx, ids.iter().map(|&id| (list_id, id)), now);
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
}
