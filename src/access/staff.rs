//! Staff members: adding them with a role, their one-time links to set a
//! password, the password log-in.

use std::time::Duration;

use url::Url;

use super::password::{self, Password, PasswordError};
use super::secret::{digest, random_text};
use super::{AccountName, Role};
use crate::domain::{Actor, AuditAction, AuditEntry, Subject};
use crate::store::{Store, StoreError, now_millis};

/// How long a link to set a password stays valid.
pub const PASSWORD_LINK_TTL: Duration = Duration::from_hours(72);

/// The path of password links under the public URL (the token follows).
pub const PASSWORD_PATH: &str = "staff/password/";

/// Why a staff operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Someone else has that name.
    #[error("a staff member named `{0}` already exists")]
    NameTaken(String),
    /// No one has that name.
    #[error("there is no staff member named `{0}` (see `willay staff list`)")]
    Unknown(String),
    /// The password chosen is refused.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The link is unknown, used or expired.
    #[error("this link is not valid any more: ask an administrator for a new one")]
    DeadLink,
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A one-time link to set a password; its text exists only here.
#[derive(Debug, Clone)]
pub struct PasswordLink {
    /// The whole link, to hand to the person.
    pub url: Url,
    /// Its validity.
    pub ttl: Duration,
}

/// Adds `name` with `role` (by `actor`); returns the link that lets them set a password.
pub async fn add(
    store: &Store,
    public_url: &Url,
    name: &AccountName,
    role: Role,
    actor: &Actor,
) -> Result<PasswordLink, StaffError> {
    let id = store
        .insert_staff(name.as_str(), role, now_millis(), actor)
        .await?
        .ok_or_else(|| StaffError::NameTaken(name.to_string()))?;
    link_for(store, public_url, id, actor).await
}

/// A new link for `name` to set (or reset) their password; older links keep
/// working until one is used or they expire.
pub async fn password_link(
    store: &Store,
    public_url: &Url,
    name: &str,
    actor: &Actor,
) -> Result<PasswordLink, StaffError> {
    let member = store
        .staff_member(name)
        .await?
        .ok_or_else(|| StaffError::Unknown(name.to_owned()))?;
    link_for(store, public_url, member.id, actor).await
}

async fn link_for(
    store: &Store,
    public_url: &Url,
    id: i64,
    actor: &Actor,
) -> Result<PasswordLink, StaffError> {
    let secret = random_text();
    let now = now_millis();
    let ttl = PASSWORD_LINK_TTL;
    store
        .insert_password_link(
            id,
            &digest(&secret),
            now,
            now + ttl.as_millis() as i64,
            actor,
        )
        .await?;
    let url = public_url
        .join(&format!("{PASSWORD_PATH}{secret}"))
        .expect("a base64url secret joins any base URL");
    Ok(PasswordLink { url, ttl })
}

/// Sets the password of the link's holder; the holder's id.
pub async fn set_password(
    store: &Store,
    link_secret: &str,
    password: &Password,
) -> Result<i64, StaffError> {
    set_password_hash(store, link_secret, &password.hash()).await
}

/// Like [`set_password`], with the password already hashed (off the async threads).
pub async fn set_password_hash(
    store: &Store,
    link_secret: &str,
    hash: &str,
) -> Result<i64, StaffError> {
    store
        .use_password_link(&digest(link_secret), now_millis(), hash)
        .await?
        .ok_or(StaffError::DeadLink)
}

/// The id of the staff member `name` if `password` is theirs. Takes as long
/// whether or not `name` exists or has a password.
///
/// A refusal is recorded in the audit log with the staff member's id when
/// `name` is one, and no id otherwise: never the name typed, which may be a
/// password typed in the wrong box. (A success is recorded with the session
/// it opens.)
pub async fn log_in(store: &Store, name: &str, password: &str) -> Result<Option<i64>, StoreError> {
    let found = store.staff_credentials(name.trim()).await?;
    let hash = found.as_ref().and_then(|c| c.password_hash.clone());
    // Hashing is slow on purpose: off the async threads.
    let presented = password.to_owned();
    let verified =
        tokio::task::spawn_blocking(move || password::verify(hash.as_deref(), &presented))
            .await
            .unwrap_or(false);
    if !verified {
        let subject = found.as_ref().map(|c| Subject::staff(c.id));
        let entry = AuditEntry::new(&Actor::Visitor, AuditAction::LogInRefused, subject);
        store.record(&entry).await?;
    }
    Ok(found.filter(|_| verified).map(|c| c.id))
}
