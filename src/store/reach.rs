//! Reach: what the ledger says about people targeted, reached and lost.

use std::collections::BTreeMap;

use super::{Store, StoreError, on_pool};

/// Which part of the ledger to count.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReachFilter {
    /// One campaign, or all of them.
    pub campaign_id: Option<i64>,
}

/// Declares reach's types — `ReachRow`, `Breakdown`, `Reach` and
/// `ReachDetail` — in the calling module, their fields and docs written once
/// here and their derives chosen by the caller: the store's decode rows
/// (`sqlx`); the API's are its documented contract (`utoipa`), and with
/// `from: module` each converts from the type of the same name there.
macro_rules! reach_types {
    (
        row: #[$row:meta],
        breakdown: #[$breakdown:meta],
        $(counts: #[$counts:meta],)?
        report: #[$report:meta],
        $(from: $source:ident,)?
    ) => {
        /// Counts for one slice of the ledger (a campaign, a locale, a region, a list…).
        #[$row]
        pub struct ReachRow {
            /// Distinct people with a ledger row.
            pub people_targeted: i64,
            /// Distinct people with at least one delivered message.
            pub people_reached: i64,
            /// Delivered messages (one per campaign and person at most).
            pub messages_delivered: i64,
            /// Rows given up on.
            pub failed: i64,
            /// Rows not yet settled (waiting or being sent).
            pub pending: i64,
            /// Rows not sent on purpose (cancelled campaign, person left before the send).
            pub skipped: i64,
            /// People reached who unsubscribed after the message.
            pub unsubscribed_since: i64,
            /// People whose address hard-bounced (at send time or by a later bounce report).
            pub bounced: i64,
        }

        /// One labelled row of a breakdown.
        #[$breakdown]
        pub struct Breakdown {
            /// The locale, region, list or campaign this row counts.
            pub key: String,
            /// Its counts.
            #[serde(flatten)]
            $(#[$counts])?
            pub counts: ReachRow,
        }

        /// Reach over the filtered ledger, with its breakdowns.
        #[$report]
        pub struct Reach {
            /// Totals.
            #[serde(flatten)]
            pub totals: ReachRow,
            /// Locale → people reached.
            pub by_locale: BTreeMap<String, i64>,
            /// Region → people reached.
            pub by_region: BTreeMap<String, i64>,
            /// List → people reached.
            pub by_list: BTreeMap<String, i64>,
            /// Full counts per locale, region, list and campaign.
            pub detail: ReachDetail,
        }

        /// Every breakdown with full counts.
        #[$report]
        pub struct ReachDetail {
            /// Per locale actually used (rows not yet rendered count under `-`).
            pub locales: Vec<Breakdown>,
            /// Per region as recorded when the audience was expanded.
            pub regions: Vec<Breakdown>,
            /// Per target list (a person on two lists counts in both).
            pub lists: Vec<Breakdown>,
            /// Per campaign, `#id name`.
            pub campaigns: Vec<Breakdown>,
        }

        $(
            impl From<$source::ReachRow> for ReachRow {
                fn from(r: $source::ReachRow) -> Self {
                    Self {
                        people_targeted: r.people_targeted,
                        people_reached: r.people_reached,
                        messages_delivered: r.messages_delivered,
                        failed: r.failed,
                        pending: r.pending,
                        skipped: r.skipped,
                        unsubscribed_since: r.unsubscribed_since,
                        bounced: r.bounced,
                    }
                }
            }

            impl From<$source::Breakdown> for Breakdown {
                fn from(b: $source::Breakdown) -> Self {
                    Self {
                        key: b.key,
                        counts: b.counts.into(),
                    }
                }
            }

            impl From<$source::Reach> for Reach {
                fn from(r: $source::Reach) -> Self {
                    let rows = |rows: Vec<$source::Breakdown>| rows.into_iter().map(Into::into).collect();
                    Self {
                        totals: r.totals.into(),
                        by_locale: r.by_locale,
                        by_region: r.by_region,
                        by_list: r.by_list,
                        detail: ReachDetail {
                            locales: rows(r.detail.locales),
                            regions: rows(r.detail.regions),
                            lists: rows(r.detail.lists),
                            campaigns: rows(r.detail.campaigns),
                        },
                    }
                }
            }
        )?
    };
}
pub(crate) use reach_types;

reach_types! {
    row: #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, sqlx::FromRow)],
    breakdown: #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)],
    counts: #[sqlx(flatten)],
    report: #[derive(Debug, Clone, Default, serde::Serialize)],
}

// The aggregate columns shared by every reach query, over deliveries `d`,
// named as the fields of [`Breakdown`] and [`ReachRow`].
macro_rules! reach_sql {
    ($key:literal, $from:literal, $group:literal) => {
        concat!(
            "SELECT ",
            $key,
            " AS \"key\", ",
            "COUNT(DISTINCT d.subscriber_id) AS people_targeted, ",
            "COUNT(DISTINCT CASE WHEN d.state = 'sent' THEN d.subscriber_id END) AS people_reached, ",
            "COUNT(CASE WHEN d.state = 'sent' THEN 1 END) AS messages_delivered, ",
            "COUNT(CASE WHEN d.state = 'failed' THEN 1 END) AS failed, ",
            "COUNT(CASE WHEN d.state IN ('pending', 'sending') THEN 1 END) AS pending, ",
            "COUNT(CASE WHEN d.state = 'skipped' THEN 1 END) AS skipped, ",
            "COUNT(DISTINCT CASE WHEN d.unsubscribed_at IS NOT NULL THEN d.subscriber_id END) AS unsubscribed_since, ",
            "COUNT(DISTINCT CASE WHEN d.bounced_at IS NOT NULL THEN d.subscriber_id END) AS bounced ",
            "FROM deliveries d ",
            $from,
            " WHERE ($1 IS NULL OR d.campaign_id = $1) ",
            $group
        )
    };
}

const TOTALS: &str = reach_sql!("''", "", "");
const BY_LOCALE: &str = reach_sql!(
    "COALESCE(d.locale, '-')",
    "",
    "GROUP BY COALESCE(d.locale, '-') ORDER BY 1"
);
const BY_REGION: &str = reach_sql!("d.region", "", "GROUP BY d.region ORDER BY 1");
// Through the lists a row's person was on when the campaign was expanded, not
// today's memberships: leaving a list (or being erased) must not change what a
// past campaign reached. A one-list campaign reached everyone through its list;
// for several lists, expansion recorded each person's in `delivery_lists`.
const BY_LIST: &str = reach_sql!(
    "l.name",
    "JOIN campaign_lists cl ON cl.campaign_id = d.campaign_id \
     JOIN lists l ON l.id = cl.list_id",
    "AND (NOT EXISTS (SELECT 1 FROM campaign_lists o \
            WHERE o.campaign_id = d.campaign_id AND o.list_id <> cl.list_id) \
          OR EXISTS (SELECT 1 FROM delivery_lists dl WHERE dl.campaign_id = d.campaign_id \
            AND dl.subscriber_id = d.subscriber_id AND dl.list_id = cl.list_id)) \
     GROUP BY l.name ORDER BY 1"
);
const BY_CAMPAIGN: &str = reach_sql!(
    "CAST(d.campaign_id AS TEXT)",
    "",
    "GROUP BY d.campaign_id ORDER BY d.campaign_id"
);

impl Store {
    /// Reach over the ledger, filtered, with breakdowns by locale, region, list and campaign.
    pub async fn reach(&self, filter: ReachFilter) -> Result<Reach, StoreError> {
        let totals = self
            .reach_rows(TOTALS, filter)
            .await?
            .pop()
            .map(|b| b.counts)
            .unwrap_or_default();
        let locales = self.reach_rows(BY_LOCALE, filter).await?;
        let regions = self.reach_rows(BY_REGION, filter).await?;
        let lists = self.reach_rows(BY_LIST, filter).await?;
        let mut campaigns = self.reach_rows(BY_CAMPAIGN, filter).await?;
        let names: BTreeMap<String, String> = self
            .campaigns()
            .await?
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect();
        for row in &mut campaigns {
            if let Some(name) = names.get(&row.key) {
                row.key = format!("#{} {}", row.key, name);
            }
        }
        let reached = |rows: &[Breakdown], skip_unrendered: bool| {
            rows.iter()
                .filter(|b| !(skip_unrendered && b.key == "-"))
                .map(|b| (b.key.clone(), b.counts.people_reached))
                .collect()
        };
        Ok(Reach {
            totals,
            by_locale: reached(&locales, true),
            by_region: reached(&regions, false),
            by_list: reached(&lists, false),
            detail: ReachDetail {
                locales,
                regions,
                lists,
                campaigns,
            },
        })
    }

    async fn reach_rows(
        &self,
        sql: &'static str,
        filter: ReachFilter,
    ) -> Result<Vec<Breakdown>, StoreError> {
        let rows: Vec<Breakdown> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(filter.campaign_id).fetch_all(pool).await?
        });
        Ok(rows)
    }
}
