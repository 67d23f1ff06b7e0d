//! The page a staff member's one-time link opens, to set their password.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{forged, page};
use crate::access::password::{MIN_CHARS, Password};
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
    state: PasswordState<'a>,
    min_chars: usize,
    ttl_hours: u64,
}

fn show(status: StatusCode, state: PasswordState<'_>) -> Response {
    let body = PasswordPage {
        state,
        min_chars: MIN_CHARS,
        ttl_hours: PASSWORD_LINK_TTL.as_secs() / 3600,
    }
    .render();
    page(status, body)
}

/// The form for the link's holder, or the dead-link page.
async fn form_page(
    state: &WebState,
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
        Ok(None) => return show(StatusCode::NOT_FOUND, PasswordState::Dead),
        Err(error) => return super::login::login_failed(error),
    };
    let (csrf, fresh) = auth::form_token(headers);
    let mut response = show(
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
    form_page(&state, &headers, &secret, StatusCode::OK, None).await
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
    let Ok(axum::Form(fields)) = form else {
        return forged(None);
    };
    if !auth::form_token_ok(&headers, &fields.csrf) {
        return forged(None);
    }
    let password = match Password::choose(&fields.password, &fields.again) {
        Ok(password) => password,
        Err(refused) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form_page(&state, &headers, &secret, status, Some(refused.to_string())).await;
        }
    };
    // Hashing is slow on purpose: off the async threads.
    let hashed = tokio::task::spawn_blocking(move || password.hash()).await;
    let Ok(hashed) = hashed else {
        return super::login::login_failed("password hashing stopped");
    };
    match staff::set_password_hash(&state.app.store, &secret, &hashed).await {
        Ok(id) => {
            tracing::info!(staff_id = id, "staff password set");
            show(StatusCode::OK, PasswordState::Done)
        }
        Err(StaffError::DeadLink) => show(StatusCode::NOT_FOUND, PasswordState::Dead),
        Err(error) => super::login::login_failed(error),
    }
}
