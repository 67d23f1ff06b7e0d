//! Subscribers and their list memberships: the person as stored, imports,
//! the links mailed to them, leaving (unsubscribe, bounce), and the record
//! staff and sign-up change.

mod import;
mod leaving;
mod links;
mod record;

pub use self::import::{Consent, ImportRow, ImportSummary};
pub use self::leaving::BounceMark;
pub use self::record::{ConfirmOutcome, SignupState};
use super::{Millis, Store, StoreError, on_pool};
use crate::domain::{EmailAddress, PersonName, Region, SubscriberStatus};
use crate::unsubscribe::LinkKey;

/// Adds each (list id, subscriber id) of `$pairs` to the memberships in
/// transaction `$tx`, in one statement; a membership already there keeps its date.
macro_rules! memberships_in {
    ($tx:expr, $pairs:expr, $now:expr) => {{
        let pairs: Vec<(i64, i64)> = $pairs.into_iter().collect();
        let now: $crate::store::Millis = $now;
        // An INSERT needs at least one row.
        if !pairs.is_empty() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO memberships (list_id, subscriber_id, created_at) ",
            );
            insert.push_values(&pairs, |mut row, &(list_id, subscriber_id)| {
                row.push_bind(list_id)
                    .push_bind(subscriber_id)
                    .push_bind(now);
            });
            insert.push(" ON CONFLICT DO NOTHING");
            insert.build().execute(&mut *$tx).await?;
        }
    }};
}
use memberships_in;

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

impl Store {
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

    /// Subscriber `id` with what their links are checked against, if stored.
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
        let sql = "SELECT id, email, name, language, region, status, link_key, created_at \
                   FROM subscribers WHERE id = $1";
        let row: Option<Row> = self.row_by(sql, id).await?;
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
}
