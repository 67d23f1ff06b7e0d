//! Leaving the audience: unsubscribing, and addresses that bounce.

use crate::domain::{Actor, AuditAction, AuditEntry, Subject};
use crate::store::audit::audit_in;
use crate::store::{Millis, Store, StoreError, on_pool};

impl Store {
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
