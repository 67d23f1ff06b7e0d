//! Who may use the admin side: API tokens (bearer), dashboard sessions (a
//! cookie) and anti-forgery values for every form.
//!
//! Tokens are `wly_` + 43 base64url characters (256 random bits). The first
//! 12 characters select the row; the SHA-256 of the whole token is compared in
//! constant time, so neither the lookup nor the comparison leaks the secret.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::headers::authorization::Bearer;
use axum_extra::headers::{Authorization, HeaderMapExt};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::i18n::PageText;
use super::state::WebState;
pub use crate::access::secret::{digest, random_text, same_secret};
use crate::access::{AccountName, Area, Role};
use crate::domain::{Actor, AuditAction, AuditEntry};
use crate::store::{NewToken, Store, StoreError, StoredToken, WebSession, now_millis};

const TOKEN_PREFIX: &str = "wly_";
const TOKEN_CHARS: usize = 43;
const SELECTOR_CHARS: usize = 12;

/// The dashboard session cookie.
pub const SESSION_COOKIE: &str = "willay_session";
/// The anti-forgery cookie of forms shown before a session exists (log-in, subscribe).
pub const FORM_COOKIE: &str = "willay_form";

/// Why a token could not be created.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Another token has that name.
    #[error("a token named `{0}` already exists (revoke it first, or pick another name)")]
    NameTaken(String),
    /// The name is empty or has control characters.
    #[error("a token name must be 1–100 printable characters")]
    BadName,
    /// The holder named is not a staff member.
    #[error("there is no staff member named `{0}` (see `willay staff list`)")]
    UnknownStaff(String),
    /// The holder's own role does not open everything the token's would.
    #[error(
        "`{staff}` is {staff_role}: a {role} token would let them do more than their role allows"
    )]
    RoleNotCovered {
        /// The holder.
        staff: String,
        /// Their role.
        staff_role: Role,
        /// The token's.
        role: Role,
    },
    /// Database trouble.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates a token named `name` with `role`, held by staff member `staff`
/// if given (whose role must cover it), by `actor`; returns the only copy of its text.
pub async fn create_token(
    store: &Store,
    name: &str,
    role: Role,
    staff: Option<&str>,
    actor: &Actor,
) -> Result<String, TokenError> {
    let name = AccountName::parse(name).map_err(|_| TokenError::BadName)?;
    let staff_id = match staff {
        None => None,
        Some(holder) => {
            let member = store
                .staff_member(holder)
                .await?
                .ok_or_else(|| TokenError::UnknownStaff(holder.to_owned()))?;
            if !member.role.covers(role) {
                return Err(TokenError::RoleNotCovered {
                    staff: member.name,
                    staff_role: member.role,
                    role,
                });
            }
            Some(member.id)
        }
    };
    let token = format!("{TOKEN_PREFIX}{}", random_text());
    let selector = &token[TOKEN_PREFIX.len()..TOKEN_PREFIX.len() + SELECTOR_CHARS];
    let new = NewToken {
        name: name.as_str(),
        selector,
        hash: &digest(&token),
        role,
        staff_id,
    };
    match store.insert_api_token(&new, now_millis(), actor).await? {
        Some(_) => Ok(token),
        None => Err(TokenError::NameTaken(name.to_string())),
    }
}

/// The stored token that `presented` is, if it is one of ours and not revoked.
pub async fn authenticate(
    store: &Store,
    presented: &str,
) -> Result<Option<StoredToken>, StoreError> {
    let presented = presented.trim();
    let Some(body) = presented.strip_prefix(TOKEN_PREFIX) else {
        return Ok(None);
    };
    if body.len() != TOKEN_CHARS || !body.is_ascii() {
        return Ok(None);
    }
    let Some(stored) = store.api_token_by_selector(&body[..SELECTOR_CHARS]).await? else {
        return Ok(None);
    };
    if !bool::from(digest(presented).ct_eq(&stored.hash)) {
        return Ok(None);
    }
    store.touch_api_token(stored.id, now_millis()).await?;
    Ok(Some(stored))
}

