//! The audit log: appended inside the transaction of the change it records
//! where there is one ([`audit_in!`]), read newest first with filters.

use super::{Millis, Store, StoreError, now_millis, on_pool};
use crate::domain::{ActorKind, AuditAction, AuditEntry, SubjectKind};

/// The one `INSERT` of the log; the triggers of migration 0009 refuse the rest.
pub(crate) const INSERT_EVENT: &str = "INSERT INTO audit_events \
     (at, actor_kind, actor_staff_id, actor_token_id, action, subject_kind, subject_id, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends `$entry` (an [`AuditEntry`]) at time `$now` through `$conn` (a
/// transaction of either backend), so the event commits or rolls back with
/// the change it records.
macro_rules! audit_in {
    ($conn:expr, $entry:expr, $now:expr) => {{
        let entry: &$crate::domain::AuditEntry = $entry;
        sqlx::query($crate::store::audit::INSERT_EVENT)
            .bind($now)
            .bind(entry.actor.kind().as_str())
            .bind(entry.actor.staff_id())
            .bind(entry.actor.token_id())
            .bind(entry.action.as_str())
            .bind(entry.subject.map(|s| s.kind.as_str()))
            .bind(entry.subject.map(|s| s.id))
            .bind(entry.detail.clone().into_text())
            .execute(&mut *$conn)
            .await?;
    }};
}
pub(crate) use audit_in;

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    /// Row id: increases with time, the paging cursor.
    pub id: i64,
    /// When.
    pub at: Millis,
    /// What kind of actor.
    #[sqlx(try_from = "String")]
    pub actor_kind: ActorKind,
    /// The staff member who acted, if known.
    pub actor_staff_id: Option<i64>,
    /// The token used, if one was.
    pub actor_token_id: Option<i64>,
    /// What was done.
    #[sqlx(try_from = "String")]
    pub action: AuditAction,
    /// The kind of thing it was done to.
    pub subject_kind: Option<String>,
    /// That thing's id.
    pub subject_id: Option<i64>,
    /// Numbers and enum words, `key=value`.
    pub detail: Option<String>,
}

/// Which events to read; every field narrows, `None` does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only what this staff member did (with their password or their tokens).
    pub actor_staff_id: Option<i64>,
    /// Only events about this kind of thing.
    pub subject_kind: Option<SubjectKind>,
    /// Only events about this id (with `subject_kind`, one thing).
    pub subject_id: Option<i64>,
    /// At or after this time.
    pub since: Option<Millis>,
    /// Before this time.
    pub until: Option<Millis>,
    /// Only events older than this id: the previous page's `next`.
    pub before_id: Option<i64>,
    /// At most this many (default and ceiling [`AuditFilter::MAX_LIMIT`]).
    pub limit: Option<u32>,
}

impl AuditFilter {
    /// The most events one page holds.
    pub const MAX_LIMIT: u32 = 500;

    fn limit(&self) -> i64 {
        i64::from(
            self.limit
                .unwrap_or(Self::MAX_LIMIT)
                .clamp(1, Self::MAX_LIMIT),
        )
    }
}

/// A page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The events.
    pub events: Vec<AuditEvent>,
    /// The `before_id` of the next (older) page; `None` on the last page.
    pub next: Option<i64>,
}

impl Store {
    /// Appends one event on its own, for changes that have no transaction of
    /// their own to join (a refused log-in, an import made of many).
    pub async fn record(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let now = now_millis();
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            audit_in!(conn, entry, now);
        });
        Ok(())
    }

    /// Events matching `filter`, newest first, one page.
    pub async fn audit_events(&self, filter: &AuditFilter) -> Result<AuditPage, StoreError> {
        // Static text with "no filter" as NULL: no SQL is ever assembled.
        let sql = "SELECT id, at, actor_kind, actor_staff_id, actor_token_id, action, \
                   subject_kind, subject_id, detail FROM audit_events \
                   WHERE ($1 IS NULL OR action = $1) \
                   AND ($2 IS NULL OR actor_staff_id = $2) \
                   AND ($3 IS NULL OR subject_kind = $3) \
                   AND ($4 IS NULL OR subject_id = $4) \
                   AND ($5 IS NULL OR at >= $5) \
                   AND ($6 IS NULL OR at < $6) \
                   AND ($7 IS NULL OR id < $7) \
                   ORDER BY id DESC LIMIT $8";
        let limit = filter.limit();
        // One more than asked says whether an older page exists.
        let mut events: Vec<AuditEvent> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(filter.action.map(AuditAction::as_str))
                .bind(filter.actor_staff_id)
                .bind(filter.subject_kind.map(SubjectKind::as_str))
                .bind(filter.subject_id)
                .bind(filter.since)
                .bind(filter.until)
                .bind(filter.before_id)
                .bind(limit + 1)
                .fetch_all(pool)
                .await?
        });
        let next = if events.len() as i64 > limit {
            events.truncate(limit as usize);
            events.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage { events, next })
    }
}
