//! Views shared by the API and the dashboard: what a campaign looks like
//! outside the store, serialised as JSON and shown in the pages.

use crate::campaigns::Fallback;
use crate::store::LedgerCounts;

/// Ledger rows of a campaign by state: its live progress.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// Waiting to be sent (including retries).
    pub pending: i64,
    /// Being sent right now.
    pub sending: i64,
    /// Delivered.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
    /// Not sent on purpose.
    pub skipped: i64,
    /// Every ledger row (0 until the campaign starts).
    pub total: i64,
    /// Settled rows (sent, failed, skipped) as a percentage of the total.
    pub percent_done: u8,
}

impl From<LedgerCounts> for Progress {
    fn from(c: LedgerCounts) -> Self {
        let total = c.total();
        let settled = c.sent + c.failed + c.skipped;
        Self {
            percent_done: if total == 0 {
                0
            } else {
                (settled * 100 / total) as u8
            },
            pending: c.pending,
            sending: c.sending,
            sent: c.sent,
            failed: c.failed,
            skipped: c.skipped,
            total,
        }
    }
}

/// A campaign with its progress.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    /// Id.
    pub id: i64,
    /// Label.
    pub name: String,
    /// Catalogue message id.
    pub message_id: String,
    /// `draft`, `scheduled`, `running`, `paused`, `done` or `cancelled`.
    pub status: String,
    /// When it is due (RFC 3339, UTC).
    pub scheduled_at: Option<String>,
    /// When its audience was expanded.
    pub started_at: Option<String>,
    /// When it finished or was cancelled.
    pub finished_at: Option<String>,
    /// Target lists.
    pub lists: Vec<String>,
    /// Confirmed people its lists reach now (before it starts: who it would reach).
    pub audience: i64,
    /// Ledger progress.
    pub progress: Progress,
}

/// People who will get the message in another language than their own.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FallbackView {
    /// Their best locale, which lacks the message.
    pub wanted: String,
    /// The locale they will receive.
    pub used: String,
    /// How many people.
    pub people: i64,
    /// Why, in words: "has no `qu` translation", or a translation that does not format.
    pub reason: String,
    /// For a translation that does not format, the `locales check` findings
    /// that pass it over (`file:line:column: error: …`).
    pub problems: Vec<String>,
}

impl From<Fallback> for FallbackView {
    fn from(f: Fallback) -> Self {
        Self {
            reason: f.reason(),
            problems: f.broken.iter().map(ToString::to_string).collect(),
            wanted: f.wanted,
            used: f.used,
            people: f.people,
        }
    }
}
