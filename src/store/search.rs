//! Finding people: by the start of their address or name, by status, list,
//! region and language, a page at a time (keyset pagination by id, so a page
//! deep in a million rows costs what the first one does).

use super::{Backend, Store, StoreError, on_pool};
use crate::domain::SubscriberStatus;

/// What staff search for; every part is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct SubscriberSearch {
    /// The start of an address or of a name, any case.
    pub text: Option<String>,
    /// Only people in this state.
    pub status: Option<SubscriberStatus>,
    /// Only members of the list with this id.
    pub list_id: Option<i64>,
    /// Only people of this region, exactly.
    pub region: Option<String>,
    /// Only people with this language tag, exactly.
    pub language: Option<String>,
    /// The page after the person with this id.
    pub after: Option<i64>,
    /// Most people on a page.
    pub limit: u32,
}

impl SubscriberSearch {
    /// Default of [`Self::limit`].
    pub const DEFAULT_LIMIT: u32 = 50;
    /// The largest page asked for.
    pub const MAX_LIMIT: u32 = 500;
}

/// Declares a search result's person in the calling module, its fields and
/// docs written once here and its derives chosen by the caller: the store's
/// decodes rows; the API's is its documented contract, built `from` the store's.
macro_rules! found_subscriber {
    (#[$derive:meta] $name:ident $(, from: $source:path)?) => {
        /// One person in a search's results.
        #[$derive]
        pub struct $name {
            /// Id.
            pub id: i64,
            /// Address.
            pub email: String,
            /// Name; may be empty.
            pub name: String,
            /// Language tag as stored.
            pub language: String,
            /// Region.
            pub region: String,
            /// `unconfirmed`, `confirmed`, `unsubscribed` or `bounced`.
            pub status: String,
        }

        $(
            impl From<$source> for $name {
                fn from(p: $source) -> Self {
                    Self {
                        id: p.id,
                        email: p.email,
                        name: p.name,
                        language: p.language,
                        region: p.region,
                        status: p.status,
                    }
                }
            }
        )?
    };
}
pub(crate) use found_subscriber;

found_subscriber!(
    #[derive(Debug, Clone, sqlx::FromRow)]
    FoundSubscriber
);

/// A page of results, and where the next one starts.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// The people, by id.
    pub people: Vec<FoundSubscriber>,
    /// The `after` of the next page; none on the last one.
    pub next: Option<i64>,
}

impl Store {
    /// The people matching `search`, one page.
    pub async fn search_subscribers(
        &self,
        search: &SubscriberSearch,
    ) -> Result<SearchPage, StoreError> {
        let limit = search.limit.clamp(1, SubscriberSearch::MAX_LIMIT);
        // PostgreSQL compares text by the database's collation, where a prefix
        // is no range; byte order (the indexes' "C") makes it one. SQLite
        // already compares bytes.
        let bytes = match self.backend() {
            Backend::Postgres => " COLLATE \"C\"",
            Backend::Sqlite => "",
        };
        let prefix = search
            .text
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let mut people: Vec<FoundSubscriber> = on_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT s.id, s.email, s.name, s.language, s.region, s.status \
                 FROM subscribers s WHERE s.id > ",
            );
            query.push_bind(search.after.unwrap_or(0));
            if let Some(prefix) = &prefix {
                // Past every character: `prefix` ≤ x < `end` is "starts with `prefix`".
                // Each range is answered by its own index, then joined by id:
                // the planner would otherwise walk every id in order.
                let end = format!("{prefix}\u{10FFFF}");
                for (i, column) in ["email_key", "lower(name)"].into_iter().enumerate() {
                    query.push(if i == 0 { " AND s.id IN (" } else { " UNION " });
                    query.push(format!("SELECT id FROM subscribers WHERE {column}{bytes} >= "));
                    query.push_bind(prefix.clone());
                    query.push(format!(" AND {column}{bytes} < "));
                    query.push_bind(end.clone());
                }
                query.push(")");
            }
            if let Some(status) = search.status {
                query.push(" AND s.status = ").push_bind(status.as_str());
            }
            if let Some(region) = &search.region {
                query.push(" AND s.region = ").push_bind(region.clone());
            }
            if let Some(language) = &search.language {
                query.push(" AND s.language = ").push_bind(language.clone());
            }
            if let Some(list_id) = search.list_id {
                query
                    .push(" AND EXISTS (SELECT 1 FROM memberships m WHERE m.list_id = ")
                    .push_bind(list_id)
                    .push(" AND m.subscriber_id = s.id)");
            }
            query.push(" ORDER BY s.id LIMIT ").push_bind(i64::from(limit) + 1);
            query.build_query_as().fetch_all(pool).await?
        });
        let next = if people.len() > limit as usize {
            people.truncate(limit as usize);
            people.last().map(|p| p.id)
        } else {
            None
        };
        Ok(SearchPage { people, next })
    }
}
