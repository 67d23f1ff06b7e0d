//! The page a staff member's one-time link opens, to set their password.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::text::DashText;
use super::{forged, page};
use crate::access::password::{MAX_CHARS, MIN_CHARS, Password, PasswordError};
use crate::access::secret::digest;
use crate::access::staff::{self, PASSWORD_LINK_TTL, StaffError};
use crate::store::now_millis;
use crate::web::auth::{self, FORM_COOKIE};
use crate::web::state::WebState;

enum PasswordState<'a> {
    Form {
        name: &'a str,
        csrf: &'a str,
        error: Option<String>,
    },
    Done,
    Dead,
}

#[derive(Template)]
#[template(path = "web/password.html")]
struct PasswordPage<'a> {
    t: &'a DashText<'a>,
    state: PasswordState<'a>,
    min_chars: usize,
    ttl_hours: u64,
}

fn show(t: &DashText<'_>, status: StatusCode, state: PasswordState<'_>) -> Response {
    let body = PasswordPage {
        t,
        state,
        min_chars: MIN_CHARS,
        ttl_hours: PASSWORD_LINK_TTL.as_secs() / 3600,
    }
    .render();
    page(t, status, body)
}

/// The form for the link's holder, or the dead-link page.
async fn form_page(
    state: &WebState,
    t: &DashText<'_>,
    headers: &HeaderMap,
    secret: &str,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let holder = state
        .app
        .store
        .password_link_holder(&digest(secret), now_millis())
        .await;
    let member = match holder {
        Ok(Some(member)) => member,
        Ok(None) => return show(t, StatusCode::NOT_FOUND, PasswordState::Dead),
        Err(error) => return super::login::login_failed(t, error),
    };
    let (csrf, fresh) = auth::form_token(headers);
    let mut response = show(
        t,
        status,
        PasswordState::Form {
            name: &member.name,
            csrf: &csrf,
            error,
        },
    );
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            auth::set_cookie(FORM_COOKIE, &csrf, 3600, state.secure_cookies),
        );
    }
    response
}

/// `GET /staff/password/{secret}`.
pub(super) async fn password_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(secret): Path<String>,
) -> Response {
    let t = DashText::for_visitor(&state, None, &headers);
    form_page(&state, &t, &headers, &secret, StatusCode::OK, None).await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct PasswordForm {
    csrf: String,
    password: String,
    again: String,
}

/// `POST /staff/password/{secret}`: sets the password and spends the link.
pub(super) async fn set_password(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path(secret): Path<String>,
    form: Result<axum::Form<PasswordForm>, FormRejection>,
) -> Response {
    let t = DashText::for_visitor(&state, None, &headers);
    let Ok(axum::Form(fields)) = form else {
        return forged(&t, None);
    };
    if !auth::form_token_ok(&headers, &fields.csrf) {
        return forged(&t, None);
    }
    let password = match Password::choose(&fields.password, &fields.again) {
        Ok(password) => password,
        Err(refused) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let refused = match refused {
                PasswordError::TooShort => {
                    t.with("dash-password-too-short", "min", MIN_CHARS.to_string())
                }
                PasswordError::TooLong => {
                    t.with("dash-password-too-long", "max", MAX_CHARS.to_string())
                }
                PasswordError::Mismatch => t.get("dash-password-mismatch"),
            };
            return form_page(&state, &t, &headers, &secret, status, Some(refused)).await;
        }
    };
    // Hashing is slow on purpose: off the async threads.
    let hashed = tokio::task::spawn_blocking(move || password.hash()).await;
    let Ok(hashed) = hashed else {
        return super::login::login_failed(&t, "password hashing stopped");
    };
    match staff::set_password_hash(&state.app.store, &secret, &hashed).await {
        Ok(id) => {
            tracing::info!(staff_id = id, "staff password set");
            show(&t, StatusCode::OK, PasswordState::Done)
        }
        Err(StaffError::DeadLink) => show(&t, StatusCode::NOT_FOUND, PasswordState::Dead),
        Err(error) => super::login::login_failed(&t, error),
    }
}
