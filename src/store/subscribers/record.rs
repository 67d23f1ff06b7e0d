//! One person's record: read, changed and erased through the API, and created by self-service sign-up (double opt-in).

use crate::domain::{Actor, AuditAction, AuditEntry, Detail, Subject, SubscriberStatus};
use crate::unsubscribe::LinkKey;

use super::{NewSubscriber, memberships_in};
use crate::store::audit::audit_in;
use crate::store::{Millis, Store, StoreError, on_pool};

/// Where an address stands, as the public sign-up needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupState {
    /// Row id.
    pub id: i64,
    /// Current status.
    pub status: SubscriberStatus,
    /// When they last unsubscribed.
    pub unsubscribed_at: Option<Millis>,
}

/// What clicking a confirmation link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// The person is now confirmed (or was already, and the list was added).
    Confirmed,
    /// The link predates a later unsubscribe or a bounce: nothing changed.
    Stale,
    /// The person no longer exists (erased).
    Unknown,
}

impl Store {
    /// Creates one subscriber in `status`, member of `list_ids`, added by
    /// `actor` (a visitor for the public sign-up form).
    ///
    /// `Ok(None)` when the address is already known (nothing changes).
    pub async fn create_subscriber(
        &self,
        person: &NewSubscriber,
        status: SubscriberStatus,
        source: &str,
        list_ids: &[i64],
        now: Millis,
        actor: &Actor,
    ) -> Result<Option<i64>, StoreError> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO subscribers (email, email_key, name, language, region, status, \
                 consent_at, consent_source, created_at, updated_at, link_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) \
                 ON CONFLICT (email_key) DO NOTHING RETURNING id",
            )
            .bind(person.email.as_str())
            .bind(person.email.key())
            .bind(person.name.as_str())
            .bind(&person.language)
            .bind(person.region.as_str())
            .bind(status.as_str())
            .bind((status == SubscriberStatus::Confirmed).then_some(now))
            .bind(source)
            .bind(now)
            .bind(LinkKey::generate().as_bytes().to_vec())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                memberships_in!(tx, list_ids.iter().map(|&list_id| (list_id, id)), now);
                let detail = Detail::default()
                    .word("status", status.as_str())
                    .count("lists", list_ids.len() as i64);
                let entry = AuditEntry::new(actor, AuditAction::SubscriberCreated, Some(Subject::subscriber(id)));
                audit_in!(tx, &entry.with(detail), now);
            }
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Changes a subscriber's language and/or region, by `actor`. The log
    /// says which fields changed, never their values (a region can point at a person).
    pub async fn update_subscriber_profile(
        &self,
        id: i64,
        language: Option<&str>,
        region: Option<&str>,
        now: Millis,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE subscribers SET language = COALESCE($2, language), \
                 region = COALESCE($3, region), updated_at = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(language)
            .bind(region)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed > 0 {
                let detail = Detail::default()
                    .count("language", i64::from(language.is_some()))
                    .count("region", i64::from(region.is_some()));
                let entry = AuditEntry::new(actor, AuditAction::SubscriberUpdated, Some(Subject::subscriber(id)));
                audit_in!(tx, &entry.with(detail), now);
            }
            tx.commit().await?;
            changed
        });
        if changed == 0 {
            return Err(StoreError::UnknownSubscriber(id));
        }
        Ok(())
    }

    /// Records consent given outside willay: `unconfirmed → confirmed` only.
    ///
    /// Returns false when the person is in another status (an unsubscribed
    /// person comes back only through the double opt-in form).
    pub async fn confirm_by_admin(
        &self,
        id: i64,
        source: &str,
        now: Millis,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE subscribers SET status = 'confirmed', consent_at = $2, consent_source = $3, \
                 updated_at = $2 WHERE id = $1 AND status = 'unconfirmed'",
            )
            .bind(id)
            .bind(now)
            .bind(source)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed > 0 {
                let entry = AuditEntry::new(actor, AuditAction::SubscriberConfirmed, Some(Subject::subscriber(id)));
                audit_in!(tx, &entry, now);
            }
            tx.commit().await?;
            changed
        });
        Ok(changed > 0)
    }

    /// Erases a person: their row, memberships and confirmation-mail record
    /// go; their ledger rows stay as anonymous counts, the ones not yet sent
    /// are skipped, and every stored error text of theirs is replaced.
    ///
    /// Returns false when there was no such subscriber. The audit log keeps
    /// the id and who erased them, nothing else.
    pub async fn delete_subscriber(
        &self,
        id: i64,
        now: Millis,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let deleted = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE deliveries SET state = 'skipped', \
                 lease_owner = NULL, lease_until = NULL, updated_at = $2 \
                 WHERE subscriber_id = $1 AND state = 'pending'",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // An SMTP reply often quotes the address it refused, so a failed
            // row's error is personal data: no state keeps its text.
            sqlx::query(
                "UPDATE deliveries SET last_error = 'subscriber erased', updated_at = $2 \
                 WHERE subscriber_id = $1 AND (last_error IS NOT NULL OR state = 'skipped')",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM memberships WHERE subscriber_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM confirmation_mail WHERE subscriber_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let deleted = sqlx::query("DELETE FROM subscribers WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted > 0 {
                let entry = AuditEntry::new(actor, AuditAction::SubscriberErased, Some(Subject::subscriber(id)));
                audit_in!(tx, &entry, now);
            }
            tx.commit().await?;
            deleted
        });
        Ok(deleted > 0)
    }

    /// Names of the lists a subscriber belongs to.
    pub async fn subscriber_lists(&self, id: i64) -> Result<Vec<String>, StoreError> {
        let names: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT l.name FROM memberships m JOIN lists l ON l.id = m.list_id \
                 WHERE m.subscriber_id = $1 ORDER BY l.name",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(names)
    }

    /// Whether `subscriber_id` is on list `list_id`.
    pub async fn is_member(&self, list_id: i64, subscriber_id: i64) -> Result<bool, StoreError> {
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships WHERE list_id = $1 AND subscriber_id = $2",
            )
            .bind(list_id)
            .bind(subscriber_id)
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }

    /// The sign-up state of an address (by its case-insensitive key).
    pub async fn signup_state(&self, email_key: &str) -> Result<Option<SignupState>, StoreError> {
        /// The columns of [`SignupState`], the status as stored.
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            status: String,
            unsubscribed_at: Option<i64>,
        }
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, status, unsubscribed_at FROM subscribers WHERE email_key = $1",
            )
            .bind(email_key)
            .fetch_optional(pool)
            .await?
        });
        row.map(|row| {
            Ok(SignupState {
                id: row.id,
                status: row
                    .status
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
                unsubscribed_at: row.unsubscribed_at,
            })
        })
        .transpose()
    }

    /// Confirms a double opt-in: `unconfirmed → confirmed`, or back from
    /// `unsubscribed` when the link was issued after they left; adds the list.
    ///
    /// A link issued before a later unsubscribe must not undo it, hence `issued_at`.
    pub async fn confirm_subscription(
        &self,
        id: i64,
        list_id: Option<i64>,
        issued_at: Millis,
        now: Millis,
    ) -> Result<ConfirmOutcome, StoreError> {
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM subscribers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let outcome = match status.as_deref() {
                None => ConfirmOutcome::Unknown,
                Some(_) => {
                    sqlx::query(
                        "UPDATE subscribers SET status = 'confirmed', consent_at = $2, \
                         consent_source = 'web form, double opt-in', unsubscribed_at = NULL, updated_at = $2 \
                         WHERE id = $1 AND (status = 'unconfirmed' \
                           OR (status = 'unsubscribed' AND unsubscribed_at < $3))",
                    )
                    .bind(id)
                    .bind(now)
                    .bind(issued_at)
                    .execute(&mut *tx)
                    .await?;
                    let status: String =
                        sqlx::query_scalar("SELECT status FROM subscribers WHERE id = $1")
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                    if status == "confirmed" {
                        memberships_in!(tx, list_id.map(|list_id| (list_id, id)), now);
                        ConfirmOutcome::Confirmed
                    } else {
                        ConfirmOutcome::Stale
                    }
                }
            };
            tx.commit().await?;
            outcome
        });
        Ok(outcome)
    }

    /// Takes the right to mail a confirmation to `id` now: false when one was
    /// sent less than `min_interval_ms` ago.
    pub async fn claim_confirmation_mail(
        &self,
        id: i64,
        now: Millis,
        min_interval_ms: i64,
    ) -> Result<bool, StoreError> {
        let claimed: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO confirmation_mail (subscriber_id, last_sent_at, sends) VALUES ($1, $2, 1) \
                 ON CONFLICT (subscriber_id) DO UPDATE SET last_sent_at = excluded.last_sent_at, \
                 sends = confirmation_mail.sends + 1 \
                 WHERE confirmation_mail.last_sent_at <= $3 RETURNING subscriber_id",
            )
            .bind(id)
            .bind(now)
            .bind(now - min_interval_ms)
            .fetch_optional(pool)
            .await?
        });
        Ok(claimed.is_some())
    }
}