/// Records a dashboard log-in refused for a token that is not one (or was
/// revoked): with no id, and never the text typed.
pub async fn token_log_in_refused(store: &Store) -> Result<(), StoreError> {
    let entry = AuditEntry::new(&Actor::Visitor, AuditAction::LogInRefused, None);
    store.record(&entry).await
}

/// An API caller authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The token's id: what the audit log names.
    pub token_id: i64,
    /// The staff member holding the token, if any.
    pub staff_id: Option<i64>,
    /// The token's name (for logs; never the token).
    pub token_name: String,
    /// What the token may do.
    pub role: Role,
}

impl ApiCaller {
    /// Who acts through this call, as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::Token {
            token_id: self.token_id,
            staff_id: self.staff_id,
        }
    }

    /// The consent source recorded for people this caller adds through
    /// `channel`, e.g. `admin API (token ana-laptop)`: who vouched for consent.
    pub fn source(&self, channel: &str) -> String {
        format!("{channel} (token {})", self.token_name)
    }
}

/// The caller an API area's guard let in; a route outside every guard has none (401).
impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<ApiCaller>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

impl ApiCaller {
    /// The caller whose `Authorization: Bearer` token `headers` carry, or 401.
    pub async fn of(headers: &HeaderMap, store: &Store) -> Result<Self, ApiError> {
        // A missing or malformed header is the same 401 as a wrong token.
        let bearer = headers
            .typed_get::<Authorization<Bearer>>()
            .ok_or(ApiError::Unauthorized)?;
        let token = authenticate(store, bearer.token())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Self {
            token_id: token.id,
            staff_id: token.staff_id,
            token_name: token.name,
            role: token.role,
        })
    }

    /// Whether this caller's role opens `area`; 403 `forbidden` if not.
    pub fn may(&self, area: Area) -> Result<(), ApiError> {
        if self.role.may(area) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "a token of role `{}` may not do this",
                self.role
            )))
        }
    }
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Secure on https, whole site.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie values are base64url")
}

/// A logged-in dashboard user.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The session.
    pub session: WebSession,
    /// Hash of the cookie value (the session's key).
    pub id_hash: Vec<u8>,
    /// The language the dashboard speaks to them: their stored choice, else
    /// the best match of their browser's `Accept-Language`, else Spanish.
    pub lang: String,
}

impl Staff {
    /// Whether a form's anti-forgery value is this session's.
    pub fn csrf_ok(&self, presented: &str) -> bool {
        same_secret(presented, &self.session.csrf)
    }
}

impl FromRequestParts<WebState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        // A page's guard has already looked the session up.
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }
        let to_login = || Redirect::to("/login").into_response();
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let id_hash = digest(&value);
        match state.app.store.session(&id_hash, now_millis()).await {
            Ok(Some(session)) => {
                let lang = match &session.locale {
                    Some(locale) => locale.clone(),
                    None => {
                        let catalogue = state.app.catalogue();
                        PageText::for_request(catalogue, None, &parts.headers).lang()
                    }
                };
                Ok(Self {
                    session,
                    id_hash,
                    lang,
                })
            }
            Ok(None) => Err(to_login()),
            Err(error) => Err(ApiError::from(error).into_response()),
        }
    }
}

/// The anti-forgery value for a form shown before any session exists: reuses
/// the visitor's form cookie, or makes a new one (double-submit cookie).
pub fn form_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, FORM_COOKIE).filter(|v| v.len() == TOKEN_CHARS) {
        Some(existing) => (existing, false),
        None => (random_text(), true),
    }
}

/// Whether a posted form carries the same anti-forgery value as its cookie.
pub fn form_token_ok(headers: &HeaderMap, presented: &str) -> bool {
    cookie(headers, FORM_COOKIE)
        .is_some_and(|c| c.len() == TOKEN_CHARS && same_secret(&c, presented))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn reads_cookies_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; willay_session=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn compares_secrets_by_value_only() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
